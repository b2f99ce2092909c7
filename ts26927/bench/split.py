"""``ts26927 bench split``: the split inference engine on ResNet50, measured in one run.

* ``analysis_s``: :func:`analyze` of every candidate split point, against
  ``extractor_one_split_s``: the standard tool cutting both halves at the middle
  candidate in memory (shape inference of the whole model, then ``onnx.utils.Extractor``).
* ``split_overhead_ratio_median``: for each candidate, head + NONE unit + tail against the
  whole model (medians of interleaved runs, so drift hits both), then the median ratio.
  The split outputs are compared with the whole model's (``max_rel_diff``).
  ``split_ms_at_middle`` shows why sessions do not spin: the same head + tail with
  onnxruntime's default thread spinning, and without.
* ``codec``: every codec chain on one real feature map (the model on a real photo, cut at
  the largest ReLU output that crosses a cut alone), against ``memcpy_mb_s``. Throughput
  counts the map's float32 bytes; encode includes building the unit's header.

ResNet50 is the light model-zoo topology from the onnx package with deterministic
calibrated random weights (:mod:`ts26927.engine.embedded.weights`).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import onnx
from onnx.utils import Extractor

from ts26927.bench.timing import mb_per_s, median_seconds
from ts26927.engine.embedded.inputs import deterministic_inputs
from ts26927.engine.embedded.zoo import embedded_model
from ts26927.engine.onnxtools.analysis import SplitAnalysis, SplitCandidate, analyze
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.runtime import Runner, session_options
from ts26927.engine.split.extraction import SplitExtractor
from ts26927.engine.split.pipeline import SplitPipeline, compare, describe_intermediate
from ts26927.engine.split.unit import decode_unit, encode_unit
from ts26927.models.intermediate_data import DataDirection

MODEL = "resnet50"
CHAINS = (
    "NONE",
    "SNAPPY",
    "LZ4",
    "ZSTD",
    "FLOAT16",
    "FLOAT16+ZSTD",
    "INT8",
    "INT8+LZ4",
    "INT8+ZSTD",
)
Progress = Callable[[str], None]


def run(
    *,
    model_name: str = MODEL,
    seed: int = 0,
    stride: int = 1,
    repeat: int = 3,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run the benchmark on a model-zoo topology (ResNet50 unless told otherwise);
    ``stride`` > 1 measures every stride-th candidate only."""
    say = progress or (lambda _: None)
    started = time.perf_counter()
    model = embedded_model(model_name, random_weights=True, seed=seed)
    say("analysis")
    analysis_s = median_seconds(lambda: analyze(model, label=model_name), 5)
    analysis = analyze(model, label=model_name)
    middle = analysis.candidates[len(analysis.candidates) // 2]
    say("standard extractor")
    extractor_s = median_seconds(lambda: _standard_cut(model, middle, analysis), 3)
    inputs = deterministic_inputs(analysis, seed=seed)
    overhead = _split_overhead(model, analysis, inputs, stride, repeat, say)
    say("thread spinning")
    spinning = _spinning(model, analysis, middle, inputs, repeat)
    say("codecs")
    feature, codec, memcpy = _codecs(model, analysis, inputs)
    result: dict[str, Any] = {
        "model": model_name,
        "weights": f"deterministic calibrated random, seed {seed}",
        "threads": session_options().intra_op_num_threads,
        "analysis_s": analysis_s,
        "extractor_one_split_s": extractor_s,
        "candidates": len(analysis.candidates),
        **overhead,
        "split_ms_at_middle": spinning,
        "feature_map": feature,
        "codec": codec,
        "memcpy_mb_s": memcpy,
    }
    result["targets"] = _targets(result)
    result["elapsed_s"] = time.perf_counter() - started
    return result


def _standard_cut(
    model: onnx.ModelProto, candidate: SplitCandidate, analysis: SplitAnalysis
) -> None:
    inferred = onnx.shape_inference.infer_shapes(model)
    extractor = Extractor(inferred)
    crossing = [t.name for t in candidate.crossing]
    extractor.extract_model([t.name for t in analysis.inputs], crossing)
    extractor.extract_model(list(candidate.tail_inputs), [t.name for t in analysis.outputs])


def _split_overhead(
    model: onnx.ModelProto,
    analysis: SplitAnalysis,
    inputs: dict[str, np.ndarray],
    stride: int,
    repeat: int,
    say: Progress,
) -> dict[str, Any]:
    whole = Runner(model, label=f"{analysis.label} whole")
    expected = whole.run(inputs)
    extractor = SplitExtractor(model, analysis)
    ratios: list[float] = []
    whole_times: list[float] = []
    worst = 0.0
    measured = analysis.candidates[::stride]
    for index, candidate in enumerate(measured, start=1):
        if index % 25 == 0 or index == len(measured):
            say(f"split overhead {index}/{len(measured)}")
        sub = extractor.extract(candidate.number, check=False)
        pipeline = SplitPipeline(sub, label=analysis.label)
        worst = max(worst, compare(expected, pipeline.run(inputs).outputs).max_rel)
        split_t, whole_t = [], []
        for _ in range(repeat):
            start = time.perf_counter()
            whole.run(inputs)
            middle = time.perf_counter()
            pipeline.run(inputs)
            whole_t.append(middle - start)
            split_t.append(time.perf_counter() - middle)
        ratios.append(statistics.median(split_t) / statistics.median(whole_t))
        whole_times.extend(whole_t)
    return {
        "candidates_measured": len(measured),
        "split_overhead_ratio_median": statistics.median(ratios),
        "split_overhead_ratio_max": max(ratios),
        "whole_ms_median": statistics.median(whole_times) * 1000,
        "max_rel_diff": worst,
    }


def _spinning(
    model: onnx.ModelProto,
    analysis: SplitAnalysis,
    candidate: SplitCandidate,
    inputs: dict[str, np.ndarray],
    repeat: int,
) -> dict[str, float]:
    """Head + tail at one cut with onnxruntime's default spinning, and without (ours)."""
    sub = SplitExtractor(model, analysis).extract(candidate.number, check=False)
    times = {}
    for name, spinning in (("spinning", True), ("no_spinning", False)):
        pipeline = SplitPipeline(sub, options=session_options(spinning=spinning))
        times[name] = median_seconds(lambda p=pipeline: p.run(inputs), max(repeat, 3)) * 1000
    return times


def _feature_candidate(analysis: SplitAnalysis) -> SplitCandidate:
    relu = [c for c in analysis.candidates if c.op_type == "Relu" and len(c.crossing) == 1]
    return max(relu, key=lambda c: (c.size_bytes or 0, c.number))


def _codecs(
    model: onnx.ModelProto, analysis: SplitAnalysis, inputs: dict[str, np.ndarray]
) -> tuple[dict[str, Any], dict[str, Any], float]:
    candidate = _feature_candidate(analysis)
    sub = SplitExtractor(model, analysis).extract(candidate.number, check=False)
    head = Runner(sub.head, label=f"{analysis.label} head")
    name = candidate.crossing[0].name
    feature = head.run({k: v for k, v in inputs.items() if k in head.inputs})[name]
    nbytes = feature.nbytes
    feature_info = {
        "split_point": candidate.identifier,
        "tensor": name,
        "shape": list(feature.shape),
        "bytes": nbytes,
        "zero_fraction": float(np.mean(feature == 0)),
    }
    arrays = {name: feature}
    codec: dict[str, Any] = {}
    for spec in CHAINS:
        chain = CodecChain.parse(spec)

        def encode(chain: CodecChain = chain) -> Any:
            return encode_unit(describe_intermediate(arrays, DataDirection.UPSTREAM), arrays, chain)

        data = encode().to_bytes()
        encode_s = median_seconds(encode, 15)
        decode_s = median_seconds(lambda data=data: decode_unit(data), 15)
        entry: dict[str, Any] = {
            "ratio": nbytes / len(data),
            "encode_mb_s": mb_per_s(nbytes, encode_s),
            "decode_mb_s": mb_per_s(nbytes, decode_s),
        }
        if chain.lossy:
            restored = decode_unit(data).tensors[name].astype(np.float64)
            error = float(np.sum((restored - feature) ** 2))
            signal = float(np.sum(feature.astype(np.float64) ** 2))
            entry["sqnr_db"] = 10 * math.log10(signal / error) if error > 0 else math.inf
        codec[chain.name] = entry
    target = np.empty_like(feature)
    memcpy = mb_per_s(nbytes, median_seconds(lambda: np.copyto(target, feature), 51))
    return feature_info, codec, memcpy


def _targets(result: dict[str, Any]) -> dict[str, bool]:
    codec, memcpy = result["codec"], result["memcpy_mb_s"]
    return {
        "analysis_s <= extractor_one_split_s": result["analysis_s"]
        <= result["extractor_one_split_s"],
        "split_overhead_ratio_median <= 1.05": result["split_overhead_ratio_median"] <= 1.05,
        "NONE encode >= 0.5 memcpy": codec["NONE"]["encode_mb_s"] >= 0.5 * memcpy,
        "NONE decode >= 0.5 memcpy": codec["NONE"]["decode_mb_s"] >= 0.5 * memcpy,
        "INT8+ZSTD ratio >= 6": codec["INT8+ZSTD"]["ratio"] >= 6.0,
        "INT8+ZSTD encode >= 500 MB/s": codec["INT8+ZSTD"]["encode_mb_s"] >= 500.0,
    }
