"""The test system's message builders, one module per procedure; importing this package
registers every builder. The data they build from are the fixtures (:mod:`..fixtures`)."""

from . import adaptive, delivery, distribution, federated, operation, split  # noqa: F401
from .registry import BUILDERS, Built, build, builder, sample

__all__ = ["BUILDERS", "Built", "build", "builder", "sample"]
