"""`python -m dialer`: run one dialer pod.

The pod binds SIP where SIP_BIND_ADDRESS/SIP_PORT say, uses SIP_TRUNK_URI as
its default trunk (plus every active trunk in the database), serves the
campaigns its logged-in agents picked, and stops cleanly on SIGTERM or Ctrl-C
(hanging up, closing its rows).  Run several, with different ports and pod
ids, to serve more agents; they share hoppers and abandon budgets in Redis.
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dialer", description=__doc__)
    parser.add_argument("--pod-id", default=os.environ.get("POD_ID") or f"{socket.gethostname()}-{os.getpid()}",
                        help="stable id of this pod (give the same id after a restart)")
    parser.add_argument("--log-level", default=os.environ.get("LOG_LEVEL", "INFO"))
    parser.add_argument("--sip-log-level", type=int, default=int(os.environ.get("SIP_LOG_LEVEL", "1")))
    args = parser.parse_args(argv)

    from config import load_config
    from config.logsetup import setup_logging

    setup_logging(f"pod[{args.pod_id}]", args.log_level)
    import logging

    logging.getLogger("dialer.pod").info("pod %s starting", args.pod_id)
    config = load_config()
    from rq import Queue

    from core.db import db
    from core.redis_conn import get_redis, resolve_url
    from dialer.pod import store
    from dialer.pod.engine import Pod, PodSettings
    from telephony.config import EndpointConfig, TrunkConfig
    from telephony.pjsip.endpoint import PjsipPort

    import core.all_models  # noqa: F401

    db.configure(config.DATABASE_URL)
    redis_url = resolve_url(config.REDIS_URL, config.INSTANCE_PATH)
    os.environ["REDIS_URL"] = redis_url
    os.environ.setdefault("DATABASE_URL", config.DATABASE_URL)
    os.environ.setdefault("CENTRE_TIMEZONE", config.TIMEZONE)
    sip = config.SIP
    default_trunk = TrunkConfig(name="default", uri=sip.trunk_uri, register=sip.trunk_register,
                                user=sip.trunk_user, password=sip.trunk_password)
    endpoint = EndpointConfig(bind_address=sip.bind_address, sip_port=sip.port, public_address=sip.public_address,
                              rtp_port_start=sip.rtp_port_start, rtp_port_range=sip.rtp_port_range,
                              max_calls=sip.max_calls, call_rate=sip.call_rate, log_level=args.sip_log_level,
                              trunks=(default_trunk,))

    def authenticate(pin: str) -> str | None:
        agent_id = store.agent_for_pin(pin)
        return None if agent_id is None else str(agent_id)

    port = PjsipPort(endpoint, authenticator=authenticate)
    safe_harbour = os.path.join(config.AUDIO_DIR, "safe_harbor_en.wav")
    pod = Pod(port, get_redis(redis_url), Queue("default", connection=get_redis(redis_url, decode=False)),
              PodSettings(pod_id=args.pod_id, recordings_dir=config.RECORDINGS_DIR, centre_tz=config.TIMEZONE,
                          sip_address=f"sip:{sip.bind_address}:{sip.port}",
                          default_safe_harbour=safe_harbour if os.path.exists(safe_harbour) else None))

    def stop(_sig, _frame):
        pod.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pod.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
