"""The in-process runner: the UE side's work, a dead worker's report, a dropped straggler."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ts26927.engine.federated import mlp
from ts26927.engine.federated.client import Behaviour, TrainingEngine, default_profile
from ts26927.engine.federated.data import Partition, digits, partition
from ts26927.engine.federated.parameters import update_information
from ts26927.engine.federated.runners import ClientSpec, InProcessRunner
from ts26927.engine.federated.simulation import SimulationConfig, simulate
from ts26927.models.federated.failure_reporting import FailureReason
from ts26927.models.federated.synchronization import SynchronizationInformation
from ts26927.models.messages.federated import TrainingRequest

MODEL = update_information(mlp.initial_parameters(0), "digits-mlp")
REQUEST = TrainingRequest(
    model_id="digits-mlp",
    synchronization_information=SynchronizationInformation(
        round_number=1, start_time=datetime(2026, 1, 1, tzinfo=UTC), duration=600
    ),
    local_epochs=1,
    batch_size=16,
    learning_rate=0.3,
)


def _runner(*behaviours: Behaviour, straggle_s: float = 0.3) -> InProcessRunner:
    train, _ = digits()
    shards = partition(train, len(behaviours), Partition.IID)
    specs = [
        ClientSpec(f"ue-{i}", b, i, len(s), default_profile(len(s)), straggle_s)
        for i, (b, s) in enumerate(zip(behaviours, shards, strict=True))
    ]
    return InProcessRunner(specs, shards)


def test_reports_are_those_of_the_ues_own_engines_in_the_order_asked() -> None:
    runner = _runner(Behaviour.HONEST, Behaviour.HONEST, Behaviour.SILENT)
    got = list(runner.train(["ue-2", "ue-0", "ue-1"], MODEL, REQUEST, None))
    assert [d for d, _ in got] == ["ue-2", "ue-0", "ue-1"]
    assert got[0][1] is None  # silent
    engine = TrainingEngine("ue-0", runner.shards["ue-0"], seed=0)
    engine.on_model(MODEL)
    assert got[1][1] == engine.on_training_request(REQUEST)


def test_a_crashed_worker_gives_the_ues_failure_report() -> None:
    runner = _runner(Behaviour.CRASHING, Behaviour.HONEST)
    (_, crashed), (_, honest) = runner.train(["ue-0", "ue-1"], MODEL, REQUEST, None)
    failure = crashed.failure_reporting_information
    assert failure is not None and failure.reason == FailureReason.DEVICE_FAILURE
    assert failure.round_number == 1 and failure.model_id == "digits-mlp"
    assert "worker" in (failure.detail or "")
    assert honest is not None and honest.model_update_information is not None


def test_a_straggler_past_the_timeout_is_dropped_the_others_are_not() -> None:
    runner = _runner(Behaviour.STRAGGLER, Behaviour.HONEST, straggle_s=1.0)
    reports = dict(runner.train(["ue-0", "ue-1"], MODEL, REQUEST, 0.5))
    assert reports["ue-0"] is None
    assert reports["ue-1"] is not None
    # Without a timeout the straggler is waited for, and trains.
    waited = dict(runner.train(["ue-0"], MODEL, REQUEST, None))
    assert waited["ue-0"] is not None and waited["ue-0"].model_update_information is not None


def test_the_simulation_completes_rounds_past_crashes_and_stragglers() -> None:
    report = simulate(
        SimulationConfig(
            clients=6, rounds=2, crashing=1, stragglers=1, straggle_s=1.0, round_timeout_s=0.5
        )
    )
    first = report.rounds[0]
    assert first.aggregated and first.contributors == 4
    excluded = {e.device: (e.reason, e.removed) for e in first.excluded}
    # Crashing is listed after straggling in the behaviours: ue-000 straggles, ue-001 crashes.
    assert excluded == {
        "ue-000": ("DEADLINE_EXCEEDED", True),
        "ue-001": ("DEVICE_FAILURE", True),
    }
    assert report.rounds[1].contributors == 4


@pytest.mark.parametrize("value", [0, -1.0])
def test_a_round_timeout_must_be_positive_on_the_command_line(value: float, capsys) -> None:
    from ts26927.cli import main

    assert main(["fl", "simulate", "--clients", "3", "--round-timeout", str(value)]) == 2
    assert "--round-timeout must be positive" in capsys.readouterr().err
