"""Logging set-up shared by every process: one line per record, UTC times."""
from __future__ import annotations

import logging
import os
import time


def setup_logging(process: str, level: str | None = None) -> None:
    level = (level or os.environ.get("LOG_LEVEL") or "INFO").upper()
    formatter = logging.Formatter(f"%(asctime)sZ {process} %(levelname)s %(name)s: %(message)s")
    formatter.converter = time.gmtime
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
