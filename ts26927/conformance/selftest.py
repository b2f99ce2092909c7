"""The suite proves itself: it passes on the reference engine and fails, at the right
case, on every deliberately broken implementation (:mod:`.mutants`); and every broken
harness program (:mod:`.broken_harnesses`) gets an error or timeout verdict."""

from __future__ import annotations

from dataclasses import dataclass

from ts26927.bindings.reference import ReferenceImplementation
from ts26927.bindings.stdio import StdioImplementation
from ts26927.engine.split_service import digits_service
from ts26927.errors import HarnessError

from .broken_harnesses import BROKEN_HARNESSES, BrokenHarness
from .case import TestCase
from .mutants import MUTANTS
from .runner import RunParameters, run_case
from .verdict import Verdict

#: Short per-step timeouts: the hanging mutant must not slow the self-test down.
SELFTEST_PARAMETERS = RunParameters(timeout_multiplier=0.1)
#: Shorter still for the broken harnesses, whose good answers take milliseconds.
HARNESS_PARAMETERS = RunParameters(timeout_multiplier=0.05)


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
    results += [broken_harness_result(spec, by_id.get(spec.case)) for spec in BROKEN_HARNESSES]
    return results


def broken_harness_result(spec: BrokenHarness, case: TestCase | None) -> SelftestResult:
    """Run the case written for a broken harness; a failed handshake is its error verdict."""
    if case is None:
        reason = "the case written for this harness is not selected"
        return SelftestResult(spec.name, spec.defect, spec.case, "missing", None, reason, False)
    try:
        iut = StdioImplementation(spec.argv(), start_timeout_s=5.0, reply_timeout_s=5.0)
    except HarnessError as error:
        caught = spec.caught_by == "error" and spec.step is None
        return SelftestResult(spec.name, spec.defect, case.id, "error", None, str(error), caught)
    try:
        r = run_case(case, iut, iut.describe(), HARNESS_PARAMETERS)
    finally:
        iut.stop()
    caught = r.verdict.value == spec.caught_by and r.step == spec.step
    return SelftestResult(
        spec.name, spec.defect, case.id, r.verdict.value, r.step, r.reason, caught
    )
