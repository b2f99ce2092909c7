"""The records a split analysis produces: tensors that cross a cut, per-side costs, candidates.

They turn themselves into the clause 6.6.3 wire types (:class:`SplitPointInformation`,
:class:`IntermediateDataInformation`) and the 6.6.2 processing profile of one side.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ts26927.errors import SplitError
from ts26927.models.compute import Framework, FrameworkName, ModelProcessingCapabilities
from ts26927.models.intermediate_data import (
    CompressionAlgorithm,
    DataDirection,
    IntermediateDataInformation,
    IntermediateTensor,
)
from ts26927.models.split_model import SplitPointFlag, SplitPointInformation
from ts26927.models.tensors import ElementDataType
from ts26927.models.units import BYTES_PER_KB, BYTES_PER_MB

#: The tensor structure of intermediate data here (clause 6.6.3 'Tensor structure
#: information'): C-order little-endian numpy arrays, the runtime's own input type.
TENSOR_STRUCTURE = Framework(name=FrameworkName.NUMPY, version=np.__version__.split("+")[0])


def opt_sum(values: Iterable[int | None]) -> int | None:
    """Sum, or None as soon as one value is unknown."""
    total = 0
    for value in values:
        if value is None:
            return None
        total += value
    return total


def opt_max(a: int | None, b: int | None) -> int | None:
    """Maximum, or None when either value is unknown."""
    return None if a is None or b is None else max(a, b)


@dataclass(frozen=True)
class TensorFacts:
    """One value of the graph: inferred type, dims (with symbols), concrete shape, size."""

    name: str
    element: ElementDataType | None
    dims: tuple[int | str | None, ...] | None
    shape: tuple[int, ...] | None
    nbytes: int | None

    def intermediate(self) -> IntermediateTensor:
        """The clause 6.6.3 description; needs a known, non-empty shape and element type."""
        if self.element is None:
            raise SplitError(f"tensor {self.name!r}", "element type is unknown")
        if self.shape is None or any(d < 1 for d in self.shape):
            raise SplitError(
                f"tensor {self.name!r}",
                f"shape {self.dims} is not fully known or empty; bind its symbolic dimensions",
            )
        return IntermediateTensor(
            name=self.name, tensor_shape=list(self.shape), tensor_element_data_type=self.element
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "elementType": self.element.value if self.element else None,
            "dims": list(self.dims) if self.dims is not None else None,
            "shape": list(self.shape) if self.shape is not None else None,
            "bytes": self.nbytes,
        }


@dataclass(frozen=True)
class SideCost:
    """What one side (head, tail or the whole model) needs; None where not computable."""

    parameters: int | None
    parameter_bytes: int | None
    macs: int
    flops: int
    peak_activation_bytes: int | None
    """Largest set of tensors alive at one node boundary of this side (an estimate)."""

    @property
    def memory_bytes(self) -> int | None:
        """Parameters plus peak activations: the memory estimate of this side."""
        return opt_sum([self.parameter_bytes, self.peak_activation_bytes])

    def profile(self) -> ModelProcessingCapabilities:
        """The clause 6.6.2 processing capabilities this side is estimated to need."""
        memory = self.memory_bytes
        return ModelProcessingCapabilities(
            computational_cost=float(self.flops),
            computational_complexity=self.macs,
            memory=None if memory is None else memory / BYTES_PER_MB,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameters": self.parameters,
            "parameterBytes": self.parameter_bytes,
            "macs": self.macs,
            "flops": self.flops,
            "peakActivationBytes": self.peak_activation_bytes,
        }


@dataclass(frozen=True)
class SplitCandidate:
    """One candidate split point: the cut AFTER compute node ``number``."""

    number: int
    name: str
    op_type: str
    crossing: tuple[TensorFacts, ...]
    """Tensors the head hands over, in production order (the head's outputs)."""
    tail_inputs: tuple[str, ...]
    """The crossing tensors the tail consumes (a crossing graph output may not be one)."""
    head: SideCost
    tail: SideCost

    @property
    def identifier(self) -> str:
        return str(self.number)

    @property
    def size_bytes(self) -> int | None:
        return opt_sum(t.nbytes for t in self.crossing)

    @property
    def size_kb(self) -> float | None:
        size = self.size_bytes
        return None if size is None else size / BYTES_PER_KB

    def split_point_information(self) -> SplitPointInformation:
        return SplitPointInformation(
            split_point_identifier=self.identifier,
            split_point_number=self.number,
            split_point_name=self.name,
            split_point_flag=SplitPointFlag.AFTER,
            split_point_intermediate_data_size=self.size_kb,
        )

    def intermediate_data_information(
        self,
        direction: DataDirection,
        compression: list[CompressionAlgorithm | str] | None = None,
    ) -> IntermediateDataInformation:
        """The clause 6.6.3 intermediate data information of this cut."""
        return IntermediateDataInformation(
            tensor_structure_information=TENSOR_STRUCTURE,
            tensors=[t.intermediate() for t in self.crossing],
            data_direction=direction,
            compression_algorithms=compression,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "splitPointInformation": self.split_point_information().to_wire(),
            "opType": self.op_type,
            "tensors": [t.to_dict() for t in self.crossing],
            "head": self.head.to_dict(),
            "tail": self.tail.to_dict(),
        }
