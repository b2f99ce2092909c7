"""``ts26927 bench delivery``: adaptive model delivery on ResNet50 and the trained classifier.

For each model, every level of its adaptive chain is encoded (``encode_s``: all levels) and
decoded as a UE would (``decode_s``: base, every update, and the model file rebuilt at the
last level). Sizes are percentages of the refined weights as float32 (``weight_bytes``),
whole packages counted (header and graph included): ``base_bytes_pct`` for the first
usable level, ``total_bytes_pct`` for all levels. ``bit_exact``: the model file rebuilt at
the last level equals the repository's, byte for byte. Per level: the weights' SQNR
(null when exact) and, for the classifier, the accuracy of the rebuilt model on its
held-out test set. The baseline, run in the same process: lossless zstd of the float32
weights at the packages' zstd level (``zstd_fp32_pct``, ``zstd_fp32_s``).

ResNet50 is the light model-zoo topology from the onnx package with deterministic
calibrated random weights (:mod:`ts26927.engine.embedded.weights`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import cramjam
import numpy as np
import onnx

from ts26927.bench.timing import median_seconds
from ts26927.engine.delivery.encoder import (
    AdaptiveEncoding,
    AdaptiveOptions,
    canonical,
    encode_adaptive,
)
from ts26927.engine.delivery.evaluation import EvaluationSet, digits_evaluation
from ts26927.engine.delivery.package import refined_tensors
from ts26927.engine.delivery.progressive import ProgressiveModel
from ts26927.engine.embedded.zoo import DIGITS, embedded_model
from ts26927.engine.onnxtools.loading import load_model
from ts26927.engine.onnxtools.runtime import session_options

Progress = Callable[[str], None]
LARGE = "resnet50"
BASE_PCT, TOTAL_PCT, ENCODE_S, ACCURACY_POINTS = 22.0, 100.0, 5.0, 1.0


def run(
    *,
    seed: int = 0,
    repeat: int = 3,
    progress: Progress | None = None,
    large: str = LARGE,
) -> dict[str, Any]:
    """Run the benchmark; ``repeat`` timed encodes and decodes per model (medians).

    ``large`` names the model-zoo topology measured beside the classifier (its key in the
    result); the targets are stated for ResNet50.
    """
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    say = progress or (lambda _: None)
    started = time.perf_counter()
    options = AdaptiveOptions()
    say(large)
    model = embedded_model(large, random_weights=True, seed=seed)
    resnet = measure(model, large, options, repeat, None)
    say("classifier")
    classifier = measure(embedded_model(DIGITS), DIGITS, options, repeat, digits_evaluation())
    result: dict[str, Any] = {
        "weights": f"resnet50: deterministic calibrated random, seed {seed}; classifier: trained",
        "chain": [p.value for p in options.chain],
        "base_sqnr_db": options.base_sqnr_db,
        "zstd_level": options.zstd_level,
        "threads": session_options().intra_op_num_threads,
        large: resnet,
        "classifier": classifier,
    }
    result["targets"] = _targets(large, resnet, classifier)
    result["elapsed_s"] = time.perf_counter() - started
    return result


def measure(
    model: onnx.ModelProto,
    name: str,
    options: AdaptiveOptions,
    repeat: int,
    evaluation: EvaluationSet | None,
) -> dict[str, Any]:
    """Sizes, exactness, per-level quality and timings of one model's chain."""
    reference = canonical(model, name).SerializeToString()
    encoding = encode_adaptive(model, name, options)
    encode_s = median_seconds(lambda: encode_adaptive(model, name, options), repeat, warmup=0)
    rebuilt = _decode(encoding)
    decode_s = median_seconds(lambda: _decode(encoding), repeat, warmup=0)
    weights = np.concatenate(
        [np.frombuffer(t.raw_data, "<f4") for t in refined_tensors(canonical(model, name))]
    )
    raw = weights.tobytes()
    zstd = len(cramjam.zstd.compress(raw, level=options.zstd_level))
    zstd_s = median_seconds(
        lambda: cramjam.zstd.compress(raw, level=options.zstd_level), repeat, warmup=0
    )
    total = encoding.weight_bytes
    levels = _levels(encoding, evaluation)
    fp32_accuracy = None if evaluation is None else evaluation.accuracy(load_model(reference))
    return {
        "parameters_refined": encoding.elements,
        "weight_bytes": total,
        "base_bytes_pct": 100.0 * encoding.levels[0].size / total,
        "total_bytes_pct": 100.0 * sum(level.size for level in encoding.levels) / total,
        "bit_exact": rebuilt == reference,
        "fp32_accuracy": fp32_accuracy,
        "levels": levels,
        "encode_s": encode_s,
        "decode_s": decode_s,
        "zstd_fp32_pct": 100.0 * zstd / total,
        "zstd_fp32_s": zstd_s,
        "encode_vs_zstd_fp32": encode_s / zstd_s if zstd_s > 0 else None,
    }


def _decode(encoding: AdaptiveEncoding) -> bytes:
    progressive = ProgressiveModel(encoding.levels[0].data)
    for level in encoding.levels[1:]:
        progressive.apply(level.data)
    return progressive.to_bytes()


def _levels(encoding: AdaptiveEncoding, evaluation: EvaluationSet | None) -> list[dict[str, Any]]:
    progressive = ProgressiveModel(encoding.levels[0].data)
    total, cumulative = encoding.weight_bytes, 0
    found = []
    for level in encoding.levels:
        if level.index:
            progressive.apply(level.data)
        cumulative += level.size
        accuracy = None
        if evaluation is not None:
            accuracy = evaluation.accuracy(progressive.to_model(), label=f"level {level.index}")
        found.append(
            {
                "precision": level.precision.value,
                "bytes": level.size,
                "bytes_pct": 100.0 * level.size / total,
                "cumulative_pct": 100.0 * cumulative / total,
                "sqnr_db": level.sqnr_db,
                "accuracy": accuracy,
            }
        )
    return found


def _targets(large: str, resnet: dict[str, Any], classifier: dict[str, Any]) -> dict[str, bool]:
    base_accuracy = classifier["levels"][0]["accuracy"]
    within = (
        base_accuracy is not None
        and classifier["fp32_accuracy"] is not None
        and classifier["fp32_accuracy"] - base_accuracy <= ACCURACY_POINTS
    )
    return {
        f"{large} base_bytes_pct <= 22": resnet["base_bytes_pct"] <= BASE_PCT,
        "classifier base_bytes_pct <= 22": classifier["base_bytes_pct"] <= BASE_PCT,
        "classifier base accuracy within 1 point of fp32": within,
        f"{large} total_bytes_pct <= 100 and bit_exact": resnet["total_bytes_pct"] <= TOTAL_PCT
        and resnet["bit_exact"],
        "classifier total_bytes_pct <= 100 and bit_exact": classifier["total_bytes_pct"]
        <= TOTAL_PCT
        and classifier["bit_exact"],
        f"{large} encode_s <= 5": resnet["encode_s"] <= ENCODE_S,
    }
