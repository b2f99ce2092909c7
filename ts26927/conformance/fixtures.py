"""Messages (and attachments) the test system builds with its own code, by fixture name.

Payloads that are not JSON — models, intermediate data units — are produced here
deterministically from the embedded digits classifier, so any implementation in any
language can be tested without shipping binaries beside the cases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ts26927.bindings.attachments import require
from ts26927.engine.codecs import CodecChain
from ts26927.engine.loading import load_model
from ts26927.engine.runtime import Runner
from ts26927.engine.split_service import digits_service, sha256
from ts26927.engine.unit import decode_unit, encode_unit
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.intermediate_data import IntermediateDataInformation, IntermediateTensor
from ts26927.models.split_model import SplitPointInformation

from .context import CaseContext, CaseDataError

Built = tuple[dict[str, Any] | None, dict[str, bytes]]
FIXTURES: dict[str, Callable[[CaseContext], Built]] = {}  # name -> builder

UE = {
    "endpointType": "UE",
    "processingCapabilities": {
        "processingUnits": [{"kind": "NPU", "computeFlops": 1e10}],
        "memory": 100,
    },
    "supportedAiFrameworks": [{"name": "ONNX", "version": "1.16"}],
    "supportedCompressionAlgorithms": ["NONE", "ZSTD"],
    "connectionCapabilities": "20 Mbps",
}
SERVICE = {
    "maximumServiceInferenceLatency": 50,
    "minimumServiceInferenceAccuracy": 90,
    "serviceTypeIdentifier": "digit-recognition",
}


Builder = Callable[[CaseContext], Built]


def fixture(name: str) -> Callable[[Builder], Builder]:
    """Register a fixture builder under ``name``."""

    def register(builder: Builder) -> Builder:
        FIXTURES[name] = builder
        return builder

    return register


def build(name: str, ctx: CaseContext) -> Built:
    try:
        builder = FIXTURES[name]
    except KeyError:
        raise CaseDataError(f"{ctx.case_id}: unknown fixture {name!r}") from None
    return builder(ctx)


def sample(ctx: CaseContext) -> np.ndarray:
    return digits_service().sample(int(ctx.params.get("sample", 0)))


def _inputs() -> list[dict[str, Any]]:
    return [t.intermediate().to_wire() for t in digits_service().analysis.inputs]


# -- generic model delivery (5.2.2.2.1) ----------------------------------------------------
@fixture("model-delivery/trigger")
def _trigger(ctx: CaseContext) -> Built:
    return {
        "service": "MODEL_DELIVERY",
        "sessionId": "s-1",
        "serviceRequirementInformation": SERVICE,
        "ueCapabilityInformation": UE,
    }, {}


@fixture("model-delivery/session")
def _session(ctx: CaseContext) -> Built:
    selected = ctx.message("2")["modelIdentifier"]
    offset = ctx.params.get("resumeFromOffset")
    message = {"deliverySessionId": "d-1", "modelIdentifier": selected}
    return (message | ({"resumeFromOffset": offset} if offset is not None else {})), {}


@fixture("model-delivery/handover")
def _handover(ctx: CaseContext) -> Built:
    delivered = ctx.message("5")
    return {"modelIdentifier": delivered["modelIdentifier"], "sha256": delivered["sha256"]}, {}


@fixture("media")
def _media(ctx: CaseContext) -> Built:
    return {"sequenceNumber": 0, "inputs": _inputs()}, {}


@fixture("model-delivery/output")
def _delivered_output(ctx: CaseContext) -> Built:
    model = load_model(require(ctx.last("5").attachments, "model", "step 5"))
    runner = Runner(model, label="delivered model")
    outputs = runner.run({next(iter(runner.inputs)): sample(ctx)})
    return {"sequenceNumber": 0, "outputs": _describe(outputs)}, {}


def _describe(arrays: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    return [
        IntermediateTensor(
            name=n, tensor_shape=list(a.shape) or [1], tensor_element_data_type="FLOAT"
        ).to_wire()
        for n, a in arrays.items()
    ]


# -- split inference (5.2.3.2) -------------------------------------------------------------
@fixture("split/session")
def _split_session(ctx: CaseContext) -> Built:
    return {"sessionId": "s-1"}, {}


@fixture("split/capabilities")
def _capabilities(ctx: CaseContext) -> Built:
    return EndpointCapabilityInformation.model_validate(UE).to_wire(), {}


def _request() -> dict[str, Any]:
    return {
        "sessionId": "s-1",
        "serviceRequirementInformation": SERVICE,
        "ueCapabilityInformation": UE,
        "modelIdentifier": "digits",
    }


@fixture("split/request")
def _split_request(ctx: CaseContext) -> Built:
    return _request() | {"optimizationPreference": ctx.params.get("preference", "LATENCY")}, {}


@fixture("split/information-request")
def _information_request(ctx: CaseContext) -> Built:
    return _request(), {}


@fixture("split/selection")
def _selection(ctx: CaseContext) -> Built:
    candidates = ctx.message("4b")["candidates"]
    return {"sessionId": "s-1", "selected": candidates[0]}, {}


@fixture("split/selection-tampered")
def _selection_tampered(ctx: CaseContext) -> Built:
    """The TS misbehaves: it selects candidate 0 with a better accuracy than offered."""
    message, _ = _selection(ctx)
    selected = dict(message["selected"])
    selected["accuracy"] = min(100.0, float(selected.get("accuracy") or 0) + 1.5)
    return {**message, "selected": selected}, {}


def agreed(ctx: CaseContext) -> tuple[SplitPointInformation, IntermediateDataInformation]:
    """The split point and intermediate data agreed by the negotiation (7a or 6b)."""
    for record in reversed(ctx.records):
        if record.step == "7a" and record.message:
            body = record.message
            break
        if record.step in ("6", "15") and _configuration(record.message):
            body = record.message  # split AI/ML operation: acknowledgement or update
            break
        if record.step == "6b" and record.message:
            body = record.message["selected"]
            break
    else:
        return _basic_agreement(ctx)
    return (
        SplitPointInformation.from_wire(body["splitPointInformation"]),
        IntermediateDataInformation.from_wire(body["intermediateDataInformation"]),
    )


def _configuration(message: dict[str, Any] | None) -> bool:
    return (
        bool(message)
        and "splitPointInformation" in message
        and ("intermediateDataInformation" in message)
    )


def _basic_agreement(
    ctx: CaseContext,
) -> tuple[SplitPointInformation, IntermediateDataInformation]:
    """The basic flows agree no configuration in messages: the split point is the one the
    network identified (step 3), the data the one of the intermediate data session (step
    10), or before that session, the tensors crossing that split point, uncompressed."""
    identified = ctx.message("3").get("splitPointIdentifier")
    if identified is None:
        raise CaseDataError(f"{ctx.case_id}: no split configuration agreed (7a, 6b or 3)")
    candidate = digits_service().analysis.candidate(identified)
    session = next(
        (
            r.message
            for r in reversed(ctx.records)
            if r.step == "10" and r.message and "intermediateDataInformation" in r.message
        ),
        None,
    )
    if session is not None:
        info = IntermediateDataInformation.from_wire(session["intermediateDataInformation"])
    else:
        downlink = ctx.params.get("topology") == "NETWORK_SOURCE"
        info = IntermediateDataInformation.model_validate(
            {
                "tensorStructureInformation": {
                    "name": "NUMPY",
                    "version": np.__version__.split("+")[0],
                },
                "tensors": [t.intermediate().to_wire() for t in candidate.crossing],
                "dataDirection": "DOWNSTREAM" if downlink else "UPSTREAM",
                "compressionAlgorithms": ["NONE"],
            }
        )
    return candidate.split_point_information(), info


@fixture("split/subset-session")
def _subset_session(ctx: CaseContext) -> Built:
    return {"deliverySessionId": "d-2", "modelIdentifier": "digits", "subset": "UE_SUBSET"}, {}


@fixture("split/trigger")
def _split_trigger(ctx: CaseContext) -> Built:
    return {
        "service": "SPLIT_INFERENCE",
        "sessionId": "s-1",
        "serviceRequirementInformation": SERVICE,
        "ueCapabilityInformation": UE,
    }, {}


@fixture("split/basic-handover")
def _basic_handover(ctx: CaseContext) -> Built:
    delivered = ctx.message("6")
    return {
        "modelIdentifier": delivered["modelIdentifier"],
        "sha256": delivered["sha256"],
        "subset": "UE_SUBSET",
    }, {}


@fixture("split/handover")
def _subset_handover(ctx: CaseContext) -> Built:
    delivered = ctx.message("13")
    return {
        "modelIdentifier": delivered["modelIdentifier"],
        "sha256": delivered["sha256"],
        "subset": "UE_SUBSET",
    }, {}


def _chain(info: IntermediateDataInformation) -> CodecChain:
    return CodecChain.parse([str(a) for a in info.compression_algorithms or ["NONE"]])


def _delivered_subset(ctx: CaseContext) -> Runner:
    """The UE subset delivered at step 13 (detailed flow) or 6 (basic flows)."""
    step = "13" if any(r.step == "13" and r.by == "IUT" for r in ctx.records) else "6"
    model = load_model(require(ctx.last(step).attachments, "model", f"step {step}"))
    return Runner(model, label="delivered UE subset")


@fixture("split/unit")
def _unit(ctx: CaseContext) -> Built:
    """The UE runs the subset it received on the sample and sends the encoded unit."""
    point, info = agreed(ctx)
    head = _delivered_subset(ctx)
    crossing = head.run({next(iter(head.inputs)): sample(ctx)})
    unit = encode_unit(info, crossing, _chain(info), split_point=point).to_bytes()
    message = {
        "sequenceNumber": 0,
        "splitPointIdentifier": point.split_point_identifier,
        "size": len(unit),
        "compressionAlgorithms": _chain(info).algorithms,
    }
    return message, {"unit": unit}


@fixture("split/unit-truncated")
def _unit_truncated(ctx: CaseContext) -> Built:
    """The TS misbehaves: the unit loses its last bytes on the way."""
    message, attachments = _unit(ctx)
    return message, {"unit": attachments["unit"][:-7]}


@fixture("split/intermediate-session")
def _intermediate_session(ctx: CaseContext) -> Built:
    _, info = agreed(ctx)
    return {"sessionId": "i-1", "intermediateDataInformation": info.to_wire()}, {}


@fixture("split/ue-output")
def _ue_output(ctx: CaseContext) -> Built:
    """The UE runs the (tail) subset it received on the unit the network sent."""
    tail = _delivered_subset(ctx)
    step = "18a" if any(r.step == "18a" for r in ctx.records) else "11"
    unit = decode_unit(require(ctx.last(step).attachments, "unit", f"step {step}"))
    outputs = tail.run({n: unit.tensors[n] for n in tail.inputs})
    return {"sequenceNumber": 0, "outputs": _describe(outputs)}, {}


__all__ = ["FIXTURES", "SERVICE", "UE", "agreed", "build", "sample", "sha256"]


# The fixtures of the other workflows register themselves on import; importing them here
# (after FIXTURES and ``fixture`` exist) makes the registry complete wherever it is used.
from ts26927.conformance import (  # noqa: E402, F401
    fixtures_adaptive,
    fixtures_fl,
    fixtures_operation,
)
