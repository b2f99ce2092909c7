"""Small ONNX models built in the tests: a residual block with a concatenation.

    x -> Conv -> Relu ──┬─> Conv1x1 -> Relu ──┐
                        └─> MaxPool ──────────┴─> Concat -> Conv1x1 -> Add(residual) -> Relu
      -> GlobalAveragePool -> Flatten -> Gemm -> Softmax

Weights are initializers, ``ConstantOfShape`` fills of the same shapes, or both mixed;
the batch dimension is symbolic (``N``) or fixed.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

CHANNELS, CLASSES, SIDE = 8, 4, 8
_SHAPES = {
    "w1": (CHANNELS, 3, 3, 3),
    "b1": (CHANNELS,),
    "w2": (CHANNELS, CHANNELS, 1, 1),
    "w3": (CHANNELS, 2 * CHANNELS, 1, 1),
    "fc_w": (CLASSES, CHANNELS),
    "fc_b": (CLASSES,),
}


def residual_model(
    opset: int = 17,
    *,
    fills: bool = False,
    batch: int | str = "N",
    seed: int = 0,
) -> onnx.ModelProto:
    """The test model; with ``fills`` every weight is a ConstantOfShape of 0.05."""
    rng = np.random.default_rng(seed)
    nodes, initializers = [], []
    for name, shape in _SHAPES.items():
        if fills:
            dims = numpy_helper.from_array(np.array(shape, np.int64), f"{name}_shape")
            initializers.append(dims)
            value = helper.make_tensor("value", TensorProto.FLOAT, [1], [0.05])
            nodes.append(helper.make_node("ConstantOfShape", [dims.name], [name], value=value))
        else:
            data = (rng.standard_normal(shape) * 0.3).astype(np.float32)
            initializers.append(numpy_helper.from_array(data, name))
    nodes += [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w2"], ["c2"], name="branch_conv"),
        helper.make_node("Relu", ["c2"], ["r2"], name="branch_relu"),
        helper.make_node(
            "MaxPool", ["r1"], ["p1"], name="pool", kernel_shape=[3, 3], pads=[1, 1, 1, 1]
        ),
        helper.make_node("Concat", ["r2", "p1"], ["cat"], name="concat", axis=1),
        helper.make_node("Conv", ["cat", "w3"], ["c3"], name="merge_conv"),
        helper.make_node("Add", ["c3", "r1"], ["sum"], name="residual_add"),
        helper.make_node("Relu", ["sum"], ["r3"], name="relu3"),
        helper.make_node("GlobalAveragePool", ["r3"], ["gap"], name="gap"),
        helper.make_node("Flatten", ["gap"], ["flat"], name="flatten"),
        helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], name="fc", transB=1),
        helper.make_node("Softmax", ["logits"], ["probs"], name="softmax", axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "residual",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 3, SIDE, SIDE])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [batch, CLASSES])],
        initializer=initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    if opset <= 9:
        model.ir_version = 4  # the IR of the ONNX release that introduced opset 9
    onnx.checker.check_model(model)
    return model


def chain_model(opset: int = 17) -> onnx.ModelProto:
    """x -> Relu -> Neg -> Relu -> Abs: four nodes, no parameters, one tensor per cut."""
    ops = ["Relu", "Neg", "Relu", "Abs"]
    names = ["x", "a", "b", "c", "y"]
    nodes = [
        helper.make_node(op, [names[i]], [names[i + 1]], name=f"{op.lower()}{i}")
        for i, op in enumerate(ops)
    ]
    graph = helper.make_graph(
        nodes,
        "chain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
