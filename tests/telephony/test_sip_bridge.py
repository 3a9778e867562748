"""Audio flows both ways through a bridge; per-leg and mixed recordings are valid WAVs with the right audio."""
import pytest

from telephony.port import (AgentConnected, AgentIdentified, BridgeConnected, LegAnswered, LegEnded,
                            RecordingFinished)
from tests.telephony.audio import rms, wav_info
from tests.telephony.conftest import free_udp_port, rtp_base

pytestmark = [pytest.mark.sip, pytest.mark.slow]
SPEECH_RMS = 300.0      # the prompts are speech at normal level; silence / comfort noise is far below


def test_bridge_records_both_directions(pod, carrier, spawn, tmp_path):
    car = carrier()
    phone = spawn("telephony.sim.softphone", ["--port", free_udp_port(), "--rtp-port", rtp_base(),
                                              "--dial", f"sip:127.0.0.1:{pod.port.sip_port}", "--pins", "1001",
                                              "--record-dir", tmp_path / "phone"], "phone")
    agent = pod.wait_for(lambda e: isinstance(e, AgentIdentified) and e.agent_id == "agent-1")
    assert pod.of(AgentConnected, leg=agent.leg)[0].inbound

    from telephony.config import TrunkConfig
    pod.port.add_trunk(TrunkConfig("bridge", f"sip:127.0.0.1:{car.port}"))
    leg = pod.port.originate("bridge", "13800000990", "02150001234")
    answered = pod.wait_for(lambda e: isinstance(e, LegAnswered) and e.leg == leg)
    pod.port.bridge(leg, agent.leg)
    per_leg = pod.port.record((leg, agent.leg), str(tmp_path / "call.wav"), per_leg=True)
    mixed = pod.port.record((leg, agent.leg), str(tmp_path / "mixed.wav"))
    connected = pod.wait_for(lambda e: isinstance(e, BridgeConnected) and e.customer_leg == leg)
    assert connected.at - answered.at < 0.5
    pod.pump(4.0)
    pod.port.hangup(leg)
    ended = pod.wait_for(lambda e: isinstance(e, LegEnded) and e.leg == leg)
    assert ended.outcome.value == "answered" and ended.hangup_by_us
    files = {e.recording_id: e.files for e in pod.of(RecordingFinished)}
    customer_file, agent_file = files[per_leg]
    (mixed_file,) = files[mixed]

    for f in (customer_file, agent_file, mixed_file):
        duration, samples = wav_info(f)
        assert 3.0 < duration < 6.0, (f, duration)
    # the customer leg carries the carrier's greeting, the agent leg the agent's pitch
    assert rms(wav_info(customer_file)[1]) > SPEECH_RMS
    assert rms(wav_info(agent_file)[1]) > SPEECH_RMS
    assert rms(wav_info(mixed_file)[1]) > SPEECH_RMS
    # and through the bridge each side heard the other: the carrier recorded the agent's audio
    call = car.wait_for(lambda r: r.get("event") == "call" and r["number"] == "13800000990")
    assert call["outcome"] == "person" and call["ended_by"] == "caller"
    assert rms(wav_info(call["recording"])[1]) > SPEECH_RMS
    phone_rec = phone.wait_for(lambda r: r.get("event") == "recording")["path"]
    assert phone.stop() == 0          # the softphone's WAV header is written when it closes
    assert rms(wav_info(phone_rec)[1]) > SPEECH_RMS
