from __future__ import annotations

import json

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
