"""Deterministic inputs for running a model: a real photo for image inputs, else seeded data.

The photo is one of scikit-learn's bundled sample images (no download), centre-cropped,
resized and normalized with the ImageNet mean and deviation, as the model-zoo CNNs expect.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ts26927.engine.onnxtools.analysis import SplitAnalysis, TensorFacts
from ts26927.engine.onnxtools.dtypes import numpy_dtype
from ts26927.errors import InferenceInputError
from ts26927.models.tensors import ElementDataType

PHOTO = "china.jpg"
#: The photos a model-zoo image model is fed, in order (scikit-learn's bundled samples).
SAMPLE_PHOTOS = ("china.jpg", "flower.jpg")
_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
_STD = np.array([0.229, 0.224, 0.225], np.float32)


@lru_cache(maxsize=4)
def photo(height: int = 224, width: int = 224, name: str = PHOTO) -> np.ndarray:
    """The sample photo as a normalized float32 array of shape (1, 3, height, width)."""
    from PIL import Image
    from sklearn.datasets import load_sample_image

    image = Image.fromarray(load_sample_image(name))
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    image = image.crop((left, top, left + side, top + side)).resize(
        (width, height), Image.Resampling.BILINEAR
    )
    pixels = np.asarray(image, dtype=np.float32) / 255.0
    normalized = (pixels - _MEAN) / _STD
    array = np.ascontiguousarray(normalized.transpose(2, 0, 1)[None])
    array.setflags(write=False)
    return array


def photo_batch(height: int = 224, width: int = 224) -> np.ndarray:
    """Every sample photo, stacked along axis 0 (sample ``i`` is ``batch[i:i+1]``)."""
    batch = np.concatenate([photo(height, width, name) for name in SAMPLE_PHOTOS])
    batch.setflags(write=False)
    return batch


def deterministic_inputs(analysis: SplitAnalysis, *, seed: int = 0) -> dict[str, np.ndarray]:
    """One input per real graph input, at the analysis' concrete shapes."""
    rng = np.random.default_rng(seed)
    return {tensor.name: _input(tensor, rng) for tensor in analysis.inputs}


def _input(tensor: TensorFacts, rng: np.random.Generator) -> np.ndarray:
    element = tensor.element
    dtype = numpy_dtype(element) if element is not None else None
    if tensor.shape is None or dtype is None:
        raise InferenceInputError(
            "model", tensor.name, f"cannot make an input of {element} {tensor.dims}"
        )
    shape = tensor.shape
    if (
        element is ElementDataType.FLOAT
        and len(shape) == 4
        and shape[1] == 3
        and min(shape[2:]) >= 16
    ):
        return np.repeat(photo(shape[2], shape[3]), shape[0], axis=0)
    if element in (ElementDataType.FLOAT, ElementDataType.DOUBLE, ElementDataType.FLOAT16):
        return rng.standard_normal(shape).astype(dtype)
    if element is ElementDataType.BOOL:
        return rng.integers(0, 2, shape).astype(bool)
    return rng.integers(0, 10, shape).astype(dtype)
