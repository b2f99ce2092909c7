"""Semantic checks on what the IUT answered, by name — beyond schema and step order.

Each check takes the case context, the IUT's step record and the case's arguments, and
raises :class:`CheckFailed` with a reason when the IUT is wrong. The split checks compare
against the suite's own analysis of the model and its own reference sub-models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ts26927.bindings.attachments import AttachmentError, bytes_to_array, require
from ts26927.engine.codecs import CodecChain
from ts26927.engine.loading import load_model
from ts26927.engine.runtime import Runner
from ts26927.engine.split_service import digits_service, sha256
from ts26927.engine.unit import decode_unit
from ts26927.errors import Ts26927Error
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_configuration import (
    OptimizationPreference,
    SplitDecisionMode,
    SplitTopology,
)

from .context import CaseContext, CaseDataError, Record, lookup
from .fixtures import SERVICE, UE, agreed, sample


class CheckFailed(Exception):
    """The IUT failed a check (the reason says what and where)."""


Check = Callable[[CaseContext, Record, dict[str, Any]], None]
CHECKS: dict[str, Check] = {}
LOSSLESS_TOLERANCE = 1e-5


def check(name: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        CHECKS[name] = function
        return function

    return register


def run_check(name: str, ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    try:
        function = CHECKS[name]
    except KeyError:
        raise CaseDataError(f"{ctx.case_id}: unknown check {name!r}") from None
    try:
        function(ctx, record, args)
    except (Ts26927Error, AttachmentError) as error:
        if isinstance(error, CaseDataError):
            raise
        raise CheckFailed(str(error)) from None


def _message(record: Record) -> dict[str, Any]:
    if record.message is None:
        raise CheckFailed(f"step {record.step} carried no message")
    return record.message


@check("equals")
def _equals(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    got = lookup(_message(record), args["pointer"], f"step {record.step}")
    if got != args["value"]:
        raise CheckFailed(f"{args['pointer']} is {got!r}, expected {args['value']!r}")


@check("same-as")
def _same_as(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    got = lookup(_message(record), args["pointer"], f"step {record.step}")
    want = lookup(ctx.message(args["step"]), args.get("stepPointer", args["pointer"]))
    if got != want:
        raise CheckFailed(f"{args['pointer']} is {got!r}, but step {args['step']} said {want!r}")


@check("model-fits-ue")
def _model_fits(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    info = _message(record).get("aiModelInformation")
    if info is None:
        raise CheckFailed("the selection does not describe the model (aiModelInformation)")
    memory = UE["processingCapabilities"]["memory"]
    if info.get("modelSize", 0) > memory:
        raise CheckFailed(f"model of {info['modelSize']} MB exceeds the UE's {memory} MB")
    minimum = SERVICE["minimumServiceInferenceAccuracy"]
    if info.get("accuracy") is None or info["accuracy"] < minimum:
        raise CheckFailed(f"accuracy {info.get('accuracy')} is below the minimum {minimum}%")
    formats = [f["name"] for f in info.get("formatFramework", [])]
    if formats and formats[0] != "ONNX":
        raise CheckFailed(f"model format {formats[0]} is not supported by the UE (ONNX)")


@check("delivered-model")
def _delivered_model(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    message = _message(record)
    data = require(record.attachments, "model", f"step {record.step}")
    if len(data) != message["size"]:
        raise CheckFailed(f"received {len(data)} bytes, the message says {message['size']}")
    if sha256(data) != message["sha256"]:
        raise CheckFailed("the received bytes do not have the announced SHA-256")
    load_model(data)  # a corrupt or unsafe model raises


def _configuration_problem(
    point: dict[str, Any], info: dict[str, Any], ctx: CaseContext, preference: str | None = None
) -> str | None:
    service = digits_service()
    try:
        candidate = service.analysis.candidate(point["splitPointIdentifier"])
    except Ts26927Error:
        return f"split point {point['splitPointIdentifier']!r} is not a predefined split point"
    expected = [t.intermediate().to_wire() for t in candidate.crossing]
    if info["tensors"] != expected:
        return (
            f"intermediate data {info['tensors']} does not match the tensors crossing "
            f"split point {candidate.identifier}: {expected}"
        )
    chain = info.get("compressionAlgorithms", ["NONE"])
    unsupported = [a for a in chain if a not in UE["supportedCompressionAlgorithms"]]
    if unsupported:
        return f"compression {unsupported} is not supported by the UE"
    selection = service.select(
        ServiceRequirementInformation.from_wire(SERVICE),
        EndpointCapabilityInformation.from_wire(UE),
        topology=SplitTopology(ctx.params.get("topology", "UE_SOURCE_UE_FIRST")),
        preference=OptimizationPreference(preference or "LATENCY"),
        mode=SplitDecisionMode.UE,
    )
    identifier = f"{candidate.identifier}/{CodecChain.parse(chain).name}"
    rejected = {r.configuration_identifier: r for r in selection.rejected}
    if identifier in rejected:
        failed = "; ".join(f"{f.constraint.value}: {f.detail}" for f in rejected[identifier].failed)
        return f"configuration {identifier} does not meet the requirements ({failed})"
    return None


@check("split-configuration-valid")
def _split_valid(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    message = _message(record)
    problem = _configuration_problem(
        message["splitPointInformation"],
        message["intermediateDataInformation"],
        ctx,
        ctx.params.get("preference"),
    )
    if problem:
        raise CheckFailed(problem)


@check("candidates-valid")
def _candidates_valid(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    for index, candidate in enumerate(_message(record)["candidates"]):
        problem = _configuration_problem(
            candidate["splitPointInformation"], candidate["intermediateDataInformation"], ctx
        )
        if problem:
            raise CheckFailed(f"candidates/{index}: {problem}")


@check("same-intermediate-data")
def _same_data(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    _, info = agreed(ctx)
    got = _message(record).get("intermediateDataInformation")
    if got != info.to_wire():
        raise CheckFailed(f"intermediate data {got} differs from the agreed {info.to_wire()}")


def _close(got: np.ndarray, want: np.ndarray, lossy: bool, what: str) -> None:
    if got.shape != want.shape:
        raise CheckFailed(f"{what}: shape {got.shape}, expected {want.shape}")
    if lossy:
        if not np.array_equal(got.argmax(axis=-1), want.argmax(axis=-1)):
            raise CheckFailed(f"{what}: a lossy chain changed the predicted class")
        return
    scale = max(float(np.max(np.abs(want))), 1e-12)
    error = float(np.max(np.abs(got - want))) / scale
    if error > LOSSLESS_TOLERANCE:
        raise CheckFailed(f"{what}: relative difference {error:.2e} > {LOSSLESS_TOLERANCE}")


def _lossy(ctx: CaseContext) -> bool:
    _, info = agreed(ctx)
    return CodecChain.parse([str(a) for a in info.compression_algorithms or ["NONE"]]).lossy


@check("ue-subset-completes-whole")
def _ue_subset(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The delivered UE subset plus the suite's reference network subset equals the whole
    model on the sample."""
    point, _ = agreed(ctx)
    model = load_model(require(record.attachments, "model", f"step {record.step}"))
    ue = Runner(model, label="UE subset")
    sub = digits_service().submodels(point.split_point_identifier)
    ue_first = ctx.params.get("topology", "UE_SOURCE_UE_FIRST") == "UE_SOURCE_UE_FIRST"
    head = ue if ue_first else Runner(sub.head, label="reference head")
    tail = Runner(sub.tail, label="reference tail") if ue_first else ue
    crossing = head.run({next(iter(head.inputs)): sample(ctx)})
    output = next(iter(tail.run({n: crossing[n] for n in tail.inputs}).values()))
    _close(output, digits_service().whole(sample(ctx)), False, "UE subset + reference subset")


@check("output-equals-reference")
def _output(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    got = bytes_to_array(require(record.attachments, "output", f"step {record.step}"))
    _close(got, digits_service().whole(sample(ctx)), _lossy(ctx), "inference output")


@check("unit-completes-whole")
def _unit(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The IUT's unit decodes to the agreed tensors, and the reference tail on it gives the
    whole model's output."""
    point, info = agreed(ctx)
    unit = decode_unit(require(record.attachments, "unit", f"step {record.step}"))
    described = [t.to_wire() for t in unit.header.intermediate_data_information.tensors]
    if described != [t.to_wire() for t in info.tensors]:
        raise CheckFailed(f"unit carries {described}, agreed {[t.to_wire() for t in info.tensors]}")
    tail = Runner(digits_service().submodels(point.split_point_identifier).tail, label="tail")
    output = next(iter(tail.run({n: unit.tensors[n] for n in tail.inputs}).values()))
    _close(output, digits_service().whole(sample(ctx)), _lossy(ctx), "reference tail on the unit")


@check("fl-aggregate-equals-fedavg")
def _fedavg(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The new global model is the sample-weighted FedAvg of the updates the UE sent in
    the previous round (the only participant of the case)."""
    from ts26927.engine.federated.aggregate import fedavg
    from ts26927.engine.federated.parameters import from_tensors
    from ts26927.models.federated.model_update import ModelUpdateInformation

    sent = [r for r in ctx.records if r.step == "15" and r.by == "TS" and r.message]
    update = ModelUpdateInformation.from_wire(sent[-1].message["modelUpdateInformation"])
    expected = from_tensors(update.parameters)
    reference = fedavg([(list(expected.values()), update.number_of_training_samples or 1)])
    got = from_tensors(ModelUpdateInformation.from_wire(_message(record)).parameters)
    if list(got) != list(expected):
        raise CheckFailed(f"parameters {list(got)}, expected {list(expected)}")
    for (name, value), want in zip(got.items(), reference or [], strict=True):
        if value.shape != want.shape or not np.allclose(value, want, rtol=1e-6, atol=1e-7):
            raise CheckFailed(f"{name} is not the FedAvg of the accepted updates")


@check("adaptive-package")
def _adaptive_package(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The package has the announced size and digest, is the variant the manifest lists
    (same SHA-256), and applies to the UE's model; the rebuilt model runs."""
    from ts26927.conformance.fixtures_adaptive import chain, progressive

    message = _message(record)
    data = require(record.attachments, "model", f"step {record.step}")
    if len(data) != message["size"] or sha256(data) != message["sha256"]:
        raise CheckFailed("the package does not have the announced size and SHA-256")
    listed = {v["variantIdentifier"]: v for v in chain(ctx)}
    variant = listed.get(message.get("variantIdentifier", ""))
    if variant is None or variant.get("sha256") != message["sha256"]:
        raise CheckFailed(f"{message.get('variantIdentifier')!r} is not the manifest's variant")
    model = progressive(ctx).to_model()
    Runner(model, label="adaptive model").run({model.graph.input[0].name: sample(ctx)})


@check("adaptive-bit-exact")
def _bit_exact(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """After the last level the rebuilt model is the full model, bit for bit."""
    from ts26927.conformance.fixtures_adaptive import progressive

    entry = ctx.message("1")["models"][0]
    full = next(
        (
            v
            for v in entry["variants"]
            if v.get("dataFormat", {}).get("name") == "ONNX" and v.get("updateOf") is None
        ),
        None,
    )
    held = progressive(ctx)
    if not held.complete:
        raise CheckFailed("the last package did not complete the model")
    if full is None or sha256(held.to_bytes()) != full.get("sha256"):
        raise CheckFailed("the rebuilt model differs from the full model the manifest lists")


@check("same-model-as-ingested")
def _same_as_ingested(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The model delivered is, byte for byte, the one the provider ingested (step 3)."""
    ingested = [r for r in ctx.records if r.step == "3" and "model" in r.attachments]
    delivered = require(record.attachments, "model", f"step {record.step}")
    if not ingested or sha256(ingested[-1].attachments["model"]) != sha256(delivered):
        raise CheckFailed("the delivered model is not the ingested one")


@check("model-output-equals-reference")
def _model_output(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The UE's inference output on the sample equals the whole model's."""
    got = bytes_to_array(require(record.attachments, "output", f"step {record.step}"))
    _close(got, digits_service().whole(sample(ctx)), False, "inference output")
