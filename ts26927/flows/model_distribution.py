"""Procedure for AI/ML model distribution and operation — clause 5.3.6, figure 5.3.6-1.

The TR defines steps 1-8 by reference: "the same steps as defined in TS 26.501 for downlink
media streaming, but for AI/ML distribution". We read them as TS 26.501's high-level
downlink procedure: provisioning session, ingest session, ingest, service announcement (in
whole or by reference), start, acquisition of the service access information (when only a
reference was announced), delivery start and delivery; step 9 is inference.
"""

from __future__ import annotations

from ts26927.flows import functions as f
from ts26927.flows.structure import loop, opt, seq
from ts26927.flows.table import Flow, Phase, Step
from ts26927.models.messages.common import InferenceOutput, ModelDataDelivery
from ts26927.models.messages.operation import (
    DeliveryRequest,
    ModelIngest,
    PipelineSetup,
    ServiceAccessInformation,
    ServiceAnnouncement,
    ServiceProvisioning,
)

PROVIDER, AF, AS = f.MEDIA_APPLICATION_PROVIDER, f.MEDIA_AF, f.MEDIA_AS
MSH, CLIENT, APP = f.MEDIA_SESSION_HANDLER, f.MEDIA_ACCESS_FUNCTION, f.MEDIA_AWARE_APPLICATION

STEPS = (
    Step(
        "1", PROVIDER, AF, "Provisioning session for AI/ML model distribution", ServiceProvisioning
    ),
    Step("2", PROVIDER, AS, "Ingest session set up", PipelineSetup),
    Step("3", PROVIDER, AS, "AI models ingested (uploaded to the Media AS)", ModelIngest),
    Step(
        "4",
        PROVIDER,
        APP,
        "Service announcement (service access information in whole or a reference)",
        ServiceAnnouncement,
    ),
    Step("5", APP, MSH, "Media-aware Application starts the AI model reception", DeliveryRequest),
    Step(
        "6",
        AF,
        MSH,
        "Service access information acquired (when announced by reference)",
        ServiceAccessInformation,
    ),
    Step("7", APP, CLIENT, "Delivery of the AI model(s) started", DeliveryRequest),
    Step("8", AS, CLIENT, "AI model(s) delivered and received", ModelDataDelivery),
    Step(
        "9",
        CLIENT,
        APP,
        "Media Client performs AI inferencing with media as input",
        InferenceOutput,
    ),
)

STRUCTURE = seq("1", "2", "3", "4", "5", opt("6"), "7", "8", loop("9", label="each media input"))

FLOW = Flow(
    id="model-distribution",
    clause="5.3.6",
    figure="Figure 5.3.6-1",
    title="Procedure for AI/ML model distribution and operation",
    steps=STEPS,
    structure=STRUCTURE,
    phases=(
        Phase("Provisioning, ingest and announcement", ("1", "2", "3", "4")),
        Phase("Model reception and inference", ("5", "6", "7", "8", "9")),
    ),
    notes=(
        "Steps 1-8 are defined by reference to TS 26.501's downlink media streaming "
        "procedure; the step contents are our reading of that procedure for AI models.",
        "Step 6 happens only when step 4 announced a reference.",
    ),
)
