"""Small ONNX models for the delivery tests, with weights the test chooses."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def weights_model(tensors: Sequence[np.ndarray], *, name: str = "w") -> onnx.ModelProto:
    """``y = x + sum_i sum(w_i)``: a valid model whose float32 weights are ``tensors``.

    Every weight is an initializer reduced to a scalar, so any shapes and any values
    (infinities and NaNs included) make a model that loads and runs.
    """
    nodes, initializers, terms = [], [], []
    for index, values in enumerate(tensors):
        weight = f"{name}{index}"
        initializers.append(numpy_helper.from_array(np.asarray(values, np.float32), weight))
        nodes.append(helper.make_node("ReduceSum", [weight], [f"s{index}"], keepdims=0))
        terms.append(f"s{index}")
    nodes.append(helper.make_node("Sum", ["x", *terms], ["y"]))
    graph = helper.make_graph(
        nodes,
        "weights",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
        initializer=initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def matmul_model(weight: np.ndarray) -> onnx.ModelProto:
    """``y = x @ weight``, with ``x`` of shape (1, rows)."""
    rows, columns = weight.shape
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "matmul",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, rows])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, columns])],
        initializer=[numpy_helper.from_array(np.asarray(weight, np.float32), "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model


def float32_bits(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, np.float32).view(np.uint32)
