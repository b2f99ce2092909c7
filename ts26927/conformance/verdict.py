"""Verdicts and results of a conformance run.

The order follows 3GPP/TTCN-3: pass < inconclusive < fail. ``error`` means the test system
or the adapter broke (not the IUT's fault), ``timeout`` that the IUT did not answer in
time, ``not applicable`` that the IUT does not declare what the case needs — never counted
as a pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    PASS = "pass"
    INCONCLUSIVE = "inconclusive"
    FAIL = "fail"
    ERROR = "error"
    TIMEOUT = "timeout"
    NOT_APPLICABLE = "not applicable"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {
    Verdict.NOT_APPLICABLE: 0,
    Verdict.PASS: 1,
    Verdict.INCONCLUSIVE: 2,
    Verdict.FAIL: 3,
    Verdict.TIMEOUT: 4,
    Verdict.ERROR: 5,
}


@dataclass(frozen=True)
class CaseResult:
    """The verdict of one case, tied to the TR clause and step where it was decided."""

    case_id: str
    title: str
    clause: str
    flow: str
    role: str
    verdict: Verdict
    step: str | None
    reason: str
    duration_s: float
    log: list[str] = field(default_factory=list)
    expected: str | None = None
    """The vendor's expectation for this case, when its expectations file names it."""
    notes: list[str] = field(default_factory=list)
    """What the checks could not judge for this implementation, and why (e.g. an
    aggregation rule it declares as OTHER)."""

    @property
    def unexpected(self) -> bool:
        """A known failure that now passes, or a result other than the expected one."""
        return self.expected is not None and self.expected != self.verdict.value

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.case_id,
            "title": self.title,
            "clause": self.clause,
            "flow": self.flow,
            "role": self.role,
            "verdict": self.verdict.value,
            "step": self.step,
            "reason": self.reason,
            "durationS": round(self.duration_s, 4),
            "expected": self.expected,
            "notes": self.notes,
            "log": self.log,
        }
