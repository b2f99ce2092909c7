"""Checks on models the IUT selects, describes and delivers, against the model fixture
the case uses and the case's UE capabilities and service requirements."""

from __future__ import annotations

from typing import Any

from ts26927.bindings.attachments import bytes_to_array, require
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.onnxtools.loading import load_model
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.models.units import BYTES_PER_MB

from ..agreement import model_truth, sample_index
from ..context import CaseContext, Record
from ..feasibility import ACCURACY_TOLERANCE
from ..fixtures.profiles import service_requirements, ue_capabilities
from .registry import CheckFailed, check, message_of
from .tolerance import close

#: An announced model size may differ from the fixture file by this fraction (an
#: implementation may store the same graph with other metadata).
MODEL_SIZE_TOLERANCE = 0.05
#: Parameter counts may differ by this fraction (scalar constants counted or not).
PARAMETER_TOLERANCE = 0.01


@check("delivered-model")
def _delivered_model(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The attachment has the announced size and SHA-256 and loads as a safe ONNX model."""
    message = message_of(record)
    data = require(record.attachments, "model", f"step {record.step}")
    if len(data) != message["size"]:
        raise CheckFailed(f"received {len(data)} bytes, the message says {message['size']}")
    if sha256(data) != message["sha256"]:
        raise CheckFailed("the received bytes do not have the announced SHA-256")
    load_model(data)  # a corrupt or unsafe model raises


@check("delivered-model-computes-fixture")
def _computes_fixture(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The delivered model gives the model fixture's output on the case's sample."""
    truth = model_truth(ctx)
    model = load_model(require(record.attachments, "model", f"step {record.step}"))
    runner = Runner(model, label="delivered model")
    if list(runner.inputs) != [truth.fixture.input_name]:
        raise CheckFailed(
            f"the delivered model takes {list(runner.inputs)}, the model "
            f"{truth.fixture.name} takes [{truth.fixture.input_name!r}]"
        )
    index = sample_index(ctx)
    output = next(
        iter(runner.run({truth.fixture.input_name: truth.fixture.sample(index)}).values())
    )
    close(output, truth.whole(index), "the delivered model's output")


@check("model-information")
def _model_information(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The clause 6.6.2 information at ``pointer`` (default /aiModelInformation) describes
    the model fixture truly: its size, parameters and measured accuracy. Accuracy is
    mandatory when the service has an accuracy floor."""
    pointer = args.get("pointer", "/aiModelInformation").lstrip("/")
    info = message_of(record).get(pointer)
    if info is None:
        raise CheckFailed(f"the message does not describe the model ({pointer})")
    truth = model_truth(ctx)
    size_mb = len(truth.fixture.data) / BYTES_PER_MB
    if "modelSize" in info and abs(info["modelSize"] - size_mb) > MODEL_SIZE_TOLERANCE * size_mb:
        raise CheckFailed(f"modelSize {info['modelSize']} MB; the model is {size_mb:.6f} MB")
    parameters = truth.parameter_count
    announced = info.get("numberOfParameters")
    if announced is not None and abs(announced - parameters) > PARAMETER_TOLERANCE * parameters:
        raise CheckFailed(f"numberOfParameters {announced}; the model has {parameters}")
    measured = truth.accuracy(None, CodecChain.parse("NONE"))
    floor = _service(ctx).minimum_service_inference_accuracy
    if info.get("accuracy") is None:
        if floor is not None:
            raise CheckFailed("accuracy is missing, and the service requires a minimum accuracy")
        return
    if measured is None:
        ctx.note(f"{truth.fixture.name} has no labelled data: its accuracy was not checked")
    elif abs(info["accuracy"] - measured) > ACCURACY_TOLERANCE:
        raise CheckFailed(
            f"accuracy {info['accuracy']} %; measured on the held-out set: {measured:.2f} %"
        )


@check("model-fits-ue")
def _model_fits(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The selected (whole) model is one the UE can run and the service accepts: a format
    the UE supports, weights within its memory, measured accuracy at the floor."""
    ue = ue_capabilities(ctx.fixture("ueCapabilities"))
    truth = model_truth(ctx)
    info = message_of(record).get("aiModelInformation") or {}
    formats = [f["name"] for f in info.get("formatFramework", [])]
    supported = [str(f.name) for f in ue.supported_ai_frameworks or []]
    if formats and supported and not set(formats) & set(supported):
        raise CheckFailed(f"model format {formats} is not one the UE supports {supported}")
    weights = truth.parameter_bytes
    memory = ue.processing_capabilities.memory if ue.processing_capabilities else None
    if memory is not None and weights / BYTES_PER_MB > memory:
        raise CheckFailed(f"its weights alone need {weights / BYTES_PER_MB:.4g} MB > {memory:g} MB")
    floor = _service(ctx).minimum_service_inference_accuracy
    measured = truth.accuracy(None, CodecChain.parse("NONE"))
    if floor is not None and measured is not None and measured < floor - ACCURACY_TOLERANCE:
        raise CheckFailed(f"its measured accuracy {measured:.2f} % is below the {floor:g} % floor")


@check("model-output-equals-reference")
def _model_output(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The UE's inference output (the ``output`` attachment) is the whole model's."""
    got = bytes_to_array(require(record.attachments, "output", f"step {record.step}"))
    index = sample_index(ctx)
    close(got, model_truth(ctx).whole(index), "inference output")


@check("same-model-as-ingested")
def _same_as_ingested(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The model delivered is, byte for byte, the one the provider ingested (step 3)."""
    ingested = [r for r in ctx.records if r.step == "3" and "model" in r.attachments]
    delivered = require(record.attachments, "model", f"step {record.step}")
    if not ingested or sha256(ingested[-1].attachments["model"]) != sha256(delivered):
        raise CheckFailed("the delivered model is not the ingested one")


def _service(ctx: CaseContext):
    return service_requirements(ctx.fixture("serviceRequirements"))
