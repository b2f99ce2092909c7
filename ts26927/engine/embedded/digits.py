"""The embedded classifier: a small MLP trained on scikit-learn's bundled digits dataset.

Built deterministically at first use (fixed split and seed), never downloaded, so that
accuracy figures for split configurations are *measured* on held-out data; kept in the build
cache (:mod:`.build_cache`) so that later processes need not train it again. The ONNX
graph takes raw 8x8 pixel values (0..16) with a dynamic batch dimension ``N``:

    pixels -> Mul(1/16) -> Gemm -> Relu -> Gemm -> Relu -> Gemm -> Softmax -> probabilities
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from ts26927.engine.embedded.build_cache import cached

OPSET = 17
INPUT, OUTPUT = "pixels", "probabilities"
_SEED = 0
_HIDDEN = (64, 32)


@dataclass(frozen=True)
class DigitsClassifier:
    """The model with its held-out test set and the accuracy measured on it."""

    model: onnx.ModelProto
    test_inputs: np.ndarray
    """Held-out samples, float32 of shape (N, 64), pixel values 0..16."""
    test_labels: np.ndarray
    accuracy: float
    """Top-1 accuracy of the ONNX model on the held-out samples, in %."""


@lru_cache(maxsize=1)
def digits_classifier() -> DigitsClassifier:
    """The embedded digits classifier: trained once, then read from the build cache."""
    return cached("digits-classifier", _train, _encode, _decode)


def _encode(classifier: DigitsClassifier) -> dict[str, np.ndarray]:
    return {
        "model": np.frombuffer(classifier.model.SerializeToString(), np.uint8),
        "test_inputs": classifier.test_inputs,
        "test_labels": classifier.test_labels,
        "accuracy": np.array(classifier.accuracy),
    }


def _decode(arrays: Mapping[str, np.ndarray]) -> DigitsClassifier:
    return DigitsClassifier(
        onnx.load_from_string(arrays["model"].tobytes()),
        arrays["test_inputs"],
        arrays["test_labels"],
        float(arrays["accuracy"]),
    )


def _train() -> DigitsClassifier:
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    features, labels = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        features, labels, test_size=0.25, random_state=_SEED, stratify=labels
    )
    mlp = MLPClassifier(hidden_layer_sizes=_HIDDEN, max_iter=400, random_state=_SEED)
    # One BLAS thread: the matrices are tiny, and BLAS threads spinning against a busy
    # machine made training over ten times slower (same weights either way).
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(x_train / 16.0, y_train)
    model = _to_onnx(mlp.coefs_, mlp.intercepts_)
    test_inputs = x_test.astype(np.float32)
    accuracy = _measure(model, test_inputs, y_test)
    return DigitsClassifier(model, test_inputs, y_test.astype(np.int64), accuracy)


def _to_onnx(weights: list[np.ndarray], biases: list[np.ndarray]) -> onnx.ModelProto:
    initializers = [numpy_helper.from_array(np.array([1.0 / 16.0], np.float32), "scale")]
    nodes = [helper.make_node("Mul", [INPUT, "scale"], ["scaled"], name="scale_pixels")]
    previous = "scaled"
    for layer, (weight, bias) in enumerate(zip(weights, biases, strict=True), start=1):
        initializers += [
            numpy_helper.from_array(weight.astype(np.float32), f"dense{layer}.weight"),
            numpy_helper.from_array(bias.astype(np.float32), f"dense{layer}.bias"),
        ]
        out = f"dense{layer}"
        nodes.append(
            helper.make_node(
                "Gemm", [previous, f"{out}.weight", f"{out}.bias"], [out], name=f"dense{layer}"
            )
        )
        previous = out
        if layer < len(weights):
            nodes.append(helper.make_node("Relu", [out], [f"relu{layer}"], name=f"relu{layer}"))
            previous = f"relu{layer}"
    nodes.append(helper.make_node("Softmax", [previous], [OUTPUT], name="softmax", axis=1))
    graph = helper.make_graph(
        nodes,
        "digits_mlp",
        [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, ["N", 64])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["N", 10])],
        initializer=initializers,
    )
    opsets = [helper.make_opsetid("", OPSET)]
    # The lowest IR version the opset needs, not the newest this onnx writes: runtimes
    # elsewhere (e.g. onnxruntime for Node.js) refuse IR versions newer than they know.
    model = helper.make_model(
        graph, opset_imports=opsets, ir_version=helper.find_min_ir_version_for(opsets)
    )
    model.producer_name = "ts26927"
    onnx.checker.check_model(model)
    return model


def _measure(model: onnx.ModelProto, inputs: np.ndarray, labels: np.ndarray) -> float:
    from ts26927.engine.onnxtools.runtime import Runner

    probabilities = Runner(model, label="digits").run({INPUT: inputs})[OUTPUT]
    return float(np.mean(probabilities.argmax(axis=1) == labels) * 100.0)
