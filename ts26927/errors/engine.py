"""Errors of the split inference engine: models, splits, inference, codecs, selection."""

from __future__ import annotations

from ts26927.errors.base import Ts26927Error


class EngineError(Ts26927Error):
    """Base of the errors the reference engine raises for bad models, data or requests."""


class ModelLoadError(EngineError, ValueError):
    """A model that could not be read as ONNX at all (unreadable; not ONNX or empty: see
    :class:`MalformedModelError`)."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class MalformedModelError(ModelLoadError):
    """Bytes that were read but are not an ONNX model: the input is wrong, not the way it
    was asked for."""


class ModelCheckError(EngineError, ValueError):
    """An ONNX model that the ONNX checker (or our graph checks) refused."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: model is not valid ONNX: {reason}")


class ExternalDataError(EngineError, ValueError):
    """A tensor whose external data is missing, out of bounds or outside the model's folder."""

    def __init__(self, source: str, tensor: str, location: str, reason: str) -> None:
        self.source = source
        self.tensor = tensor
        self.location = location
        self.reason = reason
        super().__init__(f"{source}: external data of tensor {tensor!r} at {location!r}: {reason}")


class ModelSizeError(EngineError, ValueError):
    """A declared size (file, tensor, dimension) beyond the configured limit or inconsistent."""

    def __init__(self, source: str, what: str, reason: str) -> None:
        self.source = source
        self.what = what
        self.reason = reason
        super().__init__(f"{source}: {what}: {reason}")


class ShapeInferenceError(EngineError, ValueError):
    """ONNX shape inference refused the model, or a needed shape stayed unknown."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"shape inference failed at {where}: {reason}")


class SplitError(EngineError, ValueError):
    """A model or split point that cannot be split as asked."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


class UnknownSplitPointError(SplitError, LookupError):
    """A split point identifier, number or name that the analysed model does not have."""

    def __init__(self, model: str, split_point: str, count: int) -> None:
        self.model = model
        self.split_point = split_point
        self.count = count
        known = f"identifiers 1..{count}" if count else "none"
        super().__init__(model, f"unknown split point {split_point!r}; split points: {known}")


class UnknownModelError(EngineError, LookupError):
    """A name that is neither a readable file nor an embedded model."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(
            f"{name!r} is neither a model file nor an embedded model; embedded models: "
            f"{', '.join(known)}"
        )


class InferenceError(EngineError, RuntimeError):
    """The runtime refused a (sub-)model or failed while running it."""

    def __init__(self, model: str, reason: str) -> None:
        self.model = model
        self.reason = reason
        super().__init__(f"{model}: inference failed: {reason}")


class InferenceInputError(EngineError, ValueError):
    """Inputs that do not match what a (sub-)model takes (missing, extra, wrong type)."""

    def __init__(self, model: str, tensor: str, reason: str) -> None:
        self.model = model
        self.tensor = tensor
        self.reason = reason
        super().__init__(f"{model}: input {tensor!r}: {reason}")


class CodecError(EngineError, ValueError):
    """Base of the codec errors: a chain that is malformed, unsupported or cannot apply."""


class CodecChainError(CodecError):
    """A codec chain that is not well formed (e.g. ``ZSTD+INT8`` or ``NONE+SNAPPY``)."""

    def __init__(self, chain: str, reason: str) -> None:
        self.chain = chain
        self.reason = reason
        super().__init__(f"codec chain {chain!r}: {reason}")


class CodecNotSupportedError(CodecError):
    """A declared compression algorithm that this implementation does not provide."""

    def __init__(self, algorithm: str, where: str) -> None:
        self.algorithm = algorithm
        self.where = where
        super().__init__(
            f"{where}: compression algorithm {algorithm} is not supported by this implementation"
        )


class CodecRangeError(CodecError):
    """A tensor whose values the chosen precision reduction cannot represent."""

    def __init__(self, tensor: str, algorithm: str, reason: str) -> None:
        self.tensor = tensor
        self.algorithm = algorithm
        self.reason = reason
        super().__init__(f"tensor {tensor!r}: cannot apply {algorithm}: {reason}")


class IntermediateDataError(EngineError, ValueError):
    """An intermediate data unit that is malformed, truncated or inconsistent with itself."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"intermediate data unit, {where}: {reason}")


class DecompressionLimitError(IntermediateDataError):
    """A unit whose tensors would decode to more bytes than the configured limit."""

    def __init__(self, where: str, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(
            where, f"would decode to {size} bytes, more than the limit of {limit} bytes"
        )


class SelectionError(EngineError, ValueError):
    """Split selection inputs that do not fit together (e.g. no candidate split points)."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"split selection, {where}: {reason}")
