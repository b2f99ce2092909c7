"""Builders of the split AI/ML operation procedure (5.3.5): the Media Application
Provider's provisioning, and the UE's Media Session Handler, Media-aware Application and
Media Client — capabilities, the split request, the data pipelines, intermediate data, a
split point update to another split point the network negotiated, status reports."""

from __future__ import annotations

from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.unit import encode_unit
from ts26927.errors import Ts26927Error
from ts26927.models.intermediate_data import IntermediateDataInformation
from ts26927.models.split_model import SplitPointInformation

from ..agreement import agreed, boundary, delivered_subset, model_truth
from ..context import CaseContext, CaseInconclusive, IutDataFault
from ..fixtures.models import model_fixture
from ..fixtures.profiles import UE_CAPABILITIES
from ..truth import Cut, NotACut
from .registry import Built, builder, sample


def _ue(ctx: CaseContext) -> dict:
    return UE_CAPABILITIES[ctx.fixture("ueCapabilities")][1]


def _model_identifier(ctx: CaseContext) -> str:
    """The model as the network's service access information (2) lists it."""
    models = ctx.message("2").get("aiModels") or [{}]
    return str(models[0].get("modelIdentifier", ctx.params["model"]))


@builder("operation/capabilities")
def _capabilities(ctx: CaseContext) -> Built:
    """The Media Session Handler reports the UE's capabilities (the case's fixture)."""
    return {
        "capabilityInformation": _ue(ctx),
        "inferenceLatencyRange": {"minimum": 2, "maximum": 40},
    }, {}


@builder("operation/request")
def _request(ctx: CaseContext) -> Built:
    """The UE requests split inference of the model the service access information lists."""
    return {"modelIdentifier": _model_identifier(ctx)}, {}


@builder("operation/notify")
def _notify(ctx: CaseContext) -> Built:
    """The Media-aware Application is notified of the split the network acknowledged (6)."""
    return ctx.message("6"), {}


@builder("operation/delivery-request")
def _delivery(ctx: CaseContext) -> Built:
    """The UE requests the start of a delivery at the access location the network gave (6)."""
    return {
        "accessLocation": ctx.message("6")["accessLocation"],
        "modelIdentifier": _model_identifier(ctx),
    }, {}


@builder("operation/inference-start")
def _start(ctx: CaseContext) -> Built:
    """The UE starts its inference at the agreed split point."""
    point = agreed(ctx).point
    return {
        "modelIdentifier": _model_identifier(ctx),
        "splitPointIdentifier": point.split_point_identifier,
    }, {}


@builder("operation/unit")
def _unit(ctx: CaseContext) -> Built:
    """The UE runs its sub-model — the one delivered at step 10 while the split point is
    the acknowledged one, the suite's own cut of the model after an update — on its
    sample and sends the unit."""
    agreement = agreed(ctx)
    record, model = delivered_subset(ctx)
    if set(boundary(ctx, model)) != set(agreement.cut.names):
        model = agreement.cut.first_model
    fixture = model_fixture(str(ctx.params["model"]))
    try:
        crossing = Runner(model, label="the UE's sub-model").run({fixture.input_name: sample(ctx)})
    except Ts26927Error as error:
        raise IutDataFault(record.step, f"the UE's sub-model does not run: {error}") from None
    unit = encode_unit(
        agreement.information, crossing, agreement.chain, split_point=agreement.point
    ).to_bytes()
    return {
        "sequenceNumber": 0,
        "splitPointIdentifier": agreement.point.split_point_identifier,
        "size": len(unit),
        "compressionAlgorithms": [a.value for a in agreement.chain.algorithms],
    }, {"unit": unit}


def _another_point(ctx: CaseContext) -> tuple[dict, dict, Cut]:
    """Another split point of the set the network negotiated (step 5), found in the model by
    its node name and flag, with its intermediate data information."""
    current = agreed(ctx)
    truth_ = model_truth(ctx)
    for point in ctx.message("5").get("splitPoints", []):
        if point["splitPointIdentifier"] == current.point.split_point_identifier:
            continue
        name = point.get("splitPointName")
        if not name:
            continue
        try:
            cut = truth_.cut_at_node(name, point.get("splitPointFlag", "AFTER"))
        except NotACut:
            continue
        information = {**current.information.to_wire(), "tensors": [t.wire() for t in cut.crossing]}
        return point, information, cut
    raise CaseInconclusive(
        "the network negotiated no other split point the UE can find in the model (by "
        "splitPointName and splitPointFlag): the split point update cannot be tested"
    )


@builder("operation/split-update")
def _split_update(ctx: CaseContext) -> Built:
    """The Media-aware Application moves the split to another split point of the set the
    network negotiated (step 5), found in the model by its node name and flag."""
    point, information, _ = _another_point(ctx)
    return {
        "splitPointInformation": point,
        "intermediateDataInformation": information,
        "reason": "uplink bandwidth dropped",
    }, {}


@builder("operation/unit-in-band-update")
def _unit_in_band(ctx: CaseContext) -> Built:
    """The UE moves to another negotiated split point in band (step 15 'passed alongside the
    delivery pipeline'): its next unit is at the new split point, and the delivery carries
    the new split point metadata."""
    point, information, cut = _another_point(ctx)
    info = IntermediateDataInformation.from_wire(information)
    chain = CodecChain.of(info)
    fixture = model_fixture(str(ctx.params["model"]))
    crossing = Runner(cut.first_model, label="the UE's sub-model").run(
        {fixture.input_name: sample(ctx)}
    )
    split_point = SplitPointInformation.from_wire(point)
    unit = encode_unit(info, crossing, chain, split_point=split_point).to_bytes()
    return {
        "sequenceNumber": 1,
        "splitPointIdentifier": point["splitPointIdentifier"],
        "size": len(unit),
        "compressionAlgorithms": [a.value for a in chain.algorithms],
        "splitPointUpdate": {
            "splitPointInformation": point,
            "intermediateDataInformation": information,
            "reason": "uplink bandwidth dropped",
        },
    }, {"unit": unit}


@builder("operation/pipeline-update")
def _pipeline_update(ctx: CaseContext) -> Built:
    """The UE updates only the session's intermediate data pipeline (step 20)."""
    return {
        "pipelines": [
            {
                "pipelineId": "intermediate-2",
                "kind": "INTERMEDIATE_DATA",
                "location": ctx.message("6")["accessLocation"],
                "streaming": True,
            }
        ]
    }, {}


@builder("operation/status")
def _status(ctx: CaseContext) -> Built:
    """The UE reports its status (latency, RUNNING, capabilities)."""
    return {
        "inferenceLatency": 12.5,
        "inferenceStatus": "RUNNING",
        "capabilityInformation": _ue(ctx),
    }, {}


@builder("operation/session-update")
def _session_update(ctx: CaseContext) -> Built:
    """The UE updates the session with the model and the split point in force."""
    return {
        "modelIdentifier": _model_identifier(ctx),
        "splitPointInformation": agreed(ctx).point.to_wire(),
    }, {}
