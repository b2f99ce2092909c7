"""The model delivery checks, each called on its own: the records are the reference's own
(from real runs of the cases), altered one defect at a time, against the real model
fixture and the fixture UE capabilities and service requirements."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import onnx
import pytest

from ts26927.bindings.attachments import array_to_bytes, bytes_to_array
from ts26927.conformance.checks import CheckFailed, run_check
from ts26927.conformance.context import CaseContext, Record
from ts26927.conformance.truth import truth
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.digest import sha256
from ts26927.models.units import BYTES_PER_MB

from .profile_edits import edited_service, edited_ue
from .recorded import Seen, seen

DELIVERY = "5.2.2.2.1-model-delivery-001"
OUTPUT = "5.2.2.2.1-model-delivery-004"
DISTRIBUTION = "5.3.6-model-distribution-001"

# The documented tolerances, written out: a test that read them from the module would
# move with them.
MODEL_SIZE_TOLERANCE = 0.05
ACCURACY_TOLERANCE = 1.0


def _with_model(record: Record, data: bytes) -> None:
    """The record delivers ``data`` under its true size and SHA-256."""
    record.attachments["model"] = data
    record.message = {**(record.message or {}), "size": len(data), "sha256": sha256(data)}


def _info(ctx: CaseContext) -> dict:
    return ctx.records[-1].message["aiModelInformation"]  # type: ignore[index]


# -- delivered-model ---------------------------------------------------------------------
def _delivered() -> Seen:
    return seen(DELIVERY, "delivered-model", "5")


def test_the_delivered_fixture_passes() -> None:
    check = _delivered()
    ctx, record = check.fresh()
    assert record.attachments["model"] == truth("digits").fixture.data
    check.run(ctx)


def test_a_delivery_of_another_size_than_announced_fails() -> None:
    check = _delivered()
    ctx, record = check.fresh()
    size = len(record.attachments["model"])
    record.message["size"] = size + 1  # type: ignore[index]
    with pytest.raises(CheckFailed, match=f"received {size} bytes, the message says {size + 1}"):
        check.run(ctx)


def test_a_truncated_delivery_fails_on_its_size() -> None:
    check = _delivered()
    ctx, record = check.fresh()
    record.attachments["model"] = record.attachments["model"][:-1]
    with pytest.raises(CheckFailed, match="bytes, the message says"):
        check.run(ctx)


def test_a_delivery_under_another_sha256_fails() -> None:
    check = _delivered()
    ctx, record = check.fresh()
    record.message["sha256"] = sha256(b"another model")  # type: ignore[index]
    with pytest.raises(CheckFailed, match="do not have the announced SHA-256"):
        check.run(ctx)


def test_altered_bytes_under_the_old_sha256_fail() -> None:
    check = _delivered()
    ctx, record = check.fresh()
    data = bytearray(record.attachments["model"])
    data[len(data) // 2] ^= 0x01  # same size, other bytes
    record.attachments["model"] = bytes(data)
    with pytest.raises(CheckFailed, match="announced SHA-256"):
        check.run(ctx)


def test_corrupt_bytes_under_their_own_size_and_sha256_fail_to_load() -> None:
    check = _delivered()
    ctx, record = check.fresh()
    _with_model(record, record.attachments["model"][: len(record.attachments["model"]) // 2])
    with pytest.raises(CheckFailed, match="not an ONNX model"):
        check.run(ctx)


def test_a_delivery_without_the_model_attachment_fails() -> None:
    check = _delivered()
    ctx, record = check.fresh()
    del record.attachments["model"]
    with pytest.raises(CheckFailed, match="attachment 'model' is missing"):
        check.run(ctx)


# -- delivered-model-computes-fixture ----------------------------------------------------
def _computes() -> Seen:
    return seen(DELIVERY, "delivered-model-computes-fixture", "5")


def _edited_model(record: Record, edit: Callable[[onnx.ModelProto], None]) -> None:
    model = onnx.load_from_string(record.attachments["model"])
    edit(model)
    _with_model(record, model.SerializeToString())


def test_the_fixture_computes_itself() -> None:
    check = _computes()
    check.run(check.fresh()[0])


def test_a_model_with_another_input_name_fails() -> None:
    def rename(model: onnx.ModelProto) -> None:
        old = model.graph.input[0].name
        model.graph.input[0].name = "image"
        for node in model.graph.node:
            node.input[:] = ["image" if n == old else n for n in node.input]

    check = _computes()
    ctx, record = check.fresh()
    _edited_model(record, rename)
    with pytest.raises(CheckFailed, match=r"takes \['image'\], the model digits takes"):
        check.run(ctx)


def test_a_model_with_other_weights_fails() -> None:
    def retrain(model: onnx.ModelProto) -> None:
        weights = max(model.graph.initializer, key=lambda t: len(t.raw_data))
        scaled = onnx.numpy_helper.to_array(weights) * 1.5
        weights.CopyFrom(onnx.numpy_helper.from_array(scaled.astype("float32"), weights.name))

    check = _computes()
    ctx, record = check.fresh()
    _edited_model(record, retrain)
    with pytest.raises(CheckFailed, match="the delivered model's output: relative difference"):
        check.run(ctx)


def test_a_model_that_does_not_load_cannot_compute() -> None:
    check = _computes()
    ctx, record = check.fresh()
    record.attachments["model"] = b"not a model"
    with pytest.raises(CheckFailed, match="not an ONNX model"):
        check.run(ctx)


# -- model-information -------------------------------------------------------------------
def _information() -> Seen:
    return seen(DELIVERY, "model-information", "2")


def test_the_reference_describes_the_model_truly() -> None:
    check = _information()
    ctx, _ = check.fresh()
    check.run(ctx)
    assert not ctx.notes


def test_the_description_may_be_read_elsewhere() -> None:
    check = _information()
    ctx, record = check.fresh()
    record.message = {"described": _info(ctx)}
    run_check("model-information", ctx, record, {"pointer": "/described"})
    with pytest.raises(CheckFailed, match=r"does not describe the model \(aiModelInformation\)"):
        check.run(ctx)


def test_a_message_without_the_description_fails() -> None:
    check = _information()
    ctx, record = check.fresh()
    del record.message["aiModelInformation"]  # type: ignore[union-attr]
    with pytest.raises(CheckFailed, match="does not describe the model"):
        check.run(ctx)


@pytest.mark.parametrize(("factor", "passes"), [(1 + 0.8 * MODEL_SIZE_TOLERANCE, True),
                                                (1 - 0.8 * MODEL_SIZE_TOLERANCE, True),
                                                (1 + 1.2 * MODEL_SIZE_TOLERANCE, False),
                                                (1 - 1.2 * MODEL_SIZE_TOLERANCE, False),
                                                (1000.0, False)])  # fmt: skip
def test_model_size_within_its_tolerance(factor: float, passes: bool) -> None:
    check = _information()
    ctx, _ = check.fresh()
    _info(ctx)["modelSize"] = len(truth("digits").fixture.data) / BYTES_PER_MB * factor
    if passes:
        check.run(ctx)
    else:
        with pytest.raises(CheckFailed, match=r"modelSize .* MB; the model is 0\.026881 MB"):
            check.run(ctx)


def test_an_absent_model_size_is_not_judged() -> None:
    check = _information()
    ctx, _ = check.fresh()
    del _info(ctx)["modelSize"]
    check.run(ctx)


@pytest.mark.parametrize(("offset", "passes"), [(0, True), (65, True), (-65, True),
                                                (66, False), (-66, False)])  # fmt: skip
def test_number_of_parameters_within_its_tolerance(offset: int, passes: bool) -> None:
    parameters = truth("digits").parameter_count
    assert parameters == 6571  # 1 % of it is 65.71: the bound the offsets straddle
    check = _information()
    ctx, _ = check.fresh()
    _info(ctx)["numberOfParameters"] = parameters + offset
    if passes:
        check.run(ctx)
    else:
        with pytest.raises(CheckFailed, match=f"numberOfParameters {parameters + offset}; "):
            check.run(ctx)


def test_accuracy_is_mandatory_under_an_accuracy_floor() -> None:
    check = _information()
    ctx, _ = check.fresh()
    del _info(ctx)["accuracy"]
    with pytest.raises(CheckFailed, match="accuracy is missing, and the service requires"):
        check.run(ctx)


def test_accuracy_may_be_left_out_without_a_floor() -> None:
    check = _information()
    ctx, _ = check.fresh(fixtures={"serviceRequirements": "service-image-classification"})
    del _info(ctx)["accuracy"]
    check.run(ctx)


@pytest.mark.parametrize(("offset", "passes"), [(0.9, True), (-0.9, True),
                                                (1.1, False), (-1.1, False)])  # fmt: skip
def test_accuracy_within_a_point_of_the_measured(offset: float, passes: bool) -> None:
    measured = truth("digits").accuracy(None, CodecChain.parse("NONE"))
    assert measured is not None
    check = _information()
    ctx, _ = check.fresh()
    _info(ctx)["accuracy"] = measured + offset * ACCURACY_TOLERANCE
    if passes:
        check.run(ctx)
    else:
        with pytest.raises(CheckFailed, match=r"; measured on the held-out set: 97\.56 %"):
            check.run(ctx)


def test_accuracy_of_a_model_without_labels_is_noted_not_judged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(truth("digits"), "accuracy", lambda cut, chain: None)
    check = _information()
    ctx, _ = check.fresh()
    _info(ctx)["accuracy"] = 12.0
    check.run(ctx)
    assert ctx.notes == ["digits has no labelled data: its accuracy was not checked"]


# -- model-fits-ue -----------------------------------------------------------------------
def _fits() -> Seen:
    return seen(DELIVERY, "model-fits-ue", "2")


def test_the_digits_model_fits_an_ample_ue() -> None:
    check = _fits()
    check.run(check.fresh()[0])


def test_a_format_the_ue_does_not_support_fails() -> None:
    check = _fits()
    ctx, _ = check.fresh()
    _info(ctx)["formatFramework"] = [{"name": "TENSORFLOW_LITE", "version": "2.13.0"}]
    with pytest.raises(
        CheckFailed, match=r"model format \['TENSORFLOW_LITE'\] is not one the UE supports"
    ):
        check.run(ctx)


def test_one_supported_format_among_others_passes() -> None:
    check = _fits()
    ctx, _ = check.fresh()
    _info(ctx)["formatFramework"].insert(0, {"name": "PYTORCH", "version": "2.0"})
    check.run(ctx)


def test_an_undescribed_model_is_judged_on_the_fixture_alone() -> None:
    check = _fits()
    ctx, record = check.fresh()
    record.message = {"modelIdentifier": "digits"}
    check.run(ctx)
    ctx, record = check.fresh(fixtures={"ueCapabilities": "ue-digits-low-memory"})
    record.message = {"modelIdentifier": "digits"}
    with pytest.raises(CheckFailed, match="weights alone"):
        check.run(ctx)


def test_weights_beyond_the_ue_memory_fail() -> None:
    check = _fits()
    ctx, _ = check.fresh(fixtures={"ueCapabilities": "ue-digits-low-memory"})
    with pytest.raises(CheckFailed, match=r"its weights alone need 0.02628 MB > 0.02 MB"):
        check.run(ctx)


@pytest.mark.parametrize(("factor", "passes"), [(1.001, True), (0.999, False)])
def test_memory_just_enough_for_the_weights(
    monkeypatch: pytest.MonkeyPatch, factor: float, passes: bool
) -> None:
    ue = edited_ue(monkeypatch, memory_mb=truth("digits").parameter_bytes / BYTES_PER_MB * factor)
    check = _fits()
    ctx, _ = check.fresh(fixtures={"ueCapabilities": ue})
    if passes:
        check.run(ctx)
    else:
        with pytest.raises(CheckFailed, match="weights alone need"):
            check.run(ctx)


def test_a_model_below_the_accuracy_floor_fails() -> None:
    check = _fits()
    ctx, _ = check.fresh(fixtures={"serviceRequirements": "service-digits-unreachable-accuracy"})
    with pytest.raises(CheckFailed, match=r"measured accuracy 97.56 % is below the 99.9 % floor"):
        check.run(ctx)


@pytest.mark.parametrize(("above", "passes"), [(0.9, True), (1.1, False)])
def test_the_accuracy_floor_allows_a_point(
    monkeypatch: pytest.MonkeyPatch, above: float, passes: bool
) -> None:
    measured = truth("digits").accuracy(None, CodecChain.parse("NONE"))
    assert measured is not None
    service = edited_service(
        monkeypatch, minimumServiceInferenceAccuracy=measured + above * ACCURACY_TOLERANCE
    )
    check = _fits()
    ctx, _ = check.fresh(fixtures={"serviceRequirements": service})
    if passes:
        check.run(ctx)
    else:
        with pytest.raises(CheckFailed, match="is below the"):
            check.run(ctx)


# -- model-output-equals-reference -------------------------------------------------------
def _output() -> Seen:
    return seen(OUTPUT, "model-output-equals-reference", "9")


def _with_output(record: Record, change: Callable[[np.ndarray], np.ndarray]) -> None:
    record.attachments["output"] = array_to_bytes(
        change(bytes_to_array(record.attachments["output"]))
    )


def test_the_ue_output_is_the_whole_model_s() -> None:
    check = _output()
    check.run(check.fresh()[0])


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda a: a + 0.5, "inference output: relative difference 5.00e-01"),
        (lambda a: a[:, :5], r"inference output: shape \[1, 5\], expected \[1, 10\]"),
        (lambda a: a.astype("float64"), "inference output: element type float64, expected float32"),
        (lambda a: a * float("nan"), "inference output: holds NaN or infinity"),
    ],
)
def test_another_output_fails(change: Callable[[np.ndarray], np.ndarray], reason: str) -> None:
    check = _output()
    ctx, record = check.fresh()
    _with_output(record, change)
    with pytest.raises(CheckFailed, match=reason):
        check.run(ctx)


def test_an_output_of_another_sample_fails() -> None:
    check = _output()
    ctx, _ = check.fresh(params={"sample": 0})  # the case ran sample 8
    with pytest.raises(CheckFailed, match="relative difference"):
        check.run(ctx)


def test_no_output_attachment_fails() -> None:
    check = _output()
    ctx, record = check.fresh()
    record.attachments.clear()
    with pytest.raises(CheckFailed, match="attachment 'output' is missing"):
        check.run(ctx)


# -- same-model-as-ingested --------------------------------------------------------------
def _ingested() -> Seen:
    return seen(DISTRIBUTION, "same-model-as-ingested", "8")


def test_the_ingested_model_is_delivered() -> None:
    check = _ingested()
    check.run(check.fresh()[0])


def test_another_model_than_the_ingested_one_fails() -> None:
    check = _ingested()
    ctx, record = check.fresh()
    _with_model(record, record.attachments["model"] + b"\x00")
    with pytest.raises(CheckFailed, match="the delivered model is not the ingested one"):
        check.run(ctx)


def test_a_delivery_without_an_ingest_fails() -> None:
    check = _ingested()
    ctx, _ = check.fresh()
    ctx.records[:] = [r for r in ctx.records if r.step != "3"]
    with pytest.raises(CheckFailed, match="not the ingested one"):
        check.run(ctx)
