"""Negative responses the TR defines in-band, which count as refusals.

Where a case expects the IUT to refuse a test-system step, the IUT may refuse it through
the harness (``refused``) or answer with the workflow's own negative response: the step
the TR has for the answer, carrying the negative value. Either way the flow is then where
it was before the refused step, and the test system may go on (e.g. select again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .context import lookup


@dataclass(frozen=True)
class InBandRefusal:
    flow: str
    refused: str
    """The test system's step that is refused."""
    answer: str
    """The IUT's step that carries the refusal."""
    pointer: str
    value: Any
    """The value at ``pointer`` in the answer's message that makes it negative."""

    def matches(self, message: dict[str, Any] | None) -> bool:
        try:
            return message is not None and lookup(message, self.pointer) == self.value
        except Exception:  # nothing at the pointer: not this refusal
            return False


IN_BAND_REFUSALS: tuple[InBandRefusal, ...] = (
    InBandRefusal("split-inference", "6b", "9b", "/result", "FAILURE"),
)


def in_band(flow: str, step: str) -> InBandRefusal | None:
    """The in-band refusal of ``step`` in ``flow``, if the TR defines one."""
    return next((r for r in IN_BAND_REFUSALS if r.flow == flow and r.refused == step), None)
