"""Measuring split configurations on held-out data: accuracy and unit size per codec chain.

For each split point the real head and tail run with onnxruntime; each sample's crossing
tensors go through a real intermediate data unit (one unit per inference, so INT8 scales
are per sample, as a sender would compute them), and the tail's top-1 predictions are
scored against the labels. This is where the accuracy of a lossy configuration comes
from: measured, never assumed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import onnx

from ts26927.engine.onnxtools.analysis import SplitAnalysis
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.extraction import SplitExtractor
from ts26927.engine.split.pipeline import describe_intermediate
from ts26927.engine.split.selection import Measurement
from ts26927.engine.split.unit import decode_unit, encode_unit
from ts26927.errors import SelectionError
from ts26927.models.intermediate_data import DataDirection


def measure(
    model: onnx.ModelProto,
    analysis: SplitAnalysis,
    inputs: Mapping[str, np.ndarray],
    labels: np.ndarray,
    chains: Sequence[CodecChain],
    *,
    split_points: Sequence[str | int] | None = None,
    output: str | None = None,
) -> dict[tuple[str, str], Measurement]:
    """Measure every (split point, chain) on samples batched along axis 0 of ``inputs``.

    ``output`` names the scores to take the argmax of (default: the model's first output).
    """
    count = len(labels)
    if count == 0 or any(v.shape[:1] != (count,) for v in inputs.values()):
        raise SelectionError("measurement", "inputs and labels must hold the same samples")
    output = output or analysis.outputs[0].name
    extractor = SplitExtractor(model, analysis)
    points = split_points if split_points is not None else [c.number for c in analysis.candidates]
    results: dict[tuple[str, str], Measurement] = {}
    for point in points:
        sub = extractor.extract(point)
        candidate = sub.candidate
        head = Runner(sub.head, label=f"{analysis.label} head at {candidate.identifier}")
        tail = Runner(sub.tail, label=f"{analysis.label} tail at {candidate.identifier}")
        crossing = head.run({k: v for k, v in inputs.items() if k in head.inputs})
        for chain in chains:
            sizes, received = _through_units(crossing, chain, count)
            outs = tail.run({name: received[name] for name in tail.inputs})
            scores = outs[output] if output in outs else received[output]
            accuracy = float(np.mean(np.argmax(scores, axis=-1) == labels) * 100.0)
            results[(candidate.identifier, chain.name)] = Measurement(
                accuracy=accuracy, unit_bytes=float(np.mean(sizes))
            )
    return results


def _through_units(
    crossing: Mapping[str, np.ndarray], chain: CodecChain, count: int
) -> tuple[list[int], dict[str, np.ndarray]]:
    """Send each sample through its own unit; returns unit sizes and the decoded batch."""
    sizes: list[int] = []
    parts: dict[str, list[np.ndarray]] = {name: [] for name in crossing}
    for index in range(count):
        sample = {name: value[index : index + 1] for name, value in crossing.items()}
        unit = encode_unit(describe_intermediate(sample, DataDirection.UPSTREAM), sample, chain)
        sizes.append(unit.nbytes)
        decoded = decode_unit(unit.to_bytes())
        for name, value in decoded.tensors.items():
            parts[name].append(value)
    return sizes, {name: np.concatenate(values) for name, values in parts.items()}
