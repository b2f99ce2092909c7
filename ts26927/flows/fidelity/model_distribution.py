"""Items of the steps of AI/ML model distribution and operation — clause 5.3.6, figure 5.3.6-1.

The TR defines steps 1-8 by reference to TS 26.501 in one paragraph; each step's items are
phrases of that paragraph (the clause text is the sentence of every step).
"""

from __future__ import annotations

from ts26927.flows.fidelity.items import Item, read, to

_BY_REFERENCE = (
    "TR defines steps 1-8 by reference ('the same steps as defined in TS 26.501 for downlink "
    "media streaming, but for AI/ML distribution'); the step contents are our reading of that "
    "procedure."
)

STEPS: dict[str, tuple[Item, ...]] = {
    "1": (
        to("a provisioning session", "/provisioningSessionId"),
        to(
            "the availability of AI models from the Media Application Provider",
            "/aiModels",
            reading=_BY_REFERENCE,
        ),
    ),
    "2": (
        to(
            "an ingest session",
            "/pipelineId",
            "/location",
            reading="We read TS 26.501's ingest session set-up as a pipeline set-up whose "
            "location is where the Media AS receives the models.",
        ),
    ),
    "3": (
        to(
            "AI models are uploaded to the Media AS",
            "/modelIdentifier",
            "/location",
            "/aiModelInformation",
        ),
    ),
    "4": (
        to("acquired in whole in step 4", "/serviceAccessInformation"),
        to("through a reference", "/reference"),
    ),
    "5": (
        to(
            "activate the reception of one or more AI models",
            "/modelIdentifier",
            "/accessLocation",
            reading="We read step 5 (TS 26.501's start) as the application asking the Media "
            "Session Handler to start the reception, one request per model.",
        ),
    ),
    "6": (to("later in whole in step 6", "/aiModels", "/manifestLocation"),),
    "7": (
        to(
            "activate the reception of one or more AI models",
            "/modelIdentifier",
            "/accessLocation",
            reading="The application starts the delivery at the Media Client, one request per "
            "model.",
        ),
    ),
    "8": (to("the AI model delivered and received in step 8", "/modelIdentifier"),),
    "9": (
        to(
            "performs AI inferencing",
            "/outputs",
            "/labels",
            reading="TR names the inferencing; we carry its result from the Media Client to "
            "the Media-aware Application.",
        ),
        read(
            "using media as an input",
            "The media input is internal to the Media Client; no message carries it.",
        ),
    ),
}
