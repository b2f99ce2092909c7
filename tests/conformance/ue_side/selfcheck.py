"""What the self-test asks of every UE workflow, one function each: the reference UE passes
a case, a mutant is caught at its step, a legal variant passes every case it is given."""

from __future__ import annotations

from ts26927.bindings.reference import ReferenceImplementation
from ts26927.conformance.case import TestCase
from ts26927.conformance.mutants import MutantSpec
from ts26927.conformance.runner import RunParameters, run_case
from ts26927.conformance.selftest import SelftestResult, _fair, _mutant
from ts26927.conformance.variants import VariantSpec
from ts26927.conformance.verdict import CaseResult

#: A busy machine must not turn a slow reference into a timeout.
PATIENT = RunParameters(timeout_multiplier=10.0)


def reference_passes(case: TestCase) -> CaseResult:
    iut = ReferenceImplementation()
    result = run_case(case, iut, iut.describe(), PATIENT)
    assert result.verdict.value == "pass", (case.id, result.step, result.reason)
    assert result.role == "UE"
    return result


def mutant_caught(spec: MutantSpec, case: TestCase) -> None:
    result = _mutant(spec, case)
    assert result.as_expected, (result.verdict, result.step, result.reason)


def variant_passes(spec: VariantSpec, cases: list[TestCase]) -> list[SelftestResult]:
    results = list(_fair(spec.make(), "variant", spec.name, spec.choice, cases))
    assert all(r.as_expected for r in results), [
        (r.case, r.verdict, r.step, r.reason) for r in results if not r.as_expected
    ]
    return results
