"""The two basic 13-step split inference workflows of clause 5.2.3.2: media data source in
the network (figure 5.2.3-3) and in the UE (figure 5.2.3-4)."""

from __future__ import annotations

from ts26927.flows import functions as f
from ts26927.flows.structure import loop, seq
from ts26927.flows.table import Flow, Phase, Step
from ts26927.models.messages.common import (
    AiServiceTrigger,
    DeliverySessionSetup,
    InferenceOutput,
    MediaData,
    ModelDataDelivery,
    ModelHandover,
    ModelIdentification,
    ModelSelection,
)
from ts26927.models.messages.split import IntermediateDataDelivery, IntermediateDataSessionSetup

UE_APP, NET_APP = f.UE_APPLICATION, f.NETWORK_APPLICATION
NET_ENGINE, UE_ENGINE = f.NETWORK_INFERENCE_ENGINE, f.UE_INFERENCE_ENGINE

_COMMON = (
    Step(
        "1",
        UE_APP,
        NET_APP,
        "Trigger split AI model delivery",
        AiServiceTrigger,
        either_direction=True,
    ),
    Step(
        "2", NET_APP, UE_APP, "A split AI model is selected", ModelSelection, either_direction=True
    ),
    Step(
        "3",
        NET_APP,
        f.AI_MODEL_REPOSITORY,
        "Identify the UE and network AI model subsets",
        ModelIdentification,
    ),
    Step(
        "4",
        f.AI_MODEL_REPOSITORY,
        NET_ENGINE,
        "Network inference engine receives the network AI model subset",
        ModelDataDelivery,
    ),
    Step(
        "5",
        f.AI_MODEL_ACCESS,
        f.AI_MODEL_DELIVERY,
        "UE AI model subset delivery session established",
        DeliverySessionSetup,
    ),
    Step(
        "6",
        f.AI_MODEL_DELIVERY,
        f.AI_MODEL_ACCESS,
        "AI Model Access Function receives the UE AI model subset",
        ModelDataDelivery,
    ),
    Step(
        "7",
        f.AI_MODEL_ACCESS,
        UE_ENGINE,
        "UE AI model subset passed to the inference engine",
        ModelHandover,
    ),
)

NETWORK_SOURCE_STEPS = (
    *_COMMON,
    Step(
        "8", f.NETWORK_DATA_SOURCE, NET_ENGINE, "Network Data Source passes media data", MediaData
    ),
    Step("9", NET_ENGINE, NET_ENGINE, "Network AI inferencing"),
    Step(
        "10",
        f.UE_INTERMEDIATE_ACCESS,
        f.NETWORK_INTERMEDIATE_DELIVERY,
        "Intermediate data delivery session established",
        IntermediateDataSessionSetup,
    ),
    Step(
        "11",
        f.NETWORK_INTERMEDIATE_DELIVERY,
        f.UE_INTERMEDIATE_ACCESS,
        "UE receives intermediate data",
        IntermediateDataDelivery,
    ),
    Step("12", UE_ENGINE, UE_ENGINE, "UE AI inferencing"),
    Step(
        "13",
        UE_ENGINE,
        f.UE_DATA_DESTINATION,
        "Inference output result to the UE Data Destination",
        InferenceOutput,
    ),
)

UE_SOURCE_STEPS = (
    *_COMMON,
    Step("8", f.UE_DATA_SOURCE, UE_ENGINE, "UE Data Source passes media data", MediaData),
    Step("9", UE_ENGINE, UE_ENGINE, "UE AI inferencing"),
    Step(
        "10",
        f.NETWORK_INTERMEDIATE_ACCESS,
        f.UE_INTERMEDIATE_DELIVERY,
        "Intermediate data delivery session established",
        IntermediateDataSessionSetup,
    ),
    Step(
        "11",
        f.UE_INTERMEDIATE_DELIVERY,
        f.NETWORK_INTERMEDIATE_ACCESS,
        "Network receives intermediate data",
        IntermediateDataDelivery,
    ),
    Step("12", NET_ENGINE, NET_ENGINE, "Network AI inferencing"),
    Step(
        "13",
        NET_ENGINE,
        f.UE_DATA_DESTINATION,
        "UE Data Destination receives the inference output result from the network",
        InferenceOutput,
    ),
)

STRUCTURE = seq(
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "10",
    "11",
    "12",
    "13",
    loop("8", "9", "11", "12", "13", label="each media input", min_times=0),
)

# The TR's parts of figures 5.2.3-3 and 5.2.3-4, as in the detailed workflow.
_PHASES = (
    Phase("Trigger and split AI model selection", ("1", "2", "3")),
    Phase("AI model subset delivery", ("4", "5", "6", "7")),
    Phase("AI split inference", ("8", "9", "10", "11", "12", "13")),
)

_NOTES = (
    "Steps 8-13 repeat for each media input; the intermediate data delivery session (10) is "
    "established once.",
)

NETWORK_SOURCE = Flow(
    id="split-inference-network-source",
    clause="5.2.3.2",
    figure="Figure 5.2.3-3",
    title="Split inference between the network and UE, media data source in the network",
    steps=NETWORK_SOURCE_STEPS,
    structure=STRUCTURE,
    notes=_NOTES,
    phases=_PHASES,
)

UE_SOURCE = Flow(
    id="split-inference-ue-source",
    clause="5.2.3.2",
    figure="Figure 5.2.3-4",
    title="Split inference between the UE and network, media data source in the UE",
    steps=UE_SOURCE_STEPS,
    structure=STRUCTURE,
    notes=_NOTES,
    phases=_PHASES,
)
