"""Edited copies of the suite's UE and service fixtures, registered for one test (monkeypatch
takes them away again): a check judged against a profile one field away from a real one."""

from __future__ import annotations

from typing import Any

import pytest

from ts26927.conformance.fixtures import profiles

TEST_UE, TEST_SERVICE = "ue-test", "service-test"


def edited_ue(
    monkeypatch: pytest.MonkeyPatch,
    *,
    base: str = "ue-ample",
    memory_mb: float | None = None,
    **changes: Any,
) -> str:
    """The name of ``base`` with ``changes`` (a None value removes the field) and, when
    given, ``memory_mb`` as the memory of its processing capabilities."""
    description, ue = profiles.UE_CAPABILITIES[base]
    changed = _changed(ue, changes)
    if memory_mb is not None:
        changed["processingCapabilities"] = {**ue["processingCapabilities"], "memory": memory_mb}
    monkeypatch.setitem(profiles.UE_CAPABILITIES, TEST_UE, (description, changed))
    return TEST_UE


def edited_service(
    monkeypatch: pytest.MonkeyPatch, *, base: str = "service-digits", **changes: Any
) -> str:
    """The name of ``base`` with ``changes`` (a None value removes the field)."""
    description, service = profiles.SERVICE_REQUIREMENTS[base]
    monkeypatch.setitem(
        profiles.SERVICE_REQUIREMENTS, TEST_SERVICE, (description, _changed(service, changes))
    )
    return TEST_SERVICE


def _changed(document: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in {**document, **changes}.items() if v is not None}
