"""The traffic arithmetic: linear in frame rate, units round-trip, time x rate = size."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ts26927.traffic import rates

sizes = st.integers(min_value=0, max_value=10**12)
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
counts = st.integers(min_value=1, max_value=10**6)


@given(sizes, positive, st.integers(min_value=1, max_value=100))
def test_stream_rate_is_linear_in_fps(size: int, fps: float, k: int) -> None:
    assert math.isclose(
        rates.stream_rate_mbps(size, fps * k),
        k * rates.stream_rate_mbps(size, fps),
        rel_tol=1e-12,
        abs_tol=1e-12,
    )
    assert math.isclose(rates.stream_rate_mbps(size, fps), size * 8 * fps / 1e6, rel_tol=1e-12)


@given(positive)
def test_kbps_and_mbps_round_trip(mbps: float) -> None:
    assert rates.mbps_to_kbps(mbps) == pytest.approx(mbps * 1000)
    assert rates.kbps_to_mbps(rates.mbps_to_kbps(mbps)) == pytest.approx(mbps, rel=1e-12)


@given(sizes, positive)
def test_delivery_time_times_rate_is_the_size_in_bits(size: int, mbps: float) -> None:
    seconds = rates.delivery_s(size, mbps)
    assert seconds * mbps * 1e6 == pytest.approx(size * 8, rel=1e-9)
    assert rates.transfer_ms(size, mbps) == pytest.approx(seconds * 1000, rel=1e-12)


@given(sizes, positive)
def test_the_rate_for_a_deadline_delivers_in_exactly_that_time(size: int, deadline: float) -> None:
    needed = rates.rate_for_deadline_mbps(size, deadline)
    if size:
        assert rates.delivery_s(size, needed) == pytest.approx(deadline, rel=1e-9)
    else:
        assert needed == 0


@given(sizes, counts)
def test_unicast_is_n_copies_and_shared_is_one(size: int, ues: int) -> None:
    assert rates.unicast_bytes(size, ues) == ues * size
    assert rates.shared_bytes(size, ues) == size


@given(st.integers(min_value=0, max_value=10**13), positive)
def test_inference_time_is_work_over_speed(flop: int, gflops: float) -> None:
    assert rates.inference_ms(flop, gflops * 1e9) == pytest.approx(flop / (gflops * 1e9) * 1e3)


@pytest.mark.parametrize("value", [0.0, -1.0, math.nan])
def test_rates_and_speeds_must_be_positive(value: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        rates.transfer_ms(100, value)
    with pytest.raises(ValueError, match="positive"):
        rates.rate_for_deadline_mbps(100, value)
    with pytest.raises(ValueError, match="positive"):
        rates.inference_ms(100, value)


def test_a_shared_delivery_needs_a_ue() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        rates.shared_bytes(100, 0)
