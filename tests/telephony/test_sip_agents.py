"""Agent legs: PIN in the request URI or as DTMF, the pod calling the agent, refusals, capacity."""
import pytest

from telephony.config import TrunkConfig
from telephony.outcomes import Outcome
from telephony.port import AgentConnected, AgentDisconnected, AgentIdentified, LegEnded, NoCapacity
from tests.telephony.conftest import free_udp_port, rtp_base

pytestmark = [pytest.mark.sip, pytest.mark.slow]


def _phone(spawn, name, *args):
    return spawn("telephony.sim.softphone", ["--port", free_udp_port(), "--rtp-port", rtp_base(), *args], name,
                 stdin=True)


def test_agent_logs_in_with_dtmf_pin_and_hangs_up(pod, spawn):
    phone = _phone(spawn, "dtmf", "--dial", f"sip:127.0.0.1:{pod.port.sip_port}", "--pins", "4242",
                   "--pin-mode", "dtmf")
    connected = pod.wait_for(lambda e: isinstance(e, AgentConnected))
    assert connected.inbound
    ident = pod.wait_for(lambda e: isinstance(e, AgentIdentified) and e.leg == connected.leg, timeout=5)
    assert ident.agent_id == "agent-dtmf"
    phone.send(cmd="hangup", pin="4242")
    gone = pod.wait_for(lambda e: isinstance(e, AgentDisconnected) and e.leg == connected.leg)
    assert gone.agent_id == "agent-dtmf"
    assert pod.settled()


def test_wrong_dtmf_pin_is_hung_up(pod, spawn):
    _phone(spawn, "baddtmf", "--dial", f"sip:127.0.0.1:{pod.port.sip_port}", "--pins", "9999",
           "--pin-mode", "dtmf")
    connected = pod.wait_for(lambda e: isinstance(e, AgentConnected))
    gone = pod.wait_for(lambda e: isinstance(e, AgentDisconnected) and e.leg == connected.leg, timeout=5)
    assert gone.agent_id is None
    assert not pod.of(AgentIdentified, leg=connected.leg)


def test_unknown_pin_in_uri_is_refused_with_403(pod, spawn):
    phone = _phone(spawn, "unknown", "--dial", f"sip:127.0.0.1:{pod.port.sip_port}", "--pins", "5555")
    ended = phone.wait_for(lambda r: r.get("event") == "ended", pod=pod)
    assert ended["status"] == 403
    assert not pod.of(AgentConnected)
    assert pod.settled()


def test_pod_calls_the_agent_at_login(pod, spawn):
    port = free_udp_port()
    phone = _phone(spawn, "accept", "--port", port, "--accept")
    leg = pod.port.call_agent(f"sip:agent@127.0.0.1:{port}", "agent-7")
    pod.wait_for(lambda e: isinstance(e, AgentConnected) and e.leg == leg and not e.inbound)
    assert pod.wait_for(lambda e: isinstance(e, AgentIdentified) and e.leg == leg).agent_id == "agent-7"
    phone.wait_for(lambda r: r.get("event") == "connected", pod=pod)
    pod.port.hangup(leg)
    pod.wait_for(lambda e: isinstance(e, AgentDisconnected) and e.leg == leg)
    phone.wait_for(lambda r: r.get("event") == "ended", pod=pod)


def test_full_pod_says_no_capacity_and_503(pod, spawn, monkeypatch):
    monkeypatch.setattr(pod.port, "_limit", 2)
    phone = _phone(spawn, "many", "--dial", f"sip:127.0.0.1:{pod.port.sip_port}", "--pins", "1001,1002")
    pod.wait_for(lambda e: isinstance(e, AgentIdentified) and e.agent_id == "agent-2")
    pod.wait_for(lambda e: isinstance(e, AgentIdentified) and e.agent_id == "agent-1")
    assert pod.port.active_legs == 2
    pod.port.add_trunk(TrunkConfig("full", "sip:127.0.0.1:9"))
    with pytest.raises(NoCapacity):
        pod.port.originate("full", "1", "2")
    with pytest.raises(NoCapacity):
        pod.port.call_agent("sip:x@127.0.0.1:9", "agent-9")
    phone.send(cmd="dial", pin="1003")
    ended = phone.wait_for(lambda r: r.get("event") == "ended" and r["key"] == "1003", pod=pod)
    assert ended["status"] == 503
    pod.pump(1.0)                          # the refused call's slot cools down with its sockets
    assert pod.port.active_legs == 2


def test_unknown_trunk_ends_the_leg_as_failed(pod):
    leg = pod.port.originate("no-such-trunk", "13800000000", "02150001234")
    ended = pod.wait_for(lambda e: isinstance(e, LegEnded) and e.leg == leg)
    assert ended.outcome is Outcome.FAILED and "unknown trunk" in ended.reason
    assert pod.settled()
