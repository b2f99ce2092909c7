"""Limits that bound what the engine will read, allocate or decode from untrusted input.

Every size a model file or an intermediate data unit *declares* is checked against these
before anything of that size is read or allocated, so a hostile input costs at most a
refusal. The defaults suit the embedded models with a wide margin; callers may tighten them.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Protocol Buffers cannot serialize a message above 2 GiB, so neither can an ONNX file.
PROTOBUF_LIMIT = 2**31 - 1


@dataclass(frozen=True)
class ModelLimits:
    """Bounds for loading and analysing a model."""

    max_model_bytes: int = PROTOBUF_LIMIT
    """Largest model file (the protobuf part) read into memory."""
    max_external_bytes: int = 8 * 10**9
    """Largest total of external tensor data loaded from the model's folder."""
    max_tensor_bytes: int = 4 * 10**9
    """Largest single tensor, declared (initializer) or inferred (activation)."""

    def __post_init__(self) -> None:
        for name in ("max_model_bytes", "max_external_bytes", "max_tensor_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")


@dataclass(frozen=True)
class UnitLimits:
    """Bounds for decoding one intermediate data unit."""

    max_header_bytes: int = 1 << 20
    """Largest JSON header."""
    max_decoded_bytes: int = 512 * 10**6
    """Largest total size of the decoded tensors of one unit (the decompression limit)."""

    def __post_init__(self) -> None:
        for name in ("max_header_bytes", "max_decoded_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
