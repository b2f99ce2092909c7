"""Builders of AI/ML model distribution (5.3.6): the Media Application Provider's
provisioning, ingest (or a file that is not a model, on purpose) and announcement, and the
UE's Media-aware Application and Media Client."""

from __future__ import annotations

from ..context import CaseContext
from ..fixtures.models import model_fixture
from ..truth import truth
from .model_delivery import describe, run_delivered
from .registry import Built, builder

ACCESS = "https://af.example.com/ai/p-1/service-access"


def _fixture_name(ctx: CaseContext) -> str:
    return str(ctx.params["model"])


def model_location(ctx: CaseContext) -> str:
    return f"https://as.example.com/ai/p-1/models/{_fixture_name(ctx)}"


@builder("provider/provisioning")
def _provisioning(ctx: CaseContext) -> Built:
    """The provider provisions the service with the model fixture, described from ground truth."""
    return {
        "provisioningSessionId": "p-1",
        "aiModels": [truth(_fixture_name(ctx)).ai_model_information()],
    }, {}


@builder("provider/ingest-session")
def _ingest_session(ctx: CaseContext) -> Built:
    """The provider sets up an ingest session at the Media AS."""
    return {
        "pipelineId": "ingest-1",
        "kind": "MODEL_DATA",
        "location": "https://as.example.com/ai/p-1/ingest",
        "streaming": False,
    }, {}


@builder("provider/ingest")
def _ingest(ctx: CaseContext) -> Built:
    """The provider ingests the model fixture's ONNX file."""
    name = _fixture_name(ctx)
    return (
        {"modelIdentifier": name, "location": f"https://provider.example.com/{name}.onnx"},
        {"model": model_fixture(name).data},
    )


@builder("provider/ingest-not-onnx")
def _ingest_garbage(ctx: CaseContext) -> Built:
    """The provider misbehaves: the ingested file is not an ONNX model."""
    message, _ = _ingest(ctx)
    return message, {"model": b"\x08\x07 this is not a model " * 8}


@builder("provider/announcement")
def _announcement(ctx: CaseContext) -> Built:
    """The provider's application announces the service: by reference, or with the service access
    information in whole (preamble 'announcement')."""
    if ctx.params.get("announcement", "reference") == "reference":
        return {"reference": ACCESS}, {}
    return {"serviceAccessInformation": _provisioning(ctx)[0]}, {}


@builder("ue/start")
def _start(ctx: CaseContext) -> Built:
    """The Media-aware Application starts the reception of the provider's model."""
    return {"accessLocation": model_location(ctx), "modelIdentifier": _fixture_name(ctx)}, {}


@builder("ue/distributed-output")
def _output(ctx: CaseContext) -> Built:
    """The Media Client runs the distributed model on its sample; the outputs are described."""
    return {
        "sequenceNumber": 0,
        "outputs": describe(run_delivered(ctx, "8", "distributed model")),
    }, {}
