"""``ts26927 bench conformance``: the whole suite in process against the reference engine.

``wall_s`` is one complete run of every case (after one warm-up run that builds the
embedded models); ``per_case_median_s`` the median of each case over ``repeat`` runs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from ts26927.bindings.reference import ReferenceImplementation
from ts26927.conformance.runner import run_case
from ts26927.conformance.suite import DEFAULT_CASES, load_suite
from ts26927.conformance.verdict import Verdict

#: The suite in process should take at most this long on the reference machine.
TARGET_WALL_S = 20.0


def run(
    cases_dir: Path = DEFAULT_CASES, repeat: int = 3, progress: Callable[[str], None] | None = None
) -> dict:
    if repeat < 1:
        raise ValueError(f"repeat must be at least 1, got {repeat}")
    say = progress or (lambda _: None)
    cases = load_suite(cases_dir)
    iut = ReferenceImplementation()
    info = iut.describe()
    say(f"warm-up run of {len(cases)} cases")
    for case in cases:
        run_case(case, iut, info)
    timings: dict[str, list[float]] = {c.id: [] for c in cases}
    walls: list[float] = []
    verdicts: dict[str, str] = {}
    for index in range(repeat):
        say(f"run {index + 1}/{repeat}")
        start = time.perf_counter()
        for case in cases:
            result = run_case(case, iut, info)
            timings[case.id].append(result.duration_s)
            verdicts[case.id] = result.verdict.value
        walls.append(time.perf_counter() - start)
    wall = statistics.median(walls)
    return {
        "cases": len(cases),
        "repeat": repeat,
        "wall_s": round(wall, 3),
        "per_case_median_s": {k: round(statistics.median(v), 4) for k, v in timings.items()},
        "all_passed": all(v == Verdict.PASS.value for v in verdicts.values()),
        "targets": {
            f"wall_s <= {TARGET_WALL_S:g}": wall <= TARGET_WALL_S,
            "every case passes": all(v == "pass" for v in verdicts.values()),
        },
    }
