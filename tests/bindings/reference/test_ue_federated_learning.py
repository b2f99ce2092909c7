"""The reference UE of federated learning (the FL client), driven step by step with a clock
of the test's own: what it performs, the truth of what it sends, and every request it must
refuse (its state staying as it was)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.bindings.reference import ReferenceImplementation, ReferenceOptions
from ts26927.bindings.reference.ue_federated_learning import UeFederatedLearning, local_shard
from ts26927.engine.federated import mlp
from ts26927.engine.federated.parameters import from_tensors, update_information
from ts26927.models.federated.model_update import ModelUpdateInformation

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PROFILE = {"operatingSystem": "Android", "language": "de-DE", "countryCode": "DE"}
INITIAL = mlp.initial_parameters(0)
SHARD = local_shard(1)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def _ue(clock: Clock | None = None, **params: Any) -> UeFederatedLearning:
    options = params.pop("options", None)
    base = {"localData": {"dataLibraryId": "digits", "part": 1}, "deviceProfile": PROFILE}
    return UeFederatedLearning({**base, **params}, options, clock or Clock())


def _criteria(minimum: int = len(SHARD), **extra: Any) -> dict[str, Any]:
    return {"groupId": "g", "dataLibraryId": "digits", "minimumDataSamples": minimum, **extra}


def _model(params: dict[str, np.ndarray] = INITIAL, model_id: str = "m", **extra: Any) -> dict:
    return update_information(params, model_id, **extra).to_wire()


def _training(number: int = 1, start: datetime = NOW, model: str = "m", **extra: Any) -> dict:
    sync = {"roundNumber": number, "startTime": start.isoformat()}
    return {"modelId": model, "synchronizationInformation": sync, "groupId": "g", **extra}


def _evaluation(*metrics: str, model: str = "m") -> dict[str, Any]:
    info = {
        "roundNumber": 0,
        "metricNumber": len(metrics),
        "metrics": [{"name": name} for name in metrics],
    }
    return {"modelId": model, "modelEvaluationInformation": info, "groupId": "g"}


def _ready(clock: Clock | None = None, **params: Any) -> UeFederatedLearning:
    """A UE that has the model 'm' selected, met criteria for group 'g', and holds it."""
    ue = _ue(clock, **params)
    for step, message in (("2", {"modelIdentifier": "m"}), ("4", _criteria()), ("5", _model())):
        assert ue.on(step, message, {}) == []
    return ue


def _steps(reply: Reply) -> list[str]:
    assert not isinstance(reply, Refusal), reply
    return [o.step for o in reply]


def _refused(reply: Reply, reason: str) -> None:
    assert isinstance(reply, Refusal), reply
    assert reason in reply.reason


def _last(reply: Reply) -> Output:
    assert not isinstance(reply, Refusal)
    return reply[-1]


def _update(reply: Reply) -> ModelUpdateInformation:
    return ModelUpdateInformation.from_wire(_last(reply).message["modelUpdateInformation"])  # type: ignore[index]


# -- trigger ---------------------------------------------------------------------------------
def test_the_ue_triggers_unless_the_network_does() -> None:
    assert _last(_ue().begin()).message["service"] == "FEDERATED_LEARNING"  # type: ignore[index]
    assert _ue(networkTriggers=True).begin() == []


def test_a_trigger_for_another_service_is_refused() -> None:
    ue = _ue(networkTriggers=True)
    _refused(ue.on("1", {"service": "MODEL_DELIVERY", "sessionId": "s"}, {}), "service")


# -- training --------------------------------------------------------------------------------
def test_it_trains_the_model_in_force_on_its_shard_and_says_so() -> None:
    ue = _ready()
    reply = ue.on("12", _training(localEpochs=2), {})
    assert _steps(reply) == ["13", "14", "15"]
    assert reply[0].message == {"dataLibraryId": "digits", "numberOfSamples": len(SHARD)}  # type: ignore[index]
    update = _update(reply)
    assert (update.model_id, update.round_number) == ("m", 1)
    assert update.number_of_training_samples == len(SHARD) == 288
    trained = from_tensors(update.parameters)
    assert mlp.evaluate(trained, SHARD)[1] < mlp.evaluate(INITIAL, SHARD)[1]
    assert ue.on("17", {"roundNumber": 1, "newModelId": "m2", "continueTraining": True}, {}) == []


def test_it_trains_the_newest_model() -> None:
    ue = _ready()
    ue.on("12", _training(), {})
    newer = {n: (a * 0.5).astype(np.float32) for n, a in INITIAL.items()}
    assert ue.on("5", _model(newer, "m", new_model_id="m2"), {}) == []
    update = _update(ue.on("12", _training(2, model="m2"), {}))
    assert update.model_id == "m2"
    ours = mlp.train(newer, SHARD, epochs=1, batch_size=32, learning_rate=0.1, seed=2)
    for name, value in from_tensors(update.parameters).items():
        np.testing.assert_array_equal(value, ours[name])


@pytest.mark.parametrize(("number", "reason"), [(1, "round 1 is stale"), (0, "round 0 is stale")])
def test_a_round_already_trained_is_refused(number: int, reason: str) -> None:
    ue = _ready()
    ue.on("12", _training(1), {})
    _refused(ue.on("12", _training(number), {}), reason)
    assert _steps(ue.on("12", _training(2), {})) == ["13", "14", "15"]


def test_a_round_before_the_announced_one_is_refused() -> None:
    ue = _ue(networkTriggers=True)
    sync = {"roundNumber": 4, "startTime": NOW.isoformat()}
    trigger = {
        "service": "FEDERATED_LEARNING",
        "sessionId": "s",
        "synchronizationInformation": sync,
    }
    assert ue.on("1", trigger, {}) == []
    for step, message in (("2", {"modelIdentifier": "m"}), ("4", _criteria()), ("5", _model())):
        ue.on(step, message, {})
    _refused(ue.on("12", _training(3), {}), "round 3 is stale: round 4 was already announced")
    assert _update(ue.on("12", _training(4), {})).round_number == 4


def test_a_request_for_another_model_or_before_any_model_is_refused() -> None:
    ue = _ue()
    ue.on("2", {"modelIdentifier": "m"}, {})
    ue.on("4", _criteria(), {})
    _refused(ue.on("12", _training(), {}), "no model received yet")
    ue.on("5", _model(), {})
    _refused(ue.on("12", _training(model="other"), {}), "model 'other'; the model in force")


def test_an_outcome_for_another_round_is_refused() -> None:
    ue = _ready()
    ue.on("12", _training(), {})
    outcome = {"roundNumber": 3, "newModelId": "m2", "continueTraining": True}
    _refused(ue.on("17", outcome, {}), "outcome of round 3; the device trained round 1")


# -- eligibility -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "criteria",
    [
        _criteria(len(SHARD) + 1),
        _criteria(language=["fr"]),
        _criteria(hardware={"operatingSystems": ["iOS"]}),
        _criteria(location={"countryCodes": ["FR"]}),
        {**_criteria(), "dataLibraryId": "photos"},
    ],
    ids=["one-sample-short", "language", "os", "country", "library"],
)
def test_a_device_the_criteria_exclude_takes_no_part(criteria: dict[str, Any]) -> None:
    ue = _ue()
    ue.on("2", {"modelIdentifier": "m"}, {})
    assert ue.on("4", criteria, {}) == []
    assert ue.on("5", _model(), {}) == []  # receiving the model is not taking part
    _refused(ue.on("12", _training(), {}), "does not meet the eligibility criteria")
    _refused(ue.on("7", _evaluation("ACCURACY"), {}), "does not meet the eligibility criteria")


def test_updated_criteria_can_exclude_the_device_later() -> None:
    ue = _ready()
    assert ue.on("11", _criteria(len(SHARD) + 1), {}) == []
    _refused(ue.on("12", _training(), {}), "does not meet the eligibility criteria")


def test_a_request_to_a_group_the_device_did_not_join_is_refused() -> None:
    ue = _ready()
    _refused(ue.on("12", _training(groupId="h"), {}), "not in group 'h'")


# -- the global model --------------------------------------------------------------------------
def test_malformed_or_unselected_models_are_refused_and_change_nothing() -> None:
    ue = _ue()
    ue.on("2", {"modelIdentifier": "m"}, {})
    short = dict(INITIAL, **{"fc2.bias": INITIAL["fc2.bias"][:-1].copy()})
    _refused(ue.on("5", _model(short), {}), "do not fit the training engine's model")
    nan = {n: a.copy() for n, a in INITIAL.items()}
    nan["fc1.weight"][0, 0] = np.inf
    _refused(ue.on("5", _model(nan), {}), "fc1.weight hold NaN or infinity")
    _refused(ue.on("5", _model(model_id="x"), {}), "model 'x'; the model in force is 'm'")
    assert ue.parameters is None and ue.model_id is None


# -- deadlines and start times -----------------------------------------------------------------
def test_past_the_reporting_deadline_it_reports_the_failure() -> None:
    clock = Clock()
    ue = _ready(clock)
    ue.on("6", {"reasons": ["DEADLINE_EXCEEDED"], "reportingDeadline": 60}, {})
    clock.now = NOW + timedelta(seconds=61)
    reply = ue.on("12", _training(), {})
    assert _steps(reply) == ["13", "14", "15"]
    failure = _last(reply).message["failureReportingInformation"]  # type: ignore[index]
    assert (failure["reason"], failure["roundNumber"], failure["modelId"]) == (
        "DEADLINE_EXCEEDED",
        1,
        "m",
    )
    clock.now = NOW + timedelta(seconds=59)
    assert "modelUpdateInformation" in _last(ue.on("12", _training(2), {})).message  # type: ignore[operator]


def test_a_round_that_starts_later_starts_at_its_start_time() -> None:
    clock = Clock()
    ue = _ready(clock)
    assert ue.on("12", _training(start=NOW + timedelta(seconds=30)), {}) == []
    assert ue.poll() == []
    clock.now = NOW + timedelta(seconds=30)
    assert _steps(ue.poll()) == ["13", "14", "15"]
    assert ue.poll() == []


# -- evaluation --------------------------------------------------------------------------------
def test_it_evaluates_the_model_in_force_with_the_metrics_asked() -> None:
    ue = _ready()
    reply = ue.on("7", _evaluation("LOSS"), {})
    assert _steps(reply) == ["8", "9", "10"]
    info = _last(reply).message["modelEvaluationInformation"]  # type: ignore[index]
    assert info["metrics"] == [{"name": "LOSS", "value": mlp.evaluate(INITIAL, SHARD)[1]}]
    extra = _ready(options=ReferenceOptions(fl_ue_extra_metrics=True))
    info = _last(extra.on("7", _evaluation("LOSS"), {})).message["modelEvaluationInformation"]  # type: ignore[index]
    assert [m["name"] for m in info["metrics"]] == ["LOSS", "ACCURACY"]


def test_a_metric_it_cannot_measure_is_reported_as_a_failure() -> None:
    reply = _ready().on("7", _evaluation("ACCURACY", "BLEU"), {})
    failure = _last(reply).message["failureReportingInformation"]  # type: ignore[index]
    assert failure["reason"] == "EVALUATION_FAILURE" and "BLEU" in failure["detail"]


# -- through the reference implementation ------------------------------------------------------
def test_the_reference_refuses_out_of_order_and_malformed_steps() -> None:
    iut = ReferenceImplementation()
    params = {"flModel": "digits-mlp", "localData": {"part": 1}, "deviceProfile": PROFILE}
    iut.setup("c", "federated-learning", "UE", {"state": "fl-ue", "params": params})
    assert [o.step for o in iut.begin()] == ["1"]  # type: ignore[union-attr]
    assert isinstance(iut.deliver("12", _training(), {}), Refusal)  # before 2 and 5
    assert isinstance(iut.deliver("2", {"modelIdentifier": 7}, {}), Refusal)
    assert iut.deliver("2", {"modelIdentifier": "m"}, {}) == []


def test_a_bad_declared_profile_fails_the_setup() -> None:
    with pytest.raises(ValueError, match="language"):
        _ue(deviceProfile={"language": "not a tag!"})
