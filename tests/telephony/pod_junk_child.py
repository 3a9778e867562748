"""Child process: a pod that receives an INVITE whose SDP body does not parse, then stops."""
import random
import socket
import sys

from telephony.config import EndpointConfig
from telephony.pjsip import PjsipPort
from tests.telephony.test_sip_robustness import INVITE_BAD_SDP

port = int(sys.argv[1])
pod = PjsipPort(EndpointConfig(sip_port=port, rtp_port_start=random.randrange(20000, 60000, 500), log_level=0),
                authenticator={"1001": "agent-1"}.get)
pod.start()
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.sendto(INVITE_BAD_SDP.encode(), ("127.0.0.1", port))
for _ in range(30):
    pod.poll(10)
pod.stop()
