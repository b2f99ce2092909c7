from __future__ import annotations

import json
import math

import pytest

from ts26927.bench import delivery
from ts26927.engine.delivery.encoder import AdaptiveOptions
from ts26927.engine.delivery.evaluation import digits_evaluation
from ts26927.engine.embedded.zoo import embedded_model


@pytest.fixture(scope="module")
def result() -> dict:
    # SqueezeNet stands in for ResNet50 here: the same topology family, 20 times smaller.
    return delivery.run(repeat=1, large="squeezenet")


def test_the_result_has_every_figure_and_is_json(result: dict) -> None:
    assert json.loads(json.dumps(result, allow_nan=False)) == result
    for name in ("squeezenet", "classifier"):
        figures = result[name]
        for key in (
            "base_bytes_pct",
            "total_bytes_pct",
            "encode_s",
            "decode_s",
            "zstd_fp32_pct",
            "zstd_fp32_s",
        ):
            assert figures[key] > 0, (name, key)
        assert figures["bit_exact"] is True
        assert [level["precision"] for level in figures["levels"]] == ["INT8", "INT16", "FLOAT32"]
        assert figures["levels"][-1]["sqnr_db"] is None
        assert figures["levels"][0]["sqnr_db"] < figures["levels"][1]["sqnr_db"]
        total = sum(level["bytes"] for level in figures["levels"])
        assert math.isclose(figures["total_bytes_pct"], 100 * total / figures["weight_bytes"])
        assert figures["levels"][-1]["cumulative_pct"] == pytest.approx(figures["total_bytes_pct"])
    assert result["squeezenet"]["levels"][0]["accuracy"] is None
    assert result["classifier"]["fp32_accuracy"] == result["classifier"]["levels"][-1]["accuracy"]


def test_targets_are_stated_for_the_large_model_and_the_classifier(result: dict) -> None:
    assert set(result["targets"]) == {
        "squeezenet base_bytes_pct <= 22",
        "classifier base_bytes_pct <= 22",
        "classifier base accuracy within 1 point of fp32",
        "squeezenet total_bytes_pct <= 100 and bit_exact",
        "classifier total_bytes_pct <= 100 and bit_exact",
        "squeezenet encode_s <= 5",
    }
    assert result["targets"]["classifier base_bytes_pct <= 22"] is (
        result["classifier"]["base_bytes_pct"] <= 22
    )


def test_targets_fail_when_a_figure_misses() -> None:
    figures = {
        "base_bytes_pct": 21.0,
        "total_bytes_pct": 90.0,
        "bit_exact": True,
        "encode_s": 1.0,
        "fp32_accuracy": 97.5,
        "levels": [{"accuracy": 97.0}],
    }
    assert all(delivery._targets("resnet50", figures, figures).values())
    for change, failing in [
        ({"base_bytes_pct": 22.5}, "resnet50 base_bytes_pct <= 22"),
        ({"bit_exact": False}, "resnet50 total_bytes_pct <= 100 and bit_exact"),
        ({"total_bytes_pct": 100.5}, "resnet50 total_bytes_pct <= 100 and bit_exact"),
        ({"encode_s": 5.1}, "resnet50 encode_s <= 5"),
    ]:
        targets = delivery._targets("resnet50", {**figures, **change}, figures)
        assert [k for k, v in targets.items() if not v] == [failing]
    worse = {**figures, "levels": [{"accuracy": 96.0}]}
    targets = delivery._targets("resnet50", figures, worse)
    assert not targets["classifier base accuracy within 1 point of fp32"]


def test_measure_reports_a_baseline_from_the_same_run() -> None:
    figures = delivery.measure(
        embedded_model("digits"), "digits", AdaptiveOptions(), 1, digits_evaluation()
    )
    assert 80 < figures["zstd_fp32_pct"] < 100
    assert figures["encode_vs_zstd_fp32"] == pytest.approx(
        figures["encode_s"] / figures["zstd_fp32_s"]
    )


def test_repeat_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        delivery.run(repeat=0)
