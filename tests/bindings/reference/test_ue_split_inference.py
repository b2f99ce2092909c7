"""The reference UE of split inference (detailed flows), driven step by step with
configurations, sub-models and units made by the engine: what it reports, accepts, selects
and sends, whether the network decides or the UE selects, with the media in the UE or in the
network, and what it refuses on the way. The basic flows are in ``test_ue_split_basic.py``,
every other input it must refuse in ``test_ue_split_refusals.py``.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from ts26927.bindings.attachments import bytes_to_array
from ts26927.bindings.reference import ReferenceOptions
from ts26927.bindings.reference.ue_split_inference import UeSplitInference
from ts26927.conformance.fixtures.profiles import UE_CAPABILITIES
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.service import digits_service
from ts26927.engine.split.unit import decode_unit
from ts26927.errors import SetupError
from ts26927.models.endpoint_capability import EndpointCapabilityInformation

from .split_inference_inputs import (
    AMPLE,
    LOW,
    NS,
    UE1,
    agreed,
    candidate_at,
    candidates_offer,
    refused,
    runnable_ids,
    split_config,
    steps,
    subset_delivery,
    ue_setup,
    unit_delivery,
)


# -- capabilities and requests ---------------------------------------------------------------
def test_it_reports_the_capabilities_it_was_set_up_with() -> None:
    outputs = UeSplitInference(ue_setup()).begin()
    assert [o.step for o in outputs] == ["0", "1", "2a"]  # type: ignore[union-attr]
    first, request = outputs[1].message, outputs[2].message  # type: ignore[index]
    configured = EndpointCapabilityInformation.from_wire(UE_CAPABILITIES[LOW][1])
    assert first == configured.to_wire()
    assert request["ueCapabilityInformation"] == first
    selecting = UeSplitInference(ue_setup(decision="UE")).begin()
    assert [o.step for o in selecting][-1] == "2b"  # type: ignore[union-attr]


def test_it_needs_its_capabilities() -> None:
    params = ue_setup()
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
    player = UeSplitInference(ue_setup())
    refused(player.on("7a", split_config(*config), {}), reason)
    assert player.device.agreed is None


def test_a_decision_at_no_split_point_or_described_wrongly_is_refused() -> None:
    player = UeSplitInference(ue_setup())
    config = split_config("relu1", "INT8")
    wrong = copy.deepcopy(config)
    wrong["intermediateDataInformation"]["tensors"][0]["name"] = "pixels"
    refused(player.on("7a", wrong, {}), "do not split the service's model")
    wrong = copy.deepcopy(config)
    wrong["intermediateDataInformation"]["tensors"][0]["tensorShape"] = [1, 63]
    refused(player.on("7a", wrong, {}), "describes the tensors at its split point wrongly")


def test_a_decision_it_can_run_opens_the_delivery_of_its_subset() -> None:
    player = UeSplitInference(ue_setup(), ReferenceOptions(split_ue_id_prefix="x-"))
    reply = player.on("7a", split_config("relu1", "INT8"), {})
    assert steps(reply) == ["12"]
    setup = reply[0].message  # type: ignore[index]
    assert setup == {
        "deliverySessionId": "x-d-1",
        "modelIdentifier": "digits",
        "subset": "UE_SUBSET",
        "deliveryMethod": setup["deliveryMethod"],
    }


# -- alternative #2: the UE selects -----------------------------------------------------------
def test_it_selects_the_preferred_candidate_it_can_run() -> None:
    player = UeSplitInference(ue_setup(decision="UE"))
    offer = candidates_offer(LOW)
    runnable = runnable_ids(player, offer)
    assert runnable and len(runnable) < len(offer["candidates"])
    index = next(
        i for i, c in enumerate(offer["candidates"]) if c["configurationIdentifier"] == runnable[-1]
    )
    offer = candidates_offer(LOW, preferred=index)
    reply = player.on("4b", offer, {})
    assert steps(reply) == ["5b", "6b"]
    assert reply[1].message["selected"]["configurationIdentifier"] == runnable[-1]  # type: ignore[index]


def test_a_preferred_candidate_it_cannot_run_is_passed_over() -> None:
    player = UeSplitInference(ue_setup(decision="UE"))
    offer = candidates_offer(LOW)
    runnable = runnable_ids(player, offer)
    beyond = next(
        i for i, c in enumerate(offer["candidates"]) if c["configurationIdentifier"] not in runnable
    )
    reply = player.on("4b", candidates_offer(LOW, preferred=beyond), {})
    assert reply[1].message["selected"]["configurationIdentifier"] == runnable[0]  # type: ignore[index]
    last = UeSplitInference(ue_setup(decision="UE"), ReferenceOptions(split_ue_selection="last"))
    reply = last.on("4b", candidates_offer(LOW, preferred=beyond), {})
    assert reply[1].message["selected"]["configurationIdentifier"] == runnable[-1]  # type: ignore[index]


def test_candidates_none_of_which_it_can_run_are_refused() -> None:
    player = UeSplitInference(ue_setup(decision="UE"))
    offer = candidates_offer(LOW)
    runnable = set(runnable_ids(player, offer))
    offer["candidates"] = [
        c for c in offer["candidates"] if c["configurationIdentifier"] not in runnable
    ]
    offer["preferredCandidate"] = offer["candidates"][0]["configurationIdentifier"]
    refused(player.on("4b", offer, {}), "can run none of the candidates")
    offer["candidates"] = [
        {
            **c,
            "topology": NS,
            "intermediateDataInformation": {
                **c["intermediateDataInformation"],
                "dataDirection": "DOWNSTREAM",
            },
        }
        for c in candidates_offer(AMPLE)["candidates"]
    ]
    offer["preferredCandidate"] = offer["candidates"][0]["configurationIdentifier"]
    refused(player.on("4b", offer, {}), "topology NETWORK_SOURCE")


def test_a_declined_selection_agrees_nothing() -> None:
    player = UeSplitInference(ue_setup(decision="UE"))
    player.on("4b", candidates_offer(LOW), {})
    assert player.on("9b", {"result": "FAILURE", "cause": "gone"}, {}) == []
    assert player.device.agreed is None
    assert steps(player.on("9b", {"result": "SUCCESS"}, {})) == ["12"]
    assert player.device.agreed is not None


# -- the sub-model --------------------------------------------------------------------------
def test_a_subset_before_any_agreement_is_refused() -> None:
    player = UeSplitInference(ue_setup())
    refused(player.on("13", *subset_delivery("relu1")), "no split configuration has been agreed")


def test_a_subset_that_does_not_verify_or_fit_is_refused() -> None:
    player = agreed()
    message, attachments = subset_delivery("relu1")
    refused(player.on("13", {**message, "sha256": "0" * 64}, attachments), "SHA-256")
    refused(player.on("13", *subset_delivery("dense1")), "meets the network's at ['dense1']")
    wrong = {**message, "subset": "NETWORK_SUBSET"}
    refused(player.on("13", wrong, attachments), "not the UE's subset")
    refused(player.on("13", message, {"model": b"junk"}), "SHA-256")
    assert player.device.subset is None


def test_with_the_media_in_the_ue_it_runs_its_subset_and_sends_the_agreed_unit() -> None:
    player = agreed()
    assert steps(player.on("13", *subset_delivery("relu1"))) == ["14", "15b", "16b"]
    session = {
        "sessionId": "i-1",
        "intermediateDataInformation": split_config("relu1", "NONE")["intermediateDataInformation"],
    }
    refused(player.on("17b", session, {}), "the session uses NONE; agreed INT8")
    session["intermediateDataInformation"] = split_config("relu1", "INT8")[
        "intermediateDataInformation"
    ]
    reply = player.on("17b", session, {})
    assert steps(reply) == ["18b"]
    unit = decode_unit(reply[0].attachments["unit"])  # type: ignore[index]
    assert [
        str(a) for a in unit.header.intermediate_data_information.compression_algorithms or []
    ] == ["INT8"]
    service = digits_service()
    sub = service.submodels(candidate_at("relu1").identifier)
    want = Runner(sub.head, label="head").run({service.input_name: service.sample(2)})["relu1"]
    assert np.max(np.abs(unit.tensors["relu1"] - want)) <= np.max(np.abs(want)) / 127 * 1.01


# -- media in the network --------------------------------------------------------------------
def _receiving() -> UeSplitInference:
    player = agreed("dense2", "NONE", NS, AMPLE)
    assert steps(player.on("13", *subset_delivery("dense2", NS))) == ["14", "17a"]
    return player


def test_units_it_must_not_take_are_refused() -> None:
    player = _receiving()
    message, attachments = unit_delivery("dense2", "NONE")
    corrupt = bytearray(attachments["unit"])
    corrupt[-8] ^= 1
    refused(player.on("18a", message, {"unit": bytes(corrupt)}), "refused")
    refused(player.on("18a", *unit_delivery("dense2", "FLOAT16")), "framed with ['FLOAT16']")
    refused(player.on("18a", *unit_delivery("dense2", "NONE", point="99")), "for split point")
    refused(player.on("18a", *unit_delivery("relu1", "NONE")), "for split point")
    refused(player.on("18a", {**message, "size": 1}, attachments), "were announced")
    refused(player.on("18a", message, {}), "no intermediate data unit")


def test_its_output_is_the_whole_models() -> None:
    player = _receiving()
    reply = player.on("18a", *unit_delivery("dense2", "NONE"))
    assert steps(reply) == ["19a", "20a"]
    got = bytes_to_array(reply[1].attachments["output"])  # type: ignore[index]
    service = digits_service()
    np.testing.assert_allclose(got, service.whole(service.sample(2)), rtol=1e-5, atol=1e-7)
