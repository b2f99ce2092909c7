"""The embedded models: the digits classifier and the model-zoo topologies of onnx.

The nine "light" topologies ship inside the installed onnx package (its backend test
data): real graphs of ResNet50, VGG19, DenseNet121, Inception v1/v2, ShuffleNet,
SqueezeNet, AlexNet and ZFNet-512 whose weights are constant fills. Nothing is downloaded.
With ``random_weights`` they get deterministic calibrated weights (:mod:`.weights`).
Models are cached per process and shared: treat them as read-only.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import onnx

from ts26927.engine.embedded.digits import digits_classifier
from ts26927.engine.embedded.weights import materialize
from ts26927.engine.onnxtools.limits import ModelLimits
from ts26927.engine.onnxtools.loading import load_model
from ts26927.errors import UnknownModelError

DIGITS = "digits"
LIGHT: dict[str, str] = {
    "resnet50": "light_resnet50.onnx",
    "vgg19": "light_vgg19.onnx",
    "densenet121": "light_densenet121.onnx",
    "inception_v1": "light_inception_v1.onnx",
    "inception_v2": "light_inception_v2.onnx",
    "shufflenet": "light_shufflenet.onnx",
    "squeezenet": "light_squeezenet.onnx",
    "alexnet": "light_bvlc_alexnet.onnx",
    "zfnet512": "light_zfnet512.onnx",
}


def embedded_names() -> list[str]:
    """Names of the embedded models."""
    return [DIGITS, *LIGHT]


def light_model_path(name: str) -> Path:
    """Where the installed onnx package keeps the light topology ``name``."""
    if name not in LIGHT:
        raise UnknownModelError(name, embedded_names())
    return Path(onnx.__file__).parent / "backend" / "test" / "data" / "light" / LIGHT[name]


def embedded_model(name: str, *, random_weights: bool = False, seed: int = 0) -> onnx.ModelProto:
    """The embedded model ``name``; the digits classifier always has its trained weights."""
    if name == DIGITS:
        return digits_classifier().model
    return _light(name, random_weights, seed)


@lru_cache(maxsize=4)
def _light(name: str, random_weights: bool, seed: int) -> onnx.ModelProto:
    model = load_model(light_model_path(name))
    return materialize(model, seed=seed) if random_weights else model


def resolve(
    spec: str,
    *,
    random_weights: bool = False,
    seed: int = 0,
    limits: ModelLimits | None = None,
) -> tuple[onnx.ModelProto, str]:
    """A model from a file path or an embedded name, with the label to report it by.

    An existing path wins over an embedded name. ``random_weights`` applies to model-zoo
    topologies and to files whose weights are ``ConstantOfShape`` fills.
    """
    path = Path(spec)
    if path.exists():
        model = load_model(path, limits=limits)
        return (materialize(model, seed=seed) if random_weights else model), str(path)
    if spec in embedded_names():
        return embedded_model(spec, random_weights=random_weights, seed=seed), spec
    raise UnknownModelError(spec, embedded_names())
