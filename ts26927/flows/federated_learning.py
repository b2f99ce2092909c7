"""Distributed/federated learning between a UE and the network — 5.2.4.2, figure 5.2.4-2.

One session is one UE's view of the process; the network's aggregation over many UEs
(step 16) is an action of the Federated Learning Engine.
"""

from __future__ import annotations

from ts26927.flows import functions as f
from ts26927.flows.structure import alt, loop, opt, seq
from ts26927.flows.table import Flow, Phase, Step
from ts26927.models.federated.eligibility import DeviceEligibilityInformation
from ts26927.models.federated.failure_reporting import FailureReportingCriteria
from ts26927.models.federated.model_update import ModelUpdateInformation
from ts26927.models.messages.common import AiServiceTrigger, ModelIdentification, ModelSelection
from ts26927.models.messages.federated import (
    EvaluationReport,
    EvaluationRequest,
    RoundOutcome,
    TrainingData,
    TrainingReport,
    TrainingRequest,
)

FLE, TRAIN = f.FEDERATED_LEARNING_ENGINE, f.AI_MODEL_TRAINING_ENGINE

STEPS = (
    Step(
        "1",
        f.UE_APPLICATION,
        f.NETWORK_APPLICATION,
        "UE Application and Network Application trigger distributed/federated learning",
        AiServiceTrigger,
        either_direction=True,
    ),
    Step(
        "2",
        f.NETWORK_APPLICATION,
        f.UE_APPLICATION,
        "A partially trained AI model is selected",
        ModelSelection,
        either_direction=True,
    ),
    Step(
        "3",
        f.NETWORK_APPLICATION,
        f.AI_MODEL_REPOSITORY,
        "Network Application identifies the selected model in the repository",
        ModelIdentification,
    ),
    Step(
        "4",
        FLE,
        TRAIN,
        "Federated Learning Engine announces the eligibility criteria",
        DeviceEligibilityInformation,
    ),
    Step(
        "5",
        FLE,
        f.AI_MODEL_ACCESS,
        "AI Model Access Function of an eligible device receives the partially trained model "
        "or its updated version",
        ModelUpdateInformation,
    ),
    Step(
        "6",
        FLE,
        TRAIN,
        "Federated Learning Engine announces the failure reporting criteria",
        FailureReportingCriteria,
    ),
    Step(
        "7",
        FLE,
        TRAIN,
        "Federated Learning Engine requests the UE to start the evaluation",
        EvaluationRequest,
    ),
    Step(
        "8",
        f.UE_DATA_SOURCE,
        TRAIN,
        "Data Source passes the input data to the training engine",
        TrainingData,
    ),
    Step("9", TRAIN, TRAIN, "AI Model Training Engine performs the evaluation"),
    Step(
        "10",
        TRAIN,
        FLE,
        "Evaluation results (or the failure information) delivered",
        EvaluationReport,
    ),
    Step(
        "11",
        FLE,
        TRAIN,
        "Device eligibility criteria updated from the evaluation results",
        DeviceEligibilityInformation,
    ),
    Step(
        "12",
        FLE,
        TRAIN,
        "Federated Learning Engine requests the UE to start the training",
        TrainingRequest,
    ),
    Step("13", f.UE_DATA_SOURCE, TRAIN, "Data Source passes the training input data", TrainingData),
    Step("14", TRAIN, TRAIN, "AI Model Training Engine performs the retraining of the model"),
    Step("15", TRAIN, FLE, "Updated model (or the failure information) delivered", TrainingReport),
    Step(
        "16",
        FLE,
        FLE,
        "Federated Learning Engine aggregates the training results of the "
        "UEs and updates the partially trained model",
    ),
    Step(
        "17",
        FLE,
        f.UE_APPLICATION,
        "Updated partially trained model delivered to the UE as from step 5",
        RoundOutcome,
    ),
)

_EVALUATION = seq("7", "8", "9", "10", opt("11"))
_TRAINING = seq("12", "13", "14", "15", "16", "17")

STRUCTURE = seq(
    "1",
    "2",
    "3",
    opt("4"),
    loop(
        "5",
        opt("6"),
        alt(
            ("Option A: model evaluation", _EVALUATION),
            ("Option B: federated training", _TRAINING),
            ("Option A then Option B", seq(_EVALUATION, _TRAINING)),
        ),
        label="round (17 back to 5)",
    ),
)

FLOW = Flow(
    id="federated-learning",
    clause="5.2.4.2",
    figure="Figure 5.2.4-2",
    title="Distributed/federated learning between a UE and the network",
    steps=STEPS,
    structure=STRUCTURE,
    phases=(
        Phase("Trigger, model selection and eligibility", ("1", "2", "3", "4", "5", "6")),
        Phase("Option A: model evaluation", ("7", "8", "9", "10", "11")),
        Phase("Option B: federated training", ("12", "13", "14", "15", "16", "17")),
    ),
    notes=(
        "TR: 'the model evaluation and the federated learning may also occur in a "
        "sequence'; a round is Option A, Option B, or A followed by B.",
        "Step 17 loops back to step 5 for the next round; the flow may end after any round.",
        "A failure report takes the place of the result at steps 10 and 15 (the message "
        "carries one or the other).",
    ),
)
