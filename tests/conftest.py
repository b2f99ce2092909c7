"""Shared test settings: bounded hypothesis profiles so `make test` stays fast on 2 cores,
and a build cache of the test session's own."""

from __future__ import annotations

import os
import shutil
import tempfile

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

# The engine's build cache (engine/embedded/build_cache.py) starts empty in every test
# session, so that a run never depends on what an earlier one left in the user's cache; the
# session's subprocesses (harnesses, suite workers, servers) inherit it and share the
# classifier the first of them trained. A cache chosen or turned off by the caller is kept.
_SESSION_CACHE: str | None = None
if not ({"TS26927_CACHE_DIR", "TS26927_NO_CACHE"} & os.environ.keys()):
    _SESSION_CACHE = tempfile.mkdtemp(prefix="ts26927-test-cache-")
    os.environ["TS26927_CACHE_DIR"] = _SESSION_CACHE


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SESSION_CACHE is not None:
        shutil.rmtree(_SESSION_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def selftest_results() -> list:
    """The whole self-test, run once per test session (it takes a while) and shared."""
    from ts26927.conformance.selftest import selftest
    from ts26927.conformance.suite import load_suite

    return selftest(load_suite())
