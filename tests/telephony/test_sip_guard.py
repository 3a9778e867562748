"""The SIP guard (telephony/pjsip/sipguard.c): what it lets through and what it neutralises.

These run the compiled filter on byte strings; test_sip_robustness sends the
same kinds of message to a real pod.
"""
import pytest

from telephony.pjsip import sip_guard

pytestmark = pytest.mark.skipif(not __import__("shutil").which("cc"), reason="no C compiler")


def invite(body: str, content_type: str = "application/sdp", extra: str = "") -> bytes:
    raw = body.encode("latin-1")
    return (f"INVITE sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK1\r\n"
            f"Max-Forwards: 70\r\nFrom: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:1001@127.0.0.1>\r\nCall-ID: g-1\r\n"
            f"CSeq: 1 INVITE\r\nContact: <sip:x@127.0.0.1:5999>\r\n{extra}Content-Type: {content_type}\r\n"
            f"Content-Length: {len(raw)}\r\n\r\n").encode() + raw


PJSUA = ("v=0\r\no=- 3912 3912 IN IP4 127.0.0.1\r\ns=pjmedia\r\nb=AS:84\r\nt=0 0\r\na=X-nat:0\r\n"
         "m=audio 4000 RTP/AVP 0 8 101\r\nc=IN IP4 127.0.0.1\r\nb=TIAS:64000\r\na=rtcp:4001 IN IP4 127.0.0.1\r\n"
         "a=sendrecv\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
         "a=fmtp:101 0-16\r\n")
VALID = {
    "pjsua": PJSUA,
    "asterisk": ("v=0\r\no=root 1804289383 1804289383 IN IP4 10.0.0.1\r\ns=Asterisk PBX 18.9.0\r\n"
                 "c=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 17542 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\n"
                 "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
                 "a=ptime:20\r\na=maxptime:150\r\na=sendrecv\r\n"),
    "freeswitch": ("v=0\r\no=FreeSWITCH 1700000000 1700000001 IN IP4 192.0.2.10\r\ns=FreeSWITCH\r\n"
                   "c=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 24680 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
                   "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=rtcp:24681 IN IP4 192.0.2.10\r\n"),
    "cisco_cube": ("v=0\r\no=CiscoSystemsSIP-GW-UserAgent 7658 2117 IN IP4 198.51.100.7\r\ns=SIP Call\r\n"
                   "c=IN IP4 198.51.100.7\r\nt=0 0\r\nm=audio 16384 RTP/AVP 8 101 19\r\nc=IN IP4 198.51.100.7\r\n"
                   "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
                   "a=rtpmap:19 CN/8000\r\na=ptime:20\r\n"),
    "ipv6_srtp_lf_only": ("v=0\no=alice 2890844526 2890844526 IN IP6 2001:db8::1\ns=-\nc=IN IP6 2001:db8::1\n"
                          "t=0 0\nm=audio 49170 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 "
                          "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32\na=rtcp-mux\n"),
    "rejected_stream_and_port_count": ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns= \r\ni=two streams\r\n"
                                       "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n"
                                       "m=audio 4000/2 RTP/AVP 0 8\r\na=ssrc:12345 cname:abc@host\r\n"),
    "trailing_blank_line": PJSUA + "\r\n",
}
CRASHERS = {     # bodies that aborted a pjsua2 2.10 pod before the guard
    "truncated": "v=0\r\no=- x\r\nm=audio notaport RTP/AVP 0\r\nc=\r\n"[:40],
    "double_space_in_fmts": PJSUA.replace("RTP/AVP 0 8 101", "RTP/AVP 0   101"),
    "equals_as_fmt": PJSUA.replace("RTP/AVP 0 8 101", "RTP/AVP 0 = 101"),
    "colon_fmt": PJSUA.replace("RTP/AVP 0 8 101", "RTP/AVP 0 8 :01"),
    "only_newlines": "\r\n\r\n",
    "no_final_newline": PJSUA.rstrip("\r\n"),
    "nul_byte": PJSUA.replace("s=pjmedia", "s=pj\x00media"),
    "binary": "\x8f\x02\xff=\x00v=0",
    "empty_attr_name": PJSUA.replace("a=sendrecv", "a=:sendrecv"),
    "uppercase_line": PJSUA.replace("s=pjmedia", "S=pjmedia"),
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_real_world_sdp_passes_untouched(name):
    msg = invite(VALID[name])
    hit, seen = sip_guard.inspect(msg)
    assert not hit and seen == msg


@pytest.mark.parametrize("name", sorted(CRASHERS))
def test_malformed_sdp_is_neutralised_in_place(name):
    msg = invite(CRASHERS[name])
    hit, seen = sip_guard.inspect(msg)
    assert hit
    assert len(seen) == len(msg)
    assert b"Content-Type: xxxxxxxxxxx/xxx\r\n" in seen
    assert seen.replace(b"xxxxxxxxxxx/xxx", b"application/sdp") == msg


def test_compact_header_forms_and_parameters():
    body = CRASHERS["equals_as_fmt"].encode()
    msg = (b"INVITE sip:1@127.0.0.1 SIP/2.0\r\nv: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK2\r\n"
           b"c :  Application/SDP ; charset=utf-8\r\nl: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    hit, seen = sip_guard.inspect(msg)
    assert hit and b"c :  xxxxxxxxxxx/xxx ; charset=utf-8\r\n" in seen


def test_content_length_bounds_the_body():
    good = VALID["asterisk"].encode()
    msg = invite(VALID["asterisk"]) + b"garbage after the body that UDP carried along"
    assert sip_guard.inspect(msg) == (False, msg)
    short = invite(VALID["asterisk"]).replace(f"Content-Length: {len(good)}".encode(),
                                              f"Content-Length: {len(good) - 5}".encode())
    assert sip_guard.inspect(short)[0]          # the body pjsip would parse is cut mid-line


def _multipart(sdp: str) -> bytes:
    body = ("--b1\r\nContent-Type: application/sdp\r\n\r\n" + sdp + "\r\n"
            "--b1\r\nContent-Type: application/isup;version=itu-t92+\r\n\r\n\x01\x00\x49\x00\r\n--b1--\r\n")
    return invite(body, content_type='multipart/mixed;boundary="b1"')


def test_multipart_bodies_are_checked_part_by_part():
    assert sip_guard.inspect(_multipart(VALID["cisco_cube"]))[0] is False
    hit, seen = sip_guard.inspect(_multipart(CRASHERS["colon_fmt"]))
    assert hit and b"Content-Type: xxxxxxxxx/xxxxx;boundary" in seen


@pytest.mark.parametrize("datagram", [
    b"", b"\x00" * 1400, b"OPTIONS sip:x SIP/2.0\r\n\r\n",
    b"REGISTER sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\n",
    b"SIP/2.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc",
    b"Content-Type: application/sdp",           # no end of headers
])
def test_other_datagrams_pass_untouched(datagram):
    assert sip_guard.inspect(datagram) == (False, datagram)
