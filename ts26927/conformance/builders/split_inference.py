"""Builders of split inference (5.2.3.2), detailed and basic: the UE's side against a
network IUT. The UE's requests carry the case's UE capabilities and service
requirements; whatever the IUT chose — its model and split point identifiers, its
configuration, its sub-model — is used as announced. The UE runs the sub-model the IUT
delivered on its media sample and frames the result in the documented intermediate data
unit format."""

from __future__ import annotations

from typing import Any

from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.unit import decode_unit, encode_unit
from ts26927.errors import Ts26927Error

from ..agreement import agreed, boundary, delivered_subset, model_truth
from ..context import CaseContext, IutDataFault
from ..fixtures.profiles import UE_CAPABILITIES
from .model_delivery import describe, service_and_ue
from .registry import Built, builder, sample


def _request(ctx: CaseContext) -> dict[str, Any]:
    return {"sessionId": "s-1", **service_and_ue(ctx)}


def _model_identifier(ctx: CaseContext) -> str:
    """The model the network identified (step 10 of the detailed flow, 3 of the basic)."""
    step = "10" if ctx.flow == "split-inference" else "3"
    return str(ctx.message(step)["modelIdentifier"])


@builder("split/session")
def _split_session(ctx: CaseContext) -> Built:
    """The session between the UE and the network is established (step 0)."""
    return {"sessionId": "s-1"}, {}


@builder("split/capabilities")
def _capabilities(ctx: CaseContext) -> Built:
    """The UE Application gets the UE's capabilities: the case's ueCapabilities fixture."""
    return UE_CAPABILITIES[ctx.fixture("ueCapabilities")][1], {}


@builder("split/request")
def _split_request(ctx: CaseContext) -> Built:
    """The UE asks the network to decide the split: the case's service requirements and UE
    capabilities, latency preferred."""
    return _request(ctx) | {"optimizationPreference": "LATENCY"}, {}


@builder("split/information-request")
def _information_request(ctx: CaseContext) -> Built:
    """The UE asks for the candidate split point configurations: the case's service requirements
    and UE capabilities."""
    return _request(ctx), {}


def _chosen(ctx: CaseContext) -> dict[str, Any]:
    """The UE selects the network's preferred candidate, else the first (step 5b)."""
    response = ctx.message("4b")
    preferred = response.get("preferredCandidate")
    for candidate in response["candidates"]:
        if candidate["configurationIdentifier"] == preferred:
            return dict(candidate)
    return dict(response["candidates"][0])


@builder("split/selection")
def _selection(ctx: CaseContext) -> Built:
    """The UE selects the network's preferred candidate (4b), else the first, exactly as offered."""
    return {"sessionId": "s-1", "selected": _chosen(ctx)}, {}


@builder("split/selection-tampered")
def _selection_tampered(ctx: CaseContext) -> Built:
    """The UE misbehaves: it selects a configuration the network never offered (another
    identifier, half the intermediate data size)."""
    selected = _chosen(ctx)
    offered = {c["configurationIdentifier"] for c in ctx.message("4b")["candidates"]}
    identifier = selected["configurationIdentifier"] + "-forged"
    while identifier in offered:
        identifier += "-x"
    selected["configurationIdentifier"] = identifier
    selected["intermediateDataSize"] = selected["intermediateDataSize"] / 2
    return {"sessionId": "s-1", "selected": selected}, {}


@builder("split/subset-session")
def _subset_session(ctx: CaseContext) -> Built:
    """The UE sets up the delivery session of its sub-model of the model the network identified."""
    return {
        "deliverySessionId": "d-2",
        "modelIdentifier": _model_identifier(ctx),
        "subset": "UE_SUBSET",
    }, {}


def _handover_of(ctx: CaseContext, step: str) -> Built:
    delivered = ctx.message(step)
    return {
        "modelIdentifier": delivered["modelIdentifier"],
        "sha256": delivered["sha256"],
        "subset": "UE_SUBSET",
    }, {}


@builder("split/handover")
def _subset_handover(ctx: CaseContext) -> Built:
    """The UE hands its sub-model (13) to its inference engine: identifier and digest."""
    return _handover_of(ctx, "13")


@builder("split/basic-handover")
def _basic_handover(ctx: CaseContext) -> Built:
    """The UE hands its sub-model (6) to its inference engine: identifier and digest."""
    return _handover_of(ctx, "6")


@builder("split/trigger")
def _split_trigger(ctx: CaseContext) -> Built:
    """The UE triggers split inference with the case's service requirements and UE capabilities."""
    return {"service": "SPLIT_INFERENCE", "sessionId": "s-1", **service_and_ue(ctx)}, {}


@builder("split/unit")
def _unit(ctx: CaseContext) -> Built:
    """The UE runs the sub-model it received on its sample and sends the encoded unit."""
    agreement = agreed(ctx)
    record, model = delivered_subset(ctx)
    names = list(agreement.cut.names)
    if set(boundary(ctx, model)) != set(names):
        raise IutDataFault(
            record.step,
            f"the UE's sub-model outputs {boundary(ctx, model)}, not the agreed {names}",
        )
    fixture = model_truth(ctx).fixture
    try:
        crossing = Runner(model, label="the UE's sub-model").run({fixture.input_name: sample(ctx)})
    except Ts26927Error as error:
        raise IutDataFault(record.step, f"the UE's sub-model does not run: {error}") from None
    unit = encode_unit(
        agreement.information, crossing, agreement.chain, split_point=agreement.point
    ).to_bytes()
    message = {
        "sequenceNumber": 0,
        "splitPointIdentifier": agreement.point.split_point_identifier,
        "size": len(unit),
        "compressionAlgorithms": [a.value for a in agreement.chain.algorithms],
    }
    return message, {"unit": unit}


@builder("split/unit-truncated")
def _unit_truncated(ctx: CaseContext) -> Built:
    """The UE misbehaves: the unit loses its last bytes on the way (the message announces
    the size of what arrives, so only the unit's own framing shows the loss)."""
    message, attachments = _unit(ctx)
    truncated = attachments["unit"][:-7]
    return {**message, "size": len(truncated)}, {"unit": truncated}


@builder("split/intermediate-session")
def _intermediate_session(ctx: CaseContext) -> Built:
    """The UE's Intermediate Data Access Function opens the session for what was agreed."""
    return {
        "sessionId": "i-1",
        "intermediateDataInformation": agreed(ctx).information.to_wire(),
    }, {}


@builder("split/ue-output")
def _ue_output(ctx: CaseContext) -> Built:
    """The UE runs the (second) sub-model it received on the unit the network sent."""
    step = "18a" if ctx.flow == "split-inference" else "11"
    _, model = delivered_subset(ctx)
    data = ctx.last(step, "IUT").attachments.get("unit")
    if data is None:
        raise IutDataFault(step, "no 'unit' attachment carries the intermediate data")
    try:
        tensors = decode_unit(data).tensors
        runner = Runner(model, label="the UE's sub-model")
        outputs = runner.run({n: tensors[n] for n in runner.inputs})
    except (Ts26927Error, KeyError) as error:
        raise IutDataFault(step, f"the UE cannot use the unit: {error}") from None
    return {"sequenceNumber": 0, "outputs": describe(outputs)}, {}
