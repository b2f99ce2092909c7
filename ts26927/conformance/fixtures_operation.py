"""Test-system fixtures of the 5.3 procedures: the Media Application Provider's
provisioning and ingest, and the UE's Media-aware Application and Media Client."""

from __future__ import annotations

from ts26927.bindings.attachments import require
from ts26927.engine.loading import load_model
from ts26927.engine.runtime import Runner
from ts26927.engine.split_service import digits_service

from .context import CaseContext
from .fixtures import Built, fixture, sample

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
