"""Distributed/federated learning messages (clause 5.2.4.2, figure 5.2.4-2).

The announcements and model updates are the clause 6.6.6 types themselves; these add the
requests of steps 7 and 12, the training input of steps 8 and 13, the results of steps 10
and 15 — each either a result or, "in the case of a failure", a failure report — and the
outcome of a round (step 17).
"""

from __future__ import annotations

from typing import Self

from pydantic import model_validator

from ts26927.models.base import (
    TsModel,
    exactly_one_of,
    rule_violation,
    tr_field,
    with_schema,
)
from ts26927.models.examples import EXAMPLES
from ts26927.models.federated.evaluation import ModelEvaluationInformation
from ts26927.models.federated.failure_reporting import FailureReportingInformation
from ts26927.models.federated.model_update import ModelUpdateInformation
from ts26927.models.federated.synchronization import SynchronizationInformation
from ts26927.models.units import Identifier, NonNegativeFloat, PositiveInt, Uinteger

_FAILURE = {"reason": "NETWORK_DISRUPTION", "roundNumber": 3}


class EvaluationRequest(TsModel):
    """The Federated Learning Engine requests the UE to evaluate the model (step 7)."""

    model_id: Identifier = tr_field(None, "Model to evaluate.", examples=["model_1"])
    model_evaluation_information: ModelEvaluationInformation = tr_field(
        None,
        "The round and the metrics to report (values absent).",
        examples=[
            {
                "roundNumber": 3,
                "metricNumber": 2,
                "metrics": [{"name": "ACCURACY"}, {"name": "LOSS"}],
            }
        ],
    )
    group_id: Identifier | None = tr_field(
        None, "Group the request addresses.", default=None, examples=["fl-group-7"]
    )


class TrainingRequest(TsModel):
    """The Federated Learning Engine requests the UE to start training (step 12)."""

    model_id: Identifier = tr_field(None, "Model to train.", examples=["model_1"])
    synchronization_information: SynchronizationInformation = tr_field(
        None,
        "The round, its start and desirable duration (6.6.6.2). The TR sends synchronization "
        "information at step 1 for the start of training; we repeat it with every training "
        "request, which is where each further round starts.",
        examples=[EXAMPLES["SynchronizationInformation"][0]],
    )
    local_epochs: PositiveInt | None = tr_field(
        None,
        "Passes over the local data. Absent: the training engine's own choice.",
        default=None,
        examples=[2],
    )
    batch_size: PositiveInt | None = tr_field(
        None,
        "Samples per update. Absent: the training engine's own choice.",
        default=None,
        examples=[32],
    )
    learning_rate: NonNegativeFloat | None = tr_field(
        None,
        "Step size of local training. Absent: the training engine's own choice.",
        default=None,
        examples=[0.1],
    )
    group_id: Identifier | None = tr_field(
        None, "Group the request addresses.", default=None, examples=["fl-group-7"]
    )


class TrainingData(TsModel):
    """The Data Source passes the training input data to the training engine (8, 13).

    The samples stay on the device; the message says which and how many.
    """

    data_library_id: Identifier = tr_field(None, "Library used.", examples=["images-v1"])
    number_of_samples: Uinteger = tr_field(None, "Samples passed.", examples=[512])


def _exactly_one(result: object, failure: object, what: str) -> None:
    if (result is None) == (failure is None):
        raise rule_violation(
            "result_or_failure",
            "carry exactly one of {what} and failureReportingInformation",
            what=what,
        )


class EvaluationReport(TsModel):
    """The evaluation results, or the failure information in case of a failure (step 10)."""

    cross_field_rules = (
        "Exactly one of modelEvaluationInformation and failureReportingInformation.",
    )
    model_config = with_schema(
        exactly_one_of("modelEvaluationInformation", "failureReportingInformation")
    )
    wire_examples = (
        {"modelEvaluationInformation": EXAMPLES["ModelEvaluationInformation"][0]},
        {"failureReportingInformation": _FAILURE},
    )

    model_evaluation_information: ModelEvaluationInformation | None = tr_field(
        None,
        "Measured metrics (6.6.6.4).",
        default=None,
        examples=[EXAMPLES["ModelEvaluationInformation"][0]],
    )
    failure_reporting_information: FailureReportingInformation | None = tr_field(
        None, "Why the evaluation failed (6.6.6.6).", default=None, examples=[_FAILURE]
    )

    @model_validator(mode="after")
    def _one(self) -> Self:
        _exactly_one(
            self.model_evaluation_information,
            self.failure_reporting_information,
            "modelEvaluationInformation",
        )
        return self


class TrainingReport(TsModel):
    """The updated model, or the failure information in case of a failure (step 15)."""

    cross_field_rules = ("Exactly one of modelUpdateInformation and failureReportingInformation.",)
    model_config = with_schema(
        exactly_one_of("modelUpdateInformation", "failureReportingInformation")
    )
    wire_examples = (
        {"modelUpdateInformation": EXAMPLES["ModelUpdateInformation"][0]},
        {"failureReportingInformation": _FAILURE},
    )

    model_update_information: ModelUpdateInformation | None = tr_field(
        None,
        "Locally trained parameters (6.6.6.5).",
        default=None,
        examples=[EXAMPLES["ModelUpdateInformation"][0]],
    )
    failure_reporting_information: FailureReportingInformation | None = tr_field(
        None, "Why training failed (6.6.6.6).", default=None, examples=[_FAILURE]
    )

    @model_validator(mode="after")
    def _one(self) -> Self:
        _exactly_one(
            self.model_update_information,
            self.failure_reporting_information,
            "modelUpdateInformation",
        )
        return self


class RoundOutcome(TsModel):
    """The updated partially trained model is announced to the UE (step 17).

    We read step 17 ("delivered to the UE as from step 5") as the network telling the UE the
    new model id and whether another round follows; the parameters themselves arrive at
    step 5 of the next round.
    """

    round_number: Uinteger = tr_field(None, "Round just aggregated.", examples=[3])
    new_model_id: Identifier = tr_field(
        None, "Identifier of the aggregated model.", examples=["model_1_round_4"]
    )
    continue_training: bool = tr_field(None, "True when another round follows.", examples=[True])
    participants: Uinteger | None = tr_field(
        None, "Devices whose updates were aggregated.", default=None, examples=[8]
    )
