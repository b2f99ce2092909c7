"""Builders of the split AI/ML operation procedure (5.3.5) against a UE: the test system plays
the Media AF and Media AS. Its split points are cuts of the model fixture after named nodes
(the preamble's ``splitPoints``), described from ground truth (:mod:`..truth`); its codec is
the first of the preamble's ``codecs`` the UE reported; its results are the suite's own
second sub-model run on the very unit the UE sent — or, on purpose, a split point update to
a split point it never negotiated, an acknowledgement with a codec the UE did not report,
and a result whose header names another split point."""

from __future__ import annotations

from typing import Any

from ts26927.bindings.attachments import array_to_bytes
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.unit import decode_unit
from ts26927.errors import Ts26927Error
from ts26927.models.intermediate_data import DataDirection

from ..agreement import Agreement, agreed, model_truth
from ..context import CaseContext, CaseDataError, CaseInconclusive, IutDataFault
from ..truth import Cut, NotACut
from .registry import Built, builder

AS = "https://as.example.com/ai/p-1/"
DEFAULT_POINTS = "relu1,relu2,dense1"
DEFAULT_CODECS = "INT8+ZSTD,ZSTD,NONE"


def _nodes(ctx: CaseContext) -> list[str]:
    return [n.strip() for n in str(ctx.params.get("splitPoints", DEFAULT_POINTS)).split(",")]


def point_of(node: str) -> dict[str, Any]:
    """The test system's split point after ``node``: its own identifier, the node's name."""
    return {
        "splitPointIdentifier": f"after-{node}",
        "splitPointName": node,
        "splitPointFlag": "AFTER",
    }


def _cut(ctx: CaseContext, node: str) -> Cut:
    try:
        return model_truth(ctx).cut_at_node(node)
    except NotACut as error:
        raise CaseDataError(f"{ctx.case_id}: no split point after {node!r}: {error}") from None


def _reported(ctx: CaseContext) -> set[str]:
    """The compression algorithms the UE reported at step 3 (none reported: NONE only)."""
    capabilities = ctx.message("3").get("capabilityInformation") or {}
    return set(capabilities.get("supportedCompressionAlgorithms") or ["NONE"])


def _chain(ctx: CaseContext) -> CodecChain:
    reported = _reported(ctx)
    for spec in str(ctx.params.get("codecs", DEFAULT_CODECS)).split(","):
        chain = CodecChain.parse(spec.strip())
        if {str(a) for a in chain.algorithms} <= reported:
            return chain
    raise CaseInconclusive(f"the UE reported none of the codec chains the case needs ({reported})")


def _information(ctx: CaseContext, cut: Cut, chain: CodecChain) -> dict[str, Any]:
    return model_truth(ctx).information(cut, chain, DataDirection.UPSTREAM).to_wire()


def _model_identifier(ctx: CaseContext) -> str:
    return str(ctx.params["model"])


@builder("network-operation/access")
def _access(ctx: CaseContext) -> Built:
    """The Media AF's service access information: the model fixture, described truly."""
    return {
        "provisioningSessionId": "p-1",
        "aiModels": [model_truth(ctx).ai_model_information()],
    }, {}


@builder("network-operation/negotiation")
def _negotiation(ctx: CaseContext) -> Built:
    """The network negotiates its split points (the preamble's nodes), the first selected,
    dynamic: the split point may be updated during the service."""
    points = [point_of(node) for node in _nodes(ctx)]
    return {
        "splitPoints": points,
        "selectedSplitPoint": points[0]["splitPointIdentifier"],
        "dynamic": True,
    }, {}


def _acknowledgement(ctx: CaseContext, chain: CodecChain) -> Built:
    node = _nodes(ctx)[0]
    return {
        "splitPointInformation": point_of(node),
        "intermediateDataInformation": _information(ctx, _cut(ctx, node), chain),
        "accessLocation": AS + "intermediate",
        "dynamic": True,
    }, {}


@builder("network-operation/acknowledgement")
def _ack(ctx: CaseContext) -> Built:
    """The network acknowledges the selected split point, its true intermediate data and the
    first of the case's codec chains the UE reported."""
    return _acknowledgement(ctx, _chain(ctx))


@builder("network-operation/acknowledgement-unreported-codec")
def _ack_unreported(ctx: CaseContext) -> Built:
    """The network misbehaves: it acknowledges a codec the UE did not report."""
    reported = _reported(ctx)
    for spec in ("INT8", "FLOAT16", "ZSTD", "LZ4", "SNAPPY"):
        if spec not in reported:
            return _acknowledgement(ctx, CodecChain.parse(spec))
    raise CaseInconclusive("the UE reported every codec: none is left to misuse")


@builder("network-operation/model-pipeline")
def _model_pipeline(ctx: CaseContext) -> Built:
    """The Media AS sets up the model data pipeline with the model fixture — whole, or its
    first sub-model at the acknowledged split point (preamble ``modelData``)."""
    message = {
        "pipelineId": "model-1",
        "kind": "MODEL_DATA",
        "location": AS + "models/" + _model_identifier(ctx),
        "streaming": False,
    }
    if ctx.params.get("modelData", "whole") == "subset":
        data = agreed(ctx).cut.first_model.SerializeToString()
    else:
        data = model_truth(ctx).fixture.data
    return message, {"model": data}


@builder("network-operation/model-pipeline-other-cut")
def _model_pipeline_other_cut(ctx: CaseContext) -> Built:
    """The network misbehaves: the model data is a sub-model that ends before the
    acknowledged split point (the first sub-model of the model's first cut)."""
    message, _ = _model_pipeline(ctx)
    wanted = set(agreed(ctx).cut.names)
    for node in model_truth(ctx).model.graph.node:
        try:
            cut = model_truth(ctx).cut_at_node(node.name)
        except NotACut:
            continue
        if set(cut.names) != wanted:
            return message, {"model": cut.first_model.SerializeToString()}
    raise CaseDataError(f"{ctx.case_id}: the model has no other split point")


@builder("network-operation/inference-start")
def _inference_start(ctx: CaseContext) -> Built:
    """The Media AF starts the network's inference at the agreed split point."""
    return {
        "modelIdentifier": _model_identifier(ctx),
        "splitPointIdentifier": agreed(ctx).point.split_point_identifier,
    }, {}


@builder("network-operation/intermediate-pipeline")
def _intermediate_pipeline(ctx: CaseContext) -> Built:
    """The Media AS sets up the intermediate data pipeline."""
    return {
        "pipelineId": "intermediate-1",
        "kind": "INTERMEDIATE_DATA",
        "location": AS + "intermediate",
        "streaming": True,
    }, {}


def _result(ctx: CaseContext, identifier: str | None = None) -> Built:
    record = ctx.last("14", "IUT")
    agreement: Agreement = agreed(ctx)
    try:
        tensors = decode_unit(record.attachments["unit"]).tensors
        rest = Runner(agreement.cut.second_model, label="the network's sub-model")
        output = rest.run({n: tensors[n] for n in rest.inputs})
    except (KeyError, Ts26927Error) as error:
        raise IutDataFault("14", f"the UE's unit cannot be processed: {error}") from None
    values = output[model_truth(ctx).fixture.output_name]
    return {
        "sequenceNumber": int((record.message or {}).get("sequenceNumber", 0)),
        "splitPointIdentifier": identifier or agreement.point.split_point_identifier,
        "size": int(values.nbytes),
    }, {"output": array_to_bytes(values)}


@builder("network-operation/result")
def _network_result(ctx: CaseContext) -> Built:
    """The network runs its sub-model on the UE's latest unit and returns the output."""
    return _result(ctx)


@builder("network-operation/result-other-split-point")
def _result_other(ctx: CaseContext) -> Built:
    """The network misbehaves: its result's header names a split point not in force."""
    current = agreed(ctx).point.split_point_identifier
    other = next(
        (
            point_of(n)["splitPointIdentifier"]
            for n in _nodes(ctx)
            if point_of(n)["splitPointIdentifier"] != current
        ),
        "not-a-split-point",
    )
    return _result(ctx, other)


@builder("network-operation/split-update")
def _split_update(ctx: CaseContext) -> Built:
    """The network moves the split to the preamble's ``updateTo`` node (else the next
    negotiated one), with its true intermediate data and the agreed codec chain."""
    current = agreed(ctx)
    nodes = _nodes(ctx)
    target = ctx.params.get("updateTo") or next(
        n
        for n in nodes
        if point_of(n)["splitPointIdentifier"] != current.point.split_point_identifier
    )
    return {
        "splitPointInformation": point_of(str(target)),
        "intermediateDataInformation": _information(ctx, _cut(ctx, str(target)), current.chain),
        "reason": "the network's load changed",
    }, {}


@builder("network-operation/split-update-not-negotiated")
def _split_update_elsewhere(ctx: CaseContext) -> Built:
    """The network misbehaves: it moves the split to a real cut of the model that it never
    negotiated (a split point that is not predefined for this session)."""
    current = agreed(ctx)
    negotiated = set(_nodes(ctx))
    for node in model_truth(ctx).model.graph.node:
        if node.name in negotiated:
            continue
        try:
            cut = model_truth(ctx).cut_at_node(node.name)
        except NotACut:
            continue
        return {
            "splitPointInformation": point_of(node.name),
            "intermediateDataInformation": _information(ctx, cut, current.chain),
            "reason": "moved outside the negotiated set",
        }, {}
    raise CaseDataError(f"{ctx.case_id}: every split point of the model was negotiated")


@builder("network-operation/status")
def _status(ctx: CaseContext) -> Built:
    """The network's AI media service status (17, 18)."""
    return {"inferenceStatus": "RUNNING", "inferenceLatency": 4.0}, {}


@builder("network-operation/session-update")
def _session_update(ctx: CaseContext) -> Built:
    """The network confirms the model and split point in force, with a new pipeline."""
    return {
        "modelIdentifier": _model_identifier(ctx),
        "splitPointInformation": agreed(ctx).point.to_wire(),
        "pipelines": [
            {
                "pipelineId": "intermediate-2",
                "kind": "INTERMEDIATE_DATA",
                "location": AS + "intermediate-2",
                "streaming": True,
            }
        ],
    }, {}
