"""Synchronization information — TR 26.927 clause 6.6.6.2.

Sent by the network application to all UE applications so that every device starts a
training round at the same time: at step 1 of figure 5.2.4-2, as clause 6.6.6.2.2 says
(``AiServiceTrigger.synchronizationInformation``), and — our reading, for the rounds that
follow — with every training request (``TrainingRequest.synchronizationInformation``, step
12).
"""

from __future__ import annotations

from ts26927.models import catalogue as tr
from ts26927.models.base import TsModel, tr_field
from ts26927.models.units import DateTime, Uinteger

_row = tr.FL_SYNC


class SynchronizationInformation(TsModel):
    """Start of a training round (clause 6.6.6.2)."""

    tr_clause = "6.6.6.2"

    round_number: Uinteger = tr_field(
        tr.row(_row, "Round_number"),
        "The training round in a model training.",
        examples=[3],
    )
    start_time: DateTime | None = tr_field(
        tr.row(_row, "Start_time"),
        "When the training round should begin (RFC 3339 with offset).",
        default=None,
        examples=["2026-05-04T09:30:00Z"],
    )
    duration: Uinteger | None = tr_field(
        tr.row(_row, "Duration"),
        "Desirable duration of the training round: an indication, not a deadline.",
        default=None,
        unit="s",
        examples=[600],
    )
