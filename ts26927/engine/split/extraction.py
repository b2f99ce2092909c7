"""Extraction of the head and tail sub-models of one split point.

A thin wrapper around :class:`onnx.utils.Extractor`, which already does the graph work well
(reachable nodes, the initializers and local functions they need). Two things it does not
do itself. It needs value types for the cut tensors: its file-level wrapper runs shape
inference over the whole model (weights included) for that; here the types come from the
analysis, which inferred them once on a weight-free skeleton, so a cut costs two graph
walks and the copies of each side's own initializers. And it follows explicit node inputs
only: two small overrides also follow the names control-flow subgraphs read from the
outer scope.
"""

from __future__ import annotations

from dataclasses import dataclass

import onnx
from onnx.utils import Extractor

from ts26927.engine.onnxtools.analysis import SplitAnalysis, SplitCandidate
from ts26927.engine.onnxtools.graph import referenced_inputs
from ts26927.errors import SplitError

#: IR 4 made initializers independent of graph inputs; IR 3 models (the model zoo's)
#: list every initializer as an input, which a side that drops some would violate.
_MIN_IR_VERSION = 4


@dataclass(frozen=True)
class SubModels:
    """The two sub-models of one split point."""

    candidate: SplitCandidate
    head: onnx.ModelProto
    """Runs the first part: takes the model's inputs, outputs the crossing tensors."""
    tail: onnx.ModelProto
    """Runs the second part: takes the crossing tensors, outputs what the head does not."""

    @property
    def head_outputs(self) -> list[str]:
        return [o.name for o in self.head.graph.output]

    @property
    def tail_inputs(self) -> list[str]:
        return [i.name for i in self.tail.graph.input]

    @property
    def tail_outputs(self) -> list[str]:
        return [o.name for o in self.tail.graph.output]


class _Extractor(Extractor):
    """``onnx.utils.Extractor`` that also follows the outer-scope names a control-flow
    node's subgraphs use (it follows explicit node inputs only, so a cut through a model
    with ``If``/``Loop`` bodies would lose the nodes and initializers they read)."""

    def _dfs_search_reachable_nodes(
        self, node_output_name: str, graph_input_names: set[str], reachable: set[int]
    ) -> None:
        stack = [node_output_name]
        while stack:
            name = stack.pop()
            if name in graph_input_names or name not in self.outmap:
                continue
            index = self.outmap[name]
            if index not in reachable:
                reachable.add(index)
                stack.extend(referenced_inputs(self.graph.node[index]))

    def _collect_reachable_tensors(
        self, nodes: list[onnx.NodeProto]
    ) -> tuple[list[onnx.TensorProto], list[onnx.ValueInfoProto]]:
        initializers, value_info = super()._collect_reachable_tensors(nodes)
        have = {t.name for t in initializers}
        for node in nodes:
            for name in referenced_inputs(node):
                if name in self.initializers and name not in have:
                    have.add(name)
                    initializers.append(self.initializers[name])
        return initializers, value_info


class SplitExtractor:
    """Cuts one model at any of its analysed split points; reuse it for several cuts."""

    def __init__(self, model: onnx.ModelProto, analysis: SplitAnalysis) -> None:
        self._model = model
        self._analysis = analysis
        self._extractor = _Extractor(model)
        # Types of every value, as the analysis inferred them (symbolic dims kept).
        for name, info in analysis.value_info.items():
            self._extractor.value_infos.setdefault(name, info)
        self._inputs = [t.name for t in analysis.inputs]
        self._outputs = [t.name for t in analysis.outputs]

    def extract(self, split_point: str | int, *, check: bool = True) -> SubModels:
        """The head and tail at ``split_point`` (identifier, number or node name).

        ``check`` runs the ONNX checker on both sides (a split that breaks the model, e.g.
        one through a control-flow subgraph, is refused with :class:`SplitError`).
        """
        candidate = self._analysis.candidate(split_point)
        crossing = [t.name for t in candidate.crossing]
        tail_outputs = [name for name in self._outputs if name not in crossing]
        head = self._cut(self._inputs, crossing, "head", candidate)
        tail = self._cut(list(candidate.tail_inputs), tail_outputs, "tail", candidate)
        if check:
            for side, model in (("head", head), ("tail", tail)):
                _check(model, f"{self._analysis.label} split point {candidate.identifier} {side}")
        return SubModels(candidate=candidate, head=head, tail=tail)

    def _cut(
        self, inputs: list[str], outputs: list[str], side: str, candidate: SplitCandidate
    ) -> onnx.ModelProto:
        try:
            model = self._extractor.extract_model(inputs, outputs)
        except (ValueError, KeyError) as error:
            raise SplitError(
                f"{self._analysis.label} split point {candidate.identifier} {side}", str(error)
            ) from None
        # The source's IR version, not the newest the extractor writes (see engine.digits).
        model.ir_version = max(self._model.ir_version, _MIN_IR_VERSION)
        model.graph.name = f"{self._model.graph.name or 'model'} {side} at {candidate.identifier}"
        model.producer_name = "ts26927"
        return model


def extract(
    model: onnx.ModelProto, analysis: SplitAnalysis, split_point: str | int, *, check: bool = True
) -> SubModels:
    """One-shot :meth:`SplitExtractor.extract`."""
    return SplitExtractor(model, analysis).extract(split_point, check=check)


def _check(model: onnx.ModelProto, label: str) -> None:
    try:
        onnx.checker.check_model(model)
    except (onnx.checker.ValidationError, ValueError) as error:
        raise SplitError(
            label, f"not a valid model: {str(error).strip().splitlines()[0]}"
        ) from None
