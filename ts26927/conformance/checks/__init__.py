"""Semantic checks on what the IUT answered, one module per concern; importing this
package registers them all."""

from . import adaptive, delivery, federated, generic, split  # noqa: F401  (registration)
from .registry import CHECKS, CheckFailed, check, run_check

__all__ = ["CHECKS", "CheckFailed", "check", "run_check"]
