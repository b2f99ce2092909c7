from __future__ import annotations

import pytest

from ts26927.bench import fl


def test_resnet50_shapes_have_resnet50_size() -> None:
    shapes = fl.resnet50_shapes()
    sizes = [1 for _ in shapes]
    total = 0
    for shape in shapes:
        count = 1
        for dim in shape:
            count *= dim
        total += count
    assert len(sizes) == 161 and 25_500_000 < total < 25_600_000


def test_bench_reports_every_figure_and_measures_memory() -> None:
    result = fl.run(clients=4, shapes=[(1024, 1024), (1024, 1024), (1024,)])
    for key in (
        "fedavg_s",
        "fedavg_extra_mb",
        "baseline_s",
        "baseline_extra_mb",
        "median_s",
        "median_extra_mb",
        "model_mb",
    ):
        assert result[key] >= 0, key
    # 4 clients' copies in the baseline cost about 4 models; fedavg about one.
    assert result["baseline_extra_mb"] > 3 * result["model_mb"]
    assert result["fedavg_extra_mb"] < 1.5 * result["model_mb"]
    assert result["fedavg_vs_baseline_max_abs_diff"] < 1e-5
    assert set(result["targets"]) == {
        "fedavg_s <= 0.35 * baseline_s",
        "fedavg_extra_mb <= 1.2 * model_mb",
        "median_extra_mb <= 2 * model_mb",
    }


def test_bench_refuses_no_clients() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        fl.run(clients=0)


def test_bench_fl_command_prints_json_and_judges_the_targets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from ts26927.cli import main

    small = fl.run
    monkeypatch.setattr(fl, "run", lambda **kw: small(**kw, shapes=[(512, 512), (512,)]))
    code = main(["bench", "fl", "--json", "--clients", "3", "--quiet"])
    result = json.loads(capsys.readouterr().out)
    assert result["clients"] == 3 and "fedavg_s" in result
    assert code == (0 if all(result["targets"].values()) else 1)
