"""Messages of the split AI/ML operation procedure (5.3.5) and model distribution (5.3.6).

These procedures run between the functions of the generalized 5G media architecture
(Media Application Provider, Media AF, Media AS, Media Session Handler, Media Access
Function, Media-aware Application).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import model_validator

from ts26927.models.base import (
    TsModel,
    at_least_one_of,
    exactly_one_of,
    rule_violation,
    tr_field,
    with_schema,
)
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.examples import EXAMPLES
from ts26927.models.intermediate_data import IntermediateDataInformation
from ts26927.models.model_information import AiModelInformation
from ts26927.models.split_model import SplitModelInformation, SplitPointInformation
from ts26927.models.units import Identifier, NonNegativeFloat, Uri

_MODEL = {"modelIdentifier": "model_1", "accuracy": 85, "modelSize": 40}
_POINT = EXAMPLES["SplitPointInformation"][0]
_DATA = EXAMPLES["IntermediateDataInformation"][0]
_ACCESS = "https://as.example.com/ai/intermediate/s-1"


class ServiceProvisioning(TsModel):
    """Provisioning of an AI data service between the Media Application Provider and the
    Media AF (5.3.5 step 1; 5.3.6 step 1, as TS 26.501's provisioning session)."""

    provisioning_session_id: Identifier = tr_field(None, "Session id.", examples=["p-1"])
    ai_models: list[AiModelInformation] = tr_field(
        None,
        "Models offered by the service (6.6.2).",
        min_length=1,
        max_length=1024,
        examples=[[_MODEL]],
    )
    split_model_information: list[SplitModelInformation] | None = tr_field(
        None,
        "Predefined split points of the models (6.6.3).",
        default=None,
        max_length=1024,
        examples=[[EXAMPLES["SplitModelInformation"][0]]],
    )


class ServiceAccessInformation(TsModel):
    """Service access information: the available models, or where their manifest is
    (5.3.5 step 2; 5.3.6 steps 4 and 6)."""

    cross_field_rules = ("At least one of aiModels and manifestLocation.",)
    model_config = with_schema(at_least_one_of("aiModels", "manifestLocation"))

    provisioning_session_id: Identifier = tr_field(None, "Session id.", examples=["p-1"])
    ai_models: list[AiModelInformation] | None = tr_field(
        None,
        "Available models and their features.",
        default=None,
        max_length=1024,
        examples=[[_MODEL]],
    )
    manifest_location: Uri | None = tr_field(
        None,
        "URL of a manifest listing the models.",
        default=None,
        examples=["https://af.example.com/ai/p-1/manifest.json"],
    )

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.ai_models is None and self.manifest_location is None:
            raise rule_violation("access_empty", "give aiModels, manifestLocation or both")
        return self


class LatencyRange(TsModel):
    """A range of inference latencies."""

    minimum: NonNegativeFloat = tr_field(None, "Lowest.", unit="ms", examples=[12])
    maximum: NonNegativeFloat = tr_field(None, "Highest.", unit="ms", examples=[85])


class CapabilityDiscovery(TsModel):
    """The AI capability managers discover each other's capabilities and the range of
    inference latencies for the model (5.3.5 step 3)."""

    capability_information: EndpointCapabilityInformation = tr_field(
        None,
        "The sender's capabilities (6.6.5).",
        examples=[EXAMPLES["EndpointCapabilityInformation"][0]],
    )
    inference_latency_range: LatencyRange | None = tr_field(
        None,
        "Inference latencies the sender computed for the model.",
        default=None,
        examples=[{"minimum": 12, "maximum": 85}],
    )


class SplitInferenceRequest(TsModel):
    """Either the UE or the network requests an AI split inference service (5.3.5 step 4)."""

    model_identifier: Identifier = tr_field(None, "Model to split.", examples=["model_1"])
    ai_model_information: AiModelInformation | None = tr_field(
        None,
        "Model description, when service access information did not carry it.",
        default=None,
        examples=[_MODEL],
    )


class SplitNegotiation(TsModel):
    """A split point proposal or answer in the negotiation (5.3.5 step 5)."""

    cross_field_rules = ("selectedSplitPoint names one of splitPoints.",)

    split_points: list[SplitPointInformation] = tr_field(
        None,
        "The split point(s) proposed; a set may be negotiated.",
        min_length=1,
        max_length=10000,
        examples=[[_POINT]],
    )
    selected_split_point: Identifier = tr_field(None, "The one to use now.", examples=["10"])
    dynamic: bool | None = tr_field(
        None,
        "True when the split point may be updated during the service; the TR says this "
        "'may be negotiated'.",
        default=None,
        examples=[True],
    )

    @model_validator(mode="after")
    def _selected_listed(self) -> Self:
        if self.selected_split_point not in {p.split_point_identifier for p in self.split_points}:
            raise rule_violation(
                "selected_not_listed",
                "selectedSplitPoint {sel} is not among splitPoints",
                sel=self.selected_split_point,
            )
        return self


class SplitAcknowledgement(TsModel):
    """The network and UE acknowledge the split; access information for the AI data
    (5.3.5 step 6), also notified to the Media-aware Application (step 7)."""

    split_point_information: SplitPointInformation = tr_field(
        None, "The decided split point (6.6.3).", examples=[_POINT]
    )
    intermediate_data_information: IntermediateDataInformation = tr_field(
        None, "The intermediate data at that split point (6.6.3).", examples=[_DATA]
    )
    access_location: Uri = tr_field(
        None, "Where the intermediate data is accessed.", examples=[_ACCESS]
    )
    dynamic: bool | None = tr_field(
        None, "Split point may be updated later (when negotiated).", default=None, examples=[True]
    )


class DeliveryRequest(TsModel):
    """Requests the start of a delivery: of intermediate data (5.3.5 steps 8-9) or of an AI
    model (5.3.6 step 7)."""

    access_location: Uri = tr_field(None, "Access information.", examples=[_ACCESS])
    model_identifier: Identifier | None = tr_field(
        None, "Model concerned.", default=None, examples=["model_1"]
    )


class PipelineKind(StrEnum):
    MODEL_DATA = "MODEL_DATA"
    INTERMEDIATE_DATA = "INTERMEDIATE_DATA"
    INFERENCE_OUTPUT = "INFERENCE_OUTPUT"


class PipelineSetup(TsModel):
    """A delivery pipeline between Media AS and Media Client is set up (5.3.5 steps 10, 13;
    5.3.6 step 2 for ingest)."""

    pipeline_id: Identifier = tr_field(None, "Pipeline id.", examples=["pl-1"])
    kind: PipelineKind = tr_field(None, "What the pipeline carries.", examples=["MODEL_DATA"])
    location: Uri = tr_field(None, "Where it is reached.", examples=[_ACCESS])
    streaming: bool = tr_field(
        None, "Streaming (true) or download (false) delivery.", examples=[False]
    )


class InferenceStart(TsModel):
    """Start of the UE side (5.3.5 step 11) or network side (step 12) of the split inference."""

    model_identifier: Identifier = tr_field(None, "Model.", examples=["model_1"])
    split_point_identifier: Identifier = tr_field(None, "Split point.", examples=["10"])


class StatusReport(TsModel):
    """A status report of the AI media service (5.3.5 steps 16-19)."""

    inference_latency: NonNegativeFloat | None = tr_field(
        None, "Measured inference latency.", default=None, unit="ms", examples=[42]
    )
    capability_information: EndpointCapabilityInformation | None = tr_field(
        None,
        "Current capabilities (resource/capability status).",
        default=None,
        examples=[EXAMPLES["EndpointCapabilityInformation"][0]],
    )
    inference_status: str | None = tr_field(
        None, "AI inference status.", default=None, max_length=256, examples=["RUNNING"]
    )


class SessionUpdate(TsModel):
    """Updates of the model selection, split configuration or pipelines (5.3.5 step 20)."""

    cross_field_rules = ("At least one of modelIdentifier, splitPointInformation and pipelines.",)
    model_config = with_schema(
        at_least_one_of("modelIdentifier", "splitPointInformation", "pipelines")
    )

    model_identifier: Identifier | None = tr_field(
        None, "Newly selected model.", default=None, examples=["model_2"]
    )
    split_point_information: SplitPointInformation | None = tr_field(
        None, "New split configuration.", default=None, examples=[_POINT]
    )
    pipelines: list[PipelineSetup] | None = tr_field(
        None,
        "Updated AI data delivery pipelines of the session.",
        default=None,
        min_length=1,
        max_length=64,
        examples=[
            [
                {
                    "pipelineId": "intermediate-1",
                    "kind": "INTERMEDIATE_DATA",
                    "location": _ACCESS,
                    "streaming": True,
                }
            ]
        ],
    )

    @model_validator(mode="after")
    def _something(self) -> Self:
        if (
            self.model_identifier is None
            and self.split_point_information is None
            and self.pipelines is None
        ):
            raise rule_violation("update_empty", "a session update changes something")
        return self


class ModelIngest(TsModel):
    """AI models are uploaded to the Media AS (5.3.6 step 3)."""

    model_identifier: Identifier = tr_field(None, "Model.", examples=["model_1"])
    location: Uri = tr_field(
        None,
        "Where the Media AS fetches or receives it.",
        examples=["https://provider.example.com/models/model_1.onnx"],
    )
    ai_model_information: AiModelInformation | None = tr_field(
        None, "Description (6.6.2).", default=None, examples=[_MODEL]
    )


class ServiceAnnouncement(TsModel):
    """Service announcement: the service access information in whole, or a reference to it
    (5.3.6 step 4)."""

    cross_field_rules = ("Exactly one of serviceAccessInformation and reference.",)
    model_config = with_schema(exactly_one_of("serviceAccessInformation", "reference"))
    wire_examples = (
        {"serviceAccessInformation": {"provisioningSessionId": "p-1", "aiModels": [_MODEL]}},
        {"reference": "https://af.example.com/ai/p-1/service-access"},
    )

    service_access_information: ServiceAccessInformation | None = tr_field(
        None,
        "The information in whole.",
        default=None,
        examples=[{"provisioningSessionId": "p-1", "aiModels": [_MODEL]}],
    )
    reference: Uri | None = tr_field(
        None,
        "Where to acquire it later (step 6).",
        default=None,
        examples=["https://af.example.com/ai/p-1/service-access"],
    )

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.service_access_information is None) == (self.reference is None):
            raise rule_violation(
                "announcement_one", "give exactly one of serviceAccessInformation and reference"
            )
        return self
