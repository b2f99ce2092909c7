"""The framed binary format of one intermediate data unit.

Layout (all integers little-endian; :data:`PREFIX_FIELDS` is the prefix, field by field)::

    offset 0   magic "TSID" (4 bytes)
    offset 4   format version, 2 (1 byte), then 3 reserved zero bytes
    offset 8   header length H (uint32)
    offset 12  header: UTF-8 JSON of IntermediateDataUnitHeader (H bytes)
    then, for each tensor in header order: zero padding up to a multiple of 64 bytes
    from the unit start, followed by the tensor's payload (payloadLength bytes)
    then the CRC-32 of every byte before it (uint32; zlib's crc32, ISO-HDLC)

The unit ends right after the checksum, which follows the last payload: a decoder refuses a
unit altered or truncated in transit before it reads anything else (version 1 had no
checksum). Payloads start 64-byte aligned so that a
receiver can view uncompressed tensors in place (``NONE`` is zero-copy both ways: the
encoder returns the pieces to write, the decoder returns arrays over the received bytes).
The padding is exactly the minimum that aligns the next payload: a decoder computes each
payload's start, it does not search for it.

Decoding checks everything before it decompresses anything: the fixed header, the JSON
header against its type and cross-field rules, the supported codecs and element types, the
total decoded size against :attr:`UnitLimits.max_decoded_bytes`, and every payload's
position and length against the bytes received (truncation, trailing bytes, non-zero
padding). ``docs/reference/intermediate-data-unit.md`` describes the format byte for byte;
it is generated from the constants here and in :mod:`ts26927.engine.onnxtools.codecs`.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from pydantic import ValidationError

from ts26927.engine.onnxtools import codecs
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.dtypes import from_numpy, numpy_dtype
from ts26927.engine.onnxtools.limits import UnitLimits
from ts26927.errors import (
    CodecNotSupportedError,
    CodecRangeError,
    DecompressionLimitError,
    IntermediateDataError,
)
from ts26927.models import wire_json
from ts26927.models.intermediate_data import CompressionAlgorithm, IntermediateDataInformation
from ts26927.models.intermediate_unit import (
    IntermediateDataUnitHeader,
    TensorPayload,
    chain_name,
)
from ts26927.models.split_model import SplitPointInformation
from ts26927.models.wire_json import JsonTextError

MAGIC = b"TSID"
VERSION = 2
RESERVED = bytes(3)
ALIGNMENT = 64
#: The fixed prefix before the JSON header, field by field: (name, ``struct`` code).
PREFIX_FIELDS: tuple[tuple[str, str], ...] = (
    ("magic", "4s"),
    ("version", "B"),
    ("reserved", "3s"),
    ("headerLength", "I"),
)
#: Little-endian, standard sizes, no gaps between the fields.
PREFIX = struct.Struct("<" + "".join(code for _, code in PREFIX_FIELDS))
#: The integrity check after the last payload: CRC-32 (zlib's, ISO-HDLC) of every byte
#: before it, little-endian.
TRAILER = struct.Struct("<I")
#: The compression algorithms this decoder undoes; FC_VCM and unknown values are refused.
SUPPORTED_ALGORITHMS = frozenset(CompressionAlgorithm) - {CompressionAlgorithm.FC_VCM}


@dataclass(frozen=True)
class EncodedUnit:
    """One encoded unit as the pieces to write, in order (a gather list)."""

    header: IntermediateDataUnitHeader
    parts: list[bytes | memoryview]

    @property
    def nbytes(self) -> int:
        return sum(len(p) if isinstance(p, bytes) else p.nbytes for p in self.parts)

    def to_bytes(self) -> bytes:
        """The unit as one bytes object (one copy of every payload)."""
        return b"".join(self.parts)


@dataclass(frozen=True)
class DecodedUnit:
    header: IntermediateDataUnitHeader
    tensors: dict[str, np.ndarray]


def encode_unit(
    information: IntermediateDataInformation,
    arrays: Mapping[str, np.ndarray],
    chain: CodecChain,
    *,
    split_point: SplitPointInformation | None = None,
) -> EncodedUnit:
    """Frame ``arrays`` (one per tensor of ``information``) with ``chain`` applied to each."""
    information = information.model_copy(update={"compression_algorithms": chain.algorithms})
    payloads: list[TensorPayload] = []
    bodies: list[memoryview] = []
    for tensor in information.tensors:
        where = f"tensor {tensor.name!r}"
        if tensor.name not in arrays:
            raise IntermediateDataError(where, "no array given for it")
        array = arrays[tensor.name]
        element = tensor.tensor_element_data_type
        if from_numpy(array.dtype) != element or list(array.shape) != tensor.tensor_shape:
            raise IntermediateDataError(
                where,
                f"array is {array.dtype} {list(array.shape)} but the information says "
                f"{element} {tensor.tensor_shape}",
            )
        encoded = codecs.encode_tensor(tensor.name, array, element, chain)
        payloads.append(
            TensorPayload(
                name=tensor.name,
                compression_algorithms=encoded.algorithms,
                encoded_element_data_type=encoded.encoded_type,
                quantization=encoded.quantization,
                raw_length=encoded.raw_length,
                payload_length=encoded.payload.nbytes,
            )
        )
        bodies.append(encoded.payload)
    if extra := sorted(set(arrays) - {t.name for t in information.tensors}):
        raise IntermediateDataError(f"tensor {extra[0]!r}", "not in the intermediate data")
    header = IntermediateDataUnitHeader(
        split_point_information=split_point,
        intermediate_data_information=information,
        payloads=payloads,
    )
    text = header.to_json().encode()
    parts: list[bytes | memoryview] = [PREFIX.pack(MAGIC, VERSION, RESERVED, len(text)), text]
    position = PREFIX.size + len(text)
    for body in bodies:
        padding = -position % ALIGNMENT
        if padding:
            parts.append(bytes(padding))
        parts.append(body)
        position += padding + body.nbytes
    checksum = 0
    for part in parts:
        checksum = zlib.crc32(part, checksum)
    parts.append(TRAILER.pack(checksum))
    return EncodedUnit(header, parts)


def decode_unit(
    data: bytes | bytearray | memoryview, *, limits: UnitLimits | None = None
) -> DecodedUnit:
    """Check and decode one unit.

    Every defect is an :class:`IntermediateDataError` (a :class:`DecompressionLimitError`
    for declared sizes beyond ``limits``), except an algorithm this decoder does not undo,
    which is a :class:`CodecNotSupportedError`.
    """
    limits = limits or UnitLimits()
    view = _verified(memoryview(data).cast("B"))
    header = _read_header(view, limits)
    infos = header.intermediate_data_information.tensors
    decoded_size = 0
    for index, (payload, tensor) in enumerate(zip(header.payloads, infos, strict=True)):
        where = f"payload {index} ({payload.name!r})"
        for algorithm in payload.compression_algorithms:
            if algorithm not in SUPPORTED_ALGORITHMS:
                raise CodecNotSupportedError(str(algorithm), f"intermediate data unit, {where}")
        if numpy_dtype(tensor.tensor_element_data_type) is None:
            raise IntermediateDataError(
                where,
                f"element type {tensor.tensor_element_data_type} is not supported by this "
                "implementation",
            )
        full = tensor.tensor_element_data_type.byte_length(tensor.tensor_shape) or 0
        decoded_size += full + payload.raw_length
    if decoded_size > limits.max_decoded_bytes:
        raise DecompressionLimitError("header", decoded_size, limits.max_decoded_bytes)
    bodies = _slice_payloads(view, header)
    tensors: dict[str, np.ndarray] = {}
    for index, (payload, tensor, body) in enumerate(
        zip(header.payloads, infos, bodies, strict=True)
    ):
        raw = body
        last = payload.compression_algorithms[-1]
        if last in codecs.LOSSLESS:
            try:
                raw = codecs.decompress(last, body, payload.raw_length)
            except ValueError as error:
                raise IntermediateDataError(
                    f"payload {index} ({payload.name!r})", str(error)
                ) from None
        try:
            tensors[tensor.name] = codecs.restore(
                raw,
                payload.encoded_element_data_type,
                tensor.tensor_element_data_type,
                tensor.tensor_shape,
                payload.quantization,
                name=tensor.name,
            )
        except CodecRangeError as error:
            raise IntermediateDataError(
                f"payload {index} ({payload.name!r})", error.reason
            ) from None
    return DecodedUnit(header, tensors)


def unit_chain_name(header: IntermediateDataUnitHeader) -> str:
    """The unit's codec chain, e.g. ``INT8+ZSTD``."""
    algorithms = header.intermediate_data_information.compression_algorithms
    return chain_name(algorithms or [CompressionAlgorithm.NONE])


def _verified(view: memoryview) -> memoryview:
    """The unit without its checksum, once the prefix is one of ours and the checksum holds."""
    least = PREFIX.size + TRAILER.size
    if view.nbytes < least:
        raise IntermediateDataError(
            "offset 0", f"truncated: {view.nbytes} bytes, a unit has at least {least}"
        )
    magic, version, reserved, _ = PREFIX.unpack_from(view)
    if magic != MAGIC:
        raise IntermediateDataError("offset 0", f"not an intermediate data unit (magic {magic!r})")
    if version != VERSION:
        raise IntermediateDataError("offset 4", f"format version {version} is not supported")
    if reserved != RESERVED:
        raise IntermediateDataError("offset 5", "reserved bytes must be zero")
    body = view[: view.nbytes - TRAILER.size]
    (stated,) = TRAILER.unpack_from(view, body.nbytes)
    if zlib.crc32(body) != stated:
        raise IntermediateDataError(
            f"offset {body.nbytes}",
            "the CRC-32 does not match: the unit was altered or truncated in transit",
        )
    return body


def _read_header(view: memoryview, limits: UnitLimits) -> IntermediateDataUnitHeader:
    _, _, _, length = PREFIX.unpack_from(view)
    if length > limits.max_header_bytes:
        raise IntermediateDataError(
            "offset 8",
            f"header length {length} is more than the limit of {limits.max_header_bytes} bytes",
        )
    if PREFIX.size + length > view.nbytes:
        raise IntermediateDataError(
            "header", f"truncated: declares {length} bytes, {view.nbytes - PREFIX.size} present"
        )
    text = view[PREFIX.size : PREFIX.size + length].tobytes()
    try:
        return IntermediateDataUnitHeader.from_wire(wire_json.loads(text))
    except JsonTextError as error:
        raise IntermediateDataError("header", f"not JSON: {error}") from None
    except ValidationError as error:
        problems = "; ".join(
            f"/{'/'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:5]
        )
        raise IntermediateDataError("header", f"invalid: {problems}") from None


def _slice_payloads(view: memoryview, header: IntermediateDataUnitHeader) -> list[memoryview]:
    text_end = PREFIX.size + PREFIX.unpack_from(view)[3]
    position = text_end
    bodies: list[memoryview] = []
    for index, payload in enumerate(header.payloads):
        where = f"payload {index} ({payload.name!r})"
        start = position + (-position % ALIGNMENT)
        end = start + payload.payload_length
        if end > view.nbytes:
            raise IntermediateDataError(
                where,
                f"truncated: needs bytes {start}..{end}, the unit has {view.nbytes}",
            )
        if any(view[position:start]):
            raise IntermediateDataError(where, "padding before the payload is not zero")
        bodies.append(view[start:end])
        position = end
    if position != view.nbytes:
        raise IntermediateDataError(
            f"offset {position}", f"{view.nbytes - position} bytes after the last payload"
        )
    return bodies
