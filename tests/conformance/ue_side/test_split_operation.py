"""The UE side of the split AI/ML operation procedure in the self-test: its cases pass
against the reference UE, every UE mutant is caught by the case written for it at its step,
and every legal UE variant passes every case of the workflow. Also the test system's
network-side builders and their bad paths."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import onnx
import pytest

from ts26927.bindings.attachments import bytes_to_array
from ts26927.conformance.builders.registry import build
from ts26927.conformance.case import TestCase
from ts26927.conformance.context import (
    CaseContext,
    CaseDataError,
    CaseInconclusive,
    IutDataFault,
    Record,
)
from ts26927.conformance.mutants import MutantSpec
from ts26927.conformance.suite import load_suite
from ts26927.conformance.truth import truth
from ts26927.conformance.ue_side import MUTANTS, VARIANTS
from ts26927.conformance.ue_side.split_operation import FLOW
from ts26927.conformance.ue_side.split_operation import MUTANTS as OPERATION_MUTANTS
from ts26927.conformance.ue_side.split_operation import VARIANTS as OPERATION_VARIANTS
from ts26927.conformance.variants import VariantSpec
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.split.service import digits_service
from ts26927.models.intermediate_data import DataDirection

from .selfcheck import mutant_caught, reference_passes, variant_passes

UE_CASES = tuple(f"5.3.5-split-operation-{n:03d}" for n in range(4, 10))


@cache
def _cases() -> dict[str, TestCase]:
    digits_service()  # built once, outside any timed call
    return {c.id: c for c in load_suite() if c.flow == FLOW}


def test_they_are_registered_with_the_ue_side() -> None:
    assert set(OPERATION_MUTANTS) <= set(MUTANTS)
    assert set(OPERATION_VARIANTS) <= set(VARIANTS)
    assert {m.case for m in OPERATION_MUTANTS} == set(UE_CASES)
    assert all(_cases()[c].role == "UE" for c in UE_CASES)


@pytest.mark.parametrize("case_id", UE_CASES)
def test_the_reference_ue_passes(case_id: str) -> None:
    reference_passes(_cases()[case_id])


@pytest.mark.parametrize("spec", OPERATION_MUTANTS, ids=lambda s: s.name)
def test_each_mutant_is_caught_at_its_step(spec: MutantSpec) -> None:
    mutant_caught(spec, _cases()[spec.case])


@pytest.mark.parametrize("spec", OPERATION_VARIANTS, ids=lambda s: s.name)
def test_each_variant_passes_every_case_of_the_workflow(spec: VariantSpec) -> None:
    results = variant_passes(spec, list(_cases().values()))
    assert {r.case for r in results} >= set(UE_CASES)


# -- the builders ----------------------------------------------------------------------------
def _ctx(reported: list[str] | None = None, **params: Any) -> CaseContext:
    """A run up to the UE's capabilities (3): it reported ``reported``."""
    ctx = CaseContext("c", "UE", {"model": "digits", "sample": 6, **params}, flow="split-operation")
    capabilities = {"endpointType": "UE"}
    if reported is not None:
        capabilities["supportedCompressionAlgorithms"] = reported  # type: ignore[assignment]
    ctx.records.append(Record("3", "IUT", {"capabilityInformation": capabilities}, {}))
    for step in ("5", "6"):
        builder = {"5": "negotiation", "6": "acknowledgement"}[step]
        message, attachments = build(f"network-operation/{builder}", ctx)
        ctx.records.append(Record(step, "TS", message, attachments))
    return ctx


def test_the_codec_is_the_first_the_ue_reported() -> None:
    ack = _ctx(["NONE", "ZSTD"], codecs="INT8+ZSTD,ZSTD").message("6")
    assert ack["intermediateDataInformation"]["compressionAlgorithms"] == ["ZSTD"]
    assert _ctx(None, codecs="ZSTD,NONE").message("6")["intermediateDataInformation"][
        "compressionAlgorithms"
    ] == ["NONE"]
    with pytest.raises(CaseInconclusive, match="none of the codec chains"):
        _ctx(["NONE"], codecs="INT8")


def test_the_unreported_codec_is_one_the_ue_did_not_report() -> None:
    ctx = _ctx(["NONE", "INT8"], codecs="NONE")
    message, _ = build("network-operation/acknowledgement-unreported-codec", ctx)
    assert message is not None
    assert message["intermediateDataInformation"]["compressionAlgorithms"] == ["FLOAT16"]
    everything = ["NONE", "INT8", "FLOAT16", "ZSTD", "LZ4", "SNAPPY"]
    with pytest.raises(CaseInconclusive, match="reported every codec"):
        build("network-operation/acknowledgement-unreported-codec", _ctx(everything))


def test_a_split_point_after_an_unknown_node_is_the_case_s_error() -> None:
    with pytest.raises(CaseDataError, match="no split point after 'softmax'"):
        _ctx(None, splitPoints="softmax")


def test_the_model_data_is_whole_or_the_ue_s_sub_model() -> None:
    whole = build("network-operation/model-pipeline", _ctx(None))[1]["model"]
    subset = build("network-operation/model-pipeline", _ctx(None, modelData="subset"))[1]["model"]
    assert [o.name for o in onnx.load_from_string(whole).graph.output] == ["probabilities"]
    assert [o.name for o in onnx.load_from_string(subset).graph.output] == ["relu1"]


def test_a_result_needs_a_unit_the_network_can_process() -> None:
    ctx = _ctx(None)
    ctx.records.append(Record("14", "IUT", {"sequenceNumber": 0}, {"unit": b"TSID garbage"}))
    with pytest.raises(IutDataFault, match="the UE's unit cannot be processed"):
        build("network-operation/result", ctx)


def test_the_misbehaving_network_names_points_outside_the_session() -> None:
    ctx = _ctx(None, splitPoints="relu1,relu2")
    message, _ = build("network-operation/split-update-not-negotiated", ctx)
    assert message is not None
    assert message["splitPointInformation"]["splitPointName"] not in ("relu1", "relu2")
    every = "scale_pixels,dense1,relu1,dense2,relu2,dense3"
    with pytest.raises(CaseDataError, match="every split point of the model was negotiated"):
        build("network-operation/split-update-not-negotiated", _ctx(None, splitPoints=every))


def test_the_other_cut_model_data_ends_elsewhere() -> None:
    ctx = _ctx(None, splitPoints="relu2")
    _, attachments = build("network-operation/model-pipeline-other-cut", ctx)
    outputs = [o.name for o in onnx.load_from_string(attachments["model"]).graph.output]
    assert outputs and outputs != ["relu2"]


def test_a_stale_result_names_another_negotiated_point_or_none() -> None:
    model = truth("digits")
    cut = model.cut_at_node("relu1")
    data = model.unit(cut, CodecChain.parse("NONE"), 6, DataDirection.UPSTREAM).to_bytes()
    ctx = _ctx(None, splitPoints="relu1,relu2")
    ctx.records.append(Record("14", "IUT", {"sequenceNumber": 3}, {"unit": data}))
    message, attachments = build("network-operation/result-other-split-point", ctx)
    assert message is not None and message["splitPointIdentifier"] == "after-relu2"
    assert message["sequenceNumber"] == 3
    np.testing.assert_allclose(bytes_to_array(attachments["output"]), model.whole(6), rtol=1e-5)
    alone = _ctx(None, splitPoints="relu1")
    alone.records.append(Record("14", "IUT", {"sequenceNumber": 0}, {"unit": data}))
    message, _ = build("network-operation/result-other-split-point", alone)
    assert message is not None and message["splitPointIdentifier"] == "not-a-split-point"
