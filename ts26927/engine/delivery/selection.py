"""Model selection for delivery (5.2.2.1; 5.2.2.2.1 step 2; 5.2.2.2.2 step 2).

Every variant of every manifest entry is an option: the UE downloads the path from the
variant's root up to it, runs it, and may apply the updates that follow later. Each option
is checked, in this order, against the UE's frameworks (format and version), its memory,
the service's minimum accuracy and maximum latency; an option failing any is rejected with
every failed constraint, the others are ranked by the preference. Works on the manifest
alone, so the UE application (adaptive delivery) and the network application (generic
delivery) select the same way. Deterministic: ties fall back to the identifiers.

Estimates (as the split selection makes them): inference = the model's FLOPs / the UE's
FLOPS; download = the initial bytes / the available bit rate. When the service starts with
a download, the latency of its first result counts the download.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ts26927.engine.delivery.manifest import VariantPath, paths
from ts26927.errors import DeliverySelectionError
from ts26927.models.compute import Framework, FrameworkName
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.messages.adaptive import AdaptiveModelRequest, ManifestEntry, ModelManifest
from ts26927.models.messages.common import ModelSelection
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.units import BYTES_PER_MB


class Preference(StrEnum):
    ACCURACY = "ACCURACY"
    """Most accurate first, then the fastest first result."""
    STARTUP = "STARTUP"
    """Fastest first result (download included when the service starts with one) first."""


class DeliveryConstraint(StrEnum):
    FRAMEWORK = "FRAMEWORK"
    """The UE does not support the model's format, or not its version."""
    MEMORY = "MEMORY"
    """The model needs more memory than the UE has, or its need is unknown."""
    ACCURACY = "ACCURACY"
    """Accuracy below the service's minimum, or unknown while one is required."""
    LATENCY = "LATENCY"
    """Estimated latency above the service's maximum, or not estimable while one is set."""


@dataclass(frozen=True)
class SelectionRequest:
    ue: EndpointCapabilityInformation
    service: ServiceRequirementInformation
    bandwidth_bps: float | None = None
    """Bit rate available for the download now; None: the UE's connection capabilities."""
    starts_with_download: bool = False
    preference: Preference = Preference.ACCURACY
    adaptive: bool | None = None
    """True: adaptive options only; False: model files only; None: both."""
    roots_only: bool = False
    """Only variants usable on their own: the first download is a single package."""

    @property
    def bit_rate(self) -> float | None:
        if self.bandwidth_bps is not None:
            if not (math.isfinite(self.bandwidth_bps) and self.bandwidth_bps > 0):
                raise DeliverySelectionError("bandwidth", "must be a positive number of bit/s")
            return self.bandwidth_bps
        declared = self.ue.connection_capabilities
        return declared.bps if declared is not None and declared.bps > 0 else None


@dataclass(frozen=True)
class DeliveryOption:
    """One way to deliver a model: its path and what it is estimated to cost."""

    path: VariantPath
    initial_bytes: int
    download_ms: float | None
    inference_ms: float | None
    startup_ms: float | None
    """Latency of the first result: inference, plus the download if the service starts
    with it."""
    accuracy: float | None
    final_accuracy: float | None
    """Accuracy once every later update is applied."""
    memory_mb: float | None

    @property
    def model_identifier(self) -> str:
        return self.path.model_identifier

    @property
    def variant_identifier(self) -> str:
        return self.path.variant.variant_identifier

    @property
    def adaptive(self) -> bool:
        return len(self.path.steps) > 1 or bool(self.path.later)

    def selection(self) -> ModelSelection:
        """The step 2 message of 5.2.2.2.1."""
        return ModelSelection(
            model_identifier=self.model_identifier,
            ai_model_information=self.path.entry.ai_model_information,
            variant_identifier=self.variant_identifier,
        )

    def request(self) -> AdaptiveModelRequest:
        """The step 3 message of 5.2.2.2.2."""
        return AdaptiveModelRequest(
            model_identifier=self.model_identifier, variant_identifier=self.variant_identifier
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "modelIdentifier": self.model_identifier,
            "variantIdentifier": self.variant_identifier,
            "download": [v.variant_identifier for v in self.path.steps],
            "laterUpdates": [v.variant_identifier for v in self.path.later],
            "initialBytes": self.initial_bytes,
            "downloadMs": self.download_ms,
            "inferenceMs": self.inference_ms,
            "startupMs": self.startup_ms,
            "accuracy": self.accuracy,
            "finalAccuracy": self.final_accuracy,
            "memoryMb": self.memory_mb,
        }


@dataclass(frozen=True)
class Failure:
    constraint: DeliveryConstraint
    detail: str


@dataclass(frozen=True)
class Rejection:
    option: DeliveryOption
    failures: tuple[Failure, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "modelIdentifier": self.option.model_identifier,
            "variantIdentifier": self.option.variant_identifier,
            "failed": [
                {"constraint": f.constraint.value, "detail": f.detail} for f in self.failures
            ],
        }


@dataclass(frozen=True)
class DeliverySelection:
    selected: DeliveryOption | None
    candidates: list[DeliveryOption] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "selected": None if self.selected is None else self.selected.to_dict(),
            "candidates": [c.to_dict() for c in self.candidates],
            "rejected": [r.to_dict() for r in self.rejected],
        }


def select(manifest: ModelManifest, request: SelectionRequest) -> DeliverySelection:
    """Every option checked; the best one selected (None when all are rejected)."""
    rate = request.bit_rate
    matched: list[DeliveryOption] = []
    rejected: list[Rejection] = []
    for entry in manifest.models:
        for path in paths(entry):
            option = _estimate(path, request, rate)
            if request.adaptive is not None and option.adaptive != request.adaptive:
                continue
            if request.roots_only and len(path.steps) > 1:
                continue
            failures = _failures(entry, option, request)
            if failures:
                rejected.append(Rejection(option, tuple(failures)))
            else:
                matched.append(option)
    ranked = rank(matched, request.preference)
    return DeliverySelection(ranked[0] if ranked else None, ranked, rejected)


def rank(options: list[DeliveryOption], preference: Preference) -> list[DeliveryOption]:
    def key(option: DeliveryOption) -> tuple[float | int | str, ...]:
        accuracy = -(option.accuracy if option.accuracy is not None else -1.0)
        startup = option.startup_ms if option.startup_ms is not None else math.inf
        first = (accuracy, startup) if preference is Preference.ACCURACY else (startup, accuracy)
        return (*first, option.initial_bytes, option.model_identifier, option.variant_identifier)

    return sorted(options, key=key)


def _estimate(path: VariantPath, request: SelectionRequest, rate: float | None) -> DeliveryOption:
    information = path.entry.ai_model_information
    processing = information.processing_capabilities
    initial = sum(round(v.model_size * BYTES_PER_MB) for v in path.steps)
    download = None if rate is None else 8.0 * initial / rate * 1000.0
    ue = request.ue.processing_capabilities
    cost = processing.computational_cost if processing else None
    compute = ue.total_compute_flops if ue else 0.0
    inference = cost / compute * 1000.0 if cost is not None and compute > 0 else None
    startup = inference
    if request.starts_with_download:
        startup = None if inference is None or download is None else inference + download
    last = path.later[-1] if path.later else path.variant
    return DeliveryOption(
        path=path,
        initial_bytes=initial,
        download_ms=download,
        inference_ms=inference,
        startup_ms=startup,
        accuracy=path.variant.accuracy,
        final_accuracy=last.accuracy,
        memory_mb=processing.memory if processing else None,
    )


def _failures(
    entry: ManifestEntry,
    option: DeliveryOption,
    request: SelectionRequest,
) -> list[Failure]:
    failed: list[Failure] = []

    def fail(constraint: DeliveryConstraint, detail: str) -> None:
        failed.append(Failure(constraint, detail))

    formats = entry.ai_model_information.format_framework
    supported = request.ue.supported_ai_frameworks
    if formats and supported is not None and not _supports(supported, formats[0]):
        need = f"{formats[0].name} {formats[0].version}"
        fail(DeliveryConstraint.FRAMEWORK, f"the UE does not support {need}")
    capabilities = request.ue.processing_capabilities
    if capabilities is not None:
        if option.memory_mb is None:
            fail(DeliveryConstraint.MEMORY, "the model's memory need is unknown")
        elif option.memory_mb > capabilities.memory:
            fail(
                DeliveryConstraint.MEMORY,
                f"needs {option.memory_mb:.3f} MB > available {capabilities.memory:g} MB",
            )
    minimum = request.service.minimum_service_inference_accuracy
    if minimum is not None:
        if option.accuracy is None:
            fail(DeliveryConstraint.ACCURACY, f"accuracy is not known (minimum {minimum:g} %)")
        elif option.accuracy < minimum:
            fail(
                DeliveryConstraint.ACCURACY,
                f"accuracy {option.accuracy:.2f} % < minimum {minimum:g} %",
            )
    maximum = request.service.maximum_service_inference_latency
    if maximum is not None:
        if option.startup_ms is None:
            missing = "UE compute" if option.inference_ms is None else "available bandwidth"
            fail(DeliveryConstraint.LATENCY, f"latency not estimable: {missing} not declared")
        elif option.startup_ms > maximum:
            what = "download and inference" if request.starts_with_download else "inference"
            fail(
                DeliveryConstraint.LATENCY,
                f"estimated {what} {option.startup_ms:.3f} ms > maximum {maximum:g} ms",
            )
    return failed


def _supports(supported: list[Framework], required: Framework) -> bool:
    for framework in supported:
        if framework.name == required.name:
            if _version(framework.version) >= _version(required.version):
                return True
        elif required.name == FrameworkName.ONNX and framework.name == FrameworkName.ONNX_RUNTIME:
            return True  # a runtime's own versions do not map onto ONNX releases
    return False


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text.split("-")[0].split("+")[0]))
