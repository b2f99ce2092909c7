"""Readings of TR phrases that the steps of several clauses share (clauses 5.2.2-5.3.5), and
the items the TR repeats word for word in several steps."""

from __future__ import annotations

from ts26927.flows.fidelity.items import read, to

INFERENCING = (
    "An action inside the inference engine: no message carries it; its input is the step "
    "before and its output the step after."
)
INITIALIZATION = (
    "TR says the trigger uses 'the information from the initialization and establishment "
    "step', which its introduction lists as UE device and network capabilities, AI/ML service "
    "information (e.g. service requirements, model descriptions) and delivery methods; we "
    "carry the service requirements (6.6.4) and the UE's capabilities (6.6.5). Model "
    "descriptions come with the selection (step 2), the delivery method with the delivery "
    "session, and the network's capabilities stay in the network."
)
BETWEEN = (
    "TR says the model is selected 'between' the UE Application and the Network Application; "
    "we read it as one message from whichever side decides (either direction) carrying the "
    "selection; a negotiation leading to it is not modelled."
)
PASSES_ON = (
    "TR says the access function receives the data 'and passes it to the AI Model Inference "
    "Engine'; only the first hop (delivery function to access function) is a message, the "
    "hand-over to the engine inside the same side is internal."
)
UNIT = (
    "The bytes travel in the intermediate data delivery session (this library's intermediate "
    "data unit format); the message says which unit, how big and how it was compressed."
)
SUBSET = (
    "A subset is named by its model, which side it is (UE or network) and the split point it "
    "belongs to."
)
OUTPUT = "The output tensors; labels for recognition-like services (clause 5.3.1)."


# Items the TR repeats word for word in several steps (and clauses).
USES_INITIALIZATION = to(
    "using the information from the initialization and establishment step",
    "/serviceRequirementInformation",
    "/ueCapabilityInformation",
    reading=INITIALIZATION,
)
SELECTED_BETWEEN = read("between the UE Application and Network Application", BETWEEN)
PASSED_TO_ENGINE = read("passes it to the AI Model Inference Engine", PASSES_ON)
RECEIVES_UNIT = to(
    "receives intermediate data", "/sequenceNumber", "/size", "/compressionAlgorithms", reading=UNIT
)
UE_SUBSET = to(
    "the UE AI model subset", "/modelIdentifier", "/subset", "/splitPointIdentifier", reading=SUBSET
)
PASSES_UE_SUBSET = to("passes the UE AI model subset", "/modelIdentifier", "/subset")
DATA_SESSION = to("establishes an intermediate data delivery session", "/sessionId")
OUTPUT_RESULT = to("inference output result", "/outputs", "/labels", reading=OUTPUT)
