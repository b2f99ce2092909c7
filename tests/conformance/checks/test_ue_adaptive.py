"""The checks of the UE side of adaptive model delivery, each called on its own on a real
run of the reference UE (case 003), altered one defect at a time."""

from __future__ import annotations

import pytest

from ts26927.bindings.attachments import array_to_bytes, bytes_to_array
from ts26927.conformance.builders.adaptive_delivery import network_model
from ts26927.conformance.checks import CheckFailed
from ts26927.conformance.context import CaseDataError

from .recorded import seen

CASE = "5.2.2.2.2-adaptive-model-delivery-003"


@pytest.mark.parametrize(
    ("check", "step", "calls"),
    [
        ("adaptive-ue-request", "3", 1),
        ("adaptive-ue-session", "5", 1),
        ("adaptive-ue-handover", "7", 3),
        ("adaptive-ue-output", "10", 3),
        ("adaptive-ue-update-request", "11", 2),
        ("adaptive-ue-applied", "12", 2),
    ],
)
def test_the_reference_ue_passes_every_call(check: str, step: str, calls: int) -> None:
    for nth in range(calls):
        call = seen(CASE, check, step, nth)
        ctx, _ = call.fresh()
        call.run(ctx)
    with pytest.raises(LookupError):
        seen(CASE, check, step, calls)


# -- step 3 --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"modelIdentifier": "squeezenet"}, "model 'squeezenet' is not the manifest's"),
        ({"variantIdentifier": "digits-int4"}, "'digits-int4' is not in the manifest"),
        ({"variantIdentifier": "digits-int16"}, "is an update of 'digits-int8', not a model"),
        ({"variantIdentifier": "digits-full"}, "'digits-full' is not an adaptive model"),
    ],
)
def test_a_request_for_no_listed_adaptive_model_fails(change: dict[str, str], reason: str) -> None:
    call = seen(CASE, "adaptive-ue-request", "3")
    ctx, record = call.fresh()
    record.message = {**(record.message or {}), **change}
    with pytest.raises(CheckFailed, match=reason):
        call.run(ctx)


# -- step 5 --------------------------------------------------------------------------------
def test_a_session_for_another_variant_or_model_fails() -> None:
    call = seen(CASE, "adaptive-ue-session", "5")
    ctx, record = call.fresh()
    record.message = {**(record.message or {}), "variantIdentifier": "digits-fp32"}
    with pytest.raises(CheckFailed, match="the UE asked for 'digits-int8'"):
        call.run(ctx)
    record.message = {**record.message, "modelIdentifier": "other"}
    with pytest.raises(CheckFailed, match="model 'other' is not the manifest's"):
        call.run(ctx)


def test_a_session_naming_no_variant_passes() -> None:
    call = seen(CASE, "adaptive-ue-session", "5")
    ctx, record = call.fresh()
    record.message = {k: v for k, v in (record.message or {}).items() if k != "variantIdentifier"}
    call.run(ctx)


# -- step 7 --------------------------------------------------------------------------------
def test_a_handover_of_other_bytes_or_another_variant_fails() -> None:
    call = seen(CASE, "adaptive-ue-handover", "7", 1)
    ctx, record = call.fresh()
    record.message = {**(record.message or {}), "variantIdentifier": "digits-int8"}
    with pytest.raises(CheckFailed, match="'digits-int8' handed over; 'digits-int16' came"):
        call.run(ctx)
    record.message = {**record.message, "sha256": "0" * 64}
    with pytest.raises(CheckFailed, match="is not the delivered package's"):
        call.run(ctx)


# -- step 10 -------------------------------------------------------------------------------
def test_the_base_output_reported_after_an_update_fails() -> None:
    base = seen(CASE, "adaptive-ue-output", "10", 0)
    call = seen(CASE, "adaptive-ue-output", "10", 1)
    ctx, record = call.fresh()
    record.attachments["output"] = base.ctx.records[base.count - 1].attachments["output"]
    with pytest.raises(CheckFailed, match="inference output at level 1: relative difference"):
        call.run(ctx)


def test_an_output_off_by_more_than_rounding_fails_and_within_it_passes() -> None:
    call = seen(CASE, "adaptive-ue-output", "10", 2)
    ctx, record = call.fresh()
    output = bytes_to_array(record.attachments["output"])
    record.attachments["output"] = array_to_bytes(output * (1 + 1e-7))
    call.run(ctx)
    record.attachments["output"] = array_to_bytes(output * 1.001)
    with pytest.raises(CheckFailed, match="at level 2"):
        call.run(ctx)


def test_a_missing_output_fails() -> None:
    call = seen(CASE, "adaptive-ue-output", "10")
    ctx, record = call.fresh()
    del record.attachments["output"]
    with pytest.raises(CheckFailed, match="attachment 'output' is missing"):
        call.run(ctx)


def test_an_output_before_any_delivery_is_an_error_of_the_case() -> None:
    call = seen(CASE, "adaptive-ue-output", "10")
    ctx, _ = call.fresh()
    ctx.records = [r for r in ctx.records if r.step != "6"]
    with pytest.raises(
        CaseDataError,
        match=r"^5\.2\.2\.2\.2-adaptive-model-delivery-003: no package has been delivered$",
    ):
        call.run(ctx)


@pytest.mark.parametrize("nth", [0, 2])  # the base, the last update
def test_a_delivered_package_without_its_model_fails(nth: int) -> None:
    call = seen(CASE, "adaptive-ue-output", "10", 2)
    ctx, _ = call.fresh()
    del ctx.all("6", "TS")[nth].attachments["model"]
    with pytest.raises(CheckFailed, match=r"^step 6: attachment 'model' is missing$"):
        call.run(ctx)


def test_a_level_the_case_sample_cannot_run_on_names_the_level() -> None:
    # The preamble names another model than the packages encode: the level's own model
    # does not take the fixture's input.
    call = seen(CASE, "adaptive-ue-output", "10", 1)
    ctx, _ = call.fresh(params={"model": "squeezenet", "sample": 0})
    with pytest.raises(CheckFailed, match=r"^level 1: input 'data_0': not an input"):
        call.run(ctx)


# -- step 11 -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"fromVariant": "digits-int16"}, "fromVariant 'digits-int16'; the UE holds 'digits-int8'"),
        ({"toVariant": "digits-fp32"}, "'digits-fp32' is not a listed update of 'digits-int8'"),
        ({"toVariant": "digits-int4"}, "'digits-int4' is not a listed update"),
        ({"modelIdentifier": "other"}, "model 'other' is not the manifest's"),
    ],
)
def test_an_update_request_not_for_the_level_held_fails(
    change: dict[str, str], reason: str
) -> None:
    call = seen(CASE, "adaptive-ue-update-request", "11", 0)
    ctx, record = call.fresh()
    record.message = {**(record.message or {}), **change}
    with pytest.raises(CheckFailed, match=reason):
        call.run(ctx)


# -- step 12 -------------------------------------------------------------------------------
def test_a_refined_model_still_at_the_lower_level_fails() -> None:
    first = seen(CASE, "adaptive-ue-applied", "12", 0)
    call = seen(CASE, "adaptive-ue-applied", "12", 1)
    ctx, record = call.fresh()
    record.attachments["model"] = first.ctx.records[first.count - 1].attachments["model"]
    with pytest.raises(CheckFailed, match="not the full model bit for bit"):
        call.run(ctx)
    ctx, record = first.fresh()
    record.attachments["model"] = network_model("digits").full  # level 2, not level 1
    with pytest.raises(CheckFailed, match="output at level 1: relative difference"):
        first.run(ctx)


def test_a_refined_model_that_is_not_onnx_or_missing_fails() -> None:
    call = seen(CASE, "adaptive-ue-applied", "12", 0)
    ctx, record = call.fresh()
    record.attachments["model"] = b"not a model"
    with pytest.raises(CheckFailed, match="the refined model does not run"):
        call.run(ctx)
    del record.attachments["model"]
    with pytest.raises(CheckFailed, match="attachment 'model' is missing"):
        call.run(ctx)


def test_the_full_model_with_other_bytes_fails_the_bit_exact_check() -> None:
    call = seen(CASE, "adaptive-ue-applied", "12", 1)
    ctx, record = call.fresh()
    record.attachments["model"] = record.attachments["model"] + b"\x00"
    with pytest.raises(CheckFailed, match="not the full model bit for bit"):
        call.run(ctx)
