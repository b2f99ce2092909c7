"""Builders of generic model delivery (5.2.2.2.1), both ways: the UE's side against a
network IUT (trigger, delivery session, handover, media, inference output), and the
network's side against a UE IUT (selection, identification, delivery, or a delivery
altered in transit on purpose)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.onnxtools.dtypes import describe_arrays
from ts26927.engine.onnxtools.loading import load_model
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.errors import Ts26927Error

from ..context import CaseContext, IutDataFault
from ..fixtures.models import model_fixture
from ..fixtures.profiles import SERVICE_REQUIREMENTS, UE_CAPABILITIES
from .registry import Built, builder, sample


def service_and_ue(ctx: CaseContext) -> dict[str, Any]:
    """The trigger's service requirements and UE capabilities: the case's fixtures."""
    return {
        "serviceRequirementInformation": SERVICE_REQUIREMENTS[ctx.fixture("serviceRequirements")][
            1
        ],
        "ueCapabilityInformation": UE_CAPABILITIES[ctx.fixture("ueCapabilities")][1],
    }


def describe(arrays: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    """Clause 6.6.3 descriptions of tensors (the values stay with the UE)."""
    return [t.to_wire() for t in describe_arrays(arrays)]


def run_delivered(ctx: CaseContext, step: str, what: str) -> dict[str, np.ndarray]:
    """The UE runs the model the IUT delivered at ``step`` on its media sample."""
    record = ctx.last(step, "IUT")
    data = record.attachments.get("model")
    if data is None:
        raise IutDataFault(step, f"no 'model' attachment carries the {what}")
    try:
        runner = Runner(load_model(data), label=what)
        fixture = model_fixture(str(ctx.params["model"]))
        if list(runner.inputs) != [fixture.input_name]:
            raise IutDataFault(
                step,
                f"the {what} takes {list(runner.inputs)}; the media is "
                f"{fixture.input_name!r} of model {fixture.name}",
            )
        return runner.run({fixture.input_name: sample(ctx)})
    except Ts26927Error as error:
        raise IutDataFault(step, f"the {what} does not run: {error}") from None


# -- the UE's side, against a network IUT ------------------------------------------------
@builder("model-delivery/trigger")
def _trigger(ctx: CaseContext) -> Built:
    """The UE triggers model delivery with the case's service requirements and UE capabilities."""
    return {"service": "MODEL_DELIVERY", "sessionId": "s-1", **service_and_ue(ctx)}, {}


@builder("model-delivery/session")
def _session(ctx: CaseContext) -> Built:
    """The UE sets up a delivery session for the model the network selected (2), from
    resumeFromOffset when the preamble says."""
    selected = ctx.message("2")["modelIdentifier"]
    offset = ctx.params.get("resumeFromOffset")
    message = {"deliverySessionId": "d-1", "modelIdentifier": selected}
    return (message | ({"resumeFromOffset": offset} if offset is not None else {})), {}


@builder("model-delivery/handover")
def _handover(ctx: CaseContext) -> Built:
    """The UE hands the model it received (5) to its inference engine: identifier and digest."""
    delivered = ctx.message("5")
    return {"modelIdentifier": delivered["modelIdentifier"], "sha256": delivered["sha256"]}, {}


@builder("media")
def _media(ctx: CaseContext) -> Built:
    """The Data Source passes one media sample (described; the values stay in the UE)."""
    fixture = model_fixture(str(ctx.params["model"]))
    return {"sequenceNumber": 0, "inputs": describe({fixture.input_name: sample(ctx)})}, {}


@builder("model-delivery/output")
def _delivered_output(ctx: CaseContext) -> Built:
    """The UE runs the delivered model on its media sample; the outputs are described."""
    return {
        "sequenceNumber": 0,
        "outputs": describe(run_delivered(ctx, "5", "delivered model")),
    }, {}


# -- the network's side, against a UE IUT ------------------------------------------------
def _model(ctx: CaseContext) -> tuple[str, bytes]:
    fixture = model_fixture(str(ctx.params["model"]))
    return fixture.name, fixture.data


@builder("network/selection")
def _net_selection(ctx: CaseContext) -> Built:
    """The network (test system) selects the preamble's model fixture and describes it."""
    name, data = _model(ctx)
    info = {
        "modelIdentifier": name,
        "modelSize": len(data) / 1e6,
        "formatFramework": [{"name": "ONNX", "version": "1.16"}],
    }
    return {"modelIdentifier": name, "aiModelInformation": info}, {}


@builder("network/identification")
def _net_identification(ctx: CaseContext) -> Built:
    """The network identifies the selected model in its repository."""
    return {"modelIdentifier": _model(ctx)[0]}, {}


@builder("network/delivery")
def _net_delivery(ctx: CaseContext) -> Built:
    """The network delivers the model fixture's bytes, with their size and SHA-256."""
    name, data = _model(ctx)
    return {"modelIdentifier": name, "size": len(data), "sha256": sha256(data)}, {"model": data}


@builder("network/delivery-corrupt")
def _net_delivery_corrupt(ctx: CaseContext) -> Built:
    """The network misbehaves: one byte of the model changes in transit."""
    message, attachments = _net_delivery(ctx)
    data = bytearray(attachments["model"])
    data[len(data) // 2] ^= 0x01
    return message, {"model": bytes(data)}
