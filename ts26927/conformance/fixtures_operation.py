"""Test-system fixtures of the 5.3 procedures: the Media Application Provider's
provisioning and ingest, and the UE's Media-aware Application and Media Client."""

from __future__ import annotations

from ts26927.bindings.attachments import require
from ts26927.engine.codecs import CodecChain
from ts26927.engine.loading import load_model
from ts26927.engine.runtime import Runner
from ts26927.engine.split_service import digits_service, sha256
from ts26927.engine.unit import encode_unit

from .context import CaseContext
from .fixtures import UE, Built, agreed, fixture, sample

ACCESS = "https://af.example.com/ai/p-1/service-access"
MODEL_LOCATION = "https://as.example.com/ai/p-1/models/digits"


@fixture("provider/provisioning")
def _provisioning(ctx: CaseContext) -> Built:
    return {
        "provisioningSessionId": "p-1",
        "aiModels": [digits_service().information().to_wire()],
    }, {}


@fixture("provider/ingest-session")
def _ingest_session(ctx: CaseContext) -> Built:
    return {
        "pipelineId": "ingest-1",
        "kind": "MODEL_DATA",
        "location": "https://as.example.com/ai/p-1/ingest",
        "streaming": False,
    }, {}


@fixture("provider/ingest")
def _ingest(ctx: CaseContext) -> Built:
    return (
        {"modelIdentifier": "digits", "location": "https://provider.example.com/digits.onnx"},
        {"model": digits_service().model_bytes()},
    )


@fixture("provider/ingest-not-onnx")
def _ingest_garbage(ctx: CaseContext) -> Built:
    """The provider misbehaves: the ingested file is not an ONNX model."""
    message, _ = _ingest(ctx)
    return message, {"model": b"\x08\x07 this is not a model " * 8}


@fixture("provider/announcement")
def _announcement(ctx: CaseContext) -> Built:
    if ctx.params.get("announcement", "reference") == "reference":
        return {"reference": ACCESS}, {}
    return {"serviceAccessInformation": _provisioning(ctx)[0]}, {}


@fixture("ue/start")
def _start(ctx: CaseContext) -> Built:
    return {"accessLocation": MODEL_LOCATION, "modelIdentifier": "digits"}, {}


@fixture("ue/distributed-output")
def _output(ctx: CaseContext) -> Built:
    runner = Runner(
        load_model(require(ctx.last("8").attachments, "model", "step 8")), label="distributed model"
    )
    outputs = runner.run({next(iter(runner.inputs)): sample(ctx)})
    return {
        "sequenceNumber": 0,
        "outputs": [
            {"name": n, "tensorShape": list(a.shape), "tensorElementDataType": "FLOAT"}
            for n, a in outputs.items()
        ],
    }, {}


# -- split AI/ML operation (5.3.5) ---------------------------------------------------------
@fixture("operation/capabilities")
def _op_capabilities(ctx: CaseContext) -> Built:
    return {"capabilityInformation": UE, "inferenceLatencyRange": {"minimum": 2, "maximum": 40}}, {}


@fixture("operation/request")
def _op_request(ctx: CaseContext) -> Built:
    return {"modelIdentifier": "digits"}, {}


@fixture("operation/notify")
def _op_notify(ctx: CaseContext) -> Built:
    return ctx.message("6"), {}


@fixture("operation/delivery-request")
def _op_delivery(ctx: CaseContext) -> Built:
    return {"accessLocation": ctx.message("6")["accessLocation"], "modelIdentifier": "digits"}, {}


@fixture("operation/inference-start")
def _op_start(ctx: CaseContext) -> Built:
    point, _ = agreed(ctx)
    return {"modelIdentifier": "digits", "splitPointIdentifier": point.split_point_identifier}, {}


@fixture("operation/unit")
def _op_unit(ctx: CaseContext) -> Built:
    """The UE runs its subset — the one delivered at step 10, or the suite's reference head
    after a split point update — on the sample and sends the unit."""
    point, info = agreed(ctx)
    delivered = ctx.last("10").attachments.get("model")
    model = load_model(delivered) if delivered else None
    sub = digits_service().submodels(point.split_point_identifier)
    crossing_names = [t.name for t in info.tensors]
    if model is None or [o.name for o in model.graph.output] != crossing_names:
        model = sub.head
    head = Runner(model, label="UE subset")
    crossing = head.run({next(iter(head.inputs)): sample(ctx)})
    chain = CodecChain.parse([str(a) for a in info.compression_algorithms or ["NONE"]])
    unit = encode_unit(info, crossing, chain, split_point=point).to_bytes()
    return {
        "sequenceNumber": 0,
        "splitPointIdentifier": point.split_point_identifier,
        "size": len(unit),
        "compressionAlgorithms": chain.algorithms,
    }, {"unit": unit}


@fixture("operation/split-update")
def _op_update(ctx: CaseContext) -> Built:
    """Moves the split to the predefined split point just before the current one."""
    point, info = agreed(ctx)
    analysis = digits_service().analysis
    numbers = [c.number for c in analysis.candidates]
    current = numbers.index(int(point.split_point_identifier))
    candidate = analysis.candidates[current - 1 if current > 0 else current + 1]
    new_info = {
        **info.to_wire(),
        "tensors": [t.intermediate().to_wire() for t in candidate.crossing],
    }
    return {
        "splitPointInformation": candidate.split_point_information().to_wire(),
        "intermediateDataInformation": new_info,
        "reason": "uplink bandwidth dropped",
    }, {}


@fixture("operation/status")
def _op_status(ctx: CaseContext) -> Built:
    return {"inferenceLatency": 12.5, "inferenceStatus": "RUNNING", "capabilityInformation": UE}, {}


@fixture("operation/session-update")
def _op_session_update(ctx: CaseContext) -> Built:
    point, _ = agreed(ctx)
    return {"modelIdentifier": "digits", "splitPointInformation": point.to_wire()}, {}


# -- the network side, played by the test system against a UE ------------------------------
@fixture("network/selection")
def _net_selection(ctx: CaseContext) -> Built:
    info = digits_service().information().to_wire()
    return {"modelIdentifier": "digits", "aiModelInformation": info}, {}


@fixture("network/identification")
def _net_identification(ctx: CaseContext) -> Built:
    return {"modelIdentifier": "digits"}, {}


@fixture("network/delivery")
def _net_delivery(ctx: CaseContext) -> Built:
    data = digits_service().model_bytes()
    return (
        {"modelIdentifier": "digits", "size": len(data), "sha256": sha256(data)},
        {"model": data},
    )


@fixture("network/delivery-corrupt")
def _net_delivery_corrupt(ctx: CaseContext) -> Built:
    """The network misbehaves: one byte of the model changes in transit."""
    message, attachments = _net_delivery(ctx)
    data = bytearray(attachments["model"])
    data[len(data) // 2] ^= 0x01
    return message, {"model": bytes(data)}
