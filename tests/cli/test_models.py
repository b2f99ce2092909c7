from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest

from ts26927.cli import main
from ts26927.engine.embedded.digits import digits_classifier
from ts26927.engine.embedded.zoo import embedded_names
from ts26927.models.messages.adaptive import ModelManifest
from ts26927.models.model_information import AiModelInformation


def _matmul(path: Path) -> None:
    graph = onnx.helper.make_graph(
        [onnx.helper.make_node("MatMul", ["x", "w"], ["y"])],
        "g",
        [onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 3])],
        [onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 2])],
        initializer=[onnx.numpy_helper.from_array(np.ones((3, 2), np.float32), "w")],
    )
    model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save_model(model, path)


def test_list_json_names_every_embedded_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "list", "--json"]) == 0
    rows = {row["modelIdentifier"]: row for row in json.loads(capsys.readouterr().out)}
    assert list(rows) == embedded_names()
    assert rows["digits"]["accuracy"] == digits_classifier().accuracy
    assert rows["resnet50"]["numberOfParameters"] == 25_610_154
    assert rows["resnet50"]["accuracy"] is None


def test_list_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:2] == ["model", "parameters"]
    assert "trained classifier" in out and "4.09 G" in out


def test_info_prints_the_computed_information(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "info", "digits", "--json"]) == 0
    info = AiModelInformation.from_wire(json.loads(capsys.readouterr().out))
    assert info.model_identifier == "digits" and info.number_of_parameters == 6571
    assert info.accuracy == digits_classifier().accuracy
    assert main(["models", "info", "digits"]) == 0
    out = capsys.readouterr().out
    assert "number of parameters: 6571" in out and "sha256 of the model file:" in out
    sha256 = out.split("sha256 of the model file: ")[1].split()[0]
    assert main(["models", "info", sha256, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["modelIdentifier"] == "digits"


def test_info_of_a_file_and_of_bad_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tiny.onnx"
    _matmul(path)
    assert main(["models", "info", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["modelIdentifier"] == "tiny" and info["numberOfParameters"] == 6
    assert main(["models", "info", "no-such-model"]) == 2
    assert "no model 'no-such-model'; known: digits, resnet50" in capsys.readouterr().err
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x00garbage")
    assert main(["models", "info", str(bad)]) == 1  # read, but not a model: invalid input
    assert "not an ONNX model" in capsys.readouterr().err


def test_manifest_lists_variants_with_sizes_accuracy_and_updates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["models", "manifest", "digits", "--json"]) == 0
    manifest = ModelManifest.from_wire(json.loads(capsys.readouterr().out))
    [entry] = manifest.models
    assert entry.adaptive
    variants = {v.variant_identifier: v for v in entry.variants}
    assert variants["digits-int16"].update_of == "digits-int8"
    assert variants["digits-int8"].model_size < 0.22 * variants["digits-full"].model_size
    assert main(["models", "manifest", "digits"]) == 0
    out = capsys.readouterr().out
    assert "digits (adaptive)" in out and "digits-fp32" in out and "updates digits-int16" in out
    assert main(["models", "manifest", "nothing"]) == 2
