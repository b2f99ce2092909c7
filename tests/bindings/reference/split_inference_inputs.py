"""Inputs for the reference UE of split inference, made by the engine, and checks of its
replies: set-up parameters, split configurations, candidate offers, sub-model deliveries and
intermediate data units of the digits service, and players already past the agreement.
"""

from __future__ import annotations

from typing import Any

from ts26927.bindings.base import Refusal, Reply
from ts26927.bindings.reference.ue_split_inference import UeSplitInference
from ts26927.conformance.fixtures.profiles import SERVICE_REQUIREMENTS, UE_CAPABILITIES
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.service import digits_service
from ts26927.engine.split.unit import encode_unit
from ts26927.models.intermediate_data import DataDirection
from ts26927.models.messages.split import AiModelInformationResponse
from ts26927.models.split_configuration import SplitDecisionMode, SplitTopology

UE1, NS = "UE_SOURCE_UE_FIRST", "NETWORK_SOURCE"
LOW, AMPLE = "ue-digits-low-memory", "ue-ample"


def ue_setup(ue: str = LOW, topology: str = UE1, decision: str = "NETWORK") -> dict[str, Any]:
    return {
        "model": "digits",
        "sample": 2,
        "topology": topology,
        "decision": decision,
        "ueCapabilities": UE_CAPABILITIES[ue][1],
        "serviceRequirements": SERVICE_REQUIREMENTS["service-digits"][1],
    }


def candidate_at(node: str):
    return next(c for c in digits_service().analysis.candidates if c.name == node)


def split_config(node: str, chain: str = "NONE", topology: str = UE1) -> dict[str, Any]:
    way = DataDirection.UPSTREAM if topology == UE1 else DataDirection.DOWNSTREAM
    candidate = candidate_at(node)
    return {
        "modelIdentifier": "digits",
        "splitPointInformation": candidate.split_point_information().to_wire(),
        "intermediateDataInformation": candidate.intermediate_data_information(
            way, CodecChain.parse(chain).algorithms
        ).to_wire(),
    }


def steps(reply: Reply) -> list[str]:
    assert not isinstance(reply, Refusal), reply
    return [o.step for o in reply]


def refused(reply: Reply, reason: str) -> None:
    assert isinstance(reply, Refusal), reply
    assert reason in reply.reason, reply.reason


def subset_delivery(node: str, topology: str = UE1, subset: str = "UE_SUBSET") -> tuple[dict, dict]:
    sub = digits_service().submodels(candidate_at(node).identifier)
    data = (sub.head if topology == UE1 else sub.tail).SerializeToString()
    message = {"modelIdentifier": "digits", "subset": subset, "size": len(data)}
    return message | {"sha256": sha256(data)}, {"model": data}


def agreed(node: str = "relu1", chain: str = "INT8", topology: str = UE1, ue: str = LOW):
    player = UeSplitInference(ue_setup(ue, topology))
    player.begin()
    assert steps(player.on("7a", split_config(node, chain, topology), {})) == ["12"]
    return player


def candidates_offer(ue: str, topology: str = UE1, preferred: int = 0) -> dict[str, Any]:
    service = digits_service()
    selection = service.select(
        None,
        None,
        topology=SplitTopology(topology),
        preference="LATENCY",  # type: ignore[arg-type]
        mode=SplitDecisionMode.UE,
    )
    candidates = selection.candidates
    response = AiModelInformationResponse(
        candidates=candidates, preferred_candidate=candidates[preferred].configuration_identifier
    )
    return response.to_wire()


def runnable_ids(player: UeSplitInference, offer: dict[str, Any]) -> list[str]:
    response = AiModelInformationResponse.from_wire(offer)
    return [c.configuration_identifier for c in player.runnable(response.candidates)[0]]


def unit_delivery(
    node: str, chain: str, point: str | None = None
) -> tuple[dict[str, Any], dict[str, bytes]]:
    service = digits_service()
    candidate = candidate_at(node)
    crossing = Runner(service.submodels(candidate.identifier).head, label="head").run(
        {service.input_name: service.sample(2)}
    )
    info = candidate.intermediate_data_information(DataDirection.DOWNSTREAM)
    split_point = candidate.split_point_information()
    if point is not None:
        split_point = split_point.model_copy(update={"split_point_identifier": point})
    data = encode_unit(info, crossing, CodecChain.parse(chain), split_point=split_point).to_bytes()
    message = {
        "sequenceNumber": 0,
        "splitPointIdentifier": split_point.split_point_identifier,
        "size": len(data),
        "compressionAlgorithms": [chain],
    }
    return message, {"unit": data}


def basic_selection(node: str) -> dict[str, Any]:
    return {
        "modelIdentifier": "digits",
        "splitPointInformation": candidate_at(node).split_point_information().to_wire(),
    }
