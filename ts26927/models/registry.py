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
from ts26927.models.model_information import AiModelInformation
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_model import SplitModelInformation, SplitPointInformation

TYPES: dict[str, type[TsModel]] = {
    cls.__name__: cls
    for cls in (
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
}


def get_type(name: str) -> type[TsModel]:
    """The registered type called ``name``; :class:`UnknownTypeError` otherwise."""
    try:
        return TYPES[name]
    except KeyError:
        raise UnknownTypeError(name, sorted(TYPES)) from None
