"""``ts26927 split``: models, analyze, run — output, JSON and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import onnx
import pytest

from ts26927.cli import main
from ts26927.engine.embedded.zoo import LIGHT

from ..engine.builders import residual_model


def _save(tmp_path: Path, model: onnx.ModelProto | bytes, name: str = "m.onnx") -> str:
    path = tmp_path / name
    path.write_bytes(model if isinstance(model, bytes) else model.SerializeToString())
    return str(path)


def test_models_lists_every_embedded_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["split", "models"]) == 0
    out = capsys.readouterr().out
    for name in ["digits", *LIGHT]:
        assert name in out


def test_analyze_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["split", "analyze", "resnet50"]) == 0
    out = capsys.readouterr().out
    assert "model resnet50: 175 split points" in out
    assert "4.09 GMAC" in out
    row = next(line for line in out.splitlines() if line.split()[:2] == ["90", "n89"])
    assert "Relu" in row and "802.816" in row and "r89 FLOAT[1x1024x14x14]" in row


def test_analyze_json_of_a_file_with_a_bound_dimension(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _save(tmp_path, residual_model())
    assert main(["split", "analyze", path, "--json", "--dim", "N=4"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["model"] == path and data["dimensionBindings"] == {"N": 4}
    assert data["splitModelInformation"]["splitPoints"] == 12
    first = data["candidates"][0]
    assert first["splitPointInformation"] == {
        "splitPointIdentifier": "1",
        "splitPointIntermediateDataSize": 8.192,
        "splitPointNumber": 1,
        "splitPointName": "conv1",
        "splitPointFlag": "AFTER",
    }
    assert first["tensors"][0]["shape"] == [4, 8, 8, 8]


def test_run_digits_reports_equality(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["split", "run", "digits", "--at", "relu1", "--json", "--repeat", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["equal"] is True and report["maxRelDiff"] <= 1e-5
    assert report["splitPoint"]["splitPointName"] == "relu1"
    assert report["intermediateBytes"]["raw"] == 256
    assert [t["what"] for t in report["transfers"]] == ["intermediate data", "result"]
    assert set(report["timingsMs"]) == {"whole", "head", "encode", "decode", "tail", "split"}


def test_run_a_zoo_model_in_the_network_source_topology(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["split", "run", "squeezenet", "--at", "20", "--codec", "INT8+ZSTD"]
    assert main([*args, "--topology", "NETWORK_SOURCE", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "NETWORK_SOURCE, codec INT8+ZSTD" in out and "(lossy, tolerance 1e-05)" in out
    assert "bytes DOWNSTREAM" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["split", "analyze", "nope"], "'nope' is neither a model file nor an embedded model"),
        (["split", "run", "digits", "--at", "99"], "unknown split point '99'"),
        (["split", "run", "digits", "--at", "1", "--codec", "FC_VCM"], "not supported by this"),
        (["split", "run", "digits", "--at", "1", "--codec", "ZSTD+INT8"], "comes first"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_bad_model_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_onnx = _save(tmp_path, b"definitely not a model", "text.onnx")
    assert main(["split", "analyze", not_onnx]) == 1  # read, but not a model: invalid input
    assert "not an ONNX model" in capsys.readouterr().err
    assert main(["split", "analyze", str(tmp_path / "absent.onnx")]) == 2  # usage
    broken = residual_model()
    broken.graph.node[0].op_type = "NoSuchOperator"
    assert main(["split", "analyze", _save(tmp_path, broken, "broken.onnx")]) == 1
    assert "model is not valid ONNX" in capsys.readouterr().err


def test_bad_dimension_binding_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["split", "analyze", "digits", "--dim", "N=zero"])
    assert caught.value.code == 2
    assert "expected NAME=SIZE" in capsys.readouterr().err


def test_a_reader_that_goes_away_gets_no_traceback() -> None:
    import subprocess
    import sys

    command = [sys.executable, "-c", "from ts26927.cli import main; raise SystemExit(main())"]
    process = subprocess.Popen(
        [*command, "split", "analyze", "squeezenet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.readline()
    process.stdout.close()  # like `| head -1`
    _, stderr = process.communicate(timeout=120)
    assert b"Traceback" not in stderr and b"BrokenPipeError" not in stderr
