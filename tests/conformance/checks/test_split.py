"""The split inference checks on the sub-models and the data (split-subset,
same-intermediate-data, output-equals-expected, unit-carries-crossing,
split-point-consistent), each called on its own: the records are the reference's own (from
real runs of the cases on the digits model), altered one defect at a time; the truth they
are held against is the model fixture's own cut."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import onnx
import pytest

from ts26927.bindings.attachments import array_to_bytes, bytes_to_array
from ts26927.conformance.agreement import (
    direction,
    model_truth,
)
from ts26927.conformance.context import CaseContext, Record
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.split.unit import decode_unit, encode_unit

from .profile_edits import edited_ue
from .recorded import Seen, seen
from .split_support import (
    BASIC,
    BASIC_NETWORK,
    DECIDED,
    NETWORK_FIRST,
    OPERATION,
    edit_model,
    fails,
    information,
    rename_input,
    rename_outputs,
    scale_weights,
    sigmoid_for_softmax,
)


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
    fails(check, ctx, "no 'model' attachment carries the UE's sub-model")
    record.attachments["model"] = b"not a model"
    fails(check, ctx, "the UE's sub-model does not load: .*not an ONNX model")


def test_a_sub_model_meeting_the_other_elsewhere_fails() -> None:
    check = seen(DECIDED, "split-subset", "13")
    ctx, record = check.fresh()
    edit_model(record, rename_outputs)
    fails(
        check,
        ctx,
        r"the UE's sub-model meets the other at \['dense3_renamed'\], not at the agreed "
        r"\['dense3'\]",
    )


def test_a_sub_model_beyond_the_ue_memory_fails() -> None:
    check = seen(DECIDED, "split-subset", "13")
    ctx, _ = check.fresh(fixtures={"ueCapabilities": "ue-digits-low-memory"})
    fails(check, ctx, r"it needs at least 0.02654 MB \(weights and largest tensor\); the UE has")


# 1.0: memory exactly the lower bound is enough (26540 / 10**6 is the float 0.026540).
@pytest.mark.parametrize(("factor", "passes"), [(1.001, True), (1.0, True), (0.999, False)])
def test_a_sub_model_just_within_the_ue_memory(
    monkeypatch: pytest.MonkeyPatch, factor: float, passes: bool
) -> None:
    check = seen(DECIDED, "split-subset", "13")
    # 26284 bytes of weights and a 256-byte tensor.
    ue = edited_ue(monkeypatch, memory_mb=0.026540 * factor)
    ctx, _ = check.fresh(fixtures={"ueCapabilities": ue})
    if passes:
        check.run(ctx)
    else:
        fails(check, ctx, "it needs at least")


def test_a_first_sub_model_with_another_input_fails() -> None:
    check = seen(DECIDED, "split-subset", "13")
    ctx, record = check.fresh()
    edit_model(record, rename_input)
    fails(check, ctx, r"the UE's sub-model takes \['image'\], which the split does not provide")


@pytest.mark.parametrize(
    ("case", "step", "edit"),
    [(DECIDED, "13", scale_weights), (NETWORK_FIRST, "13", sigmoid_for_softmax)],
)
def test_a_sub_model_computing_something_else_fails(
    case: str, step: str, edit: Callable[[onnx.ModelProto], None]
) -> None:
    check = seen(case, "split-subset", step)
    ctx, record = check.fresh()
    edit_model(record, edit)
    fails(check, ctx, "the UE's sub-model with the suite's other sub-model: relative difference")


def test_a_second_sub_model_without_the_model_s_output_fails() -> None:
    check = seen(NETWORK_FIRST, "split-subset", "13")
    ctx, record = check.fresh()
    edit_model(record, rename_outputs)
    fails(check, ctx, "the UE's sub-model does not output 'probabilities'")


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
    information(record)[key] = value
    fails(check, ctx, reason)


def test_no_compression_may_go_unsaid() -> None:
    check = _session()
    ctx, record = check.fresh()
    del information(record)["compressionAlgorithms"]
    check.run(ctx)


def test_a_session_without_its_data_information_fails() -> None:
    check = _session()
    ctx, record = check.fresh()
    del record.message["intermediateDataInformation"]  # type: ignore[union-attr]
    fails(check, ctx, "tensors is None; agreed")


def test_a_session_before_any_agreement_fails() -> None:
    check = _session()
    ctx, _ = check.fresh()
    ctx.records[:] = [r for r in ctx.records if r.step not in ("7a", "13")]
    fails(check, ctx, "no split configuration has been agreed yet")


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
    fails(check, ctx, r"inference output: relative difference .* > 1e-05")


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
    fails(check, ctx, "inference output: relative difference")


def test_an_output_before_any_unit_fails() -> None:
    check = seen(DECIDED, "output-equals-expected", "20b")
    ctx, _ = check.fresh()
    for record in ctx.records:
        if record.by == "TS":
            record.attachments.pop("unit", None)
    fails(check, ctx, "no intermediate data unit was sent before this output")


def test_no_output_attachment_fails() -> None:
    check = seen(DECIDED, "output-equals-expected", "20b")
    ctx, record = check.fresh()
    record.attachments.clear()
    fails(check, ctx, "attachment 'output' is missing")


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
    fails(check, ctx, f"size {size + 1}; the unit has {size} bytes")
    del record.message["size"]  # type: ignore[union-attr]
    check.run(ctx)


def test_a_unit_for_another_split_point_fails() -> None:
    check = _unit()
    ctx, record = check.fresh()
    record.message["splitPointIdentifier"] = "5"  # type: ignore[index]
    fails(check, ctx, "splitPointIdentifier '5'; agreed '6'")
    del record.message["splitPointIdentifier"]  # type: ignore[union-attr]
    check.run(ctx)


def test_a_unit_that_does_not_decode_fails() -> None:
    check = _unit()
    ctx, record = check.fresh()
    data = record.attachments["unit"][:-5]
    record.attachments["unit"] = data
    record.message["size"] = len(data)  # type: ignore[index]
    fails(check, ctx, "the unit does not decode: ")


def test_a_unit_carrying_other_tensors_fails() -> None:
    check = _unit()
    ctx, record = check.fresh()
    info = model_truth(ctx).information(
        model_truth(ctx).cut(["relu2"]), CodecChain.parse("NONE"), direction(ctx)
    )
    values = {"relu2": np.zeros((1, 32), dtype=np.float32)}
    data = encode_unit(info, values, CodecChain.parse("NONE")).to_bytes()
    record.attachments["unit"], record.message["size"] = data, len(data)  # type: ignore[index]
    fails(check, ctx, r"the unit carries .*relu2.*; agreed \('dense3',\)")


@pytest.mark.parametrize(("relative", "passes"), [(5e-6, True), (2e-5, False)])
def test_uncompressed_values_within_the_lossless_tolerance(relative: float, passes: bool) -> None:
    check = _unit()
    ctx, record = check.fresh()
    _reencode(record, lambda a: a + relative * float(np.max(np.abs(a))))
    if passes:
        check.run(ctx)
    else:
        fails(check, ctx, "tensor 'dense3': differs from the true values by more than the codec")


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
    fails(check, ctx, "tensor 'dense3': differs from the true values by more than the codec")


def test_a_unit_before_any_agreement_fails() -> None:
    check = _unit()
    ctx, _ = check.fresh()
    ctx.records[:] = [r for r in ctx.records if r.step not in ("7a", "13")]
    fails(check, ctx, "no split configuration has been agreed yet")


# -- split-point-consistent --------------------------------------------------------------
@pytest.mark.parametrize("case", [BASIC, BASIC_NETWORK])
def test_the_identified_split_point_is_the_selected_one(case: str) -> None:
    check = seen(case, "split-point-consistent", "3")
    check.run(check.fresh()[0])


def test_another_split_point_than_selected_fails() -> None:
    check = seen(BASIC_NETWORK, "split-point-consistent", "3")
    ctx, record = check.fresh()
    record.message["splitPointIdentifier"] = "5"  # type: ignore[index]
    fails(check, ctx, "split point '5'; the selection \\(2\\) named '6'")


def test_a_split_point_not_named_on_either_side_is_not_judged() -> None:
    check = seen(BASIC_NETWORK, "split-point-consistent", "3")
    ctx, record = check.fresh()
    record.message["splitPointIdentifier"] = "5"  # type: ignore[index]
    del ctx.last("2").message["splitPointInformation"]  # type: ignore[union-attr]
    check.run(ctx)
    ctx, record = check.fresh()
    del record.message["splitPointIdentifier"]  # type: ignore[union-attr]
    check.run(ctx)
