"""The precision chain of an adaptive model: which levels exist and what each one carries.

A chain is one or more integer levels of increasing depth (INT4, INT8, INT16), then FLOAT32,
the exact level. Encoder and decoder both derive every section's kind, plane and size from
the chain, so that what one writes is exactly what the other expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from ts26927.models.messages.adaptive import Precision, SectionKind

#: Bits per weight of the integer precisions a chain may use.
DEPTHS: dict[Precision, int] = {Precision.INT4: 4, Precision.INT8: 8, Precision.INT16: 16}
DEFAULT_CHAIN = (Precision.INT8, Precision.INT16, Precision.FLOAT32)

#: (kind, plane) -> uncompressed bytes; the skeleton's size is free (None).
Layout = dict[tuple[SectionKind, int], int | None]


@dataclass(frozen=True)
class Chain:
    """A validated chain of precisions."""

    precisions: tuple[Precision, ...]

    def __post_init__(self) -> None:
        problem = chain_problem(self.precisions)
        if problem:
            raise ValueError(problem)

    @property
    def depths(self) -> tuple[int, ...]:
        """Bits per weight of the integer levels."""
        return tuple(DEPTHS[p] for p in self.precisions[:-1])

    @property
    def top(self) -> int:
        return self.depths[-1]

    @property
    def base(self) -> int:
        return self.depths[0]

    @property
    def last(self) -> int:
        """Index of the exact level."""
        return len(self.precisions) - 1

    def shift(self, level: int) -> int:
        """Bits between integer ``level`` and the top integer level."""
        return self.top - self.depths[level]

    def added_bits(self, level: int) -> int:
        """Bits integer ``level`` (> 0) adds to the level below."""
        return self.depths[level] - self.depths[level - 1]

    def layout(self, level: int, elements: int, exceptions: int) -> Layout:
        """The sections of ``level``'s package and their uncompressed sizes."""
        if level == 0:
            layout: Layout = {(SectionKind.SKELETON, 0): None}
            layout |= _planes(SectionKind.CODES, self.base, elements)
            if exceptions:
                layout[(SectionKind.EXCEPTIONS, 0)] = 8 * exceptions
            return layout
        if level == self.last:
            return {(SectionKind.EXACT, plane): elements for plane in range(4)}
        return _planes(SectionKind.RESIDUAL, self.added_bits(level), elements)


def chain_problem(precisions: tuple[Precision, ...]) -> str | None:
    """Why ``precisions`` is not a chain, or None."""
    if len(precisions) < 2 or precisions[-1] is not Precision.FLOAT32:
        return "a chain has one or more integer levels, then FLOAT32"
    integer = precisions[:-1]
    if any(p not in DEPTHS for p in integer):
        return f"integer levels must be among {', '.join(p.value for p in DEPTHS)}"
    depths = [DEPTHS[p] for p in integer]
    if any(b <= a for a, b in pairwise(depths)):
        return "integer levels must increase in precision"
    return None


def code_dtype(bits: int) -> np.dtype:
    """Storage type of signed values of ``bits`` bits."""
    return np.dtype(np.int8) if bits <= 8 else np.dtype("<i2")


def _planes(kind: SectionKind, bits: int, elements: int) -> Layout:
    return {(kind, plane): elements for plane in range(code_dtype(bits).itemsize)}
