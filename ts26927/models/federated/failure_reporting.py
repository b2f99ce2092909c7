"""Failure reporting information — TR 26.927 clause 6.6.6.6.

The network announces which failures devices must report (step 6 of figure 5.2.4-2); a
device that fails sends the reason instead of its result (steps 10 and 15), so that the
network can remove it from the training process.
"""

from __future__ import annotations

from enum import StrEnum

from ts26927.models import catalogue as tr
from ts26927.models.base import TsModel, tr_field
from ts26927.models.extensible import extensible
from ts26927.models.units import Identifier, Uinteger

_row = tr.FL_FAILURE


class FailureReason(StrEnum):
    """Reasons for a failure during federated evaluation or training (extensible)."""

    DEVICE_FAILURE = "DEVICE_FAILURE"
    NETWORK_DISRUPTION = "NETWORK_DISRUPTION"
    INSUFFICIENT_RESOURCES = "INSUFFICIENT_RESOURCES"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
    TRAINING_FAILURE = "TRAINING_FAILURE"
    EVALUATION_FAILURE = "EVALUATION_FAILURE"
    MODEL_INCOMPATIBLE = "MODEL_INCOMPATIBLE"
    DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"
    USER_WITHDRAWAL = "USER_WITHDRAWAL"


FailureReasonValue = extensible(FailureReason)


class FailureReportingInformation(TsModel):
    """A device's report of a failure (clause 6.6.6.6)."""

    tr_clause = "6.6.6.6"

    reason: FailureReasonValue = tr_field(
        tr.row(_row, "reason for the failure"),
        "The reason for the failure.",
        examples=["NETWORK_DISRUPTION"],
    )
    detail: str | None = tr_field(
        None,
        "Human-readable detail of the failure. Added by this library.",
        default=None,
        max_length=2048,
        examples=["local training diverged (loss is NaN) at epoch 2"],
    )
    round_number: Uinteger | None = tr_field(
        None,
        "Round in which the failure occurred. Added by this library.",
        default=None,
        examples=[3],
    )
    model_id: Identifier | None = tr_field(
        None,
        "Model the device was working on. Added by this library.",
        default=None,
        examples=["model_1"],
    )


class FailureReportingCriteria(TsModel):
    """Which failures participating devices must report (clause 6.6.6.6.2, step 6)."""

    tr_clause = "6.6.6.6.2"

    reasons: list[FailureReasonValue] = tr_field(
        None,
        "Failures a device reports when they occur.",
        min_length=1,
        max_length=64,
        examples=[["DEVICE_FAILURE", "NETWORK_DISRUPTION"]],
    )
    reporting_deadline: Uinteger | None = tr_field(
        None,
        "Time after the round's start by which a device that has neither a result nor a "
        "failure report is treated as failed. Added by this library.",
        default=None,
        unit="s",
        examples=[900],
    )
