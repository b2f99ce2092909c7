"""3GPP-style extensible enumerations: ``extensible(SomeEnum)`` is the wire type.

TS 29.501 writes an enumeration that may grow as ``anyOf: [{enum: [...]}, {type: string}]``
so that a value added by a later version still validates. We do the same, with one
tightening: an unknown value must still look like an enumeration value (UPPER_SNAKE_CASE),
which catches ``"snappy"`` typos while leaving room for ``"NEW_CODEC"``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

#: Shape of a value this version does not know yet.
EXTENSION_PATTERN = r"^[A-Z][A-Z0-9_]*$"

FORWARD_COMPATIBLE = (
    "This string provides forward-compatibility with future extensions to the enumeration "
    "but is not used to encode content defined in the present version."
)

ExtensionValue = Annotated[str, Field(pattern=EXTENSION_PATTERN, description=FORWARD_COMPATIBLE)]


def extensible(enum: type[StrEnum]) -> Any:
    """``enum`` or a forward-compatible value; known values always become members.

    Left-to-right union: a JSON string is an exact match for ``str`` too, and pydantic's
    smart mode would otherwise keep ``"NPU"`` a plain string.
    """
    return Annotated[enum | ExtensionValue, Field(union_mode="left_to_right")]


def is_known(value: str, enum: type[StrEnum]) -> bool:
    """True when ``value`` is a member of ``enum`` (not a forward-compatible extension)."""
    return value in enum._value2member_map_
