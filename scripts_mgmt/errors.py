"""The one exception the scripts services raise for a refused action.  The
message is an English msgid of the `scripts` catalogue; the API translates
it and answers with `status`."""

from __future__ import annotations


class ScriptsError(Exception):
    # positional-only, so that message parameters may be called status or field
    def __init__(
        self,
        message: str,
        status: int = 409,
        field: str = "_schema",
        /,
        details: dict | None = None,
        **params,
    ):
        super().__init__(message % params if params else message)
        self.message = message
        self.status = status
        self.field = field
        self.params = params
        self.details = details or {}
