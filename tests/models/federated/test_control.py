from __future__ import annotations

import pytest
from pydantic import ValidationError

from ts26927.models import (
    ControlInformation,
    FailureReason,
    FailureReportingInformation,
    MetricName,
    ModelEvaluationInformation,
    ModelUpdateInformation,
    SynchronizationInformation,
)
from ts26927.models.examples import EXAMPLES


def test_control_information_must_carry_something() -> None:
    with pytest.raises(ValidationError, match="control information carries none of"):
        ControlInformation.from_wire({"groupId": "g"})
    assert ControlInformation.from_wire(EXAMPLES["ControlInformation"][0]).model_update_information


def test_control_information_keeps_forbidding_unknown_properties() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        ControlInformation.from_wire({**EXAMPLES["ControlInformation"][0], "extra": 1})


def test_synchronization_needs_a_round_number() -> None:
    sync = SynchronizationInformation.from_wire({"roundNumber": 0})
    assert sync.start_time is None and sync.duration is None
    with pytest.raises(ValidationError, match="roundNumber"):
        SynchronizationInformation.from_wire({"startTime": "2026-05-04T09:30:00Z"})


def test_metric_number_matches_the_metrics() -> None:
    doc = EXAMPLES["ModelEvaluationInformation"][0]
    info = ModelEvaluationInformation.from_wire(doc)
    assert info.value_of(MetricName.ACCURACY) == 91.5 and info.value_of("RECALL") is None
    with pytest.raises(ValidationError, match="metricNumber is 3 but metrics lists 2"):
        ModelEvaluationInformation.from_wire({**doc, "metricNumber": 3})
    twice = [{"name": "LOSS", "value": 1.0}, {"name": "LOSS", "value": 2.0}]
    with pytest.raises(ValidationError, match="metric names must be unique; repeated: LOSS"):
        ModelEvaluationInformation.from_wire({**doc, "metrics": twice})


def test_a_request_names_metrics_without_values() -> None:
    request = ModelEvaluationInformation.from_wire(
        {"roundNumber": 1, "metricNumber": 1, "metrics": [{"name": "ACCURACY"}]}
    )
    assert request.metrics[0].value is None


def test_model_update_data_length_matches_shape_and_type() -> None:
    doc = EXAMPLES["ModelUpdateInformation"][0]
    update = ModelUpdateInformation.from_wire(doc)
    assert update.parameters[0].data == b"\x00\x00\x80?\x00\x00\x00@\x00\x00@@\x00\x00\x80@"
    short = {**doc["parameters"][0], "tensorShape": [2, 3]}
    with pytest.raises(
        ValidationError, match="data holds 16 bytes but shape \\[2, 3\\] of FLOAT needs 24"
    ):
        ModelUpdateInformation.from_wire({**doc, "parameters": [short]})
    text = {**doc["parameters"][0], "tensorElementDataType": "STRING"}
    with pytest.raises(ValidationError, match="STRING tensors cannot carry model parameters"):
        ModelUpdateInformation.from_wire({**doc, "parameters": [text]})
    with pytest.raises(ValidationError, match="parameter names must be unique"):
        ModelUpdateInformation.from_wire({**doc, "parameters": [doc["parameters"][0]] * 2})


def test_failure_reports_carry_a_reason() -> None:
    report = FailureReportingInformation.from_wire({"reason": "DEVICE_FAILURE"})
    assert report.reason is FailureReason.DEVICE_FAILURE
    with pytest.raises(ValidationError, match="reason"):
        FailureReportingInformation.from_wire({"detail": "no reason given"})
