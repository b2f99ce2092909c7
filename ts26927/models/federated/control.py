"""Federated learning control information — TR 26.927 clause 6.6.6.1.

The envelope that carries the five kinds of control information of clauses 6.6.6.2-6.6.6.6.
"""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import model_validator

from ts26927.models import catalogue as tr
from ts26927.models.base import TsModel, at_least_one_of, rule_violation, tr_field, with_schema
from ts26927.models.catalogue import TrRow
from ts26927.models.federated.eligibility import DeviceEligibilityInformation
from ts26927.models.federated.evaluation import ModelEvaluationInformation
from ts26927.models.federated.failure_reporting import (
    FailureReportingCriteria,
    FailureReportingInformation,
)
from ts26927.models.federated.model_update import ModelUpdateInformation
from ts26927.models.federated.synchronization import SynchronizationInformation
from ts26927.models.units import Identifier

_row = tr.FL_CONTROL
_BODIES = (
    "synchronizationInformation",
    "deviceEligibilityInformation",
    "modelEvaluationInformation",
    "modelUpdateInformation",
    "failureReportingInformation",
    "failureReportingCriteria",
)


class ControlInformation(TsModel):
    """Control information managing a federated learning process (clause 6.6.6.1)."""

    tr_clause = "6.6.6.1"
    tr_row: ClassVar[TrRow | None] = tr.row(_row, "Control information")
    model_config = with_schema(at_least_one_of(*_BODIES))

    group_id: Identifier | None = tr_field(
        None,
        "Group the information is addressed to; a device reacts only to information with "
        "one of its group ids (6.6.6.3.3). Absent: all participating devices.",
        default=None,
        examples=["fl-group-7"],
    )
    synchronization_information: SynchronizationInformation | None = tr_field(
        tr.row(_row, "Synchronization information"),
        "Start of a training round (6.6.6.2).",
        default=None,
        examples=[{"roundNumber": 3, "startTime": "2026-05-04T09:30:00Z", "duration": 600}],
    )
    device_eligibility_information: DeviceEligibilityInformation | None = tr_field(
        tr.row(_row, "Device eligibility information"),
        "Criteria for selecting participating devices (6.6.6.3).",
        default=None,
        examples=[{"groupId": "fl-group-7", "language": ["en"]}],
    )
    model_evaluation_information: ModelEvaluationInformation | None = tr_field(
        tr.row(_row, "Model evaluation information"),
        "Metrics to evaluate, or evaluated (6.6.6.4).",
        default=None,
        examples=[{"roundNumber": 3, "metricNumber": 1, "metrics": [{"name": "ACCURACY"}]}],
    )
    model_update_information: ModelUpdateInformation | None = tr_field(
        tr.row(_row, "Model update information"),
        "New model parameters (6.6.6.5).",
        default=None,
        examples=[
            {
                "modelId": "model_1",
                "parameters": [
                    {
                        "name": "b",
                        "tensorShape": [1],
                        "tensorElementDataType": "FLOAT",
                        "data": "AACAPw==",
                    }
                ],
            }
        ],
    )
    failure_reporting_information: FailureReportingInformation | None = tr_field(
        tr.row(_row, "Failure reporting information"),
        "A device's failure report (6.6.6.6).",
        default=None,
        examples=[{"reason": "DEVICE_FAILURE"}],
    )
    failure_reporting_criteria: FailureReportingCriteria | None = tr_field(
        None,
        "Failures the devices must report (6.6.6.6.2). Added by this library: the TR's "
        "request to report failures, as distinct from a report.",
        default=None,
        examples=[{"reasons": ["DEVICE_FAILURE", "NETWORK_DISRUPTION"]}],
    )

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if all(
            getattr(self, name) is None for name in type(self).model_fields if name != "group_id"
        ):
            raise rule_violation(
                "control_empty",
                "control information carries none of: {bodies}",
                bodies=", ".join(_BODIES),
            )
        return self
