"""Generic AI/ML model delivery with inference in the UE — clause 5.2.2.2.1, figure 5.2.2-2."""

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

STEPS = (
    Step(
        "1",
        f.UE_APPLICATION,
        f.NETWORK_APPLICATION,
        "UE Application and Network Application communicate to trigger AI model delivery",
        AiServiceTrigger,
        either_direction=True,
    ),
    Step(
        "2",
        f.NETWORK_APPLICATION,
        f.UE_APPLICATION,
        "An AI model is selected between the UE Application and Network Application",
        ModelSelection,
        either_direction=True,
    ),
    Step(
        "3",
        f.NETWORK_APPLICATION,
        f.AI_MODEL_REPOSITORY,
        "Network Application identifies the selected AI model in the repository",
        ModelIdentification,
    ),
    Step(
        "4",
        f.AI_MODEL_ACCESS,
        f.AI_MODEL_DELIVERY,
        "AI Model Access Function establishes an AI model delivery session",
        DeliverySessionSetup,
    ),
    Step(
        "5",
        f.AI_MODEL_DELIVERY,
        f.AI_MODEL_ACCESS,
        "AI Model Access Function receives the AI model",
        ModelDataDelivery,
    ),
    Step(
        "6",
        f.AI_MODEL_ACCESS,
        f.UE_INFERENCE_ENGINE,
        "AI Model Access Function passes the model to the inference engine",
        ModelHandover,
    ),
    Step(
        "7",
        f.UE_DATA_SOURCE,
        f.UE_INFERENCE_ENGINE,
        "Data Source passes media data to the inference engine",
        MediaData,
    ),
    Step(
        "8",
        f.UE_INFERENCE_ENGINE,
        f.UE_INFERENCE_ENGINE,
        "AI Model Inference Engine performs AI inferencing",
    ),
    Step(
        "9",
        f.UE_INFERENCE_ENGINE,
        f.UE_DATA_DESTINATION,
        "Inference output result passed to the UE Data Destination",
        InferenceOutput,
    ),
)

STRUCTURE = seq("1", "2", "3", "4", "5", "6", loop("7", "8", "9", label="each media input"))

FLOW = Flow(
    id="model-delivery",
    clause="5.2.2.2.1",
    figure="Figure 5.2.2-2",
    title="AI/ML model delivery with inference in the UE",
    steps=STEPS,
    structure=STRUCTURE,
    phases=(
        Phase("Trigger and model selection", ("1", "2", "3")),
        Phase("Model delivery", ("4", "5", "6")),
        Phase("Inference", ("7", "8", "9")),
    ),
    notes=(
        "TR draws steps 7-9 once; we let them repeat for each media input, as a media "
        "service runs inference on every frame.",
        "TR says steps 1 and 2 happen 'between' the UE and Network Application; either side "
        "may send them.",
    ),
)
