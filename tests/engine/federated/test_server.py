"""The Federated Learning Engine: enrolment, rounds, failures, deadlines, aggregation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from ts26927.engine.federated import aggregate, mlp
from ts26927.engine.federated.client import Behaviour, TrainingEngine
from ts26927.engine.federated.data import Partition, digits, partition
from ts26927.engine.federated.parameters import from_tensors
from ts26927.engine.federated.server import Aggregator, FederatedLearningEngine, ServerConfig
from ts26927.errors import RoundStateError, UpdateRejectedError
from ts26927.models.federated.eligibility import DeviceEligibilityInformation, DeviceProfile
from ts26927.models.federated.failure_reporting import FailureReportingCriteria
from ts26927.models.messages.federated import TrainingReport

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _setup(n: int = 5, behaviours=(), **config) -> tuple[FederatedLearningEngine, list]:
    train, _ = digits()
    parts = partition(train, n, Partition.IID)
    kinds = list(behaviours) + [Behaviour.HONEST] * (n - len(behaviours))
    clients = [
        TrainingEngine(f"ue-{i}", p, behaviour=k, seed=i)
        for i, (p, k) in enumerate(zip(parts, kinds, strict=True))
    ]
    server = FederatedLearningEngine(ServerConfig(**config), mlp.initial_parameters(0))
    for c in clients:
        assert server.enroll(c.device, c.profile).eligible
    return server, clients


def _reports(server, clients) -> dict[str, TrainingReport | None]:
    request = server.start_round(T0)
    out = {}
    for c in clients:
        c.on_model(server.model_broadcast())
        out[c.device] = c.on_training_request(request)
    return out


def test_an_ineligible_device_is_not_enrolled_and_its_update_refused() -> None:
    server, clients = _setup(
        3, eligibility=DeviceEligibilityInformation(group_id="g", language=["de"])
    )
    french = DeviceProfile(language="fr-FR")
    decision = server.enroll("ue-x", french)
    assert not decision.eligible and "ue-x" not in server.active
    reports = _reports(server, clients)
    with pytest.raises(UpdateRejectedError, match="INELIGIBLE_DEVICE"):
        server.submit("ue-x", reports["ue-0"], T0)


def test_no_update_is_lost_or_counted_twice() -> None:
    server, clients = _setup(4)
    reports = _reports(server, clients)
    for device, report in reports.items():
        server.submit(device, report, T0 + timedelta(seconds=5))
    with pytest.raises(UpdateRejectedError, match="DUPLICATE"):
        server.submit("ue-0", reports["ue-0"], T0 + timedelta(seconds=6))
    expected = aggregate.fedavg(
        [
            (
                list(from_tensors(r.model_update_information.parameters).values()),
                r.model_update_information.number_of_training_samples,
            )
            for _, r in sorted(reports.items())
        ]
    )
    result = server.close_round(T0 + timedelta(seconds=10))
    assert result.aggregated and result.contributors == ["ue-0", "ue-1", "ue-2", "ue-3"]
    assert [e.reason for e in result.excluded] == ["DUPLICATE"]
    for got, want in zip(server.parameters.values(), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert server.model_id == "digits-mlp-r1"


def test_failures_and_silence_complete_the_round_and_name_the_devices() -> None:
    server, clients = _setup(
        5,
        behaviours=[Behaviour.FAILING, Behaviour.SILENT],
        failure_criteria=FailureReportingCriteria(reasons=["DEVICE_FAILURE"]),
    )
    reports = _reports(server, clients)
    for device, report in reports.items():
        if report is not None:
            server.submit(device, report, T0 + timedelta(seconds=1))
    with pytest.raises(RoundStateError, match="still expected"):
        server.close_round(T0 + timedelta(seconds=2))
    result = server.close_round(T0 + timedelta(seconds=600))
    excluded = {e.device: (e.reason, e.removed) for e in result.excluded}
    # The failure reason is in the criteria: removed. Silence is not: left out this round.
    assert excluded == {"ue-0": ("DEVICE_FAILURE", True), "ue-1": ("DEADLINE_EXCEEDED", False)}
    assert result.contributors == ["ue-2", "ue-3", "ue-4"]
    assert server.active == ["ue-1", "ue-2", "ue-3", "ue-4"]
    server.start_round(T0 + timedelta(seconds=600))
    with pytest.raises(UpdateRejectedError, match="EXCLUDED_DEVICE"):
        server.submit("ue-0", reports["ue-0"], T0 + timedelta(seconds=601))


def test_late_stale_and_out_of_round_updates_are_refused() -> None:
    server, clients = _setup(3)
    with pytest.raises(UpdateRejectedError, match="NO_ROUND_OPEN"):
        server.submit(
            "ue-0",
            TrainingReport.model_validate(
                {"failureReportingInformation": {"reason": "DEVICE_FAILURE"}}
            ),
            T0,
        )
    reports = _reports(server, clients)
    with pytest.raises(UpdateRejectedError, match="LATE"):
        server.submit("ue-0", reports["ue-0"], T0 + timedelta(seconds=601))
    server.submit("ue-1", reports["ue-1"], T0)
    server.submit("ue-2", reports["ue-2"], T0)
    server.close_round(T0 + timedelta(seconds=600))
    server.start_round(T0 + timedelta(seconds=600))
    with pytest.raises(UpdateRejectedError, match="WRONG_MODEL_ID"):
        server.submit("ue-1", reports["ue-1"], T0 + timedelta(seconds=601))


def test_too_few_updates_keep_the_global_model() -> None:
    server, clients = _setup(3, min_clients=3)
    before = {k: v.copy() for k, v in server.parameters.items()}
    reports = _reports(server, clients)
    server.submit("ue-0", reports["ue-0"], T0)
    result = server.close_round(T0 + timedelta(seconds=600))
    assert not result.aggregated and server.model_id == "digits-mlp"
    for name, value in before.items():
        np.testing.assert_array_equal(server.parameters[name], value)


def test_round_lifecycle_errors() -> None:
    server, _ = _setup(2, min_clients=3)
    with pytest.raises(RoundStateError, match="fewer than min_clients"):
        server.start_round(T0)
    server, _ = _setup(2)
    with pytest.raises(RoundStateError, match="no round is open"):
        server.close_round(T0)
    server.start_round(T0)
    with pytest.raises(RoundStateError, match="still open"):
        server.start_round(T0)


def test_model_broadcast_names_old_and_new_model_ids() -> None:
    server, clients = _setup(2, aggregator=Aggregator.MEDIAN)
    assert server.model_broadcast().new_model_id is None
    reports = _reports(server, clients)
    for device, report in reports.items():
        server.submit(device, report, T0)
    server.close_round(T0 + timedelta(seconds=1))
    broadcast = server.model_broadcast()
    assert (broadcast.model_id, broadcast.new_model_id) == ("digits-mlp", "digits-mlp-r1")
    clients[0].on_model(broadcast)
    assert clients[0].model_id == "digits-mlp-r1"
