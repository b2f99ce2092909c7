"""Intermediate data units that round-trip, and the layout ``encode_unit`` writes.

A unit decodes to what was encoded; the page's worked example sits at its documented offsets;
every payload starts at the next multiple of 64; the header keeps the split point and every
field of the information and the payloads; the checksum is the CRC-32 of all before it.
Refusals are in ``test_unit_refusals.py``, bounds and where errors point in
``test_unit_bounds.py``.
"""

from __future__ import annotations

import json
import struct
import zlib

import numpy as np
import pytest

from tests.engine.split.unit_frames import (
    ARRAYS,
    TRAILER,
    VERSION,
    example,
    layout,
    make_unit,
    split,
)
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.split.pipeline import describe_intermediate
from ts26927.engine.split.unit import decode_unit, encode_unit, unit_chain_name
from ts26927.models.intermediate_data import DataDirection
from ts26927.models.intermediate_unit import IntermediateDataUnitHeader
from ts26927.models.split_model import SplitPointFlag, SplitPointInformation


def test_a_unit_round_trips() -> None:
    decoded = decode_unit(make_unit())
    np.testing.assert_array_equal(decoded.tensors["shape"], ARRAYS["shape"])
    assert decoded.header.payloads[0].compression_algorithms == ["INT8", "ZSTD"]
    assert decoded.header.payloads[1].compression_algorithms == ["ZSTD"]


def test_the_checksum_is_the_crc32_of_everything_before_it() -> None:
    unit = make_unit("NONE")
    assert unit[4] == VERSION
    assert struct.unpack("<I", unit[-TRAILER:])[0] == zlib.crc32(unit[:-TRAILER])


# --- the documented layout, at literal offsets ---------------------------------------------


def test_the_worked_example_sits_at_the_documented_offsets() -> None:
    # The layout page's example: H = 698, payloads at 768 and 832, the CRC-32 at 856.
    unit = example()
    assert len(unit) == 860
    assert unit[0:4] == b"TSID" and unit[4] == 2 and unit[5:8] == b"\0\0\0"
    assert unit[8:12] == bytes.fromhex("ba020000") and struct.unpack("<I", unit[8:12]) == (698,)
    header = json.loads(unit[12:710])
    assert header["splitPointInformation"] == {
        "splitPointIdentifier": "relu1",
        "splitPointNumber": 1,
    }
    assert unit[710:768] == bytes(58)  # padding to 768 = 12 * 64
    assert unit[768:774] == bytes.fromhex("95bfea15807f")  # INT8 features
    assert unit[774:832] == bytes(58)  # padding to 832 = 13 * 64
    assert unit[832:856] == np.array([7, -1, 256], "<i8").tobytes()
    assert unit[856:860] == bytes.fromhex("12321f36") == struct.pack("<I", zlib.crc32(unit[:856]))


@pytest.mark.parametrize("sizes", [(1,), (3, 5), (16, 1, 7), (65, 2, 64, 3)])
def test_every_payload_starts_at_the_next_multiple_of_64(sizes: tuple[int, ...]) -> None:
    arrays = {f"t{i}": np.arange(n, dtype=np.float32) + i for i, n in enumerate(sizes)}
    unit = make_unit("NONE", arrays)
    length, spans = layout(unit)
    assert struct.unpack("<I", unit[8:12]) == (length,) and unit[4] == 2
    end = 12 + length
    for (start, size), array in zip(spans, arrays.values(), strict=True):
        assert start % 64 == 0 and 0 <= start - end < 64
        assert unit[start : start + size] == array.tobytes()  # NONE: the bytes, in place
        end = start + size


def _everything(chain: str) -> tuple[bytes, IntermediateDataUnitHeader, dict]:
    arrays = {
        "features": np.linspace(-3, 5, 24, dtype=np.float32).reshape(2, 3, 4),
        "ids": np.array([1, -2, 3], np.int64),
        "mask": np.array([True, False], np.bool_),
    }
    information = describe_intermediate(arrays, DataDirection.DOWNSTREAM)
    split_point = SplitPointInformation(
        split_point_identifier="Layer_10",
        split_point_intermediate_data_size=0.25,
        split_point_number=10,
        split_point_name="conv2d_1234",
        split_point_flag=SplitPointFlag.AFTER,
    )
    encoded = encode_unit(information, arrays, CodecChain.parse(chain), split_point=split_point)
    return encoded.to_bytes(), encoded.header, arrays


@pytest.mark.parametrize("chain", ["NONE", "INT8+ZSTD", "FLOAT16+LZ4", "SNAPPY"])
def test_encode_keeps_the_split_point_and_every_header_field(chain: str) -> None:
    unit, header, arrays = _everything(chain)
    text = json.loads(unit[12 : 12 + struct.unpack_from("<I", unit, 8)[0]])
    assert text["splitPointInformation"] == {
        "splitPointIdentifier": "Layer_10",
        "splitPointIntermediateDataSize": 0.25,
        "splitPointNumber": 10,
        "splitPointName": "conv2d_1234",
        "splitPointFlag": "AFTER",
    }
    information = text["intermediateDataInformation"]
    assert information["dataDirection"] == "DOWNSTREAM"
    assert information["compressionAlgorithms"] == chain.split("+")
    tensors = [
        (t["name"], t["tensorShape"], t["tensorElementDataType"]) for t in information["tensors"]
    ]
    assert tensors == [
        ("features", [2, 3, 4], "FLOAT"),
        ("ids", [3], "INT64"),
        ("mask", [2], "BOOL"),
    ]
    assert [p["name"] for p in text["payloads"]] == ["features", "ids", "mask"]
    _, spans = layout(unit)
    assert [p["payloadLength"] for p in text["payloads"]] == [size for _, size in spans]
    decoded = decode_unit(unit)
    assert decoded.header == header  # every field, as encoded
    assert decoded.header.to_wire() == text
    for name, array in arrays.items():
        assert decoded.tensors[name].dtype == array.dtype
        assert decoded.tensors[name].shape == array.shape
    np.testing.assert_array_equal(decoded.tensors["ids"], arrays["ids"])
    np.testing.assert_array_equal(decoded.tensors["mask"], arrays["mask"])
    assert unit_chain_name(decoded.header) == chain


def test_without_a_split_point_the_header_has_none() -> None:
    unit = make_unit("NONE")
    header, _ = split(unit)
    assert "splitPointInformation" not in header
    decoded = decode_unit(unit)
    assert decoded.header.split_point_information is None
    assert decoded.header.intermediate_data_information.compression_algorithms == ["NONE"]


def test_the_payload_fields_are_the_documented_lengths() -> None:
    unit, _, _ = _everything("INT8")
    header, bodies = split(unit)
    features, ids, mask = header["payloads"]
    assert (features["compressionAlgorithms"], features["encodedElementDataType"]) == (
        ["INT8"],
        "INT8",
    )
    assert features["rawLength"] == features["payloadLength"] == 24 == len(bodies[0])
    assert set(features["quantization"]) == {"scale", "zeroPoint"}
    assert (ids["compressionAlgorithms"], ids["encodedElementDataType"]) == (["NONE"], "INT64")
    assert ids["rawLength"] == ids["payloadLength"] == 24 and "quantization" not in ids
    assert mask["rawLength"] == mask["payloadLength"] == 2 and bodies[2] == b"\x01\x00"
