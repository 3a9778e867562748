"""Every outcome through the carrier simulator, with the raw SIP status kept."""
import pytest

from telephony.config import TrunkConfig
from telephony.outcomes import Outcome
from telephony.port import LegAnswered, LegEarlyMedia, LegEnded, LegRinging, RecordingFinished

pytestmark = [pytest.mark.sip, pytest.mark.slow]

CASES = {   # dialled number suffix -> (outcome, raw status)
    "990": (Outcome.ANSWERED, 200),
    "991": (Outcome.ANSWERED, 200),
    "992": (Outcome.BUSY, 486),
    "993": (Outcome.NO_ANSWER, 487),     # rings until our ring timeout cancels it
    "994": (Outcome.INVALID_NUMBER, 404),
    "995": (Outcome.CONGESTION, 503),
    "996": (Outcome.REJECTED, 603),
    "997": (Outcome.NO_ANSWER, 480),
    "998": (Outcome.NO_ANSWER, 480),     # 183 with early media first
}


def test_every_outcome_through_the_carrier(pod, carrier):
    car = carrier()
    pod.port.add_trunk(TrunkConfig("outcomes", f"sip:127.0.0.1:{car.port}"))
    legs = {suffix: pod.port.originate("outcomes", f"1390000{suffix}", "02150001234", ring_timeout_s=2.0)
            for suffix in CASES}
    cancelled = pod.port.originate("outcomes", "13900000993", "02150001234", ring_timeout_s=30)
    pod.wait_for(lambda e: isinstance(e, LegRinging) and e.leg == cancelled)
    pod.port.hangup(cancelled)
    for suffix in ("990", "991"):
        pod.wait_for(lambda e: isinstance(e, LegAnswered) and e.leg == legs[suffix])
        pod.port.hangup(legs[suffix])
    for suffix, (outcome, status) in CASES.items():
        ended = pod.wait_for(lambda e: isinstance(e, LegEnded) and e.leg == legs[suffix], timeout=8)
        assert (ended.outcome, ended.status) == (outcome, status), suffix
    ended = pod.wait_for(lambda e: isinstance(e, LegEnded) and e.leg == cancelled)
    assert (ended.outcome, ended.status) == (Outcome.CANCELLED, 487)
    assert not pod.of(LegRinging, leg=legs["994"])          # rejected before ringing
    assert pod.of(LegEarlyMedia, leg=legs["998"]) and not pod.of(LegEarlyMedia, leg=legs["992"])
    car.wait_for(lambda r: r.get("number") == "1390000993")
    calls = {r["number"][-3:]: r for r in car.records() if r.get("event") == "call" and len(r["number"]) == 10}
    assert calls["990"]["outcome"] == "person" and calls["991"]["outcome"] == "machine"
    assert calls["992"]["status"] == 486 and calls["993"]["ended_by"] == "caller"
    # the ring timeout is enforced by the layer: about 2 s between INVITE and CANCEL
    assert 1.7 < calls["993"]["end_at"] - calls["993"]["invite_at"] < 3.0
    assert pod.settled()


def test_carrier_hangs_up_after_talk_time(pod, carrier):
    car = carrier("--talk-min", "1", "--talk-max", "1", name="talk")
    pod.port.add_trunk(TrunkConfig("talk", f"sip:127.0.0.1:{car.port}"))
    leg = pod.port.originate("talk", "13900001990", "02150001234")
    pod.wait_for(lambda e: isinstance(e, LegAnswered) and e.leg == leg)
    ended = pod.wait_for(lambda e: isinstance(e, LegEnded) and e.leg == leg, timeout=5)
    assert ended.outcome is Outcome.ANSWERED and not ended.hangup_by_us
    call = car.wait_for(lambda r: r.get("event") == "call")
    assert call["ended_by"] == "carrier"
    for key in ("invite_at", "ring_at", "answer_at", "end_at"):
        assert call[key] is not None
    assert call["invite_at"] <= call["ring_at"] <= call["answer_at"] <= call["end_at"]


def test_early_media_can_be_recorded_before_the_answer(pod, carrier, tmp_path):
    from tests.telephony.audio import rms, wav_info

    car = carrier("--ring-min", "3", "--ring-max", "3", name="early")
    pod.port.add_trunk(TrunkConfig("early", f"sip:127.0.0.1:{car.port}"))
    leg = pod.port.originate("early", "13900002998", "02150001234")
    pod.wait_for(lambda e: isinstance(e, LegEarlyMedia) and e.leg == leg)
    rec = pod.port.record((leg,), str(tmp_path / "early.wav"))
    ended = pod.wait_for(lambda e: isinstance(e, LegEnded) and e.leg == leg, timeout=6)
    assert (ended.outcome, ended.status, ended.answered_at) == (Outcome.NO_ANSWER, 480, None)
    (path,) = pod.wait_for(lambda e: isinstance(e, RecordingFinished) and e.recording_id == rec).files
    duration, samples = wav_info(path)
    assert duration > 2.0 and rms(samples) > 300          # the announcement, heard before any answer
