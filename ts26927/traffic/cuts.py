"""The real tensors at every cut: one run of the whole model with every crossing tensor exposed.

Running one head per split point would cost K extractions and K sessions; instead the model
runs once per input with each tensor that crosses some cut added as a graph output. The
arrays are the ones a head would hand over (the same nodes compute them); the tests check
that against extracted heads.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import onnx

from ts26927.engine.onnxtools.analysis import SplitAnalysis
from ts26927.engine.onnxtools.runtime import Runner

Arrays = dict[str, np.ndarray]


def crossing_names(analysis: SplitAnalysis) -> list[str]:
    """Every tensor that crosses at least one cut, in first-crossing order."""
    names: dict[str, None] = {}
    for candidate in analysis.candidates:
        names.update(dict.fromkeys(t.name for t in candidate.crossing))
    return list(names)


def exposed(model: onnx.ModelProto, analysis: SplitAnalysis) -> onnx.ModelProto:
    """A copy of ``model`` whose outputs also include every crossing tensor."""
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    present = {o.name for o in copy.graph.output} | {i.name for i in copy.graph.input}
    for name in crossing_names(analysis):
        if name not in present:
            copy.graph.output.append(analysis.value_info[name])
    return copy


class CutTensors:
    """Runs the exposed model on samples and returns, per sample, every tensor by name."""

    def __init__(self, model: onnx.ModelProto, analysis: SplitAnalysis) -> None:
        self._runner = Runner(exposed(model, analysis), label=f"{analysis.label} (all cuts)")

    def run(self, feeds: Mapping[str, np.ndarray]) -> Arrays:
        """Inputs and every tensor the model computes for one sample's ``feeds``."""
        return {**feeds, **self._runner.run(feeds)}
