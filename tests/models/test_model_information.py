from __future__ import annotations

import pytest
from pydantic import ValidationError

from ts26927.models import AiModelInformation, ServiceRequirementInformation
from ts26927.models.examples import EXAMPLES


def test_only_the_identifier_is_mandatory() -> None:
    assert AiModelInformation.from_wire({"modelIdentifier": "m"}).to_wire() == {
        "modelIdentifier": "m"
    }
    with pytest.raises(ValidationError, match="modelIdentifier"):
        AiModelInformation.from_wire({"accuracy": 50})


def test_example_values_are_in_the_tr_units() -> None:
    info = AiModelInformation.from_wire(EXAMPLES["AiModelInformation"][0])
    assert (info.model_size, info.input_size, info.accuracy) == (40, 256, 85)
    assert info.target_inference_latency == 20
    assert [f.name for f in info.format_framework or []] == ["ONNX", "PYTORCH"]


@pytest.mark.parametrize(
    "patch",
    [
        {"accuracy": 100.5},
        {"accuracy": -1},
        {"modelSize": -0.1},
        {"numberOfParameters": 1.5},
        {"targetInferenceLatency": "20ms"},
        {"formatFramework": []},
    ],
)
def test_out_of_range_and_wrong_types_are_refused(patch: dict) -> None:
    with pytest.raises(ValidationError):
        AiModelInformation.from_wire({**EXAMPLES["AiModelInformation"][0], **patch})


def test_models_are_immutable() -> None:
    info = AiModelInformation.from_wire({"modelIdentifier": "m"})
    with pytest.raises(ValidationError):
        info.model_identifier = "other"  # type: ignore[misc]


def test_service_requirements_in_percent_and_ms() -> None:
    req = ServiceRequirementInformation.from_wire(EXAMPLES["ServiceRequirementInformation"][0])
    assert req.maximum_service_inference_latency == 100
    assert req.minimum_service_inference_accuracy == 80
    with pytest.raises(ValidationError, match="serviceAccuracy"):
        ServiceRequirementInformation.from_wire({"serviceAccuracy": 101})
