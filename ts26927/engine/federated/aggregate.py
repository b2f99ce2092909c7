"""Aggregation of client updates: pure numpy functions over ``(arrays, num_examples)``.

Shapes follow Flower's strategies: an update is a list of arrays (one per parameter, in a
fixed order) and the number of local examples it was trained on.

* :func:`fedavg` — sample-weighted federated averaging (McMahan et al., "Communication-
  Efficient Learning of Deep Networks from Decentralized Data", 2017), computed streaming
  and in place: memory of about one model whatever the number of clients.
* :func:`coordinate_median` and :func:`trimmed_mean` — robust aggregators (Yin et al.,
  "Byzantine-Robust Distributed Learning: Towards Optimal Statistical Rates", 2018) that
  tolerate a minority of arbitrary updates, computed chunk by chunk so that the working
  memory beyond the result is bounded.
* :func:`weighted_average_baseline` — the common list-based weighted average, kept as the
  benchmark's baseline.

An empty input returns ``None`` ("a round with nothing usable").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

NDArrays = Sequence[np.ndarray]
Update = tuple[NDArrays, int]

#: Elements per client and chunk for the robust aggregators (bounds their working memory).
CHUNK_ELEMENTS = 1 << 18


def fedavg(updates: Iterable[Update]) -> list[np.ndarray] | None:
    """Sample-weighted mean of the updates, accumulated in place one client at a time.

    Working memory beyond the result is one scratch chunk (``CHUNK_ELEMENTS`` floats).
    """
    total = 0
    result: list[np.ndarray] | None = None
    scratch = np.empty(0, dtype=np.float32)
    for arrays, examples in updates:
        if examples <= 0:
            raise ValueError(f"an update needs a positive number of examples, got {examples}")
        if result is None:
            result = [np.multiply(a, examples, dtype=np.result_type(a, np.float32)) for a in arrays]
            largest = max((a.size for a in result), default=0)
            scratch = np.empty(min(largest, CHUNK_ELEMENTS), dtype=np.float32)
        else:
            for acc, a in zip(result, arrays, strict=True):
                _add_scaled(acc, np.asarray(a), examples, scratch)
        total += examples
    if result is None:
        return None
    for acc in result:
        acc /= total
    return result


def _add_scaled(acc: np.ndarray, a: np.ndarray, weight: int, scratch: np.ndarray) -> None:
    """``acc += a * weight`` without a temporary larger than ``scratch``."""
    if acc.dtype != scratch.dtype or a.shape != acc.shape:
        acc += a * weight  # unusual dtypes or a shape error numpy will report
        return
    flat_acc, flat_a = acc.reshape(-1), a.reshape(-1)
    step = max(1, scratch.size)
    for start in range(0, flat_acc.size, step):
        stop = min(start + step, flat_acc.size)
        buf = scratch[: stop - start]
        np.multiply(flat_a[start:stop], weight, out=buf)
        flat_acc[start:stop] += buf


def weighted_average_baseline(updates: list[Update]) -> list[np.ndarray] | None:
    """The list-based weighted average (each array times its weight into new lists, summed
    per layer) — what ``flwr.server.strategy.aggregate.aggregate`` does."""
    if not updates:
        return None
    total = sum(examples for _, examples in updates)
    weighted = [[layer * examples for layer in arrays] for arrays, examples in updates]
    return [np.sum(layers, axis=0) / total for layers in zip(*weighted, strict=True)]


def _chunked(updates: list[Update], reduce: object) -> list[np.ndarray] | None:
    if not updates:
        return None
    first = updates[0][0]
    result = [np.empty_like(a, dtype=np.result_type(a, np.float32)) for a in first]
    step = max(1, CHUNK_ELEMENTS // len(updates))
    for index, out in enumerate(result):
        flat_out = out.reshape(-1)
        flats = [np.asarray(arrays[index]).reshape(-1) for arrays, _ in updates]
        for start in range(0, flat_out.size, step):
            stack = np.stack([f[start : start + step] for f in flats])
            flat_out[start : start + step] = reduce(stack)  # type: ignore[operator]
    return result


def coordinate_median(updates: list[Update]) -> list[np.ndarray] | None:
    """Coordinate-wise median of the updates (weights ignored)."""
    return _chunked(updates, lambda stack: np.median(stack, axis=0))


def trimmed_mean(updates: list[Update], trim_fraction: float = 0.2) -> list[np.ndarray] | None:
    """Coordinate-wise mean after dropping the ``trim_fraction`` largest and smallest values
    of each coordinate (weights ignored)."""
    if not 0 <= trim_fraction < 0.5:
        raise ValueError(f"trim_fraction must be in [0, 0.5), got {trim_fraction}")
    k = int(len(updates) * trim_fraction)

    def reduce(stack: np.ndarray) -> np.ndarray:
        ordered = np.sort(stack, axis=0)
        return ordered[k : len(stack) - k].mean(axis=0)

    return _chunked(updates, reduce)
