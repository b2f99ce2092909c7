"""Tensor element types and shapes (clause 6.6.3), shared by intermediate data and FL updates."""

from __future__ import annotations

from enum import StrEnum
from math import prod
from typing import Annotated

from pydantic import Field

from ts26927.models.units import PositiveInt


class ElementDataType(StrEnum):
    """Tensor element data types, named exactly as ONNX ``TensorProto.DataType``.

    The TR's examples "int64" and "Float32" are ``INT64`` and ``FLOAT`` here.
    """

    FLOAT = "FLOAT"
    UINT8 = "UINT8"
    INT8 = "INT8"
    UINT16 = "UINT16"
    INT16 = "INT16"
    INT32 = "INT32"
    INT64 = "INT64"
    STRING = "STRING"
    BOOL = "BOOL"
    FLOAT16 = "FLOAT16"
    DOUBLE = "DOUBLE"
    UINT32 = "UINT32"
    UINT64 = "UINT64"
    COMPLEX64 = "COMPLEX64"
    COMPLEX128 = "COMPLEX128"
    BFLOAT16 = "BFLOAT16"
    FLOAT8E4M3FN = "FLOAT8E4M3FN"
    FLOAT8E4M3FNUZ = "FLOAT8E4M3FNUZ"
    FLOAT8E5M2 = "FLOAT8E5M2"
    FLOAT8E5M2FNUZ = "FLOAT8E5M2FNUZ"
    UINT4 = "UINT4"
    INT4 = "INT4"
    FLOAT4E2M1 = "FLOAT4E2M1"

    @property
    def bits(self) -> int | None:
        """Bits per element; ``None`` for ``STRING`` (variable length)."""
        return _BITS[self]

    def byte_length(self, shape: list[int] | tuple[int, ...]) -> int | None:
        """Bytes of a packed little-endian tensor of this type and ``shape``."""
        bits = self.bits
        # Integer arithmetic: a hostile shape must not overflow a float.
        return None if bits is None else (prod(shape) * bits + 7) // 8


_BITS: dict[ElementDataType, int | None] = {
    **{t: 32 for t in (ElementDataType.FLOAT, ElementDataType.INT32, ElementDataType.UINT32)},
    **{t: 64 for t in (ElementDataType.DOUBLE, ElementDataType.INT64, ElementDataType.UINT64)},
    **{
        t: 16
        for t in (
            ElementDataType.FLOAT16,
            ElementDataType.BFLOAT16,
            ElementDataType.INT16,
            ElementDataType.UINT16,
        )
    },
    **{
        t: 8
        for t in (
            ElementDataType.INT8,
            ElementDataType.UINT8,
            ElementDataType.BOOL,
            ElementDataType.FLOAT8E4M3FN,
            ElementDataType.FLOAT8E4M3FNUZ,
            ElementDataType.FLOAT8E5M2,
            ElementDataType.FLOAT8E5M2FNUZ,
        )
    },
    **{t: 4 for t in (ElementDataType.INT4, ElementDataType.UINT4, ElementDataType.FLOAT4E2M1)},
    ElementDataType.COMPLEX64: 64,
    ElementDataType.COMPLEX128: 128,
    ElementDataType.STRING: None,
}

#: "A tuple of positive integers, where the size of the tuple represents the dimension of
#: the tensor, and each value represents the size in each dimension" (6.6.3).
TensorShape = Annotated[list[PositiveInt], Field(max_length=32)]
