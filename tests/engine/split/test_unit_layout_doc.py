"""The byte-layout page is enough to implement the intermediate data unit.

The first half of this module is an encoder and a decoder written from
``docs/reference/intermediate-data-unit.md`` alone: ``struct``, ``json``, numpy and the
compression functions the page names, nothing of the engine. The tests run it against the
reference ``encode_unit`` / ``decode_unit`` in both directions, for every element type and
codec chain, and check that the page's worked example is what ``encode_unit`` produces now.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from pathlib import Path
from typing import Any

import cramjam
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ts26927 import docgen
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.dtypes import from_numpy, numpy_dtype
from ts26927.engine.split.unit import decode_unit, encode_unit
from ts26927.models.compute import Framework
from ts26927.models.intermediate_data import (
    DataDirection,
    IntermediateDataInformation,
    IntermediateTensor,
)
from ts26927.models.intermediate_unit import LOSSLESS, PRECISION_REDUCTIONS
from ts26927.models.tensors import ElementDataType

PAGE = Path(__file__).parents[3] / "docs" / "reference" / "intermediate-data-unit.md"

# ---------------------------------------------------------------------------------------------
# The independent implementation: only what the page states.

MAGIC = b"TSID"
VERSION = 2
CHECKSUM = struct.Struct("<I")  # the page: CRC-32 (zlib's) of every byte before it
RESERVED = bytes(3)
ALIGN = 64
PREFIX = struct.Struct("<4sB3sI")
DTYPES: dict[str, np.dtype] = {
    name: np.dtype(code)
    for name, code in {
        "FLOAT": "<f4",
        "UINT8": "|u1",
        "INT8": "|i1",
        "UINT16": "<u2",
        "INT16": "<i2",
        "INT32": "<i4",
        "INT64": "<i8",
        "BOOL": "|b1",
        "FLOAT16": "<f2",
        "DOUBLE": "<f8",
        "UINT32": "<u4",
        "UINT64": "<u8",
        "COMPLEX64": "<c8",
        "COMPLEX128": "<c16",
    }.items()
}
NAMES = {(dtype.kind, dtype.itemsize): name for name, dtype in DTYPES.items()}
FLOATING = ("FLOAT", "DOUBLE", "FLOAT16")
REDUCTIONS = ("FLOAT16", "INT8")
CODECS = ("SNAPPY", "LZ4", "ZSTD")
CHAINS = [
    "+".join(c for c in (p, q) if c) or "NONE" for p in ("", *REDUCTIONS) for q in ("", *CODECS)
]
STRUCTURE = {"name": "NUMPY", "version": "2.0"}


class Refused(ValueError):
    """The independent decoder refuses the unit."""


def payload_chain(chain: list[str], element: str) -> list[str]:
    """The unit's chain as applied to a tensor of ``element``."""
    kept = [a for a in chain if a != "NONE"]
    # A reduction only applies to floats, and FLOAT16 not to a tensor that already is one.
    if kept and kept[0] in REDUCTIONS and (element not in FLOATING or kept[0] == element):
        kept = kept[1:]
    return kept or ["NONE"]


def compress(algorithm: str, raw: bytes) -> bytes:
    if algorithm == "ZSTD":
        return bytes(cramjam.zstd.compress(raw, level=1))
    if algorithm == "LZ4":
        return bytes(cramjam.lz4.compress_block(raw, store_size=False))
    return bytes(cramjam.snappy.compress_raw(raw))


def decompress(algorithm: str, payload: bytes, raw_length: int) -> bytes:
    out = bytearray(raw_length)  # exactly rawLength: a bomb cannot inflate further
    try:
        if algorithm == "ZSTD":
            written = cramjam.zstd.decompress_into(payload, out)
        elif algorithm == "LZ4":
            written = cramjam.lz4.decompress_block_into(payload, out)
        else:
            written = cramjam.snappy.decompress_raw_into(payload, out)
    except cramjam.DecompressionError as error:
        raise Refused(str(error)) from None
    if written != raw_length:
        raise Refused(f"{algorithm}: {written} bytes, not {raw_length}")
    return bytes(out)


def quantize(x: np.ndarray) -> tuple[np.ndarray, float, int]:
    """INT8 exactly as the page's five encoding steps say."""
    work = DTYPES["DOUBLE"] if x.dtype == DTYPES["DOUBLE"] else DTYPES["FLOAT"]
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = (hi - lo) / 255 if hi > lo else 1.0
    zero_point = min(max(round(-128 - lo / scale), -128), 127)
    q = np.rint(x.astype(work) * work.type(1 / scale)) + work.type(zero_point)
    return np.clip(q, -128, 127).astype(DTYPES["INT8"]), scale, zero_point


def encode(arrays: dict[str, np.ndarray], chain: list[str]) -> bytes:
    tensors, payloads, bodies = [], [], []
    for name, array in arrays.items():
        element = NAMES[array.dtype.kind, array.dtype.itemsize]
        x = np.ascontiguousarray(array, dtype=DTYPES[element])  # C order, little-endian
        algorithms = payload_chain(chain, element)
        payload: dict[str, Any] = {"name": name, "compressionAlgorithms": algorithms}
        encoded = element
        if algorithms[0] == "FLOAT16":
            x, encoded = x.astype(DTYPES["FLOAT16"]), "FLOAT16"
        elif algorithms[0] == "INT8":
            x, scale, zero_point = quantize(x)
            encoded = "INT8"
            payload["quantization"] = {"scale": scale, "zeroPoint": zero_point}
        raw = x.tobytes()
        body = compress(algorithms[-1], raw) if algorithms[-1] in CODECS else raw
        payload |= {"encodedElementDataType": encoded, "rawLength": len(raw)}
        payload["payloadLength"] = len(body)
        tensors.append(
            {"name": name, "tensorShape": list(array.shape), "tensorElementDataType": element}
        )
        payloads.append(payload)
        bodies.append(body)
    header = {
        "payloads": payloads,
        "intermediateDataInformation": {
            "tensors": tensors,
            "compressionAlgorithms": chain,
            "tensorStructureInformation": STRUCTURE,
            "dataDirection": "UPSTREAM",
        },
    }
    return frame(header, bodies)


def frame(header: dict[str, Any], bodies: list[bytes]) -> bytes:
    # Another property order and whitespace than encode_unit's: neither matters.
    text = json.dumps(header, indent=1, sort_keys=True).encode()
    unit = bytearray(PREFIX.pack(MAGIC, VERSION, RESERVED, len(text)) + text)
    for body in bodies:
        unit += bytes(-len(unit) % ALIGN) + body
    return bytes(unit) + CHECKSUM.pack(zlib.crc32(unit))


def split(unit: bytes) -> tuple[dict[str, Any], list[bytes]]:
    """The header and the payloads, after the framing checks of the page."""
    if len(unit) < PREFIX.size + CHECKSUM.size:
        raise Refused("shorter than the prefix and the checksum")
    magic, version, reserved, length = PREFIX.unpack_from(unit)
    if (magic, version, reserved) != (MAGIC, VERSION, RESERVED):
        raise Refused("prefix")
    if zlib.crc32(unit[: -CHECKSUM.size]) != CHECKSUM.unpack(unit[-CHECKSUM.size :])[0]:
        raise Refused("checksum")
    unit = unit[: -CHECKSUM.size]
    if PREFIX.size + length > len(unit):
        raise Refused("truncated header")
    header = json.loads(unit[PREFIX.size : PREFIX.size + length].decode("utf-8"))
    position, bodies = PREFIX.size + length, []
    for payload in header["payloads"]:
        start = position + (-position % ALIGN)
        end = start + payload["payloadLength"]
        if end > len(unit):
            raise Refused("truncated payload")
        if any(unit[position:start]):
            raise Refused("padding is not zero")
        bodies.append(unit[start:end])
        position = end
    if position != len(unit):
        raise Refused("bytes after the last payload")
    return header, bodies


def decode(unit: bytes) -> dict[str, np.ndarray]:
    header, bodies = split(unit)
    tensors = {}
    infos = header["intermediateDataInformation"]["tensors"]
    for info, payload, body in zip(infos, header["payloads"], bodies, strict=True):
        algorithms = payload["compressionAlgorithms"]
        raw = body
        if algorithms[-1] in CODECS:
            raw = decompress(algorithms[-1], body, payload["rawLength"])
        values = np.frombuffer(raw, DTYPES[payload["encodedElementDataType"]])
        values = values.reshape(info["tensorShape"])
        own = DTYPES[info["tensorElementDataType"]]
        if "quantization" in payload:
            scale, zero_point = (
                payload["quantization"]["scale"],
                payload["quantization"]["zeroPoint"],
            )
            values = (values.astype(own) - own.type(zero_point)) * own.type(scale)
        tensors[info["name"]] = values.astype(own)
    return tensors


# ---------------------------------------------------------------------------------------------
# The reference engine, and comparisons.


def reference(arrays: dict[str, np.ndarray], chain: str) -> bytes:
    information = IntermediateDataInformation(
        tensor_structure_information=Framework.from_wire(STRUCTURE),
        tensors=[
            IntermediateTensor(
                name=name, tensor_shape=list(a.shape), tensor_element_data_type=from_numpy(a.dtype)
            )
            for name, a in arrays.items()
        ],
        data_direction=DataDirection.UPSTREAM,
    )
    return encode_unit(information, arrays, CodecChain.parse(chain)).to_bytes()


def assert_same(got: dict[str, np.ndarray], expected: dict[str, np.ndarray]) -> None:
    """Same names, types, shapes and bits (NaN payloads and -0.0 included)."""
    assert list(got) == list(expected)
    for name, array in expected.items():
        assert got[name].dtype == array.dtype, name
        assert got[name].shape == array.shape, name
        assert got[name].tobytes() == np.ascontiguousarray(array).tobytes(), name


def both_ways(arrays: dict[str, np.ndarray], chain: str) -> None:
    ours, theirs = encode(arrays, chain.split("+")), reference(arrays, chain)
    our_header, our_bodies = split(ours)
    their_header, their_bodies = split(theirs)
    assert our_header == their_header  # as JSON values; the texts differ
    assert our_bodies == their_bodies
    expected = decode_unit(theirs).tensors
    assert_same(decode_unit(ours).tensors, expected)
    assert_same(decode(theirs), expected)
    assert_same(decode(ours), expected)
    for payload, name in zip(their_header["payloads"], arrays, strict=True):
        if payload["compressionAlgorithms"][0] not in REDUCTIONS:
            little = arrays[name].astype(arrays[name].dtype.newbyteorder("<"))
            assert_same({name: expected[name]}, {name: little})


def sample(element: str, shape: tuple[int, ...], chain: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    dtype = DTYPES[element]
    if dtype.kind == "b":
        return rng.random(shape) < 0.5
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)
    values = rng.standard_normal(shape) * 100
    if dtype.kind == "c":
        values = values + 1j * rng.standard_normal(shape)
    values = values.astype(dtype)
    if "INT8" not in chain:  # INT8 refuses them; every other chain carries them
        flat = values.reshape(-1)
        flat[:4] = [np.nan, -np.inf, -0.0, np.finfo(dtype).smallest_subnormal]
    return values


# ---------------------------------------------------------------------------------------------
# Tests.


def test_the_page_states_what_the_independent_implementation_assumes() -> None:
    page = PAGE.read_text(encoding="utf-8")
    assert f"`{MAGIC.hex(' ')}` (ASCII `{MAGIC.decode()}`)" in page
    assert f"| 4 | 1 | `version` | uint8 | `{VERSION}` |" in page
    assert f"`{RESERVED.hex(' ')}`" in page
    assert f"`struct.Struct({PREFIX.format!r})`" in page
    assert f"start = position rounded up to a multiple of {ALIGN}" in page
    for name, dtype in DTYPES.items():
        assert f"| `{name}` | {dtype.itemsize} | `{dtype.str}` |" in page
    assert "are: " + ", ".join(f"`{c}`" for c in CHAINS) + "." in page
    for call in (
        "cramjam.zstd.compress(raw, level=1)",
        "cramjam.zstd.decompress_into(payload, out)",
        "cramjam.lz4.compress_block(raw, store_size=False)",
        "cramjam.lz4.decompress_block_into(payload, out)",
        "cramjam.snappy.compress_raw(raw)",
        "cramjam.snappy.decompress_raw_into(payload, out)",
        "out = bytearray(rawLength)",
        "r = W(1 / scale)",
        "x' = T(T(q) - T(zeroPoint)) * T(scale)",
    ):
        assert call in page, call


def test_the_independent_tables_cover_the_engine() -> None:
    supported = {str(e) for e in ElementDataType if numpy_dtype(e) is not None}
    assert set(DTYPES) == supported
    for name, dtype in DTYPES.items():
        assert numpy_dtype(ElementDataType(name)) == dtype
    engine_chains = [
        CodecChain(p, q).name for p in (None, *PRECISION_REDUCTIONS) for q in (None, *LOSSLESS)
    ]
    assert engine_chains == CHAINS


@pytest.mark.parametrize("chain", CHAINS)
@pytest.mark.parametrize("element", list(DTYPES))
def test_every_type_and_chain_both_ways(element: str, chain: str) -> None:
    # A second float tensor, so that there is padding between two payloads.
    arrays = {
        "tensor": sample(element, (2, 3), chain, seed=1),
        "features": sample("FLOAT", (5,), chain, seed=2),
    }
    both_ways(arrays, chain)


def test_rounding_edge_cases_both_ways() -> None:
    """Values where another reading of the page's rounding rules gives other bytes."""
    quantized = {
        # Dividing by scale in binary32, instead of multiplying by W(1 / scale): 222, not 221.
        "reciprocal": np.array([2.2491257190704346, 1.953652262687683], np.float32),
        # Dividing by scale in binary64: 221, not 220.
        "binary64": np.array([4.118593215942383, 3.5613718032836914], np.float32),
        # -128 - lo / scale is -127.5: ties to even give -128, rounding half up -127.
        "zero_point_tie": np.array([-0.25, 127.25], np.float32),
    }
    both_ways(quantized, "INT8")
    halved = {
        # 1 + 2**-11 + 2**-40 rounds up to binary16 directly, but to 1.0 through binary32.
        "double": np.array([1 + 2**-11 + 2**-40, 1 + 2**-11, 65504.0, 1.5 * 2.0**-24]),
        "float": np.array([1 + 2**-11, 1 + 3 * 2**-11, 65519.0, 2.0**-25], np.float32),
    }
    both_ways(halved, "FLOAT16")


_NONZERO = st.floats(1e-3, 6e4) | st.floats(-6e4, -1e-3)


@st.composite
def _arrays(draw: st.DrawFn) -> np.ndarray:
    element = draw(st.sampled_from(list(DTYPES)))
    dtype = DTYPES[element]
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=5))
    if dtype.kind == "f":
        # Zero or away from it: an INT8 range must stay representable in the working type.
        values = st.just(0.0) | _NONZERO.map(lambda v: float(dtype.type(v)))
        array = draw(hnp.arrays(dtype, shape, elements=values))
    elif dtype.kind == "c":
        part = st.floats(-6e4, 6e4, width=4 * dtype.itemsize)
        array = draw(hnp.arrays(dtype, shape, elements=st.builds(complex, part, part)))
    else:
        array = draw(hnp.arrays(dtype, shape))
    if draw(st.booleans()):  # the encoders take big-endian input too
        array = array.astype(array.dtype.newbyteorder(">"))
    if array.ndim > 1 and draw(st.booleans()):  # and views that are not C-contiguous
        array = array.T
    return array


@settings(max_examples=50, deadline=None)
@given(
    st.lists(_arrays(), min_size=1, max_size=3),
    st.sampled_from(CHAINS),
)
def test_random_units_both_ways(tensors: list[np.ndarray], chain: str) -> None:
    both_ways({f"t{i}": array for i, array in enumerate(tensors)}, chain)


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


@pytest.mark.parametrize(
    "what",
    [
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
    ],
)
@pytest.mark.parametrize("chain", ["NONE", "INT8+ZSTD", "LZ4", "SNAPPY"])
def test_both_decoders_refuse_what_the_page_says_is_refused(chain: str, what: str) -> None:
    if what.startswith("content") and chain == "NONE":
        pytest.skip("no lossless codec: the content is the payload")
    arrays = {"a": sample("FLOAT", (3, 5), chain, 3), "b": sample("INT16", (7,), chain, 4)}
    bad = _mutated(reference(arrays, chain), what)
    with pytest.raises(ValueError):
        decode_unit(bad)
    with pytest.raises(Refused):
        decode(bad)


def _page_dump(page: str) -> bytes:
    block = page.split("Every byte of the unit", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    data = bytearray()
    for line in block.splitlines():
        offset = int(line[:8], 16)
        assert offset == len(data), line
        data += bytes.fromhex(line[10:58])
    return bytes(data)


def test_the_worked_example_is_what_encode_unit_produces_now() -> None:
    page = PAGE.read_text(encoding="utf-8")
    information, arrays, chain, split_point = docgen.unit_example()
    unit = encode_unit(information, arrays, chain, split_point=split_point).to_bytes()
    shown = _page_dump(page)
    assert shown == unit
    # The indented header on the page is the unit's header, as JSON values.
    pretty = re.search(r"```json\n(.*?)```", page, re.S)
    assert pretty is not None
    assert json.loads(pretty.group(1)) == split(shown)[0]
    # The independent decoder reads the example as the reference does.
    decoded = decode(shown)
    assert_same(decoded, decode_unit(shown).tensors)
    np.testing.assert_array_equal(decoded["indices"], arrays["indices"])
