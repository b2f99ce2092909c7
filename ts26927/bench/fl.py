"""``ts26927 bench fl``: aggregation of K clients' ResNet50-sized updates, in one run.

* ``fedavg_s`` / ``fedavg_extra_mb``: :func:`~ts26927.engine.federated.aggregate.fedavg`
  (streaming, in place) against ``baseline_s`` / ``baseline_extra_mb``: the list-based
  weighted average of Flower's ``aggregate`` (each array times its weight into new lists,
  then summed per layer).
* ``median_s`` / ``median_extra_mb``: the chunked coordinate-wise median.

Each is timed once untraced, then run again under :mod:`tracemalloc` for its memory.

Extra memory is the peak of numpy allocations traced by :mod:`tracemalloc` during the call
beyond what was allocated before it (the inputs), in MB. The parameter set has ResNet50's
shapes (53 convolutions with batch-norm scale and shift, the final dense layer): 161 arrays,
25.6 M float32.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from ts26927.engine.federated import aggregate

BYTES_PER_MB = 1e6


def resnet50_shapes() -> list[tuple[int, ...]]:
    """Parameter shapes of ResNet50 (convolution weights, batch-norm scale/shift, dense)."""
    shapes: list[tuple[int, ...]] = []

    def conv(out_ch: int, in_ch: int, k: int) -> None:
        shapes.extend([(out_ch, in_ch, k, k), (out_ch,), (out_ch,)])

    conv(64, 3, 7)
    in_ch = 64
    for width, blocks in ((64, 3), (128, 4), (256, 6), (512, 3)):
        for block in range(blocks):
            conv(width, in_ch, 1)
            conv(width, width, 3)
            conv(width * 4, width, 1)
            if block == 0:
                conv(width * 4, in_ch, 1)  # the projection shortcut
            in_ch = width * 4
    shapes.extend([(2048, 1000), (1000,)])
    return shapes


def _measure(action: Callable[[], Any]) -> tuple[float, float]:
    """(seconds, peak MB allocated during ``action`` beyond what existed before).

    Timed untraced (tracing slows allocation-heavy code), then run again under tracemalloc.
    """
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        action()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return seconds, (peak - before) / BYTES_PER_MB


def run(
    clients: int = 20,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    shapes: list[tuple[int, ...]] | None = None,
) -> dict:
    """Measure the aggregators on ``clients`` updates (ResNet50's shapes unless ``shapes``
    is given); return the JSON-ready result."""
    if clients < 1:
        raise ValueError(f"clients must be at least 1, got {clients}")
    say = progress or (lambda _: None)
    rng = np.random.default_rng(seed)
    shapes = shapes or resnet50_shapes()
    base = [rng.standard_normal(s, dtype=np.float32) for s in shapes]
    model_mb = sum(a.nbytes for a in base) / BYTES_PER_MB
    say(f"building {clients} updates of {len(shapes)} arrays ({model_mb:.0f} MB each)")
    updates = [
        ([a * np.float32(1 + 0.001 * k) for a in base], int(rng.integers(50, 500)))
        for k in range(clients)
    ]
    say("fedavg (streaming, in place)")
    fedavg_s, fedavg_mb = _measure(lambda: aggregate.fedavg(updates))
    say("baseline (list-based weighted average)")
    baseline_s, baseline_mb = _measure(lambda: aggregate.weighted_average_baseline(updates))
    say("coordinate-wise median (chunked)")
    median_s, median_mb = _measure(lambda: aggregate.coordinate_median(updates))
    check = aggregate.fedavg(updates)
    reference = aggregate.weighted_average_baseline(updates)
    assert check is not None and reference is not None
    max_diff = max(float(np.max(np.abs(a - b))) for a, b in zip(check, reference, strict=True))
    return {
        "clients": clients,
        "arrays": len(shapes),
        "parameters": int(sum(a.size for a in base)),
        "model_mb": round(model_mb, 1),
        "fedavg_s": round(fedavg_s, 3),
        "fedavg_extra_mb": round(fedavg_mb, 1),
        "baseline_s": round(baseline_s, 3),
        "baseline_extra_mb": round(baseline_mb, 1),
        "median_s": round(median_s, 3),
        "median_extra_mb": round(median_mb, 1),
        "fedavg_vs_baseline_max_abs_diff": max_diff,
        "targets": {
            "fedavg_s <= 0.35 * baseline_s": fedavg_s <= 0.35 * baseline_s,
            "fedavg_extra_mb <= 1.2 * model_mb": fedavg_mb <= 1.2 * model_mb,
            "median_extra_mb <= 2 * model_mb": median_mb <= 2 * model_mb,
        },
    }
