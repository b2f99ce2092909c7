from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ts26927.engine.federated import aggregate
from ts26927.engine.federated.aggregate import coordinate_median, fedavg, trimmed_mean


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


# --- inputs other than float32: the weighted mean, exactly ---------------------------------


def _exact_mean(updates: list[tuple[list[np.ndarray], int]]) -> list[np.ndarray]:
    """The sample-weighted mean in float64, written out as sum(n * a) / sum(n)."""
    total = sum(n for _, n in updates)
    return [
        np.sum([a[i].astype(np.float64) * n for a, n in updates], axis=0) / total
        for i in range(len(updates[0][0]))
    ]


@pytest.mark.parametrize(
    ("dtype", "result_dtype", "rtol"),
    [
        (np.float64, np.float64, 1e-13),
        (np.float16, np.float32, 1e-6),
        (np.int64, np.float64, 1e-13),
        (np.int32, np.float64, 1e-13),
        (np.int8, np.float32, 1e-6),
    ],
)
def test_fedavg_of_other_types_is_the_exact_weighted_mean(
    dtype: type, result_dtype: type, rtol: float
) -> None:
    updates = [
        ([np.array([1, 2, 3], dtype), np.array([[10], [-20]], dtype)], 1),
        ([np.array([4, 5, 6], dtype), np.array([[40], [-80]], dtype)], 2),
        ([np.array([7, 8, 9], dtype), np.array([[70], [-50]], dtype)], 3),
    ]
    result = fedavg(updates)
    assert result is not None and [r.dtype for r in result] == [result_dtype] * 2
    # (1*1 + 2*4 + 3*7) / 6 = 5, (1*2 + 2*5 + 3*8) / 6 = 6, ...: a sum, not a difference.
    np.testing.assert_allclose(result[0], [5.0, 6.0, 7.0], rtol=rtol)
    np.testing.assert_allclose(result[1], [[50.0], [-55.0]], rtol=rtol)
    for got, want in zip(result, _exact_mean(updates), strict=True):
        np.testing.assert_allclose(got, want, rtol=rtol)
    assert updates[0][0][0].dtype == dtype and list(updates[0][0][0]) == [1, 2, 3]


def test_a_float32_update_joins_a_float64_first_update_in_float64() -> None:
    updates = [([np.full(3, 0.1, np.float64)], 3), ([np.full(3, 1.0, np.float32)], 1)]
    result = fedavg(updates)
    assert result is not None and result[0].dtype == np.float64
    np.testing.assert_allclose(result[0], np.full(3, (0.3 + 1.0) / 4), rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int64])
def test_fedavg_of_other_types_over_more_than_one_chunk(
    monkeypatch: pytest.MonkeyPatch, dtype: type
) -> None:
    monkeypatch.setattr("ts26927.engine.federated.aggregate.CHUNK_ELEMENTS", 7)
    rng = np.random.default_rng(5)
    updates = [
        (
            [
                (rng.standard_normal(50) * 100).astype(dtype),
                rng.integers(-9, 9, (3, 5)).astype(dtype),
            ],
            n,
        )
        for n in (1, 4, 11, 2)
    ]
    result = fedavg(updates)
    assert result is not None
    for got, want in zip(result, _exact_mean(updates), strict=True):
        assert got.shape == want.shape
        atol = 1e-9 if got.dtype == np.float64 else 1e-5  # float32 steps at these values ~1e-5
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=atol)  # every chunk and the tail


def test_weights_of_very_different_sizes() -> None:
    small, large = np.array([1000.0, -1.0]), np.array([0.0, 1.0])
    result = fedavg([([small], 1), ([large], 10**9)])
    assert result is not None
    # Exact to float64 precision at the scale of the inputs (1000).
    np.testing.assert_allclose(result[0], (small + large * 10**9) / (10**9 + 1), atol=1e-12)
    assert result[0][0] == pytest.approx(1e-6, rel=1e-6)  # the one example still counts
    # The order of the clients does not change the mean.
    again = fedavg([([large], 10**9), ([small], 1)])
    assert again is not None
    np.testing.assert_allclose(again[0], result[0], atol=1e-12)


def test_fedavg_refuses_a_non_positive_count_in_any_update() -> None:
    one = [np.ones(2, np.float32)]
    assert fedavg([(one, 1)]) is not None  # one example is enough
    for count in (0, -3):
        with pytest.raises(ValueError) as caught:
            fedavg([(one, 5), (one, count)])
        assert str(caught.value) == f"an update needs a positive number of examples, got {count}"


def test_fedavg_names_the_mismatch() -> None:
    one = [np.ones(3, np.float32), np.ones(2, np.float32)]
    with pytest.raises(ValueError) as caught:
        fedavg([(one, 1), (one, 1), ([*one, np.ones(1, np.float32)], 1)])
    assert str(caught.value) == "an update of 3 arrays, expected 2"
    with pytest.raises(ValueError) as caught:
        fedavg([(one, 1), ([one[0], np.ones((2, 1), np.float32)], 1)])
    assert str(caught.value) == "an array of shape (2, 1), expected (2,)"


# --- the robust aggregators refuse updates of another structure ----------------------------


@pytest.mark.parametrize("aggregator", [aggregate.coordinate_median, trimmed_mean])
@pytest.mark.parametrize(
    ("other", "reason"),
    [
        ([np.ones(4, np.float32)], "an update of 1 arrays, expected 2"),
        ([np.ones(4, np.float32)] * 3, "an update of 3 arrays, expected 2"),
        ([np.ones((2, 2), np.float32), np.ones(1)], "an array of shape (2, 2), expected (4,)"),
        ([np.ones(4, np.float32), np.ones(2)], "an array of shape (2,), expected (1,)"),
    ],
)
def test_robust_aggregators_refuse_another_structure(
    aggregator: object, other: list[np.ndarray], reason: str
) -> None:
    first = [np.ones(4, np.float32), np.ones(1, np.float32)]
    for updates in ([first, first, other], [first, other, first]):  # wherever it comes
        with pytest.raises(ValueError) as caught:
            aggregator([(u, 1) for u in updates])  # type: ignore[operator]
        assert str(caught.value) == reason


@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int32])
def test_robust_aggregators_of_other_types(monkeypatch: pytest.MonkeyPatch, dtype: type) -> None:
    monkeypatch.setattr("ts26927.engine.federated.aggregate.CHUNK_ELEMENTS", 10)  # 2 per chunk
    values = [[1, 9, 4], [2, -7, 5], [3, 8, 100], [50, 0, 6], [5, 1, 7]]
    updates = [([np.array(v, dtype)], 1) for v in values]
    median = aggregate.coordinate_median(updates)
    trimmed = trimmed_mean(updates, 0.2)  # drops one largest and one smallest per coordinate
    assert median is not None and trimmed is not None
    np.testing.assert_array_equal(median[0], [3, 1, 6])
    np.testing.assert_allclose(trimmed[0], [(2 + 3 + 5) / 3, (0 + 1 + 8) / 3, (5 + 6 + 7) / 3])
    # Results in a float type holding the updates' values, at least float32 (as fedavg's):
    # float16 -> float32, float64 and int32 -> float64.
    expected = np.float32 if dtype is np.float16 else np.float64
    assert median[0].dtype == trimmed[0].dtype == expected


# --- trimming at its bounds ------------------------------------------------------------------


def _column(*values: float) -> list[tuple[list[np.ndarray], int]]:
    return [([np.array([v], np.float64)], n) for n, v in enumerate(values, start=1)]


def test_trim_fraction_zero_is_the_plain_unweighted_mean() -> None:
    updates = _column(1.0, 2.0, 9.0, -4.0)
    result = trimmed_mean(updates, 0.0)
    assert result is not None and result[0][0] == pytest.approx((1 + 2 + 9 - 4) / 4)


@pytest.mark.parametrize(
    ("fraction", "expected"),
    [
        (0.19, (1 + 2 + 9 - 4 + 100) / 5),  # 5 * 0.19 < 1: nothing trimmed
        (0.2, (1 + 2 + 9) / 3),  # 5 * 0.2 = 1: one trimmed from each end
        (0.39, (1 + 2 + 9) / 3),
        (0.4, 2.0),  # two from each end: the median remains
        (0.49, 2.0),
    ],
)
def test_trimming_counts_whole_clients(fraction: float, expected: float) -> None:
    result = trimmed_mean(_column(1.0, 2.0, 9.0, -4.0, 100.0), fraction)
    assert result is not None and result[0][0] == pytest.approx(expected)


def test_the_largest_trim_leaves_one_client() -> None:
    for clients in (1, 2, 3):
        updates = _column(*range(clients))
        result = trimmed_mean(updates, 0.49)
        assert result is not None and result[0][0] == pytest.approx((clients - 1) / 2)


@pytest.mark.parametrize("fraction", [0.5, -0.01, 1.0, float("nan")])
def test_trim_fractions_out_of_range_are_refused(fraction: float) -> None:
    with pytest.raises(ValueError) as caught:
        trimmed_mean(_column(1.0, 2.0), fraction)
    assert str(caught.value) == f"trim_fraction must be in [0, 0.5), got {fraction}"


def test_the_median_of_an_even_count_is_the_middle_pair_mean() -> None:
    result = aggregate.coordinate_median(_column(1.0, 10.0, 2.0, 50.0))
    assert result is not None and result[0][0] == pytest.approx(6.0)


def test_the_baseline_weights_by_examples() -> None:
    updates = [([np.array([1.0, 2.0])], 1), ([np.array([4.0, 8.0])], 3)]
    result = aggregate.weighted_average_baseline(updates)
    assert result is not None
    np.testing.assert_allclose(result[0], [13 / 4, 26 / 4])


@pytest.mark.parametrize("layout", ["fortran", "strided"])
def test_updates_in_any_memory_layout_aggregate_by_their_values(layout: str) -> None:
    # Results are written through flat views: a result laid out like a Fortran-ordered
    # first update once received its values transposed (or lost them).
    base = np.arange(12, dtype=np.float32).reshape(3, 4)
    if layout == "fortran":
        first = np.asfortranarray(base)
    else:
        first = np.arange(24, dtype=np.float32).reshape(3, 8)[:, ::2]
    assert not first.flags.c_contiguous
    plain = np.ascontiguousarray(first)
    updates = [([first], 1), ([plain + 1], 1), ([plain + 2], 2)]
    np.testing.assert_array_equal(fedavg(updates)[0], plain + 1.25)
    np.testing.assert_array_equal(coordinate_median(updates)[0], plain + 1)
    np.testing.assert_array_equal(trimmed_mean(updates, 0.0)[0], plain + 1)


def test_the_baseline_refuses_updates_of_another_structure() -> None:
    first = [np.ones(2, np.float32), np.ones(1, np.float32)]
    with pytest.raises(ValueError):
        aggregate.weighted_average_baseline([(first, 1), (first[:1], 1)])
