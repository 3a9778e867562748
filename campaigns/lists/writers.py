"""Bulk writes of an import, on the import's own connection and transaction.

SQLite: `executemany` of one prepared INSERT on the raw sqlite3 connection,
with the values shared by the whole batch written into the statement.
PostgreSQL: `COPY ... FROM STDIN` in text format through psycopg 3, the rows
formatted here (the server parses them in its own process).  Both go around
the ORM, which would cost more than the whole row budget, so the values must
already be in the shape SQLAlchemy would have stored (naive UTC timestamps,
JSON text, enum values).

`encode()` may run in the producer process of the import pipeline and
`write()` in the process that holds the transaction; what passes between
them is bytes.
"""
from __future__ import annotations

import marshal
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from campaigns.lists.engine import LEAD_COLUMNS, REJECT_COLUMNS, Hygiene

_ALL_LEAD_COLUMNS = ("campaign_id,list_id,batch_id," + ",".join(LEAD_COLUMNS)
                     + ",status,priority,attempt_count,in_trial_sample,created_at")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class BulkWriter:
    def __init__(self, conn: Connection, campaign_id: int, list_id: int, batch_id: int, now: datetime):
        self.conn = conn
        self.dialect = conn.dialect.name
        self.dbapi = conn.connection.driver_connection
        self.campaign_id, self.list_id, self.batch_id = int(campaign_id), int(list_id), int(batch_id)
        stamp = now.replace(tzinfo=None).isoformat(" ", "microseconds")
        if self.dialect == "sqlite":
            # constants are ints and our own timestamp: safe to write into the SQL
            consts = f"{self.campaign_id},{self.list_id},{self.batch_id}"
            marks = ",".join("?" * len(LEAD_COLUMNS))
            self._lead_sql = (
                f"INSERT INTO leads ({_ALL_LEAD_COLUMNS}) VALUES ({consts},{marks},'new',0,0,0,'{stamp}')"
            )
            self._reject_sql = (f"INSERT INTO import_rejects (batch_id,{','.join(REJECT_COLUMNS)}) "
                                f"VALUES ({self.batch_id},{','.join('?' * len(REJECT_COLUMNS))})")
        else:
            self._lead_head = f"{self.campaign_id}\t{self.list_id}\t{self.batch_id}\t"
            self._lead_tail = f"\tnew\t0\t0\tf\t{stamp}\n"
            self._reject_head = f"{self.batch_id}\t"

    def tune(self) -> None:
        """Tune this connection for one big write; call before the import's
        transaction begins (SQLite ignores foreign_keys inside one) and call
        `untune()` after it ends: the connection goes back to the pool."""
        if self.dialect == "sqlite":
            # Campaign, list and batch are the same for every row and were
            # checked when the batch was made: three look-ups per row saved.
            self.dbapi.execute("PRAGMA foreign_keys=OFF")
            # A larger page cache keeps the index pages of `leads` in memory
            # during the insert (32 MB, a fixed cost whatever the file size).
            self.dbapi.execute("PRAGMA cache_size=-32768")

    def untune(self) -> None:
        if self.dialect == "sqlite":
            self.dbapi.execute("PRAGMA foreign_keys=ON")
            self.dbapi.execute("PRAGMA cache_size=-2000")

    def lock_campaign(self) -> None:
        """Serialise imports into one campaign, so two files cannot both accept
        the same number: the dedup sets are read after this lock."""
        if self.dialect == "postgresql":
            self.conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": 7_000_000 + self.campaign_id})
        else:
            # An empty UPDATE takes SQLite's write lock now (the transaction is deferred otherwise).
            self.conn.execute(text("UPDATE import_batches SET id = id WHERE id = -1"))

    def load_hygiene(self, hygiene: Hygiene) -> None:
        result = self.conn.execute(text("SELECT phone_e164, list_id FROM leads WHERE campaign_id = :c"),
                                   {"c": self.campaign_id})
        in_list, in_campaign = hygiene.in_list, hygiene.in_campaign
        for phone, lid in result:
            if phone and phone[0] == "+" and phone[1:].isdigit():
                (in_list if lid == self.list_id else in_campaign).add(int(phone[1:]))
        hygiene.dnc.update(load_dnc(self.conn, self.campaign_id))

    # -- producer side -------------------------------------------------
    def encode(self, leads: list[tuple], rejects: list[tuple]) -> bytes:
        """What crosses the pipe: the tuples for SQLite (marshal is the cheapest
        way for str/int/None), the finished COPY text for PostgreSQL (measured:
        formatting it in the reader costs less in total than shipping tuples)."""
        if self.dialect == "sqlite":
            return marshal.dumps((leads, rejects))
        return marshal.dumps((self._copy_leads(leads) if leads else b"",
                              self._copy_rejects(rejects) if rejects else b""))

    # -- writer side ---------------------------------------------------
    def write(self, payload: bytes) -> None:
        if self.dialect == "sqlite":
            leads, rejects = marshal.loads(payload)
            cur = self.dbapi.cursor()
            if leads:
                cur.executemany(self._lead_sql, leads)
            if rejects:
                cur.executemany(self._reject_sql, rejects)
            cur.close()
            return
        lead_text, reject_text = marshal.loads(payload)
        with self.dbapi.cursor() as cur:
            if lead_text:
                with cur.copy(f"COPY leads ({_ALL_LEAD_COLUMNS}) FROM STDIN") as copy:
                    copy.write(lead_text)
            if reject_text:
                with cur.copy(f"COPY import_rejects (batch_id,{','.join(REJECT_COLUMNS)}) FROM STDIN") as copy:
                    copy.write(reject_text)

    def _copy_leads(self, leads: list[tuple]) -> bytes:
        """COPY text format: tab-separated, \\N for NULL, backslash escapes in text."""
        esc, null = _COPY_ESCAPES, "\\N"
        head, tail = self._lead_head, self._lead_tail
        return "".join([
            head + f"{r[0]}\t{r[1].translate(esc)}\t{r[2]}\t{r[3]}\t{r[4]}\t{r[5] or null}\t"
            f"{r[6].translate(esc) if r[6] else null}\t{r[7] or null}\t"
            f"{r[8].translate(esc) if r[8] is not None else null}\t{r[9].translate(esc)}" + tail
            for r in leads
        ]).encode()

    def _copy_rejects(self, rejects: list[tuple]) -> bytes:
        esc, null, head = _COPY_ESCAPES, "\\N", self._reject_head
        return "".join([
            head + f"{r[0]}\t{r[1]}\t{r[2].translate(esc) if r[2] is not None else null}\t{r[3].translate(esc)}\n"
            for r in rejects
        ]).encode()


def load_dnc(conn, campaign_id: int | None) -> dict[int, str]:
    """Numbers not to call for a campaign: global entries, the campaign's own
    and imported registry files, as int → where it is listed."""
    scopes = ["global"] if campaign_id is None else ["global", str(campaign_id)]
    out: dict[int, str] = {}
    result = conn.execute(
        text("SELECT phone_e164, scope, source, registry_name FROM dnc_entries WHERE scope IN :scopes")
        .bindparams(bindparam("scopes", expanding=True)),
        {"scopes": scopes},
    )
    for phone, scope, source, registry in result:
        if not phone or not phone[1:].isdigit():
            continue
        if source == "registry" and registry:
            where = f"registry:{registry}"
        else:
            where = "global" if scope == "global" else "campaign"
        out.setdefault(int(phone[1:]), where)
    return out
