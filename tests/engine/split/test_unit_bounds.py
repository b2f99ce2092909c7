"""The bounds of an intermediate data unit, and where each refusal points.

The decompression limit counts every tensor twice, as documented, and holds exactly at the
limit; every bound of the framing is tried at the bound and one past it; one flipped bit
anywhere after the fixed fields fails the CRC-32, and the fixed fields are checked before it;
refusals name the offset, payload or tensor they concern, with the exact reason.
"""

from __future__ import annotations

import struct

import cramjam
import numpy as np
import pytest

from tests.engine.split.unit_frames import (
    ARRAYS,
    example,
    join,
    layout,
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

# --- the decompression limit: the sum of (own-type length + rawLength) over the tensors ----


def _limit_case(chain: str) -> tuple[bytes, int]:
    # a: FLOAT [16] = 64 bytes; b: INT64 [8] = 64 bytes, never reduced.
    arrays = {"a": np.arange(16, dtype=np.float32), "b": np.arange(8, dtype=np.int64)}
    unit = make_unit(chain, arrays)
    header, _ = split(unit)
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
        decode_unit(reseal(_prefix(0))[:15])
    assert caught.value.where == "offset 0"
    assert caught.value.reason == "truncated: 15 bytes, a unit has at least 16"
    # 16 bytes pass the length check and reach the header (empty here, so not JSON).
    with pytest.raises(IntermediateDataError) as caught:
        decode_unit(reseal(_prefix(0)))
    assert caught.value.where == "header" and caught.value.reason.startswith("not JSON")
    with pytest.raises(IntermediateDataError, match="offset 0: truncated: 0 bytes"):
        decode_unit(b"")


def test_the_header_length_limit_is_inclusive() -> None:
    unit = make_unit()
    (length,) = struct.unpack_from("<I", unit, 8)
    decode_unit(unit, limits=UnitLimits(max_header_bytes=length))
    with pytest.raises(IntermediateDataError) as caught:
        decode_unit(unit, limits=UnitLimits(max_header_bytes=length - 1))
    assert caught.value.where == "offset 8"
    assert caught.value.reason == (
        f"header length {length} is more than the limit of {length - 1} bytes"
    )


def test_a_header_may_run_to_the_checksum_but_not_past_it() -> None:
    body = make_unit("NONE")[:-4]
    rest = len(body) - 12
    with pytest.raises(IntermediateDataError) as caught:  # the whole rest read as JSON
        decode_unit(reseal(_prefix(rest) + body[12:]))
    assert caught.value.where == "header" and caught.value.reason.startswith("not JSON")
    with pytest.raises(IntermediateDataError) as caught:
        decode_unit(reseal(_prefix(rest + 1) + body[12:]))
    assert caught.value.where == "header"
    assert caught.value.reason == f"truncated: declares {rest + 1} bytes, {rest} present"


def test_a_payload_may_end_at_the_checksum_but_not_past_it() -> None:
    header, bodies = split(make_unit("ZSTD"))
    exact = join(header, bodies)
    decode_unit(exact)
    header["payloads"][1]["payloadLength"] += 1
    longer = join(header, bodies)
    _, spans = layout(longer, well_formed=False)
    start, end = spans[1][0], spans[1][0] + spans[1][1]
    with pytest.raises(IntermediateDataError) as caught:
        decode_unit(longer)
    assert caught.value.where == "payload 1 ('shape')"
    assert caught.value.reason == (
        f"truncated: needs bytes {start}..{end}, the unit has {len(longer) - 4}"
    )


def test_bytes_after_the_last_payload_are_located() -> None:
    body = make_unit("NONE")[:-4]
    with pytest.raises(IntermediateDataError) as caught:
        decode_unit(reseal(body + b"\0\0\0"))
    assert caught.value.where == f"offset {len(body)}"
    assert caught.value.reason == "3 bytes after the last payload"


def test_the_last_padding_byte_before_a_later_payload_must_be_zero() -> None:
    arrays = {"first": np.ones(3, np.float32), "second": np.arange(2, dtype=np.int64)}
    whole = make_unit("NONE", arrays)
    _, spans = layout(whole)
    start = spans[1][0]
    assert start - (spans[0][0] + spans[0][1]) == 52  # 12 bytes of payload 0, then padding
    unit = bytearray(whole[:-4])
    unit[start - 1] = 1
    with pytest.raises(IntermediateDataError) as caught:
        decode_unit(reseal(bytes(unit)))
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
    unit = example()
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
    altered = bytearray(example())
    altered[offset] = value
    with pytest.raises(IntermediateDataError) as caught:
        decode_unit(bytes(altered))  # the checksum no longer holds, but is not reached
    assert (caught.value.where, caught.value.reason) == (where, reason)


# --- where the other refusals point ---------------------------------------------------------


def test_refusals_name_the_payload_they_concern() -> None:
    header, rest = split(make_unit("NONE"))
    header["payloads"][1]["compressionAlgorithms"] = ["FC_VCM"]
    header["intermediateDataInformation"]["compressionAlgorithms"] = ["FC_VCM"]
    with pytest.raises(CodecNotSupportedError) as unsupported:
        decode_unit(join(header, rest))
    assert unsupported.value.algorithm == "FC_VCM"
    assert unsupported.value.where == "intermediate data unit, payload 1 ('shape')"

    header, rest = split(make_unit("ZSTD"))
    rest[0] = bytes(cramjam.zstd.compress(bytes(4095), level=1))
    header["payloads"][0]["payloadLength"] = len(rest[0])
    with pytest.raises(IntermediateDataError) as short:
        decode_unit(join(header, rest))
    assert short.value.where == "payload 0 ('features')"
    assert short.value.reason == "ZSTD payload decompresses to 4095 bytes, not 4096"

    header, rest = split(make_unit("INT8"))
    header["payloads"][0]["quantization"]["scale"] = 1e39
    with pytest.raises(IntermediateDataError) as scale:
        decode_unit(join(header, rest))
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
