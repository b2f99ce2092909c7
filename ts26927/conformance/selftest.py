"""The suite proves itself: it passes on the reference engine and fails, at the right
case, on every deliberately broken implementation (:mod:`.mutants`)."""

from __future__ import annotations

from dataclasses import dataclass

from ts26927.bindings.reference import ReferenceImplementation
from ts26927.engine.split_service import digits_service

from .case import TestCase
from .mutants import MUTANTS
from .runner import RunParameters, run_case
from .verdict import Verdict

#: Short per-step timeouts: the hanging mutant must not slow the self-test down.
SELFTEST_PARAMETERS = RunParameters(timeout_multiplier=0.1)


@dataclass(frozen=True)
class SelftestResult:
    name: str
    defect: str
    case: str
    verdict: str
    step: str | None
    reason: str
    caught: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "defect": self.defect,
            "case": self.case,
            "verdict": self.verdict,
            "step": self.step,
            "reason": self.reason,
            "caught": self.caught,
        }


def selftest(cases: list[TestCase]) -> list[SelftestResult]:
    """The reference on every case, then each mutant on the case written for it."""
    digits_service()  # build the embedded model once, outside any timed call
    by_id = {c.id: c for c in cases}
    results: list[SelftestResult] = []
    reference = ReferenceImplementation()
    for case in cases:
        r = run_case(case, reference, reference.describe(), SELFTEST_PARAMETERS)
        results.append(
            SelftestResult(
                "reference",
                "none",
                case.id,
                r.verdict.value,
                r.step,
                r.reason,
                r.verdict in (Verdict.PASS, Verdict.NOT_APPLICABLE),
            )
        )
    for spec in MUTANTS:
        case = by_id.get(spec.case)
        if case is None:
            results.append(
                SelftestResult(
                    spec.name,
                    spec.defect,
                    spec.case,
                    "missing",
                    None,
                    "the case written for this mutant is not selected",
                    False,
                )
            )
            continue
        mutant = spec.make()
        r = run_case(case, mutant, mutant.describe(), SELFTEST_PARAMETERS)
        results.append(
            SelftestResult(
                spec.name,
                spec.defect,
                case.id,
                r.verdict.value,
                r.step,
                r.reason,
                r.verdict.value in spec.caught_by,
            )
        )
    return results
