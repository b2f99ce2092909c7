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

#: Most values (numbers, strings, arrays, objects…) a text may hold: decoding builds one
#: Python object per value, so this bounds the memory a small text can claim (a 64 MB text
#: of ``[{},{},…]`` would otherwise build 21 million dictionaries).
MAX_VALUES = 1_000_000


class JsonTextError(ValueError):
    """The text is not acceptable JSON; the message says why."""


class OutOfRange(float):
    """A JSON number a binary64 cannot hold (it overflows, or a non-zero one underflows to
    zero), kept with its text so that a validator can report it where it stands."""

    text: str

    def __new__(cls, text: str) -> OutOfRange:
        number = super().__new__(cls, float(text))
        number.text = text[:40]
        return number

    @property
    def reason(self) -> str:
        kind = "underflows to zero" if self == 0.0 else "is out of the binary64 range"
        return f"the number {self.text} {kind}"


def _number(text: str) -> float:
    value = float(text)
    mantissa = text.lower().split("e")[0]
    if not math.isfinite(value) or (
        value == 0.0 and any(digit in mantissa for digit in "123456789")
    ):
        return OutOfRange(text)
    return value


def _strict_number(text: str) -> float:
    value = _number(text)
    if isinstance(value, OutOfRange):
        raise JsonTextError(value.reason)
    return value


def out_of_range(data: Any) -> list[tuple[list[str | int], OutOfRange]]:
    """Where ``data`` (decoded with ``numbers="keep"``) holds out-of-range numbers."""
    found: list[tuple[list[str | int], OutOfRange]] = []
    stack: list[tuple[list[str | int], Any]] = [([], data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, OutOfRange):
            found.append((path, node))
        elif isinstance(node, dict):
            stack.extend(([*path, k], v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(([*path, i], v) for i, v in enumerate(node))
    return sorted(found, key=lambda item: [str(p) for p in item[0]])


def _constant(name: str) -> Any:
    raise JsonTextError(f"{name} is not a JSON number")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JsonTextError(f"duplicate key {key[:80]!r}")
        result[key] = value
    return result


def loads(text: str | bytes, *, numbers: str = "refuse") -> Any:
    """Decode ``text``; :class:`JsonTextError` says what is wrong with it.

    ``numbers="keep"`` keeps a number a binary64 cannot hold as :class:`OutOfRange` (for a
    validator to report with its pointer, see :func:`out_of_range`) instead of refusing it.
    """
    data = text.encode() if isinstance(text, str) else bytes(text)
    # Every value but the first follows a ',' or opens after '[' / ':': an upper bound on
    # the count (separators inside strings count too), taken before anything is built.
    values = data.count(b",") + data.count(b"[") + data.count(b":") + 1
    if values > MAX_VALUES:
        raise JsonTextError(f"holds more than {MAX_VALUES} values (about {values})")
    try:
        # JSON on the wire is UTF-8 (RFC 8259): never let json guess UTF-16 or UTF-32.
        decoded = text.decode("utf-8") if isinstance(text, bytes | bytearray) else text
        return json.loads(
            decoded,
            parse_float=_number if numbers == "keep" else _strict_number,
            parse_constant=_constant,
            object_pairs_hook=_object,
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
