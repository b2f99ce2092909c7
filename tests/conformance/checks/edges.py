"""Figures exactly at a check's limit, in binary64: a check that says "within" must pass them,
and a check written with ``>=`` instead of ``>`` would not."""

from __future__ import annotations

import math
from collections.abc import Callable

#: How far (in units of the last place) from the guess an exact edge is looked for.
SEARCH_ULPS = 4096


def exact_edge(difference: Callable[[float], float], limit: float, guess: float) -> float:
    """A float ``x`` near ``guess`` (above it first) whose ``difference(x)`` is exactly
    ``limit``, as the check computes it."""
    for direction in (math.inf, -math.inf):
        x = guess
        for _ in range(SEARCH_ULPS):
            if difference(x) == limit:
                return x
            x = math.nextafter(x, direction)
    raise AssertionError(f"no float within {SEARCH_ULPS} ulps of {guess!r} is exactly at the limit")


def beyond(x: float, away_from: float) -> float:
    """The next float after ``x``, away from ``away_from``."""
    return math.nextafter(x, math.inf if x > away_from else -math.inf)
