"""Plain settings for the telephony layer.

The foundation's ``config/`` builds these from the environment
(SIP_BIND_ADDRESS, SIP_PORT, SIP_RTP_PORT_START, SIP_RTP_PORT_RANGE,
SIP_TRUNK_URI, SIP_TRUNK_USER, SIP_TRUNK_PASSWORD, SIP_TRUNK_REGISTER,
SIP_MAX_CALLS, SIP_CALL_RATE); nothing here reads the environment.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class FromMode(str, Enum):
    """What goes in the From header of a trunk call (透传 settings)."""

    CALLER_ID = "caller_id"        # From user = the campaign's caller ID (主显号码)
    TRUNK_USER = "trunk_user"      # From user = the trunk account; caller ID only in PAI/RPID
    ANONYMOUS = "anonymous"        # From: "Anonymous" <sip:anonymous@anonymous.invalid>


@dataclass(frozen=True)
class TrunkConfig:
    name: str
    uri: str                                 # e.g. "sip:127.0.0.1:5070" – where INVITEs go
    register: bool = False
    registrar_uri: str | None = None         # defaults to ``uri``
    user: str | None = None
    password: str | None = None
    realm: str = "*"
    reg_timeout_s: int = 300                 # Expires asked for; pjsua re-registers before it runs out
    reg_retry_s: int = 30
    from_mode: FromMode = FromMode.CALLER_ID
    send_pai: bool = True                    # P-Asserted-Identity with the caller ID
    send_rpid: bool = False                  # Remote-Party-ID with the caller ID
    privacy: str | None = None               # e.g. "id" or "none"; None leaves the header out
    extra_headers: tuple[tuple[str, str], ...] = ()
    pai_domain: str | None = None            # host in PAI/RPID URIs; defaults to the trunk's host

    def __post_init__(self) -> None:
        if not self.uri.startswith(("sip:", "sips:")):
            raise ValueError(f"trunk uri must be a SIP URI, got {self.uri!r}")
        if self.register and not self.user:
            raise ValueError("a registered trunk needs a user")


@dataclass(frozen=True)
class EndpointConfig:
    bind_address: str = "127.0.0.1"
    sip_port: int = 5060
    public_address: str | None = None        # address put in Contact/SDP, if not the bind address
    rtp_port_start: int = 40000
    rtp_port_range: int = 1000
    max_calls: int | None = None             # None: build limit - inbound_headroom; above the build's: refused
    inbound_headroom: int = 2                # slots kept for refusing incoming calls while full
    build_call_limit: int | None = None      # set for a site's own pjproject build
    call_rate: float = 20.0                  # call starts per second (stack aborts near 66/s)
    call_burst: float = 2.0
    codecs: tuple[str, ...] = ("PCMU/8000", "PCMA/8000")
    clock_rate: int = 8000
    user_agent: str = "outbound-dialer"
    log_level: int = 1
    login_user: str = "login"                # request-URI user that is answered and asks for a DTMF PIN
    pin_timeout_s: float = 10.0
    pin_max_digits: int = 8
    amd_analysis_ms: int = 4000
    amd_sample_ms: int = 20
    shutdown_timeout_s: float = 3.0
    trunks: tuple[TrunkConfig, ...] = field(default_factory=tuple)


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def endpoint_config_from_env(env, **overrides) -> EndpointConfig:
    """Build an EndpointConfig from SIP_* variables (a mapping such as os.environ; the caller passes it).

    SIP_BIND_ADDRESS, SIP_PORT, SIP_RTP_PORT_START, SIP_RTP_PORT_RANGE, SIP_MAX_CALLS, SIP_CALL_RATE,
    and one trunk named "default" from SIP_TRUNK_URI, SIP_TRUNK_USER, SIP_TRUNK_PASSWORD,
    SIP_TRUNK_REGISTER. Unset variables keep the dataclass defaults.
    """
    kwargs: dict = {}
    if env.get("SIP_BIND_ADDRESS"):
        kwargs["bind_address"] = env["SIP_BIND_ADDRESS"]
    for var, key, cast in (("SIP_PORT", "sip_port", int), ("SIP_RTP_PORT_START", "rtp_port_start", int),
                           ("SIP_RTP_PORT_RANGE", "rtp_port_range", int), ("SIP_MAX_CALLS", "max_calls", int),
                           ("SIP_CALL_RATE", "call_rate", float)):
        if env.get(var):
            kwargs[key] = cast(env[var])
    if env.get("SIP_TRUNK_URI"):
        kwargs["trunks"] = (TrunkConfig(name="default", uri=env["SIP_TRUNK_URI"],
                                        user=env.get("SIP_TRUNK_USER") or None,
                                        password=env.get("SIP_TRUNK_PASSWORD") or None,
                                        register=_flag(env.get("SIP_TRUNK_REGISTER"))),)
    kwargs.update(overrides)
    return EndpointConfig(**kwargs)
