"""The model the UEs train: a small multilayer perceptron in numpy (64-32-10, ReLU, softmax).

Parameters are an ordered mapping of named float32 arrays, the names ONNX-style
(``fc1.weight``…), so that they map one-to-one onto clause 6.6.6.5 parameter tensors.
"""

from __future__ import annotations

import numpy as np

from ts26927.engine.federated.data import Dataset

Parameters = dict[str, np.ndarray]
LAYERS = ((64, 32), (32, 10))


def initial_parameters(seed: int = 0) -> Parameters:
    """He-initialised weights, zero biases; deterministic in ``seed``."""
    rng = np.random.default_rng(seed)
    params: Parameters = {}
    for index, (fan_in, fan_out) in enumerate(LAYERS, start=1):
        scale = np.sqrt(2.0 / fan_in)
        params[f"fc{index}.weight"] = (rng.standard_normal((fan_in, fan_out)) * scale).astype(
            np.float32
        )
        params[f"fc{index}.bias"] = np.zeros(fan_out, dtype=np.float32)
    return params


def _forward(params: Parameters, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    hidden = np.maximum(x @ params["fc1.weight"] + params["fc1.bias"], 0)
    logits = hidden @ params["fc2.weight"] + params["fc2.bias"]
    return hidden, logits


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def evaluate(params: Parameters, data: Dataset) -> tuple[float, float]:
    """(accuracy in %, mean cross-entropy loss) of ``params`` on ``data``."""
    if len(data) == 0:
        raise ValueError("cannot evaluate on an empty dataset")
    _, logits = _forward(params, data.features)
    probs = _softmax(logits.astype(np.float64))
    loss = -np.log(probs[np.arange(len(data)), data.labels] + 1e-12).mean()
    accuracy = float((logits.argmax(axis=1) == data.labels).mean() * 100)
    return accuracy, float(loss)


def train(
    params: Parameters,
    data: Dataset,
    *,
    epochs: int,
    batch_size: int,
    learning_rate: float,
    seed: int,
) -> Parameters:
    """Mini-batch SGD on ``data``; returns new parameters (the input is not changed)."""
    p = {name: value.copy() for name, value in params.items()}
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(data))
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            x, y = data.features[batch], data.labels[batch]
            hidden, logits = _forward(p, x)
            grad = _softmax(logits)
            grad[np.arange(len(y)), y] -= 1
            grad /= len(y)
            grad_hidden = (grad @ p["fc2.weight"].T) * (hidden > 0)
            p["fc2.weight"] -= learning_rate * (hidden.T @ grad).astype(np.float32)
            p["fc2.bias"] -= learning_rate * grad.sum(axis=0).astype(np.float32)
            p["fc1.weight"] -= learning_rate * (x.T @ grad_hidden).astype(np.float32)
            p["fc1.bias"] -= learning_rate * grad_hidden.sum(axis=0).astype(np.float32)
    return p
