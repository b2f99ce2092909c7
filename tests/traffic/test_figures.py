"""Figure data: exactly the result's numbers (rounded), the scenario's lines, a stable digest."""

from __future__ import annotations

import hashlib
import json
import math
import sys
from dataclasses import replace
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.traffic.test_distribution import SCENARIO as DISTRIBUTION
from tests.traffic.test_federated import SCENARIO as FL
from tests.traffic.test_split import SCENARIO as SPLIT
from ts26927.engine.delivery.embedded import embedded_repository
from ts26927.engine.embedded.zoo import embedded_model
from ts26927.engine.onnxtools.analysis import analyze
from ts26927.traffic.distribution import DistributionTraffic, distribution_traffic
from ts26927.traffic.federated import FlTraffic, UplinkFigures, digits_mlp, fl_traffic
from ts26927.traffic.figures import (
    FigureData,
    Line,
    Series,
    delivery_figure,
    fl_figure,
    rounded,
    split_data_figure,
    split_latency_figure,
)
from ts26927.traffic.samples import samples
from ts26927.traffic.split import CodecFigures, SplitTraffic, split_traffic


# -- the digits results, once per process (test_plots.py draws the same ones) ---------------
def compute_split() -> SplitTraffic:
    model = embedded_model("digits")
    analysis = analyze(model, label="digits")
    return split_traffic(model, analysis, samples(analysis, count=3), SPLIT)


def compute_distribution() -> DistributionTraffic:
    return distribution_traffic(embedded_repository(names=["digits"]), "digits", DISTRIBUTION)


def compute_fl() -> FlTraffic:
    return fl_traffic(digits_mlp(FL), FL)


split_result = cache(compute_split)
distribution_result = cache(compute_distribution)
fl_result = cache(compute_fl)


def _best(result: SplitTraffic) -> str:
    """The chain with the smallest units in total, of those that carry every split point."""
    totals = {}
    for index, chain in enumerate(result.scenario.chains):
        sizes = [p.codecs[index].unit_bytes_mean for p in result.points]
        if None not in sizes:
            totals[chain] = sum(s for s in sizes if s is not None)
    return min(totals, key=lambda c: totals[c])


def _refused(result: SplitTraffic, number: int, chain: str) -> SplitTraffic:
    """``result`` with ``chain`` refused at split point ``number`` (as FLOAT16 refuses values
    beyond its range: no digits tensor is that large, so the refusal is made up)."""
    index = result.scenario.chains.index(chain)
    points = list(result.points)
    codecs = list(points[number].codecs)
    codecs[index] = CodecFigures(chain, None, None, refused="beyond the range")
    points[number] = replace(points[number], codecs=tuple(codecs))
    return replace(result, points=tuple(points))


def _x(result: SplitTraffic) -> tuple[float, ...]:
    return tuple(float(p.number) for p in result.points)


# -- split: intermediate data and uplink rates -----------------------------------------------
def test_split_sizes_are_the_measured_sizes_rounded() -> None:
    result = split_result()
    sizes, _ = split_data_figure(result).panels
    assert [s.label for s in sizes.series] == ["raw", *SPLIT.chains]
    assert all(s.x == _x(result) for s in sizes.series)
    raw, *chains = sizes.series
    assert raw.y == tuple(rounded(p.raw_bytes) for p in result.points)
    for index, series in enumerate(chains):
        assert series.y == tuple(rounded(p.codecs[index].unit_bytes_mean) for p in result.points)
        assert None not in series.y
    assert sizes.log_y and not sizes.stacked and sizes.lines == ()


def test_split_rates_are_raw_and_the_smallest_chain_at_every_frame_rate() -> None:
    result = split_result()
    _, rates = split_data_figure(result).panels
    best = _best(result)
    index = SPLIT.chains.index(best)
    expected = {
        f"raw at {fps:g} fps": tuple(rounded(p.raw_uplink_mbps[fps]) for p in result.points)
        for fps in SPLIT.fps
    } | {
        f"{best} at {fps:g} fps": tuple(
            rounded(p.codecs[index].uplink_mbps[fps]) for p in result.points
        )
        for fps in SPLIT.fps
    }
    assert {s.label: s.y for s in rates.series} == expected
    for fps, series in zip(SPLIT.fps, rates.series, strict=False):  # the raw ones come first
        for point, y in zip(result.points, series.y, strict=True):
            assert y == pytest.approx(point.raw_bytes * 8 * fps / 1e6, rel=5e-4)
    assert rates.lines == (Line("uplink 0.1 Mbit/s", SPLIT.uplink_mbps),)
    assert rates.log_y


def test_a_refused_chain_has_no_value_at_that_point_and_is_not_the_rates_chain() -> None:
    result = split_result()
    best = _best(result)
    refused = _refused(result, 2, best)
    sizes, rates = split_data_figure(refused).panels
    before = {s.label: s.y for s in split_data_figure(result).panels[0].series}
    after = {s.label: s.y for s in sizes.series}
    assert after[best][2] is None
    assert after[best][:2] + after[best][3:] == before[best][:2] + before[best][3:]
    assert {k: v for k, v in after.items() if k != best} == {
        k: v for k, v in before.items() if k != best
    }
    runner_up = _best(refused)
    assert runner_up != best
    assert [s.label for s in rates.series if not s.label.startswith("raw")] == [
        f"{runner_up} at {fps:g} fps" for fps in SPLIT.fps
    ]
    (stacks,) = split_latency_figure(refused, best).panels
    assert stacks.series[1].y[2] is None and stacks.series[0].y[2] is not None
    assert split_latency_figure(refused).title.endswith(f"({runner_up})")


# -- split: latency ----------------------------------------------------------------------------
@pytest.mark.parametrize("chain", SPLIT.chains)
def test_latency_stacks_are_ue_transfer_and_network_time(chain: str) -> None:
    result = split_result()
    index = SPLIT.chains.index(chain)
    figure = split_latency_figure(result, chain)
    assert chain in figure.title
    (panel,) = figure.panels
    assert panel.stacked and not panel.log_y
    assert panel.lines == (Line("budget 60 ms", SPLIT.budget_ms),)
    ue, transfer, network = panel.series
    assert (ue.label, transfer.label, network.label) == (
        "UE inference",
        f"transfer ({chain})",
        "network inference",
    )
    assert all(s.x == _x(result) for s in panel.series)
    assert ue.y == tuple(rounded(p.ue_ms) for p in result.points)
    assert transfer.y == tuple(rounded(p.codecs[index].transfer_ms) for p in result.points)
    assert network.y == tuple(rounded(p.network_ms) for p in result.points)
    for number, point in enumerate(result.points):  # a bar is as high as the total
        height = sum(s.y[number] or 0.0 for s in panel.series)
        assert height == pytest.approx(point.codecs[index].total_ms, rel=1e-3)


def test_the_default_latency_chain_is_the_rates_chain() -> None:
    result = split_result()
    best = _best(result)
    assert split_latency_figure(result) == split_latency_figure(result, best)
    assert split_latency_figure(result).title.endswith(f"({best})")


@pytest.mark.parametrize("chain", ["INT8", "BOGUS"])
def test_a_chain_not_measured_is_refused(chain: str) -> None:
    with pytest.raises(ValueError, match="not measured"):
        split_latency_figure(split_result(), chain)


def test_a_chain_is_named_as_the_codec_options_name_it() -> None:
    result = split_result()
    assert split_latency_figure(result, "int8+zstd") == split_latency_figure(result, "INT8+ZSTD")


# -- distribution ----------------------------------------------------------------------------
def test_delivery_times_are_the_bytes_to_use_over_the_link_rate() -> None:
    result = distribution_result()
    figure = delivery_figure(result)
    (panel,) = figure.panels
    rates = tuple(sorted(DISTRIBUTION.link_mbps))
    assert len(panel.series) == len(result.variants)
    for series, variant in zip(panel.series, result.variants, strict=True):
        assert series.label.startswith(f"{variant.identifier} (")
        assert series.x == rates
        assert series.y == tuple(rounded(variant.delivery_s[r]) for r in rates)
        for rate, seconds in zip(rates, series.y, strict=True):
            assert seconds == pytest.approx(variant.bytes_to_use * 8 / (rate * 1e6), rel=5e-4)
    assert panel.lines == (Line("deadline 0.5 s", DISTRIBUTION.deadline_s),)
    assert panel.log_x and panel.log_y and not panel.stacked


def test_delivery_link_rates_are_plotted_in_order() -> None:
    result = distribution_result()
    shuffled = replace(result, scenario=replace(DISTRIBUTION, link_mbps=(20.0, 1.0)))
    assert delivery_figure(shuffled) == delivery_figure(result)


# -- federated learning ------------------------------------------------------------------------
def test_fl_bars_are_the_uplink_per_ue_beside_the_downlink() -> None:
    result = fl_result()
    (panel,) = fl_figure(result).panels
    assert panel.categories == FL.chains and panel.stacked
    (series,) = panel.series
    assert series.x == (0.0, 1.0, 2.0)
    assert series.y == tuple(rounded(u.bytes_per_ue) for u in result.uplink)
    assert panel.lines == (Line("downlink (raw parameters)", float(result.downlink_raw_bytes)),)


def test_a_refused_fl_chain_has_no_bar() -> None:
    result = fl_result()
    uplink = list(result.uplink)
    uplink[1] = UplinkFigures(FL.chains[1], None, None, None, None, refused="beyond the range")
    (panel,) = fl_figure(replace(result, uplink=tuple(uplink))).panels
    (series,) = panel.series
    assert series.y[1] is None
    assert series.y[::2] == fl_figure(result).panels[0].series[0].y[::2]


# -- the digest ------------------------------------------------------------------------------
FIGURES = {
    "split-data": (compute_split, split_data_figure),
    "split-latency": (compute_split, split_latency_figure),
    "delivery-time": (compute_distribution, delivery_figure),
    "fl-volume": (compute_fl, fl_figure),
}


@pytest.mark.parametrize("stem", FIGURES)
def test_the_digest_is_the_canonical_json_and_stable_across_computations(stem: str) -> None:
    compute, draw = FIGURES[stem]
    first, second = draw(compute()), draw(compute())  # two measurements, not one cached
    assert first.stem == stem
    canonical = json.dumps(first.to_json(), sort_keys=True, separators=(",", ":"))
    assert first.digest == hashlib.sha256(canonical.encode()).hexdigest()
    assert second.digest == first.digest


def test_the_digest_changes_with_a_value_and_not_below_the_rounding() -> None:
    result = split_result()
    digest = split_data_figure(result).digest
    points = list(result.points)
    points[1] = replace(points[1], raw_bytes=points[1].raw_bytes + 1)
    assert split_data_figure(replace(result, points=tuple(points))).digest != digest

    variants = list(distribution_result().variants)
    digest = delivery_figure(distribution_result()).digest
    nudged = {r: s * (1 + 1e-9) for r, s in variants[0].delivery_s.items()}
    variants[0] = replace(variants[0], delivery_s=nudged)
    same = replace(distribution_result(), variants=tuple(variants))
    assert delivery_figure(same).digest == digest
    variants[0] = replace(variants[0], delivery_s={r: s * 2 for r, s in nudged.items()})
    changed = replace(distribution_result(), variants=tuple(variants))
    assert delivery_figure(changed).digest != digest


def test_the_digest_covers_titles_and_lines() -> None:
    figure = fl_figure(fl_result())
    assert replace(figure, title="another").digest != figure.digest
    (panel,) = figure.panels
    moved = replace(panel, lines=(Line("downlink (raw parameters)", 1.0),))
    assert replace(figure, panels=(moved,)).digest != figure.digest


def test_a_series_needs_a_y_for_every_x() -> None:
    with pytest.raises(ValueError, match="2 x values, 1 y"):
        Series("s", (0.0, 1.0), (1.0,))
    assert isinstance(split_data_figure(split_result()), FigureData)


# -- rounding ----------------------------------------------------------------------------------
@given(
    st.floats(min_value=-1e308, max_value=1e308, allow_nan=False, allow_subnormal=False).filter(
        lambda v: v != 0
    )
)
def test_rounded_keeps_four_significant_digits(value: float) -> None:
    # Subnormal floats are left out: they do not hold four significant digits themselves.
    result = rounded(value)
    assert result is not None
    assert abs(result - value) <= 5e-4 * abs(value)
    assert math.copysign(1.0, result) == math.copysign(1.0, value)
    assert float(f"{result:.3e}") == result  # no more than four significant digits
    assert rounded(result) == result


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (123456, 123500.0),
        (0.000123456, 0.0001235),
        (-2.71828, -2.718),
        (256, 256.0),
        (587.33333, 587.3),
        (1e-7, 1e-7),
    ],
)
def test_rounded_examples(value: float, expected: float) -> None:
    assert rounded(value) == expected


@pytest.mark.parametrize("value", [None, 0, 0.0, -0.0, math.inf, -math.inf])
def test_rounded_leaves_none_zero_and_infinities(value: float | None) -> None:
    assert rounded(value) is value


def test_rounded_leaves_nan_and_never_overflows() -> None:
    result = rounded(math.nan)
    assert result is not None and math.isnan(result)
    largest = sys.float_info.max  # 1.798e308 would be infinite
    assert rounded(largest) == largest and rounded(-largest) == -largest
