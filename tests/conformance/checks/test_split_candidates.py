"""The split-candidates check on its own (the network's offer, 4b): each announced figure
held against its bounds, from the reference's own candidates altered one at a time."""

from __future__ import annotations

import pytest

from ts26927.conformance.truth import truth
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.models.units import BYTES_PER_KB

from .profile_edits import edited_service, edited_ue
from .split_support import (
    ACCURACY_TOLERANCE,
    FLOP_SLACK,
    FRAMING_ALLOWANCE,
    MEMORY_TOLERANCE,
    bounds_of,
    candidate_at,
    fails,
    offered,
    ue_side_bounds,
    unit_bytes,
)

# -- split-candidates --------------------------------------------------------------------


def test_the_reference_s_candidates_pass() -> None:
    check = offered()
    ctx, record = check.fresh()
    assert len(record.message["candidates"]) > 1  # type: ignore[index]
    check.run(ctx)


def test_a_candidate_that_is_no_split_point_fails() -> None:
    check = offered()
    ctx, _ = check.fresh()
    candidate_at(ctx, 2)["intermediateDataInformation"]["tensors"][0]["name"] = "pixels"
    fails(check, ctx, r"\(tensors \['pixels'\]\) is not a split point of model digits")


def test_an_infeasible_candidate_is_named() -> None:
    check = offered()
    ctx, _ = check.fresh()
    candidate_at(ctx, 3)["intermediateDataInformation"]["compressionAlgorithms"] = ["INT8"]
    fails(check, ctx, r"candidates/3 \(5/NONE\): the UE does not support INT8")
    del candidate_at(ctx, 3)["configurationIdentifier"]
    fails(check, ctx, r"candidates/3 \(3\): the UE does not support INT8")


def test_another_topology_fails() -> None:
    check = offered()
    ctx, _ = check.fresh()
    candidate_at(ctx)["topology"] = "NETWORK_SOURCE"
    fails(check, ctx, "topology NETWORK_SOURCE; the case's is UE_SOURCE_UE_FIRST")


def test_a_missing_accuracy_fails_under_a_floor_only(monkeypatch: pytest.MonkeyPatch) -> None:
    check = offered()
    ctx, _ = check.fresh()
    del candidate_at(ctx)["accuracy"]
    fails(check, ctx, r"candidates/0 \(6/NONE\): accuracy is missing, and the service requires")
    service = edited_service(monkeypatch, minimumServiceInferenceAccuracy=None)
    ctx, _ = check.fresh(fixtures={"serviceRequirements": service})
    del candidate_at(ctx)["accuracy"]
    check.run(ctx)


@pytest.mark.parametrize(("offset", "passes"), [(0.9, True), (-0.9, True),
                                                (1.1, False), (-1.1, False)])  # fmt: skip
def test_accuracy_within_a_point_of_the_measured(offset: float, passes: bool) -> None:
    check = offered()
    ctx, _ = check.fresh()
    measured = truth("digits").accuracy(None, CodecChain.parse("NONE"))
    candidate_at(ctx)["accuracy"] = measured + offset * ACCURACY_TOLERANCE  # type: ignore[operator]
    if passes:
        check.run(ctx)
    else:
        fails(check, ctx, r"; measured on the held-out set 97\.56 %")


@pytest.mark.parametrize(("extra", "passes"), [(0.9, True), (-0.3, True), (1.1, False)])
def test_an_uncoded_size_within_the_framing_allowance(extra: float, passes: bool) -> None:
    # A digits unit is far smaller than 1024 bytes / 2 %: the framing allowance applies.
    check = offered()
    ctx, _ = check.fresh()
    unit = unit_bytes(ctx, candidate_at(ctx))
    size = (unit + extra * FRAMING_ALLOWANCE) / BYTES_PER_KB
    candidate_at(ctx)["intermediateDataSize"] = size
    if passes:
        check.run(ctx)
    else:
        fails(check, ctx, f"intermediateDataSize {size} KB; a unit of this data is ")


def test_a_losslessly_coded_size_is_only_a_maximum() -> None:
    check = offered()
    ctx, _ = check.fresh()
    candidate = candidate_at(ctx, 1)
    assert candidate["intermediateDataInformation"]["compressionAlgorithms"] == ["ZSTD"]
    candidate["intermediateDataSize"] = 0.001  # a coder may do far better than ours
    check.run(ctx)
    assert ctx.notes == ["after a lossless coder, intermediateDataSize is checked as a maximum"]


@pytest.mark.parametrize(("extra", "passes"), [(0.9, True), (1.1, False)])
def test_a_losslessly_coded_size_cannot_exceed_the_uncoded_data(extra: float, passes: bool) -> None:
    check = offered()
    ctx, _ = check.fresh()
    candidate = candidate_at(ctx, 1)
    # Uncoded, a ZSTD unit of dense3 is the plain unit: its 40 bytes and the same framing.
    plain = unit_bytes(ctx, candidate_at(ctx, 0))
    size = (plain * 1.02 + extra * FRAMING_ALLOWANCE) / BYTES_PER_KB
    candidate["intermediateDataSize"] = size
    if passes:
        check.run(ctx)
    else:
        reason = (
            rf"candidates/1 \(6/ZSTD\): intermediateDataSize {size} KB exceeds this data uncoded"
        )
        fails(check, ctx, reason)


def test_total_latency_is_mandatory_under_a_budget_only(monkeypatch: pytest.MonkeyPatch) -> None:
    check = offered()
    ctx, _ = check.fresh()
    del candidate_at(ctx)["totalLatency"]
    fails(check, ctx, "totalLatency is missing, and the service has a latency budget")
    service = edited_service(monkeypatch, maximumServiceInferenceLatency=None)
    ctx, _ = check.fresh(fixtures={"serviceRequirements": service})
    del candidate_at(ctx)["totalLatency"]
    check.run(ctx)


@pytest.mark.parametrize(("total", "passes"), [(50, True), (49.9, True), (50.5, False)])
def test_total_latency_within_the_budget(total: float, passes: bool) -> None:
    check = offered()
    ctx, _ = check.fresh()
    candidate_at(ctx)["totalLatency"] = total
    if passes:
        check.run(ctx)
    else:
        fails(check, ctx, f"totalLatency {total} ms exceeds the 50 ms budget")


@pytest.mark.parametrize(("factor", "passes"), [(1.0, True), (1 - 1e-6, False), (0.1, False)])
def test_total_latency_cannot_beat_the_lower_bound(factor: float, passes: bool) -> None:
    check = offered()
    ctx, _ = check.fresh()
    least = bounds_of(ctx, candidate_at(ctx)).total_ms
    candidate_at(ctx)["totalLatency"] = least * factor
    if passes:
        check.run(ctx)
    else:
        fails(check, ctx, "totalLatency .* ms is below the .* ms minimum")


@pytest.mark.parametrize(("factor", "passes"), [(1.0, True), (1 - 1e-6, False)])
def test_ue_latency_cannot_beat_the_lower_bound(factor: float, passes: bool) -> None:
    check = offered()
    ctx, _ = check.fresh()
    least = bounds_of(ctx, candidate_at(ctx)).ue_ms
    assert least is not None
    candidate_at(ctx)["ueInferenceLatency"] = least * factor
    if passes:
        check.run(ctx)
    else:
        fails(check, ctx, "ueInferenceLatency .* ms is below the .* ms minimum")


@pytest.mark.parametrize("key", ["transferLatency", "uplinkLatency"])
def test_the_transfer_cannot_beat_the_bandwidth(key: str) -> None:
    check = offered()
    ctx, _ = check.fresh()
    least = bounds_of(ctx, candidate_at(ctx)).transfer_ms
    assert least is not None
    candidate_at(ctx)[key] = least
    check.run(ctx)
    candidate_at(ctx)[key] = least * 0.5
    fails(check, ctx, f"{key} .* ms is below the .* ms minimum")


def test_the_link_the_data_does_not_cross_is_not_bounded() -> None:
    check = offered()
    ctx, _ = check.fresh()
    candidate_at(ctx)["downlinkLatency"] = 0.0  # UE first: the data goes up
    check.run(ctx)


@pytest.mark.parametrize(("where", "passes"), [("low", True), ("under", False),
                                               ("high", True), ("over", False)])  # fmt: skip
def test_the_announced_memory_between_its_bounds(where: str, passes: bool) -> None:
    check = offered()
    ctx, _ = check.fresh()
    low, high, _ = ue_side_bounds(ctx)
    top = high * (1 + MEMORY_TOLERANCE) + 1e-3
    memory = {"low": low, "under": low * (1 - 1e-5), "high": top * (1 - 1e-6), "over": top * 1.01}
    candidate_at(ctx)["ueProfile"]["memory"] = memory[where]
    if passes:
        check.run(ctx)
    else:
        fails(check, ctx, r"ueProfile.memory .* MB; the UE's sub-model needs between")


def test_the_announced_memory_within_the_ue_s(monkeypatch: pytest.MonkeyPatch) -> None:
    check = offered()
    ctx, _ = check.fresh()
    low, high, _ = ue_side_bounds(ctx)
    ue = edited_ue(monkeypatch, memory_mb=(low + high) / 2)  # the sub-model fits, at the least
    ctx, _ = check.fresh(fixtures={"ueCapabilities": ue})
    candidate_at(ctx)["ueProfile"]["memory"] = high
    fails(check, ctx, f"ueProfile.memory {high} MB exceeds the UE's {(low + high) / 2:g} MB")


@pytest.mark.parametrize(("factor", "passes"), [(FLOP_SLACK, True), (1 / FLOP_SLACK, True),
                                                (FLOP_SLACK * 1.01, False),
                                                (1 / FLOP_SLACK / 1.01, False)])  # fmt: skip
def test_the_announced_cost_within_a_factor_two(factor: float, passes: bool) -> None:
    check = offered()
    ctx, _ = check.fresh()
    _, _, flops = ue_side_bounds(ctx)
    candidate_at(ctx)["ueProfile"]["computationalCost"] = flops * factor
    if passes:
        check.run(ctx)
    else:
        fails(check, ctx, r"ueProfile.computationalCost .* FLOP; the UE's sub-model takes 13194")


def test_a_candidate_without_a_profile_passes() -> None:
    check = offered()
    ctx, _ = check.fresh()
    del candidate_at(ctx)["ueProfile"]
    check.run(ctx)
