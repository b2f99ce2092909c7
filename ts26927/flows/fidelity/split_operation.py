"""Items of the steps of the procedure for split AI/ML operation — clause 5.3.5, figure 5.3.5-1."""

from __future__ import annotations

from ts26927.flows.fidelity.items import Item, read, to
from ts26927.flows.fidelity.readings import UNIT

_DELIVERY_MECHANISM = (
    "TR allows 'any other form of delivery mechanism required by the AI data service'; the "
    "pipeline states only streaming or download (a boolean), so another mechanism cannot be "
    "named."
)
_REPORT = ("/inferenceStatus", "/inferenceLatency", "/capabilityInformation")

STEPS: dict[str, tuple[Item, ...]] = {
    "1": (
        to("Service provisioning", "/provisioningSessionId"),
        to(
            "announcement of AI data service",
            "/aiModels",
            "/splitModelInformation",
            reading="The AI data service is announced by the models it offers (6.6.2) and their "
            "predefined split points (6.6.3).",
        ),
    ),
    "2": (
        to("the available or required AI model(s)", "/aiModels"),
        to("a URL link pointing to a file or manifest", "/manifestLocation"),
        to("the inferencing accuracy", "/aiModels/accuracy"),
        to("the size", "/aiModels/modelSize"),
        to("complexity", "/aiModels/processingCapabilities/computationalComplexity"),
        to("latency requirements", "/aiModels/targetInferenceLatency"),
        read(
            "including its variants",
            "TR says the information may list each model's variants; clause 6.6.2 model "
            "information has none (a variant is a model of its own identifier there), so the "
            "variants are listed as models; which model a variant belongs to is not carried.",
        ),
        read(
            "the amount of nodes, structure",
            "Not carried: clause 6.6.2 model information has the number of parameters but no "
            "node count or graph structure; the structure is in the model file itself.",
        ),
    ),
    "3": (
        to("AI data inferencing capabilities", "/capabilityInformation"),
        to(
            "the range of inference latencies",
            "/inferenceLatencyRange",
            "/inferenceLatencyRange/minimum",
            "/inferenceLatencyRange/maximum",
        ),
        read(
            "functions in both the UE and network",
            "We read the 'functions' as the AI capability manager functions that send the "
            "capabilities, each side to the other (either direction); no list of AI functions "
            "is carried (clause 6.6.5 defines none).",
        ),
    ),
    "4": (
        to("requests the other side for an AI split inference service", "/modelIdentifier"),
        to("information describing the AI model", "/aiModelInformation"),
        read(
            "Either the UE or the network",
            "Either side sends the request (the step goes both ways).",
        ),
    ),
    "5": (
        to("A split point is negotiated", "/selectedSplitPoint"),
        to(
            "whether the split point is static or whether it can be updated dynamically",
            "/dynamic",
        ),
        to("a set of split points can be negotiated", "/splitPoints"),
        to(
            "Related metadata",
            "/splitPoints",
            reading="The 6.6.3 split point information of the proposed points; the "
            "intermediate data information follows with the acknowledgement (step 6).",
        ),
        read(
            "using information from steps 2, 3 and 4",
            "That information was carried at steps 2-4; the negotiation does not repeat it.",
        ),
    ),
    "6": (
        to(
            "the decided split point",
            "/splitPointInformation",
            "/dynamic",
            reading="The point decided at step 5 and, when negotiated there, whether it may "
            "change during the service.",
        ),
        to(
            "access information for the AI data",
            "/accessLocation",
            "/intermediateDataInformation",
            reading="Where the intermediate data is accessed and what it is (6.6.3).",
        ),
        read(
            "both acknowledge",
            "TR says the network (Media AF) and the UE both acknowledge; the step models the "
            "network's acknowledgement to the Media Session Handler and step 7 the UE's "
            "notice to its application. The UE's acknowledgement back to the network is not a "
            "message of this flow.",
        ),
    ),
    "7": (
        to(
            "The split configuration outcome",
            "/splitPointInformation",
            "/intermediateDataInformation",
            "/accessLocation",
            "/dynamic",
            reading="The acknowledgement of step 6, passed on inside the UE.",
        ),
    ),
    "8": (to("the AI intermediate data access information provided in step 7", "/accessLocation"),),
    "9": (
        to(
            "request the intermediate data",
            "/accessLocation",
            reading="The request names where the data is: the access information of step 7.",
        ),
    ),
    "10": (
        to("Pipelines for the delivery of AI model data", "/pipelineId", "/kind"),
        to("suitable delivery sessions are established", "/location"),
        to("streaming delivery, or download delivery", "/streaming"),
        read("any other form of delivery mechanism", _DELIVERY_MECHANISM),
    ),
    "11": (
        to(
            "the UE side of the split inferencing",
            "/modelIdentifier",
            "/splitPointIdentifier",
            reading="A side is named by the model and the split point; which side by who runs it.",
        ),
        to("as decided by the result of step 5", "/splitPointIdentifier"),
        read(
            "the Media client triggers the inference process",
            "Internal to the Media Client (it triggers its own inference engine); we keep a "
            "message so that the start is observable.",
        ),
    ),
    "12": (
        to(
            "the network side of the split inferencing",
            "/modelIdentifier",
            "/splitPointIdentifier",
        ),
        to("as decided by the result of step 5", "/splitPointIdentifier"),
        read(
            "in the 5GAI AS",
            "TR says the 5GAI AS; we read it as the Media AS, the receiver of the step.",
        ),
    ),
    "13": (
        to("Pipelines for the delivery of intermediate data", "/pipelineId", "/kind"),
        to("suitable delivery sessions are established", "/location"),
        to("streaming delivery", "/streaming"),
        read("any other form of delivery mechanism", _DELIVERY_MECHANISM),
    ),
    "14": (
        to(
            "Intermediate data",
            "/sequenceNumber",
            "/splitPointIdentifier",
            "/size",
            "/compressionAlgorithms",
            reading=UNIT,
        ),
        to(
            "metadata",
            "/splitPointUpdate",
            reading="The split point metadata of a step 15 update passed alongside the "
            "delivery pipeline; other metadata is not modelled.",
        ),
        read(
            "Inference output data",
            "TR says the UE and the network may deliver intermediate data, inference output "
            "data and/or metadata; this step carries intermediate data units only. Inference "
            "output data over the pipelines is not modelled here (the split inference flows "
            "carry it with InferenceOutput).",
        ),
    ),
    "15": (
        to(
            "The new split point metadata information",
            "/splitPointInformation",
            "/intermediateDataInformation",
        ),
        to(
            "to adapt to the new conditions",
            "/reason",
            reading="What changed, in words (e.g. UE capabilities or network capacity).",
        ),
        read(
            "either negotiated between the UE and the network",
            "The flow table has the Media-aware Application as the UE-side party (the TR's "
            "example trigger) and the Media AF as the network's; we read the negotiation as "
            "the UE-network one, a proposal from either side carried by this message.",
        ),
        to(
            "pass alongside the delivery pipeline from the UE to the network side",
            "/splitPointUpdate",
            reading="The in-band alternative is not a step of its own: the update rides on "
            "the next intermediate data unit at step 14.",
            at="14",
        ),
    ),
    "16": (
        to("AI inference status", "/inferenceStatus"),
        to("latency", "/inferenceLatency"),
        to("resource status", "/capabilityInformation/processingCapabilities"),
        to("capability status", "/capabilityInformation"),
        read(
            "dynamic media properties",
            "Not carried: the status report has no media properties.",
        ),
        read("to the 5GAI AF", "TR says the 5GAI AF; we read it as the Media AF."),
    ),
    "17": (
        to(
            "the network's AI media service status",
            *_REPORT,
            reading="The same report as step 16, from the network side.",
        ),
    ),
    "18": (
        to("network AI status reports", *_REPORT),
        to(
            "network status",
            "/capabilityInformation/connectionCapabilities",
            reading="We read network status as the bandwidth available between the UE and the "
            "network (6.6.5 connection capabilities).",
        ),
        read(
            "as collected in step 16",
            "TR says step 16, whose reports are the UE's own; we read it as the network "
            "reports collected in step 17.",
        ),
    ),
    "19": (
        read(
            "media status reports",
            "Not carried as such: the status report carries AI inference status, latency and "
            "capabilities, no media status.",
        ),
        read(
            "either from the network or internally from the UE",
            "The flow models the internal report (Media Access Function to Media Session "
            "Handler); a media status report from the network is not modelled.",
        ),
    ),
    "20": (
        to("the AI model selection", "/modelIdentifier"),
        to("split point configuration", "/splitPointInformation"),
        to("the AI data delivery pipelines", "/pipelines"),
        read(
            "Depending on the configurations negotiated in step 5",
            "Whether updates may happen is the negotiated dynamic flag of step 5; the "
            "decision itself is not carried.",
        ),
    ),
}
