"""Shared test settings: bounded hypothesis profiles so `make test` stays fast on 2 cores."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def selftest_results() -> list:
    """The whole self-test, run once per test session (it takes a while) and shared."""
    from ts26927.conformance.selftest import selftest
    from ts26927.conformance.suite import load_suite

    return selftest(load_suite())
