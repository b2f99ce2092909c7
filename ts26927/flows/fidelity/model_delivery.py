"""Items of the steps of AI/ML model delivery with inference in the UE — clause 5.2.2.2.1,
figure 5.2.2-2."""

from __future__ import annotations

from ts26927.flows.fidelity.items import Item, read, to
from ts26927.flows.fidelity.readings import (
    INFERENCING,
    OUTPUT_RESULT,
    SELECTED_BETWEEN,
    USES_INITIALIZATION,
)

STEPS: dict[str, tuple[Item, ...]] = {
    "1": (
        to("trigger AI model delivery", "/service"),
        USES_INITIALIZATION,
    ),
    "2": (
        to("An AI model is selected", "/modelIdentifier", "/aiModelInformation"),
        SELECTED_BETWEEN,
    ),
    "3": (to("identifies the selected AI model", "/modelIdentifier"),),
    "4": (
        to("establishes an AI model delivery session", "/deliverySessionId", "/modelIdentifier"),
    ),
    "5": (
        to(
            "receives the AI model",
            "/modelIdentifier",
            reading="The model bytes travel in the delivery session; the message names and "
            "describes them (size, digest) so that the receiver can verify them.",
        ),
    ),
    "6": (
        to(
            "passes the AI/ML model",
            "/modelIdentifier",
            reading="A hand-over inside the UE; we carry the model and its verified digest so "
            "that the engine runs what was verified.",
        ),
    ),
    "7": (to("passes media data", "/inputs", reading="The media as input tensors."),),
    "8": (read("performs AI inferencing", INFERENCING),),
    "9": (OUTPUT_RESULT,),
}
