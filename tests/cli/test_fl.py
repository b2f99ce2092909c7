from __future__ import annotations

import json
import sys

import pytest

from ts26927.cli import main


def test_simulate_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["fl", "simulate", "--clients", "5", "--rounds", "2", "--failing", "1", "--json"]) == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert [r["round"] for r in report["rounds"]] == [1, 2]
    assert report["rounds"][0]["excluded"][0]["reason"] == "DEVICE_FAILURE"
    assert report["finalAccuracy"] == report["rounds"][-1]["accuracy"]


def test_simulate_text_names_excluded_devices(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fl", "simulate", "--clients", "4", "--rounds", "1", "--silent", "1"]) == 0
    out = capsys.readouterr().out
    assert "ue-000: DEADLINE_EXCEEDED" in out and "final accuracy" in out


@pytest.mark.parametrize("args", [["--clients", "0"], ["--byzantine", "20"], ["--rounds", "0"]])
def test_simulate_refuses_bad_settings(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fl", "simulate", *args]) == 2
    assert "ts26927 fl simulate:" in capsys.readouterr().err


def test_the_ray_backend_without_ray_names_the_extra(monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails
    code = main(["fl", "simulate", "--clients", "3", "--rounds", "1", "--backend", "ray"])
    assert code == 2
    assert "pip install 'ts26927[distributed]'" in capsys.readouterr().err


def test_an_address_needs_the_ray_backend(capsys) -> None:
    code = main(["fl", "simulate", "--clients", "3", "--address", "auto"])
    assert code == 2
    assert "--address needs --backend ray" in capsys.readouterr().err


@pytest.mark.ray
def test_the_ray_backend_gives_the_in_process_model(capsys) -> None:
    pytest.importorskip("ray", reason="Ray (pip install 'ts26927[distributed]') is not installed")
    args = ["fl", "simulate", "--clients", "4", "--rounds", "2", "--json", "--seed", "2"]
    assert main(args) == 0
    here = json.loads(capsys.readouterr().out)
    assert main([*args, "--backend", "ray"]) == 0
    there = json.loads(capsys.readouterr().out)
    assert there["config"]["backend"] == "ray"
    assert there["modelSha256"] == here["modelSha256"]
    assert there["rounds"] == here["rounds"]
