"""EndpointConfig from SIP_* variables (pure)."""
import pytest

from telephony.config import EndpointConfig, endpoint_config_from_env


def test_defaults_when_nothing_is_set():
    assert endpoint_config_from_env({}) == EndpointConfig()


def test_env_builds_endpoint_and_default_trunk():
    cfg = endpoint_config_from_env({
        "SIP_BIND_ADDRESS": "10.0.0.5", "SIP_PORT": "5070", "SIP_RTP_PORT_START": "30000",
        "SIP_RTP_PORT_RANGE": "200", "SIP_MAX_CALLS": "20", "SIP_CALL_RATE": "12.5",
        "SIP_TRUNK_URI": "sip:gw.carrier.example", "SIP_TRUNK_USER": "acct", "SIP_TRUNK_PASSWORD": "pw",
        "SIP_TRUNK_REGISTER": "true"})
    assert (cfg.bind_address, cfg.sip_port, cfg.rtp_port_start, cfg.rtp_port_range) == ("10.0.0.5", 5070, 30000, 200)
    assert (cfg.max_calls, cfg.call_rate) == (20, 12.5)
    (trunk,) = cfg.trunks
    assert (trunk.name, trunk.uri, trunk.user, trunk.password, trunk.register) == (
        "default", "sip:gw.carrier.example", "acct", "pw", True)


def test_registered_trunk_without_user_is_rejected():
    with pytest.raises(ValueError):
        endpoint_config_from_env({"SIP_TRUNK_URI": "sip:gw", "SIP_TRUNK_REGISTER": "1"})
