"""SIP text parsing and the caller-ID header builder (pure)."""
import pytest

from telephony.callerid import from_uri, identity_headers, request_uri
from telephony.config import FromMode, TrunkConfig
from telephony.sipmsg import caller_id_headers, parse, parse_name_addr

INVITE = ("INVITE sip:13800138000@10.0.0.1:5060;user=phone SIP/2.0\r\n"
          "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK1\r\n"
          'f: "ACME \\"CS\\"" <sip:02150001234@10.0.0.2>;tag=abc\r\n'
          "To: <sip:13800138000@10.0.0.1>\r\n"
          "P-Asserted-Identity: <sip:02150001234@dialer.example>\r\n"
          "Privacy: id\r\nRemote-Party-ID: <sip:02150001234@x>;party=calling\r\n"
          " ;screen=yes\r\n\r\nv=0\r\n")


def test_parse_invite_headers():
    msg = parse(INVITE)
    assert msg.method == "INVITE" and msg.is_request
    ids = caller_id_headers(msg)
    assert ids["request_user"] == "13800138000"
    assert ids["from_user"] == "02150001234" and ids["from_display"] == 'ACME \\"CS\\"'
    assert ids["pai_user"] == "02150001234" and ids["privacy"] == "id"
    assert ids["rpid"].endswith(";screen=yes")          # folded continuation line joined
    assert msg.body == "v=0\n"


def test_parse_never_raises_on_junk():
    for junk in ("", "\x00\x01", "INVITE", "SIP/2.0 200 OK", ":::\r\n\r\n"):
        parse(junk)
    assert parse_name_addr(None) is None
    assert parse_name_addr("sip:1@h;tag=1").user == "1"


def test_trunk_header_choices():
    t = TrunkConfig("t", "sip:10.0.0.1:5060", send_pai=True, send_rpid=True, privacy="id")
    assert from_uri(t, "0215", "Bob") == '"Bob" <sip:0215@10.0.0.1>'
    headers = dict(identity_headers(t, "0215", None))
    assert headers["P-Asserted-Identity"] == "<sip:0215@10.0.0.1>"
    assert headers["Remote-Party-ID"].endswith("privacy=full") and headers["Privacy"] == "id"
    assert request_uri(t, "138") == "sip:138@10.0.0.1:5060"
    plain = TrunkConfig("p", "sip:gw.example;transport=udp", user="acct", from_mode=FromMode.TRUNK_USER,
                        send_pai=False)
    assert from_uri(plain, "0215", None) == "<sip:acct@gw.example>"
    assert identity_headers(plain, "0215", None) == []
    assert request_uri(plain, "138") == "sip:138@gw.example;transport=udp"
    anon = TrunkConfig("a", "sip:gw", from_mode=FromMode.ANONYMOUS)
    assert "anonymous.invalid" in from_uri(anon, "0215", "x")


def test_trunk_config_is_validated():
    with pytest.raises(ValueError):
        TrunkConfig("bad", "http://x")
    with pytest.raises(ValueError):
        TrunkConfig("reg", "sip:x", register=True)
