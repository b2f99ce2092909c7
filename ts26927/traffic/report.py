"""The measurements behind the generated page "Traffic characteristics (clause 7)".

One scenario per family, chosen to meet the published KPI rows where they can be met:
ResNet-50 at 224x224 (the input size of the image models TR 22.874 clause 5.1 cites) for
split operation and distribution, the federated engine's digits MLP and ResNet-50's weights
for federated learning, and the parameter counts of the other embedded image models. Every
figure on the page comes from :func:`measurements`; the result is cached per process
because the page is built by both ``docs generate`` and ``docs check``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import onnx
from onnx import numpy_helper

from ts26927.engine.delivery.embedded import embedded_repository
from ts26927.engine.embedded.zoo import DIGITS, embedded_model, resolve
from ts26927.engine.onnxtools.analysis import analyze
from ts26927.traffic.distribution import (
    DistributionScenario,
    DistributionTraffic,
    distribution_traffic,
)
from ts26927.traffic.federated import FlScenario, FlTraffic, digits_mlp, fl_traffic, onnx_weights
from ts26927.traffic.samples import samples
from ts26927.traffic.split import SplitScenario, SplitTraffic, split_traffic

SEED = 0
_FLOAT = onnx.TensorProto.FLOAT
SPLIT_MODEL = "resnet50"
IMAGE_MODELS = ("alexnet", "vgg19", "resnet50", "inception_v2", "densenet121", "squeezenet")
"""Embedded image models whose parameter counts the page tables (graph arithmetic only)."""

SPLIT_SCENARIO = SplitScenario(
    fps=(10.0, 30.0),
    chains=("NONE", "FLOAT16", "INT8", "INT8+ZSTD"),
    ue_flops=100e9,
    network_flops=10e12,
    uplink_mbps=144.0,
    latency_ms=5.0,
    budget_ms=50.0,
)
"""The uplink rate is that of TS 22.261 table 7.10.1-1 (split image recognition); the
budget leaves a 100 GFLOPS UE about half of ResNet-50, so the choice of split point matters."""

DISTRIBUTION_SCENARIO = DistributionScenario(
    link_mbps=(10.0, 50.0, 100.0, 512.0, 1100.0), deadline_s=1.0, ues=100
)
"""Link rates include the published 512 Mbit/s and 1.1 Gbit/s; the deadline is the tables' 1 s."""

FL_SCENARIO = FlScenario(
    ues=10, rounds=10, deadline_s=1.0, epochs=1, chains=("NONE", "FLOAT16", "INT8", "INT8+ZSTD")
)
"""The round deadline is the 1 s latency of TS 22.261 table 7.10.1-3."""


@dataclass(frozen=True)
class ModelSize:
    """An embedded model's parameters, counted from its graph by the split analysis."""

    name: str
    parameters: int
    flop: int


@dataclass(frozen=True)
class Measurements:
    split: SplitTraffic
    distribution: DistributionTraffic
    fl_digits: FlTraffic
    fl_split_model: FlTraffic
    model_sizes: tuple[ModelSize, ...]


@cache
def measurements() -> Measurements:
    """Every figure of the traffic page (about 20 s on two cores)."""
    model, label = resolve(SPLIT_MODEL, random_weights=True, seed=SEED)
    analysis = analyze(model, label=label)
    split = split_traffic(model, analysis, samples(analysis, count=8, seed=SEED), SPLIT_SCENARIO)
    repository = embedded_repository(names=[SPLIT_MODEL], seed=SEED)
    distribution = distribution_traffic(repository, SPLIT_MODEL, DISTRIBUTION_SCENARIO)
    fl_digits = fl_traffic(digits_mlp(FL_SCENARIO, seed=SEED), FL_SCENARIO)
    fl_split = fl_traffic(onnx_weights(model, SPLIT_MODEL), FL_SCENARIO)
    return Measurements(split, distribution, fl_digits, fl_split, model_sizes())


def model_sizes() -> tuple[ModelSize, ...]:
    """Parameter counts (:func:`float_parameters`) and FLOP of :data:`IMAGE_MODELS`."""
    sizes = []
    for name in IMAGE_MODELS:
        model = embedded_model(name)
        flop = analyze(model, label=name).whole.flops
        sizes.append(ModelSize(name, float_parameters(model), flop))
    return tuple(sizes)


def float_parameters(model: onnx.ModelProto) -> int:
    """Elements of the model's float32 weights, counted from the graph without building them:
    its float initializers of two or more elements and its ``ConstantOfShape`` weight fills
    (the zoo topologies keep their weights as fills, which
    :func:`~ts26927.engine.embedded.weights.materialize` fills), not integer constants such
    as shapes."""
    graph = model.graph
    shapes = {t.name: t for t in graph.initializer}
    # Single floats are operator constants (an epsilon, a scale), not weights.
    count = sum(
        n for t in graph.initializer if t.data_type == _FLOAT and (n := math.prod(t.dims)) >= 2
    )
    for node in graph.node:
        if node.op_type != "ConstantOfShape" or not node.input or node.input[0] not in shapes:
            continue
        value = next((a.t for a in node.attribute if a.name == "value"), None)
        if value is None or value.data_type == _FLOAT:  # the operator's default is float32
            count += math.prod(int(v) for v in numpy_helper.to_array(shapes[node.input[0]]))
    return count


__all__ = [
    "DIGITS",
    "DISTRIBUTION_SCENARIO",
    "FL_SCENARIO",
    "IMAGE_MODELS",
    "SPLIT_MODEL",
    "SPLIT_SCENARIO",
    "Measurements",
    "ModelSize",
    "float_parameters",
    "measurements",
    "model_sizes",
]
