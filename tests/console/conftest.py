"""Fixtures of the console tests: the rows of `world.py` and the pod-side
driver that publishes the live state as a pod would."""
from __future__ import annotations

import pytest

from tests.browser.pod_driver import PodDriver
from tests.console.world import build_world


@pytest.fixture
def world(session, users):
    from tests.conftest import make_user

    return build_world(session, users, make_user)


@pytest.fixture
def pod(redis_client):
    return PodDriver(redis_client)
