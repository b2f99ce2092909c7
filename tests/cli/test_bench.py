"""``ts26927 bench split``: one JSON object, exit code from the targets."""

from __future__ import annotations

import json

import pytest

from ts26927.cli import main


def test_bench_split_prints_one_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["bench", "split", "--json", "--model", "squeezenet", "--stride", "40", "--repeat", "1"]
    code = main(args)
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert code == (0 if all(result["targets"].values()) else 1)
    assert result["model"] == "squeezenet" and result["candidates_measured"] == 2
    for key in (
        "analysis_s",
        "extractor_one_split_s",
        "split_overhead_ratio_median",
        "memcpy_mb_s",
    ):
        assert result[key] > 0
    assert "INT8+ZSTD" in result["codec"]
    assert "bench split: analysis" in captured.err  # progress goes to stderr


def test_bench_refuses_unknown_models(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["bench", "split", "--model", "digits"])
    assert caught.value.code == 2
