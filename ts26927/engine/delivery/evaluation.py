"""Evaluation sets: labelled held-out data on which a model's accuracy is measured.

The repository measures the accuracy of a model, and of each precision level of its
adaptive variant, on its evaluation set when it has one (the embedded classifier's held-out
test set); otherwise accuracy stays unknown rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import onnx

from ts26927.engine.onnxtools.runtime import Runner
from ts26927.errors import InferenceInputError


@dataclass(frozen=True)
class EvaluationSet:
    """Inputs, their labels, and which model output holds the class scores."""

    name: str
    inputs: Mapping[str, np.ndarray] = field(repr=False)
    labels: np.ndarray = field(repr=False)
    output: str

    def __post_init__(self) -> None:
        sizes = {len(v) for v in self.inputs.values()} | {len(self.labels)}
        if not self.inputs or len(sizes) != 1 or len(self.labels) == 0:
            raise ValueError(f"evaluation set {self.name}: inputs and labels differ in length")

    def accuracy(self, model: onnx.ModelProto, *, label: str = "model") -> float:
        """Top-1 accuracy of ``model`` in %."""
        return self.accuracy_of(Runner(model, label=label))

    def accuracy_of(self, runner: Runner) -> float:
        """Top-1 accuracy in % of a model already in a runtime session."""
        outputs = runner.run(dict(self.inputs))
        if self.output not in outputs:
            raise InferenceInputError(runner.label, self.output, "the model has no such output")
        scores = outputs[self.output]
        return float(np.mean(scores.argmax(axis=-1) == self.labels) * 100.0)


def digits_evaluation() -> EvaluationSet:
    """The embedded classifier's held-out test set."""
    from ts26927.engine.embedded.digits import INPUT, OUTPUT, digits_classifier

    classifier = digits_classifier()
    return EvaluationSet(
        name="digits held-out test set",
        inputs={INPUT: classifier.test_inputs},
        labels=classifier.test_labels,
        output=OUTPUT,
    )
