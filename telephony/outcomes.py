"""Map the final SIP status of an outbound leg to a dialer outcome.

Pure: the dialer's recycle rules depend on this table, so it is kept apart
from pjsua2 and tested on its own.
"""
from __future__ import annotations

from enum import Enum


class Outcome(str, Enum):
    ANSWERED = "answered"        # the call was answered; how it ended is in the status/reason
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    INVALID_NUMBER = "invalid_number"
    CONGESTION = "congestion"
    REJECTED = "rejected"
    FAILED = "failed"            # anything else: transport error, 4xx we do not recognise
    CANCELLED = "cancelled"      # we hung up before an answer (not because of the ring timeout)


_BUSY = {486, 600}
_NO_ANSWER = {408, 480, 487}
_INVALID = {404, 410, 484, 485, 604}
_REJECTED = {401, 403, 407, 603}


def outcome_for_status(status: int, *, answered: bool = False, cancelled_by_us: bool = False,
                       ring_timeout: bool = False) -> Outcome:
    """Return the outcome of a leg that has ended.

    ``answered`` wins: an answered call ended normally whatever BYE said.
    A ring timeout is "no answer" even though the stack reports 487 for our
    CANCEL; a hang-up we asked for before the answer is "cancelled".
    """
    if answered:
        return Outcome.ANSWERED
    if ring_timeout:
        return Outcome.NO_ANSWER
    if cancelled_by_us:
        return Outcome.CANCELLED
    if status in _BUSY:
        return Outcome.BUSY
    if status in _NO_ANSWER:
        return Outcome.NO_ANSWER
    if status in _INVALID:
        return Outcome.INVALID_NUMBER
    if status in _REJECTED:
        return Outcome.REJECTED
    if 500 <= status <= 599:
        return Outcome.CONGESTION
    return Outcome.FAILED
