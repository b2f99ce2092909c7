"""Typed models of every TR 26.927 clause 6.6 metadata table.

One module per table; :mod:`ts26927.models.registry` lists the top-level wire types.
"""

from ts26927.models.compute import (
    Framework,
    FrameworkName,
    ModelProcessingCapabilities,
    ProcessingCapabilities,
    ProcessingUnit,
    ProcessorKind,
)
from ts26927.models.endpoint_capability import EndpointCapabilityInformation, EndpointType
from ts26927.models.federated.control import ControlInformation
from ts26927.models.federated.eligibility import (
    DataLibrary,
    DeviceEligibilityInformation,
    DeviceProfile,
    EligibilityCriterion,
    EligibilityDecision,
    FailedCriterion,
    HardwareCriteria,
    LocationCriteria,
)
from ts26927.models.federated.evaluation import Metric, MetricName, ModelEvaluationInformation
from ts26927.models.federated.failure_reporting import (
    FailureReason,
    FailureReportingCriteria,
    FailureReportingInformation,
)
from ts26927.models.federated.model_update import ModelUpdateInformation, ParameterTensor
from ts26927.models.federated.synchronization import SynchronizationInformation
from ts26927.models.intermediate_data import (
    CompressionAlgorithm,
    DataDirection,
    IntermediateDataInformation,
    IntermediateTensor,
)
from ts26927.models.model_information import AiModelInformation
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_model import (
    SplitModelInformation,
    SplitPointFlag,
    SplitPointInformation,
)
from ts26927.models.tensors import ElementDataType
from ts26927.models.units import BitRate

__all__ = [
    "AiModelInformation",
    "BitRate",
    "CompressionAlgorithm",
    "ControlInformation",
    "DataDirection",
    "DataLibrary",
    "DeviceEligibilityInformation",
    "DeviceProfile",
    "ElementDataType",
    "EligibilityCriterion",
    "EligibilityDecision",
    "EndpointCapabilityInformation",
    "EndpointType",
    "FailedCriterion",
    "FailureReason",
    "FailureReportingCriteria",
    "FailureReportingInformation",
    "Framework",
    "FrameworkName",
    "HardwareCriteria",
    "IntermediateDataInformation",
    "IntermediateTensor",
    "LocationCriteria",
    "Metric",
    "MetricName",
    "ModelEvaluationInformation",
    "ModelProcessingCapabilities",
    "ModelUpdateInformation",
    "ParameterTensor",
    "ProcessingCapabilities",
    "ProcessingUnit",
    "ProcessorKind",
    "ServiceRequirementInformation",
    "SplitModelInformation",
    "SplitPointFlag",
    "SplitPointInformation",
    "SynchronizationInformation",
]
