"""Element types: ONNX ``TensorProto`` codes, clause 6.6.3 names and numpy dtypes.

The wire names (:class:`ElementDataType`) are ONNX's own, so the mapping from ONNX is by
name. Only types numpy represents natively can be carried as intermediate data here;
the others (bfloat16, float8, 4-bit, strings) are refused by name.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from onnx import TensorProto

from ts26927.models.intermediate_data import IntermediateTensor
from ts26927.models.tensors import ElementDataType

_NUMPY: dict[ElementDataType, np.dtype] = {
    ElementDataType.FLOAT: np.dtype("<f4"),
    ElementDataType.DOUBLE: np.dtype("<f8"),
    ElementDataType.FLOAT16: np.dtype("<f2"),
    ElementDataType.INT8: np.dtype("i1"),
    ElementDataType.INT16: np.dtype("<i2"),
    ElementDataType.INT32: np.dtype("<i4"),
    ElementDataType.INT64: np.dtype("<i8"),
    ElementDataType.UINT8: np.dtype("u1"),
    ElementDataType.UINT16: np.dtype("<u2"),
    ElementDataType.UINT32: np.dtype("<u4"),
    ElementDataType.UINT64: np.dtype("<u8"),
    ElementDataType.BOOL: np.dtype("?"),
    ElementDataType.COMPLEX64: np.dtype("<c8"),
    ElementDataType.COMPLEX128: np.dtype("<c16"),
}
_BY_DTYPE = {dtype: element for element, dtype in _NUMPY.items()}

#: Types a precision reduction (FLOAT16, INT8) applies to.
FLOATING = frozenset({ElementDataType.FLOAT, ElementDataType.DOUBLE, ElementDataType.FLOAT16})


def from_onnx(code: int) -> ElementDataType | None:
    """The wire name of an ONNX ``TensorProto.DataType`` code; None for UNDEFINED/unknown."""
    try:
        return ElementDataType(TensorProto.DataType.Name(code))
    except ValueError:
        return None


def to_onnx(element: ElementDataType) -> int:
    """The ONNX ``TensorProto.DataType`` code of a wire name."""
    return int(TensorProto.DataType.Value(element.value))


def numpy_dtype(element: ElementDataType) -> np.dtype | None:
    """The little-endian numpy dtype of ``element``; None where numpy has none."""
    return _NUMPY.get(element)


def from_numpy(dtype: np.dtype) -> ElementDataType | None:
    """The wire name of a numpy dtype; None where ONNX has no such element type."""
    return _BY_DTYPE.get(np.dtype(dtype).newbyteorder("<"))


def describe_arrays(arrays: Mapping[str, np.ndarray]) -> list[IntermediateTensor]:
    """Clause 6.6.3 descriptions (name, shape, element type) of named arrays — media data,
    inference outputs — whose values travel elsewhere. A scalar is described as shape [1]."""
    described = []
    for name, array in arrays.items():
        element = from_numpy(array.dtype)
        if element is None:
            raise TypeError(f"tensor {name}: numpy dtype {array.dtype} has no ONNX element type")
        described.append(
            IntermediateTensor(
                name=name, tensor_shape=list(array.shape) or [1], tensor_element_data_type=element
            )
        )
    return described
