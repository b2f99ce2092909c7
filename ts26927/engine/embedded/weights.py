"""Deterministic random weights for models whose weights are constant fills.

The model-zoo topologies that ship with onnx fill every large weight with
``ConstantOfShape`` of 0.02 and keep only small tensors (some batch-normalization
statistics) from the trained model: every channel then carries the same value, which
would hide a wrong cut or a wrong codec, and the kept statistics no longer match. So
:func:`materialize` gives every floating-point parameter (each fill, each float
initializer of two or more elements) seeded random values.

Random weights alone make deep networks explode or vanish (a residual trunk doubles its
variance per block when batch normalization does not normalize). So the weights are
*calibrated without data*: a scalar mean and second moment is propagated through the graph
in node order (input: a normalized image, mean 0 and second moment 1); convolutions and
dense layers get zero-mean weights scaled for an output of second moment one, and each
batch normalization gets the running mean and variance that its input is estimated to
have. Activations, and the logits before a softmax, then stay of order one.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np
import onnx
from onnx import numpy_helper

from ts26927.engine.onnxtools.graph import referenced_inputs


@dataclass(frozen=True)
class _Stats:
    mean: float
    square: float  # second moment E[x^2]

    @property
    def var(self) -> float:
        return max(self.square - self.mean * self.mean, 1e-6)


_UNIT = _Stats(0.0, 1.0)
_FLOAT_TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16}
_MATMUL_WEIGHT = {("Conv", 1), ("ConvTranspose", 1), ("Gemm", 1), ("MatMul", 1)}


def materialize(model: onnx.ModelProto, *, seed: int = 0) -> onnx.ModelProto:
    """A copy of ``model`` whose ``ConstantOfShape`` weight fills are seeded random values.

    Models without such fills come back unchanged (as a copy). Deterministic for a seed.
    """
    return _Materializer(model, np.random.default_rng(seed)).run()


class _Materializer:
    def __init__(self, model: onnx.ModelProto, rng: np.random.Generator) -> None:
        self.model = model
        self.rng = rng
        graph = model.graph
        self.shapes = {t.name: t for t in graph.initializer}
        real = {i.name for i in graph.input} - set(self.shapes)
        # Float initializers of 2+ elements are weights too (regenerated in place).
        self.weights = {
            t.name: tuple(t.dims)
            for t in graph.initializer
            if t.data_type in _FLOAT_TYPES and math.prod(t.dims) >= 2
        }
        self.dynamic = set(real)
        self.fills: dict[str, onnx.NodeProto] = {}
        self.constant_nodes: dict[str, onnx.NodeProto] = {}
        self.consumers: dict[str, list[tuple[onnx.NodeProto, int]]] = {}
        self.compute: list[onnx.NodeProto] = []
        for node in graph.node:
            inputs = referenced_inputs(node)
            for index, name in enumerate(node.input):
                self.consumers.setdefault(name, []).append((node, index))
            if any(name in self.dynamic for name in inputs):
                self.dynamic.update(node.output)
                self.compute.append(node)
            elif node.op_type == "ConstantOfShape" and node.input and node.input[0] in self.shapes:
                self.fills[node.output[0]] = node
            else:
                self.constant_nodes.update(dict.fromkeys(node.output, node))
        self.stats: dict[str, _Stats] = dict.fromkeys(real, _UNIT)
        self.values: dict[str, np.ndarray] = {}

    def run(self) -> onnx.ModelProto:
        for node in self.compute:
            self._propagate(node)
        for name in self.fills:  # fills no compute node reached (dead code) still get values
            self._stat(name)
        for name in self.weights:
            if self.consumers.get(name):
                self._stat(name)
        return self._rebuild()

    # -- generation ------------------------------------------------------------------

    def _role(self, name: str) -> tuple[str, int]:
        """(op type, input index) of the first compute node that uses ``name``."""
        queue = deque([name])
        seen = {name}
        while queue:
            current = queue.popleft()
            for node, index in self.consumers.get(current, []):
                if node.output and node.output[0] in self.dynamic:
                    return node.op_type, index
                for out in node.output:
                    if out not in seen:
                        seen.add(out)
                        queue.append(out)
        return "", 0

    def _generate(self, name: str, context: _Stats | None) -> np.ndarray:
        if name in self.fills:
            fill_shape = numpy_helper.to_array(self.shapes[self.fills[name].input[0]])
            shape = tuple(int(v) for v in fill_shape)
        else:
            shape = self.weights[name]
        op, index = self._role(name)
        rng = self.rng
        if (op, index) in _MATMUL_WEIGHT:
            fan_in = shape[-2] if op == "MatMul" else math.prod(shape[1:])
            if op == "Gemm" and len(shape) == 2 and not self._transposed_b(name):
                fan_in = shape[0]
            # Unit second moment at the output, whatever the input's scale.
            square = (context or _UNIT).square
            values = rng.standard_normal(shape, dtype=np.float32)
            values *= np.float32(math.sqrt(1.0 / (max(fan_in, 1) * max(square, 1e-6))))
        elif op == "BatchNormalization" and index in (3, 4):
            source = context or _UNIT
            if index == 3:
                values = source.mean + 0.05 * math.sqrt(source.var) * rng.standard_normal(shape)
            else:
                values = source.var * rng.uniform(0.9, 1.1, shape)
        elif (op == "BatchNormalization" and index == 1) or op in ("Mul", "Div"):
            values = rng.uniform(0.8, 1.2, shape)
        else:  # biases and shifts
            values = 0.1 * rng.standard_normal(shape)
        return np.asarray(values, dtype=np.float32)

    def _transposed_b(self, name: str) -> bool:
        for node, index in self.consumers.get(name, []):
            if node.op_type == "Gemm" and index == 1:
                return any(a.name == "transB" and a.i == 1 for a in node.attribute)
        return False

    # -- statistics ------------------------------------------------------------------

    def _stat(self, name: str, context: _Stats | None = None) -> _Stats:
        if name in self.stats:
            return self.stats[name]
        if name in self.fills or name in self.weights:
            values = self._generate(name, context)
            self.values[name] = values
            stat = _Stats(float(values.mean()), float(np.mean(np.square(values))))
        elif name in self.constant_nodes:
            node = self.constant_nodes[name]
            stat = self._stat(node.input[0], context) if node.input else _UNIT
        elif name in self.shapes:
            array = numpy_helper.to_array(self.shapes[name]).astype(np.float64)
            stat = _Stats(float(array.mean()), float(np.mean(np.square(array))))
        else:
            stat = _UNIT
        self.stats[name] = stat
        return stat

    def _propagate(self, node: onnx.NodeProto) -> None:
        op = node.op_type
        first = self._stat(node.input[0]) if node.input else _UNIT
        if op == "BatchNormalization":
            scale, shift = self._stat(node.input[1]), self._stat(node.input[2])
            self._stat(node.input[3], first)
            self._stat(node.input[4], first)
            out = _Stats(shift.mean, scale.square + shift.square)
        elif op in ("Conv", "ConvTranspose", "Gemm", "MatMul"):
            self._stat(node.input[1], first)
            bias = self._stat(node.input[2]) if len(node.input) > 2 and node.input[2] else None
            square = 1.0 + (bias.square if bias else 0.0)
            out = _Stats(bias.mean if bias else 0.0, square)
        elif op in ("Relu", "LeakyRelu", "Clip"):
            out = _relu(first)
        elif op in ("Add", "Sum", "Sub"):
            parts = [self._stat(name) for name in node.input if name]
            sign = -1.0 if op == "Sub" else 1.0
            mean = parts[0].mean + sign * sum(p.mean for p in parts[1:])
            out = _Stats(mean, sum(p.var for p in parts) + mean * mean)
        elif op == "Mul":
            other = self._stat(node.input[1])
            out = _Stats(first.mean * other.mean, first.square * other.square)
        elif op == "Concat":
            parts = [self._stat(name) for name in node.input if name]
            out = _Stats(
                sum(p.mean for p in parts) / len(parts), sum(p.square for p in parts) / len(parts)
            )
        else:  # pooling, reshapes, LRN, dropout, softmax...: keep the first input's moments
            out = first
        for name in node.output:
            if name:
                self.stats[name] = out

    def _rebuild(self) -> onnx.ModelProto:
        out = onnx.ModelProto()
        out.CopyFrom(self.model)
        graph = out.graph
        kept = [n for n in graph.node if not (n.output and n.output[0] in self.fills)]
        del graph.node[:]
        graph.node.extend(kept)
        used = {name for node in kept for name in referenced_inputs(node)} | {
            o.name for o in graph.output
        }
        initializers = [
            t for t in graph.initializer if t.name in used and t.name not in self.values
        ]
        initializers += [numpy_helper.from_array(v, name) for name, v in self.values.items()]
        del graph.initializer[:]
        graph.initializer.extend(initializers)
        inputs = [i for i in graph.input if i.name not in self.shapes]
        del graph.input[:]
        graph.input.extend(inputs)
        out.ir_version = max(out.ir_version, 4)  # initializers need not be graph inputs
        return out


def _relu(stat: _Stats) -> _Stats:
    """Moments of max(x, 0) for x normal with the given moments."""
    mu, sigma = stat.mean, math.sqrt(stat.var)
    z = mu / sigma
    cdf = 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))
    pdf = math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    return _Stats(mu * cdf + sigma * pdf, (mu * mu + sigma * sigma) * cdf + mu * sigma * pdf)
