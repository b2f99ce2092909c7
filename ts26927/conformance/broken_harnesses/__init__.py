"""Deliberately broken harness programs for the self-test: each speaks the harness
protocol correctly but for one defect, and must get an ``error`` or ``timeout`` verdict —
never a pass, never a hang of the runner."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent


@dataclass(frozen=True)
class BrokenHarness:
    name: str
    defect: str
    script: str
    caught_by: str
    """The verdict it must get."""
    step: str | None = "1"
    """The TR step at which it must get it (``None``: before any step, at the handshake)."""
    case: str = "5.2.2.2.1-model-delivery-001"

    def argv(self) -> list[str]:
        return [sys.executable, str(HERE / self.script)]


BROKEN_HARNESSES: tuple[BrokenHarness, ...] = (
    BrokenHarness("harness-hangs", "never answers a step", "hangs.py", "timeout"),
    BrokenHarness("harness-crashes", "exits on the first step", "crashes.py", "error"),
    BrokenHarness("harness-non-json", "prints a log line, not JSON", "non_json.py", "error"),
    BrokenHarness("harness-wrong-seq", "echoes the wrong sequence id", "wrong_seq.py", "error"),
    BrokenHarness("harness-wrong-shape", "answers outputs as an object", "wrong_shape.py", "error"),
    BrokenHarness(
        "harness-wrong-version", "speaks protocol version 2", "wrong_version.py", "error", None
    ),
)

__all__ = ["BROKEN_HARNESSES", "BrokenHarness"]
