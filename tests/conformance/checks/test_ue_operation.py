"""The checks of a UE in split AI/ML operation and model distribution, each called on its
own: the records are the reference UE's own (from real runs of the cases), altered one
defect at a time, against the model fixture's own cuts and outputs."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from ts26927.bindings.attachments import array_to_bytes
from ts26927.conformance.checks import CheckFailed
from ts26927.conformance.context import CaseContext, Record
from ts26927.conformance.truth import truth
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.split.unit import decode_unit, encode_unit
from ts26927.errors import CaseDataError
from ts26927.models.intermediate_data import DataDirection, IntermediateDataInformation
from ts26927.models.split_model import SplitPointInformation

from .recorded import Seen, seen

OPERATION = "5.3.5-split-operation-004"
APP_UPDATE = "5.3.5-split-operation-006"
DISTRIBUTION = "5.3.6-model-distribution-004"
INLINE = "5.3.6-model-distribution-005"


def _fails(check: Seen, ctx: CaseContext, reason: str) -> None:
    with pytest.raises(CheckFailed, match=reason):
        check.run(ctx)


# -- ue-intermediate-unit ------------------------------------------------------------------
def _unit_check(nth: int = 0) -> Seen:
    return seen(OPERATION, "ue-intermediate-unit", "14", nth)


def _reframe(
    record: Record,
    *,
    arrays: dict[str, np.ndarray] | None = None,
    chain: str | None = None,
    point: str | None = None,
    information: dict[str, Any] | None = None,
) -> None:
    """The record's unit encoded again with one thing changed, under its true size."""
    unit = decode_unit(record.attachments["unit"])
    header = unit.header
    info = (
        IntermediateDataInformation.from_wire(information)
        if information is not None
        else header.intermediate_data_information
    )
    codec = CodecChain.parse(chain) if chain else CodecChain.of(info)
    framed = header.split_point_information
    if point is not None:
        framed = SplitPointInformation(split_point_identifier=point)
    data = encode_unit(info, arrays or unit.tensors, codec, split_point=framed).to_bytes()
    record.attachments["unit"] = data
    record.message = {**(record.message or {}), "size": len(data)}


@pytest.mark.parametrize("nth", [0, 1])
def test_the_reference_units_before_and_after_the_update_pass(nth: int) -> None:
    check = _unit_check(nth)
    check.run(check.fresh()[0])


def test_a_message_naming_another_split_point_fails() -> None:
    check = _unit_check(1)
    ctx, record = check.fresh()
    record.message["splitPointIdentifier"] = "after-relu1"  # type: ignore[index]
    _fails(check, ctx, "splitPointIdentifier 'after-relu1'; in force 'after-relu2'")


def test_a_wrong_size_fails() -> None:
    check = _unit_check()
    ctx, record = check.fresh()
    record.message["size"] += 1  # type: ignore[index]
    _fails(check, ctx, "size .*; the unit has")


def test_a_message_stating_another_chain_fails() -> None:
    check = _unit_check()
    ctx, record = check.fresh()
    record.message["compressionAlgorithms"] = ["ZSTD"]  # type: ignore[index]
    _fails(check, ctx, re.escape("compressionAlgorithms ['ZSTD']; agreed ['INT8', 'ZSTD']"))


def test_a_missing_or_broken_unit_fails() -> None:
    check = _unit_check()
    ctx, record = check.fresh()
    record.attachments["unit"] = record.attachments["unit"][:-1]
    record.message["size"] -= 1  # type: ignore[index]
    _fails(check, ctx, "the unit does not decode")
    del record.attachments["unit"]
    _fails(check, ctx, "unit")


def test_a_header_framing_another_split_point_fails() -> None:
    check = _unit_check(1)
    ctx, record = check.fresh()
    _reframe(record, point="after-relu1")
    _fails(check, ctx, "the unit's header frames split point 'after-relu1'; in force 'after-relu2'")


def test_a_unit_without_a_framed_split_point_passes() -> None:
    check = _unit_check(1)
    ctx, record = check.fresh()
    unit = decode_unit(record.attachments["unit"])
    info = unit.header.intermediate_data_information
    data = encode_unit(info, unit.tensors, CodecChain.of(info)).to_bytes()
    record.attachments["unit"] = data
    record.message["size"] = len(data)  # type: ignore[index]
    check.run(ctx)


def test_a_unit_coded_with_another_chain_fails() -> None:
    check = _unit_check()
    ctx, record = check.fresh()
    _reframe(record, chain="NONE")
    _fails(check, ctx, re.escape("the unit is coded with ['NONE']; the agreed codec chain is"))


def test_values_off_by_more_than_the_codec_allows_fail() -> None:
    check = _unit_check()
    ctx, record = check.fresh()
    tensors = decode_unit(record.attachments["unit"]).tensors
    _reframe(record, arrays={n: (v + np.float32(0.5)).astype(v.dtype) for n, v in tensors.items()})
    _fails(check, ctx, "tensor 'relu1': differs from the true values")


def test_a_unit_of_another_cut_fails() -> None:
    check = _unit_check()
    ctx, record = check.fresh()
    model = truth("digits")
    cut = model.cut_at_node("dense1")
    info = model.information(cut, CodecChain.parse("INT8+ZSTD"), DataDirection.UPSTREAM)
    _reframe(record, arrays=model.crossing_values(cut, 6), information=info.to_wire())
    _fails(check, ctx, "the unit carries .*'dense1'.*; the agreed cut is \\['relu1'\\]")


@pytest.mark.parametrize(
    ("case", "check", "step"),
    [(OPERATION, "ue-intermediate-unit", "14"), (APP_UPDATE, "ue-split-point-update", "15")],
)
def test_a_unit_or_update_with_no_split_agreed_before_it_fails(
    case: str, check: str, step: str
) -> None:
    called = seen(case, check, step)
    ctx, _ = called.fresh()
    ctx.records = [r for r in ctx.records if r.step != "6"]  # the network's acknowledgement
    _fails(called, ctx, r"^no split configuration has been agreed yet$")


# -- ue-split-point-update -----------------------------------------------------------------
def _update_check(step: str = "15") -> Seen:
    return seen(APP_UPDATE, "ue-split-point-update", step)


def _update(record: Record) -> dict[str, Any]:
    return record.message  # type: ignore[return-value]


@pytest.mark.parametrize("step", ["15", "14"])
def test_the_reference_update_and_the_unit_after_it_pass(step: str) -> None:
    check = _update_check(step)
    check.run(check.fresh()[0])


def test_an_update_passed_in_band_passes() -> None:
    check = _update_check("14")
    ctx, record = check.fresh()
    negotiated = ctx.records.pop(-2)
    assert negotiated.step == "15" and negotiated.by == "IUT"
    record.message = {**(record.message or {}), "splitPointUpdate": negotiated.message}
    check.run(ctx, record)


def test_a_unit_with_no_update_before_it_fails() -> None:
    check = _update_check("14")
    ctx, _ = check.fresh()
    del ctx.records[-2]
    _fails(check, ctx, "neither negotiated one \\(15\\) nor passed one")


def test_an_update_outside_the_negotiated_set_fails() -> None:
    check = _update_check()
    ctx, record = check.fresh()
    _update(record)["splitPointInformation"]["splitPointIdentifier"] = "7"
    _fails(check, ctx, "split point '7' is not one the network negotiated")


def test_an_update_to_the_split_point_in_force_fails() -> None:
    check = _update_check()
    ctx, record = check.fresh()
    _update(record)["splitPointInformation"] = {"splitPointIdentifier": "after-relu1"}
    _fails(check, ctx, "already in force \\('after-relu1'\\)")


def test_an_update_without_its_intermediate_data_fails() -> None:
    check = _update_check()
    ctx, record = check.fresh()
    del _update(record)["intermediateDataInformation"]
    _fails(check, ctx, "does not describe the intermediate data")


def test_a_negotiated_point_the_model_lacks_is_the_suite_s_fault() -> None:
    check = _update_check()
    ctx, record = check.fresh()
    identifier = _update(record)["splitPointInformation"]["splitPointIdentifier"]
    [negotiated] = [
        p for p in ctx.message("5")["splitPoints"] if p["splitPointIdentifier"] == identifier
    ]
    negotiated["splitPointName"] = "no-such-node"
    with pytest.raises(CaseDataError, match="the test system negotiated split point"):
        check.run(ctx)


def test_an_update_describing_another_points_data_fails() -> None:
    check = _update_check()
    ctx, record = check.fresh()
    _update(record)["intermediateDataInformation"]["tensors"][0]["name"] = "dense1"
    _fails(check, ctx, "is where \\['relu2'\\] cross; the update describes \\['dense1'\\]")


def test_an_update_describing_its_tensors_untruly_fails() -> None:
    check = _update_check()
    ctx, record = check.fresh()
    _update(record)["intermediateDataInformation"]["tensors"][0]["tensorShape"] = [1, 33]
    _fails(check, ctx, "untruly")


def test_an_update_with_tensors_that_cut_nothing_fails() -> None:
    check = _update_check()
    ctx, record = check.fresh()
    _update(record)["intermediateDataInformation"]["tensors"][0]["name"] = "no-such-tensor"
    _fails(check, ctx, "is not a split point")


def test_an_update_with_an_unreported_codec_fails() -> None:
    check = _update_check()
    ctx, record = check.fresh()
    _update(record)["intermediateDataInformation"]["compressionAlgorithms"] = ["LZ4"]
    _fails(check, ctx, re.escape("the update uses ['LZ4'], which the UE did not report"))


# -- ue-requests-announced-model -----------------------------------------------------------
@pytest.mark.parametrize(("case", "step"), [(DISTRIBUTION, "7"), (INLINE, "5"), (INLINE, "7")])
def test_the_reference_requests_pass(case: str, step: str) -> None:
    check = seen(case, "ue-requests-announced-model", step)
    check.run(check.fresh()[0])


@pytest.mark.parametrize("case", [DISTRIBUTION, INLINE])
def test_a_request_for_an_unannounced_model_fails(case: str) -> None:
    check = seen(case, "ue-requests-announced-model", "7")
    ctx, record = check.fresh()
    record.message["modelIdentifier"] = "another"  # type: ignore[index]
    _fails(
        check, ctx, re.escape("the UE requests model 'another'; the service announced ['digits']")
    )
    del record.message["modelIdentifier"]  # type: ignore[attr-defined]
    check.run(ctx)


# -- ue-inference-output -------------------------------------------------------------------
def _output_check() -> Seen:
    return seen(DISTRIBUTION, "ue-inference-output", "9")


def test_the_reference_output_passes() -> None:
    check = _output_check()
    check.run(check.fresh()[0])


def test_another_models_output_fails() -> None:
    check = _output_check()
    ctx, record = check.fresh()
    want = truth("digits").whole(4)
    record.attachments["output"] = array_to_bytes(np.roll(want, 1, axis=-1))
    _fails(check, ctx, "inference output: relative difference")


def test_an_output_described_as_another_tensor_fails() -> None:
    check = _output_check()
    ctx, record = check.fresh()
    record.message["outputs"][0]["tensorShape"] = [1, 11]  # type: ignore[index]
    _fails(check, ctx, "the message describes")
