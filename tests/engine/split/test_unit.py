"""Hostile intermediate data units: truncated, inconsistent, bombs — each a typed error."""

from __future__ import annotations

import json
import struct
import zlib

import cramjam
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ts26927 import docgen
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.limits import UnitLimits
from ts26927.engine.split.pipeline import describe_intermediate
from ts26927.engine.split.unit import decode_unit, encode_unit, unit_chain_name
from ts26927.errors import CodecNotSupportedError, DecompressionLimitError, IntermediateDataError
from ts26927.models.intermediate_data import DataDirection
from ts26927.models.intermediate_unit import IntermediateDataUnitHeader
from ts26927.models.split_model import SplitPointFlag, SplitPointInformation

_RNG = np.random.default_rng(0)
ARRAYS = {
    "features": np.maximum(_RNG.standard_normal((1, 16, 8, 8)), 0).astype(np.float32),
    "shape": np.array([1, 16, 8, 8], np.int64),
}


# The documented layout, as literals (not the module's constants): magic, version 2, three
# reserved zero bytes, the header length; payloads 64-byte aligned; a CRC-32 trailer.
MAGIC, VERSION, ALIGNMENT, TRAILER = b"TSID", 2, 64, 4


def _reseal(body: bytes) -> bytes:
    """``body`` (a unit without its trailer) with the CRC-32 of every byte of it appended."""
    return body + struct.pack("<I", zlib.crc32(body))


def _unit(chain: str = "INT8+ZSTD", arrays: dict[str, np.ndarray] = ARRAYS) -> bytes:
    information = describe_intermediate(arrays, DataDirection.UPSTREAM)
    return encode_unit(information, arrays, CodecChain.parse(chain)).to_bytes()


def _split(data: bytes) -> tuple[dict, list[bytes]]:
    """The header as JSON and the payloads, from a well-formed unit."""
    length = struct.unpack_from("<I", data, 8)[0]
    header = json.loads(data[12 : 12 + length])
    position, bodies = 12 + length, []
    for payload in header["payloads"]:
        position += -position % ALIGNMENT
        bodies.append(data[position : position + payload["payloadLength"]])
        position += payload["payloadLength"]
    return header, bodies


def _join(header: dict, bodies: list[bytes]) -> bytes:
    """Frame ``header`` and ``bodies`` exactly as the format says (whatever they claim)."""
    text = json.dumps(header).encode()
    out = bytearray(MAGIC + bytes([VERSION, 0, 0, 0]) + struct.pack("<I", len(text)) + text)
    for body in bodies:
        out += bytes(-len(out) % ALIGNMENT) + body
    return _reseal(bytes(out))


def test_a_unit_round_trips() -> None:
    decoded = decode_unit(_unit())
    np.testing.assert_array_equal(decoded.tensors["shape"], ARRAYS["shape"])
    assert decoded.header.payloads[0].compression_algorithms == ["INT8", "ZSTD"]
    assert decoded.header.payloads[1].compression_algorithms == ["ZSTD"]


@settings(max_examples=40)
@given(st.data())
def test_every_truncation_is_refused(data: st.DataObject) -> None:
    unit = _unit(data.draw(st.sampled_from(["NONE", "ZSTD", "INT8+LZ4"])))
    cut = data.draw(st.integers(0, len(unit) - 1))
    with pytest.raises(IntermediateDataError, match=r"truncated|CRC-32"):
        decode_unit(unit[:cut])


@settings(max_examples=60)
@given(st.data())
def test_every_altered_byte_is_refused(data: st.DataObject) -> None:
    unit = bytearray(_unit(data.draw(st.sampled_from(["NONE", "ZSTD", "INT8+LZ4"]))))
    position = data.draw(st.integers(8, len(unit) - 1))  # past magic and version
    unit[position] ^= data.draw(st.integers(1, 255))
    with pytest.raises(IntermediateDataError, match=r"CRC-32|reserved"):
        decode_unit(bytes(unit))


def test_the_checksum_is_the_crc32_of_everything_before_it() -> None:
    unit = _unit("NONE")
    assert unit[4] == VERSION
    assert struct.unpack("<I", unit[-TRAILER:])[0] == zlib.crc32(unit[:-TRAILER])


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
    body = _unit()[:-TRAILER]
    with pytest.raises(IntermediateDataError, match=message):
        decode_unit(_reseal(mutate(body)))  # type: ignore[operator]


def test_non_zero_padding_is_refused() -> None:
    unit = bytearray(_unit("NONE")[:-TRAILER])
    header_end = 12 + struct.unpack_from("<I", unit, 8)[0]
    assert -header_end % ALIGNMENT, "the test needs a padded header"
    unit[header_end] = 7
    with pytest.raises(IntermediateDataError, match="padding before the payload is not zero"):
        decode_unit(_reseal(bytes(unit)))


def _header_case(edit: object, message: str, chain: str = "INT8+ZSTD") -> None:
    header, rest = _split(_unit(chain))
    edit(header)  # type: ignore[operator]
    with pytest.raises(IntermediateDataError, match=message):
        decode_unit(_join(header, rest))


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
    return _reseal(bytes(out))


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
    header, bodies = _split(_unit("INT8+ZSTD"))
    text = edit(json.dumps(header).encode())
    with pytest.raises(IntermediateDataError, match=f"header: not JSON: .*{reason}"):
        decode_unit(_with_header_text(text, bodies))


def test_payload_length_must_match_the_bytes() -> None:
    header, rest = _split(_unit("NONE"))
    header["payloads"][1]["payloadLength"] = 16
    header["payloads"][1]["rawLength"] = 16
    header["intermediateDataInformation"]["tensors"][1]["tensorShape"] = [2]
    with pytest.raises(IntermediateDataError, match="bytes after the last payload"):
        decode_unit(_join(header, rest))


def test_a_payload_that_inflates_beyond_its_declared_length_is_refused() -> None:
    # 50 MB of zeros compress to a few kB; the header declares the tensor's 1024 bytes.
    arrays = {"features": np.zeros((16, 16), np.float32)}
    header, _ = _split(_unit("ZSTD", arrays))
    bomb = bytes(cramjam.zstd.compress(bytes(50_000_000), level=1))
    header["payloads"][0]["payloadLength"] = len(bomb)
    with pytest.raises(IntermediateDataError, match="does not decompress to 1024 bytes"):
        decode_unit(_join(header, [bomb]))


def test_declared_sizes_beyond_the_limit_are_refused_before_decompressing() -> None:
    arrays = {"features": np.zeros((16, 16), np.float32)}
    header, rest = _split(_unit("ZSTD", arrays))
    # A 40 GB tensor declared with a payload of a few bytes: refused from the header alone.
    header["intermediateDataInformation"]["tensors"][0]["tensorShape"] = [100_000, 100_000]
    header["payloads"][0]["rawLength"] = 4 * 10**10
    with pytest.raises(DecompressionLimitError, match="more than the limit of 512000000 bytes"):
        decode_unit(_join(header, rest))
    # The limit is configurable: a legitimate 1 kB tensor is refused under 1 kB.
    with pytest.raises(DecompressionLimitError, match="limit of 1000 bytes"):
        decode_unit(_unit("ZSTD", arrays), limits=UnitLimits(max_decoded_bytes=1000))


def test_unsupported_algorithms_in_a_header_are_refused() -> None:
    def fc_vcm(h: dict) -> None:
        h["payloads"][0]["compressionAlgorithms"] = ["FC_VCM"]
        h["intermediateDataInformation"]["compressionAlgorithms"] = ["FC_VCM"]

    header, rest = _split(_unit("NONE"))
    fc_vcm(header)
    with pytest.raises(CodecNotSupportedError, match="FC_VCM is not supported"):
        decode_unit(_join(header, rest))


def test_unsupported_element_types_are_refused() -> None:
    header, rest = _split(_unit("NONE"))
    header["intermediateDataInformation"]["tensors"][1]["tensorElementDataType"] = "BFLOAT16"
    header["payloads"][1]["encodedElementDataType"] = "BFLOAT16"
    header["payloads"][1]["rawLength"] = header["payloads"][1]["payloadLength"] = 8
    with pytest.raises(IntermediateDataError, match="BFLOAT16 is not supported"):
        decode_unit(_join(header, rest))


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
    header, rest = _split(_unit("INT8"))
    header["payloads"][0]["quantization"]["scale"] = scale
    with pytest.raises(IntermediateDataError, match=message):
        decode_unit(_join(header, rest))


# --- the documented layout, at literal offsets ---------------------------------------------


def _example() -> bytes:
    """The layout page's worked example, as ``encode_unit`` writes it now."""
    information, arrays, chain, split_point = docgen.unit_example()
    unit = encode_unit(information, arrays, chain, split_point=split_point)
    data = unit.to_bytes()
    assert unit.nbytes == len(data)
    return data


def test_the_worked_example_sits_at_the_documented_offsets() -> None:
    # The layout page's example: H = 698, payloads at 768 and 832, the CRC-32 at 856.
    unit = _example()
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


def _layout(unit: bytes, *, well_formed: bool = True) -> tuple[int, list[tuple[int, int]]]:
    """Header length and (start, length) of each payload, by the page's loop with 64; for a
    ``well_formed`` unit, also that the padding is zero and the checksum ends the unit."""
    (length,) = struct.unpack_from("<I", unit, 8)
    header = json.loads(unit[12 : 12 + length])
    position, spans = 12 + length, []
    for payload in header["payloads"]:
        start = (position + 63) // 64 * 64
        assert not well_formed or unit[position:start] == bytes(start - position)
        spans.append((start, payload["payloadLength"]))
        position = start + payload["payloadLength"]
    assert not well_formed or len(unit) == position + 4
    return length, spans


@pytest.mark.parametrize("sizes", [(1,), (3, 5), (16, 1, 7), (65, 2, 64, 3)])
def test_every_payload_starts_at_the_next_multiple_of_64(sizes: tuple[int, ...]) -> None:
    arrays = {f"t{i}": np.arange(n, dtype=np.float32) + i for i, n in enumerate(sizes)}
    unit = _unit("NONE", arrays)
    length, spans = _layout(unit)
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
    _, spans = _layout(unit)
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
    unit = _unit("NONE")
    header, _ = _split(unit)
    assert "splitPointInformation" not in header
    decoded = decode_unit(unit)
    assert decoded.header.split_point_information is None
    assert decoded.header.intermediate_data_information.compression_algorithms == ["NONE"]


def test_the_payload_fields_are_the_documented_lengths() -> None:
    unit, _, _ = _everything("INT8")
    header, bodies = _split(unit)
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


# --- the decompression limit: the sum of (own-type length + rawLength) over the tensors ----


def _limit_case(chain: str) -> tuple[bytes, int]:
    # a: FLOAT [16] = 64 bytes; b: INT64 [8] = 64 bytes, never reduced.
    arrays = {"a": np.arange(16, dtype=np.float32), "b": np.arange(8, dtype=np.int64)}
    unit = _unit(chain, arrays)
    header, _ = _split(unit)
    raw = {p["name"]: p["rawLength"] for p in header["payloads"]}
    return unit, (64 + raw["a"]) + (64 + raw["b"])


@pytest.mark.parametrize(("chain", "total"), [("NONE", 256), ("ZSTD", 256), ("INT8", 208)])
def test_the_decompression_limit_counts_every_tensor_twice_as_documented(
    chain: str, total: int
) -> None:
    unit, counted = _limit_case(chain)
    assert counted == total  # NONE/ZSTD: (64 + 64) * 2; INT8: (64 + 16) + (64 + 64)
    decode_unit(unit, limits=UnitLimits(max_decoded_bytes=total))  # exactly at the limit
    with pytest.raises(DecompressionLimitError) as caught:
        decode_unit(unit, limits=UnitLimits(max_decoded_bytes=total - 1))
    error = caught.value
    assert (error.where, error.size, error.limit) == ("header", total, total - 1)
    assert (
        error.reason == f"would decode to {total} bytes, more than the limit of {total - 1} bytes"
    )
    # Each tensor alone is well under the limit: only their sum is over it.
    assert max(64 + 64, 64 + 16) < total - 1


# --- every bound of the framing, at the bound and one past it ------------------------------


def _prefix(header_length: int) -> bytes:
    return b"TSID" + bytes([2, 0, 0, 0]) + struct.pack("<I", header_length)


def test_the_shortest_unit_is_prefix_and_checksum() -> None:
    with pytest.raises(IntermediateDataError) as caught:
        decode_unit(_reseal(_prefix(0))[:15])
    assert caught.value.where == "offset 0"
    assert caught.value.reason == "truncated: 15 bytes, a unit has at least 16"
    # 16 bytes pass the length check and reach the header (empty here, so not JSON).
    with pytest.raises(IntermediateDataError) as caught:
        decode_unit(_reseal(_prefix(0)))
    assert caught.value.where == "header" and caught.value.reason.startswith("not JSON")
    with pytest.raises(IntermediateDataError, match="offset 0: truncated: 0 bytes"):
        decode_unit(b"")


def test_the_header_length_limit_is_inclusive() -> None:
    unit = _unit()
    (length,) = struct.unpack_from("<I", unit, 8)
    decode_unit(unit, limits=UnitLimits(max_header_bytes=length))
    with pytest.raises(IntermediateDataError) as caught:
        decode_unit(unit, limits=UnitLimits(max_header_bytes=length - 1))
    assert caught.value.where == "offset 8"
    assert caught.value.reason == (
        f"header length {length} is more than the limit of {length - 1} bytes"
    )


def test_a_header_may_run_to_the_checksum_but_not_past_it() -> None:
    body = _unit("NONE")[:-4]
    rest = len(body) - 12
    with pytest.raises(IntermediateDataError) as caught:  # the whole rest read as JSON
        decode_unit(_reseal(_prefix(rest) + body[12:]))
    assert caught.value.where == "header" and caught.value.reason.startswith("not JSON")
    with pytest.raises(IntermediateDataError) as caught:
        decode_unit(_reseal(_prefix(rest + 1) + body[12:]))
    assert caught.value.where == "header"
    assert caught.value.reason == f"truncated: declares {rest + 1} bytes, {rest} present"


def test_a_payload_may_end_at_the_checksum_but_not_past_it() -> None:
    header, bodies = _split(_unit("ZSTD"))
    exact = _join(header, bodies)
    decode_unit(exact)
    header["payloads"][1]["payloadLength"] += 1
    longer = _join(header, bodies)
    _, spans = _layout(longer, well_formed=False)
    start, end = spans[1][0], spans[1][0] + spans[1][1]
    with pytest.raises(IntermediateDataError) as caught:
        decode_unit(longer)
    assert caught.value.where == "payload 1 ('shape')"
    assert caught.value.reason == (
        f"truncated: needs bytes {start}..{end}, the unit has {len(longer) - 4}"
    )


def test_bytes_after_the_last_payload_are_located() -> None:
    body = _unit("NONE")[:-4]
    with pytest.raises(IntermediateDataError) as caught:
        decode_unit(_reseal(body + b"\0\0\0"))
    assert caught.value.where == f"offset {len(body)}"
    assert caught.value.reason == "3 bytes after the last payload"


def test_the_last_padding_byte_before_a_later_payload_must_be_zero() -> None:
    arrays = {"first": np.ones(3, np.float32), "second": np.arange(2, dtype=np.int64)}
    whole = _unit("NONE", arrays)
    _, spans = _layout(whole)
    start = spans[1][0]
    assert start - (spans[0][0] + spans[0][1]) == 52  # 12 bytes of payload 0, then padding
    unit = bytearray(whole[:-4])
    unit[start - 1] = 1
    with pytest.raises(IntermediateDataError) as caught:
        decode_unit(_reseal(bytes(unit)))
    assert caught.value.where == "payload 1 ('second')"
    assert caught.value.reason == "padding before the payload is not zero"


# --- the CRC-32: one flipped bit anywhere after the prefix's fixed fields -----------------

_REGIONS = {
    "header length": 8,
    "first header byte": 12,
    "inside the header": 400,
    "last header byte": 709,
    "first padding byte": 710,
    "last padding byte": 767,
    "payload 0": 768,
    "end of payload 0": 773,
    "padding between payloads": 800,
    "payload 1": 832,
    "last payload byte": 855,
    "checksum, first byte": 856,
    "checksum, last byte": 859,
}


@pytest.mark.parametrize("bit", [0x01, 0x80])
@pytest.mark.parametrize("offset", _REGIONS.values(), ids=list(_REGIONS))
def test_one_flipped_bit_fails_the_crc32(offset: int, bit: int) -> None:
    unit = _example()
    decode_unit(unit)
    altered = bytearray(unit)
    altered[offset] ^= bit
    with pytest.raises(IntermediateDataError) as caught:
        decode_unit(bytes(altered))
    assert caught.value.where == "offset 856"
    assert "CRC-32 does not match" in caught.value.reason


@pytest.mark.parametrize(
    ("offset", "value", "where", "reason"),
    [
        (0, ord("t"), "offset 0", "not an intermediate data unit (magic b'tSID')"),
        (3, ord("d"), "offset 0", "not an intermediate data unit (magic b'TSId')"),
        (4, 1, "offset 4", "format version 1 is not supported"),
        (4, 3, "offset 4", "format version 3 is not supported"),
        (5, 1, "offset 5", "reserved bytes must be zero"),
        (7, 0x80, "offset 5", "reserved bytes must be zero"),
    ],
)
def test_the_fixed_fields_are_checked_before_the_checksum(
    offset: int, value: int, where: str, reason: str
) -> None:
    altered = bytearray(_example())
    altered[offset] = value
    with pytest.raises(IntermediateDataError) as caught:
        decode_unit(bytes(altered))  # the checksum no longer holds, but is not reached
    assert (caught.value.where, caught.value.reason) == (where, reason)


# --- where the other refusals point ---------------------------------------------------------


def test_refusals_name_the_payload_they_concern() -> None:
    header, rest = _split(_unit("NONE"))
    header["payloads"][1]["compressionAlgorithms"] = ["FC_VCM"]
    header["intermediateDataInformation"]["compressionAlgorithms"] = ["FC_VCM"]
    with pytest.raises(CodecNotSupportedError) as unsupported:
        decode_unit(_join(header, rest))
    assert unsupported.value.algorithm == "FC_VCM"
    assert unsupported.value.where == "intermediate data unit, payload 1 ('shape')"

    header, rest = _split(_unit("ZSTD"))
    rest[0] = bytes(cramjam.zstd.compress(bytes(4095), level=1))
    header["payloads"][0]["payloadLength"] = len(rest[0])
    with pytest.raises(IntermediateDataError) as short:
        decode_unit(_join(header, rest))
    assert short.value.where == "payload 0 ('features')"
    assert short.value.reason == "ZSTD payload decompresses to 4095 bytes, not 4096"

    header, rest = _split(_unit("INT8"))
    header["payloads"][0]["quantization"]["scale"] = 1e39
    with pytest.raises(IntermediateDataError) as scale:
        decode_unit(_join(header, rest))
    assert scale.value.where == "payload 0 ('features')"


def test_encoding_errors_name_the_tensor() -> None:
    information = describe_intermediate(ARRAYS, DataDirection.UPSTREAM)
    with pytest.raises(IntermediateDataError) as caught:
        encode_unit(information, {**ARRAYS, "shape": ARRAYS["shape"][:2]}, CodecChain())
    assert caught.value.where == "tensor 'shape'"
    assert caught.value.reason == ("array is int64 [2] but the information says INT64 [4]")
    extra = {**ARRAYS, "zz": ARRAYS["shape"], "aa": ARRAYS["shape"]}
    with pytest.raises(IntermediateDataError) as caught:
        encode_unit(information, extra, CodecChain())
    assert (caught.value.where, caught.value.reason) == (
        "tensor 'aa'",
        "not in the intermediate data",
    )
