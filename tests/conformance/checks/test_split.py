"""The split inference checks, each called on its own: the records are the reference's own
(from real runs of the cases on the digits model), altered one defect at a time; the
truth they are held against is the model fixture's own cut."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import onnx
import pytest

from ts26927.bindings.attachments import array_to_bytes, bytes_to_array
from ts26927.conformance.agreement import (
    configuration,
    direction,
    model_truth,
    sample_index,
    ue_first,
)
from ts26927.conformance.checks import CheckFailed
from ts26927.conformance.context import CaseContext, Record
from ts26927.conformance.feasibility import Bounds, bounds
from ts26927.conformance.fixtures import profiles
from ts26927.conformance.truth import truth
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.split.unit import decode_unit, encode_unit
from ts26927.models.units import BYTES_PER_KB, BYTES_PER_MB

from .recorded import Seen, seen

DECIDED = "5.2.3.2-split-inference-001"  # the network decides (7a), UE first
OFFERED = "5.2.3.2-split-inference-002"  # the network offers candidates (4b)
NETWORK_FIRST = "5.2.3.2-split-inference-003"  # the network sends the unit (18a)
BASIC = "5.2.3.2-split-inference-ue-source-001"
BASIC_NETWORK = "5.2.3.2-split-inference-network-source-001"
OPERATION = "5.3.5-split-operation-001"

# The documented tolerances, written out: a test that read them from the modules would
# move with them.
ACCURACY_TOLERANCE = 1.0  # points of %
FLOP_SLACK = 2.0
FRAMING_ALLOWANCE = 1024  # bytes
MEMORY_TOLERANCE = 0.1


def _fails(check: Seen, ctx: CaseContext, reason: str) -> None:
    with pytest.raises(CheckFailed, match=reason):
        check.run(ctx)


def _information(record: Record) -> dict[str, Any]:
    return record.message["intermediateDataInformation"]  # type: ignore[index]


def _ue_fixture(monkeypatch: pytest.MonkeyPatch, memory_mb: float) -> str:
    description, ue = profiles.UE_CAPABILITIES["ue-ample"]
    changed = {
        **ue,
        "processingCapabilities": {**ue["processingCapabilities"], "memory": memory_mb},
    }
    monkeypatch.setitem(profiles.UE_CAPABILITIES, "ue-test", (description, changed))
    return "ue-test"


def _service_fixture(monkeypatch: pytest.MonkeyPatch, **changes: Any) -> str:
    description, service = profiles.SERVICE_REQUIREMENTS["service-digits"]
    changed = {k: v for k, v in {**service, **changes}.items() if v is not None}
    monkeypatch.setitem(profiles.SERVICE_REQUIREMENTS, "service-test", (description, changed))
    return "service-test"


def _model(record: Record, edit: Callable[[onnx.ModelProto], None]) -> None:
    """The record's UE sub-model, edited, under its true size and SHA-256."""
    model = onnx.load_from_string(record.attachments["model"])
    edit(model)
    data = model.SerializeToString()
    record.attachments["model"] = data
    record.message = {**(record.message or {}), "size": len(data), "sha256": sha256(data)}


def _rename_outputs(model: onnx.ModelProto) -> None:
    renames = {o.name: f"{o.name}_renamed" for o in model.graph.output}
    for node in model.graph.node:
        node.output[:] = [renames.get(n, n) for n in node.output]
    for value in model.graph.output:
        value.name = renames[value.name]


def _rename_input(model: onnx.ModelProto) -> None:
    old = model.graph.input[0].name
    model.graph.input[0].name = "image"
    for node in model.graph.node:
        node.input[:] = ["image" if n == old else n for n in node.input]


def _scale_weights(model: onnx.ModelProto) -> None:
    weights = max(model.graph.initializer, key=lambda t: len(t.raw_data))
    scaled = (onnx.numpy_helper.to_array(weights) * 1.5).astype(np.float32)
    weights.CopyFrom(onnx.numpy_helper.from_array(scaled, weights.name))


def _sigmoid_for_softmax(model: onnx.ModelProto) -> None:
    (node,) = [n for n in model.graph.node if n.op_type == "Softmax"]
    node.op_type = "Sigmoid"
    del node.attribute[:]


# -- split-configuration -----------------------------------------------------------------
def _decided() -> Seen:
    return seen(DECIDED, "split-configuration", "7a")


@pytest.mark.parametrize(
    ("case", "step"), [(DECIDED, "7a"), (NETWORK_FIRST, "7a"), (BASIC, "10"), (OPERATION, "6")]
)
def test_the_reference_s_configurations_pass(case: str, step: str) -> None:
    check = seen(case, "split-configuration", step)
    check.run(check.fresh()[0])


def test_tensors_that_do_not_cut_the_model_fail() -> None:
    check = _decided()
    ctx, record = check.fresh()
    _information(record)["tensors"][0]["name"] = "no-such-tensor"
    _fails(check, ctx, r"split point '6' \(tensors \['no-such-tensor'\]\) is not a split point")


def test_the_other_direction_fails() -> None:
    check = _decided()
    ctx, record = check.fresh()
    _information(record)["dataDirection"] = "DOWNSTREAM"
    _fails(check, ctx, "dataDirection is DOWNSTREAM, the topology needs UPSTREAM")


def test_a_wrong_tensor_description_fails() -> None:
    check = _decided()
    ctx, record = check.fresh()
    _information(record)["tensors"][0]["tensorElementDataType"] = "FLOAT16"
    _fails(check, ctx, "it describes the tensors as .*FLOAT16.*; at that cut they are")


@pytest.mark.parametrize(
    ("kb", "passes"),
    [(0.04, True), (0.049, True), (0.031, True), (0.051, False), (0.029, False), (0.16, False)],
)
def test_the_announced_raw_size_within_ten_bytes(kb: float, passes: bool) -> None:
    # dense3 holds 40 bytes: 1 % of it is under the 0.01 KB floor, which applies.
    check = _decided()
    ctx, record = check.fresh()
    record.message["splitPointInformation"]["splitPointIntermediateDataSize"] = kb  # type: ignore[index]
    if passes:
        check.run(ctx)
    else:
        _fails(check, ctx, f"splitPointIntermediateDataSize {kb} KB; the tensors hold 0.04 KB")


@pytest.mark.parametrize(("kb", "passes"), [(0.265, True), (0.276, False)])
def test_the_raw_size_floor_holds_for_the_largest_digits_tensor(kb: float, passes: bool) -> None:
    # 64 floats, 0.256 KB: 1 % of it (0.00256 KB) is still under the 0.01 KB floor.
    check = _decided()
    ctx, record = check.fresh()
    _information(record)["tensors"] = [
        {"name": "scaled", "tensorShape": [1, 64], "tensorElementDataType": "FLOAT"}
    ]
    record.message["splitPointInformation"]["splitPointIntermediateDataSize"] = kb  # type: ignore[index]
    if passes:
        check.run(ctx)
    else:
        _fails(check, ctx, f"splitPointIntermediateDataSize {kb} KB; the tensors hold 0.256 KB")


def test_a_codec_the_ue_lacks_fails() -> None:
    check = _decided()
    ctx, record = check.fresh()
    _information(record)["compressionAlgorithms"] = ["INT8"]  # ue-ample: NONE and ZSTD
    _fails(check, ctx, "the UE does not support INT8")
    _information(record)["compressionAlgorithms"] = ["FLOAT16", "LZ4"]
    _fails(check, ctx, "the UE does not support FLOAT16, LZ4")


def test_a_codec_the_ue_declares_passes() -> None:
    check = _decided()
    ctx, record = check.fresh()
    _information(record)["compressionAlgorithms"] = ["ZSTD"]
    check.run(ctx)


def test_a_configuration_beyond_the_ue_memory_fails() -> None:
    check = _decided()
    ctx, _ = check.fresh(fixtures={"ueCapabilities": "ue-digits-low-memory"})
    _fails(check, ctx, r"the UE's sub-model needs at least 0.02654 MB .* the UE has 0.02 MB")


def test_a_configuration_beyond_the_latency_budget_fails() -> None:
    check = _decided()
    ctx, _ = check.fresh(
        fixtures={"ueCapabilities": "ue-digits-slow", "serviceRequirements": "service-digits-fast"}
    )
    _fails(check, ctx, r"at least 66 ms \(UE inference >= 65.97 ms, .*\) exceeds the 20 ms budget")


def test_a_configuration_below_the_accuracy_floor_fails() -> None:
    check = _decided()
    ctx, _ = check.fresh(fixtures={"serviceRequirements": "service-digits-unreachable-accuracy"})
    _fails(check, ctx, "accuracy measured on the held-out set is 97.56 %, below the 99.9 % floor")


@pytest.mark.parametrize(("above", "passes"), [(0.9, True), (1.1, False)])
def test_the_accuracy_floor_allows_a_point(
    monkeypatch: pytest.MonkeyPatch, above: float, passes: bool
) -> None:
    measured = truth("digits").accuracy(None, CodecChain.parse("NONE"))
    assert measured is not None
    service = _service_fixture(
        monkeypatch, minimumServiceInferenceAccuracy=measured + above * ACCURACY_TOLERANCE
    )
    check = _decided()
    ctx, _ = check.fresh(fixtures={"serviceRequirements": service})
    if passes:
        check.run(ctx)
    else:
        _fails(check, ctx, "below the")


def test_several_problems_are_all_reported() -> None:
    check = _decided()
    ctx, record = check.fresh(fixtures={"ueCapabilities": "ue-digits-low-memory"})
    _information(record)["dataDirection"] = "DOWNSTREAM"
    _fails(check, ctx, "dataDirection is DOWNSTREAM.*; the UE's sub-model needs at least")


def test_an_unjudged_accuracy_floor_is_noted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(truth("digits"), "accuracy", lambda cut, chain: None)
    check = _decided()
    ctx, _ = check.fresh()
    check.run(ctx)
    assert ctx.notes == ["digits has no labelled data: the accuracy floor was not judged"]


def test_a_basic_session_must_carry_the_delivered_sub_model_s_boundary() -> None:
    check = seen(BASIC, "split-configuration", "10")
    ctx, record = check.fresh()
    _information(record)["tensors"] = [
        {"name": "relu1", "tensorShape": [1, 64], "tensorElementDataType": "FLOAT"}
    ]
    _fails(
        check,
        ctx,
        r"the session carries \['relu1'\]; the UE's sub-model delivered at step 6 meets the "
        r"network's at \['scaled'\]",
    )


def test_a_basic_session_is_held_against_the_ue() -> None:
    check = seen(BASIC, "split-configuration", "10")
    ctx, record = check.fresh(fixtures={"ueCapabilities": "ue-ample"})
    assert _information(record)["compressionAlgorithms"] == ["INT8"]
    _fails(check, ctx, "the UE does not support INT8")  # the ample UE declares no INT8


# -- split-candidates --------------------------------------------------------------------
def _offered() -> Seen:
    return seen(OFFERED, "split-candidates", "4b")


def _candidate(ctx: CaseContext, index: int = 0) -> dict[str, Any]:
    return ctx.records[-1].message["candidates"][index]  # type: ignore[index]


def _limits(ctx: CaseContext, candidate: dict[str, Any]) -> Bounds:
    """The lower bounds the check holds the candidate's figures against."""
    agreement = configuration(
        ctx, "4b", candidate["splitPointInformation"], candidate["intermediateDataInformation"]
    )
    index = sample_index(ctx)
    unit = model_truth(ctx).unit(agreement.cut, agreement.chain, index, direction(ctx))
    coded = sum(p.payload_length for p in unit.header.payloads)
    ue = profiles.ue_capabilities(ctx.fixture("ueCapabilities"))
    return bounds(agreement.cut, agreement.chain, ue, ue_first(ctx), coded)


def _unit_bytes(ctx: CaseContext, candidate: dict[str, Any]) -> int:
    agreement = configuration(
        ctx, "4b", candidate["splitPointInformation"], candidate["intermediateDataInformation"]
    )
    index, point = sample_index(ctx), agreement.point
    return (
        model_truth(ctx).unit(agreement.cut, agreement.chain, index, direction(ctx), point).nbytes
    )


def test_the_reference_s_candidates_pass() -> None:
    check = _offered()
    ctx, record = check.fresh()
    assert len(record.message["candidates"]) > 1  # type: ignore[index]
    check.run(ctx)


def test_a_candidate_that_is_no_split_point_fails() -> None:
    check = _offered()
    ctx, _ = check.fresh()
    _candidate(ctx, 2)["intermediateDataInformation"]["tensors"][0]["name"] = "pixels"
    _fails(check, ctx, r"\(tensors \['pixels'\]\) is not a split point of model digits")


def test_an_infeasible_candidate_is_named() -> None:
    check = _offered()
    ctx, _ = check.fresh()
    _candidate(ctx, 3)["intermediateDataInformation"]["compressionAlgorithms"] = ["INT8"]
    _fails(check, ctx, r"candidates/3 \(5/NONE\): the UE does not support INT8")
    del _candidate(ctx, 3)["configurationIdentifier"]
    _fails(check, ctx, r"candidates/3 \(3\): the UE does not support INT8")


def test_another_topology_fails() -> None:
    check = _offered()
    ctx, _ = check.fresh()
    _candidate(ctx)["topology"] = "NETWORK_SOURCE"
    _fails(check, ctx, "topology NETWORK_SOURCE; the case's is UE_SOURCE_UE_FIRST")


def test_a_missing_accuracy_fails_under_a_floor_only(monkeypatch: pytest.MonkeyPatch) -> None:
    check = _offered()
    ctx, _ = check.fresh()
    del _candidate(ctx)["accuracy"]
    _fails(check, ctx, r"candidates/0 \(6/NONE\): accuracy is missing, and the service requires")
    service = _service_fixture(monkeypatch, minimumServiceInferenceAccuracy=None)
    ctx, _ = check.fresh(fixtures={"serviceRequirements": service})
    del _candidate(ctx)["accuracy"]
    check.run(ctx)


@pytest.mark.parametrize(("offset", "passes"), [(0.9, True), (-0.9, True),
                                                (1.1, False), (-1.1, False)])  # fmt: skip
def test_accuracy_within_a_point_of_the_measured(offset: float, passes: bool) -> None:
    check = _offered()
    ctx, _ = check.fresh()
    measured = truth("digits").accuracy(None, CodecChain.parse("NONE"))
    _candidate(ctx)["accuracy"] = measured + offset * ACCURACY_TOLERANCE  # type: ignore[operator]
    if passes:
        check.run(ctx)
    else:
        _fails(check, ctx, r"; measured on the held-out set 97\.56 %")


@pytest.mark.parametrize(("extra", "passes"), [(0.9, True), (-0.3, True), (1.1, False)])
def test_an_uncoded_size_within_the_framing_allowance(extra: float, passes: bool) -> None:
    # A digits unit is far smaller than 1024 bytes / 2 %: the framing allowance applies.
    check = _offered()
    ctx, _ = check.fresh()
    unit = _unit_bytes(ctx, _candidate(ctx))
    size = (unit + extra * FRAMING_ALLOWANCE) / BYTES_PER_KB
    _candidate(ctx)["intermediateDataSize"] = size
    if passes:
        check.run(ctx)
    else:
        _fails(check, ctx, f"intermediateDataSize {size} KB; a unit of this data is ")


def test_a_losslessly_coded_size_is_only_a_maximum() -> None:
    check = _offered()
    ctx, _ = check.fresh()
    candidate = _candidate(ctx, 1)
    assert candidate["intermediateDataInformation"]["compressionAlgorithms"] == ["ZSTD"]
    candidate["intermediateDataSize"] = 0.001  # a coder may do far better than ours
    check.run(ctx)
    assert ctx.notes == ["after a lossless coder, intermediateDataSize is checked as a maximum"]


@pytest.mark.parametrize(("extra", "passes"), [(0.9, True), (1.1, False)])
def test_a_losslessly_coded_size_cannot_exceed_the_uncoded_data(extra: float, passes: bool) -> None:
    check = _offered()
    ctx, _ = check.fresh()
    candidate = _candidate(ctx, 1)
    # Uncoded, a ZSTD unit of dense3 is the plain unit: its 40 bytes and the same framing.
    plain = _unit_bytes(ctx, _candidate(ctx, 0))
    size = (plain * 1.02 + extra * FRAMING_ALLOWANCE) / BYTES_PER_KB
    candidate["intermediateDataSize"] = size
    if passes:
        check.run(ctx)
    else:
        reason = (
            rf"candidates/1 \(6/ZSTD\): intermediateDataSize {size} KB exceeds this data uncoded"
        )
        _fails(check, ctx, reason)


def test_total_latency_is_mandatory_under_a_budget_only(monkeypatch: pytest.MonkeyPatch) -> None:
    check = _offered()
    ctx, _ = check.fresh()
    del _candidate(ctx)["totalLatency"]
    _fails(check, ctx, "totalLatency is missing, and the service has a latency budget")
    service = _service_fixture(monkeypatch, maximumServiceInferenceLatency=None)
    ctx, _ = check.fresh(fixtures={"serviceRequirements": service})
    del _candidate(ctx)["totalLatency"]
    check.run(ctx)


@pytest.mark.parametrize(("total", "passes"), [(50, True), (49.9, True), (50.5, False)])
def test_total_latency_within_the_budget(total: float, passes: bool) -> None:
    check = _offered()
    ctx, _ = check.fresh()
    _candidate(ctx)["totalLatency"] = total
    if passes:
        check.run(ctx)
    else:
        _fails(check, ctx, f"totalLatency {total} ms exceeds the 50 ms budget")


@pytest.mark.parametrize(("factor", "passes"), [(1.0, True), (1 - 1e-6, False), (0.1, False)])
def test_total_latency_cannot_beat_the_lower_bound(factor: float, passes: bool) -> None:
    check = _offered()
    ctx, _ = check.fresh()
    least = _limits(ctx, _candidate(ctx)).total_ms
    _candidate(ctx)["totalLatency"] = least * factor
    if passes:
        check.run(ctx)
    else:
        _fails(check, ctx, "totalLatency .* ms is below the .* ms minimum")


@pytest.mark.parametrize(("factor", "passes"), [(1.0, True), (1 - 1e-6, False)])
def test_ue_latency_cannot_beat_the_lower_bound(factor: float, passes: bool) -> None:
    check = _offered()
    ctx, _ = check.fresh()
    least = _limits(ctx, _candidate(ctx)).ue_ms
    assert least is not None
    _candidate(ctx)["ueInferenceLatency"] = least * factor
    if passes:
        check.run(ctx)
    else:
        _fails(check, ctx, "ueInferenceLatency .* ms is below the .* ms minimum")


@pytest.mark.parametrize("key", ["transferLatency", "uplinkLatency"])
def test_the_transfer_cannot_beat_the_bandwidth(key: str) -> None:
    check = _offered()
    ctx, _ = check.fresh()
    least = _limits(ctx, _candidate(ctx)).transfer_ms
    assert least is not None
    _candidate(ctx)[key] = least
    check.run(ctx)
    _candidate(ctx)[key] = least * 0.5
    _fails(check, ctx, f"{key} .* ms is below the .* ms minimum")


def test_the_link_the_data_does_not_cross_is_not_bounded() -> None:
    check = _offered()
    ctx, _ = check.fresh()
    _candidate(ctx)["downlinkLatency"] = 0.0  # UE first: the data goes up
    check.run(ctx)


def _side(ctx: CaseContext) -> tuple[float, float, float]:
    side = _limits(ctx, _candidate(ctx)).ue_side
    return (
        side.memory_lower_bytes / BYTES_PER_MB,
        side.memory_upper_bytes / BYTES_PER_MB,
        float(side.flops),
    )


@pytest.mark.parametrize(("where", "passes"), [("low", True), ("under", False),
                                               ("high", True), ("over", False)])  # fmt: skip
def test_the_announced_memory_between_its_bounds(where: str, passes: bool) -> None:
    check = _offered()
    ctx, _ = check.fresh()
    low, high, _ = _side(ctx)
    top = high * (1 + MEMORY_TOLERANCE) + 1e-3
    memory = {"low": low, "under": low * (1 - 1e-5), "high": top * (1 - 1e-6), "over": top * 1.01}
    _candidate(ctx)["ueProfile"]["memory"] = memory[where]
    if passes:
        check.run(ctx)
    else:
        _fails(check, ctx, r"ueProfile.memory .* MB; the UE's sub-model needs between")


def test_the_announced_memory_within_the_ue_s(monkeypatch: pytest.MonkeyPatch) -> None:
    check = _offered()
    ctx, _ = check.fresh()
    low, high, _ = _side(ctx)
    ue = _ue_fixture(monkeypatch, (low + high) / 2)  # the sub-model fits, at the least
    ctx, _ = check.fresh(fixtures={"ueCapabilities": ue})
    _candidate(ctx)["ueProfile"]["memory"] = high
    _fails(check, ctx, f"ueProfile.memory {high} MB exceeds the UE's {(low + high) / 2:g} MB")


@pytest.mark.parametrize(("factor", "passes"), [(FLOP_SLACK, True), (1 / FLOP_SLACK, True),
                                                (FLOP_SLACK * 1.01, False),
                                                (1 / FLOP_SLACK / 1.01, False)])  # fmt: skip
def test_the_announced_cost_within_a_factor_two(factor: float, passes: bool) -> None:
    check = _offered()
    ctx, _ = check.fresh()
    _, _, flops = _side(ctx)
    _candidate(ctx)["ueProfile"]["computationalCost"] = flops * factor
    if passes:
        check.run(ctx)
    else:
        _fails(check, ctx, r"ueProfile.computationalCost .* FLOP; the UE's sub-model takes 13194")


def test_a_candidate_without_a_profile_passes() -> None:
    check = _offered()
    ctx, _ = check.fresh()
    del _candidate(ctx)["ueProfile"]
    check.run(ctx)


# -- split-subset ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("case", "step"), [(DECIDED, "13"), (NETWORK_FIRST, "13"), (BASIC, "6"), (OPERATION, "10")]
)
def test_the_reference_s_sub_models_pass(case: str, step: str) -> None:
    check = seen(case, "split-subset", step)
    check.run(check.fresh()[0])


def test_no_sub_model_fails() -> None:
    check = seen(DECIDED, "split-subset", "13")
    ctx, record = check.fresh()
    del record.attachments["model"]
    _fails(check, ctx, "no 'model' attachment carries the UE's sub-model")
    record.attachments["model"] = b"not a model"
    _fails(check, ctx, "the UE's sub-model does not load: .*not an ONNX model")


def test_a_sub_model_meeting_the_other_elsewhere_fails() -> None:
    check = seen(DECIDED, "split-subset", "13")
    ctx, record = check.fresh()
    _model(record, _rename_outputs)
    _fails(
        check,
        ctx,
        r"the UE's sub-model meets the other at \['dense3_renamed'\], not at the agreed "
        r"\['dense3'\]",
    )


def test_a_sub_model_beyond_the_ue_memory_fails() -> None:
    check = seen(DECIDED, "split-subset", "13")
    ctx, _ = check.fresh(fixtures={"ueCapabilities": "ue-digits-low-memory"})
    _fails(check, ctx, r"it needs at least 0.02654 MB \(weights and largest tensor\); the UE has")


@pytest.mark.parametrize(("factor", "passes"), [(1.001, True), (0.999, False)])
def test_a_sub_model_just_within_the_ue_memory(
    monkeypatch: pytest.MonkeyPatch, factor: float, passes: bool
) -> None:
    check = seen(DECIDED, "split-subset", "13")
    ue = _ue_fixture(monkeypatch, 0.026540 * factor)  # 26284 bytes of weights, a 256-byte tensor
    ctx, _ = check.fresh(fixtures={"ueCapabilities": ue})
    if passes:
        check.run(ctx)
    else:
        _fails(check, ctx, "it needs at least")


def test_a_first_sub_model_with_another_input_fails() -> None:
    check = seen(DECIDED, "split-subset", "13")
    ctx, record = check.fresh()
    _model(record, _rename_input)
    _fails(check, ctx, r"the UE's sub-model takes \['image'\], which the split does not provide")


@pytest.mark.parametrize(
    ("case", "step", "edit"),
    [(DECIDED, "13", _scale_weights), (NETWORK_FIRST, "13", _sigmoid_for_softmax)],
)
def test_a_sub_model_computing_something_else_fails(
    case: str, step: str, edit: Callable[[onnx.ModelProto], None]
) -> None:
    check = seen(case, "split-subset", step)
    ctx, record = check.fresh()
    _model(record, edit)
    _fails(check, ctx, "the UE's sub-model with the suite's other sub-model: relative difference")


def test_a_second_sub_model_without_the_model_s_output_fails() -> None:
    check = seen(NETWORK_FIRST, "split-subset", "13")
    ctx, record = check.fresh()
    _model(record, _rename_outputs)
    _fails(check, ctx, "the UE's sub-model does not output 'probabilities'")


# -- same-intermediate-data --------------------------------------------------------------
def _session() -> Seen:
    return seen(DECIDED, "same-intermediate-data", "17b")


def test_the_agreed_data_passes() -> None:
    check = _session()
    check.run(check.fresh()[0])


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("tensors", [{"name": "relu2", "tensorShape": [1, 32], "tensorElementDataType": "FLOAT"}],
         "tensors is .*relu2.*; agreed .*dense3"),
        ("dataDirection", "DOWNSTREAM", "dataDirection is DOWNSTREAM; agreed UPSTREAM"),
        ("compressionAlgorithms", ["ZSTD"],
         r"compressionAlgorithms is \['ZSTD'\]; agreed \['NONE'\]"),
    ],
)  # fmt: skip
def test_other_data_than_agreed_fails(key: str, value: Any, reason: str) -> None:
    check = _session()
    ctx, record = check.fresh()
    _information(record)[key] = value
    _fails(check, ctx, reason)


def test_no_compression_may_go_unsaid() -> None:
    check = _session()
    ctx, record = check.fresh()
    del _information(record)["compressionAlgorithms"]
    check.run(ctx)


def test_a_session_without_its_data_information_fails() -> None:
    check = _session()
    ctx, record = check.fresh()
    del record.message["intermediateDataInformation"]  # type: ignore[union-attr]
    _fails(check, ctx, "tensors is None; agreed")


def test_a_session_before_any_agreement_fails() -> None:
    check = _session()
    ctx, _ = check.fresh()
    ctx.records[:] = [r for r in ctx.records if r.step not in ("7a", "13")]
    _fails(check, ctx, "no split configuration has been agreed yet")


# -- output-equals-expected --------------------------------------------------------------
def _with_output(record: Record, change: Callable[[np.ndarray], np.ndarray]) -> None:
    values = change(bytes_to_array(record.attachments["output"]))
    record.attachments["output"] = array_to_bytes(values)


@pytest.mark.parametrize(
    ("case", "step", "nth"), [(DECIDED, "20b", 0), (BASIC, "13", 0), (OPERATION, "14", 1)]
)
def test_the_reference_s_outputs_pass(case: str, step: str, nth: int) -> None:
    check = seen(case, "output-equals-expected", step, nth)
    check.run(check.fresh()[0])


def test_an_output_off_the_second_sub_model_fails() -> None:
    check = seen(DECIDED, "output-equals-expected", "20b")
    ctx, record = check.fresh()
    _with_output(record, lambda a: a * np.float32(1 + 2e-5))
    _fails(check, ctx, r"inference output: relative difference .* > 1e-05")


def test_an_output_within_float_rounding_passes() -> None:
    check = seen(DECIDED, "output-equals-expected", "20b")
    ctx, record = check.fresh()
    _with_output(record, lambda a: a * np.float32(1 + 5e-6))
    check.run(ctx)


def test_the_output_is_judged_on_the_unit_actually_sent() -> None:
    check = seen(DECIDED, "output-equals-expected", "20b")
    ctx, _ = check.fresh()
    sent = next(r for r in reversed(ctx.records) if r.by == "TS" and "unit" in r.attachments)
    unit = decode_unit(sent.attachments["unit"])
    info = unit.header.intermediate_data_information
    other = {n: (v * 2).astype(v.dtype) for n, v in unit.tensors.items()}
    sent.attachments["unit"] = encode_unit(info, other, CodecChain.of(info)).to_bytes()
    _fails(check, ctx, "inference output: relative difference")


def test_an_output_before_any_unit_fails() -> None:
    check = seen(DECIDED, "output-equals-expected", "20b")
    ctx, _ = check.fresh()
    for record in ctx.records:
        if record.by == "TS":
            record.attachments.pop("unit", None)
    _fails(check, ctx, "no intermediate data unit was sent before this output")


def test_no_output_attachment_fails() -> None:
    check = seen(DECIDED, "output-equals-expected", "20b")
    ctx, record = check.fresh()
    record.attachments.clear()
    _fails(check, ctx, "attachment 'output' is missing")


# -- unit-carries-crossing ---------------------------------------------------------------
def _unit() -> Seen:
    return seen(NETWORK_FIRST, "unit-carries-crossing", "18a")


def _reencode(
    record: Record,
    change: Callable[[np.ndarray], np.ndarray] = lambda a: a,
    chain: str | None = None,
) -> None:
    """The record's unit re-framed (a valid unit, with its own CRC) after ``change``,
    with ``chain`` (default: the unit's own)."""
    unit = decode_unit(record.attachments["unit"])
    header = unit.header
    info = header.intermediate_data_information
    codec = CodecChain.parse(chain) if chain else CodecChain.of(info)
    tensors = {n: change(v).astype(v.dtype) for n, v in unit.tensors.items()}
    data = encode_unit(info, tensors, codec, split_point=header.split_point_information)
    record.attachments["unit"] = data.to_bytes()
    record.message = {**(record.message or {}), "size": data.nbytes}


def _agree_chain(ctx: CaseContext, chain: list[str]) -> None:
    """Make the case's agreement (7a) one with ``chain``."""
    ctx.last("7a").message["intermediateDataInformation"]["compressionAlgorithms"] = chain  # type: ignore[index]


def test_the_reference_s_units_pass() -> None:
    check = _unit()
    check.run(check.fresh()[0])
    check = seen(BASIC_NETWORK, "unit-carries-crossing", "11")
    check.run(check.fresh()[0])


def test_a_unit_of_another_size_than_announced_fails() -> None:
    check = _unit()
    ctx, record = check.fresh()
    size = len(record.attachments["unit"])
    record.message["size"] = size + 1  # type: ignore[index]
    _fails(check, ctx, f"size {size + 1}; the unit has {size} bytes")
    del record.message["size"]  # type: ignore[union-attr]
    check.run(ctx)


def test_a_unit_for_another_split_point_fails() -> None:
    check = _unit()
    ctx, record = check.fresh()
    record.message["splitPointIdentifier"] = "5"  # type: ignore[index]
    _fails(check, ctx, "splitPointIdentifier '5'; agreed '6'")
    del record.message["splitPointIdentifier"]  # type: ignore[union-attr]
    check.run(ctx)


def test_a_unit_that_does_not_decode_fails() -> None:
    check = _unit()
    ctx, record = check.fresh()
    data = record.attachments["unit"][:-5]
    record.attachments["unit"] = data
    record.message["size"] = len(data)  # type: ignore[index]
    _fails(check, ctx, "the unit does not decode: ")


def test_a_unit_carrying_other_tensors_fails() -> None:
    check = _unit()
    ctx, record = check.fresh()
    info = model_truth(ctx).information(
        model_truth(ctx).cut(["relu2"]), CodecChain.parse("NONE"), direction(ctx)
    )
    values = {"relu2": np.zeros((1, 32), dtype=np.float32)}
    data = encode_unit(info, values, CodecChain.parse("NONE")).to_bytes()
    record.attachments["unit"], record.message["size"] = data, len(data)  # type: ignore[index]
    _fails(check, ctx, r"the unit carries .*relu2.*; agreed \('dense3',\)")


@pytest.mark.parametrize(("relative", "passes"), [(5e-6, True), (2e-5, False)])
def test_uncompressed_values_within_the_lossless_tolerance(relative: float, passes: bool) -> None:
    check = _unit()
    ctx, record = check.fresh()
    _reencode(record, lambda a: a + relative * float(np.max(np.abs(a))))
    if passes:
        check.run(ctx)
    else:
        _fails(check, ctx, "tensor 'dense3': differs from the true values by more than the codec")


@pytest.mark.parametrize("chain", ["INT8", "FLOAT16", "FLOAT16+ZSTD", "INT8+LZ4"])
def test_a_lossy_unit_within_its_codec_s_error_passes(chain: str) -> None:
    check = _unit()
    ctx, record = check.fresh()
    _agree_chain(ctx, chain.split("+"))
    _reencode(record, chain=chain)
    check.run(ctx)


@pytest.mark.parametrize(("chain", "shift"), [("INT8", 2.0 / 127), ("FLOAT16", 2.0**-8)])
def test_a_lossy_unit_beyond_its_codec_s_error_fails(chain: str, shift: float) -> None:
    check = _unit()
    ctx, record = check.fresh()
    _agree_chain(ctx, [chain])
    # Shifted by more than a step of the codec, then coded as agreed.
    _reencode(record, lambda a: a + shift * float(np.max(np.abs(a))), chain=chain)
    _fails(check, ctx, "tensor 'dense3': differs from the true values by more than the codec")


def test_a_unit_before_any_agreement_fails() -> None:
    check = _unit()
    ctx, _ = check.fresh()
    ctx.records[:] = [r for r in ctx.records if r.step not in ("7a", "13")]
    _fails(check, ctx, "no split configuration has been agreed yet")


# -- split-point-consistent --------------------------------------------------------------
@pytest.mark.parametrize("case", [BASIC, BASIC_NETWORK])
def test_the_identified_split_point_is_the_selected_one(case: str) -> None:
    check = seen(case, "split-point-consistent", "3")
    check.run(check.fresh()[0])


def test_another_split_point_than_selected_fails() -> None:
    check = seen(BASIC_NETWORK, "split-point-consistent", "3")
    ctx, record = check.fresh()
    record.message["splitPointIdentifier"] = "5"  # type: ignore[index]
    _fails(check, ctx, "split point '5'; the selection \\(2\\) named '6'")


def test_a_split_point_not_named_on_either_side_is_not_judged() -> None:
    check = seen(BASIC_NETWORK, "split-point-consistent", "3")
    ctx, record = check.fresh()
    record.message["splitPointIdentifier"] = "5"  # type: ignore[index]
    del ctx.last("2").message["splitPointInformation"]  # type: ignore[union-attr]
    check.run(ctx)
    ctx, record = check.fresh()
    del record.message["splitPointIdentifier"]  # type: ignore[union-attr]
    check.run(ctx)
