"""Child process: a pod receives INVITEs whose SDP bodies are malformed (the known crashers of
pjproject 2.10 plus seeded random mutations), answers them, then stops. Prints a JSON summary.

argv: sip_port fuzz_count seed
"""
import json
import random
import socket
import sys

from telephony.config import EndpointConfig
from telephony.pjsip import PjsipPort, sip_guard
from tests.telephony.test_sip_guard import CRASHERS, PJSUA

port, fuzz, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)


def mutate(s: str) -> str:
    k = rng.randrange(8)
    i = rng.randrange(max(1, len(s)))
    if k == 0:
        return s[:i]
    if k == 1:
        return s[:i] + rng.choice("=: \r\n\x00x9-/") + s[i + 1:]
    if k == 2:
        lines = s.split("\r\n")
        del lines[rng.randrange(len(lines))]
        return "\r\n".join(lines)
    if k == 3:
        lines = s.split("\r\n")
        lines.insert(rng.randrange(len(lines)), rng.choice(["m=", "c=IN", "o=", "a=rtpmap:", "t=x y", "=",
                                                            "m=audio 1 RTP/AVP", "c=IN IP4", "b=AS:", "zzz"]))
        return "\r\n".join(lines)
    if k == 4:
        return "".join(ch for ch in s if rng.random() > 0.05)
    if k == 5:
        return s[:i] + " " + s[i:]
    if k == 6:
        return s[:i] + chr(rng.randrange(32, 127)) + s[i:]
    return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))).decode("latin-1")


bodies = list(CRASHERS.values()) + [mutate(mutate(PJSUA) if rng.random() < 0.5 else PJSUA) for _ in range(fuzz)]
pod = PjsipPort(EndpointConfig(sip_port=port, rtp_port_start=rng.randrange(20000, 60000, 500), log_level=0),
                authenticator={}.get)
pod.start()
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", 0))
sock.settimeout(0.005)
me = sock.getsockname()[1]
finals: dict[str, int] = {}


def drain():
    try:
        while True:
            head = sock.recv(65535).split(b"\r\n", 12)
            status = int(head[0].split()[1])
            call_id = next(h.split(b":", 1)[1].strip().decode() for h in head if h.lower().startswith(b"call-id"))
            if status >= 200:
                finals.setdefault(call_id, status)
    except (socket.timeout, StopIteration, IndexError, ValueError):
        pass


for n, body in enumerate(bodies):
    raw = body.encode("latin-1")
    sock.sendto((f"INVITE sip:9999@127.0.0.1:{port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bKj{n}\r\n"
                 f"Max-Forwards: 70\r\nFrom: <sip:x@127.0.0.1>;tag=j{n}\r\nTo: <sip:9999@127.0.0.1>\r\n"
                 f"Call-ID: junk-{n}\r\nCSeq: 1 INVITE\r\nContact: <sip:x@127.0.0.1:{me}>\r\n"
                 f"Content-Type: application/sdp\r\nContent-Length: {len(raw)}\r\n\r\n").encode() + raw,
                ("127.0.0.1", port))
    pod.poll(5)
    drain()
for _ in range(100):
    pod.poll(10)
    drain()
pod.stop()
print(json.dumps({"sent": len(bodies), "answered": len(finals), "statuses": sorted(set(finals.values())),
                  "neutralised": sip_guard.neutralised()}))
