from __future__ import annotations

import numpy as np

from ts26927.engine.federated import mlp
from ts26927.engine.federated.client import Behaviour, TrainingEngine
from ts26927.engine.federated.data import digits
from ts26927.engine.federated.parameters import from_tensors, update_information
from ts26927.models.federated.eligibility import DeviceEligibilityInformation
from ts26927.models.federated.evaluation import Metric, ModelEvaluationInformation
from ts26927.models.federated.synchronization import SynchronizationInformation
from ts26927.models.messages.federated import EvaluationRequest, TrainingRequest

TRAIN, _ = digits()
DATA = TRAIN.subset(np.arange(200))
REQUEST = TrainingRequest(
    model_id="m",
    synchronization_information=SynchronizationInformation(round_number=2),
    local_epochs=1,
    batch_size=16,
    learning_rate=0.3,
)


def _client(behaviour: Behaviour = Behaviour.HONEST) -> TrainingEngine:
    client = TrainingEngine("ue-1", DATA, behaviour=behaviour, seed=1)
    client.on_model(update_information(mlp.initial_parameters(0), "m"))
    return client


def test_the_device_checks_its_own_eligibility_and_takes_the_group_id() -> None:
    client = _client()
    assert client.on_eligibility(DeviceEligibilityInformation(group_id="g", language=["de"]))
    assert client.group_ids == {"g"}
    refused = client.on_eligibility(DeviceEligibilityInformation(group_id="h", language=["fr"]))
    assert not refused.eligible and client.group_ids == {"g"}


def test_honest_training_returns_trained_parameters_for_the_round() -> None:
    report = _client().on_training_request(REQUEST)
    update = report.model_update_information
    assert update.round_number == 2 and update.number_of_training_samples == 200
    trained = from_tensors(update.parameters)
    assert not np.allclose(trained["fc1.weight"], mlp.initial_parameters(0)["fc1.weight"])


def test_misbehaving_devices() -> None:
    assert _client(Behaviour.SILENT).on_training_request(REQUEST) is None
    failure = _client(Behaviour.FAILING).on_training_request(REQUEST)
    assert failure.failure_reporting_information.reason == "DEVICE_FAILURE"
    garbage = _client(Behaviour.BYZANTINE).on_training_request(REQUEST)
    values = from_tensors(garbage.model_update_information.parameters)["fc1.weight"]
    assert np.isfinite(values).all() and np.abs(values).max() > 20


def test_a_device_without_a_model_reports_a_failure() -> None:
    client = TrainingEngine("ue-2", DATA)
    report = client.on_training_request(REQUEST)
    assert report.failure_reporting_information.detail == "no model received"


def test_evaluation_reports_the_requested_metrics() -> None:
    request = EvaluationRequest(
        model_id="m",
        model_evaluation_information=(
            ModelEvaluationInformation(
                round_number=1,
                metric_number=2,
                metrics=[Metric(name="ACCURACY"), Metric(name="LOSS")],
            )
        ),
    )
    info = _client().on_evaluation_request(request).model_evaluation_information
    assert [m.name for m in info.metrics] == ["ACCURACY", "LOSS"]
    assert 0 <= info.value_of("ACCURACY") <= 100 and info.value_of("LOSS") > 0
    empty = TrainingEngine("ue-3", DATA.subset(np.array([], dtype=int)))
    assert empty.on_evaluation_request(request).failure_reporting_information is not None
