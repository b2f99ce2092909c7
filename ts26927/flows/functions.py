"""The logical functions of the TR that send and receive workflow steps.

Named as the TR names them (clauses 5.2 and 5.3.4); ``side`` tells which side of the system
a function lives on, which is what the conformance suite uses to decide whether a step is
played by the implementation under test or by the test system.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Side(StrEnum):
    UE = "UE"
    NETWORK = "NETWORK"
    PROVIDER = "PROVIDER"
    """The (Media) Application Provider, outside the 5G system."""


@dataclass(frozen=True)
class LogicalFunction:
    key: str
    name: str
    side: Side

    def __str__(self) -> str:
        return self.name


def _f(key: str, name: str, side: Side) -> LogicalFunction:
    return LogicalFunction(key, name, side)


UE, NET, PRV = Side.UE, Side.NETWORK, Side.PROVIDER

# Clause 5.2 (model delivery, split inference, federated learning).
UE_APPLICATION = _f("UE_APPLICATION", "UE Application", UE)
NETWORK_APPLICATION = _f("NETWORK_APPLICATION", "Network Application", NET)
AI_MODEL_REPOSITORY = _f("AI_MODEL_REPOSITORY", "AI Model Repository/Provider", NET)
AI_MODEL_DELIVERY = _f("AI_MODEL_DELIVERY", "AI Model Delivery Function", NET)
AI_MODEL_ACCESS = _f("AI_MODEL_ACCESS", "AI Model Access Function", UE)
UE_INFERENCE_ENGINE = _f("UE_INFERENCE_ENGINE", "AI Model Inference Engine (UE)", UE)
NETWORK_INFERENCE_ENGINE = _f(
    "NETWORK_INFERENCE_ENGINE", "AI Model Inference Engine (network)", NET
)
UE_DATA_SOURCE = _f("UE_DATA_SOURCE", "Data Source (UE)", UE)
NETWORK_DATA_SOURCE = _f("NETWORK_DATA_SOURCE", "Data Source (network)", NET)
UE_DATA_DESTINATION = _f("UE_DATA_DESTINATION", "UE Data Destination", UE)
UE_CAPABILITY_MANAGER = _f("UE_CAPABILITY_MANAGER", "AI Capability Manager (UE)", UE)
UE_INTERMEDIATE_ACCESS = _f("UE_INTERMEDIATE_ACCESS", "Intermediate Data Access Function (UE)", UE)
UE_INTERMEDIATE_DELIVERY = _f(
    "UE_INTERMEDIATE_DELIVERY", "Intermediate Data Delivery Function (UE)", UE
)
NETWORK_INTERMEDIATE_ACCESS = _f(
    "NETWORK_INTERMEDIATE_ACCESS", "Intermediate Data Access Function (network)", NET
)
NETWORK_INTERMEDIATE_DELIVERY = _f(
    "NETWORK_INTERMEDIATE_DELIVERY", "Intermediate Data Delivery Function (network)", NET
)
FEDERATED_LEARNING_ENGINE = _f("FEDERATED_LEARNING_ENGINE", "Federated Learning Engine", NET)
AI_MODEL_TRAINING_ENGINE = _f("AI_MODEL_TRAINING_ENGINE", "AI Model Training Engine", UE)

# Clause 5.3.4 (the generalized 5G media delivery architecture).
MEDIA_APPLICATION_PROVIDER = _f("MEDIA_APPLICATION_PROVIDER", "Media Application Provider", PRV)
MEDIA_AF = _f("MEDIA_AF", "Media AF", NET)
MEDIA_AS = _f("MEDIA_AS", "Media AS", NET)
MEDIA_SESSION_HANDLER = _f("MEDIA_SESSION_HANDLER", "Media Session Handler", UE)
MEDIA_ACCESS_FUNCTION = _f("MEDIA_ACCESS_FUNCTION", "Media Access Function", UE)
MEDIA_AWARE_APPLICATION = _f("MEDIA_AWARE_APPLICATION", "Media-aware Application", UE)
