"""The registry of top-level wire types: it drives schema export, validation and tracing.

Types register explicitly here (no import-time magic); the order is the TR's clause order.
"""

from __future__ import annotations

from ts26927.errors import UnknownTypeError
from ts26927.models.base import TsModel
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.federated.control import ControlInformation
from ts26927.models.federated.eligibility import (
    DeviceEligibilityInformation,
    DeviceProfile,
    EligibilityDecision,
)
from ts26927.models.federated.evaluation import ModelEvaluationInformation
from ts26927.models.federated.failure_reporting import (
    FailureReportingCriteria,
    FailureReportingInformation,
)
from ts26927.models.federated.model_update import ModelUpdateInformation
from ts26927.models.federated.synchronization import SynchronizationInformation
from ts26927.models.intermediate_data import IntermediateDataInformation
from ts26927.models.intermediate_unit import IntermediateDataUnitHeader
from ts26927.models.messages import adaptive, common, federated, operation, split
from ts26927.models.model_information import AiModelInformation
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_configuration import SplitConfiguration, SplitSelection
from ts26927.models.split_model import SplitModelInformation, SplitPointInformation

#: The clause 6.6 metadata types.
METADATA_TYPES: tuple[type[TsModel], ...] = (
    AiModelInformation,
    SplitModelInformation,
    SplitPointInformation,
    IntermediateDataInformation,
    ServiceRequirementInformation,
    EndpointCapabilityInformation,
    ControlInformation,
    SynchronizationInformation,
    DeviceEligibilityInformation,
    DeviceProfile,
    EligibilityDecision,
    ModelEvaluationInformation,
    ModelUpdateInformation,
    FailureReportingInformation,
    FailureReportingCriteria,
)

#: The messages of the call flows (clauses 5.2.2-5.3.6).
MESSAGE_TYPES: tuple[type[TsModel], ...] = (
    common.AiServiceTrigger,
    common.ModelSelection,
    common.ModelIdentification,
    common.DeliverySessionSetup,
    common.ModelDataDelivery,
    common.ModelHandover,
    common.MediaData,
    common.InferenceOutput,
    adaptive.ModelManifest,
    adaptive.AdaptiveModelRequest,
    adaptive.PrecisionUpdateRequest,
    split.SessionEstablishment,
    split.AiSplitInferenceRequest,
    split.AiSplitInferenceResponse,
    split.AiModelInformationRequest,
    split.AiModelInformationResponse,
    split.AiSplitInferenceSelectionRequest,
    split.AiSplitInferenceSelectionResponse,
    split.AiInferenceResourceAllocationRequest,
    split.AiInferenceResourceAllocationResponse,
    split.IntermediateDataSessionSetup,
    split.IntermediateDataDelivery,
    federated.EvaluationRequest,
    federated.TrainingRequest,
    federated.TrainingData,
    federated.EvaluationReport,
    federated.TrainingReport,
    federated.RoundOutcome,
    operation.ServiceProvisioning,
    operation.ServiceAccessInformation,
    operation.CapabilityDiscovery,
    operation.SplitInferenceRequest,
    operation.SplitNegotiation,
    operation.SplitAcknowledgement,
    operation.DeliveryRequest,
    operation.PipelineSetup,
    operation.InferenceStart,
    split.SplitPointUpdate,
    operation.StatusReport,
    operation.SessionUpdate,
    operation.ModelIngest,
    operation.ServiceAnnouncement,
    common.ModelUpdateRequest,
)

#: Formats of the reference engine that implementations exchange: the intermediate data
#: unit header, the adaptive model package header and the split selection's configurations.
ENGINE_TYPES: tuple[type[TsModel], ...] = (
    IntermediateDataUnitHeader,
    adaptive.AdaptivePackageHeader,
    SplitConfiguration,
    SplitSelection,
)

TYPES: dict[str, type[TsModel]] = {
    cls.__name__: cls for cls in METADATA_TYPES + MESSAGE_TYPES + ENGINE_TYPES
}


def group_of(name: str) -> str:
    """'metadata', 'message' or 'engine'."""
    cls = TYPES[name]
    if cls in METADATA_TYPES:
        return "metadata"
    return "message" if cls in MESSAGE_TYPES else "engine"


def get_type(name: str) -> type[TsModel]:
    """The registered type called ``name``; :class:`UnknownTypeError` otherwise."""
    try:
        return TYPES[name]
    except KeyError:
        raise UnknownTypeError(name, sorted(TYPES)) from None
