"""AI model updates during the service (clause 5.2.2.1; 5.2.2.2.2 steps 11-12).

Triggers. The UE requests an update when the memory used by the AI media service exceeds a
share of its memory, when inference is slower than the service allows, or when its battery
runs low; the network may trigger one itself from the UE status it collected, or when the
bandwidth available to the UE allows a higher precision level.

Plans. For a trigger about the UE's resources the network selects again, among the
manifest's options, one that is *lighter* in what ran short (memory, or compute for speed
and power) and that fits the UE as its status now describes it: free memory plus what the
current model would release, compute scaled by the load other work leaves free. For a
precision trigger it plans the next update of the adaptive chain, if any.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from ts26927.engine.delivery.manifest import find_entry, path_to
from ts26927.engine.delivery.selection import (
    DeliveryOption,
    DeliverySelection,
    SelectionRequest,
    select,
)
from ts26927.models.compute import ProcessingCapabilities, ProcessingUnit
from ts26927.models.endpoint_capability import EndpointCapabilityInformation, EndpointType
from ts26927.models.messages.adaptive import ModelManifest, ModelVariant, PrecisionUpdateRequest
from ts26927.models.messages.common import ModelUpdateRequest, UeStatus, UpdateCause


@dataclass(frozen=True)
class UpdateThresholds:
    memory_share: float = 0.9
    """Memory used by the service above this share of the UE's memory triggers an update."""
    latency_ratio: float = 1.0
    """Measured inference latency above this ratio of the service's maximum triggers one."""
    battery_level: float = 15.0
    """Battery level (%) below which one is triggered."""

    def __post_init__(self) -> None:
        if not 0 < self.memory_share <= 1 or self.latency_ratio <= 0:
            raise ValueError("memory_share must be in (0, 1] and latency_ratio positive")
        if not 0 <= self.battery_level <= 100:
            raise ValueError("battery_level must be a percentage")


def check_status(
    status: UeStatus,
    request: SelectionRequest,
    *,
    model: str,
    variant: str | None = None,
    initiator: EndpointType = EndpointType.UE,
    thresholds: UpdateThresholds | None = None,
) -> ModelUpdateRequest | None:
    """The update request a UE status calls for (memory, then speed, then power), or None.

    The UE runs this on its own status; the network runs it on the status it collected
    (``initiator`` NETWORK).
    """
    limits = thresholds or UpdateThresholds()
    cause: UpdateCause | None = None
    capabilities = request.ue.processing_capabilities
    maximum = request.service.maximum_service_inference_latency
    if (
        status.memory_usage is not None
        and capabilities is not None
        and status.memory_usage > limits.memory_share * capabilities.memory
    ):
        cause = UpdateCause.UE_MEMORY
    elif (
        status.inference_latency is not None
        and maximum is not None
        and status.inference_latency > limits.latency_ratio * maximum
    ):
        cause = UpdateCause.UE_PERFORMANCE
    elif status.battery_level is not None and status.battery_level < limits.battery_level:
        cause = UpdateCause.UE_POWER
    if cause is None:
        return None
    return ModelUpdateRequest(
        model_identifier=model,
        variant_identifier=variant,
        initiator=initiator,
        cause=cause,
        ue_status=status,
    )


class PlanKind(StrEnum):
    SWITCH_MODEL = "SWITCH_MODEL"
    PRECISION_UPDATE = "PRECISION_UPDATE"
    NONE = "NONE"


@dataclass(frozen=True)
class UpdatePlan:
    kind: PlanKind
    reason: str
    option: DeliveryOption | None = None
    """For a model switch: what to deliver instead."""
    precision_update: PrecisionUpdateRequest | None = None
    """For a precision update: the step 11 request."""
    selection: DeliverySelection | None = None
    """The selection the plan came from (with its rejections)."""


def plan_update(
    manifest: ModelManifest, update: ModelUpdateRequest, request: SelectionRequest
) -> UpdatePlan:
    """What to deliver for ``update``, given the manifest and the service's request."""
    entry = find_entry(manifest, update.model_identifier)
    current_id = update.variant_identifier or entry.variants[0].variant_identifier
    current = path_to(entry, current_id)
    if update.cause in (UpdateCause.PRECISION, UpdateCause.NETWORK_CONDITIONS):
        return _precision(update.model_identifier, current_id, current.later)
    information = entry.ai_model_information
    processing = information.processing_capabilities
    memory = processing.memory if processing else None
    cost = processing.computational_cost if processing else None
    adjusted = replace(request, ue=_as_now(request.ue, update.ue_status, memory))
    selection = select(manifest, adjusted)
    lighter = [c for c in selection.candidates if _lighter(c, update.cause, memory, cost)]
    if not lighter:
        return UpdatePlan(
            PlanKind.NONE,
            f"no option lighter than {update.model_identifier} fits the UE now",
            selection=selection,
        )
    chosen = lighter[0]
    return UpdatePlan(
        PlanKind.SWITCH_MODEL,
        f"{update.cause}: {chosen.model_identifier} ({chosen.variant_identifier}) fits the UE now",
        option=chosen,
        selection=selection,
    )


def _precision(model: str, current: str, later: tuple[ModelVariant, ...]) -> UpdatePlan:
    if not later:
        return UpdatePlan(PlanKind.NONE, f"{current} has no further update")
    request = PrecisionUpdateRequest(
        model_identifier=model, from_variant=current, to_variant=later[0].variant_identifier
    )
    return UpdatePlan(
        PlanKind.PRECISION_UPDATE,
        f"next precision level: {later[0].precision.value}",
        precision_update=request,
    )


def _lighter(option: DeliveryOption, cause: str, memory: float | None, cost: float | None) -> bool:
    processing = option.path.entry.ai_model_information.processing_capabilities
    if cause == UpdateCause.UE_MEMORY:
        return memory is None or (option.memory_mb is not None and option.memory_mb < memory)
    mine = processing.computational_cost if processing else None
    return cost is None or (mine is not None and mine < cost)


def _as_now(
    ue: EndpointCapabilityInformation, status: UeStatus | None, current_memory: float | None
) -> EndpointCapabilityInformation:
    """The UE's capabilities as its status describes them now."""
    capabilities = ue.processing_capabilities
    if status is None or capabilities is None:
        return ue
    memory = capabilities.memory
    if status.available_memory is not None:
        memory = status.available_memory + (current_memory or 0.0)
    units = capabilities.processing_units
    if status.cpu_load is not None:
        free = max(0.0, 1.0 - status.cpu_load / 100.0)
        units = [ProcessingUnit(kind=u.kind, compute_flops=u.compute_flops * free) for u in units]
    now = ProcessingCapabilities(processing_units=units, memory=min(memory, capabilities.memory))
    return ue.model_copy(update={"processing_capabilities": now})
