"""Junk on the pod's SIP port never crashes it; SIPp as an external UAS; clean exit with calls up."""
import json
import os
import shutil
import socket
import subprocess
import sys

import pytest

from telephony.config import TrunkConfig
from telephony.port import LegAnswered, LegEnded, RecordingFinished
from tests.telephony.audio import rms, wav_info
from tests.telephony.conftest import AUDIO, ROOT, free_udp_port
from tests.telephony.test_sip_guard import CRASHERS

pytestmark = [pytest.mark.sip, pytest.mark.slow]

MALFORMED_INVITE = (
    "INVITE sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKjunk\r\n"
    "From: <sip:x@127.0.0.1>\r\nCall-ID: junk-1\r\nCSeq: abc INVITE\r\nContent-Length: 9999\r\n\r\nv=0\r\n")
INVITE_BAD_SDP = (
    "INVITE sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKjunk2\r\n"
    "Max-Forwards: 70\r\nFrom: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:1001@127.0.0.1>\r\nCall-ID: junk-2\r\n"
    "CSeq: 1 INVITE\r\nContact: <sip:x@127.0.0.1:9>\r\nContent-Type: application/sdp\r\n"
    "Content-Length: 40\r\n\r\nv=0\r\no=- x\r\nm=audio notaport RTP/AVP 0\r\nc=\r\n")
UNKNOWN_BYE = (
    "BYE sip:pod@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKbye\r\nMax-Forwards: 70\r\n"
    "From: <sip:x@127.0.0.1>;tag=a\r\nTo: <sip:pod@127.0.0.1>;tag=b\r\nCall-ID: no-such-dialog\r\n"
    "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n")


def test_junk_on_the_sip_port_does_not_crash_the_pod(pod, carrier):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    target = ("127.0.0.1", pod.port.sip_port)
    junk = [MALFORMED_INVITE.encode(), UNKNOWN_BYE.encode(), b"", b"\x00" * 1400,
            os.urandom(900), b"SIP/2.0 200 OK\r\n\r\n", b"INVITE\r\n\r\n", b"OPTIONS sip:x SIP/2.0\r\n\r\n",
            ("REGISTER sip:x SIP/2.0\r\n" + "X: y\r\n" * 500 + "\r\n").encode()[:65000]]
    for _ in range(3):
        for datagram in junk:
            sock.sendto(datagram, target)
        pod.pump(0.1)
    sock.close()
    pod.pump(0.5)
    car = carrier(name="afterjunk")
    pod.port.add_trunk(TrunkConfig("afterjunk", f"sip:127.0.0.1:{car.port}"))
    leg = pod.port.originate("afterjunk", "13400000990", "02150001234")
    pod.wait_for(lambda e: isinstance(e, LegAnswered) and e.leg == leg)
    pod.port.hangup(leg)
    pod.wait_for(lambda e: isinstance(e, LegEnded) and e.leg == leg)
    assert pod.settled()


def _junk_child(fuzz: int, seed: int, **env):
    # run in a child: without the guard the abort would take pytest down with it
    return subprocess.run([sys.executable, str(ROOT / "tests/telephony/pod_junk_child.py"), str(free_udp_port()),
                           str(fuzz), str(seed)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), **env))


def test_invites_with_malformed_sdp_are_refused_and_the_pod_lives():
    child = _junk_child(300, 7)
    assert child.returncode == 0, child.stderr[-800:]
    summary = json.loads(child.stdout.strip().splitlines()[-1])
    assert summary["answered"] == summary["sent"]                 # every INVITE got a final response
    assert all(400 <= s < 700 for s in summary["statuses"])        # 403 unknown caller, 415, 400 bad SDP, ...
    assert summary["neutralised"] >= len(CRASHERS)


def test_without_the_guard_pjproject_aborts_on_malformed_sdp():
    """The control: the same child with the guard switched off dies, so the test above measures the guard."""
    child = _junk_child(0, 7, DIALER_SIP_GUARD="off")
    assert child.returncode != 0
    assert "sdp.c" in child.stderr or "except.c" in child.stderr


@pytest.mark.skipif(shutil.which("sipp") is None, reason="sipp (sip-tester) not installed")
def test_sipp_uas_answers_and_echoes_our_audio(pod, tmp_path):
    port = free_udp_port()
    sipp = subprocess.Popen(["sipp", "-sn", "uas", "-rtp_echo", "-i", "127.0.0.1", "-p", str(port), "-m", "1",
                             "-nostdin", "-trace_err", "-error_file", str(tmp_path / "sipp_err.log")],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        pod.pump(0.5)
        pod.port.add_trunk(TrunkConfig("sipp", f"sip:127.0.0.1:{port}"))
        leg = pod.port.originate("sipp", "13300000000", "02150001234")
        pod.wait_for(lambda e: isinstance(e, LegAnswered) and e.leg == leg)
        pod.port.play(leg, str(AUDIO / "agent_pitch_zh.wav"), loop=True)
        rec = pod.port.record((leg,), str(tmp_path / "echo.wav"))
        pod.pump(3.0)
        pod.port.hangup(leg)
        ended = pod.wait_for(lambda e: isinstance(e, LegEnded) and e.leg == leg)
        assert ended.status == 200
        (path,) = pod.wait_for(lambda e: isinstance(e, RecordingFinished) and e.recording_id == rec).files
        assert rms(wav_info(path)[1]) > 300              # SIPp echoed our prompt back
        assert sipp.wait(10) == 0                         # one call, completed
    finally:
        if sipp.poll() is None:
            sipp.kill()
            sipp.wait()


def test_shutdown_with_calls_up_exits_cleanly(carrier, tmp_path):
    car = carrier(name="shutdown")
    child = subprocess.run([sys.executable, str(ROOT / "tests/telephony/pod_shutdown_child.py"), str(car.port),
                            str(free_udp_port()), str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                           timeout=60, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert child.returncode == 0, child.stderr[-3000:]
    assert "Assertion" not in child.stderr
    assert "calls up: 6" in child.stdout
    assert "stopped: 6 legs ended, 2 recordings finished" in child.stdout


def test_too_many_trunks_is_refused_not_aborted(pod):
    from telephony.capacity import CapacityError

    added = []
    with pytest.raises(CapacityError):
        for i in range(10):
            pod.port.add_trunk(TrunkConfig(f"many{i}", "sip:127.0.0.1:9"))
            added.append(i)
    assert len(added) == 7                                  # 8 accounts, one is the pod's own
    pod.pump(0.1)
