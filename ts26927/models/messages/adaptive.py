"""Adaptive model delivery messages (clause 5.2.2.2.2): the model manifest and the requests.

The manifest lists the available models and their variants — precision, size, complexity,
accuracy — and, for adaptive models, the update packages that lead from one precision level
to the next (6.2.1 "families" of models; additive bit-incremental composition).

Update chains: a variant without ``updateOf`` is usable on its own; one with ``updateOf``
is applied on top of the variant it names, so each usable variant heads a chain of updates.
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from typing import Self

from pydantic import model_validator

from ts26927.models.base import TsModel, rule_violation, tr_field
from ts26927.models.compute import Framework
from ts26927.models.model_information import AiModelInformation
from ts26927.models.units import (
    Identifier,
    NonNegativeFloat,
    Percentage,
    PositiveInt,
    Sha256Hex,
    Uint32,
    Uinteger,
    Uri,
)

_DIGEST = "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592"


class Precision(StrEnum):
    """Numeric precision of a model's weights."""

    FLOAT32 = "FLOAT32"
    FLOAT16 = "FLOAT16"
    INT16 = "INT16"
    INT8 = "INT8"
    INT4 = "INT4"


class Composition(StrEnum):
    """How an update package composes with the model data it updates (5.2.2.2.2)."""

    ADDITIVE = "ADDITIVE"
    """Adds to the same weights: more bits per weight (bit-incremental) or more neurons."""
    CONSECUTIVE = "CONSECUTIVE"
    """Appends model data after the data already received (e.g. subsets with early exits)."""


class ModelVariant(TsModel):
    """One deliverable variant of a model (a precision level or a full model)."""

    variant_identifier: Identifier = tr_field(None, "Variant id.", examples=["model_1-int8"])
    precision: Precision = tr_field(None, "Weight precision.", examples=["INT8"])
    model_size: NonNegativeFloat = tr_field(
        None, "Size of the variant's data.", unit="MB", examples=[10.2]
    )
    accuracy: Percentage | None = tr_field(
        None, "Measured accuracy of the variant.", default=None, unit="%", examples=[84.1]
    )
    computational_complexity: Uinteger | None = tr_field(
        None,
        "MACs of one inference.",
        default=None,
        unit="MAC per inference",
        examples=[1800000000],
    )
    update_of: Identifier | None = tr_field(
        None,
        "For an update package: the variant it refines (applied on top of it). Absent for a "
        "model usable on its own.",
        default=None,
        examples=["model_1-int8"],
    )
    location: Uri = tr_field(
        None,
        "Where the variant is fetched.",
        examples=["https://models.example.com/model_1/int8.onnx"],
    )
    sha256: Sha256Hex | None = tr_field(
        None,
        "SHA-256 of the variant's data, so that the receiver can verify it before use (the TR "
        "allows hash values as identifiers).",
        default=None,
        examples=[_DIGEST],
    )
    composition: Composition | None = tr_field(
        None,
        "For an update package: how it composes with the variant it updates. Meaningful only "
        "with updateOf; absent for a variant usable on its own.",
        default=None,
        examples=["ADDITIVE"],
    )
    data_format: Framework | None = tr_field(
        None,
        "Format of the variant's data and its version: the model's own format for a model "
        "file (e.g. ONNX), or the package format of an adaptive model's levels. Absent: the "
        "model's format (formatFramework of its AI model information).",
        default=None,
        examples=[{"name": "ONNX", "version": "1.15.0"}],
    )
    weight_sqnr: float | None = tr_field(
        None,
        "Signal-to-quantization-noise ratio of the model's weights once this variant (or "
        "update) is in use, against the full-precision weights. Absent when they are exact.",
        default=None,
        unit="dB",
        examples=[36.2],
        allow_inf_nan=False,
    )


class ManifestEntry(TsModel):
    """A model and its variants."""

    cross_field_rules = (
        "Variant identifiers are unique; updateOf names a variant of the same model.",
    )

    ai_model_information: AiModelInformation = tr_field(
        None, "The model (6.6.2).", examples=[{"modelIdentifier": "model_1", "accuracy": 85}]
    )
    adaptive: bool = tr_field(
        None, "True for an adaptive model (updates raise its precision).", examples=[True]
    )
    variants: list[ModelVariant] = tr_field(
        None,
        "Deliverable variants.",
        min_length=1,
        max_length=64,
        examples=[
            [
                {
                    "variantIdentifier": "model_1-int8",
                    "precision": "INT8",
                    "modelSize": 10.2,
                    "accuracy": 84.1,
                    "location": "https://models.example.com/model_1/int8.onnx",
                },
                {
                    "variantIdentifier": "model_1-fp16",
                    "precision": "FLOAT16",
                    "modelSize": 10.2,
                    "accuracy": 84.9,
                    "updateOf": "model_1-int8",
                    "location": "https://models.example.com/model_1/fp16.update",
                },
            ]
        ],
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        ids = [v.variant_identifier for v in self.variants]
        if repeated := [i for i, c in Counter(ids).items() if c > 1]:
            raise rule_violation(
                "variant_not_unique",
                "variant ids must be unique; repeated: {ids}",
                ids=", ".join(repeated),
            )
        for variant in self.variants:
            if variant.update_of is not None and variant.update_of not in ids:
                raise rule_violation(
                    "variant_update_of",
                    "variant {variant} updates {base}, which is not a variant of this model",
                    variant=variant.variant_identifier,
                    base=variant.update_of,
                )
        return self


class ModelManifest(TsModel):
    """Available AI models, their precisions and possible updates (5.2.2.2.2 step 1)."""

    cross_field_rules = ("Model identifiers are unique.",)

    manifest_id: Identifier = tr_field(None, "Manifest identifier.", examples=["manifest-1"])
    models: list[ManifestEntry] = tr_field(
        None,
        "The models.",
        min_length=1,
        max_length=1024,
        examples=[
            [
                {
                    "aiModelInformation": {"modelIdentifier": "model_1", "accuracy": 85},
                    "adaptive": True,
                    "variants": [
                        {
                            "variantIdentifier": "model_1-int8",
                            "precision": "INT8",
                            "modelSize": 10.2,
                            "location": "https://models.example.com/a.onnx",
                        }
                    ],
                }
            ]
        ],
    )

    @model_validator(mode="after")
    def _unique(self) -> Self:
        ids = [m.ai_model_information.model_identifier for m in self.models]
        if repeated := [i for i, c in Counter(ids).items() if c > 1]:
            raise rule_violation(
                "manifest_model_not_unique",
                "model ids must be unique; repeated: {ids}",
                ids=", ".join(repeated),
            )
        return self


class AdaptiveModelRequest(TsModel):
    """The UE Application requests the adaptive model of the selected precision (step 3)."""

    model_identifier: Identifier = tr_field(None, "Requested model.", examples=["model_1"])
    variant_identifier: Identifier = tr_field(None, "Requested variant.", examples=["model_1-int8"])


class PrecisionUpdateRequest(TsModel):
    """The UE Application triggers a model precision update (step 11)."""

    model_identifier: Identifier = tr_field(None, "Model to update.", examples=["model_1"])
    from_variant: Identifier = tr_field(None, "Variant the UE holds.", examples=["model_1-int8"])
    to_variant: Identifier = tr_field(
        None, "Variant (update package) wanted.", examples=["model_1-fp16"]
    )


# --- The adaptive model package (the data of an adaptive model's levels) ------------------


class SectionKind(StrEnum):
    """What one section of an adaptive model package holds."""

    SKELETON = "SKELETON"
    """The ONNX model with the data of the refined weights left out."""
    CODES = "CODES"
    """The base level's integer code of every refined weight."""
    EXCEPTIONS = "EXCEPTIONS"
    """Non-finite weights, carried exactly at every level: uint32 index then uint32 bits."""
    RESIDUAL = "RESIDUAL"
    """The bits an integer level adds to the codes of the level below."""
    EXACT = "EXACT"
    """The exact level: per weight, the zigzag-mapped distance in float32 steps."""


class SectionCompression(StrEnum):
    NONE = "NONE"
    ZSTD = "ZSTD"


class PackageSection(TsModel):
    """One section; sections follow the header back to back in the order listed."""

    kind: SectionKind = tr_field(None, "What the section holds.", examples=["CODES"])
    plane: Uinteger = tr_field(
        None,
        "Byte plane of values wider than a byte, 0 being the least significant; 0 otherwise.",
        examples=[0],
    )
    compression: SectionCompression = tr_field(None, "Lossless compression.", examples=["ZSTD"])
    length: Uinteger = tr_field(None, "Stored size.", unit="bytes", examples=[5120])
    raw_length: Uinteger = tr_field(None, "Size once decompressed.", unit="bytes", examples=[6570])


class AdaptivePackageHeader(TsModel):
    """Header of one level of an adaptive model (5.2.2.2.2: a base usable on its own, then
    updates that each add precision). The package is this library's own format: the TR
    defines no format for adaptive model data.

    Layout of a package: the 8 bytes ``TS26927P``; the header's stored and decoded lengths
    (two uint32, little-endian; stored shorter than decoded means zstd-compressed); the
    header (UTF-8 JSON); then the sections. The base carries the chain, the target and the
    quantization steps; an update names the package it updates (``parentSha256``).
    The refined weights are the skeleton's float32 initializers of two or more elements
    (all stored without data), in graph order.
    """

    format_version: PositiveInt = tr_field(None, "Version of the package format.", examples=[1])
    model_identifier: Identifier = tr_field(None, "The model.", examples=["model_1"])
    level: Uinteger = tr_field(None, "This package's level in the chain (0: base).", examples=[0])
    elements: Uinteger = tr_field(None, "Number of refined weights.", examples=[6570])
    chain: list[Precision] | None = tr_field(
        None,
        "Base only: precision of every level in order; the last is FLOAT32 (exact).",
        default=None,
        min_length=2,
        max_length=4,
        examples=[["INT8", "INT16", "FLOAT32"]],
    )
    target_sha256: Sha256Hex | None = tr_field(
        None,
        "Base only: SHA-256 of the full-precision model file that the last level rebuilds "
        "bit for bit.",
        default=None,
        examples=[_DIGEST],
    )
    target_size: Uinteger | None = tr_field(
        None, "Base only: size of that model file.", default=None, unit="bytes", examples=[26881]
    )
    steps: list[Uint32] | None = tr_field(
        None,
        "Base only: per refined tensor, the IEEE-754 bits of its float32 quantization step "
        "at the top integer level, so that every decoder multiplies by the same value.",
        default=None,
        max_length=1_000_000,
        examples=[[953267991, 945452362]],
    )
    exceptions: Uinteger | None = tr_field(
        None, "Base only: number of non-finite weights.", default=None, examples=[0]
    )
    parent_sha256: Sha256Hex | None = tr_field(
        None,
        "Updates only: SHA-256 of the package of the level below, which this one updates.",
        default=None,
        examples=[_DIGEST],
    )
    sections: list[PackageSection] = tr_field(
        None,
        "The sections that follow the header.",
        max_length=16,
        examples=[
            [
                {
                    "kind": "SKELETON",
                    "plane": 0,
                    "compression": "ZSTD",
                    "length": 300,
                    "rawLength": 620,
                }
            ]
        ],
    )
