"""The test system's message builders, one module per procedure; importing this package
registers every builder. The data they build from are the fixtures (:mod:`..fixtures`)."""

from . import (  # noqa: F401  (registration)
    adaptive_delivery,
    federated_learning,
    model_delivery,
    model_distribution,
    split_inference,
    split_operation,
    ue_federated_learning,
    ue_model_distribution,
    ue_split_inference,
    ue_split_operation,
)
from .registry import BUILDERS, Built, build, builder, sample

__all__ = ["BUILDERS", "Built", "build", "builder", "sample"]
