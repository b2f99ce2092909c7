"""The split-candidates check on its own (the network's offer, 4b): each announced figure
held against its bounds, from the reference's own candidates altered one at a time."""

from __future__ import annotations

from typing import Any

import pytest

from ts26927.conformance.agreement import (
    configuration,
    direction,
    model_truth,
    sample_index,
    ue_first,
)
from ts26927.conformance.context import CaseContext
from ts26927.conformance.feasibility import Bounds, bounds
from ts26927.conformance.fixtures import profiles
from ts26927.conformance.truth import truth
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.models.units import BYTES_PER_KB, BYTES_PER_MB

from .recorded import Seen, seen
from .split_support import (
    ACCURACY_TOLERANCE,
    FLOP_SLACK,
    FRAMING_ALLOWANCE,
    MEMORY_TOLERANCE,
    OFFERED,
    fails,
    service_fixture,
    ue_fixture,
)


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
    fails(check, ctx, r"\(tensors \['pixels'\]\) is not a split point of model digits")


def test_an_infeasible_candidate_is_named() -> None:
    check = _offered()
    ctx, _ = check.fresh()
    _candidate(ctx, 3)["intermediateDataInformation"]["compressionAlgorithms"] = ["INT8"]
    fails(check, ctx, r"candidates/3 \(5/NONE\): the UE does not support INT8")
    del _candidate(ctx, 3)["configurationIdentifier"]
    fails(check, ctx, r"candidates/3 \(3\): the UE does not support INT8")


def test_another_topology_fails() -> None:
    check = _offered()
    ctx, _ = check.fresh()
    _candidate(ctx)["topology"] = "NETWORK_SOURCE"
    fails(check, ctx, "topology NETWORK_SOURCE; the case's is UE_SOURCE_UE_FIRST")


def test_a_missing_accuracy_fails_under_a_floor_only(monkeypatch: pytest.MonkeyPatch) -> None:
    check = _offered()
    ctx, _ = check.fresh()
    del _candidate(ctx)["accuracy"]
    fails(check, ctx, r"candidates/0 \(6/NONE\): accuracy is missing, and the service requires")
    service = service_fixture(monkeypatch, minimumServiceInferenceAccuracy=None)
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
        fails(check, ctx, r"; measured on the held-out set 97\.56 %")


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
        fails(check, ctx, f"intermediateDataSize {size} KB; a unit of this data is ")


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
        fails(check, ctx, reason)


def test_total_latency_is_mandatory_under_a_budget_only(monkeypatch: pytest.MonkeyPatch) -> None:
    check = _offered()
    ctx, _ = check.fresh()
    del _candidate(ctx)["totalLatency"]
    fails(check, ctx, "totalLatency is missing, and the service has a latency budget")
    service = service_fixture(monkeypatch, maximumServiceInferenceLatency=None)
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
        fails(check, ctx, f"totalLatency {total} ms exceeds the 50 ms budget")


@pytest.mark.parametrize(("factor", "passes"), [(1.0, True), (1 - 1e-6, False), (0.1, False)])
def test_total_latency_cannot_beat_the_lower_bound(factor: float, passes: bool) -> None:
    check = _offered()
    ctx, _ = check.fresh()
    least = _limits(ctx, _candidate(ctx)).total_ms
    _candidate(ctx)["totalLatency"] = least * factor
    if passes:
        check.run(ctx)
    else:
        fails(check, ctx, "totalLatency .* ms is below the .* ms minimum")


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
        fails(check, ctx, "ueInferenceLatency .* ms is below the .* ms minimum")


@pytest.mark.parametrize("key", ["transferLatency", "uplinkLatency"])
def test_the_transfer_cannot_beat_the_bandwidth(key: str) -> None:
    check = _offered()
    ctx, _ = check.fresh()
    least = _limits(ctx, _candidate(ctx)).transfer_ms
    assert least is not None
    _candidate(ctx)[key] = least
    check.run(ctx)
    _candidate(ctx)[key] = least * 0.5
    fails(check, ctx, f"{key} .* ms is below the .* ms minimum")


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
        fails(check, ctx, r"ueProfile.memory .* MB; the UE's sub-model needs between")


def test_the_announced_memory_within_the_ue_s(monkeypatch: pytest.MonkeyPatch) -> None:
    check = _offered()
    ctx, _ = check.fresh()
    low, high, _ = _side(ctx)
    ue = ue_fixture(monkeypatch, (low + high) / 2)  # the sub-model fits, at the least
    ctx, _ = check.fresh(fixtures={"ueCapabilities": ue})
    _candidate(ctx)["ueProfile"]["memory"] = high
    fails(check, ctx, f"ueProfile.memory {high} MB exceeds the UE's {(low + high) / 2:g} MB")


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
        fails(check, ctx, r"ueProfile.computationalCost .* FLOP; the UE's sub-model takes 13194")


def test_a_candidate_without_a_profile_passes() -> None:
    check = _offered()
    ctx, _ = check.fresh()
    del _candidate(ctx)["ueProfile"]
    check.run(ctx)
