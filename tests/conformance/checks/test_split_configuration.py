"""The split-configuration check on its own: the reference's configurations from real runs
of the cases on the digits model, altered one defect at a time, held against the model
fixture's own cut and the case's UE and service requirements."""

from __future__ import annotations

import pytest

from ts26927.conformance.truth import truth
from ts26927.engine.onnxtools.codecs import CodecChain

from .profile_edits import edited_service
from .recorded import Seen, seen
from .split_support import (
    ACCURACY_TOLERANCE,
    BASIC,
    DECIDED,
    NETWORK_FIRST,
    OPERATION,
    fails,
    information,
)


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
    information(record)["tensors"][0]["name"] = "no-such-tensor"
    fails(check, ctx, r"split point '6' \(tensors \['no-such-tensor'\]\) is not a split point")


def test_the_other_direction_fails() -> None:
    check = _decided()
    ctx, record = check.fresh()
    information(record)["dataDirection"] = "DOWNSTREAM"
    fails(check, ctx, "dataDirection is DOWNSTREAM, the topology needs UPSTREAM")


def test_a_wrong_tensor_description_fails() -> None:
    check = _decided()
    ctx, record = check.fresh()
    information(record)["tensors"][0]["tensorElementDataType"] = "FLOAT16"
    fails(check, ctx, "it describes the tensors as .*FLOAT16.*; at that cut they are")


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
        fails(check, ctx, f"splitPointIntermediateDataSize {kb} KB; the tensors hold 0.04 KB")


@pytest.mark.parametrize(("kb", "passes"), [(0.265, True), (0.276, False)])
def test_the_raw_size_floor_holds_for_the_largest_digits_tensor(kb: float, passes: bool) -> None:
    # 64 floats, 0.256 KB: 1 % of it (0.00256 KB) is still under the 0.01 KB floor.
    check = _decided()
    ctx, record = check.fresh()
    information(record)["tensors"] = [
        {"name": "scaled", "tensorShape": [1, 64], "tensorElementDataType": "FLOAT"}
    ]
    record.message["splitPointInformation"]["splitPointIntermediateDataSize"] = kb  # type: ignore[index]
    if passes:
        check.run(ctx)
    else:
        fails(check, ctx, f"splitPointIntermediateDataSize {kb} KB; the tensors hold 0.256 KB")


def test_a_codec_the_ue_lacks_fails() -> None:
    check = _decided()
    ctx, record = check.fresh()
    information(record)["compressionAlgorithms"] = ["INT8"]  # ue-ample: NONE and ZSTD
    fails(check, ctx, "the UE does not support INT8")
    information(record)["compressionAlgorithms"] = ["FLOAT16", "LZ4"]
    fails(check, ctx, "the UE does not support FLOAT16, LZ4")


def test_a_codec_the_ue_declares_passes() -> None:
    check = _decided()
    ctx, record = check.fresh()
    information(record)["compressionAlgorithms"] = ["ZSTD"]
    check.run(ctx)


def test_a_configuration_beyond_the_ue_memory_fails() -> None:
    check = _decided()
    ctx, _ = check.fresh(fixtures={"ueCapabilities": "ue-digits-low-memory"})
    fails(check, ctx, r"the UE's sub-model needs at least 0.02654 MB .* the UE has 0.02 MB")


def test_a_configuration_beyond_the_latency_budget_fails() -> None:
    check = _decided()
    ctx, _ = check.fresh(
        fixtures={"ueCapabilities": "ue-digits-slow", "serviceRequirements": "service-digits-fast"}
    )
    fails(check, ctx, r"at least 66 ms \(UE inference >= 65.97 ms, .*\) exceeds the 20 ms budget")


def test_a_configuration_below_the_accuracy_floor_fails() -> None:
    check = _decided()
    ctx, _ = check.fresh(fixtures={"serviceRequirements": "service-digits-unreachable-accuracy"})
    fails(check, ctx, "accuracy measured on the held-out set is 97.56 %, below the 99.9 % floor")


@pytest.mark.parametrize(("above", "passes"), [(0.9, True), (1.1, False)])
def test_the_accuracy_floor_allows_a_point(
    monkeypatch: pytest.MonkeyPatch, above: float, passes: bool
) -> None:
    measured = truth("digits").accuracy(None, CodecChain.parse("NONE"))
    assert measured is not None
    service = edited_service(
        monkeypatch, minimumServiceInferenceAccuracy=measured + above * ACCURACY_TOLERANCE
    )
    check = _decided()
    ctx, _ = check.fresh(fixtures={"serviceRequirements": service})
    if passes:
        check.run(ctx)
    else:
        fails(check, ctx, "below the")


def test_several_problems_are_all_reported() -> None:
    check = _decided()
    ctx, record = check.fresh(fixtures={"ueCapabilities": "ue-digits-low-memory"})
    information(record)["dataDirection"] = "DOWNSTREAM"
    fails(check, ctx, "dataDirection is DOWNSTREAM.*; the UE's sub-model needs at least")


def test_an_unjudged_accuracy_floor_is_noted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(truth("digits"), "accuracy", lambda cut, chain: None)
    check = _decided()
    ctx, _ = check.fresh()
    check.run(ctx)
    assert ctx.notes == ["digits has no labelled data: the accuracy floor was not judged"]


def test_a_basic_session_must_carry_the_delivered_sub_model_s_boundary() -> None:
    check = seen(BASIC, "split-configuration", "10")
    ctx, record = check.fresh()
    information(record)["tensors"] = [
        {"name": "relu1", "tensorShape": [1, 64], "tensorElementDataType": "FLOAT"}
    ]
    fails(
        check,
        ctx,
        r"the session carries \['relu1'\]; the UE's sub-model delivered at step 6 meets the "
        r"network's at \['scaled'\]",
    )


def test_a_basic_session_is_held_against_the_ue() -> None:
    check = seen(BASIC, "split-configuration", "10")
    ctx, record = check.fresh(fixtures={"ueCapabilities": "ue-ample"})
    assert information(record)["compressionAlgorithms"] == ["INT8"]
    fails(check, ctx, "the UE does not support INT8")  # the ample UE declares no INT8
