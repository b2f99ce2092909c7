"""``ts26927 traffic``: split, distribution, fl — JSON and CSV shapes, and exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from ts26927.cli import main
from ts26927.engine.embedded.zoo import embedded_model


def test_split_json_has_a_row_per_cut(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "traffic",
        "split",
        "--model",
        "digits",
        "--fps",
        "15",
        "30",
        "--json",
        "--codec",
        "NONE",
        "int8+zstd",
        "--samples",
        "2",
        "--budget-ms",
        "20",
    ]
    assert main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["model"] == "digits" and doc["scenario"]["fps"] == [15.0, 30.0]
    assert doc["scenario"]["codecChains"] == ["NONE", "INT8+ZSTD"]
    points = doc["splitPoints"]
    assert [p["splitPoint"] for p in points] == list(range(len(points)))
    relu = next(p for p in points if p["name"] == "relu1")
    assert relu["rawBytes"] == 64 * 4 and set(relu["rawUplinkMbps"]) == {"15", "30"}
    assert [c["chain"] for c in relu["codecs"]] == ["NONE", "INT8+ZSTD"]
    assert all(isinstance(c["meetsBudget"], bool) for c in relu["codecs"])


def test_split_csv_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["traffic", "split", "--model", "digits", "--csv", "--codec", "NONE"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["splitPoint"] == "0" and rows[0]["chain"] == "NONE"
    assert "uplinkMbpsAt30fps" in rows[0] and rows[-1]["name"] == "(outputs)"
    assert main(["traffic", "split", "--model", "digits", "--codec", "INT8"]) == 0
    out = capsys.readouterr().out
    assert "inference time = FLOP / FLOPS" in out and "relu1" in out


def test_distribution_json_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["traffic", "distribution", "--model", "digits", "--link-mbps", "1", "100", "--ues", "3"]
    assert main([*argv, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    full = doc["variants"][0]
    assert full["variant"] == "digits-full" and set(full["deliveryS"]) == {"1", "100"}
    assert full["unicastBytes"] == 3 * full["bytesToUse"]
    assert main([*argv, "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["variant"] for r in rows] == [v["variant"] for v in doc["variants"]]
    assert "deliveryS@100Mbps" in rows[0]


def test_distribution_of_a_model_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.onnx"
    path.write_bytes(embedded_model("digits").SerializeToString())
    assert main(["traffic", "distribution", "--model", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["variants"][0]["format"].startswith("ONNX")


def test_fl_json_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["traffic", "fl", "--ues", "4", "--rounds", "2", "--codec", "NONE", "INT8"]
    assert main([*argv, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    down = doc["downlink"]
    assert down["unicastBytesPerRound"] == 4 * down["rawBytesPerUe"]
    codecs = doc["uplink"]["codecs"]
    assert [c["chain"] for c in codecs] == ["NONE", "INT8"]
    assert codecs[1]["groupBytesAllRounds"] == 2 * 4 * codecs[1]["bytesPerUe"]
    assert main([*argv, "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["uplinkChain"] for r in rows] == ["NONE", "INT8"]


@pytest.mark.parametrize(
    "argv",
    [
        ["split", "--model", "no-such-model"],
        ["split", "--model", "digits", "--fps", "-1"],
        ["split", "--model", "digits", "--fps", "0"],
        ["split", "--model", "digits", "--uplink-mbps", "0"],
        ["split", "--model", "digits", "--ue-gflops", "nan"],
        ["split", "--model", "digits", "--codec", "BOGUS"],
        ["split", "--model", "digits", "--json", "--csv"],
        ["distribution", "--model", "no-such-model"],
        ["distribution", "--model", "digits", "--deadline-s", "0"],
        ["fl", "--model", "no-such-model"],
        ["fl", "--ues", "0"],
    ],
)
def test_bad_input_is_a_usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        code = main(["traffic", *argv])
        raise SystemExit(code)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip()
