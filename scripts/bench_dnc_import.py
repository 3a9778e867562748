#!/usr/bin/env python3
"""Benchmark a DNC bulk import (a registry file) through the job the API queues.

  .venv/bin/python scripts/bench_dnc_import.py --rows 1000000 [--database-url URL --reset]

The file is a call list made with ../shared/tools/gen_leads.py (its phone
column is found as the API would find it); the database a fresh SQLite file
unless --database-url is given (PostgreSQL is wiped first only with --reset).
The job runs in this process against an embedded Redis.  Prints rows/s of the
job (read, normalise, dedup against the scope, insert, commit, hopper purge)
and the process's peak RSS growth.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from bench_import import PeakRss, fresh_database, make_file  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--database-url")
    ap.add_argument("--reset", action="store_true", help="wipe the given PostgreSQL database first")
    args = ap.parse_args(argv)

    path = make_file(args.rows, "CN", "utf-8")
    tmp = tempfile.mkdtemp(prefix="bench_dnc_")
    url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    if url.startswith("postgresql") and not args.reset:
        ap.error("--reset is required for PostgreSQL (the database is wiped)")
    fresh_database(url)
    from sqlalchemy import func, select

    from core.db import db
    from core.redis_conn import resolve_url, stop_embedded

    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = resolve_url(None, tmp)

    from campaigns.dnc.jobs import dnc_import_job
    from campaigns.lists.normalise import Normaliser
    from campaigns.models import DncEntry

    upload = Path(tmp) / "upload" / "registry.csv"
    upload.parent.mkdir()
    shutil.copyfile(path, upload)
    Normaliser("CN").normalise("13800138000")  # phonenumbers' data loaded, as in a worker
    try:
        with PeakRss() as rss:
            t0 = time.perf_counter()
            result = dnc_import_job(str(upload), "registry.csv", "global", None, None, "bench", "benchmark")
            elapsed = time.perf_counter() - t0
        with db.transaction() as s:
            stored = s.scalar(select(func.count()).select_from(DncEntry))
    finally:
        stop_embedded()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"database: {url.split(':', 1)[0]}")
    print(f"rows: {result['rows']:,}  added: {result['added']:,}  already listed: {result['already_listed']:,}  "
          f"invalid: {result['invalid']:,}  stored: {stored:,}")
    print(f"time: {elapsed:.1f} s  rate: {result['rows'] / elapsed:,.0f} rows/s")
    print(f"peak memory growth: {rss.growth_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
