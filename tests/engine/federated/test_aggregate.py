from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ts26927.engine.federated import aggregate


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
    np.testing.assert_allclose(trimmed, ordered[k : clients - k].mean(axis=0), rtol=1e-5)


def test_trim_fraction_is_checked() -> None:
    with pytest.raises(ValueError, match="trim_fraction"):
        aggregate.trimmed_mean(_updates(0, 3), 0.5)
