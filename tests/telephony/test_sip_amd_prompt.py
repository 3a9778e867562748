"""The AMD hook samples the customer leg after answer; prompts end with an event; silent monitoring."""
import pytest

from telephony.config import TrunkConfig
from telephony.port import AgentIdentified, AmdDecided, LegAnswered, LegEnded, PromptEnded
from tests.telephony.audio import rms, wav_info
from tests.telephony.conftest import AUDIO, free_udp_port, rtp_base

pytestmark = [pytest.mark.sip, pytest.mark.slow]


def test_amd_hook_decides_on_the_customer_leg(pod, carrier):
    car = carrier(name="amd")
    pod.port.add_trunk(TrunkConfig("amd", f"sip:127.0.0.1:{car.port}"))
    person = pod.port.originate("amd", "13600000990", "02150001234", amd=True)
    machine = pod.port.originate("amd", "13600001991", "02150001234", amd=True)
    got = {}
    for leg in (person, machine):
        got[leg] = pod.wait_for(lambda e: isinstance(e, AmdDecided) and e.leg == leg, timeout=6)
        answered = pod.of(LegAnswered, leg=leg)[0]
        assert got[leg].at - answered.at <= 3.2          # the detector's 3 s budget, plus one poll
    # fed with the live levels, the AMD engineer's detector tells the carrier's person from its machine
    assert got[person].decision == "HUMAN" and got[machine].decision == "MACHINE"
    assert got[person].detail is not None and got[person].detail.decision == got[person].decision
    for leg in (person, machine):
        pod.port.hangup(leg)


def test_rx_level_reads_the_remote_audio(pod, carrier):
    car = carrier(name="level")
    pod.port.add_trunk(TrunkConfig("level", f"sip:127.0.0.1:{car.port}"))
    leg = pod.port.originate("level", "13600002990", "02150001234")
    pod.wait_for(lambda e: isinstance(e, LegAnswered) and e.leg == leg)
    levels = []
    for _ in range(60):
        pod.pump(0.02)
        levels.append(pod.port.rx_level(leg))
    assert max(levels) > 10, levels
    pod.port.hangup(leg)


def test_prompt_plays_into_a_leg_and_ends_with_an_event(pod, carrier, tmp_path):
    car = carrier(name="prompt")
    pod.port.add_trunk(TrunkConfig("prompt", f"sip:127.0.0.1:{car.port}"))
    leg = pod.port.originate("prompt", "13600003990", "02150001234")
    pod.wait_for(lambda e: isinstance(e, LegAnswered) and e.leg == leg)
    short = tmp_path / "short.wav"
    import wave
    with wave.open(str(AUDIO / "safe_harbor_en.wav")) as src, wave.open(str(short), "wb") as dst:
        dst.setparams(src.getparams())
        dst.writeframes(src.readframes(8000 * 2))           # 2 s of the safe-harbour message
    prompt = pod.port.play(leg, str(short))
    ended = pod.wait_for(lambda e: isinstance(e, PromptEnded) and e.prompt_id == prompt, timeout=5)
    assert ended.completed and ended.leg == leg
    assert 1.8 < ended.at - pod.of(LegAnswered, leg=leg)[0].at < 3.5
    stopped = pod.port.play(leg, str(AUDIO / "safe_harbor_en.wav"))
    pod.pump(0.5)
    pod.port.stop_prompt(stopped)
    assert not pod.wait_for(lambda e: isinstance(e, PromptEnded) and e.prompt_id == stopped).completed
    pod.port.hangup(leg)
    pod.wait_for(lambda e: isinstance(e, LegEnded) and e.leg == leg)
    call = car.wait_for(lambda r: r.get("number") == "13600003990")
    duration, samples = wav_info(call["recording"])
    assert rms(samples[: 8000 * 2]) > 300                  # the carrier heard the message


def test_silent_monitor_hears_both_sides_and_is_not_heard(pod, carrier, spawn, tmp_path):
    car = carrier(name="monitor")
    pod.port.add_trunk(TrunkConfig("monitor", f"sip:127.0.0.1:{car.port}"))
    spawn("telephony.sim.softphone", ["--port", free_udp_port(), "--rtp-port", rtp_base(),
                                      "--dial", f"sip:127.0.0.1:{pod.port.sip_port}", "--pins", "1002",
                                      "--audio", AUDIO / "agent_pitch_zh.wav"], "agent")
    agent = pod.wait_for(lambda e: isinstance(e, AgentIdentified) and e.agent_id == "agent-2")
    # the supervisor's phone plays a loud tone: if the monitor were heard, the carrier would record it
    sup = spawn("telephony.sim.softphone", ["--port", free_udp_port(), "--rtp-port", rtp_base(),
                                            "--dial", f"sip:127.0.0.1:{pod.port.sip_port}", "--pins", "1003",
                                            "--audio", AUDIO / "machine_greeting_en.wav",
                                            "--record-dir", tmp_path / "sup"], "supervisor")
    monitor = pod.wait_for(lambda e: isinstance(e, AgentIdentified) and e.agent_id == "agent-3")
    leg = pod.port.originate("monitor", "13600004990", "02150001234")
    pod.wait_for(lambda e: isinstance(e, LegAnswered) and e.leg == leg)
    pod.port.bridge(leg, agent.leg)
    pod.port.monitor(leg, agent.leg, monitor.leg)
    pod.port.record((leg, agent.leg, monitor.leg), str(tmp_path / "m.wav"), per_leg=True)
    pod.pump(3.0)
    pod.port.hangup(leg)
    pod.wait_for(lambda e: isinstance(e, LegEnded) and e.leg == leg)
    assert sup.stop() == 0
    heard = sup.wait_for(lambda r: r.get("event") == "recording")["path"]
    assert rms(wav_info(heard)[1]) > 300                   # the supervisor heard the call
    call = car.wait_for(lambda r: r.get("number") == "13600004990")
    _, customer_heard = wav_info(call["recording"])
    _, agent_voice = wav_info(str(tmp_path / f"m.{agent.leg}.wav"))
    # the carrier heard the agent (bridge) at about the agent's level, and nothing louder from the monitor
    assert rms(customer_heard) > 300
    _, sup_voice = wav_info(str(tmp_path / f"m.{monitor.leg}.wav"))
    assert rms(sup_voice) > 300                           # the supervisor was talking...
    import numpy as np
    n = min(len(customer_heard), len(agent_voice))
    corr = np.corrcoef(customer_heard[-n // 2:], agent_voice[-n // 2:])[0, 1] if n else 0
    assert rms(customer_heard) < 1.5 * rms(agent_voice) + 300, (rms(customer_heard), rms(agent_voice), corr)
