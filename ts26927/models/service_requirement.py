"""Service requirement information — TR 26.927 clause 6.6.4.

Latency and accuracy requirements of an AI media service, used to select a model and, for
split inference, a split point.
"""

from __future__ import annotations

from ts26927.models import catalogue as tr
from ts26927.models.base import TsModel, tr_field
from ts26927.models.units import Identifier, NonNegativeFloat, Percentage

_row = tr.SERVICE


class ServiceRequirementInformation(TsModel):
    """Requirements of an AI media service (clause 6.6.4)."""

    tr_clause = "6.6.4"

    maximum_service_inference_latency: NonNegativeFloat | None = tr_field(
        tr.row(_row, "Maximum service inference latency"),
        "Maximum inference latency of the service. With split inference it includes the "
        "delivery of the intermediate data between the two inference entities.",
        default=None,
        unit="ms",
        examples=[100],
    )
    minimum_service_inference_accuracy: Percentage | None = tr_field(
        tr.row(_row, "Minimum service inference accuracy"),
        "Minimum accuracy required by the service.",
        default=None,
        unit="%",
        examples=[80],
    )
    service_type_identifier: Identifier | None = tr_field(
        tr.row(_row, "Service type identifier"),
        "Service type the model supports, such as ASR, TTS or a translation with its input "
        "and output languages.",
        default=None,
        examples=["TTS", "ASR", "Trans-EN-to-ZH"],
    )
    service_accuracy: Percentage | None = tr_field(
        tr.row(_row, "Service accuracy"),
        "Expected accuracy of the service. The TR does not relate it to the minimum "
        "accuracy; we do not require one to exceed the other.",
        default=None,
        unit="%",
        examples=[85],
    )
