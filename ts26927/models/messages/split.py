"""Split inference messages — clause 5.2.3.2, figure 5.2.3-3 (detailed form) and 5.3.5.

Negotiation alternative 1: the network decides (AI split inference request/response);
alternative 2: the UE decides among the candidate split point configurations the network
lists (AI model information request/response, AI split inference selection request/
response). Both end with an AI inference resource allocation in the network, then model
subset delivery and an intermediate data delivery session.
"""

from __future__ import annotations

from collections import Counter
from typing import Self

from pydantic import model_validator

from ts26927.models.base import TsModel, rule_violation, tr_field
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.examples import EXAMPLES, examples_of
from ts26927.models.intermediate_data import CompressionAlgorithmValue, IntermediateDataInformation
from ts26927.models.messages.common import DeliveryMethod, OperationResult
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_configuration import OptimizationPreference, SplitConfiguration
from ts26927.models.split_model import SplitPointInformation
from ts26927.models.units import (
    BitRate,
    Identifier,
    Uinteger,
    Uri,
)

_POINT = EXAMPLES["SplitPointInformation"][0]
_DATA = EXAMPLES["IntermediateDataInformation"][0]
_UE = EXAMPLES["EndpointCapabilityInformation"][0]
_REQ = EXAMPLES["ServiceRequirementInformation"][0]


class SessionEstablishment(TsModel):
    """The session is established between the UE and the network (step 0)."""

    session_id: Identifier = tr_field(None, "Session identifier.", examples=["s-1"])


class LinkBandwidth(TsModel):
    """Available bandwidth between the UE and the network, each way."""

    uplink: BitRate | None = tr_field(
        None, "From the UE to the network.", default=None, unit="bit/s", examples=["10 Mbps"]
    )
    downlink: BitRate | None = tr_field(
        None, "From the network to the UE.", default=None, unit="bit/s", examples=["50 Mbps"]
    )


class SplitRequestBody(TsModel):
    """What the UE sends when asking for split inference (steps 2a and 2b)."""

    session_id: Identifier = tr_field(None, "Session identifier.", examples=["s-1"])
    service_requirement_information: ServiceRequirementInformation | None = tr_field(
        None,
        "AI/ML service information, e.g. the service requirements (6.6.4); the request "
        "'may include' it.",
        default=None,
        examples=[_REQ],
    )
    ue_capability_information: EndpointCapabilityInformation | None = tr_field(
        None,
        "The UE's capabilities: processing, frameworks, compression, bandwidth (6.6.5); the "
        "request 'may include' them.",
        default=None,
        examples=[_UE],
    )
    available_bandwidth: LinkBandwidth | None = tr_field(
        None,
        "The 'available bandwidth (uplink/downlink)' the request may include (the 6.6.5 "
        "connection capability is one rate for both ways).",
        default=None,
        examples=[{"uplink": "10 Mbps", "downlink": "50 Mbps"}],
    )
    preferred_delivery_method: DeliveryMethod | None = tr_field(
        None, "Preferred delivery method.", default=None, examples=["STREAMING"]
    )
    model_identifier: Identifier | None = tr_field(
        None, "Model wanted, when the service names one.", default=None, examples=["model_1"]
    )


class AiSplitInferenceRequest(SplitRequestBody):
    """AI split inference request: the network decides the split (step 2a)."""

    optimization_preference: OptimizationPreference | None = tr_field(
        None,
        "What the Network Application should favour.",
        default=None,
        examples=["LATENCY"],
    )


class AiModelInformationRequest(SplitRequestBody):
    """AI model information request: the UE will decide the split (step 2b)."""


class SplitSubsetInformation(TsModel):
    """A model subset at a split point: the split point and its intermediate data."""

    model_identifier: Identifier = tr_field(None, "Model.", examples=["model_1"])
    split_point_information: SplitPointInformation = tr_field(
        None, "The split point (6.6.3).", examples=[_POINT]
    )
    intermediate_data_information: IntermediateDataInformation = tr_field(
        None, "The intermediate data at the split point (6.6.3).", examples=[_DATA]
    )


class AiSplitInferenceResponse(SplitSubsetInformation):
    """AI split inference response with the selected UE subset information (step 7a)."""

    access_location: Uri | None = tr_field(
        None,
        "Where the intermediate data will be accessed.",
        default=None,
        examples=["https://as.example.com/ai/intermediate/s-1"],
    )


class AiInferenceResourceAllocationRequest(SplitSubsetInformation):
    """AI inference resource allocation request with the network subset (steps 5a, 7b)."""


class AiInferenceResourceAllocationResponse(OperationResult):
    """The AI Model Inference Engine's answer to a resource allocation (steps 6a, 8b)."""


_CANDIDATE = examples_of(SplitConfiguration)[0]


class AiModelInformationResponse(TsModel):
    """All matched candidate split point configurations (step 4b)."""

    cross_field_rules = (
        "Configuration identifiers are unique; preferredCandidate names one of them.",
    )

    candidates: list[SplitConfiguration] = tr_field(
        None,
        "The matched candidate split point configurations, best first.",
        min_length=1,
        max_length=10000,
        examples=[[_CANDIDATE]],
    )
    preferred_candidate: Identifier | None = tr_field(
        None,
        "Identifier of the configuration the network prefers ('a preferred split point "
        "configuration').",
        default=None,
        examples=[_CANDIDATE["configurationIdentifier"]],
    )
    supported_split_points: list[SplitPointInformation] | None = tr_field(
        None,
        "'The range/list of supported split points' (6.6.3), beyond those in the candidates.",
        default=None,
        min_length=1,
        max_length=10000,
        examples=[[_POINT]],
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        ids = [c.configuration_identifier for c in self.candidates]
        if repeated := [i for i, n in Counter(ids).items() if n > 1]:
            raise rule_violation(
                "candidate_not_unique",
                "configuration identifiers must be unique; repeated: {ids}",
                ids=", ".join(repeated),
            )
        if self.preferred_candidate is not None and self.preferred_candidate not in ids:
            raise rule_violation(
                "preferred_not_listed",
                "preferredCandidate {pref} is not a candidate",
                pref=self.preferred_candidate,
            )
        return self


class AiSplitInferenceSelectionRequest(TsModel):
    """The UE's selected split point configuration (step 6b)."""

    session_id: Identifier = tr_field(None, "Session identifier.", examples=["s-1"])
    selected: SplitConfiguration = tr_field(
        None, "The configuration the UE selected.", examples=[_CANDIDATE]
    )


class AiSplitInferenceSelectionResponse(OperationResult):
    """The network's answer to the UE's selection (step 9b)."""

    wire_examples = (
        {"result": "SUCCESS", "accessLocation": "https://as.example.com/ai/intermediate/s-1"},
        {"result": "FAILURE", "cause": "candidate c-1 no longer available"},
    )

    access_location: Uri | None = tr_field(
        None,
        "Where the intermediate data will be accessed.",
        default=None,
        examples=["https://as.example.com/ai/intermediate/s-1"],
    )


class IntermediateDataSessionSetup(TsModel):
    """An intermediate data delivery session is established (17a/17b; basic step 10)."""

    session_id: Identifier = tr_field(None, "Delivery session id.", examples=["i-1"])
    intermediate_data_information: IntermediateDataInformation = tr_field(
        None, "Structure of the data to deliver (6.6.3).", examples=[_DATA]
    )
    delivery_method: DeliveryMethod = tr_field(
        None, "Delivery method.", default=DeliveryMethod.STREAMING, examples=["STREAMING"]
    )


class SplitPointUpdate(TsModel):
    """A split point update during the service (5.3.5 step 15): negotiated between the UE
    and the network, or passed alongside the delivery pipeline from the UE to the network
    (``IntermediateDataDelivery.splitPointUpdate``, step 14)."""

    split_point_information: SplitPointInformation = tr_field(
        None, "The new split point (6.6.3).", examples=[_POINT]
    )
    intermediate_data_information: IntermediateDataInformation | None = tr_field(
        None, "The intermediate data at the new split point.", default=None, examples=[_DATA]
    )
    reason: str | None = tr_field(
        None,
        "What changed.",
        default=None,
        max_length=1024,
        examples=["uplink bandwidth dropped to 2 Mbps"],
    )


class IntermediateDataDelivery(TsModel):
    """One intermediate data unit received (18a/18b; basic step 11; 5.3.5 step 14).

    The unit's bytes travel in the delivery session; this says which unit and how big.
    """

    sequence_number: Uinteger = tr_field(None, "Number of the unit.", examples=[0])
    split_point_identifier: Identifier = tr_field(None, "Split point.", examples=["10"])
    size: Uinteger = tr_field(None, "Size of the encoded unit.", unit="bytes", examples=[91342])
    compression_algorithms: list[CompressionAlgorithmValue] | None = tr_field(
        None,
        "Codec chain applied, in order.",
        default=None,
        max_length=8,
        examples=[["INT8", "ZSTD"]],
    )
    split_point_update: SplitPointUpdate | None = tr_field(
        None,
        "5.3.5 step 15, in band: the new split point metadata 'passed alongside the delivery "
        "pipeline from the UE to the network side'. This unit is the first at the new split "
        "point (splitPointIdentifier names it).",
        default=None,
        examples=[
            {
                "splitPointInformation": _POINT,
                "intermediateDataInformation": _DATA,
                "reason": "uplink bandwidth dropped",
            }
        ],
    )
