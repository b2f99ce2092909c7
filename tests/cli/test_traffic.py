"""``ts26927 traffic``: split, distribution, fl — JSON and CSV shapes, plots, exit codes."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from ts26927.cli import main
from ts26927.cli import traffic as traffic_cli
from ts26927.engine.embedded.zoo import embedded_model
from ts26927.errors import MissingExtraError
from ts26927.traffic import figures, plots


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
        ["split", "--model", "digits", "--plot-chain", "BOGUS"],
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


# -- --plot DIR ------------------------------------------------------------------------------
def _spy(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    """Record what ``ts26927.cli.traffic.<name>`` (the computation) returns."""
    results: list[Any] = []
    compute = getattr(traffic_cli, name)

    def recording(*args: Any, **kwargs: Any) -> Any:
        results.append(compute(*args, **kwargs))
        return results[-1]

    monkeypatch.setattr(traffic_cli, name, recording)
    return results


PLOTS = {
    # subcommand arguments (digits, fast), the computation, the figures it plots
    "split": (
        ["split", "--model", "digits", "--samples", "2", "--codec", "NONE", "int8", "--json"],
        "split_traffic",
        {
            "split-data": figures.split_data_figure,
            "split-latency": lambda r: figures.split_latency_figure(r, "INT8"),
        },
    ),
    "distribution": (
        ["distribution", "--model", "digits", "--link-mbps", "1", "100"],
        "distribution_traffic",
        {"delivery-time": figures.delivery_figure},
    ),
    "fl": (
        ["fl", "--ues", "3", "--rounds", "2", "--codec", "NONE", "INT8", "--csv"],
        "fl_traffic",
        {"fl-volume": figures.fl_figure},
    ),
}


@pytest.mark.skipif(importlib.util.find_spec("matplotlib") is None, reason="no matplotlib")
@pytest.mark.parametrize("command", PLOTS)
def test_plot_writes_the_figures_and_leaves_stdout_alone(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv, computation, expected = PLOTS[command]
    assert main(["traffic", *argv]) == 0
    plain = capsys.readouterr()
    assert plain.err == ""
    results = _spy(monkeypatch, computation)
    directory = tmp_path / "plots"
    extra = ["--plot-chain", "int8"] if command == "split" else []
    assert main(["traffic", *argv, "--plot", str(directory), *extra]) == 0
    plotted = capsys.readouterr()
    assert plotted.out == plain.out
    files = [f"{directory / stem}.{fmt}" for stem in expected for fmt in ("png", "svg")]
    assert plotted.err.splitlines() == [f"wrote {f}" for f in files]
    assert sorted(p.name for p in directory.iterdir()) == sorted(Path(f).name for f in files)
    (result,) = results
    for stem, draw in expected.items():
        digest = draw(result).digest
        svg = (directory / f"{stem}.svg").read_bytes()
        ET.fromstring(svg)
        assert plots.embedded_digest(svg) == digest
        assert plots.embedded_digest((directory / f"{stem}.png").read_bytes()) == digest


def test_the_latency_plot_defaults_to_the_figures_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = _spy(monkeypatch, "split_traffic")
    argv = ["traffic", "split", "--model", "digits", "--samples", "2", "--codec", "NONE", "INT8"]
    assert main([*argv, "--csv", "--plot", str(tmp_path)]) == 0
    written = plots.embedded_digest((tmp_path / "split-latency.svg").read_bytes())
    assert written == figures.split_latency_figure(results[0]).digest


@pytest.mark.parametrize(
    ("plot", "message"),
    [
        (True, "--plot-chain INT8 is not a measured chain (--codec NONE FLOAT16)"),
        (False, "--plot-chain needs --plot"),
    ],
)
def test_a_bad_plot_chain_is_a_usage_error_before_measuring(
    plot: bool,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    results = _spy(monkeypatch, "split_traffic")
    directory = tmp_path / "plots"
    argv = ["traffic", "split", "--model", "digits", "--codec", "NONE", "FLOAT16"]
    argv += ["--plot-chain", "int8", *(["--plot", str(directory)] if plot else [])]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and results == [] and not directory.exists()
    assert err.startswith("ts26927 traffic split: ") and message in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("command", ["split", "distribution", "fl"])
def test_without_matplotlib_plot_is_a_clean_usage_error(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` fails
    argv = ["traffic", command, "--model", "digits", "--plot", str(tmp_path / "plots")]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and not (tmp_path / "plots").exists()
    assert err == f"ts26927 traffic {command}: --plot needs matplotlib: pip install " + (
        "'ts26927[plots]'\n"
    )


def test_without_matplotlib_when_drawing_is_a_clean_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def missing(*_: Any) -> list[Path]:
        raise MissingExtraError("plots", "matplotlib", "drawing traffic plots")

    monkeypatch.setattr(plots, "write", missing)
    argv = ["traffic", "fl", "--ues", "2", "--rounds", "1", "--plot", str(tmp_path)]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert err == "ts26927 traffic fl: drawing traffic plots needs matplotlib: " + (
        "pip install 'ts26927[plots]'\n"
    )


@pytest.mark.skipif(importlib.util.find_spec("matplotlib") is None, reason="no matplotlib")
@pytest.mark.parametrize("below", ["", "sub"])
def test_a_directory_that_cannot_be_written_is_a_clean_usage_error(
    below: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    directory = blocker / below if below else blocker
    argv = ["traffic", "fl", "--ues", "2", "--rounds", "1", "--plot", str(directory)]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err and len(err.splitlines()) == 1
    assert err.startswith(f"ts26927 traffic fl: cannot write the plots: {directory}: ")
