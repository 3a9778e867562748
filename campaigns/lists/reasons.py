"""Reject reasons as people read them (the codes are stored; texts are translated when shown)."""
from __future__ import annotations

from campaigns.lists.i18n import Message as _l

REASON_TEXT = {
    "empty": _l("No phone number"),
    "not_a_number": _l("Not a phone number"),
    "too_short": _l("Too few digits"),
    "too_long": _l("Too many digits"),
    "invalid_number": _l("Not a valid number for its region"),
    "duplicate_in_file": _l("Repeated earlier in this file"),
    "duplicate_in_list": _l("Already in this list"),
    "duplicate_in_campaign": _l("Already in another list of this campaign"),
    "dnc": _l("On a do-not-call list"),
    "unreadable_row": _l("The row could not be read (a line too long or malformed)"),
}


def reason_text(code: str | None) -> str:
    text = REASON_TEXT.get(code or "")
    return str(text) if text is not None else (code or "")
