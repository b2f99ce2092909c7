"""Acceptance of the federated learning engine: real rounds on the digits data."""

from __future__ import annotations

import pytest

from ts26927.engine.federated.data import Partition
from ts26927.engine.federated.server import Aggregator
from ts26927.engine.federated.simulation import SimulationConfig, simulate


def test_iid_reaches_90_percent_within_10_rounds_and_rises() -> None:
    report = simulate(SimulationConfig(clients=10, rounds=10))
    accuracies = [r.accuracy for r in report.rounds]
    assert max(accuracies) >= 90
    assert accuracies[-1] > accuracies[0] > report.initial_accuracy
    # Every exchange went through the 5.2.4.2 flow: 1-4, then 5, 6, 12-17 (round 1) and
    # 5, 7-10, 12-17 (rounds 2-10) for each of the 10 devices.
    assert report.flow_steps == 10 * (4 + 8 + 9 * 11)


@pytest.mark.parametrize("aggregator", [Aggregator.MEDIAN, Aggregator.TRIMMED_MEAN])
def test_robust_aggregators_survive_20_percent_byzantine_clients(aggregator) -> None:
    robust = simulate(SimulationConfig(clients=10, rounds=10, byzantine=2, aggregator=aggregator))
    plain = simulate(SimulationConfig(clients=10, rounds=10, byzantine=2))
    assert robust.final_accuracy >= 85
    assert plain.final_accuracy < 50


def test_label_skew_still_learns() -> None:
    report = simulate(SimulationConfig(clients=10, rounds=10, partition=Partition.LABEL_SKEW))
    assert report.final_accuracy > report.initial_accuracy + 30


def test_dropouts_and_failures_are_named_and_rounds_complete() -> None:
    report = simulate(SimulationConfig(clients=6, rounds=3, silent=1, failing=1))
    first = report.rounds[0]
    assert first.aggregated and first.contributors == 4
    assert {(e.device, e.reason, e.removed) for e in first.excluded} == {
        ("ue-000", "DEADLINE_EXCEEDED", True),
        ("ue-001", "DEVICE_FAILURE", True),
    }
    assert all(r.contributors == 4 and not r.excluded for r in report.rounds[1:])


def test_target_accuracy_stops_early() -> None:
    report = simulate(SimulationConfig(clients=10, rounds=10, target_accuracy=85))
    assert len(report.rounds) < 10
    assert report.rounds[-1].evaluated_accuracy >= 85


def test_too_many_misbehaving_devices_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="more misbehaving devices than clients"):
        simulate(SimulationConfig(clients=2, byzantine=3))
