"""Every other input the reference UE of split inference must refuse: a codec chain it does
not implement, a latency budget the candidates break, a sub-model that does not load or is at
no split point, a session other than the agreed one, and a unit of other tensors or before the
sub-model, in the detailed and the basic flows.
"""

from __future__ import annotations

import copy

from ts26927.bindings.reference.ue_split_basic import UeBasicSplit
from ts26927.bindings.reference.ue_split_inference import UeSplitInference
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.split.service import digits_service

from .split_inference_inputs import (
    AMPLE,
    LOW,
    NS,
    agreed,
    basic_selection,
    candidate_at,
    candidates_offer,
    refused,
    runnable_ids,
    split_config,
    subset_delivery,
    ue_setup,
    unit_delivery,
)


# -- every other input it must refuse ----------------------------------------------------------
def test_a_chain_it_does_not_implement_or_a_budget_it_breaks_is_refused() -> None:
    player = UeSplitInference(ue_setup(decision="UE"))
    config = split_config("relu1", "NONE")
    config["intermediateDataInformation"]["compressionAlgorithms"] = ["FC_VCM"]
    refused(player.on("7a", config, {}), "not one this UE implements")
    offer = candidates_offer(LOW)
    runnable = set(runnable_ids(player, offer))
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
    refused(player.on("4b", {"candidates": slow}, {}), "exceeds the 50 ms budget")


def test_a_subset_that_does_not_load_is_refused() -> None:
    player = agreed()
    junk = b"not an onnx model"
    message = {"modelIdentifier": "digits", "subset": "UE_SUBSET", "size": len(junk)}
    refused(player.on("13", message | {"sha256": sha256(junk)}, {"model": junk}), "is refused")


def test_a_basic_subset_at_no_split_point_is_refused() -> None:
    player = UeBasicSplit("split-inference-ue-source", ue_setup(AMPLE))
    player.on("2", basic_selection("relu1"), {})
    whole = digits_service().model.SerializeToString()
    message = {"modelIdentifier": "digits", "subset": "UE_SUBSET", "size": len(whole)}
    refused(
        player.on("6", message | {"sha256": sha256(whole)}, {"model": whole}),
        "not at a split point",
    )


def test_a_session_other_than_agreed_is_refused() -> None:
    player = agreed()
    session = {
        "sessionId": "i-1",
        "intermediateDataInformation": split_config("relu1", "INT8")["intermediateDataInformation"],
    }
    refused(player.on("17b", session, {}), "has run no inference")
    player.on("13", *subset_delivery("relu1"))
    other = copy.deepcopy(session)
    other["intermediateDataInformation"] = split_config("dense1", "INT8")[
        "intermediateDataInformation"
    ]
    refused(player.on("17b", other, {}), "other tensors")
    other = copy.deepcopy(session)
    other["intermediateDataInformation"]["dataDirection"] = "DOWNSTREAM"
    refused(player.on("17b", other, {}), "flows DOWNSTREAM")
    other["intermediateDataInformation"]["dataDirection"] = "UPSTREAM"
    other["intermediateDataInformation"]["compressionAlgorithms"] = ["FC_VCM"]
    refused(player.on("17b", other, {}), "codec chain")


def test_a_unit_of_other_tensors_or_before_the_subset_is_refused() -> None:
    player = agreed("dense2", "NONE", NS, AMPLE)
    refused(player.on("18a", *unit_delivery("dense2", "NONE")), "no sub-model to run")
    player.on("13", *subset_delivery("dense2", NS))
    agreed_point = candidate_at("dense2").identifier
    refused(player.on("18a", *unit_delivery("relu1", "NONE", point=agreed_point)), "other tensors")
    basic = UeBasicSplit("split-inference-network-source", ue_setup(AMPLE, NS))
    refused(basic.on("11", *unit_delivery("dense2", "NONE")), "no sub-model to run")
