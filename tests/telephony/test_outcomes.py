"""SIP status -> outcome mapping (pure)."""
import pytest

from telephony.outcomes import Outcome, outcome_for_status


@pytest.mark.parametrize("status,outcome", [
    (486, Outcome.BUSY), (600, Outcome.BUSY),
    (480, Outcome.NO_ANSWER), (408, Outcome.NO_ANSWER), (487, Outcome.NO_ANSWER),
    (404, Outcome.INVALID_NUMBER), (484, Outcome.INVALID_NUMBER), (604, Outcome.INVALID_NUMBER),
    (410, Outcome.INVALID_NUMBER),
    (500, Outcome.CONGESTION), (502, Outcome.CONGESTION), (503, Outcome.CONGESTION), (504, Outcome.CONGESTION),
    (403, Outcome.REJECTED), (603, Outcome.REJECTED),
    (0, Outcome.FAILED), (415, Outcome.FAILED), (488, Outcome.FAILED),
])
def test_status_maps_to_outcome(status, outcome):
    assert outcome_for_status(status) is outcome


def test_answered_wins_over_the_bye_status():
    assert outcome_for_status(200, answered=True) is Outcome.ANSWERED
    assert outcome_for_status(503, answered=True, cancelled_by_us=True) is Outcome.ANSWERED


def test_ring_timeout_is_no_answer_and_our_cancel_is_cancelled():
    assert outcome_for_status(487, ring_timeout=True, cancelled_by_us=True) is Outcome.NO_ANSWER
    assert outcome_for_status(487, cancelled_by_us=True) is Outcome.CANCELLED
    # a final answer that raced our CANCEL still says what the network said... as cancelled by us
    assert outcome_for_status(486, cancelled_by_us=True) is Outcome.CANCELLED
