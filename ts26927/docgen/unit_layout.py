"""The byte layout of the intermediate data unit: prefix, header, positions, decoder checks
and a worked example, generated from the engine's own constants."""

from __future__ import annotations

import json
import struct

import numpy as np

from ts26927.docgen.unit_codecs import (
    _names,
    _unit_codecs,
    _unit_tensor_bytes,
)
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.dtypes import numpy_dtype
from ts26927.engine.onnxtools.limits import UnitLimits
from ts26927.engine.split.unit import (
    ALIGNMENT,
    MAGIC,
    PREFIX,
    PREFIX_FIELDS,
    RESERVED,
    SUPPORTED_ALGORITHMS,
    TRAILER,
    VERSION,
    decode_unit,
    encode_unit,
)
from ts26927.models.base import TsModel
from ts26927.models.compute import Framework, FrameworkName
from ts26927.models.intermediate_data import (
    CompressionAlgorithm,
    DataDirection,
    IntermediateDataInformation,
    IntermediateTensor,
)
from ts26927.models.intermediate_unit import (
    Int8Quantization,
    IntermediateDataUnitHeader,
    TensorPayload,
    chain_name,
)
from ts26927.models.split_model import SplitPointInformation
from ts26927.models.tensors import ElementDataType
from ts26927.schemas import type_schema

#: What each field of the fixed prefix holds, keyed by the names of ``unit.PREFIX_FIELDS``.
_PREFIX_MEANING = {
    "magic": "identifies the format",
    "version": "format version; a decoder refuses every other value",
    "reserved": "a decoder refuses every other value",
    "headerLength": "H, the byte length of the JSON header that follows",
}
_STRUCT_TYPES = {"B": "uint8", "H": "uint16", "I": "uint32", "Q": "uint64"}
_BYTE_ORDERS = {"<": "little-endian", ">": "big-endian"}
_HEX_WIDTH = 16


def unit_example() -> tuple[
    IntermediateDataInformation, dict[str, np.ndarray], CodecChain, SplitPointInformation
]:
    """The worked example's inputs: fixed values and versions, so its bytes never drift."""

    # -0.25 and 2.75 give a zero point other than -128 and reach both ends of the INT8
    # range; 0.5 and 1.5 fall on exact halves of a step, so the example shows how ties round.
    arrays = {
        "features": np.array([[0.0, 0.5, 1.0], [1.5, -0.25, 2.75]], np.float32),
        "indices": np.array([7, -1, 256], np.int64),
    }
    types = {"features": ElementDataType.FLOAT, "indices": ElementDataType.INT64}
    information = IntermediateDataInformation(
        tensor_structure_information=Framework(name=FrameworkName.NUMPY, version="2.0"),
        tensors=[
            IntermediateTensor(
                name=name, tensor_shape=list(array.shape), tensor_element_data_type=types[name]
            )
            for name, array in arrays.items()
        ],
        data_direction=DataDirection.UPSTREAM,
    )
    split = SplitPointInformation(split_point_identifier="relu1", split_point_number=1)
    return information, arrays, CodecChain(precision=CompressionAlgorithm.INT8), split


def hex_dump(data: bytes) -> list[str]:
    """``hexdump -C`` lines of ``data``, every line shown (no ``*`` for repeated lines)."""
    half = _HEX_WIDTH // 2
    lines = []
    for start in range(0, len(data), _HEX_WIDTH):
        chunk = data[start : start + _HEX_WIDTH]
        cells = [f"{b:02x}" for b in chunk] + ["  "] * (_HEX_WIDTH - len(chunk))
        text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        lines.append(f"{start:08x}  {' '.join(cells[:half])}  {' '.join(cells[half:])}  |{text}|")
    return [*lines, f"{len(data):08x}"]


def intermediate_data_unit_page() -> str:
    """The byte layout of an intermediate data unit, from the engine's own constants."""

    lines = [
        "# Intermediate data unit: byte layout",
        "",
        "Generated from `ts26927/engine/unit.py`, `codecs.py`, `dtypes.py` and `limits.py`. "
        "This page says everything needed to encode a unit that `decode_unit` accepts and "
        "to decode one that `encode_unit` produces; `ts26927 docs check` fails when the code "
        "and the page disagree. The JSON header's type is on the "
        "[engine formats](engine.md#intermediatedataunitheader) page.",
        "",
        "## Overview",
        "",
        "A unit carries the tensors that cross one split point, as one contiguous byte "
        "string. Offsets count from its first byte; every integer and every tensor element "
        f"is {_BYTE_ORDERS[PREFIX.format[0]]}.",
        "",
        "```text",
        f"{'offset 0':<17}fixed prefix ({PREFIX.size} bytes)",
        f"{f'offset {PREFIX.size}':<17}header: H bytes of UTF-8 JSON",
        f"                 zero padding to a multiple of {ALIGNMENT}, then payload 0",
        f"                 zero padding to a multiple of {ALIGNMENT}, then payload 1",
        "                 ...",
        "                 the last payload; the unit ends with its last byte",
        "```",
        "",
        *_unit_prefix(),
        *_unit_header(),
        *_unit_positions(),
        *_unit_tensor_bytes(),
        *_unit_codecs(),
        *_unit_checks(),
        *_unit_example_section(),
    ]
    return "\n".join(lines).rstrip() + "\n"


def _alias(model: type[TsModel], attribute: str) -> str:
    return str(model.model_fields[attribute].alias)


def _unit_prefix() -> list[str]:

    order = _BYTE_ORDERS[PREFIX.format[0]]
    values = {
        "magic": f"`{MAGIC.hex(' ')}` (ASCII `{MAGIC.decode('ascii')}`)",
        "version": f"`{VERSION}`",
        "reserved": f"`{RESERVED.hex(' ')}`",
        "headerLength": f"H ≤ {UnitLimits().max_header_bytes} (`UnitLimits.max_header_bytes`)",
    }
    lines = [
        "## Fixed prefix",
        "",
        f"The first {PREFIX.size} bytes, {order}, with no gaps between the fields (in Python: "
        f"`struct.Struct({PREFIX.format!r})`).",
        "",
        "| offset | size | field | type | value | meaning |",
        "|---|---|---|---|---|---|",
    ]
    offset = 0
    for name, code in PREFIX_FIELDS:
        size = struct.calcsize(PREFIX.format[0] + code)
        if code.endswith("s"):
            kind = f"{size} bytes"
        else:
            kind = _STRUCT_TYPES[code] + ("" if size == 1 else f", {order}")
        lines.append(
            f"| {offset} | {size} | `{name}` | {kind} | {values[name]} | {_PREFIX_MEANING[name]} |"
        )
        offset += size
    return [*lines, ""]


def _unit_header() -> list[str]:

    info = _alias(IntermediateDataUnitHeader, "intermediate_data_information")
    tensor = f"{info}.{_alias(IntermediateDataInformation, 'tensors')}[i]"
    payload = f"{_alias(IntermediateDataUnitHeader, 'payloads')}[i]"
    quantization = f"{payload}.{_alias(TensorPayload, 'quantization')}"
    rows = [
        (
            f"`{tensor}.{_alias(IntermediateTensor, 'tensor_shape')}`, "
            f"`{tensor}.{_alias(IntermediateTensor, 'tensor_element_data_type')}`",
            "shape and element type of tensor i, as decoded",
        ),
        (
            f"`{info}.{_alias(IntermediateDataInformation, 'compression_algorithms')}`",
            "the unit's codec chain (absent: `NONE`)",
        ),
        (f"`{payload}`", "how tensor i is encoded; payload i is the i-th payload of the unit"),
        (
            f"`{payload}.{_alias(TensorPayload, 'compression_algorithms')}`",
            "the codec chain applied to tensor i, in order",
        ),
        (
            f"`{payload}.{_alias(TensorPayload, 'encoded_element_data_type')}`",
            "element type after the precision reduction",
        ),
        (
            f"`{quantization}.{_alias(Int8Quantization, 'scale')}`, "
            f"`{quantization}.{_alias(Int8Quantization, 'zero_point')}`",
            "the INT8 parameters, present exactly with INT8",
        ),
        (
            f"`{payload}.{_alias(TensorPayload, 'raw_length')}`",
            "bytes after the precision reduction, before the lossless codec",
        ),
        (
            f"`{payload}.{_alias(TensorPayload, 'payload_length')}`",
            "bytes of payload i in the unit",
        ),
    ]
    return [
        "## JSON header",
        "",
        f"Bytes {PREFIX.size} to {PREFIX.size} + H - 1 hold one JSON object (RFC 8259) of type "
        "[IntermediateDataUnitHeader](engine.md#intermediatedataunitheader), in UTF-8; its "
        "properties, their types and their bounds are on that page.",
        "",
        "- UTF-8 without a byte order mark. The H bytes hold the JSON text and nothing else: "
        "no terminating NUL and no padding (only JSON whitespace may surround the object).",
        "- Property order and whitespace do not matter to a decoder: objects may list their "
        "properties in any order, and JSON whitespace may stand between any two tokens. "
        "`encode_unit` writes compact JSON (no whitespace), the properties in the order of "
        "the tables on the engine formats page, characters outside ASCII as UTF-8 rather "
        "than `\\u` escapes.",
        "- Types are strict: unknown properties are refused; an absent optional property is "
        "omitted, `null` is refused; numbers are not accepted as strings nor strings as "
        "numbers; enumeration values are case-sensitive. Write the integers (shape items, "
        "lengths, the zero point) as JSON integers, without a fraction or an exponent; "
        "`scale` may be any JSON number, `1` as well as `1.0`.",
        "- Do not repeat a property name within an object: RFC 8259 leaves its meaning open, "
        "and the decoder refuses the unit. Numbers must lie within IEEE 754 binary64 "
        "(`1e400` is refused, and so is a non-zero number that underflows to zero, such as "
        "`1e-400`); `NaN` and `Infinity` are not JSON.",
        "",
        "What the framing and the codecs read from the header (i: the tensor's index):",
        "",
        "| property | use |",
        "|---|---|",
        *[f"| {path} | {use} |" for path, use in rows],
        "",
        "Rules across properties, checked before any payload is read:",
        "",
        *[f"- {rule}" for rule in IntermediateDataUnitHeader.cross_field_rules],
        *[f"- {rule}" for rule in IntermediateDataInformation.cross_field_rules],
        "",
    ]


def _unit_positions() -> list[str]:

    return [
        "## Padding and payload positions",
        "",
        f"Each payload starts at the next multiple of {ALIGNMENT} bytes, counted from the "
        "first byte of the unit:",
        "",
        "```text",
        f"position = {PREFIX.size} + H",
        "for each payload i, in the order of payloads:",
        f"    start = position rounded up to a multiple of {ALIGNMENT}",
        "    bytes position .. start - 1 are padding, each one 0x00",
        "    bytes start .. start + payloadLength - 1 are payload i",
        "    position = start + payloadLength",
        f"bytes position .. position + {TRAILER.size - 1} are the checksum",
        f"the unit is exactly position + {TRAILER.size} bytes long",
        "```",
        "",
        f"- The padding is `(-position) mod {ALIGNMENT}` bytes (0 to {ALIGNMENT - 1}), never "
        "more: a decoder computes where each payload starts, it does not search for it. This "
        "holds after the header (before the first payload) and between payloads alike.",
        "- Alignment counts from offset 0 of the unit, not from the end of the header: a "
        f"receiver that keeps the unit at a {ALIGNMENT}-byte aligned address can use "
        "uncompressed tensors in place.",
        "- Padding bytes are zero; a decoder refuses any other value.",
        f"- Right after the last payload (no padding before it) come {TRAILER.size} bytes, "
        f"{_BYTE_ORDERS[TRAILER.format[0]]} `uint32`: the CRC-32 of every byte of the unit "
        "before them — the checksum of zlib's `crc32` (ISO-HDLC, as in gzip and PNG: "
        "polynomial 0x04C11DB7 reflected, initial value and final XOR 0xFFFFFFFF), which "
        "Python's `zlib.crc32`, Node.js's `zlib.crc32` and Go's `hash/crc32.ChecksumIEEE` "
        "compute. Nothing follows the checksum. The prefix holds no total length, so the "
        "transport delimits the unit (one message, one HTTP body); a receiver reading a "
        "stream knows the total once it has the header, from the loop above.",
        "",
    ]


def _unit_checks() -> list[str]:
    import dataclasses

    schema = type_schema("IntermediateDataUnitHeader")
    defs = schema["$defs"]
    limits = {f.name: f.default for f in dataclasses.fields(UnitLimits)}
    refused = _names(a for a in CompressionAlgorithm if a not in SUPPORTED_ALGORITHMS)
    bounds = (
        f"at most {schema['properties']['payloads']['maxItems']} payloads and "
        f"{defs['IntermediateDataInformation']['properties']['tensors']['maxItems']} tensors, "
        f"at most {defs['IntermediateTensor']['properties']['tensorShape']['maxItems']} "
        "dimensions, names of at most "
        f"{defs['TensorPayload']['properties']['name']['maxLength']} characters"
    )
    return [
        "## What a decoder checks",
        "",
        "`decode_unit` refuses a unit, in this order, when:",
        "",
        f"1. it is shorter than the {PREFIX.size}-byte prefix and the {TRAILER.size}-byte "
        "checksum;",
        f"2. the magic is not `{MAGIC.hex(' ')}`, the version is not {VERSION}, or the "
        f"reserved bytes are not `{RESERVED.hex(' ')}`;",
        f"3. the checksum (its last {TRAILER.size} bytes) is not the CRC-32 of every byte "
        "before it: the unit was altered or truncated in transit, and nothing else is read;",
        f"4. H is more than `max_header_bytes` ({limits['max_header_bytes']} by default), or "
        f"{PREFIX.size} + H is more than the unit's length without the checksum;",
        "5. the header is not UTF-8 JSON of type IntermediateDataUnitHeader: strict types, "
        f"every bound of the engine formats page ({bounds}) and every rule across properties "
        "listed above;",
        "6. payload by payload: its chain names an algorithm the decoder does not undo "
        f"({refused} or an unknown value; the unit's chain may still declare them), or its "
        "tensor's element type is not in the tensor bytes table;",
        "7. the sum over the tensors of (the tensor's byte length in its own type + its "
        f"`rawLength`) is more than `max_decoded_bytes` ({limits['max_decoded_bytes']} by "
        "default): checked from the header alone, before any payload is read, so a tensor "
        "without a precision reduction counts twice;",
        "8. a payload runs past the checksum, a padding byte is not zero, or bytes other than "
        "the checksum follow the last payload;",
        "9. a payload does not decompress to exactly `rawLength` bytes;",
        "10. an INT8 payload's quantization cannot restore finite, distinct values of the "
        "tensor's type: a `scale` that is not positive and finite, that is zero in that type "
        "(1e-320 in FLOAT), or whose reach `max(|-128 - zeroPoint|, |127 - zeroPoint|) * "
        "scale` exceeds the type's largest finite value.",
        "",
        "Each refusal is an `IntermediateDataError` (a `DecompressionLimitError` in step 7), "
        "except an algorithm that is not undone in step 6: a `CodecNotSupportedError`. The "
        "limits are `ts26927.engine.onnxtools.limits.UnitLimits`; a receiver may pass "
        "tighter ones.",
        "",
        "A decoder does not check, and passes on as they are: `BOOL` bytes other than `00` "
        "and `01`; NaN and infinities in floating-point payloads; algorithms the unit's chain "
        "declares but no payload uses.",
        "",
    ]


def _unit_example_section() -> list[str]:

    information, arrays, chain, split = unit_example()
    data = encode_unit(information, arrays, chain, split_point=split).to_bytes()
    decoded = decode_unit(data)
    header = decoded.header
    length = PREFIX.unpack_from(data)[-1]
    text = data[PREFIX.size : PREFIX.size + length].decode()

    def offset(at: int) -> str:
        return f"0x{at:03x} ({at})"

    regions = []
    position = 0
    for name, code in PREFIX_FIELDS:
        size = struct.calcsize(PREFIX.format[0] + code)
        regions.append((position, size, f"`{name}`: `{data[position : position + size].hex(' ')}`"))
        position += size
    regions.append((position, length, f"header JSON (H = {length})"))
    position += length
    quantized: list[str] = []
    for index, (payload, tensor) in enumerate(
        zip(header.payloads, information.tensors, strict=True)
    ):
        padding = -position % ALIGNMENT
        if padding:
            regions.append((position, padding, "padding, zero bytes"))
            position += padding
        body = data[position : position + payload.payload_length]
        chain_text = chain_name(payload.compression_algorithms)
        regions.append(
            (
                position,
                payload.payload_length,
                f"payload {index}: `{payload.name}`, chain `{chain_text}`, "
                f"{payload.encoded_element_data_type} elements, shape {tensor.tensor_shape}",
            )
        )
        position += payload.payload_length
        encoded = numpy_dtype(payload.encoded_element_data_type)
        if payload.quantization is None:
            values = np.frombuffer(body, encoded).tolist()
            quantized += [
                f"Payload {index} (`{payload.name}`) is the tensor's bytes: {values} as "
                f"`{encoded}`.",
                "",
            ]
        else:
            own = numpy_dtype(tensor.tensor_element_data_type)
            q = np.frombuffer(body, encoded)
            restored = decoded.tensors[payload.name].reshape(-1)
            original = arrays[payload.name].reshape(-1)
            quantized += [
                f"Payload {index} (`{payload.name}`): `scale` = {payload.quantization.scale!r}, "
                f"`zeroPoint` = {payload.quantization.zero_point}.",
                "",
                f"| x | q (byte) | x' restored ({own}) | bits of x' (hex) |",
                "|---|---|---|---|",
                *[
                    f"| {float(x)!r} | {int(v)} (`{int(v) & 0xFF:02x}`) | {r!s} | "
                    f"`{r.tobytes()[::-1].hex()}` |"
                    for x, v, r in zip(original, q, restored, strict=True)
                ],
                "",
            ]
    regions.append(
        (
            position,
            TRAILER.size,
            f"checksum: CRC-32 of bytes 0..{position - 1}: "
            f"`{data[position : position + TRAILER.size].hex(' ')}`",
        )
    )
    position += TRAILER.size
    regions.append((position, 0, f"end of the unit: {len(data)} bytes"))
    inputs = [
        f"{name:<10} {tensor.tensor_element_data_type:<6} {tensor.tensor_shape!s:<7} "
        f"{arrays[name].tolist()}"
        for name, tensor in zip(arrays, information.tensors, strict=True)
    ]
    return [
        "## Worked example",
        "",
        f"A unit of two tensors with the chain `{chain.name}`, built by `encode_unit` when "
        "this page is generated (the inputs are `ts26927.docgen.unit_example()`). The "
        "floating-point tensor is quantized; the integer tensor skips the precision "
        "reduction, so its payload chain is `NONE`. No lossless codec here: its output may "
        "change with the compressor's version while it still decodes the same, and this "
        "page shows only bytes that do not change.",
        "",
        "Inputs:",
        "",
        "```text",
        *inputs,
        "```",
        "",
        "Header, indented here for reading (in the unit it is compact; the dump below has "
        "its exact bytes):",
        "",
        "```json",
        json.dumps(json.loads(text), indent=2, ensure_ascii=False),
        "```",
        "",
        "Where everything is:",
        "",
        "| offset | length | content |",
        "|---|---|---|",
        *[f"| {offset(at)} | {size} | {what} |" for at, size, what in regions],
        "",
        *quantized,
        f"Every byte of the unit (`hexdump -C` layout: offset, {_HEX_WIDTH} bytes, the same "
        "as ASCII):",
        "",
        "```text",
        *hex_dump(data),
        "```",
        "",
    ]
