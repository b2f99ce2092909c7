"""The reference UE of split inference (detailed and basic flows), driven step by step
with configurations, sub-models and units made by the engine: what it reports, accepts,
selects and sends, and everything it must refuse."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from ts26927.bindings.attachments import bytes_to_array
from ts26927.bindings.base import Refusal, Reply
from ts26927.bindings.reference import ReferenceOptions
from ts26927.bindings.reference.ue_split_basic import UeBasicSplit
from ts26927.bindings.reference.ue_split_inference import UeSplitInference
from ts26927.conformance.fixtures.profiles import SERVICE_REQUIREMENTS, UE_CAPABILITIES
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.service import digits_service
from ts26927.engine.split.unit import decode_unit, encode_unit
from ts26927.errors import SetupError
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.intermediate_data import DataDirection
from ts26927.models.messages.split import AiModelInformationResponse
from ts26927.models.split_configuration import SplitDecisionMode, SplitTopology

UE1, NS = "UE_SOURCE_UE_FIRST", "NETWORK_SOURCE"
LOW, AMPLE = "ue-digits-low-memory", "ue-ample"


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    digits_service()


def _params(ue: str = LOW, topology: str = UE1, decision: str = "NETWORK") -> dict[str, Any]:
    return {
        "model": "digits",
        "sample": 2,
        "topology": topology,
        "decision": decision,
        "ueCapabilities": UE_CAPABILITIES[ue][1],
        "serviceRequirements": SERVICE_REQUIREMENTS["service-digits"][1],
    }


def _candidate(node: str):
    return next(c for c in digits_service().analysis.candidates if c.name == node)


def _config(node: str, chain: str = "NONE", topology: str = UE1) -> dict[str, Any]:
    way = DataDirection.UPSTREAM if topology == UE1 else DataDirection.DOWNSTREAM
    candidate = _candidate(node)
    return {
        "modelIdentifier": "digits",
        "splitPointInformation": candidate.split_point_information().to_wire(),
        "intermediateDataInformation": candidate.intermediate_data_information(
            way, CodecChain.parse(chain).algorithms
        ).to_wire(),
    }


def _steps(reply: Reply) -> list[str]:
    assert not isinstance(reply, Refusal), reply
    return [o.step for o in reply]


def _refused(reply: Reply, reason: str) -> None:
    assert isinstance(reply, Refusal), reply
    assert reason in reply.reason, reply.reason


def _subset(node: str, topology: str = UE1, subset: str = "UE_SUBSET") -> tuple[dict, dict]:
    sub = digits_service().submodels(_candidate(node).identifier)
    data = (sub.head if topology == UE1 else sub.tail).SerializeToString()
    message = {"modelIdentifier": "digits", "subset": subset, "size": len(data)}
    return message | {"sha256": sha256(data)}, {"model": data}


def _agreed(node: str = "relu1", chain: str = "INT8", topology: str = UE1, ue: str = LOW):
    player = UeSplitInference(_params(ue, topology))
    player.begin()
    assert _steps(player.on("7a", _config(node, chain, topology), {})) == ["12"]
    return player


# -- capabilities and requests ---------------------------------------------------------------
def test_it_reports_the_capabilities_it_was_set_up_with() -> None:
    outputs = UeSplitInference(_params()).begin()
    assert [o.step for o in outputs] == ["0", "1", "2a"]  # type: ignore[union-attr]
    first, request = outputs[1].message, outputs[2].message  # type: ignore[index]
    configured = EndpointCapabilityInformation.from_wire(UE_CAPABILITIES[LOW][1])
    assert first == configured.to_wire()
    assert request["ueCapabilityInformation"] == first
    selecting = UeSplitInference(_params(decision="UE")).begin()
    assert [o.step for o in selecting][-1] == "2b"  # type: ignore[union-attr]


def test_it_needs_its_capabilities() -> None:
    params = _params()
    del params["ueCapabilities"]
    with pytest.raises(SetupError, match="ueCapabilities"):
        UeSplitInference(params)


# -- alternative #1: the network decides ------------------------------------------------------
@pytest.mark.parametrize(
    ("config", "reason"),
    [
        (("relu1", "ZSTD", UE1), "does not support ZSTD"),
        (("relu2", "NONE", UE1), "needs 0.02522 MB; the UE has 0.02 MB"),
        (("relu1", "NONE", NS), "flows DOWNSTREAM; this service needs UPSTREAM"),
    ],
)
def test_a_decision_it_cannot_run_is_refused(config: tuple[str, str, str], reason: str) -> None:
    player = UeSplitInference(_params())
    _refused(player.on("7a", _config(*config), {}), reason)
    assert player.device.agreed is None


def test_a_decision_at_no_split_point_or_described_wrongly_is_refused() -> None:
    player = UeSplitInference(_params())
    config = _config("relu1", "INT8")
    wrong = copy.deepcopy(config)
    wrong["intermediateDataInformation"]["tensors"][0]["name"] = "pixels"
    _refused(player.on("7a", wrong, {}), "do not split the service's model")
    wrong = copy.deepcopy(config)
    wrong["intermediateDataInformation"]["tensors"][0]["tensorShape"] = [1, 63]
    _refused(player.on("7a", wrong, {}), "describes the tensors at its split point wrongly")


def test_a_decision_it_can_run_opens_the_delivery_of_its_subset() -> None:
    player = UeSplitInference(_params(), ReferenceOptions(split_ue_id_prefix="x-"))
    reply = player.on("7a", _config("relu1", "INT8"), {})
    assert _steps(reply) == ["12"]
    setup = reply[0].message  # type: ignore[index]
    assert setup == {
        "deliverySessionId": "x-d-1",
        "modelIdentifier": "digits",
        "subset": "UE_SUBSET",
        "deliveryMethod": setup["deliveryMethod"],
    }


# -- alternative #2: the UE selects -----------------------------------------------------------
def _offer(ue: str, topology: str = UE1, preferred: int = 0) -> dict[str, Any]:
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


def _runnable(player: UeSplitInference, offer: dict[str, Any]) -> list[str]:
    response = AiModelInformationResponse.from_wire(offer)
    return [c.configuration_identifier for c in player.runnable(response.candidates)[0]]


def test_it_selects_the_preferred_candidate_it_can_run() -> None:
    player = UeSplitInference(_params(decision="UE"))
    offer = _offer(LOW)
    runnable = _runnable(player, offer)
    assert runnable and len(runnable) < len(offer["candidates"])
    index = next(
        i for i, c in enumerate(offer["candidates"]) if c["configurationIdentifier"] == runnable[-1]
    )
    offer = _offer(LOW, preferred=index)
    reply = player.on("4b", offer, {})
    assert _steps(reply) == ["5b", "6b"]
    assert reply[1].message["selected"]["configurationIdentifier"] == runnable[-1]  # type: ignore[index]


def test_a_preferred_candidate_it_cannot_run_is_passed_over() -> None:
    player = UeSplitInference(_params(decision="UE"))
    offer = _offer(LOW)
    runnable = _runnable(player, offer)
    beyond = next(
        i for i, c in enumerate(offer["candidates"]) if c["configurationIdentifier"] not in runnable
    )
    reply = player.on("4b", _offer(LOW, preferred=beyond), {})
    assert reply[1].message["selected"]["configurationIdentifier"] == runnable[0]  # type: ignore[index]
    last = UeSplitInference(_params(decision="UE"), ReferenceOptions(split_ue_selection="last"))
    reply = last.on("4b", _offer(LOW, preferred=beyond), {})
    assert reply[1].message["selected"]["configurationIdentifier"] == runnable[-1]  # type: ignore[index]


def test_candidates_none_of_which_it_can_run_are_refused() -> None:
    player = UeSplitInference(_params(decision="UE"))
    offer = _offer(LOW)
    runnable = set(_runnable(player, offer))
    offer["candidates"] = [
        c for c in offer["candidates"] if c["configurationIdentifier"] not in runnable
    ]
    offer["preferredCandidate"] = offer["candidates"][0]["configurationIdentifier"]
    _refused(player.on("4b", offer, {}), "can run none of the candidates")
    offer["candidates"] = [
        {
            **c,
            "topology": NS,
            "intermediateDataInformation": {
                **c["intermediateDataInformation"],
                "dataDirection": "DOWNSTREAM",
            },
        }
        for c in _offer(AMPLE)["candidates"]
    ]
    offer["preferredCandidate"] = offer["candidates"][0]["configurationIdentifier"]
    _refused(player.on("4b", offer, {}), "topology NETWORK_SOURCE")


def test_a_declined_selection_agrees_nothing() -> None:
    player = UeSplitInference(_params(decision="UE"))
    player.on("4b", _offer(LOW), {})
    assert player.on("9b", {"result": "FAILURE", "cause": "gone"}, {}) == []
    assert player.device.agreed is None
    assert _steps(player.on("9b", {"result": "SUCCESS"}, {})) == ["12"]
    assert player.device.agreed is not None


# -- the sub-model --------------------------------------------------------------------------
def test_a_subset_before_any_agreement_is_refused() -> None:
    player = UeSplitInference(_params())
    _refused(player.on("13", *_subset("relu1")), "no split configuration has been agreed")


def test_a_subset_that_does_not_verify_or_fit_is_refused() -> None:
    player = _agreed()
    message, attachments = _subset("relu1")
    _refused(player.on("13", {**message, "sha256": "0" * 64}, attachments), "SHA-256")
    _refused(player.on("13", *_subset("dense1")), "meets the network's at ['dense1']")
    wrong = {**message, "subset": "NETWORK_SUBSET"}
    _refused(player.on("13", wrong, attachments), "not the UE's subset")
    _refused(player.on("13", message, {"model": b"junk"}), "SHA-256")
    assert player.device.subset is None


def test_with_the_media_in_the_ue_it_runs_its_subset_and_sends_the_agreed_unit() -> None:
    player = _agreed()
    assert _steps(player.on("13", *_subset("relu1"))) == ["14", "15b", "16b"]
    session = {
        "sessionId": "i-1",
        "intermediateDataInformation": _config("relu1", "NONE")["intermediateDataInformation"],
    }
    _refused(player.on("17b", session, {}), "the session uses NONE; agreed INT8")
    session["intermediateDataInformation"] = _config("relu1", "INT8")["intermediateDataInformation"]
    reply = player.on("17b", session, {})
    assert _steps(reply) == ["18b"]
    unit = decode_unit(reply[0].attachments["unit"])  # type: ignore[index]
    assert [
        str(a) for a in unit.header.intermediate_data_information.compression_algorithms or []
    ] == ["INT8"]
    service = digits_service()
    sub = service.submodels(_candidate("relu1").identifier)
    want = Runner(sub.head, label="head").run({service.input_name: service.sample(2)})["relu1"]
    assert np.max(np.abs(unit.tensors["relu1"] - want)) <= np.max(np.abs(want)) / 127 * 1.01


# -- media in the network --------------------------------------------------------------------
def _unit(
    node: str, chain: str, point: str | None = None
) -> tuple[dict[str, Any], dict[str, bytes]]:
    service = digits_service()
    candidate = _candidate(node)
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


def _receiving() -> UeSplitInference:
    player = _agreed("dense2", "NONE", NS, AMPLE)
    assert _steps(player.on("13", *_subset("dense2", NS))) == ["14", "17a"]
    return player


def test_units_it_must_not_take_are_refused() -> None:
    player = _receiving()
    message, attachments = _unit("dense2", "NONE")
    corrupt = bytearray(attachments["unit"])
    corrupt[-8] ^= 1
    _refused(player.on("18a", message, {"unit": bytes(corrupt)}), "refused")
    _refused(player.on("18a", *_unit("dense2", "FLOAT16")), "framed with ['FLOAT16']")
    _refused(player.on("18a", *_unit("dense2", "NONE", point="99")), "for split point")
    _refused(player.on("18a", *_unit("relu1", "NONE")), "for split point")
    _refused(player.on("18a", {**message, "size": 1}, attachments), "were announced")
    _refused(player.on("18a", message, {}), "no intermediate data unit")


def test_its_output_is_the_whole_models() -> None:
    player = _receiving()
    reply = player.on("18a", *_unit("dense2", "NONE"))
    assert _steps(reply) == ["19a", "20a"]
    got = bytes_to_array(reply[1].attachments["output"])  # type: ignore[index]
    service = digits_service()
    np.testing.assert_allclose(got, service.whole(service.sample(2)), rtol=1e-5, atol=1e-7)


# -- the basic flows -------------------------------------------------------------------------
def _selection(node: str) -> dict[str, Any]:
    return {
        "modelIdentifier": "digits",
        "splitPointInformation": _candidate(node).split_point_information().to_wire(),
    }


def test_basic_media_in_the_ue() -> None:
    player = UeBasicSplit("split-inference-ue-source", _params())
    trigger = player.begin()[0]  # type: ignore[index]
    assert trigger.message["service"] == "SPLIT_INFERENCE"
    assert _steps(player.on("2", _selection("relu1"), {})) == ["5"]
    assert _steps(player.on("6", *_subset("relu1"))) == ["7", "8", "9"]
    other = _config("dense1", "INT8")["intermediateDataInformation"]
    _refused(
        player.on("10", {"sessionId": "i", "intermediateDataInformation": other}, {}),
        "other tensors",
    )
    lacking = _config("relu1", "ZSTD")["intermediateDataInformation"]
    _refused(
        player.on("10", {"sessionId": "i", "intermediateDataInformation": lacking}, {}), "ZSTD"
    )
    good = _config("relu1", "INT8")["intermediateDataInformation"]
    reply = player.on("10", {"sessionId": "i", "intermediateDataInformation": good}, {})
    assert _steps(reply) == ["11"]
    assert reply[0].message["compressionAlgorithms"] == ["INT8"]  # type: ignore[index]
    assert player.on("13", {"sequenceNumber": 0, "outputs": []}, {}) == []


def test_basic_subset_beyond_its_memory_is_refused() -> None:
    player = UeBasicSplit("split-inference-ue-source", _params())
    player.on("2", _selection("relu2"), {})
    _refused(player.on("6", *_subset("relu2")), "needs 0.02522 MB")


def test_basic_media_in_the_network() -> None:
    options = ReferenceOptions(split_ue_downlink_codec="FLOAT16")
    player = UeBasicSplit("split-inference-network-source", _params("ue-digits-slow", NS), options)
    player.on("2", _selection("dense2"), {})
    reply = player.on("6", *_subset("dense2", NS))
    assert _steps(reply) == ["7", "10"]
    asked = reply[1].message["intermediateDataInformation"]  # type: ignore[index]
    assert asked["compressionAlgorithms"] == ["FLOAT16"]  # the slow UE supports it
    message, attachments = _unit("dense2", "NONE")
    _refused(player.on("11", message, attachments), "agreed FLOAT16")
    reply = player.on("11", *_unit("dense2", "FLOAT16"))
    assert _steps(reply) == ["12", "13"]
    lacking = UeBasicSplit("split-inference-network-source", _params(AMPLE, NS), options)
    lacking.on("2", _selection("dense2"), {})
    reply = lacking.on("6", *_subset("dense2", NS))
    assert reply[1].message["intermediateDataInformation"]["compressionAlgorithms"] == ["NONE"]  # type: ignore[index]


# -- every other input it must refuse ----------------------------------------------------------
def test_a_chain_it_does_not_implement_or_a_budget_it_breaks_is_refused() -> None:
    player = UeSplitInference(_params(decision="UE"))
    config = _config("relu1", "NONE")
    config["intermediateDataInformation"]["compressionAlgorithms"] = ["FC_VCM"]
    _refused(player.on("7a", config, {}), "not one this UE implements")
    offer = _offer(LOW)
    runnable = set(_runnable(player, offer))
    slow = [
        {
            **c,
            "ueInferenceLatency": 60.0,
            "transferLatency": 0.0,
            "networkInferenceLatency": 0.0,
            "totalLatency": 60.0,
        }
        for c in offer["candidates"]
        if c["configurationIdentifier"] in runnable
    ]
    _refused(player.on("4b", {"candidates": slow}, {}), "exceeds the 50 ms budget")


def test_a_subset_that_does_not_load_is_refused() -> None:
    player = _agreed()
    junk = b"not an onnx model"
    message = {"modelIdentifier": "digits", "subset": "UE_SUBSET", "size": len(junk)}
    _refused(player.on("13", message | {"sha256": sha256(junk)}, {"model": junk}), "is refused")


def test_a_basic_subset_at_no_split_point_is_refused() -> None:
    player = UeBasicSplit("split-inference-ue-source", _params(AMPLE))
    player.on("2", _selection("relu1"), {})
    whole = digits_service().model.SerializeToString()
    message = {"modelIdentifier": "digits", "subset": "UE_SUBSET", "size": len(whole)}
    _refused(
        player.on("6", message | {"sha256": sha256(whole)}, {"model": whole}),
        "not at a split point",
    )


def test_a_session_other_than_agreed_is_refused() -> None:
    player = _agreed()
    session = {
        "sessionId": "i-1",
        "intermediateDataInformation": _config("relu1", "INT8")["intermediateDataInformation"],
    }
    _refused(player.on("17b", session, {}), "has run no inference")
    player.on("13", *_subset("relu1"))
    other = copy.deepcopy(session)
    other["intermediateDataInformation"] = _config("dense1", "INT8")["intermediateDataInformation"]
    _refused(player.on("17b", other, {}), "other tensors")
    other = copy.deepcopy(session)
    other["intermediateDataInformation"]["dataDirection"] = "DOWNSTREAM"
    _refused(player.on("17b", other, {}), "flows DOWNSTREAM")
    other["intermediateDataInformation"]["dataDirection"] = "UPSTREAM"
    other["intermediateDataInformation"]["compressionAlgorithms"] = ["FC_VCM"]
    _refused(player.on("17b", other, {}), "codec chain")


def test_a_unit_of_other_tensors_or_before_the_subset_is_refused() -> None:
    player = _agreed("dense2", "NONE", NS, AMPLE)
    _refused(player.on("18a", *_unit("dense2", "NONE")), "no sub-model to run")
    player.on("13", *_subset("dense2", NS))
    agreed_point = _candidate("dense2").identifier
    _refused(player.on("18a", *_unit("relu1", "NONE", point=agreed_point)), "other tensors")
    basic = UeBasicSplit("split-inference-network-source", _params(AMPLE, NS))
    _refused(basic.on("11", *_unit("dense2", "NONE")), "no sub-model to run")
