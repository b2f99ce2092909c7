"""The split benchmark: its pieces, and one short end-to-end run on a small topology."""

from __future__ import annotations

import json

import pytest

from ts26927.bench import split as bench
from ts26927.bench.timing import mb_per_s, median_seconds
from ts26927.engine.embedded.zoo import embedded_model
from ts26927.engine.onnxtools.analysis import analyze


def test_timing_helpers() -> None:
    calls: list[int] = []
    assert median_seconds(lambda: calls.append(1), 5, warmup=2) >= 0
    assert len(calls) == 7
    assert mb_per_s(2_000_000, 0.5) == 4.0
    assert mb_per_s(1, 0.0) == float("inf")


def test_the_feature_map_is_the_largest_single_relu_output() -> None:
    analysis = analyze(embedded_model("resnet50"))
    chosen = bench._feature_candidate(analysis)
    assert chosen.op_type == "Relu" and len(chosen.crossing) == 1
    singles = [c for c in analysis.candidates if c.op_type == "Relu" and len(c.crossing) == 1]
    assert chosen.size_bytes == max(c.size_bytes for c in singles) == 256 * 56 * 56 * 4
    assert chosen.number == max(c.number for c in singles if c.size_bytes == chosen.size_bytes)


def _result(**changes: float) -> dict:
    codec = {
        "NONE": {"ratio": 1.0, "encode_mb_s": 6000.0, "decode_mb_s": 6000.0},
        "INT8+ZSTD": {"ratio": 7.0, "encode_mb_s": 900.0, "decode_mb_s": 2000.0},
    }
    result = {
        "analysis_s": 0.01,
        "extractor_one_split_s": 0.05,
        "split_overhead_ratio_median": 1.02,
        "codec": codec,
        "memcpy_mb_s": 10000.0,
    }
    for key, value in changes.items():
        if "." in key:
            chain, field = key.split(".")
            codec[chain.replace("_", "+")][field] = value
        else:
            result[key] = value
    return result


@pytest.mark.parametrize(
    ("changes", "failing"),
    [
        ({}, []),
        ({"analysis_s": 0.06}, ["analysis_s <= extractor_one_split_s"]),
        ({"split_overhead_ratio_median": 1.06}, ["split_overhead_ratio_median <= 1.05"]),
        ({"NONE.encode_mb_s": 4999.0}, ["NONE encode >= 0.5 memcpy"]),
        ({"NONE.decode_mb_s": 100.0}, ["NONE decode >= 0.5 memcpy"]),
        ({"INT8_ZSTD.ratio": 5.9}, ["INT8+ZSTD ratio >= 6"]),
        ({"INT8_ZSTD.encode_mb_s": 499.0}, ["INT8+ZSTD encode >= 500 MB/s"]),
    ],
)
def test_targets(changes: dict, failing: list[str]) -> None:
    targets = bench._targets(_result(**changes))
    assert len(targets) == 6
    assert [name for name, held in targets.items() if not held] == failing


def test_a_short_run_reports_every_figure() -> None:
    messages: list[str] = []
    result = bench.run(model_name="squeezenet", stride=32, repeat=1, progress=messages.append)
    json.dumps(result)  # one JSON object
    assert result["model"] == "squeezenet" and result["candidates"] == 65
    assert result["candidates_measured"] == 3
    assert result["max_rel_diff"] <= 1e-5  # head + tail still equal the whole model
    assert set(result["codec"]) == set(bench.CHAINS)
    for name, entry in result["codec"].items():
        assert entry["ratio"] > 0 and entry["encode_mb_s"] > 0 and entry["decode_mb_s"] > 0
        assert ("sqnr_db" in entry) == name.startswith(("FLOAT16", "INT8"))
    assert result["codec"]["FLOAT16"]["sqnr_db"] > result["codec"]["INT8"]["sqnr_db"] > 20
    assert result["codec"]["INT8+ZSTD"]["ratio"] > result["codec"]["INT8"]["ratio"] > 3.9
    assert result["feature_map"]["zero_fraction"] > 0.1  # a ReLU map
    assert result["targets"] == bench._targets(result)
    assert set(result["split_ms_at_middle"]) == {"spinning", "no_spinning"}
    assert messages[0] == "analysis" and "codecs" in messages
