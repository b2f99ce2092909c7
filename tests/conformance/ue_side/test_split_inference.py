"""The UE side of split inference in the self-test: its cases pass against the reference
UE, every UE mutant is caught by the case written for it at its step, every legal UE
variant passes every UE case of the workflows. Also the test system's network-side
builders: a decision the UE can run, the ones beyond it, and the units it misframes on
purpose."""

from __future__ import annotations

from functools import cache

import pytest

from ts26927.conformance.builders.registry import build
from ts26927.conformance.builders.ue_split_inference import beyond_ue, decision, options
from ts26927.conformance.case import TestCase
from ts26927.conformance.context import CaseContext, CaseDataError, IutDataFault, Record
from ts26927.conformance.fixtures.profiles import SERVICE_REQUIREMENTS, UE_CAPABILITIES
from ts26927.conformance.suite import load_suite
from ts26927.conformance.ue_side import MUTANTS, VARIANTS
from ts26927.conformance.ue_side.split_inference import FLOWS
from ts26927.conformance.ue_side.split_inference import MUTANTS as SPLIT_MUTANTS
from ts26927.conformance.ue_side.split_inference import VARIANTS as SPLIT_VARIANTS
from ts26927.engine.split.service import digits_service
from ts26927.engine.split.unit import decode_unit
from ts26927.errors import Ts26927Error

from .selfcheck import mutant_caught, reference_passes, variant_passes

UE_CASES = (
    "5.2.3.2-split-inference-013",
    "5.2.3.2-split-inference-014",
    "5.2.3.2-split-inference-015",
    "5.2.3.2-split-inference-016",
    "5.2.3.2-split-inference-017",
    "5.2.3.2-split-inference-018",
    "5.2.3.2-split-inference-019",
    "5.2.3.2-split-inference-ue-source-003",
    "5.2.3.2-split-inference-network-source-002",
    "5.2.3.2-split-inference-network-source-003",
)


@cache
def _cases() -> dict[str, TestCase]:
    digits_service()  # built once, outside any timed call
    return {c.id: c for c in load_suite() if c.flow in FLOWS and c.role.value == "UE"}


def test_the_cases_are_the_ue_cases_of_the_workflows() -> None:
    assert set(_cases()) == set(UE_CASES)
    assert {m.case for m in SPLIT_MUTANTS} <= set(UE_CASES)


def test_they_are_registered_with_the_ue_side() -> None:
    assert set(SPLIT_MUTANTS) <= set(MUTANTS)
    assert set(SPLIT_VARIANTS) <= set(VARIANTS)


@pytest.mark.parametrize("case_id", UE_CASES)
def test_each_case_states_the_fixtures_it_sets_the_ue_up_with(case_id: str) -> None:
    case = _cases()[case_id]
    params = case.preamble.params
    assert params["ueCapabilities"] == UE_CAPABILITIES[case.fixtures["ueCapabilities"]][1]
    service = SERVICE_REQUIREMENTS[case.fixtures["serviceRequirements"]][1]
    assert params["serviceRequirements"] == service


@pytest.mark.parametrize("case_id", UE_CASES)
def test_the_reference_ue_passes(case_id: str) -> None:
    reference_passes(_cases()[case_id])


@pytest.mark.parametrize("spec", SPLIT_MUTANTS, ids=lambda s: s.name)
def test_each_mutant_is_caught_at_its_step(spec) -> None:
    mutant_caught(spec, _cases()[spec.case])


@pytest.mark.parametrize("variant", SPLIT_VARIANTS, ids=lambda v: v.name)
def test_each_variant_passes_every_ue_case(variant) -> None:
    cases = [c for c in _cases().values() if c.flow in variant.flows]
    assert len(variant_passes(variant, cases)) == len(UE_CASES)


# -- the test system's network ------------------------------------------------------------
def _ctx(case_id: str, *records: Record) -> CaseContext:
    case = _cases()[case_id]
    return CaseContext(
        case.id,
        "UE",
        case.preamble.params,
        flow=case.flow,
        fixtures=case.fixtures,
        records=list(records),
    )


def test_the_decision_fits_the_ue_and_the_others_do_not() -> None:
    ctx = _ctx("5.2.3.2-split-inference-013")  # 20 KB for the model, INT8 but no ZSTD
    chosen = decision(ctx)
    assert chosen.feasible
    assert chosen.agreement.chain.name == "INT8"
    assert chosen.agreement.cut.names == ("relu1",)
    beyond = beyond_ue(ctx)
    assert beyond and not any(o.feasible for o in beyond)
    assert all("needs at least" in p for p in beyond[0].problems)
    assert len(options(ctx)) == 6 * 5  # every cut after a node but the last, every chain


def test_the_decision_follows_what_the_ue_announced() -> None:
    announced = {**UE_CAPABILITIES["ue-digits-low-memory"][1]}
    announced["supportedCompressionAlgorithms"] = ["NONE"]
    request = Record("2a", "IUT", {"sessionId": "s", "ueCapabilityInformation": announced}, {})
    chosen = decision(_ctx("5.2.3.2-split-inference-013", request))
    assert chosen.agreement.chain.name == "NONE"


def test_the_misframed_units_are_what_they_say() -> None:
    case = _cases()["5.2.3.2-split-inference-019"]
    ctx = _ctx(case.id)
    decided, _ = build("split-network/decision", ctx)
    ctx.records.append(Record("7a", "TS", decided, {}))
    _, good = build("split-network/unit", ctx)
    assert decode_unit(good["unit"]).tensors
    _, corrupt = build("split-network/unit-corrupt", ctx)
    assert len(corrupt["unit"]) == len(good["unit"])
    with pytest.raises(Ts26927Error):
        decode_unit(corrupt["unit"])
    message, other = build("split-network/unit-other-codec", ctx)
    header = decode_unit(other["unit"]).header.intermediate_data_information
    assert [str(a) for a in header.compression_algorithms or []] == ["FLOAT16"]
    assert message["compressionAlgorithms"] == ["FLOAT16"]


def test_what_the_ue_sent_wrongly_is_its_fault() -> None:
    bad = Record("2a", "IUT", {"sessionId": "s", "ueCapabilityInformation": {"memory": "x"}}, {})
    with pytest.raises(IutDataFault, match="not endpoint capability information"):
        decision(_ctx("5.2.3.2-split-inference-013", bad))
    selection = Record("6b", "IUT", {"sessionId": "s", "selected": {}}, {})
    with pytest.raises(IutDataFault, match="names no split point"):
        build("split-network/allocation-selected", _ctx("5.2.3.2-split-inference-014", selection))
    ctx = _ctx("5.2.3.2-split-inference-013")
    decided, _ = build("split-network/decision", ctx)
    ctx.records.append(Record("7a", "TS", decided, {}))
    ctx.records.append(Record("18b", "IUT", {"sequenceNumber": 0}, {}))
    with pytest.raises(IutDataFault, match="no 'unit' attachment"):
        build("split-network/output", ctx)
    ctx.records.append(Record("18b", "IUT", {"sequenceNumber": 0}, {"unit": b"TSID junk"}))
    with pytest.raises(IutDataFault, match="cannot use the UE's unit"):
        build("split-network/output", ctx)


def test_a_case_whose_ue_fits_nothing_or_everything_is_the_suites_fault() -> None:
    tiny = {**UE_CAPABILITIES["ue-digits-low-memory"][1]}
    tiny["processingCapabilities"] = {**tiny["processingCapabilities"], "memory": 1e-6}
    request = Record("2a", "IUT", {"sessionId": "s", "ueCapabilityInformation": tiny}, {})
    with pytest.raises(CaseDataError, match="no configuration is feasible"):
        decision(_ctx("5.2.3.2-split-inference-013", request))
    huge = {**UE_CAPABILITIES["ue-ample"][1]}
    huge["supportedCompressionAlgorithms"] = ["NONE", "ZSTD", "LZ4", "FLOAT16", "INT8"]
    request = Record("2a", "IUT", {"sessionId": "s", "ueCapabilityInformation": huge}, {})
    with pytest.raises(CaseDataError, match="every configuration fits the UE"):
        beyond_ue(_ctx("5.2.3.2-split-inference-014", request))
