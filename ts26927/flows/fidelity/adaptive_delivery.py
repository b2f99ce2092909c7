"""Items of the steps of adaptive AI/ML model delivery — clause 5.2.2.2.2, figure 5.2.1.2-2."""

from __future__ import annotations

from ts26927.flows.fidelity.items import Item, read, to
from ts26927.flows.fidelity.readings import INFERENCING, OUTPUT_RESULT

STEPS: dict[str, tuple[Item, ...]] = {
    "1": (
        to(
            "establish adaptive model delivery",
            "/manifestId",
            reading="TR says the applications communicate to establish adaptive model "
            "delivery; we read the step as the Network Application giving the UE Application "
            "the model manifest, the message of this step.",
        ),
        to("available AI models", "/models", "/models/aiModelInformation"),
        to("precisions", "/models/variants/precision"),
        to(
            "possible updates",
            "/models/variants/updateOf",
            "/models/variants/composition",
            reading="An update is a variant applied on top of the one it names, composed "
            "additively or consecutively (the TR's two examples).",
        ),
        read(
            "3GPP URI of/or model manifest file(s)",
            "TR says the information may be in a 3GPP URI and/or model manifest file(s); we "
            "model only the manifest, inline (the message is the manifest). A URI pointing to "
            "it is not modelled: fetching it would be a step the flow does not number.",
        ),
        to("size", "/models/variants/modelSize"),
        to("complexity information", "/models/variants/computationalComplexity"),
        to("of the different versions", "/models/variants"),
        to(
            "full models",
            "/models/adaptive",
            reading="adaptive false: a full model; true: an adaptive one.",
        ),
        to("adaptive models", "/models/adaptive"),
    ),
    "2": (
        read(
            "An adaptive model is selected by the UE Application",
            "An action of the UE Application; its choice is sent at step 3.",
        ),
        read(
            "model size",
            "Read from the manifest of step 1 (modelSize of each variant); no message here.",
        ),
        read(
            "currently available network capacity",
            "Known to the UE Application when it selects; carried by no message of this flow.",
        ),
    ),
    "3": (
        to("the adaptive model", "/modelIdentifier"),
        to(
            "of selected precision",
            "/variantIdentifier",
            reading="A precision is named by the manifest variant that has it.",
        ),
    ),
    "4": (
        to(
            "identifies the selected AI model",
            "/modelIdentifier",
            "/variantIdentifier",
            reading="The variant carries the precision selected at step 3.",
        ),
    ),
    "5": (
        to("establishes an AI model delivery session", "/deliverySessionId", "/modelIdentifier"),
    ),
    "6": (
        to("receives the AI model", "/modelIdentifier"),
        to("of the precision requested by the UE", "/variantIdentifier"),
    ),
    "7": (to("passes the AI/ML model", "/modelIdentifier", "/variantIdentifier"),),
    "8": (
        to("passes data", "/inputs", reading="The data as input tensors."),
        read(
            "AI Model Inference Engine performs AI inferencing",
            "TR repeats the inferencing of step 9 in step 8; we read step 8 as the data "
            "hand-over only and step 9 as the inferencing.",
        ),
    ),
    "9": (read("performs AI inferencing", INFERENCING),),
    "10": (OUTPUT_RESULT,),
    "11": (
        to("model precision update", "/toVariant"),
        to(
            "updating the AI model",
            "/modelIdentifier",
            "/fromVariant",
            reading="The model, and the variant the UE holds, which the update refines.",
        ),
        to(
            "to a higher precision",
            "/toVariant",
            reading="The update package of the manifest that leads to the higher precision.",
        ),
    ),
    "12": (
        read(
            "The update is applied to the low precision model",
            "An action of the UE's inference engine: the update package delivered at steps "
            "6-7 is composed with the model in use, as the manifest's composition says.",
        ),
    ),
}
