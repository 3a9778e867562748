"""The simulators' pure parts: outcome choice and the registrar's digest check."""
import random

from telephony.sim.carrier import choose_outcome, parse_mix
from telephony.sim.common import JsonLog
from telephony.sim.registrar import Registrar, md5, parse_auth


def test_outcome_forced_by_number_or_map_else_seeded_mix():
    mix = parse_mix("person=1,busy=1")
    assert choose_outcome("138000992", {}, mix, random.Random(1)) == "busy"
    assert choose_outcome("123", {"123": "invalid"}, mix, random.Random(1)) == "invalid"
    a = [choose_outcome("1", {}, mix, random.Random(7)) for _ in range(5)]
    b = [choose_outcome("1", {}, mix, random.Random(7)) for _ in range(5)]
    assert a == b


def test_registrar_challenges_then_accepts_a_correct_digest(tmp_path):
    reg = Registrar("127.0.0.1", 0, "sim", "u1", "pw", JsonLog(str(tmp_path / "r.jsonl")))
    try:
        req = ("REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5;branch=z9hG4bK1\r\n"
               "From: <sip:u1@127.0.0.1>;tag=1\r\nTo: <sip:u1@127.0.0.1>\r\nCall-ID: c1\r\nCSeq: 1 REGISTER\r\n"
               "Contact: <sip:u1@127.0.0.1:5>\r\nExpires: 60\r\n{auth}Content-Length: 0\r\n\r\n")
        challenge = reg.handle(req.format(auth=""))
        assert challenge.startswith("SIP/2.0 401")
        params = parse_auth(challenge.split("WWW-Authenticate: ")[1].split("\r\n")[0])
        ha1, ha2 = md5("u1:sim:pw"), md5("REGISTER:sip:127.0.0.1")
        resp = md5(f"{ha1}:{params['nonce']}:00000001:abc:auth:{ha2}")
        auth = (f'Authorization: Digest username="u1", realm="sim", nonce="{params["nonce"]}", '
                f'uri="sip:127.0.0.1", response="{resp}", qop=auth, nc=00000001, cnonce="abc"\r\n')
        assert reg.handle(req.format(auth=auth)).startswith("SIP/2.0 200")
        assert reg.handle(req.format(auth=auth.replace(resp, "0" * 32))).startswith("SIP/2.0 403")
        reg.handle("garbage")                      # answered or ignored, never raised
    finally:
        reg.sock.close()
