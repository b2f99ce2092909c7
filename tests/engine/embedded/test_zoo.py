"""Embedded models, deterministic weights and inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from tests.engine.builders import residual_model
from ts26927.engine.embedded.digits import INPUT, OUTPUT, digits_classifier
from ts26927.engine.embedded.inputs import deterministic_inputs, photo
from ts26927.engine.embedded.weights import materialize
from ts26927.engine.embedded.zoo import LIGHT, embedded_model, embedded_names, resolve
from ts26927.engine.onnxtools.analysis import analyze
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.errors import UnknownModelError


def _weights(model: onnx.ModelProto) -> dict[str, np.ndarray]:
    return {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}


def test_embedded_names_and_resolution(tmp_path: Path) -> None:
    assert embedded_names() == ["digits", *LIGHT] and len(LIGHT) == 9
    model, label = resolve("squeezenet")
    assert label == "squeezenet" and model.graph.node
    path = tmp_path / "squeezenet"  # a file wins over an embedded name
    onnx.save(residual_model(), path)
    model, label = resolve(str(path))
    assert label == str(path) and model.graph.name == "residual"
    with pytest.raises(UnknownModelError, match="'nope' is neither a model file nor an embedded"):
        resolve("nope")


def test_random_weights_are_deterministic_and_keep_the_split_points() -> None:
    shipped = embedded_model("squeezenet")
    first, again = materialize(shipped, seed=3), materialize(shipped, seed=3)
    other = materialize(shipped, seed=4)
    a, b, c = _weights(first), _weights(again), _weights(other)
    assert a.keys() == b.keys() == c.keys()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert any(not np.array_equal(a[k], c[k]) for k in a if a[k].size > 1)
    assert not any(n.op_type == "ConstantOfShape" for n in first.graph.node)
    conv = a["conv1_w_0"]
    assert conv.shape == (64, 3, 3, 3) and conv.std() > 0  # no longer a constant fill
    onnx.checker.check_model(first)
    assert analyze(first).candidates == analyze(shipped).candidates


def test_calibrated_weights_keep_activations_of_order_one() -> None:
    model = embedded_model("resnet50", random_weights=True)
    analysis = analyze(model)
    probabilities = Runner(model, label="resnet50").run(deterministic_inputs(analysis))
    top = float(probabilities["gpu_0/softmax_1"].max())
    # Neither one-hot (exploded activations) nor flat (vanished ones).
    assert 2 / 1000 < top < 0.9


def test_materialize_leaves_models_without_fills_alone() -> None:
    model = residual_model()
    assert _weights(materialize(model, seed=0)).keys() == _weights(model).keys()


def test_the_digits_classifier_is_measured_and_deterministic() -> None:
    digits = digits_classifier()
    scores = Runner(digits.model, label="digits").run({INPUT: digits.test_inputs})[OUTPUT]
    accuracy = float(np.mean(scores.argmax(axis=1) == digits.test_labels) * 100)
    assert accuracy == digits.accuracy > 90
    assert len(digits.test_labels) == 450
    digits_classifier.cache_clear()
    retrained = digits_classifier()
    assert retrained.accuracy == digits.accuracy
    a, b = _weights(digits.model), _weights(retrained.model)
    assert all(np.array_equal(a[k], b[k]) for k in a)


def test_inputs_are_a_real_photo_or_seeded_data() -> None:
    image = photo()
    assert image.shape == (1, 3, 224, 224) and image.dtype == np.float32
    assert -3 < image.mean() < 3 and image.std() > 0.3  # normalized, not blank
    squeeze = deterministic_inputs(analyze(embedded_model("squeezenet")))
    np.testing.assert_array_equal(next(iter(squeeze.values())), image)
    digits = analyze(digits_classifier().model)
    first, again = deterministic_inputs(digits, seed=5), deterministic_inputs(digits, seed=5)
    assert first[INPUT].shape == (1, 64)
    np.testing.assert_array_equal(first[INPUT], again[INPUT])
