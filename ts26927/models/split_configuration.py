"""Candidate split configurations and the split selection — TR 26.927 clause 5.2.3.2.

In the AI split inference negotiation of clause 5.2.3.2 the network either decides the
split itself (alternative case #1, steps 2a-7a) or returns "all matched AI models with
different candidate split points configurations" for the UE to choose from (alternative
case #2, steps 3b-5b). Step 3b lists what a candidate configuration may include: model
accuracy, intermediate data characteristics, latencies (UE application, uplink/downlink
connections, network application) and the UE profile required to infer the UE subset. In
step 2a the UE may state its "optimization selection choice regarding latency, energy
consumption, network bandwidth". The TR defines no message format; these types are ours.

The topologies are those of clause 5.1.2 (figures 5.1.2-1 to 5.1.2-3). The UE's
preference is :class:`OptimizationPreference`. A :class:`SplitConfiguration` is what the
AI model information response (step 4b) lists and the selection request (step 6b) names.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import model_validator

from ts26927.models.base import TsModel, rule_violation, tr_field
from ts26927.models.compute import ModelProcessingCapabilities
from ts26927.models.endpoint_capability import EndpointType
from ts26927.models.examples import examples_of
from ts26927.models.intermediate_data import (
    CompressionAlgorithmValue,
    DataDirection,
    IntermediateDataInformation,
)
from ts26927.models.messages.common import DeliveryMethod
from ts26927.models.split_model import SplitPointInformation
from ts26927.models.units import Identifier, NonNegativeFloat, Percentage

__all__ = [
    "FailedConstraint",
    "OptimizationPreference",
    "RejectedConfiguration",
    "SplitConfiguration",
    "SplitConstraint",
    "SplitDecisionMode",
    "SplitSelection",
    "SplitTopology",
]


class SplitTopology(StrEnum):
    """Where the media source and the first inference endpoint are (clause 5.1.2)."""

    UE_SOURCE_UE_FIRST = "UE_SOURCE_UE_FIRST"
    """Figure 5.1.2-1: the UE runs the first sub-model, sends intermediate data uplink; the
    network completes the inference and sends the result back to the UE."""
    UE_SOURCE_NETWORK_FIRST = "UE_SOURCE_NETWORK_FIRST"
    """Figure 5.1.2-2: the UE sends the media uplink; the network runs the first
    sub-model and sends intermediate data downlink; the UE completes the inference."""
    NETWORK_SOURCE = "NETWORK_SOURCE"
    """Figure 5.1.2-3: the media is in the network, which runs the first sub-model and
    sends intermediate data downlink; the UE completes the inference."""

    @property
    def first_endpoint(self) -> EndpointType:
        """The endpoint that runs the first sub-model (the head)."""
        return EndpointType.UE if self is SplitTopology.UE_SOURCE_UE_FIRST else EndpointType.NETWORK

    @property
    def data_direction(self) -> DataDirection:
        """Direction of the intermediate data."""
        if self.first_endpoint is EndpointType.UE:
            return DataDirection.UPSTREAM
        return DataDirection.DOWNSTREAM

    @property
    def media_uplink(self) -> bool:
        """Whether the media input crosses the UE-network connection before inference."""
        return self is SplitTopology.UE_SOURCE_NETWORK_FIRST

    @property
    def result_downlink(self) -> bool:
        """Whether the inference result crosses back to the UE after inference."""
        return self is SplitTopology.UE_SOURCE_UE_FIRST


class OptimizationPreference(StrEnum):
    """What the UE wants the split to favour (5.2.3.2 step 2a: "latency, energy
    consumption, network bandwidth")."""

    LATENCY = "LATENCY"
    ENERGY = "ENERGY"
    BANDWIDTH = "BANDWIDTH"


class SplitConstraint(StrEnum):
    """A constraint a candidate configuration can fail (closed enum)."""

    FRAMEWORK = "FRAMEWORK"
    """An endpoint does not support the sub-models' format or framework."""
    COMPRESSION = "COMPRESSION"
    """An endpoint does not support an algorithm of the codec chain."""
    ACCURACY = "ACCURACY"
    """Accuracy below the service's minimum, or not known while a minimum is required."""
    LATENCY = "LATENCY"
    """Estimated latency above the service's maximum, or not estimable while one is set."""
    UE_MEMORY = "UE_MEMORY"
    """The UE sub-model needs more memory than the UE has available."""
    NETWORK_MEMORY = "NETWORK_MEMORY"
    """The network sub-model needs more memory than the network endpoint has available."""


class SplitDecisionMode(StrEnum):
    """Who chooses the split point (clause 5.2.3.2 alternative cases; closed enum)."""

    NETWORK = "NETWORK"
    """Alternative case #1: the network selects one configuration (step 4a)."""
    UE = "UE"
    """Alternative case #2: the network returns all matched configurations (step 4b)."""


class SplitConfiguration(TsModel):
    """One candidate split point configuration (clause 5.2.3.2 step 3b)."""

    tr_clause = "5.2.3.2"
    cross_field_rules = (
        "intermediateDataInformation.dataDirection is UPSTREAM for topology "
        "UE_SOURCE_UE_FIRST and DOWNSTREAM otherwise.",
        "totalLatency, when present, is the sum of the three latencies, all present.",
    )

    configuration_identifier: Identifier = tr_field(
        None,
        "Identifier of the configuration: the split point identifier and the codec chain, "
        "joined by '/'.",
        examples=["87/INT8+ZSTD"],
    )
    model_identifier: Identifier | None = tr_field(
        None, "Identifier of the model (clause 6.6.2).", default=None, examples=["model_1"]
    )
    topology: SplitTopology = tr_field(
        None, "Topology of the split inference (clause 5.1.2).", examples=["UE_SOURCE_UE_FIRST"]
    )
    split_point_information: SplitPointInformation = tr_field(
        None,
        "The split point (clause 6.6.3); its intermediate data size is before compression.",
        examples=[
            {"splitPointIdentifier": "87", "splitPointNumber": 87, "splitPointFlag": "AFTER"}
        ],
    )
    intermediate_data_information: IntermediateDataInformation = tr_field(
        None,
        "The intermediate data (clause 6.6.3); compressionAlgorithms is this "
        "configuration's codec chain.",
        examples=[
            {
                "tensorStructureInformation": {"name": "NUMPY", "version": "2.0"},
                "tensors": [
                    {
                        "name": "r87",
                        "tensorShape": [1, 256, 28, 28],
                        "tensorElementDataType": "FLOAT",
                    }
                ],
                "dataDirection": "UPSTREAM",
                "compressionAlgorithms": ["INT8", "ZSTD"],
            }
        ],
    )
    accuracy: Percentage | None = tr_field(
        None,
        "Accuracy of the split inference with this codec chain, measured on held-out data "
        "when available, else the model's declared accuracy for lossless chains.",
        default=None,
        unit="%",
        examples=[97.1],
    )
    intermediate_data_size: NonNegativeFloat = tr_field(
        None,
        "Size of one intermediate data unit as transmitted (after the codec chain).",
        unit="KB",
        examples=[117.2],
    )
    ue_inference_latency: NonNegativeFloat | None = tr_field(
        None,
        "Estimated inference latency of the UE sub-model on the UE.",
        default=None,
        unit="ms",
        examples=[12.5],
    )
    transfer_latency: NonNegativeFloat | None = tr_field(
        None,
        "Estimated time on the UE-network connection: the intermediate data, plus the media "
        "uplink or the result downlink where the topology needs them.",
        default=None,
        unit="ms",
        examples=[3.7],
    )
    uplink_latency: NonNegativeFloat | None = tr_field(
        None,
        "Estimated time of what goes from the UE to the network (the intermediate data or the "
        "media): the 'uplink connection' latency of step 3b.",
        default=None,
        unit="ms",
        examples=[3.1],
    )
    downlink_latency: NonNegativeFloat | None = tr_field(
        None,
        "Estimated time of what comes from the network to the UE (the intermediate data or the "
        "result): the 'downlink connection' latency of step 3b.",
        default=None,
        unit="ms",
        examples=[0.4],
    )
    network_inference_latency: NonNegativeFloat | None = tr_field(
        None,
        "Estimated inference latency of the network sub-model in the network.",
        default=None,
        unit="ms",
        examples=[1.2],
    )
    total_latency: NonNegativeFloat | None = tr_field(
        None,
        "Estimated end-to-end service inference latency (clause 6.6.4: includes the "
        "delivery of the intermediate data).",
        default=None,
        unit="ms",
        examples=[17.4],
    )
    ue_profile: ModelProcessingCapabilities = tr_field(
        None,
        "UE profile required to infer the UE sub-model: its operations (FLOP and MAC per "
        "inference) and memory (parameters plus peak activations).",
        examples=[
            {"computationalCost": 5.2e8, "computationalComplexity": 260000000, "memory": 4.1}
        ],
    )

    distribution_modes: list[DeliveryMethod] | None = tr_field(
        None,
        "Distribution modes offered for the intermediate data (step 3b: RTP, DASH, "
        "progressive, multicast).",
        default=None,
        min_length=1,
        max_length=8,
        examples=[["RTP", "MULTICAST"]],
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        direction = self.intermediate_data_information.data_direction
        if direction is not self.topology.data_direction:
            raise rule_violation(
                "direction",
                "topology {topology} sends intermediate data {expected}, not {direction}",
                topology=self.topology,
                expected=self.topology.data_direction,
                direction=direction,
            )
        parts = (self.ue_inference_latency, self.transfer_latency, self.network_inference_latency)
        if self.total_latency is not None and (
            None in parts
            or abs(sum(p or 0.0 for p in parts) - self.total_latency)
            > 1e-6 * max(1.0, self.total_latency)
        ):
            raise rule_violation(
                "total_latency", "totalLatency must be the sum of the three latencies"
            )
        return self


class FailedConstraint(TsModel):
    """One constraint a configuration failed, and why."""

    constraint: SplitConstraint = tr_field(None, "The constraint.", examples=["LATENCY"])
    detail: str = tr_field(
        None,
        "What was required and what the configuration offers.",
        min_length=1,
        max_length=1024,
        examples=["estimated 142.0 ms > maximum 100 ms"],
    )


class RejectedConfiguration(TsModel):
    """A candidate configuration that did not match, with every constraint it failed."""

    configuration_identifier: Identifier = tr_field(
        None, "Identifier of the configuration.", examples=["3/NONE"]
    )
    split_point_identifier: Identifier = tr_field(
        None, "Identifier of its split point.", examples=["3"]
    )
    compression_algorithms: list[CompressionAlgorithmValue] = tr_field(
        None, "Its codec chain.", min_length=1, max_length=4, examples=[["NONE"]]
    )
    failed: list[FailedConstraint] = tr_field(
        None,
        "Constraints failed, in the order they are checked.",
        min_length=1,
        max_length=16,
        examples=[[{"constraint": "LATENCY", "detail": "estimated 142.0 ms > maximum 100 ms"}]],
    )


class SplitSelection(TsModel):
    """Result of split selection: one decision (case #1) or the ranked candidates (case #2)."""

    tr_clause = "5.2.3.2"
    cross_field_rules = (
        "selected is present exactly when candidates is not empty, and equals candidates[0].",
        "With decisionMode NETWORK, candidates holds at most the selected configuration.",
        "Configuration identifiers are unique across candidates and rejected.",
    )

    wire_examples = (
        {
            "decisionMode": "UE",
            "optimizationPreference": "LATENCY",
            "selected": examples_of(SplitConfiguration)[0],
            "candidates": [examples_of(SplitConfiguration)[0]],
            "rejected": [
                {
                    "configurationIdentifier": "3/NONE",
                    "splitPointIdentifier": "3",
                    "compressionAlgorithms": ["NONE"],
                    "failed": [
                        {"constraint": "LATENCY", "detail": "estimated 142.0 ms > maximum 100 ms"}
                    ],
                }
            ],
        },
        {
            "decisionMode": "NETWORK",
            "optimizationPreference": "ENERGY",
            "candidates": [],
            "rejected": [],
        },
    )

    decision_mode: SplitDecisionMode = tr_field(
        None, "Who chooses the split point.", examples=["UE"]
    )
    optimization_preference: OptimizationPreference = tr_field(
        None, "The preference the ranking honours.", examples=["LATENCY"]
    )
    selected: SplitConfiguration | None = tr_field(
        None,
        "The selected configuration (case #1) or the network's preferred one (case #2, step "
        "4b); absent when no configuration matched.",
        default=None,
    )
    candidates: list[SplitConfiguration] = tr_field(
        None, "Matched configurations, best first.", max_length=100000
    )
    rejected: list[RejectedConfiguration] = tr_field(
        None, "Configurations that failed a constraint.", max_length=100000
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.selected is None) != (not self.candidates) or (
            self.selected is not None and self.selected != self.candidates[0]
        ):
            raise rule_violation(
                "selected", "selected must be present exactly with candidates, and be the first"
            )
        if self.decision_mode is SplitDecisionMode.NETWORK and len(self.candidates) > 1:
            raise rule_violation(
                "network_decides", "when the network decides, it returns one configuration"
            )
        ids = [c.configuration_identifier for c in self.candidates] + [
            r.configuration_identifier for r in self.rejected
        ]
        if len(ids) != len(set(ids)):
            raise rule_violation("identifier", "configuration identifiers must be unique")
        return self
