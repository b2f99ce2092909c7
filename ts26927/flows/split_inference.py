"""Split inference between the UE and the network — clause 5.2.3.2, figure 5.2.3-3 in its
detailed form: session (0), capability (1), negotiation where the network decides (2a-7a) or
the UE decides (2b-9b), model subset delivery (10-14), and split inference with the data
source in the network (15a-20a) or in the UE (15b-20b).
"""

from __future__ import annotations

from ts26927.flows import functions as f
from ts26927.flows.structure import alt, loop, seq
from ts26927.flows.table import Flow, Phase, Step
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.messages.common import (
    DeliverySessionSetup,
    InferenceOutput,
    MediaData,
    ModelDataDelivery,
    ModelHandover,
    ModelIdentification,
)
from ts26927.models.messages.split import (
    AiInferenceResourceAllocationRequest,
    AiInferenceResourceAllocationResponse,
    AiModelInformationRequest,
    AiModelInformationResponse,
    AiSplitInferenceRequest,
    AiSplitInferenceResponse,
    AiSplitInferenceSelectionRequest,
    AiSplitInferenceSelectionResponse,
    IntermediateDataDelivery,
    IntermediateDataSessionSetup,
    SessionEstablishment,
)

UE_APP, NET_APP = f.UE_APPLICATION, f.NETWORK_APPLICATION
NET_ENGINE, UE_ENGINE = f.NETWORK_INFERENCE_ENGINE, f.UE_INFERENCE_ENGINE

STEPS = (
    Step(
        "0",
        UE_APP,
        NET_APP,
        "The session is established between the UE and the network",
        SessionEstablishment,
        either_direction=True,
    ),
    Step(
        "1",
        f.UE_CAPABILITY_MANAGER,
        UE_APP,
        "UE Application gets the UE's capability information",
        EndpointCapabilityInformation,
    ),
    # Alternative case 1: the network decides the split inference.
    Step("2a", UE_APP, NET_APP, "AI split inference request", AiSplitInferenceRequest),
    Step("3a", NET_APP, NET_APP, "Network Application gets the UE's request information"),
    Step(
        "4a",
        NET_APP,
        NET_APP,
        "Network Application selects a proper AI model and split point from all matched candidates",
    ),
    Step(
        "5a",
        NET_APP,
        NET_ENGINE,
        "AI inference resource allocation request with the network AI model subset",
        AiInferenceResourceAllocationRequest,
    ),
    Step(
        "6a",
        NET_ENGINE,
        NET_APP,
        "AI Model Inference Engine responds with a result",
        AiInferenceResourceAllocationResponse,
    ),
    Step(
        "7a",
        NET_APP,
        UE_APP,
        "AI split inference response with the UE AI model subset",
        AiSplitInferenceResponse,
    ),
    # Alternative case 2: the UE decides the split inference.
    Step("2b", UE_APP, NET_APP, "AI model information request", AiModelInformationRequest),
    Step(
        "3b",
        NET_APP,
        NET_APP,
        "Network Application collects all matched candidate split point configurations",
    ),
    Step(
        "4b",
        NET_APP,
        UE_APP,
        "AI model information response with all matched candidates",
        AiModelInformationResponse,
    ),
    Step("5b", UE_APP, UE_APP, "UE Application selects a split point configuration"),
    Step(
        "6b",
        UE_APP,
        NET_APP,
        "AI split inference selection request",
        AiSplitInferenceSelectionRequest,
    ),
    Step(
        "7b",
        NET_APP,
        NET_ENGINE,
        "AI inference resource allocation request with the network model subset",
        AiInferenceResourceAllocationRequest,
    ),
    Step(
        "8b",
        NET_ENGINE,
        NET_APP,
        "AI Model Inference Engine responds with a result",
        AiInferenceResourceAllocationResponse,
    ),
    Step(
        "9b",
        NET_APP,
        UE_APP,
        "AI split inference selection response",
        AiSplitInferenceSelectionResponse,
    ),
    # AI model subset delivery.
    Step(
        "10",
        NET_APP,
        f.AI_MODEL_REPOSITORY,
        "Network Application identifies the selected UE and network AI model subsets",
        ModelIdentification,
    ),
    Step(
        "11",
        f.AI_MODEL_REPOSITORY,
        NET_ENGINE,
        "Network inference engine receives the network AI model subset",
        ModelDataDelivery,
    ),
    Step(
        "12",
        f.AI_MODEL_ACCESS,
        f.AI_MODEL_DELIVERY,
        "UE AI model subset delivery session established",
        DeliverySessionSetup,
    ),
    Step(
        "13",
        f.AI_MODEL_DELIVERY,
        f.AI_MODEL_ACCESS,
        "AI Model Access Function receives the UE AI model subset",
        ModelDataDelivery,
    ),
    Step(
        "14",
        f.AI_MODEL_ACCESS,
        UE_ENGINE,
        "UE AI model subset passed to the inference engine",
        ModelHandover,
    ),
    # Alternative case 1: data source in the network.
    Step(
        "15a",
        f.NETWORK_DATA_SOURCE,
        NET_ENGINE,
        "Network inference engine receives media data from the network Data Source or a peer user",
        MediaData,
    ),
    Step("16a", NET_ENGINE, NET_ENGINE, "Network AI inferencing"),
    Step(
        "17a",
        f.UE_INTERMEDIATE_ACCESS,
        f.NETWORK_INTERMEDIATE_DELIVERY,
        "Intermediate data delivery session established",
        IntermediateDataSessionSetup,
    ),
    Step(
        "18a",
        f.NETWORK_INTERMEDIATE_DELIVERY,
        f.UE_INTERMEDIATE_ACCESS,
        "UE Intermediate Data Access Function receives intermediate data",
        IntermediateDataDelivery,
    ),
    Step("19a", UE_ENGINE, UE_ENGINE, "UE AI inferencing"),
    Step(
        "20a",
        UE_ENGINE,
        f.UE_DATA_DESTINATION,
        "Inference output result to the UE Data Destination",
        InferenceOutput,
    ),
    # Alternative case 2: data source in the UE.
    Step(
        "15b",
        f.UE_DATA_SOURCE,
        UE_ENGINE,
        "UE Data Source passes media data to the inference engine",
        MediaData,
    ),
    Step("16b", UE_ENGINE, UE_ENGINE, "UE AI inferencing"),
    Step(
        "17b",
        f.NETWORK_INTERMEDIATE_ACCESS,
        f.UE_INTERMEDIATE_DELIVERY,
        "Intermediate data delivery session established",
        IntermediateDataSessionSetup,
    ),
    Step(
        "18b",
        f.UE_INTERMEDIATE_DELIVERY,
        f.NETWORK_INTERMEDIATE_ACCESS,
        "Network Intermediate Data Access Function receives intermediate data",
        IntermediateDataDelivery,
    ),
    Step("19b", NET_ENGINE, NET_ENGINE, "Network AI inferencing"),
    Step(
        "20b",
        NET_ENGINE,
        f.UE_DATA_DESTINATION,
        "Inference output result to the UE Data Destination or a peer user",
        InferenceOutput,
    ),
)

_NEGOTIATION = alt(
    ("Alternative 1: network decides", seq("2a", "3a", "4a", "5a", "6a", "7a")),
    ("Alternative 2: UE decides", seq("2b", "3b", "4b", "5b", "6b", "7b", "8b", "9b")),
)
_INFERENCE = alt(
    (
        "Alternative 1: data source in the network",
        seq(
            "15a",
            "16a",
            "17a",
            "18a",
            "19a",
            "20a",
            loop("15a", "16a", "18a", "19a", "20a", label="each media input", min_times=0),
        ),
    ),
    (
        "Alternative 2: data source in the UE",
        seq(
            "15b",
            "16b",
            "17b",
            "18b",
            "19b",
            "20b",
            loop("15b", "16b", "18b", "19b", "20b", label="each media input", min_times=0),
        ),
    ),
)

STRUCTURE = seq(
    "0",
    loop(
        "1",
        _NEGOTIATION,
        "10",
        "11",
        "12",
        "13",
        "14",
        _INFERENCE,
        label="negotiation at start or when the UE or network status changes",
    ),
)

FLOW = Flow(
    id="split-inference",
    clause="5.2.3.2",
    figure="Figure 5.2.3-3",
    title="Split inference between the UE and the network (detailed workflow)",
    steps=STEPS,
    structure=STRUCTURE,
    phases=(
        # The TR's headings: negotiation (after the session), subset delivery, split inference.
        Phase(
            "Session and AI split inference negotiation",
            (
                *("0", "1", "2a", "3a", "4a", "5a", "6a", "7a"),
                *("2b", "3b", "4b", "5b", "6b", "7b", "8b", "9b"),
            ),
        ),
        Phase("AI model subset delivery", ("10", "11", "12", "13", "14")),
        Phase(
            "AI split inference, data source in the network",
            ("15a", "16a", "17a", "18a", "19a", "20a"),
        ),
        Phase(
            "AI split inference, data source in the UE", ("15b", "16b", "17b", "18b", "19b", "20b")
        ),
    ),
    notes=(
        "The negotiation 'may be performed at the beginning or during the session when the "
        "UE or network status has changed': after inference the flow may return to step 1, "
        "and a new negotiation delivers new subsets (10-14).",
        "Steps 15-20 repeat for each media input; the intermediate data delivery session "
        "(17a/17b) is established once per negotiation.",
    ),
)
