"""Intermediate data units for the unit tests, framed by the documented layout.

Well-formed units made by ``encode_unit``, and the pieces to take them apart and put them back
together exactly as the layout says (whatever the header claims), so that a test can alter
one field and reseal the unit under a checksum that holds. The layout's numbers are literals
here, not the module's constants.
"""

from __future__ import annotations

import json
import struct
import zlib

import numpy as np

from ts26927 import docgen
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.split.pipeline import describe_intermediate
from ts26927.engine.split.unit import encode_unit
from ts26927.models.intermediate_data import DataDirection

_RNG = np.random.default_rng(0)
ARRAYS = {
    "features": np.maximum(_RNG.standard_normal((1, 16, 8, 8)), 0).astype(np.float32),
    "shape": np.array([1, 16, 8, 8], np.int64),
}


# The documented layout, as literals (not the module's constants): magic, version 2, three
# reserved zero bytes, the header length; payloads 64-byte aligned; a CRC-32 trailer.
MAGIC, VERSION, ALIGNMENT, TRAILER = b"TSID", 2, 64, 4


def reseal(body: bytes) -> bytes:
    """``body`` (a unit without its trailer) with the CRC-32 of every byte of it appended."""
    return body + struct.pack("<I", zlib.crc32(body))


def make_unit(chain: str = "INT8+ZSTD", arrays: dict[str, np.ndarray] = ARRAYS) -> bytes:
    information = describe_intermediate(arrays, DataDirection.UPSTREAM)
    return encode_unit(information, arrays, CodecChain.parse(chain)).to_bytes()


def split(data: bytes) -> tuple[dict, list[bytes]]:
    """The header as JSON and the payloads, from a well-formed unit."""
    length = struct.unpack_from("<I", data, 8)[0]
    header = json.loads(data[12 : 12 + length])
    position, bodies = 12 + length, []
    for payload in header["payloads"]:
        position += -position % ALIGNMENT
        bodies.append(data[position : position + payload["payloadLength"]])
        position += payload["payloadLength"]
    return header, bodies


def join(header: dict, bodies: list[bytes]) -> bytes:
    """Frame ``header`` and ``bodies`` exactly as the format says (whatever they claim)."""
    text = json.dumps(header).encode()
    out = bytearray(MAGIC + bytes([VERSION, 0, 0, 0]) + struct.pack("<I", len(text)) + text)
    for body in bodies:
        out += bytes(-len(out) % ALIGNMENT) + body
    return reseal(bytes(out))


def example() -> bytes:
    """The layout page's worked example, as ``encode_unit`` writes it now."""
    information, arrays, chain, split_point = docgen.unit_example()
    unit = encode_unit(information, arrays, chain, split_point=split_point)
    data = unit.to_bytes()
    assert unit.nbytes == len(data)
    return data


def layout(unit: bytes, *, well_formed: bool = True) -> tuple[int, list[tuple[int, int]]]:
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
