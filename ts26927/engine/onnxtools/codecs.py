"""Codec chains for intermediate data: precision reduction, then a lossless codec.

* ``NONE``: the tensor's own little-endian bytes, zero-copy both ways.
* ``FLOAT16``: round to IEEE half precision. Stated error per element:
  ``|x - x'| <= |x| * 2**-11 + 2**-25`` (half an ulp; half the smallest subnormal).
  Finite values beyond the half range (65504) are refused, not turned into infinities.
* ``INT8``: per-tensor affine quantization ``q = clip(round(x / scale) + zp, -128, 127)``
  over the range ``[min(x, 0), max(x, 0)]`` (so 0 is exact; a ReLU map's zeros stay zeros).
  Stated error per element: ``|x - x'| <= scale / 2 + |x| * 2**-20`` (rounding, plus
  float arithmetic). Non-finite values are refused.
* ``SNAPPY`` (raw format), ``LZ4`` (block format), ``ZSTD`` (frame, level 1): lossless,
  from cramjam. A receiver knows the exact decompressed length from the header, so it
  decompresses into a buffer of exactly that size: a payload that would inflate further
  fails instead of allocating.
* ``FC_VCM`` (MPEG feature coding for machines) and unknown values are declared by the
  wire types but refused here: no public implementation is available to this library.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cramjam
import numpy as np

from ts26927.engine.onnxtools.dtypes import numpy_dtype
from ts26927.errors import CodecChainError, CodecNotSupportedError, CodecRangeError
from ts26927.models.intermediate_data import CompressionAlgorithm, IntermediateDataInformation
from ts26927.models.intermediate_unit import (
    CHAIN_SEPARATOR,
    LOSSLESS,
    PRECISION_REDUCTIONS,
    REDUCIBLE,
    Int8Quantization,
    chain_name,
    chain_problem,
)
from ts26927.models.tensors import ElementDataType

NONE, FLOAT16, INT8 = (
    CompressionAlgorithm.NONE,
    CompressionAlgorithm.FLOAT16,
    CompressionAlgorithm.INT8,
)
_ZSTD_LEVEL = 1  # speed over ratio: the receiver does not need to know the level
_HALF_MAX = float(np.finfo(np.float16).max)


@dataclass(frozen=True)
class CodecChain:
    """A well-formed, supported codec chain, e.g. ``INT8+ZSTD``."""

    precision: CompressionAlgorithm | None = None
    lossless: CompressionAlgorithm | None = None

    @classmethod
    def parse(cls, spec: str | Sequence[str]) -> CodecChain:
        """From ``"INT8+ZSTD"`` or ``["INT8", "ZSTD"]`` (case-insensitive names)."""
        text = spec if isinstance(spec, str) else CHAIN_SEPARATOR.join(spec)
        names = [part.strip().upper() for part in text.split(CHAIN_SEPARATOR)]
        if any(not name.replace("_", "").isalnum() for name in names):
            raise CodecChainError(text, "not a list of compression algorithm names")
        if problem := chain_problem(names):
            raise CodecChainError(text, problem)
        for name in names:
            if name not in CompressionAlgorithm._value2member_map_ or name == "FC_VCM":
                raise CodecNotSupportedError(name, f"codec chain {text!r}")
        algorithms = [CompressionAlgorithm(name) for name in names]
        precision = algorithms[0] if algorithms[0] in PRECISION_REDUCTIONS else None
        rest = [a for a in algorithms if a not in PRECISION_REDUCTIONS and a is not NONE]
        return cls(precision, rest[0] if rest else None)

    @classmethod
    def of(cls, information: IntermediateDataInformation) -> CodecChain:
        """The chain clause 6.6.3 information names (``compressionAlgorithms``; absent:
        ``NONE``)."""
        return cls.parse([str(a) for a in information.compression_algorithms or ["NONE"]])

    @property
    def algorithms(self) -> list[CompressionAlgorithm]:
        chain = [a for a in (self.precision, self.lossless) if a is not None]
        return chain or [NONE]

    @property
    def name(self) -> str:
        return chain_name(self.algorithms)

    @property
    def lossy(self) -> bool:
        return self.precision is not None

    def applied_to(self, element: ElementDataType) -> list[CompressionAlgorithm]:
        """The chain as applied to a tensor of ``element`` (precision only for floats)."""
        precision = self.precision
        if element not in REDUCIBLE or (
            precision is FLOAT16 and element is ElementDataType.FLOAT16
        ):
            precision = None
        return CodecChain(precision, self.lossless).algorithms


@dataclass(frozen=True)
class Encoded:
    """One tensor after its codec chain."""

    algorithms: list[CompressionAlgorithm]
    encoded_type: ElementDataType
    quantization: Int8Quantization | None
    raw_length: int
    payload: memoryview


def encode_tensor(
    name: str, array: np.ndarray, element: ElementDataType, chain: CodecChain
) -> Encoded:
    """Apply ``chain`` to ``array`` (whose element type is ``element``)."""
    algorithms = chain.applied_to(element)
    quantization = None
    data = np.ascontiguousarray(array)
    if data.dtype.byteorder == ">":
        data = data.astype(data.dtype.newbyteorder("<"))
    encoded_type = element
    if algorithms[0] is FLOAT16:
        data, encoded_type = _to_half(name, data), ElementDataType.FLOAT16
    elif algorithms[0] is INT8:
        data, quantization = _quantize(name, data)
        encoded_type = ElementDataType.INT8
    raw = memoryview(data).cast("B") if data.size else memoryview(b"")
    payload = _compress(algorithms[-1], raw) if algorithms[-1] in LOSSLESS else raw
    return Encoded(algorithms, encoded_type, quantization, raw.nbytes, payload)


def decompress(algorithm: str, payload: memoryview, raw_length: int) -> memoryview:
    """Decompress into exactly ``raw_length`` bytes; ValueError when it does not fit."""
    out = np.empty(raw_length, np.uint8)
    try:
        if algorithm == CompressionAlgorithm.SNAPPY:
            written = cramjam.snappy.decompress_raw_into(payload, out)
        elif algorithm == CompressionAlgorithm.LZ4:
            written = cramjam.lz4.decompress_block_into(payload, out)
        else:
            written = cramjam.zstd.decompress_into(payload, out)
    except cramjam.DecompressionError as error:
        raise ValueError(
            f"{algorithm} payload does not decompress to {raw_length} bytes ({error})"
        ) from None
    if written != raw_length:
        raise ValueError(f"{algorithm} payload decompresses to {written} bytes, not {raw_length}")
    return memoryview(out)


def restore(
    raw: memoryview,
    encoded_type: ElementDataType,
    element: ElementDataType,
    shape: Sequence[int],
    quantization: Int8Quantization | None,
    name: str = "tensor",
) -> np.ndarray:
    """The tensor from its (decompressed) bytes: reinterpret, then undo the reduction.

    A quantization whose restored values cannot all be finite, non-degenerate numbers of
    the tensor's type is refused (a scale of 1e308 would restore infinities in float32; one
    of 1e-320 would restore zeros for every level)."""
    encoded_dtype, dtype = numpy_dtype(encoded_type), numpy_dtype(element)
    if encoded_dtype is None or dtype is None:
        raise CodecNotSupportedError(str(element), "element type")
    values = np.frombuffer(raw, dtype=encoded_dtype).reshape(tuple(shape))
    if quantization is not None:
        _check_quantization(name, quantization, dtype)
        restored = values.astype(dtype)
        restored -= dtype.type(quantization.zero_point)
        restored *= dtype.type(quantization.scale)
        return restored
    return values if encoded_dtype == dtype else values.astype(dtype)


def _check_quantization(name: str, quantization: Int8Quantization, dtype: np.dtype) -> None:
    info = np.finfo(dtype)
    scale, zero = float(quantization.scale), float(quantization.zero_point)
    reach = max(abs(-128.0 - zero), abs(127.0 - zero)) * scale
    if not (np.isfinite(scale) and scale > 0) or reach > float(info.max):
        raise CodecRangeError(
            name, "INT8", f"scale {scale:g} restores values beyond ±{float(info.max):g}"
        )
    if float(dtype.type(scale)) == 0.0:
        raise CodecRangeError(name, "INT8", f"scale {scale:g} is zero in {dtype}")


def stated_error(
    original: np.ndarray, algorithm: str, quantization: Int8Quantization | None
) -> np.ndarray:
    """Elementwise bound on ``|x - decode(encode_tensor(x))|`` for a precision reduction."""
    magnitude = np.abs(original.astype(np.float64))
    if algorithm == FLOAT16:
        return magnitude * 2.0**-11 + 2.0**-25
    if algorithm == INT8 and quantization is not None:
        # Half a quantization step, plus the rounding of the restored value back to the
        # tensor's own float type (a float16 tensor rounds to 11 significant bits; near
        # zero, to its subnormal spacing).
        info = np.finfo(original.dtype) if original.dtype.kind == "f" else np.finfo(np.float32)
        rounding = (magnitude + quantization.scale) * max(float(info.eps) / 2, 2.0**-20)
        return quantization.scale / 2 + rounding + float(info.smallest_subnormal)
    return np.zeros_like(magnitude)


def _to_half(name: str, data: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # overflow is detected and refused just below
        half = data.astype(np.float16)
    if np.isinf(half).any():
        finite = np.isfinite(data)
        if np.any(np.abs(data[finite]) > _HALF_MAX):
            raise CodecRangeError(name, "FLOAT16", f"finite values beyond ±{_HALF_MAX:g}")
    return half


def _quantize(name: str, data: np.ndarray) -> tuple[np.ndarray, Int8Quantization]:
    work = data.dtype if data.dtype != np.float16 else np.dtype(np.float32)
    if data.size == 0:
        return np.zeros(0, np.int8), Int8Quantization(scale=1.0, zero_point=0)
    low, high = float(np.min(data)), float(np.max(data))
    if not (np.isfinite(low) and np.isfinite(high)):
        raise CodecRangeError(name, "INT8", "the tensor holds infinities or NaNs")
    low, high = min(low, 0.0), max(high, 0.0)
    scale = (high - low) / 255.0 if high > low else 1.0
    if not np.isfinite(scale) or scale <= 0.0:
        raise CodecRangeError(name, "INT8", f"range {low:g}..{high:g} cannot be quantized")
    zero_point = int(np.clip(round(-128.0 - low / scale), -128, 127))
    buffer = np.multiply(data, work.type(1.0 / scale), dtype=work)
    np.rint(buffer, out=buffer)
    buffer += work.type(zero_point)
    np.clip(buffer, -128, 127, out=buffer)
    return buffer.astype(np.int8), Int8Quantization(scale=scale, zero_point=zero_point)


def _compress(algorithm: CompressionAlgorithm, raw: memoryview) -> memoryview:
    if algorithm is CompressionAlgorithm.SNAPPY:
        return memoryview(cramjam.snappy.compress_raw(raw))
    if algorithm is CompressionAlgorithm.LZ4:
        return memoryview(cramjam.lz4.compress_block(raw, store_size=False))
    return memoryview(cramjam.zstd.compress(raw, level=_ZSTD_LEVEL))
