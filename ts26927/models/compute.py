"""Frameworks and processing capabilities, shared by clauses 6.6.2, 6.6.3 and 6.6.5.

The TR writes processing capabilities as free text ("NPU 10TFLOPS, MEM 10GB"); here they
are structured: a processor kind, compute in FLOPS, complexity in MACs, memory in MB.
"""

from __future__ import annotations

from enum import StrEnum

from ts26927.models.base import TsModel, tr_field
from ts26927.models.extensible import extensible
from ts26927.models.units import NonNegativeFloat, Uinteger

#: A version as frameworks print it: "2.0", "1.15.0", "2.13.0", "1.25".
VERSION_PATTERN = r"^[0-9]+(\.[0-9]+){0,3}([-+][0-9A-Za-z.-]+)?$"


class FrameworkName(StrEnum):
    """AI frameworks and model formats (extensible)."""

    ONNX = "ONNX"
    PYTORCH = "PYTORCH"
    TENSORFLOW = "TENSORFLOW"
    TENSORFLOW_LITE = "TENSORFLOW_LITE"
    KERAS = "KERAS"
    JAX = "JAX"
    NUMPY = "NUMPY"
    NNEF = "NNEF"
    MPEG_NNC = "MPEG_NNC"
    ONNX_RUNTIME = "ONNX_RUNTIME"


FrameworkNameValue = extensible(FrameworkName)


class Framework(TsModel):
    """A framework or model format with its version, e.g. PyTorch 2.0 or ONNX 1.15.0."""

    name: FrameworkNameValue = tr_field(
        None, "Framework or format name.", examples=["PYTORCH", "ONNX"]
    )
    version: str = tr_field(
        None,
        "Version number as the framework prints it, without a leading 'v' "
        "(the TR's 'Tensor flow v2.13.0' is version 2.13.0).",
        examples=["2.0", "1.15.0"],
        pattern=VERSION_PATTERN,
        max_length=64,
    )


class ProcessorKind(StrEnum):
    """Kind of processing unit (extensible)."""

    CPU = "CPU"
    GPU = "GPU"
    NPU = "NPU"
    DSP = "DSP"
    TPU = "TPU"
    FPGA = "FPGA"


ProcessorKindValue = extensible(ProcessorKind)


class ProcessingUnit(TsModel):
    """One processing unit and its compute power, e.g. "NPU 10TFLOPS"."""

    kind: ProcessorKindValue = tr_field(None, "Kind of processing unit.", examples=["NPU"])
    compute_flops: NonNegativeFloat = tr_field(
        None,
        "Compute power in floating-point operations per second (the TR's FLOPS).",
        unit="FLOPS",
        examples=[1.0e13],
    )


class ModelProcessingCapabilities(TsModel):
    """Estimated processing a model needs (6.6.2 'Processing capabilities').

    TR: "computational power such as the computational cost (in FLOPS), the computational
    complexity (in MAC operations) ... the temporary memory to store model parameters".
    We read "computational cost (in FLOPS)" two ways and keep both: the processing unit and
    its FLOPS that the model is estimated to need ("NPU 10TFLOPS"), and the floating-point
    operation count of one inference.
    """

    processing_unit: ProcessingUnit | None = tr_field(
        None,
        "Processing unit and compute power the model is estimated to need.",
        default=None,
        examples=[{"kind": "NPU", "computeFlops": 1.0e13}],
    )
    computational_cost: NonNegativeFloat | None = tr_field(
        None,
        "Floating-point operations of one inference.",
        default=None,
        unit="FLOP per inference",
        examples=[3.6e9],
    )
    computational_complexity: Uinteger | None = tr_field(
        None,
        "Multiply-accumulate operations of one inference.",
        default=None,
        unit="MAC per inference",
        examples=[1800000000],
    )
    memory: NonNegativeFloat | None = tr_field(
        None,
        "Temporary memory to store the model parameters and run one inference.",
        default=None,
        unit="MB",
        examples=[10000],
    )


class ProcessingCapabilities(TsModel):
    """Processing resources available at an endpoint (6.6.5 'Processing capabilities')."""

    processing_units: list[ProcessingUnit] = tr_field(
        None,
        "Available processing units and their compute power.",
        min_length=1,
        max_length=64,
        examples=[[{"kind": "NPU", "computeFlops": 1.0e13}]],
    )
    memory: NonNegativeFloat = tr_field(
        None,
        "Memory available to store model parameters and perform the inference.",
        unit="MB",
        examples=[10000],
    )

    @property
    def total_compute_flops(self) -> float:
        """Sum of the compute power of all processing units."""
        return sum(unit.compute_flops for unit in self.processing_units)


__all__ = [
    "VERSION_PATTERN",
    "Framework",
    "FrameworkName",
    "ModelProcessingCapabilities",
    "ProcessingCapabilities",
    "ProcessingUnit",
    "ProcessorKind",
]
