"""The suite proves itself, both ways.

- **Sharp:** every deliberately broken implementation (:mod:`.network_side` and
  :mod:`.ue_side`, on the machinery of :mod:`.mutants`) fails the case written for it, at
  the step where its defect shows; every broken harness program (:mod:`.broken_harnesses`)
  gets its error or timeout verdict.
- **Fair:** the reference passes every case, and so does every legal variant
  (:mod:`.variants`) — the reference making another choice the TR allows — on every case
  of the workflows it varies. A suite that fails a legal variant is as broken as one that
  passes a mutant.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ts26927.bindings.base import Implementation
from ts26927.bindings.reference import ReferenceImplementation
from ts26927.bindings.stdio import StdioImplementation
from ts26927.engine.split.service import digits_service
from ts26927.errors import HarnessError

from .broken_harnesses import BROKEN_HARNESSES, BrokenHarness
from .case import TestCase
from .mutants import MutantSpec
from .network_side import MUTANTS as NETWORK_MUTANTS
from .runner import RunParameters, run_case
from .ue_side import MUTANTS as UE_MUTANTS
from .ue_side import VARIANTS as UE_VARIANTS
from .variants import VARIANTS as NETWORK_VARIANTS
from .variants import VariantSpec
from .verdict import Verdict

#: Every mutant and legal variant, of either side.
MUTANTS: tuple[MutantSpec, ...] = NETWORK_MUTANTS + UE_MUTANTS
VARIANTS: tuple[VariantSpec, ...] = NETWORK_VARIANTS + UE_VARIANTS

#: Short per-step timeouts: the hanging mutant must not slow the self-test down.
SELFTEST_PARAMETERS = RunParameters(timeout_multiplier=0.1)
#: Shorter still for the broken harnesses, whose good answers take milliseconds.
HARNESS_PARAMETERS = RunParameters(timeout_multiplier=0.05)
#: A legal variant may pass a case, or find it not applicable.
_FAIR = (Verdict.PASS, Verdict.NOT_APPLICABLE)


@dataclass(frozen=True)
class SelftestResult:
    kind: str
    """reference, variant, mutant or harness."""
    name: str
    defect: str
    """What the mutant or harness gets wrong, or the choice the variant makes."""
    case: str
    verdict: str
    step: str | None
    reason: str
    as_expected: bool
    expected: str = ""
    role: str = ""
    """The side the implementation played in the case (UE or NETWORK; empty when the case
    was missing)."""

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "role": self.role,
            "name": self.name,
            "defect": self.defect,
            "case": self.case,
            "expected": self.expected,
            "verdict": self.verdict,
            "step": self.step,
            "reason": self.reason,
            "asExpected": self.as_expected,
        }


def selftest(cases: list[TestCase]) -> list[SelftestResult]:
    """The reference and every legal variant on their cases, then each mutant and broken
    harness on the case written for it."""
    digits_service()  # build the embedded model once, outside any timed call
    by_id = {c.id: c for c in cases}
    results = list(_fair(ReferenceImplementation(), "reference", "reference", "none", cases))
    for variant in VARIANTS:
        results += _fair(
            variant.make(), "variant", variant.name, variant.choice, _cases_of(variant, cases)
        )
    results += [_mutant(spec, by_id.get(spec.case)) for spec in MUTANTS]
    results += [broken_harness_result(spec, by_id.get(spec.case)) for spec in BROKEN_HARNESSES]
    return results


def _cases_of(variant: VariantSpec, cases: list[TestCase]) -> list[TestCase]:
    return [c for c in cases if c.flow in variant.flows]


def _fair(
    iut: Implementation, kind: str, name: str, choice: str, cases: list[TestCase]
) -> Iterator[SelftestResult]:
    info = iut.describe()
    for case in cases:
        r = run_case(case, iut, info, SELFTEST_PARAMETERS)
        yield SelftestResult(
            kind,
            name,
            choice,
            case.id,
            r.verdict.value,
            r.step,
            r.reason,
            r.verdict in _FAIR,
            "pass",
            case.role.value,
        )


def _missing(kind: str, name: str, defect: str, case: str) -> SelftestResult:
    reason = "the case written for it is not selected"
    return SelftestResult(kind, name, defect, case, "missing", None, reason, False)


def _mutant(spec: MutantSpec, case: TestCase | None) -> SelftestResult:
    expected = f"{'/'.join(spec.caught_by)} at step {spec.step}"
    if case is None:
        return _missing("mutant", spec.name, spec.defect, spec.case)
    mutant = spec.make()
    r = run_case(case, mutant, mutant.describe(), SELFTEST_PARAMETERS)
    caught = r.verdict.value in spec.caught_by and r.step == spec.step
    return SelftestResult(
        "mutant",
        spec.name,
        spec.defect,
        case.id,
        r.verdict.value,
        r.step,
        r.reason,
        caught,
        expected,
        case.role.value,
    )


def broken_harness_result(spec: BrokenHarness, case: TestCase | None) -> SelftestResult:
    """Run the case written for a broken harness; a failed handshake is its error verdict."""
    expected = spec.caught_by + (f" at step {spec.step}" if spec.step else "")
    if case is None:
        return _missing("harness", spec.name, spec.defect, spec.case)
    try:
        iut = StdioImplementation(spec.argv(), start_timeout_s=5.0, reply_timeout_s=5.0)
    except HarnessError as error:
        caught = spec.caught_by == "error" and spec.step is None
        return SelftestResult(
            "harness",
            spec.name,
            spec.defect,
            case.id,
            "error",
            None,
            str(error),
            caught,
            expected,
            case.role.value,
        )
    try:
        r = run_case(case, iut, iut.describe(), HARNESS_PARAMETERS)
    finally:
        iut.stop()
    caught = r.verdict.value == spec.caught_by and r.step == spec.step
    return SelftestResult(
        "harness",
        spec.name,
        spec.defect,
        case.id,
        r.verdict.value,
        r.step,
        r.reason,
        caught,
        expected,
        case.role.value,
    )


@dataclass(frozen=True)
class Summary:
    """The two directions, counted: implementations, not case runs."""

    mutants: int
    mutants_caught: int
    variants: int
    variants_passed: int
    variant_runs: int
    by_role: dict[str, Summary] | None = None
    """The same counts over the cases of each side (UE, NETWORK): a variant counts for a
    side when it ran cases of that side, a mutant for the side of the case written for it."""

    def to_dict(self) -> dict[str, Any]:
        counts: dict[str, Any] = {
            "mutants": self.mutants,
            "mutantsCaught": self.mutants_caught,
            "legalVariants": self.variants,
            "legalVariantsPassed": self.variants_passed,
            "legalVariantCaseRuns": self.variant_runs,
        }
        if self.by_role is not None:
            counts["byRole"] = {role: s.to_dict() for role, s in self.by_role.items()}
        return counts


ROLES = ("NETWORK", "UE")


def summarize(results: list[SelftestResult]) -> Summary:
    """The counts, overall and per side the implementations played."""
    whole = _counts(results)
    by_role = {role: _counts([r for r in results if r.role == role]) for role in ROLES}
    return Summary(
        whole.mutants,
        whole.mutants_caught,
        whole.variants,
        whole.variants_passed,
        whole.variant_runs,
        by_role,
    )


def _counts(results: list[SelftestResult]) -> Summary:
    sharp = [r for r in results if r.kind in ("mutant", "harness")]
    fair = [r for r in results if r.kind in ("reference", "variant")]
    names = sorted({(r.kind, r.name) for r in fair})
    passed = [n for n in names if all(r.as_expected for r in fair if (r.kind, r.name) == n)]
    return Summary(
        len(sharp), sum(r.as_expected for r in sharp), len(names), len(passed), len(fair)
    )
