"""Byte ranges (RFC 9110 clause 14) for the attachment resources: one range per request,
which is what resuming a cut download needs; anything else is served whole."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SINGLE = re.compile(r"^bytes=(\d*)-(\d*)$")


@dataclass(frozen=True)
class ByteRange:
    first: int
    last: int  # inclusive

    def content_range(self, size: int) -> str:
        return f"bytes {self.first}-{self.last}/{size}"


class Unsatisfiable(ValueError):
    """A well-formed range that selects nothing of the representation (416)."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The range ``header`` asks for, or None to send the whole representation (no header,
    several ranges, or a syntax the server may ignore, RFC 9110 clause 14.2)."""
    if not header:
        return None
    match = _SINGLE.match(header.strip())
    if match is None:
        return None
    start, end = match.groups()
    if not start and not end:
        return None
    if not start:  # a suffix: the last N bytes
        length = int(end)
        if length == 0 or size == 0:
            raise Unsatisfiable(header)
        return ByteRange(max(0, size - length), size - 1)
    first = int(start)
    last = int(end) if end else size - 1
    if end and last < first:
        return None  # invalid: ignored, as the RFC allows
    if first >= size:
        raise Unsatisfiable(header)
    return ByteRange(first, min(last, size - 1))


__all__ = ["ByteRange", "Unsatisfiable", "parse_range"]
