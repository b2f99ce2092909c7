"""The Ray backend: the same model as in-process, a dead worker reported, a straggler dropped.

Marked ``ray``: skipped, with the reason shown, where the ``distributed`` extra (Ray) is not
installed; CI installs it. One local Ray instance serves the whole module.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from ts26927.engine.federated.server import Aggregator
from ts26927.engine.federated.simulation import Backend, SimulationConfig, simulate

ray = pytest.importorskip("ray", reason="Ray (pip install 'ts26927[distributed]') is not installed")
pytestmark = pytest.mark.ray


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


@pytest.mark.parametrize("aggregator", [Aggregator.FEDAVG, Aggregator.MEDIAN])
def test_both_backends_give_the_same_model_updates_and_metrics(aggregator: Aggregator) -> None:
    config = SimulationConfig(
        clients=8, rounds=3, byzantine=1, silent=1, failing=1, aggregator=aggregator, seed=5
    )
    here = simulate(config)
    there = simulate(SimulationConfig(**{**config.__dict__, "backend": Backend.RAY}))
    assert there.model_sha256 == here.model_sha256  # bit-identical global model
    assert [r.excluded for r in there.rounds] == [r.excluded for r in here.rounds]
    assert [r.contributors for r in there.rounds] == [r.contributors for r in here.rounds]
    assert [(r.accuracy, r.loss, r.evaluated_accuracy) for r in there.rounds] == [
        (r.accuracy, r.loss, r.evaluated_accuracy) for r in here.rounds
    ]
    assert there.flow_steps == here.flow_steps


def test_a_worker_that_dies_is_reported_and_the_round_completes() -> None:
    report = simulate(SimulationConfig(clients=5, rounds=2, crashing=1, backend=Backend.RAY))
    first = report.rounds[0]
    assert first.aggregated and first.contributors == 4
    (exclusion,) = first.excluded
    assert (exclusion.device, exclusion.reason, exclusion.removed) == (
        "ue-000",
        "DEVICE_FAILURE",
        True,
    )
    assert "worker" in exclusion.detail and "Crashed" in exclusion.detail
    assert report.rounds[1].aggregated and report.rounds[1].contributors == 4


def test_a_straggler_is_dropped_not_waited_for() -> None:
    started = time.monotonic()
    report = simulate(
        SimulationConfig(
            clients=5,
            rounds=1,
            stragglers=1,
            straggle_s=60.0,
            # Room for a cold worker to start (the death test before this killed one).
            round_timeout_s=10.0,
            backend=Backend.RAY,
        )
    )
    assert time.monotonic() - started < 45  # less than the straggler's 60 s
    (exclusion,) = report.rounds[0].excluded
    assert (exclusion.device, exclusion.reason) == ("ue-000", "DEADLINE_EXCEEDED")
    assert report.rounds[0].contributors == 4
