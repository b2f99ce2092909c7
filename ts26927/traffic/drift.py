"""Whether committed traffic figures and pages still show what the models give, within the
tolerance a measurement allows.

The sizes of compressed intermediate data are measured on tensors that onnxruntime computes
in float32; another CPU (AVX2 against AVX-512 kernels, another summation order) or another
compressor build changes some of those floats in their last bits, a few INT8 levels flip,
and a compressed size moves by a few bytes. Rounding cannot hide that (a value near a
rounding boundary crosses it), so the drift check compares numbers within
:data:`RELATIVE_TOLERANCE` and everything else (labels, structure, text) exactly. One
percent is below what a plot can show and far below any change of model, input or scenario.
"""

from __future__ import annotations

import math
import re
from typing import Any

#: Largest relative difference between a committed and a regenerated measured number.
RELATIVE_TOLERANCE = 0.01

# A number as the pages write it: optional sign, digits with thousands commas, a fraction,
# an exponent. Percent signs and units stay in the text around it.
_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?")


def close(a: float, b: float) -> bool:
    """``a`` and ``b`` within :data:`RELATIVE_TOLERANCE` of the larger (equal non-finite
    values and two zeros count as close)."""
    if a == b:
        return True
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    return abs(a - b) <= RELATIVE_TOLERANCE * max(abs(a), abs(b))


def data_difference(committed: Any, now: Any, where: str = "") -> str | None:
    """The first place (a JSON pointer) where two JSON values differ beyond the tolerance,
    with both values; None when they agree."""
    if _is_number(committed) and _is_number(now):
        return None if close(committed, now) else f"{where or '/'}: {committed} → {now}"
    if isinstance(committed, dict) and isinstance(now, dict):
        if committed.keys() != now.keys():
            keys = sorted(committed.keys() ^ now.keys())
            return f"{where or '/'}: keys differ ({', '.join(map(str, keys))})"
        for key in committed:
            found = data_difference(committed[key], now[key], f"{where}/{_escape(key)}")
            if found:
                return found
        return None
    if isinstance(committed, list) and isinstance(now, list):
        if len(committed) != len(now):
            return f"{where or '/'}: {len(committed)} items → {len(now)}"
        for index, (a, b) in enumerate(zip(committed, now, strict=True)):
            if found := data_difference(a, b, f"{where}/{index}"):
                return found
        return None
    if type(committed) is type(now) and committed == now:
        return None
    return f"{where or '/'}: {committed!r} → {now!r}"


def text_difference(committed: str, now: str) -> str | None:
    """The first line where two texts differ other than by numbers within the tolerance;
    None when they agree."""
    old_lines, new_lines = committed.splitlines(), now.splitlines()
    if len(old_lines) != len(new_lines):
        return f"{len(old_lines)} lines → {len(new_lines)}"
    for number, (old, new) in enumerate(zip(old_lines, new_lines, strict=True), 1):
        if old != new and not _same_line(old, new):
            return f"line {number}: {old!r} → {new!r}"
    return None


def _same_line(old: str, new: str) -> bool:
    if _NUMBER.split(old) != _NUMBER.split(new):
        return False
    pairs = zip(_NUMBER.findall(old), _NUMBER.findall(new), strict=True)
    return all(close(_value(a), _value(b)) for a, b in pairs)


def _value(token: str) -> float:
    return float(token.replace(",", ""))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _escape(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


__all__ = ["RELATIVE_TOLERANCE", "close", "data_difference", "text_difference"]
