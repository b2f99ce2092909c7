"""Split-point analysis: every candidate split point of a model with its clause 6.6.3 data.

Theory of operation. Number the compute nodes 1..K in the model's (topological) order; the
split point *n* cuts AFTER node *n*, so the UE-or-network *head* runs nodes 1..n and the
*tail* runs n+1..K (a cut BEFORE node *n+1* is the same cut). A tensor crosses cut *n* when
it is produced at or before *n* (a real graph input counts as produced at 0) and is still
needed after *n* (consumed by a later node, or a graph output). One sweep over the nodes
keeps the set of live tensors, so all K-1 cuts cost one pass; per-side parameter bytes and
compute come from prefix sums over first and last uses. Shapes come from one shape
inference (:mod:`ts26927.engine.onnxtools.graph`); nothing is extracted or run here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

import onnx

from ts26927.engine.onnxtools import flops
from ts26927.engine.onnxtools.analysis_types import (
    SideCost,
    SplitCandidate,
    TensorFacts,
    opt_max,
    opt_sum,
)
from ts26927.engine.onnxtools.graph import GraphFacts, inspect, referenced_inputs
from ts26927.engine.onnxtools.limits import ModelLimits
from ts26927.errors import ModelSizeError, UnknownSplitPointError
from ts26927.models.split_model import (
    SplitModelInformation,
    SplitPointFlag,
    SplitPointInformation,
)

__all__ = ["SideCost", "SplitAnalysis", "SplitCandidate", "TensorFacts", "analyze"]


@dataclass(frozen=True)
class SplitAnalysis:
    """All candidate split points of one model, in topological order."""

    label: str
    model_identifier: str | None
    bindings: dict[str, int]
    inputs: tuple[TensorFacts, ...]
    outputs: tuple[TensorFacts, ...]
    whole: SideCost
    candidates: tuple[SplitCandidate, ...]
    node_names: tuple[str, ...]
    """Names of all compute nodes 1..K (the last one has no split point AFTER it)."""
    uncosted: tuple[str, ...]
    """Nodes left out of the compute estimates (no rule, or unknown shapes): ``name (op)``."""
    value_info: dict[str, onnx.ValueInfoProto] = field(repr=False, compare=False)

    def candidate(self, split_point: str | int | SplitPointInformation) -> SplitCandidate:
        """The candidate for an identifier, number, node name or clause 6.6.3 split point.

        A split point BEFORE node *m* is the cut AFTER node *m-1*; without a flag, AFTER.
        """
        if isinstance(split_point, SplitPointInformation):
            return self._resolve(split_point)
        if isinstance(split_point, int) or split_point.isdecimal():
            number = int(split_point)
            if 1 <= number <= len(self.candidates):
                return self.candidates[number - 1]
        else:
            for candidate in self.candidates:
                if candidate.name == split_point:
                    return candidate
        raise UnknownSplitPointError(self.label, str(split_point), len(self.candidates))

    def _resolve(self, point: SplitPointInformation) -> SplitCandidate:
        identifier = point.split_point_identifier
        if point.split_point_number is not None:
            number: int | None = point.split_point_number
        elif point.split_point_name is not None:
            number = self._number_of(point.split_point_name)
        else:
            number = int(identifier) if identifier.isdecimal() else self._number_of(identifier)
        if number is not None and point.split_point_flag is SplitPointFlag.BEFORE:
            number -= 1
        if number is not None and 1 <= number <= len(self.candidates):
            return self.candidates[number - 1]
        raise UnknownSplitPointError(
            self.label, point.split_point_name or identifier, len(self.candidates)
        )

    def _number_of(self, name: str) -> int | None:
        try:
            return self.node_names.index(name) + 1
        except ValueError:
            return None

    def split_model_information(self) -> SplitModelInformation | None:
        """The clause 6.6.3 split model information; None when the model has no split point."""
        if not self.candidates:
            return None
        return SplitModelInformation(
            model_identifier=self.model_identifier,
            split_points=len(self.candidates),
            split_point_information=[c.split_point_information() for c in self.candidates],
        )

    def to_dict(self) -> dict[str, Any]:
        info = self.split_model_information()
        return {
            "model": self.label,
            **({"modelIdentifier": self.model_identifier} if self.model_identifier else {}),
            "dimensionBindings": dict(self.bindings),
            "inputs": [t.to_dict() for t in self.inputs],
            "outputs": [t.to_dict() for t in self.outputs],
            "whole": self.whole.to_dict(),
            "splitModelInformation": info.to_wire() if info else None,
            "candidates": [c.to_dict() for c in self.candidates],
            "uncosted": list(self.uncosted),
        }


def analyze(
    model: onnx.ModelProto,
    *,
    label: str = "model",
    model_identifier: str | None = None,
    bindings: dict[str, int] | None = None,
    limits: ModelLimits | None = None,
) -> SplitAnalysis:
    """Analyse every candidate split point of ``model`` in one pass.

    ``bindings`` gives sizes to symbolic input dimensions (e.g. ``{"N": 8}``); a symbol of
    a real graph input left unbound is taken as 1 (one inference) and reported as such.
    """
    limits = limits or ModelLimits()
    facts = inspect(model, label)
    bound = {symbol: 1 for symbol in facts.input_symbols} | dict(bindings or {})
    tensor = _TensorTable(facts, bound, label, limits)
    nodes = facts.compute
    count = len(nodes)
    position = {out: p for p, node in enumerate(nodes, start=1) for out in node.output if out}
    position.update(dict.fromkeys(facts.real_inputs, 0))
    consumed_last: dict[str, int] = {}
    param_first: dict[str, int] = {}
    param_last: dict[str, int] = {}
    costs: list[flops.Cost] = []
    uncosted: list[str] = []
    for p, (node, name) in enumerate(zip(nodes, facts.names, strict=True), start=1):
        for used in referenced_inputs(node):
            if used in facts.parameters:
                param_first.setdefault(used, p)
                param_last[used] = p
            else:
                consumed_last[used] = p
        cost = flops.node_cost(node, tensor.shape)
        if cost is None:
            uncosted.append(f"{name} ({node.op_type})")
        costs.append(cost or flops.ZERO)
    last_use = dict(consumed_last) | dict.fromkeys(facts.outputs, count + 1)
    # Per-cut sums: index n (0..count) holds the value for head = nodes 1..n.
    head_cost = [flops.ZERO, *accumulate(costs)]
    param_bytes_by_first = [0] * (count + 2)
    param_elems_by_first = [0] * (count + 2)
    param_bytes_by_last = [0] * (count + 2)
    param_elems_by_last = [0] * (count + 2)
    unknown_param_first, unknown_param_last = count + 1, 0
    for name, first in param_first.items():
        nbytes, elems = tensor.param_size(name)
        if nbytes is None or elems is None:
            unknown_param_first = min(unknown_param_first, first)
            unknown_param_last = max(unknown_param_last, param_last[name])
            continue
        param_bytes_by_first[first] += nbytes
        param_elems_by_first[first] += elems
        param_bytes_by_last[param_last[name]] += nbytes
        param_elems_by_last[param_last[name]] += elems
    head_param_bytes = list(accumulate(param_bytes_by_first))
    head_param_elems = list(accumulate(param_elems_by_first))
    tail_param_bytes = list(accumulate(reversed(param_bytes_by_last)))[::-1]
    tail_param_elems = list(accumulate(reversed(param_elems_by_last)))[::-1]

    crossing = _sweep(facts, nodes, position, last_use, count)
    facts_of = {name: tensor.facts(name) for cut in crossing for name in cut}
    live_bytes = [opt_sum(facts_of[n].nbytes for n in cut) for cut in crossing]
    inputs = tuple(tensor.facts(n) for n in facts.real_inputs)
    outputs = tuple(tensor.facts(n) for n in facts.outputs)
    in_bytes = opt_sum(t.nbytes for t in inputs)
    out_bytes = opt_sum(t.nbytes for t in outputs)
    head_peak = list(accumulate([in_bytes, *live_bytes[1:count]], opt_max))
    tail_peak = list(accumulate(reversed([*live_bytes[1:count], out_bytes]), opt_max))[::-1]

    candidates = []
    for n in range(1, count):
        tail_cost = head_cost[count] + flops.Cost(-head_cost[n].macs, -head_cost[n].flops)
        candidates.append(
            SplitCandidate(
                number=n,
                name=facts.names[n - 1],
                op_type=nodes[n - 1].op_type,
                crossing=tuple(facts_of[name] for name in crossing[n]),
                tail_inputs=tuple(name for name in crossing[n] if consumed_last.get(name, 0) > n),
                head=SideCost(
                    parameters=None if unknown_param_first <= n else head_param_elems[n],
                    parameter_bytes=None if unknown_param_first <= n else head_param_bytes[n],
                    macs=head_cost[n].macs,
                    flops=head_cost[n].flops,
                    peak_activation_bytes=head_peak[n],
                ),
                tail=SideCost(
                    parameters=None if unknown_param_last > n else tail_param_elems[n + 1],
                    parameter_bytes=None if unknown_param_last > n else tail_param_bytes[n + 1],
                    macs=tail_cost.macs,
                    flops=tail_cost.flops,
                    peak_activation_bytes=tail_peak[n - 1],
                ),
            )
        )
    known = unknown_param_first > count
    whole = SideCost(
        parameters=head_param_elems[count] if known else None,
        parameter_bytes=head_param_bytes[count] if known else None,
        macs=head_cost[count].macs,
        flops=head_cost[count].flops,
        peak_activation_bytes=opt_max(head_peak[-1], out_bytes) if count else in_bytes,
    )
    return SplitAnalysis(
        label=label,
        model_identifier=model_identifier,
        bindings=bound,
        inputs=inputs,
        outputs=outputs,
        whole=whole,
        candidates=tuple(candidates),
        node_names=tuple(facts.names),
        uncosted=tuple(uncosted),
        value_info=facts.value_info,
    )


def _sweep(
    facts: GraphFacts,
    nodes: list[onnx.NodeProto],
    position: dict[str, int],
    last_use: dict[str, int],
    count: int,
) -> list[tuple[str, ...]]:
    """``result[n]``: the tensors live across cut n (0 = before the first node)."""
    ends_at: dict[int, list[str]] = {}
    for name, last in last_use.items():
        if name in position:
            ends_at.setdefault(last, []).append(name)
    live = {name: None for name in facts.real_inputs if last_use.get(name, 0) > 0}
    result = [tuple(live)]
    for n in range(1, count + 1):
        for name in ends_at.get(n, ()):
            live.pop(name, None)
        for out in nodes[n - 1].output:
            if out and last_use.get(out, n) > n:
                live[out] = None
        result.append(tuple(live))
    return result


class _TensorTable:
    """Concrete shapes and sizes under the dimension bindings, with the size limit applied."""

    def __init__(
        self, facts: GraphFacts, bindings: dict[str, int], label: str, limits: ModelLimits
    ) -> None:
        self._facts = facts
        self._bindings = bindings
        self._label = label
        self._limits = limits
        self._cache: dict[str, TensorFacts] = {}

    def facts(self, name: str) -> TensorFacts:
        if name not in self._cache:
            kind = self._facts.type_of(name)
            shape = kind.concrete(self._bindings)
            nbytes = None
            if shape is not None and kind.element is not None:
                nbytes = kind.element.byte_length(shape)
                if nbytes is not None and nbytes > self._limits.max_tensor_bytes:
                    raise ModelSizeError(
                        self._label,
                        f"tensor {name!r}",
                        f"shape {list(shape)} needs {nbytes} bytes, more than the limit of "
                        f"{self._limits.max_tensor_bytes} bytes",
                    )
            self._cache[name] = TensorFacts(name, kind.element, kind.dims, shape, nbytes)
        return self._cache[name]

    def shape(self, name: str) -> tuple[int, ...] | None:
        return self.facts(name).shape if name else None

    def param_size(self, name: str) -> tuple[int | None, int | None]:
        facts = self.facts(name)
        if facts.shape is None:
            return None, None
        elements = 1
        for dim in facts.shape:
            elements *= dim
        return facts.nbytes, elements
