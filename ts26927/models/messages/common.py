"""Messages shared by several workflows: triggers, selection, model delivery, inference I/O."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import model_validator

from ts26927.models.base import TsModel, rule_violation, tr_field, with_schema
from ts26927.models.endpoint_capability import EndpointCapabilityInformation, EndpointType
from ts26927.models.examples import EXAMPLES
from ts26927.models.extensible import extensible
from ts26927.models.federated.synchronization import SynchronizationInformation
from ts26927.models.intermediate_data import IntermediateTensor
from ts26927.models.model_information import AiModelInformation
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_model import SplitModelInformation, SplitPointInformation
from ts26927.models.units import (
    Identifier,
    NonNegativeFloat,
    Percentage,
    PositiveInt,
    Sha256Hex,
    Uinteger,
    Uri,
)

_DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
_TENSOR = {"name": "input", "tensorShape": [1, 3, 224, 224], "tensorElementDataType": "FLOAT"}


class ServiceKind(StrEnum):
    """Which AI service a trigger starts."""

    MODEL_DELIVERY = "MODEL_DELIVERY"
    ADAPTIVE_MODEL_DELIVERY = "ADAPTIVE_MODEL_DELIVERY"
    SPLIT_INFERENCE = "SPLIT_INFERENCE"
    FEDERATED_LEARNING = "FEDERATED_LEARNING"


class AiServiceTrigger(TsModel):
    """UE Application and Network Application trigger an AI service using what the
    initialization and establishment step exchanged (step 1 of 5.2.2.2.1, 5.2.3.2, 5.2.4.2)."""

    service: ServiceKind = tr_field(None, "The AI service to start.", examples=["MODEL_DELIVERY"])
    session_id: Identifier = tr_field(None, "Identifier of the AI session.", examples=["s-1"])
    service_requirement_information: ServiceRequirementInformation | None = tr_field(
        None,
        "Requirements of the service (6.6.4).",
        default=None,
        examples=[EXAMPLES["ServiceRequirementInformation"][0]],
    )
    ue_capability_information: EndpointCapabilityInformation | None = tr_field(
        None,
        "The UE's capabilities (6.6.5).",
        default=None,
        examples=[EXAMPLES["EndpointCapabilityInformation"][0]],
    )
    synchronization_information: SynchronizationInformation | None = tr_field(
        None,
        "Federated learning: the network's synchronization information for the first "
        "training round — clause 6.6.6.2.2 sends it 'as described in step 1 of figure "
        "5.2.4-2' (the round number, and may be a start time and duration).",
        default=None,
        examples=[EXAMPLES["SynchronizationInformation"][0]],
    )


class ModelSelection(TsModel):
    """The AI model selected between the UE Application and the Network Application."""

    model_identifier: Identifier = tr_field(None, "Selected model.", examples=["model_1"])
    ai_model_information: AiModelInformation | None = tr_field(
        None,
        "Description of the selected model (6.6.2).",
        default=None,
        examples=[EXAMPLES["AiModelInformation"][0]],
    )
    variant_identifier: Identifier | None = tr_field(
        None,
        "Selected variant of the model (e.g. a precision level), when it has several.",
        default=None,
        examples=["model_1-int8"],
    )
    split_point_information: SplitPointInformation | None = tr_field(
        None,
        "Basic split flows, step 2 ('a split AI model is selected'): the split point of the "
        "selected split AI model (6.6.3).",
        default=None,
        examples=[EXAMPLES["SplitPointInformation"][0]],
    )
    split_model_information: SplitModelInformation | None = tr_field(
        None,
        "Basic split flows, step 2: the predefined split points of the selected model "
        "(6.6.3), when the selection shares them.",
        default=None,
        examples=[EXAMPLES["SplitModelInformation"][0]],
    )


class ModelSubset(StrEnum):
    """Which part of a split model."""

    WHOLE = "WHOLE"
    UE_SUBSET = "UE_SUBSET"
    NETWORK_SUBSET = "NETWORK_SUBSET"


class ModelIdentification(TsModel):
    """The Network Application identifies the selected model (or its UE and network
    subsets) in the AI model repository."""

    model_identifier: Identifier = tr_field(None, "Model to fetch.", examples=["model_1"])
    subsets: list[ModelSubset] | None = tr_field(
        None,
        "Subsets wanted; absent: the whole model.",
        default=None,
        min_length=1,
        max_length=3,
        examples=[["UE_SUBSET", "NETWORK_SUBSET"]],
    )
    split_point_identifier: Identifier | None = tr_field(
        None, "Split point of the subsets.", default=None, examples=["10"]
    )
    variant_identifier: Identifier | None = tr_field(
        None,
        "Variant (e.g. precision level) of the model.",
        default=None,
        examples=["model_1-int8"],
    )


class DeliveryMethod(StrEnum):
    """How model or intermediate data is delivered (extensible in practice by new values)."""

    DOWNLOAD = "DOWNLOAD"
    PROGRESSIVE_DOWNLOAD = "PROGRESSIVE_DOWNLOAD"
    STREAMING = "STREAMING"
    RTP = "RTP"
    DASH = "DASH"
    MULTICAST = "MULTICAST"


class DeliverySessionSetup(TsModel):
    """The AI Model Access Function establishes an AI model delivery session."""

    delivery_session_id: Identifier = tr_field(None, "Session identifier.", examples=["d-1"])
    model_identifier: Identifier = tr_field(None, "Model to deliver.", examples=["model_1"])
    subset: ModelSubset = tr_field(
        None, "Whole model or which subset.", default=ModelSubset.WHOLE, examples=["WHOLE"]
    )
    delivery_method: DeliveryMethod = tr_field(
        None, "Delivery method.", default=DeliveryMethod.DOWNLOAD, examples=["DOWNLOAD"]
    )
    resume_from_offset: Uinteger | None = tr_field(
        None,
        "Byte offset to resume an interrupted delivery from.",
        default=None,
        unit="bytes",
        examples=[1048576],
    )
    location: Uri | None = tr_field(
        None,
        "Where the model data is fetched.",
        default=None,
        examples=["https://models.example.com/model_1.onnx"],
    )
    variant_identifier: Identifier | None = tr_field(
        None,
        "Variant (e.g. precision level or update package) to deliver.",
        default=None,
        examples=["model_1-int8"],
    )


class ChunkInformation(TsModel):
    """How the model data is cut into chunks, each verified on arrival.

    Chunk *i* holds bytes ``i * chunkSize`` up to ``(i + 1) * chunkSize`` (the last one may
    be shorter); there is one digest per chunk, so a corrupted chunk is detected and fetched
    again alone, and a delivery resumes after the last verified chunk.
    """

    chunk_size: PositiveInt = tr_field(
        None, "Size of every chunk but the last.", unit="bytes", examples=[1048576]
    )
    chunk_sha256: list[Sha256Hex] = tr_field(
        None,
        "SHA-256 of each chunk, in order.",
        min_length=1,
        max_length=65536,
        examples=[[_DIGEST]],
    )


class ModelDataDelivery(TsModel):
    """The AI Model Access Function (or the network inference engine) receives model data.

    The model bytes travel in the delivery session; this message describes them so that the
    receiver can verify size and integrity before use. With ``chunks``, each chunk is
    verified on arrival; ``sha256`` always covers the whole data.
    """

    model_identifier: Identifier = tr_field(None, "Delivered model.", examples=["model_1"])
    subset: ModelSubset = tr_field(
        None, "Whole model or which subset.", default=ModelSubset.WHOLE, examples=["WHOLE"]
    )
    size: Uinteger = tr_field(None, "Size of the model data.", unit="bytes", examples=[40000000])
    sha256: Sha256Hex = tr_field(
        None,
        "SHA-256 of the model data. Added by this library: the TR states no integrity check; "
        "a receiver verifies the data against it before use.",
        examples=[_DIGEST],
    )
    variant_identifier: Identifier | None = tr_field(
        None, "Variant (precision level) delivered.", default=None, examples=["model_1-int8"]
    )
    delivery_session_id: Identifier | None = tr_field(
        None, "Delivery session the data travels in.", default=None, examples=["d-1"]
    )
    split_point_identifier: Identifier | None = tr_field(
        None,
        "For a model subset (UE_SUBSET, NETWORK_SUBSET): the split point it belongs to.",
        default=None,
        examples=["10"],
    )
    chunks: ChunkInformation | None = tr_field(
        None,
        "Chunking of the data, for per-chunk verification and resumption. The number of "
        "digests is the size divided by the chunk size, rounded up; a receiver refuses a "
        "description where it is not.",
        default=None,
        examples=[{"chunkSize": 40000000, "chunkSha256": [_DIGEST]}],
    )


class ModelHandover(TsModel):
    """The AI Model Access Function passes the verified model to the inference engine."""

    model_identifier: Identifier = tr_field(None, "Model handed over.", examples=["model_1"])
    sha256: Sha256Hex = tr_field(None, "SHA-256 of the model data.", examples=[_DIGEST])
    subset: ModelSubset = tr_field(
        None, "Whole model or which subset.", default=ModelSubset.WHOLE, examples=["WHOLE"]
    )
    variant_identifier: Identifier | None = tr_field(
        None,
        "Variant handed over: a model usable on its own, or an update package the inference "
        "engine applies to the model it runs.",
        default=None,
        examples=["model_1-int8"],
    )


class MediaData(TsModel):
    """A Data Source passes one unit of media data to an inference engine."""

    sequence_number: Uinteger = tr_field(None, "Number of the media unit.", examples=[0])
    inputs: list[IntermediateTensor] = tr_field(
        None,
        "Tensors the media data is presented as.",
        min_length=1,
        max_length=64,
        examples=[[_TENSOR]],
    )
    peer_user: Identifier | None = tr_field(
        None,
        "Split inference 15a: the media comes 'from the network Data Source or a peer user' — "
        "the peer user, when it is one.",
        default=None,
        examples=["user-42"],
    )


class InferenceOutput(TsModel):
    """An inference engine passes an inference output result to a data destination."""

    sequence_number: Uinteger = tr_field(None, "Number of the media unit.", examples=[0])
    outputs: list[IntermediateTensor] = tr_field(
        None,
        "Output tensors.",
        min_length=1,
        max_length=64,
        examples=[[{"name": "logits", "tensorShape": [1, 1000], "tensorElementDataType": "FLOAT"}]],
    )
    labels: list[str] | None = tr_field(
        None,
        "Recognised labels, for recognition-like services.",
        default=None,
        max_length=1000,
        examples=[["cat"]],
    )
    peer_user: Identifier | None = tr_field(
        None,
        "Split inference 20b: the output goes 'to the UE Data Destination or a peer user' — "
        "the peer user, when it is one.",
        default=None,
        examples=["user-42"],
    )


class UpdateCause(StrEnum):
    """Why an AI model update is requested during the service (clause 5.2.2.1; extensible)."""

    UE_MEMORY = "UE_MEMORY"
    """The memory usage of the UE processing the model exceeds a threshold."""
    UE_PERFORMANCE = "UE_PERFORMANCE"
    """The UE's performance deteriorates (e.g. inference slower than the service allows)."""
    UE_POWER = "UE_POWER"
    """Running the model raises the UE's power consumption too much (or its battery is low)."""
    NETWORK_CONDITIONS = "NETWORK_CONDITIONS"
    """Network load or the bandwidth available to the UE changed."""
    ACCURACY = "ACCURACY"
    """The model's accuracy no longer meets the requirement (clause 6.2.2.2)."""
    PRECISION = "PRECISION"
    """A higher-precision level of an adaptive model is wanted (5.2.2.2.2 step 11)."""


UpdateCauseValue = extensible(UpdateCause)


class UeStatus(TsModel):
    """Current status of the UE that the network may collect before it triggers an AI model
    update (clause 5.2.2.1: memory, CPU, current load, power consumption, battery)."""

    memory_usage: NonNegativeFloat | None = tr_field(
        None, "Memory used by the AI media service.", default=None, unit="MB", examples=[512]
    )
    available_memory: NonNegativeFloat | None = tr_field(
        None, "Memory still available on the UE.", default=None, unit="MB", examples=[1024]
    )
    cpu_load: Percentage | None = tr_field(
        None, "Current load of the UE's processors.", default=None, unit="%", examples=[85]
    )
    inference_latency: NonNegativeFloat | None = tr_field(
        None, "Measured inference latency of the model.", default=None, unit="ms", examples=[42]
    )
    power_consumption: NonNegativeFloat | None = tr_field(
        None, "Current power consumption of the UE.", default=None, unit="mW", examples=[2500]
    )
    battery_level: Percentage | None = tr_field(
        None, "Current battery level.", default=None, unit="%", examples=[35]
    )


class ModelUpdateRequest(TsModel):
    """A request to update the AI model during the service (clause 5.2.2.1), sent by the UE
    (its memory use or performance crossed a threshold) or raised by the network itself."""

    model_identifier: Identifier = tr_field(None, "Model in use.", examples=["model_1"])
    variant_identifier: Identifier | None = tr_field(
        None, "Variant in use.", default=None, examples=["model_1-int8"]
    )
    initiator: EndpointType = tr_field(None, "Who triggers the update.", examples=["UE"])
    cause: UpdateCauseValue = tr_field(None, "Why.", examples=["UE_MEMORY"])
    ue_status: UeStatus | None = tr_field(
        None,
        "The UE status the decision is based on.",
        default=None,
        examples=[{"memoryUsage": 512, "availableMemory": 64, "cpuLoad": 85}],
    )
    target_variant: Identifier | None = tr_field(
        None,
        "Variant wanted instead, when the initiator already knows it.",
        default=None,
        examples=["model_2-int8"],
    )


class ResultCode(StrEnum):
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"


class OperationResult(TsModel):
    """A response that reports success or failure (with a cause)."""

    cross_field_rules = ("cause is present exactly when result is FAILURE.",)
    model_config = with_schema(
        {
            "if": {"properties": {"result": {"const": "FAILURE"}}},
            "then": {"required": ["cause"]},
            "else": {"not": {"required": ["cause"]}},
        }
    )

    result: ResultCode = tr_field(None, "Outcome.", examples=["SUCCESS"])
    cause: str | None = tr_field(
        None,
        "Why it failed.",
        default=None,
        max_length=1024,
        examples=["insufficient GPU memory"],
    )

    wire_examples = ({"result": "SUCCESS"}, {"result": "FAILURE", "cause": "no GPU"})

    @model_validator(mode="after")
    def _cause_on_failure(self) -> Self:
        if (self.result is ResultCode.FAILURE) != (self.cause is not None):
            raise rule_violation("result_cause", "cause is required exactly when result is FAILURE")
        return self
