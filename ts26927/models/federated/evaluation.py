"""Model evaluation information — TR 26.927 clause 6.6.6.4.

The network names the metrics a device evaluates (step 7 of figure 5.2.4-2, values absent);
the device answers with the values it measured (step 10), after which the network decides
whether to train another round.
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from typing import Self

from pydantic import model_validator

from ts26927.models import catalogue as tr
from ts26927.models.base import TsModel, rule_violation, tr_field
from ts26927.models.extensible import extensible
from ts26927.models.units import Identifier, PositiveInt, Uinteger

_row = tr.FL_EVALUATION


class MetricName(StrEnum):
    """Evaluation metrics (extensible). ACCURACY, PRECISION, RECALL and F1_SCORE are
    fractions in percent; LOSS is the model's training loss."""

    ACCURACY = "ACCURACY"
    PRECISION = "PRECISION"
    RECALL = "RECALL"
    F1_SCORE = "F1_SCORE"
    LOSS = "LOSS"
    MEAN_SQUARED_ERROR = "MEAN_SQUARED_ERROR"


MetricNameValue = extensible(MetricName)


class Metric(TsModel):
    """One name-value pair of an evaluation."""

    name: MetricNameValue = tr_field(None, "Name of the metric.", examples=["ACCURACY"])
    value: float | None = tr_field(
        None,
        "Value obtained in the evaluation; absent when the network only names the metric "
        "to evaluate.",
        default=None,
        allow_inf_nan=False,
        examples=[91.5],
    )


class ModelEvaluationInformation(TsModel):
    """Metrics of an evaluation of the global model (clause 6.6.6.4)."""

    tr_clause = "6.6.6.4"
    cross_field_rules = (
        "metricNumber equals the number of entries in metrics.",
        "Metric names are unique.",
    )

    round_number: Uinteger = tr_field(
        tr.row(_row, "Round_number"),
        "The round after which the evaluation is performed.",
        examples=[3],
    )
    metric_number: PositiveInt = tr_field(
        tr.row(_row, "Metric_number"),
        "Number of metrics included in this information.",
        examples=[2],
    )
    metrics: list[Metric] = tr_field(
        tr.row(_row, "Metric"),
        "One or more name-value pairs: the name of each metric and the value obtained.",
        min_length=1,
        max_length=256,
        examples=[[{"name": "ACCURACY", "value": 91.5}, {"name": "LOSS", "value": 0.27}]],
    )
    model_id: Identifier | None = tr_field(
        None,
        "Identifier of the evaluated model. Added by this library.",
        default=None,
        examples=["model_1"],
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.metric_number != len(self.metrics):
            raise rule_violation(
                "metric_count",
                "metricNumber is {declared} but metrics lists {listed}",
                declared=self.metric_number,
                listed=len(self.metrics),
            )
        repeated = [n for n, c in Counter(m.name for m in self.metrics).items() if c > 1]
        if repeated:
            raise rule_violation(
                "metric_not_unique",
                "metric names must be unique; repeated: {names}",
                names=", ".join(repeated),
            )
        return self

    def value_of(self, name: str) -> float | None:
        """The value reported for metric ``name``, or None."""
        return next((m.value for m in self.metrics if m.name == name), None)
