"""An intermediate data unit encoder and decoder written from the byte-layout page alone.

Everything up to ``decode`` follows ``docs/reference/intermediate-data-unit.md`` and nothing
else: ``struct``, ``json``, numpy and the compression functions the page names, nothing of the
engine. ``reference`` (the engine's ``encode_unit``, to compare with) and ``sample`` (tensors
of every element type, with the edge values each chain must carry) serve the tests of
``test_unit_layout_doc.py`` and ``test_unit_layout_doc_refusals.py``.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

import cramjam
import numpy as np

from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.dtypes import from_numpy
from ts26927.engine.split.unit import encode_unit
from ts26927.models.compute import Framework
from ts26927.models.intermediate_data import (
    DataDirection,
    IntermediateDataInformation,
    IntermediateTensor,
)

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
# The reference engine's unit, and sample tensors to compare on.


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
