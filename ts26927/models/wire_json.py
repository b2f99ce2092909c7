"""JSON text as every ts26927 reader takes it: strict numbers, no duplicate keys, bounded
nesting — one decoder for wire documents, harness replies, headers, cases and
expectations, so a hostile text gets the same typed answer everywhere.

Refused, each with a reason: ``NaN``/``Infinity`` (not JSON), a number that overflows a
binary64 (``1e400``) or a non-zero one that underflows to zero (``1e-400``), an integer of more
digits than Python converts, a duplicate key, nesting deeper than the interpreter's recursion
limit, and text that is not UTF-8. ``MemoryError`` while decoding is reported too, never
raised.
"""

from __future__ import annotations

import json
import math
from typing import Any


class JsonTextError(ValueError):
    """The text is not acceptable JSON; the message says why."""


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonTextError(f"the number {text[:40]} is out of the binary64 range")
    mantissa = text.lower().split("e")[0]
    if value == 0.0 and any(digit in mantissa for digit in "123456789"):
        raise JsonTextError(f"the number {text[:40]} underflows to zero")
    return value


def _constant(name: str) -> Any:
    raise JsonTextError(f"{name} is not a JSON number")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JsonTextError(f"duplicate key {key[:80]!r}")
        result[key] = value
    return result


def loads(text: str | bytes) -> Any:
    """Decode ``text``; :class:`JsonTextError` says what is wrong with it."""
    try:
        return json.loads(
            text, parse_float=_float, parse_constant=_constant, object_pairs_hook=_object
        )
    except JsonTextError:
        raise
    except UnicodeDecodeError as error:
        raise JsonTextError(f"not UTF-8: {error.reason} at byte {error.start}") from None
    except json.JSONDecodeError as error:
        raise JsonTextError(f"{error.msg} at line {error.lineno} column {error.colno}") from None
    except RecursionError:
        raise JsonTextError("nested too deeply") from None
    except ValueError as error:  # e.g. an integer of more digits than Python converts
        raise JsonTextError(str(error)) from None
    except MemoryError:
        raise JsonTextError("too large to decode in the memory available") from None
