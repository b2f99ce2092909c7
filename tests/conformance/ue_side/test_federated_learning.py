"""The UE-side federated learning cases, both ways: the reference UE passes every one, each
UE mutant is caught by the case written for it at its step, each legal UE variant passes
every UE case of the workflow — and the test system's builders refuse a case that lacks
what they build from."""

from __future__ import annotations

from functools import cache

import pytest

from ts26927.conformance.builders import build
from ts26927.conformance.case import TestCase
from ts26927.conformance.context import CaseContext, CaseDataError
from ts26927.conformance.runner import RunParameters
from ts26927.conformance.suite import load_suite
from ts26927.conformance.ue_side import MUTANTS, VARIANTS
from ts26927.conformance.ue_side import federated_learning as fl

from .selfcheck import mutant_caught, reference_passes, variant_passes

#: A busy machine must not turn a slow reference into a timeout.
PATIENT = RunParameters(timeout_multiplier=10.0)


@cache
def _cases() -> dict[str, TestCase]:
    return {c.id: c for c in load_suite() if c.flow == fl.FLOW and c.role == "UE"}


def _ids() -> list[str]:
    return sorted(_cases())


def test_every_ue_step_of_the_workflow_has_a_ue_case() -> None:
    steps = {s.step for c in _cases().values() for s in c.steps if s.by == "IUT"}
    assert steps == {"1", "8", "9", "10", "13", "14", "15"}
    refused = {s.step for c in _cases().values() for s in c.steps if s.expect_refusal}
    assert refused == {"5", "7", "12"}


@pytest.mark.parametrize("case_id", _ids())
def test_the_reference_ue_passes(case_id: str) -> None:
    reference_passes(_cases()[case_id])


def test_the_mutants_and_variants_are_registered() -> None:
    assert set(fl.MUTANTS) <= set(MUTANTS) and set(fl.VARIANTS) <= set(VARIANTS)


@pytest.mark.parametrize("spec", fl.MUTANTS, ids=lambda s: s.name)
def test_each_mutant_is_caught_at_its_step(spec: fl.MutantSpec) -> None:
    mutant_caught(spec, _cases()[spec.case])


@pytest.mark.parametrize("variant", fl.VARIANTS, ids=lambda v: v.name)
def test_each_variant_passes_every_ue_case(variant: fl.VariantSpec) -> None:
    assert len(variant_passes(variant, [_cases()[case_id] for case_id in _ids()])) == len(_ids())


@pytest.mark.parametrize(
    ("name", "params", "reason"),
    [
        ("fl-network/criteria", {}, "names no localData"),
        ("fl-network/training-request", {"localData": {"part": 0}}, "no global model was sent"),
    ],
)
def test_builders_refuse_a_case_without_what_they_build_from(
    name: str, params: dict, reason: str
) -> None:
    with pytest.raises(CaseDataError, match=reason):
        build(name, CaseContext("c", "UE", params))
