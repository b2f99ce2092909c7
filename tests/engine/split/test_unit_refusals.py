"""Hostile intermediate data units: truncated, altered, inconsistent, bombs — each a typed error.

Every truncation and every altered byte fails; malformed framing, non-zero padding, headers
that disagree with the payloads or are not strict JSON, payloads that inflate beyond their
declared length, declared sizes beyond the limit, unsupported algorithms, element types and
INT8 scales are refused, and ``encode_unit`` refuses arrays that do not match the information.
"""

from __future__ import annotations

import json
import struct

import cramjam
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.engine.split.unit_frames import (
    ALIGNMENT,
    ARRAYS,
    MAGIC,
    TRAILER,
    VERSION,
    join,
    make_unit,
    reseal,
    split,
)
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.limits import UnitLimits
from ts26927.engine.split.pipeline import describe_intermediate
from ts26927.engine.split.unit import decode_unit, encode_unit
from ts26927.errors import CodecNotSupportedError, DecompressionLimitError, IntermediateDataError
from ts26927.models.intermediate_data import DataDirection


@settings(max_examples=40)
@given(st.data())
def test_every_truncation_is_refused(data: st.DataObject) -> None:
    unit = make_unit(data.draw(st.sampled_from(["NONE", "ZSTD", "INT8+LZ4"])))
    cut = data.draw(st.integers(0, len(unit) - 1))
    with pytest.raises(IntermediateDataError, match=r"truncated|CRC-32"):
        decode_unit(unit[:cut])


@settings(max_examples=60)
@given(st.data())
def test_every_altered_byte_is_refused(data: st.DataObject) -> None:
    unit = bytearray(make_unit(data.draw(st.sampled_from(["NONE", "ZSTD", "INT8+LZ4"]))))
    position = data.draw(st.integers(8, len(unit) - 1))  # past magic and version
    unit[position] ^= data.draw(st.integers(1, 255))
    with pytest.raises(IntermediateDataError, match=r"CRC-32|reserved"):
        decode_unit(bytes(unit))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda u: b"XXXX" + u[4:], "not an intermediate data unit"),
        (lambda u: u[:4] + b"\x01" + u[5:], "format version 1 is not supported"),
        (lambda u: u[:5] + b"\x01" + u[6:], "reserved bytes must be zero"),
        (lambda u: u[:8] + struct.pack("<I", 1 << 30) + u[12:], "more than the limit"),
        (lambda u: u + b"\0", "1 bytes after the last payload"),
        (lambda u: u[:12] + b"[" + u[13:], "header: not JSON"),
    ],
)
def test_malformed_framing_is_refused(mutate: object, message: str) -> None:
    # Each defect under a checksum that holds: the check that names it must find it.
    body = make_unit()[:-TRAILER]
    with pytest.raises(IntermediateDataError, match=message):
        decode_unit(reseal(mutate(body)))  # type: ignore[operator]


def test_non_zero_padding_is_refused() -> None:
    unit = bytearray(make_unit("NONE")[:-TRAILER])
    header_end = 12 + struct.unpack_from("<I", unit, 8)[0]
    assert -header_end % ALIGNMENT, "the test needs a padded header"
    unit[header_end] = 7
    with pytest.raises(IntermediateDataError, match="padding before the payload is not zero"):
        decode_unit(reseal(bytes(unit)))


def _header_case(edit: object, message: str, chain: str = "INT8+ZSTD") -> None:
    header, rest = split(make_unit(chain))
    edit(header)  # type: ignore[operator]
    with pytest.raises(IntermediateDataError, match=message):
        decode_unit(join(header, rest))


def test_inconsistent_headers_are_refused() -> None:
    def rename(h: dict) -> None:
        h["payloads"][0]["name"] = "other"

    def raw_length(h: dict) -> None:
        h["payloads"][0]["rawLength"] += 1

    def drop_quantization(h: dict) -> None:
        del h["payloads"][0]["quantization"]

    def quantize_ints(h: dict) -> None:
        h["payloads"][1]["compressionAlgorithms"] = ["INT8", "ZSTD"]
        h["payloads"][1]["encodedElementDataType"] = "INT8"

    def undeclared(h: dict) -> None:
        h["intermediateDataInformation"]["compressionAlgorithms"] = ["INT8"]

    def shape(h: dict) -> None:
        h["intermediateDataInformation"]["tensors"][0]["tensorShape"] = [1, 16, 8, 9]

    def extra_property(h: dict) -> None:
        h["payloads"][0]["surprise"] = 1

    _header_case(rename, "payloads name other, shape")
    _header_case(raw_length, "rawLength is 1025 but shape")
    _header_case(drop_quantization, "quantization must be present exactly with INT8")
    _header_case(quantize_ints, "INT8 cannot apply to a INT64 tensor")
    _header_case(undeclared, "ZSTD not among the unit's compression algorithms")
    _header_case(shape, "rawLength is 1024 but shape")
    _header_case(extra_property, "surprise")


def _with_header_text(text: bytes, bodies: list[bytes]) -> bytes:
    out = bytearray(MAGIC + bytes([VERSION, 0, 0, 0]) + struct.pack("<I", len(text)) + text)
    for body in bodies:
        out += bytes(-len(out) % ALIGNMENT) + body
    return reseal(bytes(out))


def _repeat_a_key(text: bytes) -> bytes:
    return text.replace(b'{"intermediate', b'{"payloads": [], "intermediate', 1)


def _overflow_the_scale(text: bytes) -> bytes:
    return text.replace(b'"scale": ', b'"scale": 1e400, "x": ', 1)


def _nest_deeply(text: bytes) -> bytes:
    return b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        # The same strict reader as every other wire text: a repeated key is not "last wins".
        (_repeat_a_key, "duplicate key 'payloads'"),
        (_overflow_the_scale, "out of the binary64 range"),
        (_nest_deeply, "nested too deeply"),
    ],
)
def test_a_header_that_is_not_strict_json_is_refused(edit, reason: str) -> None:
    header, bodies = split(make_unit("INT8+ZSTD"))
    text = edit(json.dumps(header).encode())
    with pytest.raises(IntermediateDataError, match=f"header: not JSON: .*{reason}"):
        decode_unit(_with_header_text(text, bodies))


def test_payload_length_must_match_the_bytes() -> None:
    header, rest = split(make_unit("NONE"))
    header["payloads"][1]["payloadLength"] = 16
    header["payloads"][1]["rawLength"] = 16
    header["intermediateDataInformation"]["tensors"][1]["tensorShape"] = [2]
    with pytest.raises(IntermediateDataError, match="bytes after the last payload"):
        decode_unit(join(header, rest))


def test_a_payload_that_inflates_beyond_its_declared_length_is_refused() -> None:
    # 50 MB of zeros compress to a few kB; the header declares the tensor's 1024 bytes.
    arrays = {"features": np.zeros((16, 16), np.float32)}
    header, _ = split(make_unit("ZSTD", arrays))
    bomb = bytes(cramjam.zstd.compress(bytes(50_000_000), level=1))
    header["payloads"][0]["payloadLength"] = len(bomb)
    with pytest.raises(IntermediateDataError, match="does not decompress to 1024 bytes"):
        decode_unit(join(header, [bomb]))


def test_declared_sizes_beyond_the_limit_are_refused_before_decompressing() -> None:
    arrays = {"features": np.zeros((16, 16), np.float32)}
    header, rest = split(make_unit("ZSTD", arrays))
    # A 40 GB tensor declared with a payload of a few bytes: refused from the header alone.
    header["intermediateDataInformation"]["tensors"][0]["tensorShape"] = [100_000, 100_000]
    header["payloads"][0]["rawLength"] = 4 * 10**10
    with pytest.raises(DecompressionLimitError, match="more than the limit of 512000000 bytes"):
        decode_unit(join(header, rest))
    # The limit is configurable: a legitimate 1 kB tensor is refused under 1 kB.
    with pytest.raises(DecompressionLimitError, match="limit of 1000 bytes"):
        decode_unit(make_unit("ZSTD", arrays), limits=UnitLimits(max_decoded_bytes=1000))


def test_unsupported_algorithms_in_a_header_are_refused() -> None:
    def fc_vcm(h: dict) -> None:
        h["payloads"][0]["compressionAlgorithms"] = ["FC_VCM"]
        h["intermediateDataInformation"]["compressionAlgorithms"] = ["FC_VCM"]

    header, rest = split(make_unit("NONE"))
    fc_vcm(header)
    with pytest.raises(CodecNotSupportedError, match="FC_VCM is not supported"):
        decode_unit(join(header, rest))


def test_unsupported_element_types_are_refused() -> None:
    header, rest = split(make_unit("NONE"))
    header["intermediateDataInformation"]["tensors"][1]["tensorElementDataType"] = "BFLOAT16"
    header["payloads"][1]["encodedElementDataType"] = "BFLOAT16"
    header["payloads"][1]["rawLength"] = header["payloads"][1]["payloadLength"] = 8
    with pytest.raises(IntermediateDataError, match="BFLOAT16 is not supported"):
        decode_unit(join(header, rest))


def test_encoding_refuses_arrays_that_do_not_match_the_information() -> None:
    information = describe_intermediate(ARRAYS, DataDirection.UPSTREAM)
    chain = CodecChain()
    with pytest.raises(IntermediateDataError, match="'shape': no array given"):
        encode_unit(information, {"features": ARRAYS["features"]}, chain)
    wrong = {**ARRAYS, "shape": ARRAYS["shape"].astype(np.int32)}
    with pytest.raises(IntermediateDataError, match="array is int32"):
        encode_unit(information, wrong, chain)
    with pytest.raises(IntermediateDataError, match="'extra': not in the intermediate data"):
        encode_unit(information, {**ARRAYS, "extra": ARRAYS["shape"]}, chain)


@pytest.mark.parametrize(
    ("scale", "message"),
    [(1e308, "restores values beyond"), (1e-320, "is zero in float32"), (1e39, "beyond")],
)
def test_an_int8_scale_the_tensor_type_cannot_hold_is_refused(scale: float, message: str) -> None:
    header, rest = split(make_unit("INT8"))
    header["payloads"][0]["quantization"]["scale"] = scale
    with pytest.raises(IntermediateDataError, match=message):
        decode_unit(join(header, rest))
