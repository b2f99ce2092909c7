"""The checks of a UE in split inference, each called on its own on a real run of the
reference UE, altered one defect at a time; the truth they are held against is the model
fixture's own cut and the resources the UE was set up with."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from ts26927.bindings.attachments import array_to_bytes, bytes_to_array
from ts26927.conformance.agreement import agreed, model_truth, sample_index
from ts26927.conformance.checks import CheckFailed
from ts26927.conformance.context import CaseContext, Record
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.split.unit import decode_unit, encode_unit

from .profile_edits import edited_ue
from .recorded import Seen, seen

UE_FIRST = "5.2.3.2-split-inference-013"  # the network decides, INT8 agreed
SELECTS = "5.2.3.2-split-inference-014"  # the UE selects, lossless
NETWORK_FIRST = "5.2.3.2-split-inference-015"  # the UE opens 17a and completes at 20a
PREFERS_BEYOND = "5.2.3.2-split-inference-016"  # the preferred candidate is beyond the UE
BASIC_UE_FIRST = "5.2.3.2-split-inference-ue-source-003"
BASIC_NETWORK_FIRST = "5.2.3.2-split-inference-network-source-002"


def _fails(call: Seen, ctx: CaseContext, record: Record, reason: str) -> None:
    with pytest.raises(CheckFailed, match=reason):
        call.run(ctx, record)


@pytest.mark.parametrize(
    ("case_id", "check", "step"),
    [
        (UE_FIRST, "ue-capabilities", "1"),
        (UE_FIRST, "ue-capabilities", "2a"),
        (UE_FIRST, "ue-intermediate-data", "18b"),
        (UE_FIRST, "ue-subset-output", "18b"),
        (SELECTS, "ue-selection", "6b"),
        (SELECTS, "ue-subset-output", "18b"),
        (NETWORK_FIRST, "ue-session-setup", "17a"),
        (NETWORK_FIRST, "ue-final-output", "20a"),
        (PREFERS_BEYOND, "ue-selection", "6b"),
        (BASIC_UE_FIRST, "ue-intermediate-data", "11"),
        (BASIC_NETWORK_FIRST, "ue-session-setup", "10"),
        (BASIC_NETWORK_FIRST, "ue-final-output", "13"),
    ],
)
def test_the_reference_ue_passes(case_id: str, check: str, step: str) -> None:
    call = seen(case_id, check, step)
    ctx, record = call.fresh()
    call.run(ctx, record)


# -- ue-capabilities -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda c: c["processingCapabilities"].update(memory=2.0),
            r"memory 2 MB; the UE has 0\.02",
        ),
        (
            lambda c: c["processingCapabilities"]["processingUnits"][0].update(computeFlops=1e12),
            "FLOPS; the UE has",
        ),
        (lambda c: c.update(supportedCompressionAlgorithms=["NONE", "ZSTD"]), r"\['ZSTD'\]"),
        (lambda c: c.update(connectionCapabilities="1 Gbps"), "a connection of 1e"),
        (lambda c: c.update(endpointType="NETWORK"), "endpointType NETWORK"),
    ],
)
def test_capabilities_beyond_the_ue_fail(change: Any, reason: str) -> None:
    call = seen(UE_FIRST, "ue-capabilities", "1")
    ctx, record = call.fresh()
    message = copy.deepcopy(record.message or {})
    change(message)
    record.message = message
    _fails(call, ctx, record, reason)


def test_reporting_less_than_it_has_passes() -> None:
    call = seen(UE_FIRST, "ue-capabilities", "1")
    ctx, record = call.fresh()
    message = copy.deepcopy(record.message or {})
    message["processingCapabilities"]["memory"] = 0.01
    message["supportedCompressionAlgorithms"] = ["NONE"]
    record.message = message
    call.run(ctx, record)


def test_capabilities_are_required_where_the_case_says() -> None:
    call = seen(UE_FIRST, "ue-capabilities", "1")
    ctx, record = call.fresh()
    record.message = {}
    _fails(call, ctx, record, "reports no capabilities")
    optional = seen(UE_FIRST, "ue-capabilities", "2a")
    ctx, record = optional.fresh()
    record.message = {
        k: v for k, v in (record.message or {}).items() if k != "ueCapabilityInformation"
    }
    optional.run(ctx, record)


def test_capabilities_that_are_not_capabilities_fail() -> None:
    call = seen(UE_FIRST, "ue-capabilities", "1")
    ctx, record = call.fresh()
    record.message = {"processingCapabilities": "plenty"}
    _fails(call, ctx, record, "not endpoint capability information")


# -- ue-selection ----------------------------------------------------------------------------
def _selected(record: Record) -> dict[str, Any]:
    return copy.deepcopy((record.message or {})["selected"])


def test_a_selection_never_offered_fails() -> None:
    call = seen(SELECTS, "ue-selection", "6b")
    ctx, record = call.fresh()
    selected = _selected(record)
    selected["configurationIdentifier"] = "mine"
    record.message = {**(record.message or {}), "selected": selected}
    _fails(call, ctx, record, "'mine' is not one offered at 4b")


def test_a_selection_altered_from_its_offer_fails() -> None:
    call = seen(SELECTS, "ue-selection", "6b")
    ctx, record = call.fresh()
    selected = _selected(record)
    selected["intermediateDataSize"] = selected["intermediateDataSize"] / 2
    record.message = {**(record.message or {}), "selected": selected}
    _fails(call, ctx, record, "as it was offered")


def test_selecting_an_offered_candidate_beyond_the_ue_fails() -> None:
    call = seen(PREFERS_BEYOND, "ue-selection", "6b")
    ctx, record = call.fresh()
    offers = ctx.last("4b", "TS").message or {}
    preferred = next(
        c
        for c in offers["candidates"]
        if c["configurationIdentifier"] == offers["preferredCandidate"]
    )
    record.message = {**(record.message or {}), "selected": copy.deepcopy(preferred)}
    _fails(call, ctx, record, r"which it cannot run: .*needs at least")


def test_a_selection_without_a_configuration_fails() -> None:
    call = seen(SELECTS, "ue-selection", "6b")
    ctx, record = call.fresh()
    record.message = {"sessionId": "s-1"}
    _fails(call, ctx, record, "carries no configuration")
    record.message = {"sessionId": "s-1", "selected": {"configurationIdentifier": "x"}}
    _fails(call, ctx, record, "not a split configuration")


# -- ue-session-setup ------------------------------------------------------------------------
def _session(record: Record, **change: Any) -> None:
    info = copy.deepcopy((record.message or {})["intermediateDataInformation"])
    info.update(change)
    record.message = {**(record.message or {}), "intermediateDataInformation": info}


def test_a_session_for_other_tensors_fails() -> None:
    call = seen(NETWORK_FIRST, "ue-session-setup", "17a")
    ctx, record = call.fresh()
    tensors = copy.deepcopy((record.message or {})["intermediateDataInformation"]["tensors"])
    tensors[0]["name"] = "relu1" if tensors[0]["name"] != "relu1" else "dense1"
    _session(record, tensors=tensors)
    _fails(call, ctx, record, "the UE's sub-model takes")


def test_a_session_describing_its_tensors_wrongly_fails() -> None:
    call = seen(NETWORK_FIRST, "ue-session-setup", "17a")
    ctx, record = call.fresh()
    tensors = copy.deepcopy((record.message or {})["intermediateDataInformation"]["tensors"])
    tensors[0]["tensorShape"] = [1, 3]
    _session(record, tensors=tensors)
    _fails(call, ctx, record, "describes the tensors as")


def test_a_session_flowing_the_wrong_way_fails() -> None:
    call = seen(NETWORK_FIRST, "ue-session-setup", "17a")
    ctx, record = call.fresh()
    _session(record, dataDirection="UPSTREAM")
    _fails(call, ctx, record, "dataDirection UPSTREAM")


def test_a_session_with_another_chain_than_agreed_fails() -> None:
    call = seen(NETWORK_FIRST, "ue-session-setup", "17a")
    ctx, record = call.fresh()
    _session(record, compressionAlgorithms=["FLOAT16"])
    _fails(call, ctx, record, "codec chain FLOAT16; agreed")


def test_a_basic_session_with_a_codec_the_ue_lacks_fails() -> None:
    call = seen(BASIC_NETWORK_FIRST, "ue-session-setup", "10")
    ctx, record = call.fresh()
    _session(record, compressionAlgorithms=["INT8"])
    _fails(call, ctx, record, r"the UE reported no \['INT8'\]")
    _session(record, compressionAlgorithms=["FLOAT16"])  # it supports FLOAT16
    call.run(ctx, record)


# -- ue-intermediate-data --------------------------------------------------------------------
def _unit_call(case_id: str = UE_FIRST, step: str = "18b") -> tuple[Seen, CaseContext, Record]:
    call = seen(case_id, "ue-intermediate-data", step)
    ctx, record = call.fresh()
    return call, ctx, record


def _reframe(ctx: CaseContext, record: Record, chain: str, values: Any = None) -> None:
    """The record's unit framed again (values and chain as given), the message kept."""
    agreement = agreed(ctx)
    tensors = values or decode_unit(record.attachments["unit"]).tensors
    info = agreement.information
    data = encode_unit(info, tensors, CodecChain.parse(chain), split_point=agreement.point)
    unit = data.to_bytes()
    record.attachments = {"unit": unit}
    record.message = {**(record.message or {}), "size": len(unit)}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"size": 3}, "size 3; the unit has"),
        ({"splitPointIdentifier": "after-dense2"}, "splitPointIdentifier 'after-dense2'"),
        ({"compressionAlgorithms": ["NONE"]}, r"compressionAlgorithms \['NONE'\]; agreed INT8"),
    ],
)
def test_a_unit_announced_otherwise_fails(change: dict[str, Any], reason: str) -> None:
    call, ctx, record = _unit_call()
    record.message = {**(record.message or {}), **change}
    _fails(call, ctx, record, reason)


def test_a_unit_framed_with_another_chain_fails() -> None:
    call, ctx, record = _unit_call()
    _reframe(ctx, record, "NONE")
    _fails(call, ctx, record, "framed with NONE; agreed INT8")


def test_a_unit_framed_for_another_split_point_fails() -> None:
    call, ctx, record = _unit_call()
    agreement = agreed(ctx)
    tensors = decode_unit(record.attachments["unit"]).tensors
    other = agreement.point.model_copy(update={"split_point_identifier": "after-dense1"})
    unit = encode_unit(agreement.information, tensors, agreement.chain, split_point=other)
    data = unit.to_bytes()
    record.attachments = {"unit": data}
    record.message = {**(record.message or {}), "size": len(data)}
    _fails(call, ctx, record, "framed for split point 'after-dense1'")


def test_a_unit_that_does_not_decode_fails() -> None:
    call, ctx, record = _unit_call()
    data = record.attachments["unit"][:-5]
    record.attachments = {"unit": data}
    record.message = {**(record.message or {}), "size": len(data)}
    _fails(call, ctx, record, "does not decode")


def test_a_unit_of_other_values_fails() -> None:
    call, ctx, record = _unit_call()
    tensors = decode_unit(record.attachments["unit"]).tensors
    shifted = {n: (np.asarray(v) - 1.0).astype(np.float32) for n, v in tensors.items()}
    _reframe(ctx, record, "INT8", shifted)
    _fails(call, ctx, record, "differs from the true values by more than the codec allows")


def _renamed(ctx: CaseContext, record: Record) -> None:
    """The record's unit framed again with its tensor renamed, consistently described, so
    that it decodes."""
    agreement = agreed(ctx)
    [value] = decode_unit(record.attachments["unit"]).tensors.values()
    [tensor] = agreement.information.tensors
    described = tensor.model_copy(update={"name": "renamed"})
    info = agreement.information.model_copy(update={"tensors": [described]})
    unit = encode_unit(info, {"renamed": value}, agreement.chain, split_point=agreement.point)
    data = unit.to_bytes()
    record.attachments = {"unit": data}
    record.message = {**(record.message or {}), "size": len(data)}


def test_a_unit_of_other_tensors_fails() -> None:
    call, ctx, record = _unit_call()
    _renamed(ctx, record)
    _fails(call, ctx, record, "the unit carries .*'renamed'.*; agreed")


def test_a_unit_lacking_the_tensor_the_second_part_needs_fails() -> None:
    call = seen(UE_FIRST, "ue-subset-output", "18b")
    ctx, record = call.fresh()
    _renamed(ctx, record)
    _fails(call, ctx, record, "the unit lacks tensor")


def test_a_unit_without_its_bytes_fails() -> None:
    call, ctx, record = _unit_call()
    record.attachments = {}
    with pytest.raises(CheckFailed, match="unit"):
        call.run(ctx, record)


def test_the_basic_flow_is_judged_by_the_networks_session() -> None:
    call, ctx, record = _unit_call(BASIC_UE_FIRST, "11")
    _reframe(ctx, record, "NONE")
    _fails(call, ctx, record, "framed with NONE; agreed INT8")


# -- ue-subset-output ------------------------------------------------------------------------
def test_a_subset_output_that_does_not_complete_the_model_fails() -> None:
    call = seen(SELECTS, "ue-subset-output", "18b")
    ctx, record = call.fresh()
    _reframe_values(ctx, record, lambda v: v[..., ::-1].copy())
    _fails(call, ctx, record, "relative difference")


def test_after_a_precision_reduction_the_class_must_stay() -> None:
    call = seen(UE_FIRST, "ue-subset-output", "18b")
    ctx, record = call.fresh()
    truth = model_truth(ctx)
    before = int(np.argmax(truth.whole(sample_index(ctx))))
    _reframe_values(ctx, record, lambda v: -v)
    tensors = decode_unit(record.attachments["unit"]).tensors
    assert tensors  # a unit of other values: the class moves
    with pytest.raises(CheckFailed, match="another class"):
        call.run(ctx, record)
    assert before == int(np.argmax(truth.whole(sample_index(ctx))))


def _reframe_values(ctx: CaseContext, record: Record, change: Any) -> None:
    agreement = agreed(ctx)
    tensors = decode_unit(record.attachments["unit"]).tensors
    values = {n: change(np.asarray(v)).astype(np.float32) for n, v in tensors.items()}
    _reframe(ctx, record, agreement.chain.name, values)


# -- ue-final-output -------------------------------------------------------------------------
@pytest.mark.parametrize("case_id,step", [(NETWORK_FIRST, "20a"), (BASIC_NETWORK_FIRST, "13")])
def test_an_output_other_than_the_models_fails(case_id: str, step: str) -> None:
    call = seen(case_id, "ue-final-output", step)
    ctx, record = call.fresh()
    got = bytes_to_array(record.attachments["output"])
    record.attachments = {"output": array_to_bytes(got + 0.25)}
    _fails(call, ctx, record, "relative difference")
    record.attachments = {"output": array_to_bytes(got[..., :5])}
    _fails(call, ctx, record, "shape")


def test_an_output_with_no_unit_sent_fails() -> None:
    call = seen(NETWORK_FIRST, "ue-final-output", "20a")
    ctx, record = call.fresh()
    ctx.records = [r for r in ctx.records if "unit" not in r.attachments]
    _fails(call, ctx, record, "sent no intermediate data unit")


def test_a_session_that_is_not_intermediate_data_information_fails() -> None:
    call = seen(NETWORK_FIRST, "ue-session-setup", "17a")
    ctx, record = call.fresh()
    tensors = copy.deepcopy((record.message or {})["intermediateDataInformation"]["tensors"])
    tensors[0]["tensorElementDataType"] = "BOGUS"
    _session(record, tensors=tensors)
    _fails(call, ctx, record, "not the intermediate data of a split point")


def test_a_session_with_no_subset_delivered_fails() -> None:
    call = seen(NETWORK_FIRST, "ue-session-setup", "17a")
    ctx, record = call.fresh()
    for earlier in ctx.records:
        if earlier.step == "13":
            earlier.attachments = {}
    _fails(call, ctx, record, "delivered no sub-model at step 13")


# -- judged by the case's own fixtures and by what the UE itself reported --------------------
def test_capabilities_are_judged_by_the_case_s_fixture() -> None:
    call = seen(SELECTS, "ue-capabilities", "1")  # the UE was set up as ue-ample
    ctx, record = call.fresh(fixtures={"ueCapabilities": "ue-digits-low-memory"})
    _fails(call, ctx, record, r"^the UE reports memory 100 MB; the UE has 0\.02 MB; .*\['ZSTD'\]")


def test_capabilities_without_processing_figures_pass() -> None:
    call = seen(UE_FIRST, "ue-capabilities", "1")
    ctx, record = call.fresh()
    record.message = {
        k: v for k, v in (record.message or {}).items() if k != "processingCapabilities"
    }
    call.run(ctx, record)


@pytest.mark.parametrize(
    ("flops", "reason"),
    [
        (1e7 * (1 + 1e-9), None),  # the UE's 1e7 FLOPS, up to rounding
        (1.5e7, r"1\.5e\+07 FLOPS; the UE has 1e\+07$"),
    ],
)
def test_compute_is_judged_up_to_rounding(flops: float, reason: str | None) -> None:
    call = seen(UE_FIRST, "ue-capabilities", "1")
    ctx, record = call.fresh()
    message = copy.deepcopy(record.message or {})
    message["processingCapabilities"]["processingUnits"][0]["computeFlops"] = flops
    record.message = message
    if reason is None:
        call.run(ctx, record)
    else:
        _fails(call, ctx, record, reason)


def _reports(ctx: CaseContext, step: str, capabilities: Any) -> None:
    """The UE's report at ``step`` (its request's ``ueCapabilityInformation``) replaced;
    ``None``: dropped."""
    record = ctx.last(step, "IUT")
    message = {k: v for k, v in (record.message or {}).items() if k != "ueCapabilityInformation"}
    if capabilities is not None:
        message["ueCapabilityInformation"] = capabilities
    record.message = message


def _low_memory(ctx: CaseContext, step: str) -> dict[str, Any]:
    capabilities = copy.deepcopy(ctx.last(step, "IUT").message or {})
    capabilities = capabilities.get("ueCapabilityInformation", capabilities)
    capabilities["processingCapabilities"]["memory"] = 0.001
    return capabilities


def test_a_selection_beyond_the_resources_the_ue_was_set_up_with_fails() -> None:
    call = seen(SELECTS, "ue-selection", "6b")
    ctx, record = call.fresh(fixtures={"ueCapabilities": "ue-digits-low-memory"})
    # the UE reports ue-ample's 100 MB; it has 0.02 MB, and it runs the first sub-model
    _fails(call, ctx, record, r"'after-dense3/NONE', which it cannot run: .*the UE has 0\.02 MB$")


def test_a_selection_beyond_what_the_ue_reported_in_its_request_fails() -> None:
    call = seen(SELECTS, "ue-selection", "6b")
    ctx, record = call.fresh()
    _reports(ctx, "2b", _low_memory(ctx, "2b"))
    _fails(call, ctx, record, r"which it cannot run: .*needs at least .*the UE has 0\.001 MB$")


def test_a_selection_beyond_what_the_ue_reported_at_step_1_fails() -> None:
    call = seen(SELECTS, "ue-selection", "6b")
    ctx, record = call.fresh()
    ctx.last("1", "IUT").message = _low_memory(ctx, "1")
    _reports(ctx, "2b", None)
    _fails(call, ctx, record, r"which it cannot run: .*needs at least .*the UE has 0\.001 MB$")
    ctx, record = call.fresh()
    ctx.last("1", "IUT").message = _low_memory(ctx, "1")  # its request reports it again
    call.run(ctx, record)


def test_a_selection_by_a_ue_whose_report_is_unreadable_is_judged_by_its_resources() -> None:
    call = seen(SELECTS, "ue-selection", "6b")
    ctx, record = call.fresh()
    ctx.last("1", "IUT").message = {"processingCapabilities": "plenty"}
    _reports(ctx, "2b", None)
    call.run(ctx, record)
    ctx, record = call.fresh(fixtures={"ueCapabilities": "ue-digits-low-memory"})
    ctx.last("1", "IUT").message = {"processingCapabilities": "plenty"}
    _reports(ctx, "2b", None)
    _fails(call, ctx, record, r"the UE has 0\.02 MB$")


def test_a_selection_below_the_service_s_accuracy_floor_fails() -> None:
    call = seen(SELECTS, "ue-selection", "6b")
    ctx, record = call.fresh(
        fixtures={"serviceRequirements": "service-digits-unreachable-accuracy"}
    )
    _fails(
        call, ctx, record, r"accuracy measured on the held-out set is 97\.56 %, below the 99\.9 %"
    )


def _select(record: Record, ctx: CaseContext, identifier: str) -> None:
    offers = ctx.last("4b", "TS").message or {}
    chosen = next(c for c in offers["candidates"] if c["configurationIdentifier"] == identifier)
    record.message = {**(record.message or {}), "selected": copy.deepcopy(chosen)}


def test_a_lossless_coder_may_bring_the_transfer_within_the_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 40 bytes of dense3 over 4 kbit/s: at least 80 ms without a coder.
    slow = edited_ue(monkeypatch, connectionCapabilities="4 Kbps")
    call = seen(SELECTS, "ue-selection", "6b")
    ctx, record = call.fresh(fixtures={"ueCapabilities": slow})
    _fails(call, ctx, record, r"'after-dense3/NONE', which it cannot run: .*exceeds the 50 ms")
    _select(record, ctx, "after-dense3/ZSTD")  # another coder may halve it: >= 40 ms
    call.run(ctx, record)


def test_a_basic_session_is_judged_by_the_codecs_the_ue_reported() -> None:
    call = seen(BASIC_NETWORK_FIRST, "ue-session-setup", "10")
    ctx, record = call.fresh()
    capabilities = copy.deepcopy((ctx.last("1", "IUT").message or {})["ueCapabilityInformation"])
    capabilities["supportedCompressionAlgorithms"] = ["NONE"]  # the UE has FLOAT16 too
    _reports(ctx, "1", capabilities)
    _session(record, compressionAlgorithms=["FLOAT16"])
    _fails(call, ctx, record, r"codec chain FLOAT16: the UE reported no \['FLOAT16'\]$")


def test_a_session_with_no_codec_chain_fails() -> None:
    call = seen(NETWORK_FIRST, "ue-session-setup", "17a")
    ctx, record = call.fresh()
    _session(record, compressionAlgorithms=["INT8", "INT8"])
    _fails(call, ctx, record, r"^compressionAlgorithms: codec chain 'INT8\+INT8': .* twice$")


def test_a_session_is_judged_by_the_sub_model_the_test_system_delivered() -> None:
    call = seen(NETWORK_FIRST, "ue-session-setup", "17a")
    ctx, record = call.fresh()
    delivered = ctx.records.index(ctx.last("13", "TS"))
    ctx.records.insert(delivered + 1, Record("13", "IUT", {}, {}))
    call.run(ctx, record)
