"""Starting the scripted test harness, and telling whether a process still runs."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ts26927.bindings.stdio import StdioImplementation

SCRIPTED = Path(__file__).with_name("scripted_harness.py")
ROOT = Path(__file__).parent.parent.parent
PROTOCOL_SCHEMA = ROOT / "conformance" / "protocol" / "stdio.schema.json"


def scripted_argv(*flags: str) -> list[str]:
    return [sys.executable, str(SCRIPTED), *flags]


def running(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped by its parent, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def gone(*pids: int, within_s: float = 2.0) -> bool:
    """Whether every process in ``pids`` has ended, allowing the time a SIGKILL takes."""
    deadline = time.monotonic() + within_s
    while any(running(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def harness() -> Iterator[Callable[..., StdioImplementation]]:
    """Start the scripted harness with flags and binding options; stopped after the test."""
    started: list[StdioImplementation] = []

    def start(*flags: str, **options: Any) -> StdioImplementation:
        options = {"reply_timeout_s": 5.0, "start_timeout_s": 5.0, **options}
        iut = StdioImplementation(scripted_argv(*flags), **options)
        started.append(iut)
        return iut

    yield start
    for iut in started:
        iut.stop()


@pytest.fixture(scope="session")
def protocol_validator() -> Callable[[str], Draft202012Validator]:
    """A validator of one kind of line (``Command``, ``Started``, ``StepReply``...), from the
    committed protocol schema."""
    schema = json.loads(PROTOCOL_SCHEMA.read_text(encoding="utf-8"))

    def of(name: str) -> Draft202012Validator:
        return Draft202012Validator(
            {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{name}"}
        )

    return of
