"""Items of the steps of the two basic 13-step split inference workflows of clause 5.2.3.2:
media data source in the network (figure 5.2.3-3) and in the UE (figure 5.2.3-4).
"""

from __future__ import annotations

from ts26927.flows.fidelity.items import Item, read, to
from ts26927.flows.fidelity.readings import (
    DATA_SESSION,
    INFERENCING,
    OUTPUT,
    OUTPUT_RESULT,
    PASSED_TO_ENGINE,
    PASSES_UE_SUBSET,
    RECEIVES_UNIT,
    SELECTED_BETWEEN,
    SUBSET,
    UE_SUBSET,
    USES_INITIALIZATION,
)

_BASIC_COMMON: dict[str, tuple[Item, ...]] = {
    "1": (
        to("trigger split AI model delivery", "/service"),
        USES_INITIALIZATION,
    ),
    "2": (
        to(
            "A split AI model is selected",
            "/modelIdentifier",
            "/aiModelInformation",
            "/splitPointInformation",
            "/splitModelInformation",
            reading="We read 'a split AI model' as the model together with the split point "
            "that divides it (6.6.3 split point information) and, when the selection shares "
            "them, its predefined split points (6.6.3 split model information).",
        ),
        SELECTED_BETWEEN,
    ),
    "3": (
        to(
            "the selected UE and network AI model subsets",
            "/modelIdentifier",
            "/subsets",
            "/splitPointIdentifier",
        ),
    ),
    "4": (
        to(
            "the network AI model subset",
            "/modelIdentifier",
            "/subset",
            "/splitPointIdentifier",
            reading=SUBSET,
        ),
    ),
    "5": (
        to(
            "UE AI model subset delivery session",
            "/deliverySessionId",
            "/modelIdentifier",
            "/subset",
        ),
    ),
    "6": (UE_SUBSET,),
    "7": (PASSES_UE_SUBSET,),
    "10": (DATA_SESSION,),
    "11": (
        RECEIVES_UNIT,
        PASSED_TO_ENGINE,
    ),
}

NETWORK_SOURCE_STEPS: dict[str, tuple[Item, ...]] = {
    **_BASIC_COMMON,
    "8": (to("passes media data", "/inputs", reading="The media as input tensors."),),
    "9": (read("performs network AI inferencing", INFERENCING),),
    "12": (read("performs AI inferencing", INFERENCING),),
    "13": (OUTPUT_RESULT,),
}

UE_SOURCE_STEPS: dict[str, tuple[Item, ...]] = {
    **_BASIC_COMMON,
    "8": (to("passes media data", "/inputs", reading="The media as input tensors."),),
    "9": (read("performs UE AI inferencing", INFERENCING),),
    "12": (read("performs network AI inferencing", INFERENCING),),
    "13": (
        to(
            "receives the inference output result from the network",
            "/outputs",
            "/labels",
            reading=OUTPUT,
        ),
    ),
}
