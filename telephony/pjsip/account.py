"""pjsua2 Account subclass and the builders of account configurations."""
from __future__ import annotations

import pjsua2 as pj

from telephony.config import EndpointConfig, TrunkConfig


class ObservedAccount(pj.Account):
    """Forwards incoming calls and registration state to ``observer`` under the account's name."""

    def __init__(self, observer, name: str):
        super().__init__()
        self.name = name
        self._observer = observer

    def onIncomingCall(self, prm):
        self._observer.on_incoming_call(self, prm)

    def onRegState(self, prm):
        self._observer.on_reg_state(self.name, prm)


def _media(acc_cfg: pj.AccountConfig, ep_cfg: EndpointConfig) -> None:
    tc = acc_cfg.mediaConfig.transportConfig
    tc.port = ep_cfg.rtp_port_start
    tc.portRange = ep_cfg.rtp_port_range
    tc.boundAddress = ep_cfg.bind_address
    if ep_cfg.public_address:
        tc.publicAddress = ep_cfg.public_address


def local_account_config(ep_cfg: EndpointConfig) -> pj.AccountConfig:
    """The pod's own address: agents' softphones call it; it takes unmatched incoming calls."""
    cfg = pj.AccountConfig()
    host = ep_cfg.public_address or ep_cfg.bind_address
    cfg.idUri = f"sip:pod@{host}:{ep_cfg.sip_port}"
    _media(cfg, ep_cfg)
    return cfg


def _creds(cfg: pj.AccountConfig, trunk: TrunkConfig) -> None:
    if trunk.user and trunk.password:
        cred = pj.AuthCredInfo("digest", trunk.realm, trunk.user, 0, trunk.password)
        cfg.sipConfig.authCreds.append(cred)


def trunk_call_account_config(trunk: TrunkConfig, ep_cfg: EndpointConfig) -> pj.AccountConfig:
    """Account used to place a trunk's calls; never registers, so changing its id per call is cheap."""
    cfg = pj.AccountConfig()
    host = trunk.uri.split(":", 1)[1].split(";")[0]
    cfg.idUri = f"sip:{trunk.user or 'dialer'}@{host.split('@')[-1]}"
    _creds(cfg, trunk)
    _media(cfg, ep_cfg)
    return cfg


def trunk_reg_account_config(trunk: TrunkConfig, ep_cfg: EndpointConfig) -> pj.AccountConfig:
    """Account that only keeps the trunk registered (digest auth, refresh before expiry, retry)."""
    cfg = pj.AccountConfig()
    registrar = trunk.registrar_uri or trunk.uri
    host = registrar.split(":", 1)[1].split(";")[0].split("@")[-1]
    cfg.idUri = f"sip:{trunk.user}@{host}"
    cfg.regConfig.registrarUri = registrar
    cfg.regConfig.timeoutSec = trunk.reg_timeout_s
    cfg.regConfig.retryIntervalSec = trunk.reg_retry_s
    cfg.regConfig.firstRetryIntervalSec = min(trunk.reg_retry_s, 5)
    cfg.regConfig.dropCallsOnFail = False
    _creds(cfg, trunk)
    _media(cfg, ep_cfg)
    return cfg
