"""The UE side of AI/ML model distribution in the self-test: its cases pass against the
reference UE, every UE mutant is caught by the case written for it at its step, and the
legal UE variant passes every case of the workflow. Also the test system's builders."""

from __future__ import annotations

from functools import cache

import pytest

from ts26927.conformance.builders.registry import build
from ts26927.conformance.case import TestCase
from ts26927.conformance.context import CaseContext
from ts26927.conformance.mutants import MutantSpec
from ts26927.conformance.suite import load_suite
from ts26927.conformance.truth import truth
from ts26927.conformance.ue_side import MUTANTS, VARIANTS
from ts26927.conformance.ue_side.model_distribution import FLOW
from ts26927.conformance.ue_side.model_distribution import MUTANTS as DISTRIBUTION_MUTANTS
from ts26927.conformance.ue_side.model_distribution import VARIANTS as DISTRIBUTION_VARIANTS
from ts26927.conformance.variants import VariantSpec
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.split.service import digits_service

from .selfcheck import mutant_caught, reference_passes, variant_passes

UE_CASES = tuple(f"5.3.6-model-distribution-{n:03d}" for n in range(4, 8))


@cache
def _cases() -> dict[str, TestCase]:
    digits_service()  # built once, outside any timed call
    return {c.id: c for c in load_suite() if c.flow == FLOW}


def test_they_are_registered_with_the_ue_side() -> None:
    assert set(DISTRIBUTION_MUTANTS) <= set(MUTANTS)
    assert set(DISTRIBUTION_VARIANTS) <= set(VARIANTS)
    assert {m.case for m in DISTRIBUTION_MUTANTS} <= set(UE_CASES)
    assert all(_cases()[c].role == "UE" for c in UE_CASES)


@pytest.mark.parametrize("case_id", UE_CASES)
def test_the_reference_ue_passes(case_id: str) -> None:
    reference_passes(_cases()[case_id])


@pytest.mark.parametrize("spec", DISTRIBUTION_MUTANTS, ids=lambda s: s.name)
def test_each_mutant_is_caught_at_its_step(spec: MutantSpec) -> None:
    mutant_caught(spec, _cases()[spec.case])


@pytest.mark.parametrize("spec", DISTRIBUTION_VARIANTS, ids=lambda s: s.name)
def test_each_variant_passes_every_case_of_the_workflow(spec: VariantSpec) -> None:
    results = variant_passes(spec, list(_cases().values()))
    assert {r.case for r in results} >= set(UE_CASES)


def test_the_builders_announce_the_fixture_and_deliver_it_unannounced() -> None:
    ctx = CaseContext("c", "UE", {"model": "digits"}, flow=FLOW)
    access, _ = build("network-distribution/access", ctx)
    assert access is not None
    assert [m["modelIdentifier"] for m in access["aiModels"]] == ["digits"]
    message, attachments = build("network-distribution/delivery-unannounced", ctx)
    assert message is not None and message["modelIdentifier"] == "digits-unannounced"
    assert attachments["model"] == truth("digits").fixture.data
    assert message["sha256"] == sha256(attachments["model"])
