"""Messages for people that may be rendered in a request (translated to the
user's language) or in a job / CLI with no request (English msgid).  The
app's locale selector needs a request, so flask_babel's lazy strings cannot
be rendered in a worker."""
from __future__ import annotations

from flask import has_request_context
from flask_babel import gettext


class Message:
    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, **params):
        self.msgid, self.params = msgid, params

    def __str__(self) -> str:
        if has_request_context():
            return gettext(self.msgid, **self.params)
        return self.msgid % self.params if self.params else self.msgid

    def __repr__(self) -> str:
        return f"Message({self.msgid!r})"
