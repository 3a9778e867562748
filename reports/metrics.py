"""Daily outbound report figures: the sums SQL returns, the rates derived from
them, and their labels.  Pure.

Definitions (also in docs/bench/reports.md):
  dials           call attempts placed
  connects        answered at all (a person or a machine: `answered_at` set)
  person_answers  a person answered (outcome human or abandoned)
  handled         a person reached an agent (outcome human)
  abandoned       a person answered and no agent was free (outcome abandoned)
  abandon_rate    abandoned / person_answers
  person_rate     person_answers / dials
  talk / wrapup   seconds; aht = (talk + wrapup) / handled
  conversion      sales / handled
  seat_hours      logged-in time (every agent state) clipped to the day
"""
from __future__ import annotations

SUMS = ("dials", "connects", "person_answers", "handled", "abandoned", "talk_seconds", "wrapup_seconds",
        "sales", "callbacks", "dnc_requests")

# key -> (Chinese header, English label, kind) ; kind drives number formats
COLUMNS: list[tuple[str, str, str, str]] = [
    ("dials", "外呼量", "Dials", "int"),
    ("connects", "接通量", "Connects", "int"),
    ("person_answers", "人工接听量", "Person answers", "int"),
    ("person_rate", "人工接听率", "Person answer rate", "pct"),
    ("handled", "座席通话量", "Handled", "int"),
    ("abandoned", "放弃量", "Abandoned", "int"),
    ("abandon_rate", "放弃率", "Abandon rate", "pct"),
    ("talk_seconds", "通话时长", "Talk time", "dur"),
    ("wrapup_seconds", "话后处理时长", "Wrap-up time", "dur"),
    ("aht_seconds", "平均处理时长", "Average handle time", "dur"),
    ("sales", "成功量", "Sales", "int"),
    ("conversion", "成功率", "Conversion", "pct"),
    ("callbacks", "预约回拨", "Callbacks", "int"),
    ("dnc_requests", "拒绝再呼", "Do-not-call requests", "int"),
    ("seat_hours", "座席工时", "Seat hours", "hours"),
    ("qa_average", "质检平均分", "Average QA score", "score"),
    ("qa_reviews", "质检数", "QA reviews", "int"),
]


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None


def derive(sums: dict) -> dict:
    """A row of sums (missing sums count as zero) with the rates added."""
    row = {key: sums.get(key) or 0 for key in SUMS}
    row["talk_seconds"] = round(float(row["talk_seconds"]), 1)
    row["wrapup_seconds"] = round(float(row["wrapup_seconds"]), 1)
    row["person_rate"] = _ratio(row["person_answers"], row["dials"])
    row["abandon_rate"] = _ratio(row["abandoned"], row["person_answers"])
    handled = row["handled"]
    row["aht_seconds"] = round((row["talk_seconds"] + row["wrapup_seconds"]) / handled, 1) if handled else None
    row["conversion"] = _ratio(row["sales"], handled)
    row["seat_hours"] = round(float(sums.get("seat_hours") or 0.0), 2)
    row["qa_average"] = sums.get("qa_average")
    row["qa_reviews"] = sums.get("qa_reviews") or 0
    return row


def total(rows: list[dict]) -> dict:
    """Sums over rows (a report's grand total), rates derived again, QA weighted by review count."""
    sums = {key: sum(r.get(key) or 0 for r in rows) for key in SUMS + ("seat_hours", "qa_reviews")}
    scored = [(r["qa_average"], r["qa_reviews"]) for r in rows if r.get("qa_average") is not None]
    n = sum(c for _, c in scored)
    sums["qa_average"] = round(sum(a * c for a, c in scored) / n, 2) if n else None
    return derive(sums)
