from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import helper

from ts26927.models.tensors import ElementDataType


def test_every_element_type_is_an_onnx_tensorproto_type() -> None:
    onnx_names = set(onnx.TensorProto.DataType.keys())
    assert {t.value for t in ElementDataType} <= onnx_names


@pytest.mark.parametrize("dtype", [t for t in ElementDataType if t.bits not in (None, 4)])
def test_bits_match_numpy_itemsize(dtype: ElementDataType) -> None:
    code = onnx.TensorProto.DataType.Value(dtype.value)
    np_type = helper.tensor_dtype_to_np_dtype(code)
    assert dtype.bits == np.dtype(np_type).itemsize * 8


def test_byte_length_packs_four_bit_types_and_refuses_strings() -> None:
    assert ElementDataType.INT4.byte_length([3]) == 2
    assert ElementDataType.FLOAT.byte_length([1, 64, 64, 64]) == 4 * 64**3
    assert ElementDataType.FLOAT.byte_length([]) == 4
    assert ElementDataType.STRING.byte_length([2]) is None
