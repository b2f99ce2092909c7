"""Check a recorded trace of a flow: ``[{step, sender, receiver, message}, ...]``.

Replays the trace through a :class:`~ts26927.flows.session.FlowSession` and reports the
first violation with its index and step id; a trace that stops before the flow may end is
a violation too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ts26927.errors import ProtocolError
from ts26927.flows.session import FlowSession
from ts26927.flows.table import Flow


@dataclass(frozen=True)
class Violation:
    index: int
    step: str
    reason: str
    allowed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "step": self.step,
            "reason": self.reason,
            "allowed": self.allowed,
        }


@dataclass(frozen=True)
class TraceReport:
    flow: str
    steps_checked: int
    violation: Violation | None

    @property
    def valid(self) -> bool:
        return self.violation is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "flow": self.flow,
            "valid": self.valid,
            "stepsChecked": self.steps_checked,
            "violation": None if self.violation is None else self.violation.to_dict(),
        }


def check_trace(flow: Flow, trace: Any) -> TraceReport:
    """Replay ``trace`` (decoded JSON) against ``flow``."""
    if not isinstance(trace, list):
        return TraceReport(flow.id, 0, Violation(0, "", "a trace is a JSON array of steps"))
    session = FlowSession(flow)
    for index, entry in enumerate(trace):
        if not isinstance(entry, dict) or not isinstance(entry.get("step"), str):
            return TraceReport(
                flow.id,
                index,
                Violation(
                    index, "", "each entry is an object with a string 'step'", session.allowed()
                ),
            )
        try:
            session.accept(
                entry["step"],
                entry.get("message"),
                sender=_party(entry, "sender"),
                receiver=_party(entry, "receiver"),
            )
        except ProtocolError as error:
            return TraceReport(
                flow.id, index, Violation(index, entry["step"], str(error), error.allowed)
            )
    if not session.can_end:
        return TraceReport(
            flow.id,
            len(trace),
            Violation(
                len(trace),
                "(end)",
                f"the trace ends {session.state} before the flow may end",
                session.allowed(),
            ),
        )
    return TraceReport(flow.id, len(trace), None)


def _party(entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    return value if isinstance(value, str) else None
