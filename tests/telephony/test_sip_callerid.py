"""Caller ID and the pass-through (透传) headers arrive as configured; DTMF reaches the carrier."""
import pytest

from telephony.config import FromMode, TrunkConfig
from telephony.port import LegAnswered, LegEnded

pytestmark = [pytest.mark.sip, pytest.mark.slow]


def _call(pod, trunk, number, caller_id, display=None):
    leg = pod.port.originate(trunk, number, caller_id, display_name=display)
    pod.wait_for(lambda e: isinstance(e, LegAnswered) and e.leg == leg)
    return leg


def test_caller_id_headers_per_trunk_and_per_call(pod, carrier):
    car = carrier()
    pod.port.add_trunk(TrunkConfig("full", f"sip:127.0.0.1:{car.port}", send_pai=True, send_rpid=True,
                                   privacy="id", pai_domain="dialer.example"))
    pod.port.add_trunk(TrunkConfig("plain", f"sip:127.0.0.1:{car.port}", user="trunk77",
                                   from_mode=FromMode.TRUNK_USER, send_pai=False))
    pod.port.add_trunk(TrunkConfig("anon", f"sip:127.0.0.1:{car.port}", from_mode=FromMode.ANONYMOUS,
                                   privacy="id"))
    a = _call(pod, "full", "13700000990", "02150001111", "ACME 客服")
    b = _call(pod, "full", "13700001990", "02150002222")        # a second caller ID while the first is up
    c = _call(pod, "plain", "13700002990", "02150003333", "Plain")
    d = _call(pod, "anon", "13700003990", "02150004444")
    for leg in (a, b, c, d):
        pod.port.hangup(leg)
    for leg in (a, b, c, d):
        pod.wait_for(lambda e: isinstance(e, LegEnded) and e.leg == leg)
    car.wait_for(lambda r: r.get("number") == "13700003990")
    calls = {r["number"]: r for r in car.records() if r.get("event") == "call"}

    first = calls["13700000990"]
    assert (first["from_user"], first["from_display"]) == ("02150001111", "ACME 客服")
    assert first["pai_user"] == "02150001111" and "dialer.example" in first["pai"]
    assert first["privacy"] == "id"
    assert first["rpid"].startswith('"ACME 客服" <sip:02150001111@dialer.example>')
    assert "privacy=full" in first["rpid"]
    second = calls["13700001990"]
    assert second["from_user"] == "02150002222" and second["pai_user"] == "02150002222"
    plain = calls["13700002990"]
    assert plain["from_user"] == "trunk77" and plain["pai"] is None and plain["privacy"] is None
    anon = calls["13700003990"]
    assert anon["from_user"] == "anonymous" and anon["pai_user"] == "02150004444"
    assert anon["privacy"] == "id"


def test_dtmf_reaches_the_carrier(pod, carrier):
    car = carrier(name="dtmf")
    pod.port.add_trunk(TrunkConfig("dtmf", f"sip:127.0.0.1:{car.port}"))
    leg = _call(pod, "dtmf", "13700009990", "02150001234")
    pod.pump(0.3)
    pod.port.send_dtmf(leg, "123#")
    pod.pump(1.5)
    pod.port.hangup(leg)
    pod.wait_for(lambda e: isinstance(e, LegEnded) and e.leg == leg)
    call = car.wait_for(lambda r: r.get("number") == "13700009990")
    assert call["dtmf"] == "123#"
