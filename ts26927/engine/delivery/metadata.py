"""Clause 6.6.2 AI model information computed from the model itself, never declared.

* number of parameters, compute (FLOPs and MACs) and memory (parameters plus the peak of
  live activations) come from :func:`~ts26927.engine.onnxtools.analysis.analyze`;
* model size is the size of the model file the repository delivers;
* input and output sizes come from the graph's shapes, for one inference: symbolic
  dimensions (a dynamic batch) are taken as 1 — the TR's "maximum size" of a model with a
  dynamic batch is unbounded, so we report the size per inference;
* the format is ONNX with the earliest ONNX release able to read the model (its IR
  version and operator sets), then the framework that produced it when it is known;
* accuracy is measured on an evaluation set when one exists, else absent.
"""

from __future__ import annotations

import re

import onnx
from onnx import helper

from ts26927.engine.onnxtools.analysis import SplitAnalysis, analyze
from ts26927.engine.onnxtools.analysis_types import opt_sum
from ts26927.engine.onnxtools.limits import ModelLimits
from ts26927.models.compute import VERSION_PATTERN, Framework, FrameworkName
from ts26927.models.model_information import AiModelInformation
from ts26927.models.units import BYTES_PER_KB, BYTES_PER_MB

#: ``producer_name`` of common exporters and the framework each stands for.
_PRODUCERS: dict[str, FrameworkName] = {
    "pytorch": FrameworkName.PYTORCH,
    "tf2onnx": FrameworkName.TENSORFLOW,
    "keras2onnx": FrameworkName.KERAS,
    "jax2onnx": FrameworkName.JAX,
}


def model_information(
    model: onnx.ModelProto,
    identifier: str,
    *,
    size_bytes: int,
    accuracy: float | None = None,
    analysis: SplitAnalysis | None = None,
    limits: ModelLimits | None = None,
) -> AiModelInformation:
    """The clause 6.6.2 information of ``model`` (whose file is ``size_bytes`` long)."""
    analysis = analysis or analyze(model, label=identifier, limits=limits)
    whole = analysis.whole
    memory = whole.memory_bytes
    inputs = opt_sum(t.nbytes for t in analysis.inputs)
    outputs = opt_sum(t.nbytes for t in analysis.outputs)
    return AiModelInformation.model_validate(
        {
            "model_identifier": identifier,
            "number_of_parameters": whole.parameters,
            "model_size": size_bytes / BYTES_PER_MB,
            "input_size": None if inputs is None else inputs / BYTES_PER_KB,
            "output_size": None if outputs is None else outputs / BYTES_PER_KB,
            "accuracy": accuracy,
            "format_framework": formats(model),
            "processing_capabilities": {
                "computational_cost": float(whole.flops),
                "computational_complexity": whole.macs,
                "memory": None if memory is None else memory / BYTES_PER_MB,
            },
        }
    )


def onnx_release(model: onnx.ModelProto) -> str:
    """The earliest ONNX release whose IR version and default operator set cover ``model``.

    A model newer than every release this onnx package knows gets the installed version.
    """
    opset = max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), default=1)
    for release, ir_version, default_opset, *_ in helper.VERSION_TABLE:
        if ir_version >= model.ir_version and default_opset >= opset:
            return release
    return onnx.__version__


def formats(model: onnx.ModelProto) -> list[Framework]:
    """ONNX and its release first, then the producing framework when recognised."""
    found = [Framework(name=FrameworkName.ONNX, version=onnx_release(model))]
    producer = _PRODUCERS.get(model.producer_name.lower())
    version = model.producer_version
    if producer is not None and _is_version(version):
        found.append(Framework(name=producer, version=version))
    return found


def _is_version(text: str) -> bool:
    return re.fullmatch(VERSION_PATTERN, text) is not None
