"""Items of the steps of split inference, detailed workflow — clause 5.2.3.2, figure 5.2.3-3."""

from __future__ import annotations

from ts26927.flows.fidelity.items import Item, read, to
from ts26927.flows.fidelity.readings import (
    DATA_SESSION,
    INFERENCING,
    OUTPUT_RESULT,
    PASSED_TO_ENGINE,
    PASSES_UE_SUBSET,
    RECEIVES_UNIT,
    SUBSET,
    UE_SUBSET,
)

_SUBSET_AT = (
    "The subset is named by its model and its split point; which side it is follows from the "
    "receiver of the step."
)
_CAPABILITY_SENDER = (
    "TR says the UE Application 'gets' the capability information and names no source; the "
    "flow table has the AI Capability Manager (UE) send it: the control plane function for "
    "capability exchange of clause 5.3.2, which monitors and reports the UE's capabilities "
    "(clause 5.3.4.2). The message is the clause 6.6.5 information itself."
)
_NETWORK_CAPABILITY = (
    "TR says the selection is also based on 'the network's capability information'; it is "
    "known to the Network Application and is carried by no message of this flow."
)
_RESULT = "TR names only a successful result; we also let the engine refuse (FAILURE with a cause)."

_REQUEST_ITEMS = (
    to(
        "AI/ML service information",
        "/serviceRequirementInformation",
        reading="TR's only example is the service requirements; we carry the clause 6.6.4 "
        "service requirement information.",
    ),
    to("service requirements", "/serviceRequirementInformation"),
    to("UE's capability", "/ueCapabilityInformation"),
    to(
        "available AI inference processing capabilities",
        "/ueCapabilityInformation/processingCapabilities",
    ),
    to("supported AI framework", "/ueCapabilityInformation/supportedAiFrameworks"),
    to(
        "available bandwidth (uplink/downlink)",
        "/availableBandwidth",
        "/availableBandwidth/uplink",
        "/availableBandwidth/downlink",
        reading="One rate each way; the 6.6.5 connection capability is one rate for both.",
    ),
    to("preferred delivery method", "/preferredDeliveryMethod"),
)

_SUBSET_INFORMATION = (
    to("the split point", "/splitPointInformation"),
    to("the intermediate data information", "/intermediateDataInformation"),
)

_CANDIDATE_ITEMS = (
    to("model accuracy", "/candidates/accuracy", at="4b"),
    to(
        "Intermediate data characteristics",
        "/candidates/intermediateDataInformation",
        "/candidates/intermediateDataSize",
        reading="The clause 6.6.3 intermediate data information and the size of one unit as "
        "transmitted.",
        at="4b",
    ),
    to(
        "latencies",
        "/candidates/totalLatency",
        reading="Besides the three latencies the TR lists, the end-to-end latency, which "
        "clause 6.6.4's maximum service inference latency bounds.",
        at="4b",
    ),
    to(
        "UE application",
        "/candidates/ueInferenceLatency",
        reading="TR lists the latency of the 'UE application'; we read it as the inference "
        "latency of the UE sub-model on the UE.",
        at="4b",
    ),
    to(
        "uplink/downlink connections",
        "/candidates/uplinkLatency",
        "/candidates/downlinkLatency",
        "/candidates/transferLatency",
        reading="One latency each way, and their sum (transferLatency).",
        at="4b",
    ),
    to(
        "Network Application",
        "/candidates/networkInferenceLatency",
        reading="TR lists the latency of the 'Network Application'; we read it as the "
        "inference latency of the network sub-model.",
        at="4b",
    ),
    to("UE profile required to infer the UE subset", "/candidates/ueProfile", at="4b"),
    to(
        "Memory or computing resources",
        "/candidates/ueProfile/memory",
        "/candidates/ueProfile/computationalCost",
        "/candidates/ueProfile/computationalComplexity",
        at="4b",
    ),
    to("distribution mode", "/candidates/distributionModes", at="4b"),
    to("RTP/DASH/Progressive and multicast support", "/candidates/distributionModes", at="4b"),
)

STEPS: dict[str, tuple[Item, ...]] = {
    "0": (
        to(
            "The session is established",
            "/sessionId",
            reading="TR names no content; the message carries the session identifier that "
            "the later messages quote.",
        ),
    ),
    "1": (
        to("memory", "/processingCapabilities/memory"),
        to("AI inference processing capabilities", "/processingCapabilities"),
        to("supported AI framework information", "/supportedAiFrameworks"),
        to("connection capabilities", "/connectionCapabilities"),
        read("The UE Application gets the UE's capability information", _CAPABILITY_SENDER),
    ),
    "2a": (
        *_REQUEST_ITEMS,
        to("optimization selection choice", "/optimizationPreference"),
        to(
            "latency, energy consumption, network bandwidth",
            "/optimizationPreference",
            reading="One choice among LATENCY, ENERGY and BANDWIDTH, not a weighting.",
        ),
    ),
    "3a": (
        read(
            "gets the UE's request information",
            "An action of the Network Application: it reads the request of step 2a.",
        ),
    ),
    "4a": (
        read(
            "selects a proper AI model",
            "An action of the Network Application (the reference engine's split selection); "
            "the selected subsets travel at steps 5a and 7a.",
        ),
        read("the network's capability information", _NETWORK_CAPABILITY),
    ),
    "5a": (
        to("selected network AI model subset information", "/modelIdentifier", reading=_SUBSET_AT),
        *_SUBSET_INFORMATION,
    ),
    "6a": (to("a successful result", "/result", reading=_RESULT),),
    "7a": (
        to("selected UE AI model subset information", "/modelIdentifier", reading=_SUBSET_AT),
        *_SUBSET_INFORMATION,
    ),
    "2b": _REQUEST_ITEMS,
    "3b": (
        to(
            "collects all matched AI models",
            "/candidates/modelIdentifier",
            reading="An action of the Network Application (the reference engine's split "
            "selection); what it collects travels at step 4b.",
            at="4b",
        ),
        to(
            "candidate split points configurations",
            "/candidates",
            "/candidates/splitPointInformation",
            at="4b",
        ),
        read("the network's capability information", _NETWORK_CAPABILITY),
        *_CANDIDATE_ITEMS,
    ),
    "4b": (
        to("all matched candidates split points configurations", "/candidates"),
        to(
            "the range/list of supported split points",
            "/supportedSplitPoints",
            reading="A list; a range is written as the list of its points.",
        ),
        to(
            "a preferred split point configuration",
            "/preferredCandidate",
            reading="By the identifier of one of the candidates.",
        ),
    ),
    "5b": (
        read(
            "selects a split point configuration",
            "An action of the UE Application; its choice is sent at step 6b.",
        ),
    ),
    "6b": (
        to(
            "the selected split point configuration",
            "/selected",
            reading="The whole configuration as received at step 4b.",
        ),
    ),
    "7b": (
        to(
            "network model subset information",
            "/modelIdentifier",
            "/splitPointInformation",
            "/intermediateDataInformation",
            reading="TR lists no content here; we read it as step 5a's: the split point and "
            "the intermediate data information.",
        ),
        to("the AI model selected by the UE Application", "/modelIdentifier"),
    ),
    "8b": (to("a successful result", "/result", reading=_RESULT),),
    "9b": (
        to(
            "AI Split Inference Selection Response",
            "/result",
            reading="TR names the response only; we read it as the outcome of the selection "
            "(success, or failure with a cause), with where the intermediate data will be "
            "accessed.",
        ),
    ),
    "10": (
        to(
            "the selected UE and network AI model subsets",
            "/modelIdentifier",
            "/subsets",
            "/splitPointIdentifier",
        ),
    ),
    "11": (
        to(
            "the network AI model subset",
            "/modelIdentifier",
            "/subset",
            "/splitPointIdentifier",
            reading=SUBSET,
        ),
    ),
    "12": (
        to(
            "UE AI model subset delivery session",
            "/deliverySessionId",
            "/modelIdentifier",
            "/subset",
        ),
    ),
    "13": (UE_SUBSET,),
    "14": (PASSES_UE_SUBSET,),
    "15a": (
        to("media data", "/inputs", reading="The media as input tensors."),
        to(
            "or a peer user",
            "/peerUser",
            reading="The peer user when the media comes from one; absent: the network Data "
            "Source, the sender of the step.",
        ),
    ),
    "16a": (read("performs network AI inferencing", INFERENCING),),
    "17a": (DATA_SESSION,),
    "18a": (
        RECEIVES_UNIT,
        PASSED_TO_ENGINE,
    ),
    "19a": (read("performs AI inferencing", INFERENCING),),
    "20a": (OUTPUT_RESULT,),
    "15b": (to("passes media data", "/inputs", reading="The media as input tensors."),),
    "16b": (read("performs UE AI inferencing", INFERENCING),),
    "17b": (DATA_SESSION,),
    "18b": (
        RECEIVES_UNIT,
        PASSED_TO_ENGINE,
    ),
    "19b": (read("performs network AI inferencing", INFERENCING),),
    "20b": (
        OUTPUT_RESULT,
        to(
            "or a peer user",
            "/peerUser",
            reading="The peer user when the output goes to one; absent: the UE Data Destination.",
        ),
    ),
}
