"""The real inputs that traffic figures are measured on, one feed per sample.

* the embedded digits classifier: the first samples of its held-out test set (real digits);
* image models (one float32 input N x 3 x H x W): each bundled sample photo
  (:data:`~ts26927.engine.embedded.inputs.SAMPLE_PHOTOS`), normalised as the zoo CNNs expect;
* anything else: the engine's deterministic inputs, one seed per sample (stated in the output).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ts26927.engine.embedded.digits import digits_classifier
from ts26927.engine.embedded.inputs import SAMPLE_PHOTOS, deterministic_inputs, photo
from ts26927.engine.embedded.zoo import DIGITS
from ts26927.engine.onnxtools.analysis import SplitAnalysis
from ts26927.models.tensors import ElementDataType

#: How many held-out digits (or seeded inputs) are measured when no photo applies.
DEFAULT_SAMPLES = 8


@dataclass(frozen=True)
class Samples:
    feeds: list[dict[str, np.ndarray]]
    source: str
    """What the inputs are, in words (reported with the figures)."""


def samples(analysis: SplitAnalysis, *, count: int = DEFAULT_SAMPLES, seed: int = 0) -> Samples:
    """The inputs to measure ``analysis``' model on (``label`` names an embedded model)."""
    if analysis.label == DIGITS:
        pixels = digits_classifier().test_inputs[:count]
        name = analysis.inputs[0].name
        feeds = [{name: pixels[i : i + 1]} for i in range(len(pixels))]
        return Samples(feeds, f"{len(feeds)} held-out digits images (8x8, test set)")
    image = _image_input(analysis)
    if image is not None:
        name, height, width = image
        feeds = [{name: photo(height, width, p)} for p in SAMPLE_PHOTOS]
        return Samples(
            feeds,
            f"{len(feeds)} sample photos ({', '.join(SAMPLE_PHOTOS)}) "
            f"at {height}x{width}, ImageNet-normalised float32",
        )
    feeds = [deterministic_inputs(analysis, seed=seed + i) for i in range(count)]
    return Samples(feeds, f"{count} deterministic inputs (seeds {seed}..{seed + count - 1})")


def _image_input(analysis: SplitAnalysis) -> tuple[str, int, int] | None:
    if len(analysis.inputs) != 1:
        return None
    tensor = analysis.inputs[0]
    shape = tensor.shape
    if (
        tensor.element is ElementDataType.FLOAT
        and shape is not None
        and len(shape) == 4
        and shape[0] == 1
        and shape[1] == 3
        and min(shape[2:]) >= 16
    ):
        return tensor.name, shape[2], shape[3]
    return None
