"""Just enough SIP message parsing for logs, agent identification and the simulators.

pjsua2 hands an incoming INVITE over as raw text (``rdata.wholeMsg``); the
headers the dialer cares about (From, P-Asserted-Identity, Privacy,
Remote-Party-ID, the request URI) are read from it here. Pure functions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_COMPACT = {"f": "from", "t": "to", "i": "call-id", "m": "contact", "v": "via", "l": "content-length",
            "c": "content-type"}


@dataclass
class SipMessage:
    start_line: str
    headers: dict[str, list[str]] = field(default_factory=dict)
    body: str = ""

    @property
    def is_request(self) -> bool:
        return not self.start_line.startswith("SIP/")

    @property
    def method(self) -> str:
        return self.start_line.split(" ", 1)[0] if self.is_request else ""

    @property
    def request_uri(self) -> str:
        parts = self.start_line.split(" ")
        return parts[1] if self.is_request and len(parts) > 1 else ""

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None


def parse(text: str) -> SipMessage:
    """Parse a SIP message; unknown or broken lines are skipped, never raised on."""
    head, _, body = text.replace("\r\n", "\n").partition("\n\n")
    lines = head.split("\n")
    msg = SipMessage(start_line=lines[0].strip() if lines else "", body=body)
    current = None
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and current:        # folded header continuation
            msg.headers[current][-1] += " " + line.strip()
            continue
        name, sep, value = line.partition(":")
        if not sep:
            continue
        key = name.strip().lower()
        key = _COMPACT.get(key, key)
        msg.headers.setdefault(key, []).append(value.strip())
        current = key
    return msg


@dataclass(frozen=True)
class NameAddr:
    display: str | None
    uri: str
    user: str | None
    host: str | None
    params: str = ""


_NAME_ADDR = re.compile(r'^\s*(?:"((?:[^"\\]|\\.)*)"|([^<"]*?))\s*<([^>]*)>(.*)$')


def parse_name_addr(value: str | None) -> NameAddr | None:
    """``"Bob" <sip:100@host>;tag=x`` -> display, uri, user, host, trailing params."""
    if not value:
        return None
    m = _NAME_ADDR.match(value)
    if m:
        display = m.group(1) if m.group(1) is not None else (m.group(2) or "").strip() or None
        uri, params = m.group(3), m.group(4).strip()
    else:
        uri, _, params = value.strip().partition(";")
        display = None
    user, host = split_uri(uri)
    return NameAddr(display=display, uri=uri, user=user, host=host, params=params)


def split_uri(uri: str) -> tuple[str | None, str | None]:
    """sip:user@host:port;params -> (user, host:port)."""
    rest = uri.split(":", 1)[1] if ":" in uri else uri
    rest = rest.split(";", 1)[0].split("?", 1)[0]
    if "@" in rest:
        user, host = rest.rsplit("@", 1)
        return user, host
    return None, rest


def caller_id_headers(msg: SipMessage) -> dict:
    """The caller-ID facts a carrier sees in an INVITE, as a flat dict for logs and tests."""
    frm = parse_name_addr(msg.header("from"))
    pai = parse_name_addr(msg.header("p-asserted-identity"))
    return {
        "from_user": frm.user if frm else None,
        "from_display": frm.display if frm else None,
        "from_uri": frm.uri if frm else None,
        "pai": msg.header("p-asserted-identity"),
        "pai_user": pai.user if pai else None,
        "privacy": msg.header("privacy"),
        "rpid": msg.header("remote-party-id"),
        "request_user": split_uri(msg.request_uri)[0],
        "user_agent": msg.header("user-agent"),
    }
