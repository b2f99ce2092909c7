"""What the TR's sentence for each workflow step lists, and where our messages carry it.

For every numbered step of every flow, :data:`TABLE` holds the information items the TR's
own sentence names (short exact phrases of that sentence) and, for each, the properties of
the step's message that carry it — paths like ``/ueCapabilityInformation/supportedAiFrameworks``
(array items are followed implicitly) — or no property and a written reading ("TR says X; we
read it as Y; why"). Steps that carry no message (actions) have items too: the reading says
what the step does.

An item may name a later step whose message carries it (``at``): step 3b of clause 5.2.3.2
lists what a candidate configuration includes, but the candidates travel at step 4b.

The schema export marks every message property that an item maps to with the TR phrases and
steps, and every other one as this library's addition; the traceability page lists the
items step by step. ``tests/flows/test_fidelity.py`` checks each phrase against the TR text
and each path against the message's JSON Schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    """One information item of a step's TR sentence."""

    phrase: str
    """Exact words of the TR's sentence for the step (case and spacing aside)."""
    paths: tuple[str, ...] = ()
    """Properties of the carrying step's message that carry it; empty: none does."""
    reading: str = ""
    """How we read the phrase; required when no property carries it."""
    at: str | None = None
    """The step whose message carries the paths, when it is not this step."""


@dataclass(frozen=True)
class StepFidelity:
    flow: str
    step: str
    items: tuple[Item, ...]

    @property
    def label(self) -> str:
        return step_label(self.flow, self.step)


def step_label(flow: str, step: str) -> str:
    """How the schemas and pages name a step: ``split-inference 2a``."""
    return f"{flow} {step}"


def _to(phrase: str, *paths: str, reading: str = "", at: str | None = None) -> Item:
    return Item(phrase, paths, reading, at)


def _read(phrase: str, reading: str) -> Item:
    return Item(phrase, (), reading)


# --- Readings used by several steps ---------------------------------------------------------

_INFERENCING = (
    "An action inside the inference engine: no message carries it; its input is the step "
    "before and its output the step after."
)
_INITIALIZATION = (
    "TR says the trigger uses 'the information from the initialization and establishment "
    "step', which its introduction lists as UE device and network capabilities, AI/ML service "
    "information (e.g. service requirements, model descriptions) and delivery methods; we "
    "carry the service requirements (6.6.4) and the UE's capabilities (6.6.5). Model "
    "descriptions come with the selection (step 2), the delivery method with the delivery "
    "session, and the network's capabilities stay in the network."
)
_BETWEEN = (
    "TR says the model is selected 'between' the UE Application and the Network Application; "
    "we read it as one message from whichever side decides (either direction) carrying the "
    "selection; a negotiation leading to it is not modelled."
)
_PASSES_ON = (
    "TR says the access function receives the data 'and passes it to the AI Model Inference "
    "Engine'; only the first hop (delivery function to access function) is a message, the "
    "hand-over to the engine inside the same side is internal."
)
_UNIT = (
    "The bytes travel in the intermediate data delivery session (this library's intermediate "
    "data unit format); the message says which unit, how big and how it was compressed."
)
_SUBSET = (
    "A subset is named by its model, which side it is (UE or network) and the split point it "
    "belongs to."
)
_SUBSET_AT = (
    "The subset is named by its model and its split point; which side it is follows from the "
    "receiver of the step."
)
_OUTPUT = "The output tensors; labels for recognition-like services (clause 5.3.1)."
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

# --- Clause 5.2.2.2.1: model delivery ------------------------------------------------------

_MODEL_DELIVERY: dict[str, tuple[Item, ...]] = {
    "1": (
        _to("trigger AI model delivery", "/service"),
        _to(
            "using the information from the initialization and establishment step",
            "/serviceRequirementInformation",
            "/ueCapabilityInformation",
            reading=_INITIALIZATION,
        ),
    ),
    "2": (
        _to("An AI model is selected", "/modelIdentifier", "/aiModelInformation"),
        _read("between the UE Application and Network Application", _BETWEEN),
    ),
    "3": (_to("identifies the selected AI model", "/modelIdentifier"),),
    "4": (
        _to("establishes an AI model delivery session", "/deliverySessionId", "/modelIdentifier"),
    ),
    "5": (
        _to(
            "receives the AI model",
            "/modelIdentifier",
            reading="The model bytes travel in the delivery session; the message names and "
            "describes them (size, digest) so that the receiver can verify them.",
        ),
    ),
    "6": (
        _to(
            "passes the AI/ML model",
            "/modelIdentifier",
            reading="A hand-over inside the UE; we carry the model and its verified digest so "
            "that the engine runs what was verified.",
        ),
    ),
    "7": (_to("passes media data", "/inputs", reading="The media as input tensors."),),
    "8": (_read("performs AI inferencing", _INFERENCING),),
    "9": (_to("inference output result", "/outputs", "/labels", reading=_OUTPUT),),
}

# --- Clause 5.2.2.2.2: adaptive model delivery ---------------------------------------------

_ADAPTIVE: dict[str, tuple[Item, ...]] = {
    "1": (
        _to(
            "establish adaptive model delivery",
            "/manifestId",
            reading="TR says the applications communicate to establish adaptive model "
            "delivery; we read the step as the Network Application giving the UE Application "
            "the model manifest, the message of this step.",
        ),
        _to("available AI models", "/models", "/models/aiModelInformation"),
        _to("precisions", "/models/variants/precision"),
        _to(
            "possible updates",
            "/models/variants/updateOf",
            "/models/variants/composition",
            reading="An update is a variant applied on top of the one it names, composed "
            "additively or consecutively (the TR's two examples).",
        ),
        _read(
            "3GPP URI of/or model manifest file(s)",
            "TR says the information may be in a 3GPP URI and/or model manifest file(s); we "
            "model only the manifest, inline (the message is the manifest). A URI pointing to "
            "it is not modelled: fetching it would be a step the flow does not number.",
        ),
        _to("size", "/models/variants/modelSize"),
        _to("complexity information", "/models/variants/computationalComplexity"),
        _to("of the different versions", "/models/variants"),
        _to(
            "full models",
            "/models/adaptive",
            reading="adaptive false: a full model; true: an adaptive one.",
        ),
        _to("adaptive models", "/models/adaptive"),
    ),
    "2": (
        _read(
            "An adaptive model is selected by the UE Application",
            "An action of the UE Application; its choice is sent at step 3.",
        ),
        _read(
            "model size",
            "Read from the manifest of step 1 (modelSize of each variant); no message here.",
        ),
        _read(
            "currently available network capacity",
            "Known to the UE Application when it selects; carried by no message of this flow.",
        ),
    ),
    "3": (
        _to("the adaptive model", "/modelIdentifier"),
        _to(
            "of selected precision",
            "/variantIdentifier",
            reading="A precision is named by the manifest variant that has it.",
        ),
    ),
    "4": (
        _to(
            "identifies the selected AI model",
            "/modelIdentifier",
            "/variantIdentifier",
            reading="The variant carries the precision selected at step 3.",
        ),
    ),
    "5": (
        _to("establishes an AI model delivery session", "/deliverySessionId", "/modelIdentifier"),
    ),
    "6": (
        _to("receives the AI model", "/modelIdentifier"),
        _to("of the precision requested by the UE", "/variantIdentifier"),
    ),
    "7": (_to("passes the AI/ML model", "/modelIdentifier", "/variantIdentifier"),),
    "8": (
        _to("passes data", "/inputs", reading="The data as input tensors."),
        _read(
            "AI Model Inference Engine performs AI inferencing",
            "TR repeats the inferencing of step 9 in step 8; we read step 8 as the data "
            "hand-over only and step 9 as the inferencing.",
        ),
    ),
    "9": (_read("performs AI inferencing", _INFERENCING),),
    "10": (_to("inference output result", "/outputs", "/labels", reading=_OUTPUT),),
    "11": (
        _to("model precision update", "/toVariant"),
        _to(
            "updating the AI model",
            "/modelIdentifier",
            "/fromVariant",
            reading="The model, and the variant the UE holds, which the update refines.",
        ),
        _to(
            "to a higher precision",
            "/toVariant",
            reading="The update package of the manifest that leads to the higher precision.",
        ),
    ),
    "12": (
        _read(
            "The update is applied to the low precision model",
            "An action of the UE's inference engine: the update package delivered at steps "
            "6-7 is composed with the model in use, as the manifest's composition says.",
        ),
    ),
}

# --- Clause 5.2.3.2: split inference, detailed workflow (figure 5.2.3-3) -------------------

_REQUEST_ITEMS = (
    _to(
        "AI/ML service information",
        "/serviceRequirementInformation",
        reading="TR's only example is the service requirements; we carry the clause 6.6.4 "
        "service requirement information.",
    ),
    _to("service requirements", "/serviceRequirementInformation"),
    _to("UE's capability", "/ueCapabilityInformation"),
    _to(
        "available AI inference processing capabilities",
        "/ueCapabilityInformation/processingCapabilities",
    ),
    _to("supported AI framework", "/ueCapabilityInformation/supportedAiFrameworks"),
    _to(
        "available bandwidth (uplink/downlink)",
        "/availableBandwidth",
        "/availableBandwidth/uplink",
        "/availableBandwidth/downlink",
        reading="One rate each way; the 6.6.5 connection capability is one rate for both.",
    ),
    _to("preferred delivery method", "/preferredDeliveryMethod"),
)

_SUBSET_INFORMATION = (
    _to("the split point", "/splitPointInformation"),
    _to("the intermediate data information", "/intermediateDataInformation"),
)

_CANDIDATE_ITEMS = (
    _to("model accuracy", "/candidates/accuracy", at="4b"),
    _to(
        "Intermediate data characteristics",
        "/candidates/intermediateDataInformation",
        "/candidates/intermediateDataSize",
        reading="The clause 6.6.3 intermediate data information and the size of one unit as "
        "transmitted.",
        at="4b",
    ),
    _to(
        "latencies",
        "/candidates/totalLatency",
        reading="Besides the three latencies the TR lists, the end-to-end latency, which "
        "clause 6.6.4's maximum service inference latency bounds.",
        at="4b",
    ),
    _to(
        "UE application",
        "/candidates/ueInferenceLatency",
        reading="TR lists the latency of the 'UE application'; we read it as the inference "
        "latency of the UE sub-model on the UE.",
        at="4b",
    ),
    _to(
        "uplink/downlink connections",
        "/candidates/uplinkLatency",
        "/candidates/downlinkLatency",
        "/candidates/transferLatency",
        reading="One latency each way, and their sum (transferLatency).",
        at="4b",
    ),
    _to(
        "Network Application",
        "/candidates/networkInferenceLatency",
        reading="TR lists the latency of the 'Network Application'; we read it as the "
        "inference latency of the network sub-model.",
        at="4b",
    ),
    _to("UE profile required to infer the UE subset", "/candidates/ueProfile", at="4b"),
    _to(
        "Memory or computing resources",
        "/candidates/ueProfile/memory",
        "/candidates/ueProfile/computationalCost",
        "/candidates/ueProfile/computationalComplexity",
        at="4b",
    ),
    _to("distribution mode", "/candidates/distributionModes", at="4b"),
    _to("RTP/DASH/Progressive and multicast support", "/candidates/distributionModes", at="4b"),
)

_SPLIT_INFERENCE: dict[str, tuple[Item, ...]] = {
    "0": (
        _to(
            "The session is established",
            "/sessionId",
            reading="TR names no content; the message carries the session identifier that "
            "the later messages quote.",
        ),
    ),
    "1": (
        _to("memory", "/processingCapabilities/memory"),
        _to("AI inference processing capabilities", "/processingCapabilities"),
        _to("supported AI framework information", "/supportedAiFrameworks"),
        _to("connection capabilities", "/connectionCapabilities"),
        _read("The UE Application gets the UE's capability information", _CAPABILITY_SENDER),
    ),
    "2a": (
        *_REQUEST_ITEMS,
        _to("optimization selection choice", "/optimizationPreference"),
        _to(
            "latency, energy consumption, network bandwidth",
            "/optimizationPreference",
            reading="One choice among LATENCY, ENERGY and BANDWIDTH, not a weighting.",
        ),
    ),
    "3a": (
        _read(
            "gets the UE's request information",
            "An action of the Network Application: it reads the request of step 2a.",
        ),
    ),
    "4a": (
        _read(
            "selects a proper AI model",
            "An action of the Network Application (the reference engine's split selection); "
            "the selected subsets travel at steps 5a and 7a.",
        ),
        _read("the network's capability information", _NETWORK_CAPABILITY),
    ),
    "5a": (
        _to("selected network AI model subset information", "/modelIdentifier", reading=_SUBSET_AT),
        *_SUBSET_INFORMATION,
    ),
    "6a": (_to("a successful result", "/result", reading=_RESULT),),
    "7a": (
        _to("selected UE AI model subset information", "/modelIdentifier", reading=_SUBSET_AT),
        *_SUBSET_INFORMATION,
    ),
    "2b": _REQUEST_ITEMS,
    "3b": (
        _to(
            "collects all matched AI models",
            "/candidates/modelIdentifier",
            reading="An action of the Network Application (the reference engine's split "
            "selection); what it collects travels at step 4b.",
            at="4b",
        ),
        _to(
            "candidate split points configurations",
            "/candidates",
            "/candidates/splitPointInformation",
            at="4b",
        ),
        _read("the network's capability information", _NETWORK_CAPABILITY),
        *_CANDIDATE_ITEMS,
    ),
    "4b": (
        _to("all matched candidates split points configurations", "/candidates"),
        _to(
            "the range/list of supported split points",
            "/supportedSplitPoints",
            reading="A list; a range is written as the list of its points.",
        ),
        _to(
            "a preferred split point configuration",
            "/preferredCandidate",
            reading="By the identifier of one of the candidates.",
        ),
    ),
    "5b": (
        _read(
            "selects a split point configuration",
            "An action of the UE Application; its choice is sent at step 6b.",
        ),
    ),
    "6b": (
        _to(
            "the selected split point configuration",
            "/selected",
            reading="The whole configuration as received at step 4b.",
        ),
    ),
    "7b": (
        _to(
            "network model subset information",
            "/modelIdentifier",
            "/splitPointInformation",
            "/intermediateDataInformation",
            reading="TR lists no content here; we read it as step 5a's: the split point and "
            "the intermediate data information.",
        ),
        _to("the AI model selected by the UE Application", "/modelIdentifier"),
    ),
    "8b": (_to("a successful result", "/result", reading=_RESULT),),
    "9b": (
        _to(
            "AI Split Inference Selection Response",
            "/result",
            reading="TR names the response only; we read it as the outcome of the selection "
            "(success, or failure with a cause), with where the intermediate data will be "
            "accessed.",
        ),
    ),
    "10": (
        _to(
            "the selected UE and network AI model subsets",
            "/modelIdentifier",
            "/subsets",
            "/splitPointIdentifier",
        ),
    ),
    "11": (
        _to(
            "the network AI model subset",
            "/modelIdentifier",
            "/subset",
            "/splitPointIdentifier",
            reading=_SUBSET,
        ),
    ),
    "12": (
        _to(
            "UE AI model subset delivery session",
            "/deliverySessionId",
            "/modelIdentifier",
            "/subset",
        ),
    ),
    "13": (
        _to(
            "the UE AI model subset",
            "/modelIdentifier",
            "/subset",
            "/splitPointIdentifier",
            reading=_SUBSET,
        ),
    ),
    "14": (_to("passes the UE AI model subset", "/modelIdentifier", "/subset"),),
    "15a": (
        _to("media data", "/inputs", reading="The media as input tensors."),
        _to(
            "or a peer user",
            "/peerUser",
            reading="The peer user when the media comes from one; absent: the network Data "
            "Source, the sender of the step.",
        ),
    ),
    "16a": (_read("performs network AI inferencing", _INFERENCING),),
    "17a": (_to("establishes an intermediate data delivery session", "/sessionId"),),
    "18a": (
        _to(
            "receives intermediate data",
            "/sequenceNumber",
            "/size",
            "/compressionAlgorithms",
            reading=_UNIT,
        ),
        _read("passes it to the AI Model Inference Engine", _PASSES_ON),
    ),
    "19a": (_read("performs AI inferencing", _INFERENCING),),
    "20a": (_to("inference output result", "/outputs", "/labels", reading=_OUTPUT),),
    "15b": (_to("passes media data", "/inputs", reading="The media as input tensors."),),
    "16b": (_read("performs UE AI inferencing", _INFERENCING),),
    "17b": (_to("establishes an intermediate data delivery session", "/sessionId"),),
    "18b": (
        _to(
            "receives intermediate data",
            "/sequenceNumber",
            "/size",
            "/compressionAlgorithms",
            reading=_UNIT,
        ),
        _read("passes it to the AI Model Inference Engine", _PASSES_ON),
    ),
    "19b": (_read("performs network AI inferencing", _INFERENCING),),
    "20b": (
        _to("inference output result", "/outputs", "/labels", reading=_OUTPUT),
        _to(
            "or a peer user",
            "/peerUser",
            reading="The peer user when the output goes to one; absent: the UE Data Destination.",
        ),
    ),
}

# --- Clause 5.2.3.2: the two basic split inference workflows --------------------------------

_BASIC_COMMON: dict[str, tuple[Item, ...]] = {
    "1": (
        _to("trigger split AI model delivery", "/service"),
        _to(
            "using the information from the initialization and establishment step",
            "/serviceRequirementInformation",
            "/ueCapabilityInformation",
            reading=_INITIALIZATION,
        ),
    ),
    "2": (
        _to(
            "A split AI model is selected",
            "/modelIdentifier",
            "/aiModelInformation",
            "/splitPointInformation",
            "/splitModelInformation",
            reading="We read 'a split AI model' as the model together with the split point "
            "that divides it (6.6.3 split point information) and, when the selection shares "
            "them, its predefined split points (6.6.3 split model information).",
        ),
        _read("between the UE Application and Network Application", _BETWEEN),
    ),
    "3": (
        _to(
            "the selected UE and network AI model subsets",
            "/modelIdentifier",
            "/subsets",
            "/splitPointIdentifier",
        ),
    ),
    "4": (
        _to(
            "the network AI model subset",
            "/modelIdentifier",
            "/subset",
            "/splitPointIdentifier",
            reading=_SUBSET,
        ),
    ),
    "5": (
        _to(
            "UE AI model subset delivery session",
            "/deliverySessionId",
            "/modelIdentifier",
            "/subset",
        ),
    ),
    "6": (
        _to(
            "the UE AI model subset",
            "/modelIdentifier",
            "/subset",
            "/splitPointIdentifier",
            reading=_SUBSET,
        ),
    ),
    "7": (_to("passes the UE AI model subset", "/modelIdentifier", "/subset"),),
    "10": (_to("establishes an intermediate data delivery session", "/sessionId"),),
    "11": (
        _to(
            "receives intermediate data",
            "/sequenceNumber",
            "/size",
            "/compressionAlgorithms",
            reading=_UNIT,
        ),
        _read("passes it to the AI Model Inference Engine", _PASSES_ON),
    ),
}

_NETWORK_SOURCE: dict[str, tuple[Item, ...]] = {
    **_BASIC_COMMON,
    "8": (_to("passes media data", "/inputs", reading="The media as input tensors."),),
    "9": (_read("performs network AI inferencing", _INFERENCING),),
    "12": (_read("performs AI inferencing", _INFERENCING),),
    "13": (_to("inference output result", "/outputs", "/labels", reading=_OUTPUT),),
}

_UE_SOURCE: dict[str, tuple[Item, ...]] = {
    **_BASIC_COMMON,
    "8": (_to("passes media data", "/inputs", reading="The media as input tensors."),),
    "9": (_read("performs UE AI inferencing", _INFERENCING),),
    "12": (_read("performs network AI inferencing", _INFERENCING),),
    "13": (
        _to(
            "receives the inference output result from the network",
            "/outputs",
            "/labels",
            reading=_OUTPUT,
        ),
    ),
}

# --- Clause 5.2.4.2: distributed/federated learning ----------------------------------------

_ELIGIBILITY = (
    "/groupId",
    "/applicationGroupId",
    "/hardware",
    "/location",
    "/language",
    "/dataLibraryId",
    "/minimumDataSamples",
)
_TRAINING_INPUT = (
    "The samples stay on the device; the message names the data library and how many samples "
    "are passed."
)

_FEDERATED: dict[str, tuple[Item, ...]] = {
    "1": (
        _to(
            "trigger distributed/federated learning",
            "/service",
            "/synchronizationInformation",
            reading="Clause 6.6.6.2.2 has the network application send the synchronization "
            "information (the round number, and may be a start time) to start a round 'as "
            "described in step 1 of figure 5.2.4-2'; we carry it in the trigger.",
        ),
        _to(
            "using the information from the initialization and establishment step",
            "/serviceRequirementInformation",
            "/ueCapabilityInformation",
            reading=_INITIALIZATION,
        ),
    ),
    "2": (
        _to("A partially trained AI model is selected", "/modelIdentifier", "/aiModelInformation"),
        _read("between the UE Application and Network Application", _BETWEEN),
    ),
    "3": (_to("identifies the selected partially trained AI model", "/modelIdentifier"),),
    "4": (
        _to(
            "announces the eligibility criteria",
            *_ELIGIBILITY,
            reading="The clause 6.6.6.3 device eligibility information.",
        ),
        _to("device's operating system", "/hardware/operatingSystems"),
        _to("processor speed", "/hardware/minimumProcessorSpeed"),
        _to("available memory", "/hardware/minimumAvailableMemory"),
        _to(
            "characteristics of the data library",
            "/dataLibraryId",
            "/minimumDataSamples",
            reading="The library a device shall have (6.6.6.3.3 Data_library_id) and its "
            "number of samples (6.6.6.3.2 'available image library (number of images...)').",
        ),
        _to(
            "geographical location of the device",
            "/location",
            "/location/countryCodes",
            reading="As country codes.",
        ),
        _to("language setting", "/language"),
        _to(
            "other attributes",
            "/applicationGroupId",
            "/hardware/processorKinds",
            reading="The 6.6.6.3.3 application group id, and the kinds of processor (as part "
            "of the Hardware criteria).",
        ),
    ),
    "5": (
        _to(
            "the partially trained AI model",
            "/modelId",
            "/parameters",
            reading="TR says the device receives the partially trained model; we carry its "
            "parameters inline (6.6.6.5.2 'the updated model parameters'). No model file, "
            "location or topology update is carried, though clause 5.2.4.1 names updates "
            "'in terms of topology or weights': only weights are expressible.",
        ),
        _to(
            "or its updated version",
            "/newModelId",
            "/parameters",
            reading="Clause 6.6.6.5.2: the model id, the updated parameters and the new model "
            "id when the parameters are updated.",
        ),
        _read(
            "an eligible device",
            "Eligibility is the sender's choice of recipients (the devices that took the group "
            "id of step 4); the message carries no group id.",
        ),
    ),
    "6": (
        _to(
            "failure reporting criteria",
            "/reasons",
            reading="Clause 6.6.6.6.2 asks devices 'to report a device failure or network "
            "disruption'; the criteria are the failures to report.",
        ),
    ),
    "7": (
        _to("start the model evaluation", "/modelId"),
        _to(
            "The evaluation mechanism and criteria",
            "/modelEvaluationInformation",
            "/modelEvaluationInformation/metrics",
            reading="Clause 6.6.6.4.2 sends the model evaluation information 'containing the "
            "metrics to be used for evaluation' at step 7; we carry the metric names, values "
            "absent.",
        ),
    ),
    "8": (
        _to(
            "the training input data", "/dataLibraryId", "/numberOfSamples", reading=_TRAINING_INPUT
        ),
    ),
    "9": (
        _read(
            "performs the evaluation",
            "An action of the AI Model Training Engine; its results are sent at step 10.",
        ),
    ),
    "10": (
        _to("The evaluation results", "/modelEvaluationInformation"),
        _to("the failure information", "/failureReportingInformation"),
    ),
    "11": (
        _to(
            "the device eligibility criteria may get updated",
            *_ELIGIBILITY,
            reading="The updated criteria are announced again as a whole, the same 6.6.6.3 "
            "information as step 4.",
        ),
        _read(
            "depending on the evaluation results",
            "How the results change the criteria is the Federated Learning Engine's policy; "
            "not carried.",
        ),
    ),
    "12": (
        _to(
            "start the training",
            "/modelId",
            "/synchronizationInformation",
            reading="Clause 6.6.6.2.2 sends synchronization information to start a round at "
            "step 1; we repeat it with every training request, where each further round "
            "starts.",
        ),
    ),
    "13": (
        _to(
            "the training input data", "/dataLibraryId", "/numberOfSamples", reading=_TRAINING_INPUT
        ),
    ),
    "14": (
        _read(
            "performs the retraining of the model",
            "An action of the AI Model Training Engine; its result is sent at step 15.",
        ),
    ),
    "15": (
        _to(
            "The updated model",
            "/modelUpdateInformation",
            reading="Clause 6.6.6.5.2: the model id used for local training and the updated "
            "parameters.",
        ),
        _to("the failure information", "/failureReportingInformation"),
    ),
    "16": (
        _read(
            "performs training aggregation of training results from multiple UEs",
            "An action of the Federated Learning Engine over many UEs; one session is one "
            "UE's view and sees only its outcome (step 17).",
        ),
    ),
    "17": (
        _to(
            "The updated partially trained AI model",
            "/newModelId",
            "/roundNumber",
            reading="TR says it is 'delivered to the UE as from step 5'; we read step 17 as "
            "the outcome of the round (the new model id); the parameters themselves arrive at "
            "the next step 5.",
        ),
        _to(
            "as from step 5",
            "/continueTraining",
            reading="Whether a next step 5 (another round) follows.",
        ),
    ),
}

# --- Clause 5.3.5: split AI/ML operation ----------------------------------------------------

_DELIVERY_MECHANISM = (
    "TR allows 'any other form of delivery mechanism required by the AI data service'; the "
    "pipeline states only streaming or download (a boolean), so another mechanism cannot be "
    "named."
)
_REPORT = ("/inferenceStatus", "/inferenceLatency", "/capabilityInformation")

_SPLIT_OPERATION: dict[str, tuple[Item, ...]] = {
    "1": (
        _to("Service provisioning", "/provisioningSessionId"),
        _to(
            "announcement of AI data service",
            "/aiModels",
            "/splitModelInformation",
            reading="The AI data service is announced by the models it offers (6.6.2) and their "
            "predefined split points (6.6.3).",
        ),
    ),
    "2": (
        _to("the available or required AI model(s)", "/aiModels"),
        _to("a URL link pointing to a file or manifest", "/manifestLocation"),
        _to("the inferencing accuracy", "/aiModels/accuracy"),
        _to("the size", "/aiModels/modelSize"),
        _to("complexity", "/aiModels/processingCapabilities/computationalComplexity"),
        _to("latency requirements", "/aiModels/targetInferenceLatency"),
        _read(
            "including its variants",
            "TR says the information may list each model's variants; clause 6.6.2 model "
            "information has none (a variant is a model of its own identifier there), so the "
            "variants are listed as models; which model a variant belongs to is not carried.",
        ),
        _read(
            "the amount of nodes, structure",
            "Not carried: clause 6.6.2 model information has the number of parameters but no "
            "node count or graph structure; the structure is in the model file itself.",
        ),
    ),
    "3": (
        _to("AI data inferencing capabilities", "/capabilityInformation"),
        _to(
            "the range of inference latencies",
            "/inferenceLatencyRange",
            "/inferenceLatencyRange/minimum",
            "/inferenceLatencyRange/maximum",
        ),
        _read(
            "functions in both the UE and network",
            "We read the 'functions' as the AI capability manager functions that send the "
            "capabilities, each side to the other (either direction); no list of AI functions "
            "is carried (clause 6.6.5 defines none).",
        ),
    ),
    "4": (
        _to("requests the other side for an AI split inference service", "/modelIdentifier"),
        _to("information describing the AI model", "/aiModelInformation"),
        _read(
            "Either the UE or the network",
            "Either side sends the request (the step goes both ways).",
        ),
    ),
    "5": (
        _to("A split point is negotiated", "/selectedSplitPoint"),
        _to(
            "whether the split point is static or whether it can be updated dynamically",
            "/dynamic",
        ),
        _to("a set of split points can be negotiated", "/splitPoints"),
        _to(
            "Related metadata",
            "/splitPoints",
            reading="The 6.6.3 split point information of the proposed points; the "
            "intermediate data information follows with the acknowledgement (step 6).",
        ),
        _read(
            "using information from steps 2, 3 and 4",
            "That information was carried at steps 2-4; the negotiation does not repeat it.",
        ),
    ),
    "6": (
        _to(
            "the decided split point",
            "/splitPointInformation",
            "/dynamic",
            reading="The point decided at step 5 and, when negotiated there, whether it may "
            "change during the service.",
        ),
        _to(
            "access information for the AI data",
            "/accessLocation",
            "/intermediateDataInformation",
            reading="Where the intermediate data is accessed and what it is (6.6.3).",
        ),
        _read(
            "both acknowledge",
            "TR says the network (Media AF) and the UE both acknowledge; the step models the "
            "network's acknowledgement to the Media Session Handler and step 7 the UE's "
            "notice to its application. The UE's acknowledgement back to the network is not a "
            "message of this flow.",
        ),
    ),
    "7": (
        _to(
            "The split configuration outcome",
            "/splitPointInformation",
            "/intermediateDataInformation",
            "/accessLocation",
            "/dynamic",
            reading="The acknowledgement of step 6, passed on inside the UE.",
        ),
    ),
    "8": (
        _to("the AI intermediate data access information provided in step 7", "/accessLocation"),
    ),
    "9": (
        _to(
            "request the intermediate data",
            "/accessLocation",
            reading="The request names where the data is: the access information of step 7.",
        ),
    ),
    "10": (
        _to("Pipelines for the delivery of AI model data", "/pipelineId", "/kind"),
        _to("suitable delivery sessions are established", "/location"),
        _to("streaming delivery, or download delivery", "/streaming"),
        _read("any other form of delivery mechanism", _DELIVERY_MECHANISM),
    ),
    "11": (
        _to(
            "the UE side of the split inferencing",
            "/modelIdentifier",
            "/splitPointIdentifier",
            reading="A side is named by the model and the split point; which side by who runs it.",
        ),
        _to("as decided by the result of step 5", "/splitPointIdentifier"),
        _read(
            "the Media client triggers the inference process",
            "Internal to the Media Client (it triggers its own inference engine); we keep a "
            "message so that the start is observable.",
        ),
    ),
    "12": (
        _to(
            "the network side of the split inferencing",
            "/modelIdentifier",
            "/splitPointIdentifier",
        ),
        _to("as decided by the result of step 5", "/splitPointIdentifier"),
        _read(
            "in the 5GAI AS",
            "TR says the 5GAI AS; we read it as the Media AS, the receiver of the step.",
        ),
    ),
    "13": (
        _to("Pipelines for the delivery of intermediate data", "/pipelineId", "/kind"),
        _to("suitable delivery sessions are established", "/location"),
        _to("streaming delivery", "/streaming"),
        _read("any other form of delivery mechanism", _DELIVERY_MECHANISM),
    ),
    "14": (
        _to(
            "Intermediate data",
            "/sequenceNumber",
            "/splitPointIdentifier",
            "/size",
            "/compressionAlgorithms",
            reading=_UNIT,
        ),
        _to(
            "metadata",
            "/splitPointUpdate",
            reading="The split point metadata of a step 15 update passed alongside the "
            "delivery pipeline; other metadata is not modelled.",
        ),
        _read(
            "Inference output data",
            "TR says the UE and the network may deliver intermediate data, inference output "
            "data and/or metadata; this step carries intermediate data units only. Inference "
            "output data over the pipelines is not modelled here (the split inference flows "
            "carry it with InferenceOutput).",
        ),
    ),
    "15": (
        _to(
            "The new split point metadata information",
            "/splitPointInformation",
            "/intermediateDataInformation",
        ),
        _to(
            "to adapt to the new conditions",
            "/reason",
            reading="What changed, in words (e.g. UE capabilities or network capacity).",
        ),
        _read(
            "either negotiated between the UE and the network",
            "The flow table has the Media-aware Application as the UE-side party (the TR's "
            "example trigger) and the Media AF as the network's; we read the negotiation as "
            "the UE-network one, a proposal from either side carried by this message.",
        ),
        _to(
            "pass alongside the delivery pipeline from the UE to the network side",
            "/splitPointUpdate",
            reading="The in-band alternative is not a step of its own: the update rides on "
            "the next intermediate data unit at step 14.",
            at="14",
        ),
    ),
    "16": (
        _to("AI inference status", "/inferenceStatus"),
        _to("latency", "/inferenceLatency"),
        _to("resource status", "/capabilityInformation/processingCapabilities"),
        _to("capability status", "/capabilityInformation"),
        _read(
            "dynamic media properties",
            "Not carried: the status report has no media properties.",
        ),
        _read("to the 5GAI AF", "TR says the 5GAI AF; we read it as the Media AF."),
    ),
    "17": (
        _to(
            "the network's AI media service status",
            *_REPORT,
            reading="The same report as step 16, from the network side.",
        ),
    ),
    "18": (
        _to("network AI status reports", *_REPORT),
        _to(
            "network status",
            "/capabilityInformation/connectionCapabilities",
            reading="We read network status as the bandwidth available between the UE and the "
            "network (6.6.5 connection capabilities).",
        ),
        _read(
            "as collected in step 16",
            "TR says step 16, whose reports are the UE's own; we read it as the network "
            "reports collected in step 17.",
        ),
    ),
    "19": (
        _read(
            "media status reports",
            "Not carried as such: the status report carries AI inference status, latency and "
            "capabilities, no media status.",
        ),
        _read(
            "either from the network or internally from the UE",
            "The flow models the internal report (Media Access Function to Media Session "
            "Handler); a media status report from the network is not modelled.",
        ),
    ),
    "20": (
        _to("the AI model selection", "/modelIdentifier"),
        _to("split point configuration", "/splitPointInformation"),
        _to("the AI data delivery pipelines", "/pipelines"),
        _read(
            "Depending on the configurations negotiated in step 5",
            "Whether updates may happen is the negotiated dynamic flag of step 5; the "
            "decision itself is not carried.",
        ),
    ),
}

# --- Clause 5.3.6: AI/ML model distribution -------------------------------------------------
# The TR defines steps 1-8 by reference to TS 26.501 in one paragraph; each step's items are
# phrases of that paragraph (the clause text is the sentence of every step).

_BY_REFERENCE = (
    "TR defines steps 1-8 by reference ('the same steps as defined in TS 26.501 for downlink "
    "media streaming, but for AI/ML distribution'); the step contents are our reading of that "
    "procedure."
)

_MODEL_DISTRIBUTION: dict[str, tuple[Item, ...]] = {
    "1": (
        _to("a provisioning session", "/provisioningSessionId"),
        _to(
            "the availability of AI models from the Media Application Provider",
            "/aiModels",
            reading=_BY_REFERENCE,
        ),
    ),
    "2": (
        _to(
            "an ingest session",
            "/pipelineId",
            "/location",
            reading="We read TS 26.501's ingest session set-up as a pipeline set-up whose "
            "location is where the Media AS receives the models.",
        ),
    ),
    "3": (
        _to(
            "AI models are uploaded to the Media AS",
            "/modelIdentifier",
            "/location",
            "/aiModelInformation",
        ),
    ),
    "4": (
        _to("acquired in whole in step 4", "/serviceAccessInformation"),
        _to("through a reference", "/reference"),
    ),
    "5": (
        _to(
            "activate the reception of one or more AI models",
            "/modelIdentifier",
            "/accessLocation",
            reading="We read step 5 (TS 26.501's start) as the application asking the Media "
            "Session Handler to start the reception, one request per model.",
        ),
    ),
    "6": (_to("later in whole in step 6", "/aiModels", "/manifestLocation"),),
    "7": (
        _to(
            "activate the reception of one or more AI models",
            "/modelIdentifier",
            "/accessLocation",
            reading="The application starts the delivery at the Media Client, one request per "
            "model.",
        ),
    ),
    "8": (_to("the AI model delivered and received in step 8", "/modelIdentifier"),),
    "9": (
        _to(
            "performs AI inferencing",
            "/outputs",
            "/labels",
            reading="TR names the inferencing; we carry its result from the Media Client to "
            "the Media-aware Application.",
        ),
        _read(
            "using media as an input",
            "The media input is internal to the Media Client; no message carries it.",
        ),
    ),
}

_BY_FLOW: dict[str, dict[str, tuple[Item, ...]]] = {
    "model-delivery": _MODEL_DELIVERY,
    "adaptive-model-delivery": _ADAPTIVE,
    "split-inference": _SPLIT_INFERENCE,
    "split-inference-network-source": _NETWORK_SOURCE,
    "split-inference-ue-source": _UE_SOURCE,
    "federated-learning": _FEDERATED,
    "split-operation": _SPLIT_OPERATION,
    "model-distribution": _MODEL_DISTRIBUTION,
}

#: (flow id, step id) -> the items of the TR's sentence for that step.
TABLE: dict[tuple[str, str], StepFidelity] = {
    (flow, step): StepFidelity(flow, step, items)
    for flow, steps in _BY_FLOW.items()
    for step, items in steps.items()
}


def of_step(flow: str, step: str) -> StepFidelity | None:
    """The fidelity entry of one step, or None when the table lacks it."""
    return TABLE.get((flow, step))


def carried_items() -> Iterator[tuple[StepFidelity, Item, str]]:
    """Every item that a property carries, with the id of the step whose message has it."""
    for entry in TABLE.values():
        for item in entry.items:
            if item.paths:
                yield entry, item, item.at or entry.step
