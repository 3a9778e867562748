#!/usr/bin/env python3
"""Benchmark a call-list import end to end: inspect the file, then the import
job's own code (read, normalise, dedup, DNC scrub, insert, commit).

  .venv/bin/python scripts/bench_import.py --rows 100000
  .venv/bin/python scripts/bench_import.py --rows 1000000 --database-url postgresql+psycopg://u:p@host/db --reset

The file is made with ../shared/tools/gen_leads.py (cached under /tmp).
The database is a fresh SQLite file unless --database-url is given; a
PostgreSQL database is wiped first only with --reset, so use a dedicated one.
Prints rows/s and the peak RSS growth of the process during the import
(measured from a baseline taken after the normaliser's data is loaded, as in
a worker that has already run an import).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from core.paths import GEN_LEADS  # noqa: E402
GEN = Path(os.environ.get("GEN_LEADS") or GEN_LEADS)


class PeakRss:
    """Peak memory of the import: this process's RSS plus the private memory
    (USS) of its children, sampled every 50 ms (children every 500 ms).  A forked child's own RSS
    counts every page it shares with its parent, so adding RSSes would count
    the parent's whole heap (phonenumbers' ~100 MB of tables) twice; USS is
    what the child really adds.  Both figures are printed."""

    def __init__(self):
        import psutil

        self.proc = psutil.Process()
        self.base = self.proc.memory_info().rss
        self.peak = self.base  # parent RSS + children USS
        self.peak_rss_sum = self.base  # parent RSS + children RSS (over-counts shared pages)
        self.peak_parent = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self, children: bool = True) -> None:
        parent = self.proc.memory_info().rss
        uss = rss = 0
        for child in self.proc.children(recursive=True) if children else ():
            try:
                info = child.memory_full_info()
                uss += info.uss
                rss += info.rss
            except Exception:  # noqa: BLE001 - a child may end between listing and reading
                pass
        self.peak_parent = max(self.peak_parent, parent)
        self.peak = max(self.peak, parent + uss)
        self.peak_rss_sum = max(self.peak_rss_sum, parent + rss)

    def _run(self):
        # Reading a child's USS parses /proc/<pid>/smaps: costly, so only every
        # 10th sample (its memory only grows until it ends, so little is missed).
        n = 0
        while not self._stop.is_set():
            self._sample(children=n % 10 == 0)
            n += 1
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.base) / 1e6


def _cpu_split() -> tuple[float, float]:
    """CPU seconds of this process (the writer) and of its ended children (the reader)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def fresh_database(url: str) -> None:
    """Rebuild the database (a PostgreSQL one wiped first) and bind the session factory."""
    import core.all_models  # noqa: F401
    from core.db import db
    from core.migrate import rebuild

    rebuild(url)
    db.configure(url)


def make_file(rows: int, country: str, encoding: str) -> str:
    path = f"/tmp/bench_leads_{country}_{rows}_{encoding}.csv"
    if not os.path.exists(path):
        subprocess.run([sys.executable, str(GEN), "--rows", str(rows), "--country", country, "--encoding", encoding,
                        "--out", path], check=True)
    return path


def _dnc_numbers(path: str, region: str, count: int) -> set[str]:
    """Numbers from every 7th row of the file itself, so the scrub really rejects rows."""
    import csv

    from campaigns.lists.normalise import Normaliser

    norm = Normaliser(region)
    out: set[str] = set()
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        for n, row in enumerate(reader):
            if n % 7 == 0 and len(row) > 2:
                for cell in row[:3]:
                    res = norm.normalise(cell)
                    if not isinstance(res, str):
                        out.add(res.e164)
                        break
            if len(out) >= count:
                break
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--country", choices=["CN", "US"], default="CN")
    ap.add_argument("--encoding", default="utf-8")
    ap.add_argument("--file", help="import this file instead of a generated one")
    ap.add_argument("--database-url")
    ap.add_argument("--reset", action="store_true", help="wipe the given PostgreSQL database first")
    ap.add_argument("--dnc", type=int, default=20_000, help="DNC entries to seed, taken from the file's own numbers")
    ap.add_argument("--serial", action="store_true", help="no forked reader process (one core)")
    args = ap.parse_args(argv)

    path = args.file or make_file(args.rows, args.country, args.encoding)
    tmp = tempfile.mkdtemp(prefix="bench_import_")
    url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"

    if url.startswith("postgresql") and not args.reset:
        ap.error("--reset is required for PostgreSQL (the database is wiped)")
    fresh_database(url)

    from campaigns.lists import service
    from core.db import db
    from campaigns.lists.importer import run_batch
    from campaigns.lists.normalise import Normaliser
    from campaigns.models import CallList, Campaign, DncEntry

    region = args.country
    with db.transaction() as s:
        campaign = Campaign(code="BENCH", name="bench", default_region=region)
        s.add(campaign)
        s.flush()
        call_list = CallList(campaign_id=campaign.id, name="bench")
        s.add(call_list)
        s.flush()
        campaign_id, list_id = campaign.id, call_list.id
        s.add_all(DncEntry(phone_e164=phone, scope="global", source="registry", registry_name="bench")
                  for phone in _dnc_numbers(path, region, args.dnc))

    Normaliser(region).normalise("13800138000" if region == "CN" else "2125550123")  # load phonenumbers' data
    cpu0 = _cpu_split()
    with PeakRss() as rss:
        t0 = time.perf_counter()
        with db.transaction() as s:
            batch = service.create_batch(s, path=path, filename=os.path.basename(path), campaign_id=campaign_id,
                                         list_id=list_id)
            service.confirm(s, batch, batch.mapping, None, None)
            batch_id = batch.id
        t1 = time.perf_counter()
        result = run_batch(batch_id, None, parallel=False if args.serial else None)
        t2 = time.perf_counter()
    cpu1 = _cpu_split()
    writer_cpu, reader_cpu = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]
    cpu = writer_cpu + reader_cpu
    rows = result.get("rows", 0)
    print(f"database      {url.split('://')[0]}")
    print(f"file          {path} ({os.path.getsize(path) / 1e6:.1f} MB)")
    print(f"status        {result.get('status')}  {result.get('error', '')}")
    print(f"rows          {rows}  accepted {result.get('accepted')}  rejected {result.get('rejected')}")
    print(f"by reason     {result.get('by_reason')}")
    print(f"inspect       {t1 - t0:.2f} s")
    print(f"import        {t2 - t1:.2f} s")
    print(f"rows/s        {rows / (t2 - t0):,.0f} end to end  ({rows / (t2 - t1):,.0f} import job only)")
    per_row = 1e6 / max(rows, 1)
    print(f"CPU time      {cpu:.2f} s ({cpu * per_row:.1f} µs per row: this process {writer_cpu * per_row:.1f}, "
          f"forked reader {reader_cpu * per_row:.1f}; wall/CPU shows how contended the machine was)")
    print(f"peak memory growth {rss.growth_mb:.0f} MB (parent RSS + reader USS; parent RSS alone "
          f"{(rss.peak_parent - rss.base) / 1e6:.0f} MB; naive RSS sum {(rss.peak_rss_sum - rss.base) / 1e6:.0f} MB)")
    db.engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
