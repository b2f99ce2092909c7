"""Adaptive AI/ML model delivery — clause 5.2.2.2.2, figure 5.2.1.2-2 (numbered so in the TR).

A small low-precision model is delivered first; updates then raise its precision while the
inference loop goes on.
"""

from __future__ import annotations

from ts26927.flows import functions as f
from ts26927.flows.structure import loop, opt, seq
from ts26927.flows.table import Flow, Phase, Step
from ts26927.models.messages.adaptive import (
    AdaptiveModelRequest,
    ModelManifest,
    PrecisionUpdateRequest,
)
from ts26927.models.messages.common import (
    DeliverySessionSetup,
    InferenceOutput,
    MediaData,
    ModelDataDelivery,
    ModelHandover,
    ModelIdentification,
)

STEPS = (
    Step(
        "1",
        f.NETWORK_APPLICATION,
        f.UE_APPLICATION,
        "Establish adaptive model delivery; the UE learns the available models, precisions "
        "and updates from a model manifest",
        ModelManifest,
    ),
    Step(
        "2",
        f.UE_APPLICATION,
        f.UE_APPLICATION,
        "UE Application selects an adaptive model (e.g. by size and network capacity)",
    ),
    Step(
        "3",
        f.UE_APPLICATION,
        f.NETWORK_APPLICATION,
        "UE Application requests the adaptive model of the selected precision",
        AdaptiveModelRequest,
    ),
    Step(
        "4",
        f.NETWORK_APPLICATION,
        f.AI_MODEL_REPOSITORY,
        "Network Application identifies the selected AI model in the repository",
        ModelIdentification,
    ),
    Step(
        "5",
        f.AI_MODEL_ACCESS,
        f.AI_MODEL_DELIVERY,
        "AI Model Access Function establishes an AI model delivery session",
        DeliverySessionSetup,
    ),
    Step(
        "6",
        f.AI_MODEL_DELIVERY,
        f.AI_MODEL_ACCESS,
        "AI Model Access Function receives the model of the requested precision",
        ModelDataDelivery,
    ),
    Step(
        "7",
        f.AI_MODEL_ACCESS,
        f.UE_INFERENCE_ENGINE,
        "AI Model Access Function passes the model to the inference engine",
        ModelHandover,
    ),
    Step(
        "8",
        f.UE_DATA_SOURCE,
        f.UE_INFERENCE_ENGINE,
        "Data Source passes data to the inference engine",
        MediaData,
    ),
    Step(
        "9",
        f.UE_INFERENCE_ENGINE,
        f.UE_INFERENCE_ENGINE,
        "AI Model Inference Engine performs AI inferencing",
    ),
    Step(
        "10",
        f.UE_INFERENCE_ENGINE,
        f.UE_DATA_DESTINATION,
        "Inference output result passed to the UE Data Destination",
        InferenceOutput,
    ),
    Step(
        "11",
        f.UE_APPLICATION,
        f.NETWORK_APPLICATION,
        "UE Application triggers a model precision update",
        PrecisionUpdateRequest,
    ),
    Step(
        "12",
        f.UE_INFERENCE_ENGINE,
        f.UE_INFERENCE_ENGINE,
        "The update is applied to the low precision model",
    ),
)

_INFERENCE = loop("8", "9", "10", label="inference loop")

STRUCTURE = seq(
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    _INFERENCE,
    loop(
        "11",
        opt("5", label="session established anew (else reused)"),
        "6",
        "7",
        "12",
        _INFERENCE,
        label="per precision level",
        min_times=0,
    ),
)

FLOW = Flow(
    id="adaptive-model-delivery",
    clause="5.2.2.2.2",
    figure="Figure 5.2.1.2-2",
    title="Adaptive model delivery update",
    steps=STEPS,
    structure=STRUCTURE,
    phases=(
        Phase("Establishment and model selection", ("1", "2", "3", "4")),
        Phase("Adaptive AI model delivery session loop", ("5", "6", "7", "8", "9", "10")),
        Phase("Model delivery update", ("11", "12")),
    ),
    notes=(
        "TR says after step 11 the delivery session 'is reused or established according to "
        "step 5-10'; we read step 5 as optional there (reused session), steps 6-7 as "
        "delivering the update package, step 12 as applying it, and the inference loop "
        "8-10 as continuing with the updated model.",
        "The update may repeat once per precision level; zero updates is allowed.",
    ),
)
