from __future__ import annotations

import pytest

from tests.engine.delivery.manifests import entry, manifest
from tests.engine.delivery.test_selection import service, ue
from ts26927.engine.delivery.selection import SelectionRequest
from ts26927.engine.delivery.updates import (
    PlanKind,
    UpdateThresholds,
    check_status,
    plan_update,
)
from ts26927.models.endpoint_capability import EndpointType
from ts26927.models.messages.common import ModelUpdateRequest, UeStatus, UpdateCause

REQUEST = SelectionRequest(ue=ue(), service=service(maximumServiceInferenceLatency=50))
# Same task, two sizes: "large" needs 60 MB and 4 GFLOP (40 ms on the UE), "small" 20 MB, 1 GFLOP.
MODELS = manifest(
    entry("large", memory=60, flops=4e9, accuracy=90),
    entry("small", memory=20, flops=1e9, accuracy=85),
)


def _status(**values: float) -> UeStatus:
    return UeStatus.model_validate(values)


@pytest.mark.parametrize(
    ("status", "cause"),
    [
        (_status(memoryUsage=95), UpdateCause.UE_MEMORY),
        (_status(memoryUsage=50, inferenceLatency=80), UpdateCause.UE_PERFORMANCE),
        (_status(batteryLevel=10), UpdateCause.UE_POWER),
        (_status(memoryUsage=50, inferenceLatency=40, batteryLevel=80), None),
    ],
)
def test_the_ue_status_triggers_the_right_update(
    status: UeStatus, cause: UpdateCause | None
) -> None:
    request = check_status(status, REQUEST, model="large", variant="large-full")
    if cause is None:
        assert request is None
        return
    assert request is not None and request.cause is cause
    assert request.initiator is EndpointType.UE and request.ue_status == status
    assert ModelUpdateRequest.from_wire(request.to_wire()) == request


def test_thresholds_are_configurable_and_checked() -> None:
    strict = UpdateThresholds(memory_share=0.5)
    assert check_status(_status(memoryUsage=60), REQUEST, model="m", thresholds=strict)
    assert check_status(_status(memoryUsage=60), REQUEST, model="m") is None
    for bad in ({"memory_share": 0}, {"latency_ratio": 0}, {"battery_level": 101}):
        with pytest.raises(ValueError):
            UpdateThresholds(**bad)


def test_a_memory_trigger_switches_to_a_lighter_model_that_fits_now() -> None:
    status = _status(memoryUsage=95, availableMemory=5)
    update = check_status(status, REQUEST, model="large", variant="large-full")
    assert update is not None
    plan = plan_update(MODELS, update, REQUEST)
    assert plan.kind is PlanKind.SWITCH_MODEL
    assert plan.option is not None and plan.option.model_identifier == "small"
    # A lighter model that misses the service's accuracy is no way out.
    demanding = SelectionRequest(ue=ue(), service=service(minimumServiceInferenceAccuracy=88))
    stuck = plan_update(MODELS, update, demanding)
    assert stuck.kind is PlanKind.NONE and stuck.option is None
    assert "no option lighter than large" in stuck.reason


def test_a_network_triggered_update_uses_the_status_it_collected() -> None:
    # The UE is busy: only 30 % of its compute is free, so "large" would take 133 ms.
    status = _status(cpuLoad=70, inferenceLatency=120)
    update = check_status(status, REQUEST, model="large", initiator=EndpointType.NETWORK)
    assert update is not None and update.initiator is EndpointType.NETWORK
    assert update.cause is UpdateCause.UE_PERFORMANCE
    plan = plan_update(MODELS, update, REQUEST)
    assert plan.option is not None and plan.option.model_identifier == "small"
    assert plan.option.inference_ms == pytest.approx(1e9 / (1e11 * 0.3) * 1000)
    assert plan.selection is not None
    assert any(r.option.model_identifier == "large" for r in plan.selection.rejected)


def test_precision_updates_follow_the_chain_to_its_end() -> None:
    update = ModelUpdateRequest(
        model_identifier="large",
        variant_identifier="large-int8",
        initiator=EndpointType.NETWORK,
        cause=UpdateCause.NETWORK_CONDITIONS,
    )
    plan = plan_update(MODELS, update, REQUEST)
    assert plan.kind is PlanKind.PRECISION_UPDATE and plan.precision_update is not None
    assert plan.precision_update.to_variant == "large-int16"
    last = update.model_copy(update={"variant_identifier": "large-fp32"})
    assert plan_update(MODELS, last, REQUEST).kind is PlanKind.NONE
