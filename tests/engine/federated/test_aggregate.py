from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ts26927.engine.federated import aggregate
from ts26927.engine.federated.aggregate import fedavg, trimmed_mean


def _updates(seed: int, clients: int, shapes=((3, 4), (4,))) -> list[tuple[list[np.ndarray], int]]:
    rng = np.random.default_rng(seed)
    return [
        ([rng.standard_normal(s).astype(np.float32) for s in shapes], int(rng.integers(1, 50)))
        for _ in range(clients)
    ]


def _reference(updates):
    total = sum(n for _, n in updates)
    return [
        sum(a[i].astype(np.float64) * n for a, n in updates) / total
        for i in range(len(updates[0][0]))
    ]


@given(seed=st.integers(0, 10_000), clients=st.integers(1, 12))
def test_fedavg_equals_the_weighted_mean(seed: int, clients: int) -> None:
    # Prepare
    updates = _updates(seed, clients)
    copies = [[a.copy() for a in arrays] for arrays, _ in updates]
    # Execute
    result = aggregate.fedavg(iter(updates))  # streaming: a one-pass iterator is enough
    # Assert
    assert result is not None
    for got, want in zip(result, _reference(updates), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    for (arrays, _), kept in zip(updates, copies, strict=True):
        for a, b in zip(arrays, kept, strict=True):
            np.testing.assert_array_equal(a, b)  # inputs untouched


def test_baseline_agrees_with_fedavg() -> None:
    updates = _updates(1, 7)
    for a, b in zip(
        aggregate.fedavg(updates), aggregate.weighted_average_baseline(updates), strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_nothing_to_aggregate_returns_none() -> None:
    assert aggregate.fedavg([]) is None
    assert aggregate.coordinate_median([]) is None
    assert aggregate.trimmed_mean([]) is None
    assert aggregate.weighted_average_baseline([]) is None


def test_fedavg_refuses_non_positive_weights() -> None:
    with pytest.raises(ValueError, match="positive number of examples"):
        aggregate.fedavg([([np.ones(2, np.float32)], 0)])


def test_robust_aggregators_ignore_a_minority_of_arbitrary_updates() -> None:
    honest = [([np.full(5, 1.0 + 0.01 * i, np.float32)], 10) for i in range(7)]
    garbage = [([np.full(5, 1e6, np.float32)], 10000) for _ in range(3)]
    updates = honest + garbage
    median = aggregate.coordinate_median(updates)[0]
    trimmed = aggregate.trimmed_mean(updates, 0.3)[0]
    assert np.all(np.abs(median - 1.04) < 0.05)
    assert np.all(np.abs(trimmed - 1.03) < 0.05)
    assert aggregate.fedavg(updates)[0][0] > 1e5  # the plain mean is dragged away


@given(seed=st.integers(0, 1000), clients=st.integers(1, 9))
def test_chunked_results_equal_whole_array_results(seed: int, clients: int) -> None:
    updates = _updates(seed, clients, shapes=((17, 5),))
    stack = np.stack([a[0] for a, _ in updates])
    original = aggregate.CHUNK_ELEMENTS
    try:
        aggregate.CHUNK_ELEMENTS = 7  # force many chunks
        median = aggregate.coordinate_median(updates)[0]
        trimmed = aggregate.trimmed_mean(updates, 0.2)[0]
    finally:
        aggregate.CHUNK_ELEMENTS = original
    np.testing.assert_allclose(median, np.median(stack, axis=0), rtol=1e-6)
    k = int(clients * 0.2)
    ordered = np.sort(stack, axis=0)
    expected = ordered[k : clients - k].mean(axis=0, dtype=np.float64)
    np.testing.assert_allclose(trimmed, expected, rtol=1e-5, atol=1e-7)


def test_trim_fraction_is_checked() -> None:
    with pytest.raises(ValueError, match="trim_fraction"):
        aggregate.trimmed_mean(_updates(0, 3), 0.5)


def test_no_finite_update_overflows_the_average() -> None:
    huge = np.full(5, 3e38, dtype=np.float32)  # finite, but twice of it is not in float32
    result = fedavg([([huge], 10**18), ([huge], 2**62)])
    assert result is not None and np.all(np.isfinite(result[0]))
    assert result[0].dtype == np.float32
    np.testing.assert_allclose(result[0], huge, rtol=1e-6)


def test_updates_of_another_structure_are_refused() -> None:
    one = [np.ones(3, np.float32), np.ones(2, np.float32)]
    with pytest.raises(ValueError, match="an update of 1 arrays, expected 2"):
        fedavg([(one, 1), (one[:1], 1)])
    with pytest.raises(ValueError, match="shape"):
        fedavg([(one, 1), ([np.ones(4, np.float32), one[1]], 1)])


def test_fedavg_over_more_than_one_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ts26927.engine.federated.aggregate.CHUNK_ELEMENTS", 7)
    rng = np.random.default_rng(3)
    updates = [([rng.standard_normal(50).astype(np.float32)], n) for n in (1, 2, 5)]
    result = fedavg(updates)
    expected = sum(a[0].astype(np.float64) * n for a, n in updates) / 8
    assert result is not None
    np.testing.assert_allclose(result[0], expected, rtol=1e-6)


def test_a_trim_fraction_of_zero_is_the_plain_mean() -> None:
    updates = [([np.array([v], np.float32)], 1) for v in (1.0, 2.0, 9.0)]
    result = trimmed_mean(updates, 0.0)
    assert result is not None and result[0][0] == pytest.approx(4.0)


def test_the_largest_float32_values_average_to_themselves_not_to_infinity() -> None:
    top = np.finfo(np.float32).max
    updates = [([np.array([top, -top, top], np.float32)], n) for n in (3, 7, 1, 10**30)]
    result = fedavg(updates)
    assert result is not None
    np.testing.assert_array_equal(result[0], [top, -top, top])


def test_opposite_extremes_cancel_and_robust_means_do_not_overflow() -> None:
    big = np.full(4, 3e38, np.float32)
    updates = [([big], 1), ([-big], 1), ([big], 2)]
    result = fedavg(updates)
    assert result is not None
    np.testing.assert_allclose(result[0], np.full(4, 1.5e38), rtol=1e-6)
    trimmed = trimmed_mean([([big], 1), ([big], 1), ([big], 1)], 0.0)
    assert trimmed is not None and np.all(np.isfinite(trimmed[0]))


def test_an_update_in_another_float_type_joins_the_first_updates_type() -> None:
    updates = [([np.ones(3, np.float32)], 1), ([np.full(3, 4.0, np.float64)], 2)]
    result = fedavg(updates)
    assert result is not None and result[0].dtype == np.float32
    np.testing.assert_allclose(result[0], [3.0, 3.0, 3.0])


_near_the_top = st.integers(0, 64).map(
    lambda ulps: float(np.finfo(np.float32).max) * (1 - ulps * 2.0**-24)
)


@settings(max_examples=300)
@given(
    values=st.lists(st.tuples(_near_the_top, st.sampled_from([1.0, -1.0])), min_size=2, max_size=6),
    counts=st.lists(st.integers(1, 10**6), min_size=6, max_size=6),
)
def test_no_blend_of_values_at_the_top_of_float32_overflows(
    values: list[tuple[float, float]], counts: list[int]
) -> None:
    updates = [
        ([np.array([size * sign], np.float32)], count)
        for (size, sign), count in zip(values, counts, strict=False)
    ]
    with np.errstate(over="raise"):  # an overflow anywhere in the blend is an error here
        result = fedavg(updates)
    assert result is not None and np.isfinite(result[0]).all()
    exact = sum(float(a[0][0]) * n for a, n in updates) / sum(n for _, n in updates)
    assert result[0][0] == pytest.approx(exact, rel=1e-5, abs=1e33)
