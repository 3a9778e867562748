"""Only the owner thread runs the stack; other threads' commands are queued and carried out by poll()."""
import threading

import pytest

from telephony.config import TrunkConfig
from telephony.port import LegAnswered, LegEnded

pytestmark = [pytest.mark.sip, pytest.mark.slow]


def test_commands_from_other_threads_run_on_the_owner(pod, carrier):
    car = carrier(name="threads")
    pod.port.add_trunk(TrunkConfig("threads", f"sip:127.0.0.1:{car.port}"))
    legs, errors = [], []

    def worker(i):
        try:
            legs.append(pod.port.originate("threads", f"1310000{i}990", "02150001234"))
        except Exception as exc:           # RateLimited is fine here; anything else is not
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not [e for e in errors if type(e).__name__ != "RateLimited"]
    for leg in legs:
        pod.wait_for(lambda e: isinstance(e, LegAnswered) and e.leg == leg)
    hanger = threading.Thread(target=lambda: [pod.port.hangup(leg) for leg in legs])
    hanger.start()
    hanger.join()
    for leg in legs:
        pod.wait_for(lambda e: isinstance(e, LegEnded) and e.leg == leg)

    polled = []
    t = threading.Thread(target=lambda: polled.append(_try(pod.port.poll)))
    t.start()
    t.join()
    assert isinstance(polled[0], RuntimeError)            # poll() from a non-owner thread is refused


def _try(fn):
    try:
        fn(0)
    except Exception as exc:
        return exc
