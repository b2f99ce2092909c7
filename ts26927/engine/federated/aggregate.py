"""Aggregation of client updates: pure numpy functions over ``(arrays, num_examples)``.

Shapes follow Flower's strategies: an update is a list of arrays (one per parameter, in a
fixed order) and the number of local examples it was trained on.

* :func:`fedavg` — sample-weighted federated averaging (McMahan et al., "Communication-
  Efficient Learning of Deep Networks from Decentralized Data", 2017), computed streaming
  and in place as a running mean: memory of about one model whatever the number of
  clients, and no overflow whatever the values or the sample counts.
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
    """Sample-weighted mean of the updates, kept as a running mean, in place, one client at
    a time.

    After each client the result *is* the weighted mean of the clients so far: the new
    client's share is ``examples / total`` (a float64 ratio, so no sample count can overflow
    it) and the running mean is blended as ``mean * (1 - share) + update * share``. A convex
    combination never exceeds the largest update, so no finite float32 update can overflow
    the mean (a plain float32 sum of 1e38-valued updates would be infinite; the tests
    drive the blend with values at the very top of the range). Working memory beyond the
    result is one scratch chunk of ``CHUNK_ELEMENTS`` values.
    """
    mean = RunningMean()
    for arrays, examples in updates:
        mean.add(arrays, examples)
    return mean.result


class RunningMean:
    """:func:`fedavg` one update at a time, for callers that receive updates one by one
    (the server folds each accepted update as it arrives and keeps none of them)."""

    def __init__(self) -> None:
        self.total = 0
        self.result: list[np.ndarray] | None = None

    def add(self, arrays: NDArrays, examples: int) -> None:
        if examples <= 0:
            raise ValueError(f"an update needs a positive number of examples, got {examples}")
        if self.result is not None and len(arrays) != len(self.result):
            raise ValueError(f"an update of {len(arrays)} arrays, expected {len(self.result)}")
        self.total += examples
        if self.result is None:
            # C order: the blend writes through a flat view, which only C order gives.
            self.result = [
                np.array(a, dtype=np.result_type(a, np.float32), order="C") for a in arrays
            ]
            return
        share = examples / self.total
        for mean, a in zip(self.result, arrays):  # noqa: B905 (the lengths are checked above)
            _blend(mean, np.asarray(a), share)


def _blend(mean: np.ndarray, a: np.ndarray, share: float) -> None:
    """``mean = mean * (1 - share) + a * share``, chunk by chunk through one scratch chunk."""
    if a.shape != mean.shape:
        raise ValueError(f"an array of shape {a.shape}, expected {mean.shape}")
    flat_mean, flat_a = mean.ravel(), a.ravel()  # a view of the C-ordered mean
    step = max(1, min(flat_mean.size, CHUNK_ELEMENTS))
    scratch = np.empty(step, mean.dtype)
    # The product in the wider of the two types: a float16 update scaled in float16 would
    # round every product to 11 bits before it reaches a float32 mean.
    work = np.promote_types(mean.dtype, a.dtype)
    for begin in range(0, flat_mean.size, step):
        end = min(begin + step, flat_mean.size)
        part, added = flat_mean[begin:end], scratch[: end - begin]
        np.multiply(flat_a[begin:end], share, out=added, dtype=work)
        part *= 1.0 - share
        part += added


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
    for arrays, _ in updates[1:]:  # the same structure as the first, as fedavg requires
        if len(arrays) != len(first):
            raise ValueError(f"an update of {len(arrays)} arrays, expected {len(first)}")
        for a, expected in zip(arrays, first):  # noqa: B905 (the lengths are checked above)
            if np.shape(a) != np.shape(expected):
                raise ValueError(f"an array of shape {np.shape(a)}, expected {np.shape(expected)}")
    # C order (not the first update's layout): results are written through flat views.
    result = [np.empty(np.shape(a), dtype=np.result_type(a, np.float32)) for a in first]
    step = max(1, CHUNK_ELEMENTS // len(updates))
    for index, out in enumerate(result):
        flat_out = out.ravel()  # a view: out is C-ordered
        flats = [np.asarray(arrays[index]).ravel() for arrays, _ in updates]
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
        # float64 sums over one chunk: a float32 sum of large finite values could overflow.
        return ordered[k : len(stack) - k].mean(axis=0, dtype=np.float64)

    return _chunked(updates, reduce)
