"""Items of the steps of distributed/federated learning — clause 5.2.4.2, figure 5.2.4-2."""

from __future__ import annotations

from ts26927.flows.fidelity.items import Item, read, to
from ts26927.flows.fidelity.readings import (
    SELECTED_BETWEEN,
    USES_INITIALIZATION,
)

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

STEPS: dict[str, tuple[Item, ...]] = {
    "1": (
        to(
            "trigger distributed/federated learning",
            "/service",
            "/synchronizationInformation",
            reading="Clause 6.6.6.2.2 has the network application send the synchronization "
            "information (the round number, and may be a start time) to start a round 'as "
            "described in step 1 of figure 5.2.4-2'; we carry it in the trigger.",
        ),
        USES_INITIALIZATION,
    ),
    "2": (
        to("A partially trained AI model is selected", "/modelIdentifier", "/aiModelInformation"),
        SELECTED_BETWEEN,
    ),
    "3": (to("identifies the selected partially trained AI model", "/modelIdentifier"),),
    "4": (
        to(
            "announces the eligibility criteria",
            *_ELIGIBILITY,
            reading="The clause 6.6.6.3 device eligibility information.",
        ),
        to("device's operating system", "/hardware/operatingSystems"),
        to("processor speed", "/hardware/minimumProcessorSpeed"),
        to("available memory", "/hardware/minimumAvailableMemory"),
        to(
            "characteristics of the data library",
            "/dataLibraryId",
            "/minimumDataSamples",
            reading="The library a device shall have (6.6.6.3.3 Data_library_id) and its "
            "number of samples (6.6.6.3.2 'available image library (number of images...)').",
        ),
        to(
            "geographical location of the device",
            "/location",
            "/location/countryCodes",
            reading="As country codes.",
        ),
        to("language setting", "/language"),
        to(
            "other attributes",
            "/applicationGroupId",
            "/hardware/processorKinds",
            reading="The 6.6.6.3.3 application group id, and the kinds of processor (as part "
            "of the Hardware criteria).",
        ),
    ),
    "5": (
        to(
            "the partially trained AI model",
            "/modelId",
            "/parameters",
            reading="TR says the device receives the partially trained model; we carry its "
            "parameters inline (6.6.6.5.2 'the updated model parameters'). No model file, "
            "location or topology update is carried, though clause 5.2.4.1 names updates "
            "'in terms of topology or weights': only weights are expressible.",
        ),
        to(
            "or its updated version",
            "/newModelId",
            "/parameters",
            reading="Clause 6.6.6.5.2: the model id, the updated parameters and the new model "
            "id when the parameters are updated.",
        ),
        read(
            "an eligible device",
            "Eligibility is the sender's choice of recipients (the devices that took the group "
            "id of step 4); the message carries no group id.",
        ),
    ),
    "6": (
        to(
            "failure reporting criteria",
            "/reasons",
            reading="Clause 6.6.6.6.2 asks devices 'to report a device failure or network "
            "disruption'; the criteria are the failures to report.",
        ),
    ),
    "7": (
        to("start the model evaluation", "/modelId"),
        to(
            "The evaluation mechanism and criteria",
            "/modelEvaluationInformation",
            "/modelEvaluationInformation/metrics",
            reading="Clause 6.6.6.4.2 sends the model evaluation information 'containing the "
            "metrics to be used for evaluation' at step 7; we carry the metric names, values "
            "absent.",
        ),
    ),
    "8": (
        to(
            "the training input data", "/dataLibraryId", "/numberOfSamples", reading=_TRAINING_INPUT
        ),
    ),
    "9": (
        read(
            "performs the evaluation",
            "An action of the AI Model Training Engine; its results are sent at step 10.",
        ),
    ),
    "10": (
        to("The evaluation results", "/modelEvaluationInformation"),
        to("the failure information", "/failureReportingInformation"),
    ),
    "11": (
        to(
            "the device eligibility criteria may get updated",
            *_ELIGIBILITY,
            reading="The updated criteria are announced again as a whole, the same 6.6.6.3 "
            "information as step 4.",
        ),
        read(
            "depending on the evaluation results",
            "How the results change the criteria is the Federated Learning Engine's policy; "
            "not carried.",
        ),
    ),
    "12": (
        to(
            "start the training",
            "/modelId",
            "/synchronizationInformation",
            reading="Clause 6.6.6.2.2 sends synchronization information to start a round at "
            "step 1; we repeat it with every training request, where each further round "
            "starts.",
        ),
    ),
    "13": (
        to(
            "the training input data", "/dataLibraryId", "/numberOfSamples", reading=_TRAINING_INPUT
        ),
    ),
    "14": (
        read(
            "performs the retraining of the model",
            "An action of the AI Model Training Engine; its result is sent at step 15.",
        ),
    ),
    "15": (
        to(
            "The updated model",
            "/modelUpdateInformation",
            reading="Clause 6.6.6.5.2: the model id used for local training and the updated "
            "parameters.",
        ),
        to("the failure information", "/failureReportingInformation"),
    ),
    "16": (
        read(
            "performs training aggregation of training results from multiple UEs",
            "An action of the Federated Learning Engine over many UEs; one session is one "
            "UE's view and sees only its outcome (step 17).",
        ),
    ),
    "17": (
        to(
            "The updated partially trained AI model",
            "/newModelId",
            "/roundNumber",
            reading="TR says it is 'delivered to the UE as from step 5'; we read step 17 as "
            "the outcome of the round (the new model id); the parameters themselves arrive at "
            "the next step 5.",
        ),
        to(
            "as from step 5",
            "/continueTraining",
            reading="Whether a next step 5 (another round) follows.",
        ),
    ),
}
