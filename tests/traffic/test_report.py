"""The measurements behind the traffic page: what they run, and the parameter counts."""

from __future__ import annotations

import math

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper

from ts26927.engine.embedded.zoo import resolve
from ts26927.traffic.report import (
    FL_SCENARIO,
    SPLIT_MODEL,
    SPLIT_SCENARIO,
    Measurements,
    float_parameters,
    measurements,
)


@pytest.fixture(scope="module")
def measured() -> Measurements:
    return measurements()


def test_measurements_are_computed_once_per_process(measured: Measurements) -> None:
    assert measurements() is measured


def test_the_split_and_fl_figures_are_of_the_named_model_and_scenarios(
    measured: Measurements,
) -> None:
    assert measured.split.model == SPLIT_MODEL
    assert measured.split.scenario == SPLIT_SCENARIO
    assert measured.distribution.model == SPLIT_MODEL
    assert measured.fl_split_model.model == SPLIT_MODEL
    assert measured.fl_split_model.scenario == FL_SCENARIO
    assert measured.fl_digits.model == "digits"
    # The update of the zoo model is its own weights: raw bytes are 4 per parameter.
    assert measured.fl_split_model.downlink_raw_bytes == 4 * measured.fl_split_model.parameters


def test_counted_parameters_equal_the_weights_the_zoo_model_gets(measured: Measurements) -> None:
    """Counting the fills of the weightless graph gives exactly the float weights that
    materialising them produces (checked on ResNet-50: VGG-19 would build 575 MB)."""
    model, _ = resolve(SPLIT_MODEL, random_weights=True, seed=0)
    built = sum(
        math.prod(t.dims)
        for t in model.graph.initializer
        if t.data_type == onnx.TensorProto.FLOAT and math.prod(t.dims) >= 2
    )
    counted = next(s.parameters for s in measured.model_sizes if s.name == SPLIT_MODEL)
    assert counted == built == measured.fl_split_model.parameters


def test_known_parameter_counts(measured: Measurements) -> None:
    """AlexNet (BVLC) and VGG-19 as published by their authors."""
    counts = {s.name: s.parameters for s in measured.model_sizes}
    assert counts["alexnet"] == 60_965_224
    assert counts["vgg19"] == 143_667_240


def _graph_with(nodes: list[onnx.NodeProto], inits: list[onnx.TensorProto]) -> onnx.ModelProto:
    x = helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1])
    y = helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1])
    return helper.make_model(helper.make_graph(nodes, "g", [x], [y], inits))


def test_float_parameters_counts_fills_and_float_weights_only() -> None:
    shape = numpy_helper.from_array(np.array([3, 4], dtype=np.int64), "shape")
    int_shape = numpy_helper.from_array(np.array([5], dtype=np.int64), "shape2")
    weight = numpy_helper.from_array(np.zeros((2, 3), dtype=np.float32), "w")
    scalar = numpy_helper.from_array(np.zeros((1,), dtype=np.float32), "eps")
    nodes = [
        helper.make_node("ConstantOfShape", ["shape"], ["fill"]),  # float by default: 12
        helper.make_node(
            "ConstantOfShape",
            ["shape2"],
            ["ints"],
            value=numpy_helper.from_array(np.array([0], dtype=np.int64)),
        ),  # int64: not a weight
        helper.make_node("Identity", ["x"], ["y"]),
    ]
    model = _graph_with(nodes, [shape, int_shape, weight, scalar])
    assert float_parameters(model) == 12 + 6
