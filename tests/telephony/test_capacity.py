"""Build call limits, the configured limit check and the call-start token bucket (pure)."""
import pytest

from telephony.capacity import CapacityError, TokenBucket, build_call_limit, effective_limit, parse_version


def test_known_builds():
    assert build_call_limit("2.10", has_audio_media_port=False) == 32
    assert build_call_limit("2.15.1", has_audio_media_port=True) == 4
    assert build_call_limit("2.14.1-dev", has_audio_media_port=True) == 4
    assert build_call_limit("2.9", has_audio_media_port=False) == 32
    assert build_call_limit("2.15.1", has_audio_media_port=True, override=512) == 512
    assert parse_version("2.10") == (2, 10) and parse_version("2.15.1-dev") == (2, 15)


def test_configured_limit_above_the_build_is_refused():
    assert effective_limit(None, 32) == 32
    assert effective_limit(20, 32) == 20
    with pytest.raises(CapacityError):
        effective_limit(33, 32)
    with pytest.raises(CapacityError):
        effective_limit(0, 32)


def test_token_bucket_rate_and_burst():
    b = TokenBucket(rate=20, burst=2)
    assert b.take(0.0) and b.take(0.0) and not b.take(0.0)
    assert b.wait_time(0.0) == pytest.approx(0.05)
    assert not b.take(0.04)
    assert b.take(0.05)
    # over one simulated second at most rate + burst starts pass
    b = TokenBucket(rate=20, burst=2)
    allowed = sum(b.take(i / 1000) for i in range(1000))
    assert 20 <= allowed <= 22
