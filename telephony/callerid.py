"""Build the From URI and caller-ID headers of a trunk call from the trunk's 透传 settings. Pure."""
from __future__ import annotations

from telephony.config import FromMode, TrunkConfig
from telephony.sipmsg import split_uri


def trunk_host(trunk: TrunkConfig) -> str:
    return split_uri(trunk.uri)[1] or ""


def request_uri(trunk: TrunkConfig, number: str) -> str:
    host = trunk_host(trunk)
    params = trunk.uri.split(";", 1)[1] if ";" in trunk.uri else ""
    return f"sip:{number}@{host}" + (f";{params}" if params else "")


def _quoted(display: str | None) -> str:
    return '"' + display.replace("\\", "\\\\").replace('"', '\\"') + '" ' if display else ""


def from_uri(trunk: TrunkConfig, caller_id: str, display_name: str | None) -> str:
    """The From (account id) URI for one call."""
    domain = trunk.pai_domain or trunk_host(trunk).split(":")[0]
    if trunk.from_mode is FromMode.ANONYMOUS:
        return '"Anonymous" <sip:anonymous@anonymous.invalid>'
    if trunk.from_mode is FromMode.TRUNK_USER:
        return f"{_quoted(display_name)}<sip:{trunk.user or caller_id}@{domain}>"
    return f"{_quoted(display_name)}<sip:{caller_id}@{domain}>"


def identity_headers(trunk: TrunkConfig, caller_id: str, display_name: str | None) -> list[tuple[str, str]]:
    """P-Asserted-Identity / Remote-Party-ID / Privacy headers to add to the INVITE."""
    domain = trunk.pai_domain or trunk_host(trunk).split(":")[0]
    identity = f"{_quoted(display_name)}<sip:{caller_id}@{domain}>"
    headers: list[tuple[str, str]] = []
    if trunk.send_pai:
        headers.append(("P-Asserted-Identity", identity))
    if trunk.send_rpid:
        hidden = trunk.privacy not in (None, "none")
        headers.append(("Remote-Party-ID",
                        f"{identity};party=calling;screen=yes;privacy={'full' if hidden else 'off'}"))
    if trunk.privacy:
        headers.append(("Privacy", trunk.privacy))
    headers.extend(trunk.extra_headers)
    return headers
