"""The reference UE of the basic split-inference flows (media in the UE, media in the
network), driven step by step with selections, sub-models and units made by the engine: the
trigger, the session it asks for and the codec chain it agrees, and a subset beyond its memory.
"""

from __future__ import annotations

from ts26927.bindings.reference import ReferenceOptions
from ts26927.bindings.reference.ue_split_basic import UeBasicSplit

from .split_inference_inputs import (
    AMPLE,
    NS,
    basic_selection,
    refused,
    split_config,
    steps,
    subset_delivery,
    ue_setup,
    unit_delivery,
)


def test_basic_media_in_the_ue() -> None:
    player = UeBasicSplit("split-inference-ue-source", ue_setup())
    trigger = player.begin()[0]  # type: ignore[index]
    assert trigger.message["service"] == "SPLIT_INFERENCE"
    assert steps(player.on("2", basic_selection("relu1"), {})) == ["5"]
    assert steps(player.on("6", *subset_delivery("relu1"))) == ["7", "8", "9"]
    other = split_config("dense1", "INT8")["intermediateDataInformation"]
    refused(
        player.on("10", {"sessionId": "i", "intermediateDataInformation": other}, {}),
        "other tensors",
    )
    lacking = split_config("relu1", "ZSTD")["intermediateDataInformation"]
    refused(player.on("10", {"sessionId": "i", "intermediateDataInformation": lacking}, {}), "ZSTD")
    good = split_config("relu1", "INT8")["intermediateDataInformation"]
    reply = player.on("10", {"sessionId": "i", "intermediateDataInformation": good}, {})
    assert steps(reply) == ["11"]
    assert reply[0].message["compressionAlgorithms"] == ["INT8"]  # type: ignore[index]
    assert player.on("13", {"sequenceNumber": 0, "outputs": []}, {}) == []


def test_basic_subset_beyond_its_memory_is_refused() -> None:
    player = UeBasicSplit("split-inference-ue-source", ue_setup())
    player.on("2", basic_selection("relu2"), {})
    refused(player.on("6", *subset_delivery("relu2")), "needs 0.02522 MB")


def test_basic_media_in_the_network() -> None:
    options = ReferenceOptions(split_ue_downlink_codec="FLOAT16")
    player = UeBasicSplit("split-inference-network-source", ue_setup("ue-digits-slow", NS), options)
    player.on("2", basic_selection("dense2"), {})
    reply = player.on("6", *subset_delivery("dense2", NS))
    assert steps(reply) == ["7", "10"]
    asked = reply[1].message["intermediateDataInformation"]  # type: ignore[index]
    assert asked["compressionAlgorithms"] == ["FLOAT16"]  # the slow UE supports it
    message, attachments = unit_delivery("dense2", "NONE")
    refused(player.on("11", message, attachments), "agreed FLOAT16")
    reply = player.on("11", *unit_delivery("dense2", "FLOAT16"))
    assert steps(reply) == ["12", "13"]
    lacking = UeBasicSplit("split-inference-network-source", ue_setup(AMPLE, NS), options)
    lacking.on("2", basic_selection("dense2"), {})
    reply = lacking.on("6", *subset_delivery("dense2", NS))
    assert reply[1].message["intermediateDataInformation"]["compressionAlgorithms"] == ["NONE"]  # type: ignore[index]
