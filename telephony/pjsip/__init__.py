"""The pjsua2 implementation of the telephony port (the only code that imports pjsua2, with the sims)."""
from telephony.pjsip.endpoint import PjsipPort

__all__ = ["PjsipPort"]
