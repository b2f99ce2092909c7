from __future__ import annotations

import pytest
from pydantic import ValidationError

from ts26927.models import CompressionAlgorithm, DataDirection, IntermediateDataInformation
from ts26927.models.examples import EXAMPLES


def _doc(**overrides: object) -> dict:
    return {**EXAMPLES["IntermediateDataInformation"][0], **overrides}


def test_several_tensors_and_their_size() -> None:
    info = IntermediateDataInformation.from_wire(_doc())
    assert [t.name for t in info.tensors] == ["x", "positions"]
    assert info.data_direction is DataDirection.UPSTREAM
    assert info.size_kb == (4 * 64**3 + 8 * 64) / 1000
    assert info.compression_algorithms == [
        CompressionAlgorithm.NONE,
        CompressionAlgorithm.FC_VCM,
        CompressionAlgorithm.SNAPPY,
    ]


def test_tensor_names_are_unique() -> None:
    tensors = [dict(t) for t in _doc()["tensors"]]
    tensors[1]["name"] = "x"
    with pytest.raises(ValidationError, match="tensor names must be unique; repeated: x"):
        IntermediateDataInformation.from_wire(_doc(tensors=tensors))


def test_string_tensors_have_no_fixed_size() -> None:
    tensors = [{"name": "s", "tensorShape": [2], "tensorElementDataType": "STRING"}]
    assert IntermediateDataInformation.from_wire(_doc(tensors=tensors)).size_kb is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tensors", []),
        ("dataDirection", "UPLINK"),
        ("compressionAlgorithms", ["snappy"]),
        ("compressionAlgorithms", []),
        ("tensors", [{"name": "x", "tensorShape": [1, 0], "tensorElementDataType": "FLOAT"}]),
        ("tensors", [{"name": "x", "tensorShape": [1], "tensorElementDataType": "Float32"}]),
    ],
)
def test_bad_values_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError, match=field):
        IntermediateDataInformation.from_wire(_doc(**{field: value}))


def test_future_compression_algorithms_stay_valid() -> None:
    info = IntermediateDataInformation.from_wire(_doc(compressionAlgorithms=["FUTURE_CODEC"]))
    assert info.compression_algorithms == ["FUTURE_CODEC"]
    assert not isinstance(info.compression_algorithms[0], CompressionAlgorithm)
