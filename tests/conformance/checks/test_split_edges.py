"""The split candidate check at the edges of its tolerances, its defaults, and its messages:
each figure exactly at its documented limit passes, and each message names the figures."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ts26927.conformance.checks import CheckFailed
from ts26927.conformance.context import CaseContext
from ts26927.conformance.truth import truth
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.models.units import BYTES_PER_KB

from .profile_edits import edited_ue
from .recorded import Seen
from .split_support import (
    ACCURACY_TOLERANCE,
    FRAMING_ALLOWANCE,
    MEMORY_TOLERANCE,
    bounds_of,
    candidate_at,
    fails,
    offered,
    ue_side_bounds,
    unit_bytes,
)

SIZE_TOLERANCE = 0.02  # the documented tolerance on announced unit sizes
EDGE = 1 - 1e-9  # lower bounds are floors up to this rounding factor


def _passes(check: Seen, ctx: CaseContext) -> None:
    check.run(ctx)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_accuracy_exactly_a_point_off_passes(sign: float) -> None:
    check = offered()
    ctx, _ = check.fresh()
    measured = truth("digits").accuracy(None, CodecChain.parse("NONE"))
    assert measured is not None
    candidate_at(ctx)["accuracy"] = measured + sign * ACCURACY_TOLERANCE
    _passes(check, ctx)


def test_an_uncoded_size_exactly_the_framing_allowance_off_passes() -> None:
    check = offered()
    ctx, _ = check.fresh()
    unit = unit_bytes(ctx, candidate_at(ctx))
    candidate_at(ctx)["intermediateDataSize"] = (unit + FRAMING_ALLOWANCE) / BYTES_PER_KB
    _passes(check, ctx)
    size = (unit + 2 * FRAMING_ALLOWANCE) / BYTES_PER_KB
    candidate_at(ctx)["intermediateDataSize"] = size
    fails(check, ctx, f"a unit of this data is {unit / BYTES_PER_KB:g} KB$")


def _coded(ctx: CaseContext) -> tuple[dict[str, Any], int]:
    """The ZSTD candidate and the size of its data uncoded (the plain unit)."""
    candidate = candidate_at(ctx, 1)
    assert candidate["intermediateDataInformation"]["compressionAlgorithms"] == ["ZSTD"]
    return candidate, unit_bytes(ctx, candidate_at(ctx, 0))


def test_a_losslessly_coded_size_exactly_at_its_maximum_passes() -> None:
    check = offered()
    ctx, _ = check.fresh()
    candidate, plain = _coded(ctx)
    candidate["intermediateDataSize"] = (
        plain * (1 + SIZE_TOLERANCE) + FRAMING_ALLOWANCE
    ) / BYTES_PER_KB
    _passes(check, ctx)


def test_a_losslessly_coded_size_a_few_bytes_over_its_maximum_fails() -> None:
    check = offered()
    ctx, _ = check.fresh()
    candidate, plain = _coded(ctx)
    size = (plain * (1 + SIZE_TOLERANCE) + FRAMING_ALLOWANCE + 8) / BYTES_PER_KB
    candidate["intermediateDataSize"] = size
    fails(check, ctx, rf"exceeds this data uncoded \({plain / BYTES_PER_KB:g} KB\)$")


def test_the_topology_is_the_ue_first_one_unless_the_case_names_it() -> None:
    check = offered()
    ctx, _ = check.fresh()
    del ctx.params["topology"]
    _passes(check, ctx)
    candidate_at(ctx)["topology"] = "NETWORK_SOURCE"
    fails(check, ctx, "topology NETWORK_SOURCE; the case's is UE_SOURCE_UE_FIRST")


def test_a_missing_total_latency_is_named_first_in_its_reason() -> None:
    check = offered()
    ctx, _ = check.fresh()
    del candidate_at(ctx)["totalLatency"]
    fails(check, ctx, r"\): totalLatency is missing, and the service has a latency budget")


@pytest.mark.parametrize("key", ["totalLatency", "ueInferenceLatency", "transferLatency"])
def test_a_latency_exactly_at_its_floor_passes(key: str) -> None:
    check = offered()
    ctx, _ = check.fresh()
    limits = bounds_of(ctx, candidate_at(ctx))
    least = {
        "totalLatency": limits.total_ms,
        "ueInferenceLatency": limits.ue_ms,
        "transferLatency": limits.transfer_ms,
    }[key]
    assert least is not None
    candidate_at(ctx)[key] = least * EDGE
    _passes(check, ctx)


def test_with_the_media_in_the_network_the_downlink_carries_the_data() -> None:
    check = offered()
    ctx, _ = check.fresh(params={"topology": "NETWORK_SOURCE"})
    candidate = candidate_at(ctx)
    candidate["topology"] = "NETWORK_SOURCE"
    candidate["intermediateDataInformation"]["dataDirection"] = "DOWNSTREAM"
    candidate["uplinkLatency"] = 0.0  # the data does not go up
    candidate["downlinkLatency"] = 1e6
    with pytest.raises(CheckFailed) as raised:
        check.run(ctx)
    assert "uplinkLatency" not in str(raised.value)
    assert "downlinkLatency" not in str(raised.value)
    assert "the case's is" not in str(raised.value)  # the topology is the case's
    candidate["downlinkLatency"] = 0.0
    fails(check, ctx, r"downlinkLatency 0\.0 ms is below the .* ms minimum")


@pytest.mark.parametrize("where", ["low", "high"])
def test_the_announced_memory_exactly_at_its_bounds_passes(where: str) -> None:
    check = offered()
    ctx, _ = check.fresh()
    low, high, _ = ue_side_bounds(ctx)
    edge = {"low": low * (1 - 1e-6), "high": high * (1 + MEMORY_TOLERANCE) + 1e-3}[where]
    candidate_at(ctx)["ueProfile"]["memory"] = edge
    _passes(check, ctx)


def test_the_memory_message_names_both_bounds() -> None:
    check = offered()
    ctx, _ = check.fresh()
    candidate_at(ctx)["ueProfile"]["memory"] = 1e6
    reason = "(its weights and largest tensor) and .* MB (weights and every tensor at once)"
    fails(check, ctx, re.escape(reason).replace(r"\.\*", ".*"))


def test_the_announced_memory_may_be_all_the_ue_has(monkeypatch: pytest.MonkeyPatch) -> None:
    check = offered()
    ctx, _ = check.fresh()
    _, high, _ = ue_side_bounds(ctx)
    fixture = edited_ue(monkeypatch, memory_mb=high)
    ctx, _ = check.fresh(fixtures={"ueCapabilities": fixture})
    candidate_at(ctx)["ueProfile"]["memory"] = high
    _passes(check, ctx)


def test_a_ue_that_states_no_processing_capabilities_is_not_held_to_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    check = offered()
    fixture = edited_ue(monkeypatch, processingCapabilities=None)
    ctx, _ = check.fresh(fixtures={"ueCapabilities": fixture})
    for key in ("ueInferenceLatency", "totalLatency"):  # no compute: no floor from it
        candidate_at(ctx).pop(key, None)
    candidate_at(ctx)["totalLatency"] = 50
    _passes(check, ctx)


def test_a_lossless_coder_may_bring_a_candidate_within_the_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # At 4 kbit/s the 40 bytes of dense3 take at least 80 ms plain: over the 50 ms budget.
    # A lossless coder may halve them (the suite cannot know how well another coder does),
    # so the ZSTD candidate may still meet the budget and must not be called infeasible.
    check = offered()
    slow = edited_ue(monkeypatch, connectionCapabilities="4 Kbps")
    ctx, _ = check.fresh(fixtures={"ueCapabilities": slow})
    message = ctx.records[-1].message
    assert message is not None
    plain, coded = message["candidates"][:2]
    assert coded["intermediateDataInformation"]["compressionAlgorithms"] == ["ZSTD"]
    for candidate in (plain, coded):
        for key in ("transferLatency", "uplinkLatency", "downlinkLatency", "ueInferenceLatency"):
            candidate.pop(key, None)
        candidate["totalLatency"] = 50
    fails(check, ctx, "exceeds the 50 ms budget")
    message["candidates"] = [coded]
    _passes(check, ctx)
