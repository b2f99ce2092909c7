"""Compute estimates per node: multiply-accumulates (MACs) and floating-point operations.

Conventions (the usual ones of model-zoo tables): one MAC is two FLOPs; a bias add, an
activation, a comparison or an exponential is one FLOP per element. Data movement (reshape,
concat, transpose, gather…) costs nothing. Only Conv, ConvTranspose, Gemm and MatMul
count MACs. Ops without a rule are reported by the analysis, never silently priced at zero.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import prod

import onnx
from onnx import helper

Shape = tuple[int, ...]
ShapeOf = Callable[[str], Shape | None]


@dataclass(frozen=True)
class Cost:
    macs: int
    flops: int

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.macs + other.macs, self.flops + other.flops)


ZERO = Cost(0, 0)


def _ops(names: str) -> frozenset[str]:
    return frozenset(names.split())


_FREE = _ops(
    "Reshape Flatten Transpose Concat Split Slice Gather GatherElements Squeeze Unsqueeze "
    "Identity Dropout Shape Size Cast CastLike Pad Expand Tile ConstantOfShape Constant "
    "DepthToSpace SpaceToDepth Range NonZero TopK ArgMax ArgMin"
)
_UNARY = _ops(
    "Relu LeakyRelu PRelu Elu Selu Celu Sigmoid HardSigmoid HardSwish Tanh Softplus "
    "Softsign Clip Exp Log Sqrt Reciprocal Neg Abs Floor Ceil Round Sign Erf Gelu Mish Not "
    "Sin Cos ThresholdedRelu Shrink IsNaN IsInf"
)
_BINARY = _ops(
    "Add Sub Mul Div Pow Max Min Mean Sum Equal Less Greater LessOrEqual GreaterOrEqual "
    "And Or Xor Mod BitShift Where"
)
_REDUCE = _ops(
    "ReduceMean ReduceSum ReduceMax ReduceMin ReduceProd ReduceL1 ReduceL2 ReduceLogSum "
    "ReduceLogSumExp ReduceSumSquare GlobalAveragePool GlobalMaxPool GlobalLpPool"
)


def node_cost(node: onnx.NodeProto, shape_of: ShapeOf) -> Cost | None:
    """The cost of one node; None when a shape it needs is unknown or it has no rule."""
    op = node.op_type
    if op in _FREE:
        return ZERO
    out = shape_of(node.output[0]) if node.output and node.output[0] else None
    if op in _UNARY:
        return None if out is None else Cost(0, prod(out))
    if op in _BINARY:
        return None if out is None else Cost(0, prod(out) * max(1, len(node.input) - 1))
    if op in _REDUCE:
        first = shape_of(node.input[0])
        return None if first is None else Cost(0, prod(first))
    rule = _RULES.get(op)
    return None if rule is None else rule(node, shape_of, out)


def _attr(node: onnx.NodeProto, name: str, default: object) -> object:
    for attribute in node.attribute:
        if attribute.name == name:
            return helper.get_attribute_value(attribute)
    return default


def _conv(node: onnx.NodeProto, shape_of: ShapeOf, out: Shape | None) -> Cost | None:
    weight = shape_of(node.input[1])
    if out is None or weight is None:
        return None
    macs = prod(out) * prod(weight[1:])
    bias = prod(out) if len(node.input) > 2 and node.input[2] else 0
    return Cost(macs, 2 * macs + bias)


def _conv_transpose(node: onnx.NodeProto, shape_of: ShapeOf, out: Shape | None) -> Cost | None:
    source, weight = shape_of(node.input[0]), shape_of(node.input[1])
    if out is None or source is None or weight is None:
        return None
    macs = prod(source) * prod(weight[1:])  # each input element scatters into Cout/g * k
    bias = prod(out) if len(node.input) > 2 and node.input[2] else 0
    return Cost(macs, 2 * macs + bias)


def _gemm(node: onnx.NodeProto, shape_of: ShapeOf, out: Shape | None) -> Cost | None:
    a = shape_of(node.input[0])
    if out is None or a is None or len(a) != 2:
        return None
    k = a[0] if _attr(node, "transA", 0) else a[1]
    macs = prod(out) * k
    bias = prod(out) if len(node.input) > 2 and node.input[2] else 0
    return Cost(macs, 2 * macs + bias)


def _matmul(node: onnx.NodeProto, shape_of: ShapeOf, out: Shape | None) -> Cost | None:
    a = shape_of(node.input[0])
    if out is None or a is None or not a:
        return None
    macs = prod(out) * a[-1]
    return Cost(macs, 2 * macs)


def _pool(node: onnx.NodeProto, shape_of: ShapeOf, out: Shape | None) -> Cost | None:
    kernel = _attr(node, "kernel_shape", None)
    if out is None or not isinstance(kernel, list):
        return None
    return Cost(0, prod(out) * prod(kernel))


def _per_element(flops_per_element: int) -> Callable[..., Cost | None]:
    def rule(node: onnx.NodeProto, shape_of: ShapeOf, out: Shape | None) -> Cost | None:
        return None if out is None else Cost(0, flops_per_element * prod(out))

    return rule


def _lrn(node: onnx.NodeProto, shape_of: ShapeOf, out: Shape | None) -> Cost | None:
    size = _attr(node, "size", 1)
    if out is None or not isinstance(size, int):
        return None
    return Cost(0, prod(out) * (size + 3))  # window sum of squares, scale, power, divide


_RULES: dict[str, Callable[[onnx.NodeProto, ShapeOf, Shape | None], Cost | None]] = {
    "Conv": _conv,
    "ConvTranspose": _conv_transpose,
    "Gemm": _gemm,
    "MatMul": _matmul,
    "MaxPool": _pool,
    "AveragePool": _pool,
    "LpPool": _pool,
    "LRN": _lrn,
    # Inference-time normalizations: a folded scale and shift (2), or statistics + apply (5).
    "BatchNormalization": _per_element(2),
    "InstanceNormalization": _per_element(5),
    "LayerNormalization": _per_element(5),
    "GroupNormalization": _per_element(5),
    # exp, sum, divide (and a max for stability).
    "Softmax": _per_element(4),
    "LogSoftmax": _per_element(4),
    "Resize": _per_element(4),
    "Upsample": _per_element(4),
}
