"""Child process for the shutdown test: a pod with bridged, recorded, prompted calls up, then stop()."""
import random
import sys
import time

from telephony.config import EndpointConfig, TrunkConfig
from telephony.pjsip import PjsipPort
from telephony.port import LegAnswered
from core.paths import AUDIO

carrier_port, sip_port, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
pod = PjsipPort(EndpointConfig(sip_port=sip_port, rtp_port_start=random.randrange(20000, 60000, 500),
                               call_rate=50, call_burst=10,
                               trunks=(TrunkConfig("c", f"sip:127.0.0.1:{carrier_port}"),)))
pod.start()
legs = [pod.originate("c", f"1320000{i}990", "02150001234") for i in range(6)]
answered = set()
deadline = time.monotonic() + 10
while len(answered) < 6 and time.monotonic() < deadline:
    answered |= {e.leg for e in pod.poll(10) if isinstance(e, LegAnswered)}
pod.bridge(legs[0], legs[1])
pod.record((legs[0], legs[1]), f"{out}/shutdown.wav", per_leg=True)
pod.play(legs[2], str(AUDIO / "safe_harbor_en.wav"))
pod.play(legs[3], str(AUDIO / "agent_pitch_zh.wav"), loop=True)
pod.record((legs[4],), f"{out}/shutdown_mixed.wav")
for _ in range(30):
    pod.poll(10)
print(f"calls up: {len(answered)}", flush=True)
final = pod.stop()
ended = [e for e in final if type(e).__name__ == "LegEnded"]
recs = [e for e in final if type(e).__name__ == "RecordingFinished"]
print(f"stopped: {len(ended)} legs ended, {len(recs)} recordings finished", flush=True)
