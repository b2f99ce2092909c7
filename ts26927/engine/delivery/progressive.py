"""The UE side of an adaptive model: a base package, then updates applied while it serves.

Theory of operation. :class:`ProgressiveModel` is built from a base package and holds the
model at its current level: the skeleton, the codes of every refined weight at the current
integer depth (or, once complete, the exact weights), and the SHA-256 of the last package
applied. :meth:`ProgressiveModel.apply` takes the next package only: same model, same chain
and target, the next level, and a ``parentSha256`` equal to that last digest. It checks the
package and computes the new state completely before it replaces the old one, so a refused
or broken update leaves the model exactly as it was (and it goes on serving).

The model handed to an inference engine (:meth:`ProgressiveModel.to_model`) is rebuilt as an
ONNX file and passes :func:`~ts26927.engine.onnxtools.loading.load_model` (size limits, the ONNX
checker); at the last level its SHA-256 must equal the target's, the proof that the chain
restored the original model bit for bit.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import onnx
from google.protobuf.message import DecodeError

from ts26927.engine.delivery import quantization as qz
from ts26927.engine.delivery.chain import Chain, chain_problem, code_dtype
from ts26927.engine.delivery.package import SectionKey, read_package, refined_tensors
from ts26927.engine.onnxtools.limits import ModelLimits
from ts26927.engine.onnxtools.loading import check_declared_sizes, load_model
from ts26927.errors import IntegrityError, PackageError, PackageMismatchError
from ts26927.models.messages.adaptive import AdaptivePackageHeader, Precision, SectionKind


class ProgressiveModel:
    """An adaptive model on the UE, at the level of the last package applied."""

    def __init__(self, base: bytes, *, limits: ModelLimits | None = None) -> None:
        self.limits = limits or ModelLimits()
        digest = hashlib.sha256(base).hexdigest()
        label = f"{digest[:12]} (level 0)"
        header, sections = read_package(base, label, self.limits.max_model_bytes)
        base_fields = (header.chain, header.target_sha256, header.target_size, header.steps)
        if header.level != 0 or None in base_fields or header.exceptions is None:
            raise PackageError(label, "header", "not a base package (level 0, chain, steps)")
        assert header.chain is not None and header.steps is not None
        problem = chain_problem(tuple(header.chain))
        if problem:
            raise PackageError(label, "header /chain", problem)
        self.chain = Chain(tuple(header.chain))
        self.header = header
        _check_layout(label, header, sections, self.chain.layout(0, *self._counts(header)))
        self._skeleton, self._tensors = _parse_skeleton(label, sections, self.limits)
        if len(self._tensors) != len(header.steps):
            raise PackageError(
                label,
                "header /steps",
                f"{len(header.steps)} steps for {len(self._tensors)} refined tensors",
            )
        self.steps = np.array(header.steps, np.uint32).view(np.float32)
        usable = np.isfinite(self.steps) & (self.steps > 0)
        if not np.all(usable):
            name = self._tensors[int(np.argmin(usable))].name
            raise PackageError(
                label, "header /steps", f"step of {name!r} is not a positive finite float32"
            )
        self.bounds = np.cumsum([0, *(math.prod(t.dims) for t in self._tensors)])
        if int(self.bounds[-1]) != header.elements:
            raise PackageError(
                label, "header /elements", f"the refined tensors hold {int(self.bounds[-1])}"
            )
        self._codes = _read_values(sections, SectionKind.CODES, self.chain.base).astype(np.int32)
        self._where, self._bits = _exceptions(label, header, sections)
        self._exact: np.ndarray | None = None
        self._level = 0
        self.digest = digest

    # -- state ---------------------------------------------------------------------------
    @property
    def model_identifier(self) -> str:
        return self.header.model_identifier

    @property
    def level(self) -> int:
        return self._level

    @property
    def precision(self) -> Precision:
        return self.chain.precisions[self._level]

    @property
    def complete(self) -> bool:
        """True once the exact level is applied."""
        return self._level == self.chain.last

    def weights(self) -> np.ndarray:
        """The refined weights at the current level, flat, float32."""
        if self._exact is not None:
            return self._exact
        values = qz.reconstruct(self._codes, self.chain.shift(self._level), self.steps, self.bounds)
        qz.restore_exceptions(values, self._where, self._bits)
        return values

    # -- the one mutating operation -------------------------------------------------------
    def apply(self, update: bytes) -> None:
        """Apply the next level's package; on any error the model stays as it was."""
        digest = hashlib.sha256(update).hexdigest()
        wanted = self._level + 1
        label = f"{digest[:12]} (update to level {wanted})"
        header, sections = read_package(update, label, self.limits.max_model_bytes)
        self._check_fits(label, header, wanted)
        elements = self.header.elements
        _check_layout(label, header, sections, self.chain.layout(wanted, elements, 0))
        if wanted == self.chain.last:
            zigzag = qz.from_planes(
                [np.frombuffer(sections[(SectionKind.EXACT, p)], np.uint8) for p in range(4)],
                np.dtype(np.uint32),
            )
            exact = qz.apply_exact(self.weights(), zigzag)
            codes = self._codes
        else:
            added = _read_values(sections, SectionKind.RESIDUAL, self.chain.added_bits(wanted))
            codes = qz.raise_codes(self._codes, added, self.chain.added_bits(wanted))
            exact = None
        # Everything is computed: commit.
        self._codes, self._exact = codes, exact
        self._level, self.digest = wanted, digest

    # -- the model handed to the inference engine ----------------------------------------
    def to_bytes(self) -> bytes:
        """The ONNX model file at the current level (at the last level: the original)."""
        weights = self.weights().astype("<f4", copy=False)
        model = onnx.ModelProto()
        model.CopyFrom(self._skeleton)
        for index, tensor in enumerate(refined_tensors(model)):
            tensor.raw_data = weights[self.bounds[index] : self.bounds[index + 1]].tobytes()
        data = model.SerializeToString()
        if self.complete:
            actual = hashlib.sha256(data).hexdigest()
            if actual != self.header.target_sha256:
                raise IntegrityError(
                    f"model {self.model_identifier} rebuilt at the exact level",
                    self.header.target_sha256,
                    actual,
                )
        return data

    def to_model(self) -> onnx.ModelProto:
        """The model at the current level, checked like any model from the wire."""
        return load_model(self.to_bytes(), limits=self.limits)

    # -- checks ----------------------------------------------------------------------------
    @staticmethod
    def _counts(header: AdaptivePackageHeader) -> tuple[int, int]:
        return header.elements, header.exceptions or 0

    def _check_fits(self, label: str, header: AdaptivePackageHeader, wanted: int) -> None:
        mine = self.header
        if header.model_identifier != mine.model_identifier:
            reason = f"is for model {header.model_identifier!r}, not {mine.model_identifier!r}"
        elif self.complete:
            reason = "the model is already at its exact level"
        elif header.level != wanted:
            reason = f"is level {header.level}; the next level is {wanted}"
        elif header.parent_sha256 != self.digest:
            reason = f"updates package {header.parent_sha256}, not the one held ({self.digest})"
        elif header.elements != mine.elements:
            reason = f"refines {header.elements} weights, the base {mine.elements}"
        elif any(v is not None for v in (header.chain, header.target_sha256, header.steps)):
            reason = "carries base-only fields"
        else:
            return
        raise PackageMismatchError(label, "header", reason)


def _parse_skeleton(
    label: str, sections: dict[SectionKey, memoryview], limits: ModelLimits
) -> tuple[onnx.ModelProto, list[onnx.TensorProto]]:
    """The skeleton and its refined tensors, which must all be waiting for their data."""
    try:
        skeleton = onnx.load_model_from_string(bytes(sections[(SectionKind.SKELETON, 0)]))
    except (DecodeError, RuntimeError, ValueError) as error:
        raise PackageError(label, "skeleton", f"not an ONNX model ({error})") from None
    if skeleton.ir_version <= 0 or not skeleton.HasField("graph"):
        raise PackageError(label, "skeleton", "not an ONNX model (no IR version or no graph)")
    check_declared_sizes(skeleton, label, limits)
    tensors = refined_tensors(skeleton)
    for tensor in tensors:
        if tensor.raw_data or tensor.float_data or tensor.external_data:
            where = f"skeleton tensor {tensor.name!r}"
            raise PackageError(label, where, "already holds data; refined weights must not")
    if not tensors:
        raise PackageError(label, "skeleton", "has no float32 tensor to refine")
    return skeleton, tensors


def _check_layout(
    label: str,
    header: AdaptivePackageHeader,
    sections: dict[SectionKey, memoryview],
    layout: dict[SectionKey, int | None],
) -> None:
    present = set(sections)
    if present != set(layout):
        missing = sorted(f"{k.value}/{p}" for k, p in set(layout) - present)
        extra = sorted(f"{k.value}/{p}" for k, p in present - set(layout))
        raise PackageError(
            label, "sections", f"level {header.level} needs {missing} and has extra {extra}"
        )
    for key, size in layout.items():
        if size is not None and sections[key].nbytes != size:
            raise PackageError(
                label,
                f"section {key[0].value}/{key[1]}",
                f"holds {sections[key].nbytes} bytes, {size} expected",
            )


def _read_values(
    sections: dict[SectionKey, memoryview], kind: SectionKind, bits: int
) -> np.ndarray:
    dtype = code_dtype(bits)
    if dtype.itemsize == 1:
        return np.frombuffer(sections[(kind, 0)], np.int8)
    planes = [np.frombuffer(sections[(kind, p)], np.uint8) for p in range(dtype.itemsize)]
    return qz.from_planes(planes, np.dtype(np.int16))


def _exceptions(
    label: str, header: AdaptivePackageHeader, sections: dict[SectionKey, memoryview]
) -> tuple[np.ndarray, np.ndarray]:
    count = header.exceptions or 0
    if not count:
        return np.empty(0, np.uint32), np.empty(0, np.uint32)
    packed = np.frombuffer(sections[(SectionKind.EXCEPTIONS, 0)], "<u4").astype(np.uint32)
    where, bits = packed[:count], packed[count:]
    if where.size and int(where.max()) >= header.elements:
        raise PackageError(label, "section EXCEPTIONS/0", "an index is past the last weight")
    if not np.all(~np.isfinite(bits.view(np.float32))):
        raise PackageError(label, "section EXCEPTIONS/0", "holds a finite value")
    return where, bits
