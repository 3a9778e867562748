"""A report day is a calendar day in the centre's time zone (TIMEZONE); these
turn it into the UTC range that the (campaign_id, dialed_at) index serves, and
back.  Pure."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


def day_range(day: date, tz: str) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local calendar day (23 or 25 hours across DST)."""
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), zone).astimezone(timezone.utc)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(timezone.utc)
    return start, end


def local_day(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


def hours(day: date, tz: str) -> list[tuple[str, datetime, datetime]]:
    """The day's hours as (local clock label, UTC start, UTC end); 23 or 25 across DST."""
    start, end = day_range(day, tz)
    zone = ZoneInfo(tz)
    out = []
    moment = start
    while moment < end:
        following = min(moment + timedelta(hours=1), end)
        out.append((moment.astimezone(zone).strftime("%H:%M"), moment, following))
        moment = following
    return out
