from __future__ import annotations

import json

import pytest

from ts26927.cli import main
from ts26927.flows import FLOWS


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flows", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [f["id"] for f in listed] == list(FLOWS)
    assert main(["flows", "list"]) == 0
    assert "split-inference" in capsys.readouterr().out


def test_show_json_has_every_step(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flows", "show", "federated-learning", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [s["step"] for s in shown["steps"]] == [str(i) for i in range(1, 18)]
    step10 = shown["steps"][9]
    assert step10["message"] == "EvaluationReport" and step10["repeats"] is True
    assert step10["branches"] == [["Option A: model evaluation"], ["Option A then Option B"]]


def test_show_mermaid_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flows", "show", "model-delivery", "--mermaid"]) == 0
    assert capsys.readouterr().out.startswith("sequenceDiagram\n")
    assert main(["flows", "show", "model-delivery"]) == 0
    assert "9  AI Model Inference Engine (UE) -> UE Data Destination" in capsys.readouterr().out


def test_show_unknown_flow_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flows", "show", "nope"]) == 2
    assert "unknown flow 'nope'" in capsys.readouterr().err
