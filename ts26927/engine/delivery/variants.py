"""The deliverable variants of one stored model, each described as the manifest lists it.

Every model has its full-precision model file (``<id>-full``, for generic delivery) and, as
an adaptive model, one package per precision level (``<id>-int8`` usable on its own, then
``<id>-int16`` and ``<id>-fp32`` updates). Before a variant is listed it is checked: every
level is decoded as a UE would, the last one must rebuild the model file bit for bit, and
with an evaluation set each level's accuracy is measured on the model it rebuilds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import onnx

from ts26927.engine.delivery.encoder import AdaptiveEncoding, Level
from ts26927.engine.delivery.evaluation import EvaluationSet
from ts26927.engine.delivery.metadata import onnx_release
from ts26927.engine.delivery.package import FORMAT_VERSION
from ts26927.engine.delivery.progressive import ProgressiveModel
from ts26927.engine.onnxtools.limits import ModelLimits
from ts26927.engine.onnxtools.loading import load_model
from ts26927.models.compute import Framework
from ts26927.models.messages.adaptive import Composition, ModelVariant, Precision
from ts26927.models.units import BYTES_PER_MB

#: The package format's name as a 6.6.2 "format" (an extension value of FrameworkName).
PACKAGE_FORMAT = Framework(name="TS26927_ADAPTIVE_PACKAGE", version=str(FORMAT_VERSION))
FULL = "full"
_SUFFIX = {Precision.FLOAT32: "fp32"}


@dataclass(frozen=True)
class VariantData:
    """A variant's description and its bytes."""

    variant: ModelVariant
    data: bytes

    @property
    def identifier(self) -> str:
        return self.variant.variant_identifier


def variant_identifier(model: str, precision: Precision | None) -> str:
    """``<model>-full`` for the model file, ``<model>-int8`` etc. for adaptive levels."""
    if precision is None:
        return f"{model}-{FULL}"
    return f"{model}-{_SUFFIX.get(precision, precision.value.lower())}"


def full_variant(
    identifier: str,
    model: onnx.ModelProto,
    data: bytes,
    macs: int,
    base_uri: str,
    accuracy: float | None,
) -> VariantData:
    """The model file itself (generic delivery)."""
    full_id = variant_identifier(identifier, None)
    return VariantData(
        ModelVariant(
            variant_identifier=full_id,
            precision=Precision.FLOAT32,
            model_size=len(data) / BYTES_PER_MB,
            accuracy=accuracy,
            computational_complexity=macs,
            location=f"{base_uri}{identifier}/{full_id}",
            sha256=hashlib.sha256(data).hexdigest(),
            data_format=Framework(name="ONNX", version=onnx_release(model)),
        ),
        data,
    )


def level_variants(
    identifier: str,
    macs: int,
    encoding: AdaptiveEncoding,
    base_uri: str,
    evaluation: EvaluationSet | None,
    limits: ModelLimits,
) -> list[VariantData]:
    """One variant per level of the adaptive chain, each decoded, checked and measured."""
    variants: list[VariantData] = []
    accuracies = _level_accuracies(encoding.levels, evaluation, limits, identifier)
    previous: str | None = None
    for level, level_accuracy in zip(encoding.levels, accuracies, strict=True):
        variant_id = variant_identifier(identifier, level.precision)
        variants.append(
            VariantData(
                ModelVariant(
                    variant_identifier=variant_id,
                    precision=level.precision,
                    model_size=level.size / BYTES_PER_MB,
                    accuracy=level_accuracy,
                    computational_complexity=macs,
                    update_of=previous,
                    location=f"{base_uri}{identifier}/{variant_id}",
                    sha256=level.sha256,
                    composition=Composition.ADDITIVE if previous else None,
                    data_format=PACKAGE_FORMAT,
                    weight_sqnr=level.sqnr_db,
                ),
                level.data,
            )
        )
        previous = variant_id
    return variants


def _level_accuracies(
    levels: tuple[Level, ...],
    evaluation: EvaluationSet | None,
    limits: ModelLimits,
    identifier: str,
) -> list[float | None]:
    """Decode every level as a UE would; measure each level's model when data exists."""
    progressive = ProgressiveModel(levels[0].data, limits=limits)
    found: list[float | None] = []
    for level in levels:
        if level.index:
            progressive.apply(level.data)
        if evaluation is None:
            found.append(None)
            if progressive.complete:
                progressive.to_bytes()  # checks the rebuilt file against the target
            continue
        model = load_model(progressive.to_bytes(), limits=limits)
        found.append(evaluation.accuracy(model, label=f"{identifier} level {level.index}"))
    return found
