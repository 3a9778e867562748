"""A registered trunk: digest auth against the simulator's registrar, refresh, failure reported."""
import time

import pytest

from telephony.config import TrunkConfig
from telephony.port import LegAnswered, LegEnded, TrunkRegistration
from tests.telephony.conftest import free_udp_port

pytestmark = [pytest.mark.sip, pytest.mark.slow]


def test_registered_trunk_authenticates_and_refreshes(pod, carrier):
    reg_port = free_udp_port()
    car = carrier("--auth-user", "acct1", "--auth-pass", "s3cret", "--auth-realm", "sim",
                  "--register-port", reg_port, name="reg")
    car_args = dict(register=True, registrar_uri=f"sip:127.0.0.1:{reg_port}", user="acct1", realm="sim",
                    reg_timeout_s=60)
    pod.port.add_trunk(TrunkConfig("reg", f"sip:127.0.0.1:{car.port}", password="s3cret", **car_args))
    ok = pod.wait_for(lambda e: isinstance(e, TrunkRegistration) and e.trunk == "reg", timeout=5)
    assert ok.registered and ok.status == 200
    car.wait_for(lambda r: r.get("event") == "register" and r["result"] == "challenged")
    # a call over the registered trunk still goes out with the campaign's caller ID
    leg = pod.port.originate("reg", "13500000990", "02150009999")
    pod.wait_for(lambda e: isinstance(e, LegAnswered) and e.leg == leg)
    pod.port.hangup(leg)
    pod.wait_for(lambda e: isinstance(e, LegEnded) and e.leg == leg)
    call = car.wait_for(lambda r: r.get("number") == "13500000990")
    assert call["from_user"] == "02150009999"
    assert pod.port.registrations["reg"].registered


def test_registration_refresh_and_bad_password(pod, carrier):
    reg_port = free_udp_port()
    car = carrier("--auth-user", "acct2", "--auth-pass", "right", "--register-port", reg_port,
                  name="reg2")
    # 7 s asked and granted; pjsua refreshes 5 s before expiry, so a second REGISTER follows in ~2 s
    pod.port.add_trunk(TrunkConfig("refresh", f"sip:127.0.0.1:{car.port}", register=True,
                                   registrar_uri=f"sip:127.0.0.1:{reg_port}", user="acct2", password="right",
                                   realm="sim", reg_timeout_s=7))
    pod.port.add_trunk(TrunkConfig("badpw", f"sip:127.0.0.1:{car.port}", register=True,
                                   registrar_uri=f"sip:127.0.0.1:{reg_port}", user="acct2", password="wrong",
                                   realm="sim", reg_retry_s=60))
    bad = pod.wait_for(lambda e: isinstance(e, TrunkRegistration) and e.trunk == "badpw", timeout=5)
    assert not bad.registered and bad.status in (401, 403)
    car.wait_for(lambda r: r.get("event") == "register" and r["result"] == "bad_credentials")
    car.wait_for(lambda r: len([x for x in car.records() if x.get("result") == "ok"]) >= 2, timeout=6, pod=pod)
    # The registrar saw the refresh; the pod reports it on a later poll.
    deadline = time.monotonic() + 5
    while len(pod.of(TrunkRegistration, trunk="refresh")) < 2 and time.monotonic() < deadline:
        pod.pump(0.1)
    refreshes = pod.of(TrunkRegistration, trunk="refresh")
    assert len(refreshes) >= 2 and all(e.registered for e in refreshes)
