#!/usr/bin/env python3
"""Benchmark the daily outbound report: bulk-generate one day of call attempts
and time the compile (SQL aggregation) and the full build (files included).

  .venv/bin/python scripts/bench_report.py --rows 1000000 --db sqlite
  .venv/bin/python scripts/bench_report.py --rows 1000000 --db postgres

SQLite: a fresh file under /tmp.  PostgreSQL: the database printed by
`PGDB=dialer_bench scripts/ensure_postgres.sh` (or --database-url), whose
schema is DROPPED and rebuilt: never point it at data you keep.
Rows go in with executemany (SQLite) or COPY (PostgreSQL); `--noise` more
rows on the neighbouring days check that the day's range is what is read.
Figures are in docs/bench/reports.md.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAY = date(2026, 11, 20)
TZ = "Asia/Shanghai"
OUTCOMES = [("no_answer", 35), ("busy", 8), ("invalid", 4), ("congestion", 2), ("failed", 1), ("machine", 10),
            ("human", 36), ("abandoned", 4)]


def _url(db: str, given: str | None) -> str:
    if given:
        return given
    if db == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="bench_report_"))
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    env = dict(os.environ, PGDB=os.environ.get("PGDB", "dialer_bench"))
    return subprocess.check_output([str(ROOT / "scripts" / "ensure_postgres.sh")], env=env, text=True).strip()


def _fmt(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _attempts(n: int, campaigns: list[int], agents: list[int], dispositions: dict, start: datetime,
              span_seconds: int, first_id: int, rng: random.Random):
    """Rows as tuples in COLUMNS order; times as naive UTC strings."""
    names = [o for o, _ in OUTCOMES]
    weights = [w for _, w in OUTCOMES]
    outcomes = rng.choices(names, weights, k=n)
    callers = [(i + 1, f"+86210000{i:04d}") for i in range(N_CALLERS)]
    # Attempts are written as they are dialled, so ids follow time, as in production.
    offsets = sorted(rng.random() * span_seconds for _ in range(n))
    for i in range(n):
        outcome = outcomes[i]
        campaign = campaigns[i % len(campaigns)]
        dialed = start + timedelta(seconds=offsets[i])
        answered = dialed + timedelta(seconds=8 + rng.random() * 20) if outcome in (
            "human", "abandoned", "machine") else None
        agent = talk = wrap = disposition = None
        if outcome == "human":
            agent = agents[rng.randrange(len(agents))]
            talk = round(20 + rng.random() * 300, 1)
            wrap = round(5 + rng.random() * 40, 1)
            disposition = rng.choice(dispositions[campaign])
        caller_id, caller_number = callers[rng.randrange(len(callers))]
        yield (first_id + i, f"bench-{first_id + i}", campaign, f"+86138{rng.randrange(10**8):08d}",
               caller_id, caller_number, agent, _fmt(dialed), _fmt(answered), outcome, talk, wrap,
               disposition, False)


N_CALLERS = 40
COLUMNS = ("id", "uuid", "campaign_id", "phone_e164", "caller_id_id", "caller_id_number", "agent_id", "dialed_at", "answered_at",
           "outcome", "talk_seconds", "wrapup_seconds", "disposition_id", "is_trial")


def _load(url: str, rows: int, noise: int, n_campaigns: int, n_agents: int) -> None:
    from sqlalchemy import insert

    from campaigns.models import CallerId, CallerIdPool, Campaign, Disposition
    from core.db import make_engine
    from core.models import Role, User
    from dialer.models import AgentSession, AgentStateInterval, CallAttempt
    from reports.window import day_range

    rng = random.Random(20261120)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(insert(User), [{"id": i + 1, "username": f"agent{i:03d}", "display_name": f"座席{i:03d}",
                                     "role": Role.AGENT, "password_hash": "x"} for i in range(n_agents)])
        conn.execute(insert(Campaign), [{"id": c + 1, "code": f"C{c:02d}", "name": f"项目{c:02d}"}
                                        for c in range(n_campaigns)])
        flags = [("SALE", "is_sale"), ("CB", "is_callback"), ("DNC", "is_dnc"), ("NI", None), ("NI2", None)]
        dispo_rows, dispositions, next_id = [], {}, 1
        for c in range(1, n_campaigns + 1):
            dispositions[c] = []
            for code, flag in flags:
                row = {"id": next_id, "campaign_id": c, "code": code, "label_zh": code, "label_en": code,
                       "is_sale": flag == "is_sale", "is_callback": flag == "is_callback", "is_dnc": flag == "is_dnc"}
                dispo_rows.append(row)
                dispositions[c].append(next_id)
                next_id += 1
        conn.execute(insert(Disposition), dispo_rows)
        conn.execute(insert(CallerIdPool), [{"id": 1, "name": "bench", "description": ""}])
        conn.execute(insert(CallerId), [{"id": i + 1, "pool_id": 1, "number_e164": f"+86210000{i:04d}"}
                                        for i in range(N_CALLERS)])
        start, end = day_range(DAY, TZ)
        conn.execute(insert(AgentSession), [{"id": a, "agent_id": a, "campaign_id": 1 + a % n_campaigns,
                                             "login_at": start} for a in range(1, n_agents + 1)])
        intervals = []
        for a in range(1, n_agents + 1):
            t = start + timedelta(hours=8, minutes=rng.randrange(60))
            for _ in range(200):
                length = timedelta(seconds=30 + rng.random() * 240)
                intervals.append({"session_id": a, "agent_id": a, "campaign_id": 1 + a % n_campaigns,
                                  "state": rng.choice(["ready", "talking", "wrapup", "paused"]),
                                  "started_at": t, "ended_at": t + length})
                t += length
        conn.execute(insert(AgentStateInterval), intervals)
    campaigns = list(range(1, n_campaigns + 1))
    agents = list(range(1, n_agents + 1))
    start, end = day_range(DAY, TZ)
    # The centre dials 08:00–22:00 local; the noise is the day before and after.
    batches = [(rows, start + timedelta(hours=8), 14 * 3600, 1),
               (noise // 2, start - timedelta(hours=16), 14 * 3600, rows + 1),
               (noise - noise // 2, end + timedelta(hours=8), 14 * 3600, rows + noise // 2 + 1)]
    # Build the secondary indexes after the load, as a bulk restore would:
    # inserting a million rows into five random-order B-trees is the slow part.
    indexes = [ix for ix in CallAttempt.__table__.indexes]
    with engine.begin() as conn:
        for ix in indexes:
            ix.drop(conn)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for n, first, span, first_id in batches:
            data = _attempts(n, campaigns, agents, dispositions, first, span, first_id, rng)
            if url.startswith("postgresql"):
                with cur.copy(f"COPY call_attempts ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for row in data:
                        copy.write_row(row)
            else:
                sql = f"INSERT INTO call_attempts ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
                cur.executemany(sql, data)
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        for ix in indexes:
            ix.create(conn)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    engine.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--noise", type=int, default=200_000, help="rows on the days before and after")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url")
    parser.add_argument("--campaigns", type=int, default=10)
    parser.add_argument("--agents", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="reuse the loaded database (skip reset and load)")
    args = parser.parse_args(argv)
    url = _url(args.db, args.database_url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="bench_report_inst_"))
    if not args.keep:
        from core.migrate import rebuild

        t0 = time.perf_counter()
        rebuild(url)
        print(f"schema in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        _load(url, args.rows, args.noise, args.campaigns, args.agents)
        print(f"loaded {args.rows} + {args.noise} attempts in {time.perf_counter() - t0:.1f} s ({url.split('@')[-1]})")

    from core.db import db
    from reports.compile import compile_day
    from reports.service import build_report

    from core.app import create_app

    db.configure(url)
    now = datetime(2026, 11, 21, tzinfo=timezone.utc)
    # A `flask worker` job runs inside the app, so the templates are loaded once.
    create_app(DATABASE_URL=url).app_context().push()
    for run in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        with db.transaction() as session:
            data = compile_day(session, DAY, TZ, now)
        t1, c1 = time.perf_counter(), time.process_time()
        build_report(DAY, TZ, os.environ["INSTANCE_PATH"], now)
        t2, c2 = time.perf_counter(), time.process_time()
        # process CPU includes SQLite's work (in-process), not PostgreSQL's server.
        print(f"run {run + 1}: compile (SQL, all campaigns) {t1 - t0:.2f} s wall, {c1 - c0:.2f} s CPU; "
              f"full build with XLSX/CSV/HTML {t2 - t1:.2f} s wall, {c2 - c1:.2f} s CPU; "
              f"dials {data['totals']['dials']}, agents {len(data['agents'])}, caller IDs "
              f"{len(data['caller_ids'])}, hours {len(data['hours'])}; load average {os.getloadavg()[0]:.1f}")
    t0 = time.perf_counter()
    with db.transaction() as session:
        one = compile_day(session, DAY, TZ, now, campaign_id=1)
    print(f"one campaign's compile {time.perf_counter() - t0:.2f} s (dials {one['totals']['dials']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
