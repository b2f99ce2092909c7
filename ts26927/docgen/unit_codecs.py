"""The unit page's sections on tensor bytes and codecs: element types, precision reductions
and the lossless containers, from the engine's own constants."""

from __future__ import annotations

from typing import Any

import numpy as np

from ts26927.engine.onnxtools import codecs
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.dtypes import numpy_dtype
from ts26927.engine.split.unit import SUPPORTED_ALGORITHMS
from ts26927.models.intermediate_data import CompressionAlgorithm
from ts26927.models.intermediate_unit import (
    LOSSLESS,
    PRECISION_REDUCTIONS,
    REDUCIBLE,
    Int8Quantization,
    chain_name,
)
from ts26927.models.tensors import ElementDataType

#: Frame magic numbers of the containers a payload must NOT be in (LZ4 frame, Snappy framing).
_LZ4_FRAME_MAGIC = bytes.fromhex("04224d18")
_SNAPPY_STREAM_IDENTIFIER = bytes.fromhex("ff060000734e61507059")


def _names(values: Any) -> str:
    return ", ".join(f"`{v}`" for v in values)


def _dtype_encoding(dtype: np.dtype) -> str:
    bits = 8 * dtype.itemsize
    encodings = {
        "f": f"IEEE 754 binary{bits}",
        "i": f"{bits}-bit two's-complement integer",
        "u": f"{bits}-bit unsigned integer",
        "b": "one byte: `00` false, `01` true",
        "c": f"two IEEE 754 binary{bits // 2}: the real part, then the imaginary part",
    }
    return encodings[dtype.kind]


def _unit_tensor_bytes() -> list[str]:

    lines = [
        "## Tensor bytes",
        "",
        "Before any codec, a tensor is its elements in C order (row-major: the last dimension "
        "varies fastest), packed without gaps, each element little-endian. The element count "
        "is the product of `tensorShape`; every dimension is at least 1, and the empty shape "
        "`[]` is a scalar (one element). A tensor's byte length in an element type is its "
        "element count times that type's size.",
        "",
        "| tensorElementDataType | bytes per element | numpy dtype | element encoding |",
        "|---|---|---|---|",
    ]
    refused = []
    for element in ElementDataType:
        dtype = numpy_dtype(element)
        if dtype is None:
            refused.append(element)
            continue
        lines.append(
            f"| `{element}` | {dtype.itemsize} | `{dtype.str}` | {_dtype_encoding(dtype)} |"
        )
    return [
        *lines,
        "",
        f"A decoder refuses a unit with a tensor of any other type: {_names(refused)}.",
        "",
    ]


def _unit_codecs() -> list[str]:

    chains = [
        CodecChain(precision, lossless)
        for precision in (None, *PRECISION_REDUCTIONS)
        for lossless in (None, *LOSSLESS)
    ]
    others = [e for e in ElementDataType if e not in REDUCIBLE and numpy_dtype(e) is not None]
    if any(len({chain_name(c.applied_to(e)) for e in others}) != 1 for c in chains):
        raise RuntimeError("the chains table assumes one path for every non-float type")
    table = [
        "| unit chain | "
        + " | ".join(f"{e} tensor" for e in REDUCIBLE)
        + " | tensor of another type |",
        "|---|" + "---|" * (len(REDUCIBLE) + 1),
    ]
    for chain in chains:
        cells = [f"`{chain_name(chain.applied_to(e))}`" for e in (*REDUCIBLE, others[0])]
        table.append(f"| `{chain.name}` | " + " | ".join(cells) + " |")
    refused = [a for a in CompressionAlgorithm if a not in SUPPORTED_ALGORITHMS]

    int8, half = numpy_dtype(ElementDataType.INT8), numpy_dtype(ElementDataType.FLOAT16)
    if int8 is None or half is None:
        raise RuntimeError("INT8 and FLOAT16 need numpy types")
    low, high = int(np.iinfo(int8).min), int(np.iinfo(int8).max)
    # What the encoder writes for an all-zero tensor, read from its own output.
    zeros = codecs.encode_tensor(
        "zeros",
        np.zeros(1, np.float32),
        ElementDataType.FLOAT,
        CodecChain(CompressionAlgorithm.INT8),
    ).quantization
    if zeros is None:
        raise RuntimeError("INT8 wrote no quantization")
    zero_point = Int8Quantization.model_fields["zero_point"]
    bounds = {type(m).__name__: m for m in zero_point.metadata}
    if (bounds["Ge"].ge, bounds["Le"].le) != (low, high):
        raise RuntimeError("zeroPoint bounds and the INT8 range differ")
    half_max = codecs._HALF_MAX
    # Half a step above the largest half rounds (ties to even) to infinity.
    step = half_max - float(np.nextafter(np.float16(half_max), np.float16(0)))
    overflow = half_max + step / 2
    working = {
        e: numpy_dtype(e if e != ElementDataType.FLOAT16 else ElementDataType.FLOAT)
        for e in REDUCIBLE
    }
    work = ", ".join(f"`{dtype}` for {e}" for e, dtype in working.items())
    # Below these ranges W(1 / scale) overflows to infinity and q is not defined; only
    # tensors whose own type can hold such a small range are concerned.
    smallest = {e: (high - low) / float(np.finfo(w).max) for e, w in working.items()}
    tiny = ", ".join(
        f"{value:.2g} for {e}"
        for e, value in smallest.items()
        if float(np.finfo(numpy_dtype(e)).smallest_subnormal) < value
    )
    own = ", ".join(f"`{numpy_dtype(e)}` for {e}" for e in REDUCIBLE)
    return [
        "## Codec chains",
        "",
        "A codec chain is at most one precision reduction "
        f"({_names(PRECISION_REDUCTIONS)}) followed by at most one lossless codec "
        f"({_names(LOSSLESS)}); `NONE` stands alone. Written with `+` between the names, "
        f"the chains `encode_unit` produces and `decode_unit` undoes are: "
        f"{_names(c.name for c in chains)}. A decoder refuses a payload whose chain names "
        f"{_names(refused)} or a value that is not a compression algorithm.",
        "",
        "### Unit chain and payload chains",
        "",
        "`encode_unit` applies one chain to a unit and writes it to "
        "`intermediateDataInformation.compressionAlgorithms`. Each payload's "
        "`compressionAlgorithms` is that chain as applied to its tensor: the precision "
        f"reduction applies only to {_names(REDUCIBLE)} tensors, and `FLOAT16` is skipped "
        "for a `FLOAT16` tensor; `NONE` when nothing remains. A decoder reads each payload's "
        "own chain (and checks that the unit's chain names every algorithm it uses).",
        "",
        *table,
        "",
        "### Order of the steps",
        "",
        "Encoding one tensor:",
        "",
        "1. Take the tensor's bytes in its `tensorElementDataType` (see tensor bytes above).",
        "2. If the payload chain starts with a precision reduction, convert every element to "
        "`encodedElementDataType` (`FLOAT16` or `INT8`); otherwise `encodedElementDataType` "
        "is the tensor's own type and the bytes stay as they are. `rawLength` is the byte "
        "length of the result: the element count times the size of `encodedElementDataType`.",
        "3. If the payload chain ends with a lossless codec, compress those `rawLength` bytes "
        "into the payload; otherwise the payload is those bytes. `payloadLength` is the "
        "payload's byte length (equal to `rawLength` without a lossless codec).",
        "",
        "Decoding undoes the steps in reverse: decompress the payload into exactly "
        "`rawLength` bytes (any other count is refused); read them as `encodedElementDataType` "
        "elements in C order with the shape `tensorShape`; undo the precision reduction, "
        "giving elements of `tensorElementDataType`.",
        "",
        "### NONE",
        "",
        "The payload is the tensor's bytes: `payloadLength` = `rawLength` = the element "
        "count times the element size. A decoder can use them in place.",
        "",
        "### FLOAT16",
        "",
        f"For {_names(e for e in REDUCIBLE if e != ElementDataType.FLOAT16)} tensors; "
        "`encodedElementDataType` is `FLOAT16`, `rawLength` is the element count times "
        f"{half.itemsize}.",
        "",
        "- Encoding rounds each element to IEEE 754 binary16, to nearest with ties to even, "
        "directly from the tensor's own type (a `DOUBLE` is rounded once, not through "
        "binary32). Subnormal results are kept, infinities and NaN stay infinities and NaN. "
        f"The encoder refuses a tensor with a finite element that would round to an infinity "
        f"(|x| ≥ {overflow:g}; the largest binary16 is {half_max:g}).",
        "- Decoding widens each binary16 exactly to the tensor's type. `decode_unit` also "
        "accepts `FLOAT16` on a `FLOAT16` tensor, where it changes nothing; `encode_unit` "
        "leaves it out there.",
        "",
        "### INT8",
        "",
        f"Per-tensor affine quantization, for {_names(REDUCIBLE)} tensors; "
        "`encodedElementDataType` is `INT8` (two's complement), `rawLength` is the element "
        f"count times {int8.itemsize}. The payload's `quantization` holds `scale` (a "
        f"finite JSON number > 0) and `zeroPoint` (a JSON integer, {low} to {high}).",
        "",
        f"Decoding, exactly as `decode_unit` does it, with T the tensor's own type ({own}):",
        "",
        "```text",
        "x' = T(T(q) - T(zeroPoint)) * T(scale)",
        "```",
        "",
        "Every operation is in T, rounded to nearest with ties to even: `q - zeroPoint` is "
        "exact, `scale` (a binary64 from the JSON) is first rounded to T, then one "
        "multiplication is rounded to T. A decoder does not bound `scale`: one beyond T's "
        "range restores infinities.",
        "",
        "Encoding, exactly as `encode_unit` does it (an encoder may choose other parameters; "
        "the decoder accepts any valid ones, but these reproduce the reference's bytes):",
        "",
        "1. `lo = min(min(x), 0)`, `hi = max(max(x), 0)`, as binary64: the range always holds "
        "0, so 0 is restored exactly (but see below). A tensor holding an infinity or a NaN "
        "is refused.",
        f"2. `scale = (hi - lo) / {high - low}` in binary64; `scale = {zeros.scale!r}` "
        "when `hi = lo` "
        "(all zeros).",
        f"3. `zeroPoint = round(-{-low} - lo / scale)` in binary64, ties to even, clipped to "
        f"{low}..{high}.",
        f"4. With W the working type ({work}): `r = W(1 / scale)` (the reciprocal in "
        f"binary64, then rounded to W); for each element, `q = clip(rint(W(x) * r) + "
        f"zeroPoint, {low}, {high})`, where the product is rounded to W, `rint` rounds to the "
        "nearest integer with ties to even, and the sum is exact. The encoder multiplies by "
        "the reciprocal; dividing by `scale` can round differently.",
        "5. `scale` goes into the JSON as that binary64 value, in any JSON number notation "
        "that reads back as the same binary64 (`encode_unit` writes Python's shortest form, "
        "e.g. `1.0` or `1e-06`; JavaScript's `1` or `0.000001` decode the same).",
        "",
        "A range `hi - lo` so small that `r` overflows W to infinity (below about "
        f"{tiny}) gives products that are infinite or NaN, and the reference's `q` for them "
        "is whatever the platform makes of a NaN converted to an integer: such a tensor has "
        "no well-defined INT8 encoding and should be sent with another chain.",
        "",
        *_unit_lossless(),
    ]


def _unit_lossless() -> list[str]:

    # A sample compressed by the engine itself: the facts below are read from its output.
    sample = np.zeros(256, np.float32)
    out = {
        algorithm: bytes(
            codecs.encode_tensor(
                "sample", sample, ElementDataType.FLOAT, CodecChain(None, algorithm)
            ).payload
        )
        for algorithm in LOSSLESS
    }
    zstd = out[CompressionAlgorithm.ZSTD]
    descriptor = zstd[4]
    content_size = "written" if descriptor >> 6 or descriptor & 0x20 else "not written"
    checksum = "written" if descriptor & 0x04 else "not written"
    dictionary = "a dictionary" if descriptor & 0x03 else "no dictionary"
    if out[CompressionAlgorithm.LZ4].startswith(_LZ4_FRAME_MAGIC):
        raise RuntimeError("LZ4 payloads are frames, not blocks")
    snappy = out[CompressionAlgorithm.SNAPPY]
    if snappy.startswith(_SNAPPY_STREAM_IDENTIFIER):
        raise RuntimeError("SNAPPY payloads use the framing format")
    varint = _varint(sample.nbytes)
    if not snappy.startswith(varint):
        raise RuntimeError("SNAPPY payloads do not start with the raw length")
    sections = {
        CompressionAlgorithm.ZSTD: [
            "#### ZSTD",
            "",
            "- Container: one Zstandard frame, [RFC 8878](https://www.rfc-editor.org/rfc/rfc8878) "
            f"section 3.1.1, starting with the magic number `{zstd[:4].hex(' ')}`.",
            f"- `encode_unit` writes exactly one frame, at level {codecs._ZSTD_LEVEL}, with the "
            f"frame content size {content_size}, the content checksum {checksum} and "
            f"{dictionary}.",
            "- `decode_unit` also accepts a frame without the content size, a frame with a "
            "checksum (which it verifies), several frames one after the other and skippable "
            "frames, as long as the content is exactly `rawLength` bytes; it refuses any "
            "other bytes after the last frame.",
            "- Libraries: Python "
            f"`cramjam.zstd.compress(raw, level={codecs._ZSTD_LEVEL})` and "
            "`cramjam.zstd.decompress_into(payload, out)`; C `ZSTD_compress` and "
            "`ZSTD_decompress` (libzstd); Go `github.com/klauspost/compress/zstd` "
            "(`Encoder.EncodeAll`, `Decoder.DecodeAll`); Node.js `zlib.zstdCompressSync` and "
            "`zlib.zstdDecompressSync` (`node:zlib`, Node.js 22.15 and later).",
            "",
        ],
        CompressionAlgorithm.LZ4: [
            "#### LZ4",
            "",
            "- Container: one LZ4 block ([LZ4 block format]"
            "(https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md)) and nothing "
            "else: not an LZ4 frame (no magic number "
            f"`{_LZ4_FRAME_MAGIC.hex(' ')}`), no length before the block. The length comes "
            "from `rawLength`.",
            "- The block must decompress to exactly `rawLength` bytes and be used up: bytes "
            "after the block's last sequence are refused.",
            "- Libraries: Python `cramjam.lz4.compress_block(raw, store_size=False)` and "
            "`cramjam.lz4.decompress_block_into(payload, out)`; C `LZ4_compress_default` and "
            "`LZ4_decompress_safe`; Go `github.com/pierrec/lz4/v4` (`CompressBlock`, "
            "`UncompressBlock`); Node.js: a binding of the block functions, e.g. the `lz4` "
            "package's `encodeBlock` and `decodeBlock`.",
            "",
        ],
        CompressionAlgorithm.SNAPPY: [
            "#### SNAPPY",
            "",
            "- Container: the Snappy raw format ([format description]"
            "(https://github.com/google/snappy/blob/main/format_description.txt)): a varint "
            "of the uncompressed length, which must be `rawLength`, then the compressed "
            f"elements (for a {sample.nbytes}-byte tensor the payload starts with "
            f"`{varint.hex(' ')}`). Not the framing format: no stream identifier "
            f"`{_SNAPPY_STREAM_IDENTIFIER.hex(' ')}`, no chunks, no CRC.",
            "- The payload must decompress to exactly `rawLength` bytes and be used up.",
            "- Libraries: Python `cramjam.snappy.compress_raw(raw)` and "
            "`cramjam.snappy.decompress_raw_into(payload, out)`; C++ `snappy::RawCompress` and "
            "`snappy::RawUncompress`; Go `github.com/golang/snappy` (`snappy.Encode`, "
            "`snappy.Decode`; not `NewWriter`/`NewReader`, which use the framing format); "
            "Node.js `snappyjs` (`compress`, `uncompress`).",
            "",
        ],
    }
    lines = [
        "### Lossless codecs",
        "",
        "The payload is the `rawLength` bytes compressed in the container below. Every "
        "lossless codec is exact: decoding gives back the very bytes that were compressed.",
        "",
        "Decompress into a buffer of exactly `rawLength` bytes and check that the codec "
        "filled it: a payload that would inflate further then fails instead of allocating. "
        "In Python, with `out = bytearray(rawLength)`, each `cramjam` function named below "
        "returns the count it wrote, which must be `rawLength`. (`cramjam`'s `output_len` "
        "arguments are capacities, not checks: `cramjam.zstd.decompress` returns "
        "`output_len` bytes even when the frame holds fewer.)",
        "",
    ]
    for algorithm in LOSSLESS:
        lines += sections[algorithm]
    return lines


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)
