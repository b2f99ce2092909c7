"""Semantic checks on what the IUT answered, one module per concern; importing this
package registers them all."""

from . import (  # noqa: F401  (registration)
    adaptive,
    delivery,
    federated,
    generic,
    split,
    ue_adaptive,
    ue_federated,
    ue_operation,
    ue_split,
)
from .registry import CHECKS, CheckFailed, check, run_check

__all__ = ["CHECKS", "CheckFailed", "check", "run_check"]
