"""Small timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def median_seconds(action: Callable[[], Any], repeat: int, *, warmup: int = 1) -> float:
    """Median wall time of ``action`` over ``repeat`` runs, after ``warmup`` untimed runs."""
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def mb_per_s(nbytes: int, seconds: float) -> float:
    """Throughput in MB/s (decimal megabytes, as everywhere in this library)."""
    return nbytes / seconds / 1e6 if seconds > 0 else float("inf")
