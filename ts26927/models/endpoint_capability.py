"""Endpoint capability information — TR 26.927 clause 6.6.5.

Capabilities of an endpoint (UE or network) to process and transmit AI models and
intermediate data; they change with the endpoint's load and the network conditions.
"""

from __future__ import annotations

from enum import StrEnum

from ts26927.models import catalogue as tr
from ts26927.models.base import TsModel, tr_field
from ts26927.models.compute import Framework, ProcessingCapabilities
from ts26927.models.intermediate_data import CompressionAlgorithmValue
from ts26927.models.units import BitRate

_row = tr.ENDPOINT


class EndpointType(StrEnum):
    """Which side of the service the endpoint is (closed enum)."""

    UE = "UE"
    NETWORK = "NETWORK"


class EndpointCapabilityInformation(TsModel):
    """Capabilities of a UE or network endpoint (clause 6.6.5)."""

    tr_clause = "6.6.5"

    endpoint_type: EndpointType | None = tr_field(
        None,
        "Whether these are a UE's or a network endpoint's capabilities. Added by this library.",
        default=None,
        examples=["UE"],
    )
    processing_capabilities: ProcessingCapabilities | None = tr_field(
        tr.row(_row, "Processing capabilities"),
        "Resources available to process AI/ML models: compute power and the memory to store "
        "model parameters and perform the inference.",
        default=None,
        examples=[{"processingUnits": [{"kind": "NPU", "computeFlops": 1.0e13}], "memory": 10000}],
    )
    supported_ai_frameworks: list[Framework] | None = tr_field(
        tr.row(_row, "Supported AI Framework"),
        "AI framework(s) supported by the endpoint.",
        default=None,
        min_length=1,
        max_length=64,
        examples=[[{"name": "TENSORFLOW", "version": "2.0"}]],
    )
    supported_compression_algorithms: list[CompressionAlgorithmValue] | None = tr_field(
        tr.row(_row, "Supported compression algorithms"),
        "Compression algorithm(s) the endpoint supports for intermediate data.",
        default=None,
        min_length=1,
        max_length=32,
        examples=[["NONE", "FC_VCM", "SNAPPY"]],
    )
    connection_capabilities: BitRate | None = tr_field(
        tr.row(_row, "Connection capabilities"),
        "Available bandwidth between the UE and the network for transmitting the AI model "
        "and/or intermediate data (the TR's '256 kb/s').",
        default=None,
        unit="bit/s",
        examples=["256 Kbps"],
    )
