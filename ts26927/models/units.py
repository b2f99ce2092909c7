"""Scalar wire types shared by the clause 6.6 models: units, bit rates, times, bytes.

Units are the TR's own and are never converted silently: a size in KB stays in KB.
We read the TR's "KB"/"MB"/"GB" as decimal SI units (1 KB = 1000 bytes), as TS 29.571 does
for bit rates; the helpers below say so in every schema description.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema


def _integral(value: Any) -> Any:
    # JSON Schema counts 5.0 as an integer; accept it so schema and model agree.
    if type(value) is float and value.is_integer():
        return int(value)
    return value


#: Integer (TS 29.571 ``Integer``).
Integer = Annotated[int, BeforeValidator(_integral)]
#: Unsigned integer (TS 29.571 ``Uinteger``).
Uinteger = Annotated[int, Field(ge=0), BeforeValidator(_integral)]
#: Unsigned 32-bit integer (TS 29.571 ``Uint32``).
Uint32 = Annotated[int, Field(ge=0, le=2**32 - 1), BeforeValidator(_integral)]
#: Strictly positive integer (a tensor dimension, a count of at least one).
PositiveInt = Annotated[int, Field(ge=1), BeforeValidator(_integral)]
#: A percentage, 0.0-100.0 (TS 26.512 ``Percentage``).
Percentage = Annotated[float, Field(ge=0.0, le=100.0)]
#: Non-negative real number; the unit is given by the field that uses it.
NonNegativeFloat = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
#: A non-empty identifier string.
Identifier = Annotated[str, Field(min_length=1, max_length=256)]

#: 1 KB = 1000 bytes; 1 MB = 10**6 bytes (decimal SI, as 3GPP writes bit rates).
BYTES_PER_KB = 1000
BYTES_PER_MB = 1000 * 1000


class BitRate(str):
    """A TS 29.571 ``BitRate`` string such as ``"256 Kbps"``; :attr:`bps` is its value.

    The TR writes "256 kb/s"; on the wire this is ``"256 Kbps"``.
    """

    PATTERN = r"^\d+(\.\d+)? (bps|Kbps|Mbps|Gbps|Tbps)$"
    _MULTIPLIER: ClassVar[dict[str, int]] = {
        "bps": 1,
        "Kbps": 10**3,
        "Mbps": 10**6,
        "Gbps": 10**9,
        "Tbps": 10**12,
    }

    @property
    def bps(self) -> float:
        """The bit rate in bits per second."""
        number, unit = self.split(" ")
        return float(number) * self._MULTIPLIER[unit]

    @classmethod
    def from_bps(cls, bps: float) -> BitRate:
        """The shortest exact ``BitRate`` string for ``bps`` bits per second."""
        if bps < 0:
            raise ValueError("a bit rate cannot be negative")
        for unit in ("Tbps", "Gbps", "Mbps", "Kbps"):
            scaled = bps / cls._MULTIPLIER[unit]
            if scaled >= 1 and scaled == round(scaled, 3):
                return cls(f"{scaled:g} {unit}" if scaled == int(scaled) else f"{scaled} {unit}")
        return cls(f"{bps:g} bps" if bps == int(bps) else f"{bps} bps")

    @classmethod
    def _validate(cls, value: str) -> BitRate:
        return cls(value)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls._validate,
            core_schema.str_schema(pattern=cls.PATTERN),
            serialization=core_schema.to_string_ser_schema(),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": cls.PATTERN,
            "description": "TS 29.571 BitRate: a number, a space and bps, Kbps, Mbps, Gbps "
            "or Tbps (decimal multiples).",
        }


# RFC 3339 date-time with seconds and an explicit offset; enforced by schema and model alike.
_DATE_TIME = (
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d"
    r"(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)


class _Rfc3339:
    """Annotation: an aware datetime carried as an RFC 3339 string (TS 29.571 ``DateTime``)."""

    @staticmethod
    def _parse(value: str) -> datetime:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_time_invalid", "not a valid RFC 3339 date-time: {value}", {"value": value}
            ) from None

    @staticmethod
    def _serialize(value: datetime) -> str:
        return value.isoformat().replace("+00:00", "Z")

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        from_str = core_schema.no_info_after_validator_function(
            self._parse, core_schema.str_schema(pattern=_DATE_TIME)
        )
        return core_schema.json_or_python_schema(
            json_schema=from_str,
            python_schema=core_schema.union_schema(
                [core_schema.is_instance_schema(datetime), from_str]
            ),
            serialization=core_schema.plain_serializer_function_ser_schema(
                self._serialize, when_used="json"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": "date-time", "pattern": _DATE_TIME}


#: RFC 3339 date-time with an explicit offset (TS 29.571 ``DateTime``).
DateTime = Annotated[datetime, _Rfc3339()]

_BASE64 = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"


class _Base64:
    """Annotation: bytes carried as a padded standard base64 string (TS 29.571 ``Bytes``)."""

    @staticmethod
    def _decode(value: str) -> bytes:
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error as exc:
            raise PydanticCustomError(
                "base64_invalid", "not valid base64: {reason}", {"reason": str(exc)}
            ) from None

    @staticmethod
    def _encode(value: bytes) -> str:
        return base64.b64encode(value).decode("ascii")

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        from_str = core_schema.no_info_after_validator_function(
            self._decode, core_schema.str_schema(pattern=_BASE64)
        )
        return core_schema.json_or_python_schema(
            json_schema=from_str,
            python_schema=core_schema.union_schema([core_schema.bytes_schema(), from_str]),
            serialization=core_schema.plain_serializer_function_ser_schema(
                self._encode, when_used="json"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "contentEncoding": "base64", "pattern": _BASE64}


#: Raw bytes, base64 on the wire.
Base64Bytes = Annotated[bytes, _Base64()]

#: An absolute URI (scheme ":" and no spaces), e.g. a 3GPP URI or an HTTPS link.
Uri = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$", max_length=2048)]
#: A SHA-256 digest as 64 lower-case hexadecimal digits.
Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
