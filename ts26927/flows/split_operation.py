"""Procedure for split AI/ML operation — clause 5.3.5, figure 5.3.5-1.

Three parts: AI split inference management (3-7), the split AI data session (8-13) and
split inference processing (14), then split point updates (15) and session reporting and
update (16-20), which repeat while the service runs.
"""

from __future__ import annotations

from ts26927.flows import functions as f
from ts26927.flows.structure import alt, loop, opt, seq
from ts26927.flows.table import Flow, Phase, Step
from ts26927.models.messages.operation import (
    CapabilityDiscovery,
    DeliveryRequest,
    InferenceStart,
    PipelineSetup,
    ServiceAccessInformation,
    ServiceProvisioning,
    SessionUpdate,
    SplitAcknowledgement,
    SplitInferenceRequest,
    SplitNegotiation,
    StatusReport,
)
from ts26927.models.messages.split import IntermediateDataDelivery, SplitPointUpdate

MSH, AF, AS = f.MEDIA_SESSION_HANDLER, f.MEDIA_AF, f.MEDIA_AS
CLIENT, APP = f.MEDIA_ACCESS_FUNCTION, f.MEDIA_AWARE_APPLICATION

STEPS = (
    Step(
        "1",
        f.MEDIA_APPLICATION_PROVIDER,
        AF,
        "Service provisioning and announcement of the AI data service",
        ServiceProvisioning,
    ),
    Step(
        "2",
        AF,
        MSH,
        "Service access information acquisition (available AI models or a manifest)",
        ServiceAccessInformation,
    ),
    Step(
        "3",
        MSH,
        AF,
        "Discovering AI inferencing capabilities in the UE and network",
        CapabilityDiscovery,
        either_direction=True,
    ),
    Step(
        "4",
        MSH,
        AF,
        "Requesting AI split inference (either side)",
        SplitInferenceRequest,
        either_direction=True,
    ),
    Step(
        "5",
        AF,
        MSH,
        "Negotiate splitting the AI inference process",
        SplitNegotiation,
        either_direction=True,
    ),
    Step(
        "6",
        AF,
        MSH,
        "Acknowledge the split and provide the AI data split inferencing access info",
        SplitAcknowledgement,
    ),
    Step(
        "7",
        MSH,
        APP,
        "Split configuration outcome notified to the Media-aware application",
        SplitAcknowledgement,
    ),
    Step("8", APP, CLIENT, "Request the start of intermediate data delivery", DeliveryRequest),
    Step(
        "9",
        CLIENT,
        AS,
        "Media Client requests the intermediate data from the Media AS",
        DeliveryRequest,
    ),
    Step("10", AS, CLIENT, "Pipelines for the delivery of AI model data set up", PipelineSetup),
    Step("11", CLIENT, CLIENT, "Start the inference process in the UE", InferenceStart),
    Step("12", AF, AS, "Start the inference process in the server", InferenceStart),
    Step("13", AS, CLIENT, "Pipelines for the delivery of intermediate data set up", PipelineSetup),
    Step(
        "14",
        AS,
        CLIENT,
        "Split inference runs; intermediate data delivered",
        IntermediateDataDelivery,
        either_direction=True,
    ),
    Step(
        "15",
        APP,
        AF,
        "Split point update triggered and negotiated",
        SplitPointUpdate,
        either_direction=True,
    ),
    Step(
        "16",
        MSH,
        AF,
        "Media Session Handler sends UE AI media service status reports",
        StatusReport,
    ),
    Step("17", AS, AF, "Media AS sends network AI media service status reports", StatusReport),
    Step("18", AF, MSH, "Media Session Handler receives network (AI) status reports", StatusReport),
    Step("19", CLIENT, MSH, "Media Session Handler receives media status reports", StatusReport),
    Step(
        "20",
        AF,
        MSH,
        "Updates of model selection, split configuration or pipelines",
        SessionUpdate,
        either_direction=True,
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
    "14",
    loop(
        alt(
            ("split inference processing", "14"),
            ("split point update", seq("15", "14")),
            (
                "session reporting and update",
                seq(opt("16"), opt("17"), opt("18"), opt("19"), opt("20")),
            ),
        ),
        label="while the service runs",
        min_times=0,
    ),
)

FLOW = Flow(
    id="split-operation",
    clause="5.3.5",
    figure="Figure 5.3.5-1",
    title="Procedures for split AI/ML operation",
    steps=STEPS,
    structure=STRUCTURE,
    phases=(
        Phase(
            "Service provisioning and AI split inference management",
            ("1", "2", "3", "4", "5", "6", "7"),
        ),
        Phase("Split AI data session", ("8", "9", "10", "11", "12", "13")),
        Phase("Split inference processing and split point update", ("14", "15")),
        Phase("Session reporting and update", ("16", "17", "18", "19", "20")),
    ),
    notes=(
        "TR says 'Either the UE or the network requests'; steps 3, 4, 5, 14, 15 and 20 may be "
        "sent by either side.",
        "Steps 15-20 happen while the service runs, repeatedly; a split point update (15) is "
        "followed by processing at the new split point (14). Reports 16-19 are optional and "
        "keep the TR's order.",
        "Step 11 is internal to the Media Client (it triggers its AI inference engine).",
    ),
)
