"""Encoding a model into the packages of an adaptive model (5.2.2.2.2; 6.2.1 "families").

The base package is usable on its own: the model's graph (its *skeleton*, every tensor but
the refined weights) and each weight's base-level code. Each further package adds bits to
every weight; after the last one the weights are the original float32 values bit for bit,
and the rebuilt model file is byte for byte the repository's canonical model file (its
SHA-256 is in every header). Each package names the SHA-256 of the one it updates.

Refined weights are the float32 initializers of the main graph with two or more elements;
every other tensor (scalars, integer tensors, other float types, subgraphs) travels exactly
in the skeleton.

Composition: the TR names additive (bits or neurons added) and consecutive (data appended,
e.g. early exits) composition. This engine implements additive, bit-incremental composition,
which every model supports; consecutive composition needs models trained with exits, which
the embedded models are not, so it is left to the manifest's ``composition`` value for
implementations that have such models.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import onnx
from onnx import numpy_helper

from ts26927.engine.delivery import quantization as qz
from ts26927.engine.delivery.chain import DEFAULT_CHAIN, Chain, code_dtype
from ts26927.engine.delivery.package import Section, refined_tensors, write_package
from ts26927.errors import RepositoryError
from ts26927.models.messages.adaptive import Precision, SectionKind

_EXTERNAL = onnx.TensorProto.EXTERNAL


@dataclass(frozen=True)
class AdaptiveOptions:
    """How a model is cut into precision levels."""

    chain: tuple[Precision, ...] = DEFAULT_CHAIN
    base_sqnr_db: float | None = 36.0
    """Base level: a tensor's step is at least the one giving this SQNR (None: the range
    of the base codes alone decides). Evenly spread tensors then spend no bits on precision
    that per-tensor 8-bit quantization of trained networks does not have either."""
    zstd_level: int = 3
    skeleton_zstd_level: int = 19

    def __post_init__(self) -> None:
        Chain(self.chain)  # raises ValueError on a bad chain
        sqnr = self.base_sqnr_db
        if sqnr is not None and not (math.isfinite(sqnr) and sqnr > 0):
            raise ValueError("base_sqnr_db must be a positive number of dB, or None")
        for name in ("zstd_level", "skeleton_zstd_level"):
            if not 1 <= getattr(self, name) <= 22:
                raise ValueError(f"{name} must be 1..22")


@dataclass(frozen=True)
class Level:
    """One package of the chain."""

    index: int
    precision: Precision
    data: bytes
    sha256: str
    parent_sha256: str | None
    sqnr_db: float | None
    """SQNR of the weights once this level is applied; None when they are exact."""

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class AdaptiveEncoding:
    """Every package of one model, base first."""

    model_identifier: str
    levels: tuple[Level, ...]
    target_sha256: str
    target_size: int
    elements: int
    """Number of refined weights."""

    @property
    def weight_bytes(self) -> int:
        """Size of the refined weights as float32: the reference for package sizes."""
        return 4 * self.elements


def canonical(model: onnx.ModelProto, identifier: str) -> onnx.ModelProto:
    """A copy whose refined weights are stored as raw little-endian data (as rebuilt).

    External data must already be loaded (:func:`ts26927.engine.onnxtools.loading.load_model`).
    """
    external = [t.name for t in model.graph.initializer if t.data_location == _EXTERNAL]
    if external:
        raise RepositoryError(
            identifier, f"tensor {external[0]!r} keeps its data in an external file; load it"
        )
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    for tensor in refined_tensors(copy):
        if not tensor.HasField("raw_data"):
            values = numpy_helper.to_array(tensor).astype("<f4")
            tensor.ClearField("float_data")
            tensor.raw_data = values.tobytes()
        # Loading external data sets the location to DEFAULT explicitly, which protobuf
        # serializes: the same weights must give the same file whatever their origin.
        tensor.ClearField("data_location")
    return copy


def encode_adaptive(
    model: onnx.ModelProto, identifier: str, options: AdaptiveOptions | None = None
) -> AdaptiveEncoding:
    """Every package of ``model``'s chain (the model is not modified)."""
    options = options or AdaptiveOptions()
    chain = Chain(options.chain)
    model = canonical(model, identifier)
    target = model.SerializeToString()
    target_sha256, target_size = hashlib.sha256(target).hexdigest(), len(target)
    del target  # the largest object here: keep only its digest and size
    tensors = refined_tensors(model)
    if not tensors:
        raise RepositoryError(identifier, "no float32 weights to deliver adaptively")
    bounds = np.cumsum([0, *(math.prod(t.dims) for t in tensors)])
    weights = np.empty(int(bounds[-1]), np.float32)
    for index, tensor in enumerate(tensors):  # one tensor's bytes copied at a time
        weights[bounds[index] : bounds[index + 1]] = np.frombuffer(tensor.raw_data, "<f4")
    limit = qz.max_code(chain.base, chain.top)
    steps = np.empty(len(tensors), np.float32)
    codes = np.empty(weights.size, np.int32)
    for index in range(len(tensors)):
        part = weights[bounds[index] : bounds[index + 1]]
        steps[index] = qz.tensor_step(part, chain.base, chain.top, options.base_sqnr_db)
        codes[bounds[index] : bounds[index + 1]] = qz.top_codes(part, steps[index], limit)
    where, bits = qz.non_finite(weights)
    with _weightless(tensors):
        skeleton = model.SerializeToString()
    del model, tensors  # the weights now live in ``weights`` only
    common: dict[str, Any] = {"model_identifier": identifier, "elements": int(weights.size)}
    power = qz.signal_power(weights)
    levels: list[Level] = []
    previous: np.ndarray | None = None
    reconstructed = weights
    for level in range(len(chain.precisions)):
        fields = dict(common, level=level)
        if level == chain.last:
            # Relative to the top integer level, reconstructed by the previous iteration.
            residual = qz.exact_residual(weights, reconstructed)
            sections = [
                Section(SectionKind.EXACT, plane, data)
                for plane, data in enumerate(qz.to_planes(residual))
            ]
            sqnr = None
        else:
            current = qz.lower(codes, chain.shift(level))
            if level == 0:
                fields |= {
                    "chain": list(chain.precisions),
                    "target_sha256": target_sha256,
                    "target_size": target_size,
                    "steps": [int(v) for v in steps.view(np.uint32)],
                    "exceptions": int(where.size),
                }
                sections = [
                    # Small and repetitive: worth zstd's slowest level.
                    Section(SectionKind.SKELETON, 0, skeleton, options.skeleton_zstd_level),
                    *_coded(SectionKind.CODES, current, chain.base),
                ]
                if where.size:
                    packed = np.concatenate([where.astype("<u4"), bits.astype("<u4")])
                    sections.append(Section(SectionKind.EXCEPTIONS, 0, packed))
            else:
                assert previous is not None
                added = qz.residual(current, previous, chain.added_bits(level))
                sections = _coded(SectionKind.RESIDUAL, added, chain.added_bits(level))
            previous = current
            reconstructed = _at(current, chain.shift(level), steps, bounds, where, bits)
            sqnr = qz.sqnr_db(weights, reconstructed, power)
            if level == chain.last - 1:
                del codes, current, previous  # only the reconstruction is needed from here
        if levels:
            fields["parent_sha256"] = levels[-1].sha256
        data = write_package(fields, sections, options.zstd_level)
        levels.append(
            Level(
                index=level,
                precision=chain.precisions[level],
                data=data,
                sha256=hashlib.sha256(data).hexdigest(),
                parent_sha256=levels[-1].sha256 if levels else None,
                sqnr_db=sqnr,
            )
        )
    return AdaptiveEncoding(
        model_identifier=identifier,
        levels=tuple(levels),
        target_sha256=target_sha256,
        target_size=target_size,
        elements=int(weights.size),
    )


def _coded(kind: SectionKind, values: np.ndarray, bits: int) -> list[Section]:
    stored = values.astype(code_dtype(bits))
    if stored.dtype.itemsize == 1:
        return [Section(kind, 0, stored)]
    return [Section(kind, plane, data) for plane, data in enumerate(qz.to_planes(stored))]


def _at(
    codes: np.ndarray,
    shift: int,
    steps: np.ndarray,
    bounds: np.ndarray,
    where: np.ndarray,
    bits: np.ndarray,
) -> np.ndarray:
    values = qz.reconstruct(codes, shift, steps, bounds)
    qz.restore_exceptions(values, where, bits)
    return values


@contextmanager
def _weightless(tensors: list[onnx.TensorProto]) -> Iterator[None]:
    """The refined tensors without their data for the duration (the skeleton)."""
    saved = [t.raw_data for t in tensors]
    for tensor in tensors:
        tensor.ClearField("raw_data")
    try:
        yield
    finally:
        for tensor, data in zip(tensors, saved, strict=True):
            tensor.raw_data = data
