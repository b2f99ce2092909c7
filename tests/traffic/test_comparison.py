"""Computed figures beside the published rows: each number follows from the measurements,
and each explanation quotes the numbers it is about."""

from __future__ import annotations

import pytest

from ts26927.traffic import rates
from ts26927.traffic.comparison import FPN_LEVELS, Comparison, comparisons, coverage
from ts26927.traffic.published import PUBLISHED_KPIS
from ts26927.traffic.report import Measurements, measurements


@pytest.fixture(scope="module")
def measured() -> Measurements:
    return measurements()


@pytest.fixture(scope="module")
def found(measured: Measurements) -> dict[str, Comparison]:
    return {f"{c.row.table.number} {c.row.use_case}": c for c in comparisons(measured)}


def _value(c: Comparison, what: str) -> str:
    return dict(c.computed)[what]


def test_every_comparison_is_of_a_published_row_and_explained(
    found: dict[str, Comparison],
) -> None:
    assert len(found) == 6
    for c in found.values():
        assert c.row in PUBLISHED_KPIS
        assert c.computed and c.source and len(c.explanation) > 200


def test_split_image_recognition_reproduces_the_published_rate(
    found: dict[str, Comparison], measured: Measurements
) -> None:
    c = found["7.10.1-1 Split AI/ML image recognition"]
    assert _value(c, "rate that moves 0.27 MByte in 15 ms") == "144.0 Mbit/s"
    assert rates.rate_for_deadline_mbps(0.27e6, 0.015) == pytest.approx(144.0)
    chains = measured.split.scenario.chains
    counts = {
        chain: sum(
            1
            for p in measured.split.points
            if (u := p.codecs[chains.index(chain)].unit_bytes_mean) is not None and u <= 0.27e6
        )
        for chain in ("NONE", "INT8", "INT8+ZSTD")
    }
    total = len(measured.split.points)
    listed = _value(c, "ResNet-50 split points whose unit is within 0.27 MByte")
    assert listed == ", ".join(f"{k} {n} of {total}" for k, n in counts.items())
    # Quantisation is what brings cuts under the published payload.
    assert counts["NONE"] < counts["INT8"] <= counts["INT8+ZSTD"]
    assert f"only {counts['NONE']} of {total} float32 cuts" in c.explanation


def test_fpn_arithmetic_is_that_of_the_published_shapes(found: dict[str, Comparison]) -> None:
    c = found["7.10.1-1 Enhanced media recognition"]
    values = sum(ch * h * w for ch, h, w in FPN_LEVELS.values())
    assert values == 256 * (56 * 56 + 28 * 28 + 14 * 14 + 7 * 7) == 1_066_240
    assert _value(c, "values in P2..P5 (NOTE 3 shapes)") == "1,066,240"
    low, high = (rates.stream_rate_mbps(values, f) for f in (4, 10))
    # "32-100Mbit/s uncompressed": the 8-bit reading falls inside the published range.
    assert 32 <= low < high <= 100
    assert f"{low:.0f}-{high:.0f} Mbit/s" in c.explanation


def test_model_distribution_uses_the_counted_vgg19(
    found: dict[str, Comparison], measured: Measurements
) -> None:
    c = found["7.10.1-2 AI/ML model distribution for image recognition"]
    vgg19 = next(s.parameters for s in measured.model_sizes if s.name == "vgg19")
    assert _value(c, "VGG-19 parameters (counted from the graph)") == f"{vgg19:,}"
    assert f"{vgg19 / 1e6:.1f} M" in c.explanation
    full = next(v for v in measured.distribution.variants if v.identifier.endswith("full"))
    assert f"{full.bytes_to_use:,} bytes" in _value(
        c, f"ResNet-50 delivered whole ({full.identifier}), rate for 1 s"
    )


def test_fl_rows_use_the_measured_update(
    found: dict[str, Comparison], measured: Measurements
) -> None:
    fl = measured.fl_split_model
    c = found["7.10.1-3 Uncompressed Federated Learning for image recognition"]
    assert f"{fl.downlink_raw_bytes:,} bytes" in _value(c, "update as raw float32")
    assert f"{fl.downlink_wire_bytes:,} bytes" in _value(c, "update as 6.6.6.5 JSON (base64)")
    # The published size lies between the raw and the base64 wire size, as explained.
    assert fl.downlink_raw_bytes < 132e6 < fl.downlink_wire_bytes
    compressed = found["7.10.1-3 Compressed Federated Learning for image/video processing"]
    best = min(u.bytes_per_ue for u in fl.uplink if u.bytes_per_ue)
    ratio = fl.downlink_raw_bytes / best
    assert _value(compressed, "our compression ratio (raw / encoded)") == f"{ratio:.2f}"
    assert ratio < fl.downlink_raw_bytes / 10e6  # our codecs do not reach 10 MByte


def test_bit_depth_ratio_is_measured_at_the_largest_cut(
    found: dict[str, Comparison], measured: Measurements
) -> None:
    c = found["7.10.2-1 Local AI/ML model split on factory robots"]
    chains = measured.split.scenario.chains
    largest = max(measured.split.points, key=lambda p: p.raw_bytes)
    none = largest.codecs[chains.index("NONE")].unit_bytes_mean
    int8 = largest.codecs[chains.index("INT8")].unit_bytes_mean
    assert none is not None and int8 is not None
    assert 3.99 < none / int8 < 4.0
    assert f"{none / int8:.4f}" in c.explanation


def test_every_published_row_is_compared_or_says_why_not(measured: Measurements) -> None:
    covered = coverage(measured)
    assert set(covered) == set(PUBLISHED_KPIS)
    compared = {c.row for c in comparisons(measured)}
    for row, reason in covered.items():
        assert reason
        if row in compared:
            assert reason.startswith("compared below")
