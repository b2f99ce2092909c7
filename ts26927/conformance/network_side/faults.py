"""Network mutants that break no workflow's content but the implementation itself: one that
never answers a poll (a timeout verdict) and one that raises on every step (an error)."""

from __future__ import annotations

from ..mutants import Mutant, MutantSpec

MUTANTS: tuple[MutantSpec, ...] = (
    MutantSpec(
        "hangs",
        "never answers a poll",
        lambda: Mutant(hang=True),
        "5.2.3.2-split-inference-001",
        "17b",
        ("timeout",),
    ),
    MutantSpec(
        "crashes",
        "raises on every step",
        lambda: Mutant(crash=True),
        "5.2.2.2.1-model-delivery-001",
        "1",
        ("error",),
    ),
)
