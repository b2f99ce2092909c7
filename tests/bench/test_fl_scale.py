"""``bench fl-scale``: each configuration measured in its own process, the figures derived
from the runs, Ray skipped visibly where it is missing."""

from __future__ import annotations

import importlib.util

import pytest

from ts26927.bench import fl_scale


def test_in_process_runs_are_measured_and_compared() -> None:
    result = fl_scale.run(clients=(4, 8), rounds=1, backends=("inprocess",))
    runs = result["runs"]["inprocess"]
    for n in ("4", "8"):
        run = runs[n]
        assert run["wall_s"] > 0
        assert run["driver_peak_mb"] >= run["driver_start_mb"] > 0
        assert len(run["model_sha256"]) == 64 and run["ineligible"] == 0
    # Different client counts train different models.
    assert runs["4"]["model_sha256"] != runs["8"]["model_sha256"]
    peak4, peak8 = runs["4"]["driver_peak_mb"], runs["8"]["driver_peak_mb"]
    assert result["memory_per_client_kb"]["inprocess"] == pytest.approx(
        (peak8 - peak4) * 1024 / 4, abs=0.01
    )
    assert result["targets"] == {"inprocess_driver_peak_at_8_le_2x_at_4": peak8 <= 2 * peak4}
    assert result["ratios"]["inprocess_driver_peak_8_over_4"] == pytest.approx(
        peak8 / peak4, abs=1e-3
    )


def test_a_run_measured_here_is_the_one_the_simulation_gives() -> None:
    from ts26927.engine.federated.simulation import SimulationConfig, simulate

    measured = fl_scale.measure("inprocess", 5, 1)
    report = simulate(SimulationConfig(clients=5, rounds=1, min_samples=1))
    assert measured["model_sha256"] == report.model_sha256
    assert measured["final_accuracy"] == report.final_accuracy


def test_ray_is_skipped_visibly_when_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a)
    )
    result = fl_scale.run(clients=(3, 4), rounds=1, backends=("ray",))
    assert "not installed" in result["runs"]["ray"]["skipped"]
    assert result["targets"] == {}
