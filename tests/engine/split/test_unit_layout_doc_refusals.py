"""Both decoders refuse what the byte-layout page says is refused.

A unit from the reference ``encode_unit``, with one defect the page rules out (magic,
version, reserved bytes, padding, trailing or missing bytes, an altered byte, content a byte
short or long of its rawLength), is refused by the reference ``decode_unit`` and by the
independent decoder of ``independent_unit``, for chains with and without a lossless codec.
"""

from __future__ import annotations

import zlib

import pytest

from tests.engine.split.independent_unit import (
    ALIGN,
    CHECKSUM,
    PREFIX,
    VERSION,
    Refused,
    compress,
    decode,
    decompress,
    frame,
    reference,
    sample,
    split,
)
from ts26927.engine.split.unit import decode_unit


def _recompressed(unit: bytes, change: int) -> bytes:
    """The unit with payload 0's content ``change`` bytes longer than its rawLength."""
    header, bodies = split(unit)
    payload = header["payloads"][0]
    algorithm, raw_length = payload["compressionAlgorithms"][-1], payload["rawLength"]
    raw = decompress(algorithm, bodies[0], raw_length)
    raw = raw[:change] if change < 0 else raw + bytes(change)
    bodies[0] = compress(algorithm, raw)
    payload["payloadLength"] = len(bodies[0])
    return frame(header, bodies)


def _resealed(body: bytes) -> bytes:
    return body + CHECKSUM.pack(zlib.crc32(body))


def _mutated(unit: bytes, what: str) -> bytes:
    if what.startswith("content"):
        return _recompressed(unit, -1 if "short" in what else 1)
    if what == "altered byte":
        return unit[:20] + bytes([unit[20] ^ 0x40]) + unit[21:]
    # The other defects under a checksum that holds, so that the check naming each is met.
    unit = unit[: -CHECKSUM.size]
    length = PREFIX.unpack_from(unit)[-1]
    first = PREFIX.size + length + (-(PREFIX.size + length) % ALIGN)
    assert first > PREFIX.size + length, "the test needs padding before the first payload"
    return _resealed(
        {
            "magic": b"TSIX" + unit[4:],
            "version": unit[:4] + bytes([VERSION + 1]) + unit[5:],
            "reserved": unit[:6] + b"\x01" + unit[7:],
            "non-zero padding": unit[: first - 1] + b"\x01" + unit[first:],
            "more padding than needed": unit[:first] + bytes(ALIGN) + unit[first:],
            "trailing byte": unit + b"\0",
            "truncated": unit[:-1],
        }[what]
    )


_REFUSALS = (
    "magic",
    "version",
    "reserved",
    "non-zero padding",
    "more padding than needed",
    "trailing byte",
    "truncated",
    "altered byte",
    "content a byte short",
    "content a byte long",
)


@pytest.mark.parametrize(
    ("chain", "what"),
    [
        (chain, what)
        for chain in ("NONE", "INT8+ZSTD", "LZ4", "SNAPPY")
        for what in _REFUSALS
        # Without a lossless codec the content is the payload: no content length to break.
        if not (chain == "NONE" and what.startswith("content"))
    ],
)
def test_both_decoders_refuse_what_the_page_says_is_refused(chain: str, what: str) -> None:
    arrays = {"a": sample("FLOAT", (3, 5), chain, 3), "b": sample("INT16", (7,), chain, 4)}
    bad = _mutated(reference(arrays, chain), what)
    with pytest.raises(ValueError):
        decode_unit(bad)
    with pytest.raises(Refused):
        decode(bad)
