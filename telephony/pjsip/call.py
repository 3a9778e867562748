"""pjsua2 Call subclass: turns call callbacks into calls on an observer, nothing more."""
from __future__ import annotations

import pjsua2 as pj


class ObservedCall(pj.Call):
    """A call whose callbacks are forwarded to ``observer`` with the leg id.

    The observer's methods run on the thread that polls the stack; they must
    not destroy this object from inside the callback.
    """

    def __init__(self, account: pj.Account, observer, leg: str, call_id: int = pj.PJSUA_INVALID_ID):
        super().__init__(account, call_id)
        self.leg = leg
        self._observer = observer

    def onCallState(self, prm):
        self._observer.on_call_state(self.leg)

    def onCallMediaState(self, prm):
        self._observer.on_call_media_state(self.leg)

    def onDtmfDigit(self, prm):
        self._observer.on_dtmf(self.leg, prm.digit)
