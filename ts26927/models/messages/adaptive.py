"""Adaptive model delivery messages (clause 5.2.2.2.2): the model manifest and the requests.

The manifest lists the available models and their variants — precision, size, complexity,
accuracy — and, for adaptive models, the update packages that lead from one precision level
to the next (6.2.1 "families" of models; additive bit-incremental composition).
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from typing import Self

from pydantic import model_validator

from ts26927.models.base import TsModel, rule_violation, tr_field
from ts26927.models.model_information import AiModelInformation
from ts26927.models.units import Identifier, NonNegativeFloat, Percentage, Uinteger, Uri


class Precision(StrEnum):
    """Numeric precision of a model's weights."""

    FLOAT32 = "FLOAT32"
    FLOAT16 = "FLOAT16"
    INT16 = "INT16"
    INT8 = "INT8"
    INT4 = "INT4"


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
