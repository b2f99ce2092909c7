"""Applicability conditions: Boolean expressions over the capabilities an IUT declares
(TS 38.523-2 style). A condition is a capability name, or ``{"all": [...]}``,
``{"any": [...]}`` or ``{"not": ...}``. Evaluated safely, without ``eval``."""

from __future__ import annotations

from typing import Any

from ts26927.errors import ApplicabilityError


def applies(condition: Any, capabilities: frozenset[str]) -> bool:
    """True when ``capabilities`` satisfy ``condition``."""
    if isinstance(condition, str):
        return condition in capabilities
    if isinstance(condition, dict) and len(condition) == 1:
        [(op, operand)] = condition.items()
        if op in ("all", "any") and isinstance(operand, list) and operand:
            results = (applies(c, capabilities) for c in operand)
            return all(results) if op == "all" else any(results)
        if op == "not":
            return not applies(operand, capabilities)
    raise ApplicabilityError(f"not an applicability condition: {condition!r}")


def names(condition: Any) -> set[str]:
    """Every capability a condition mentions (for listing the ICS)."""
    if isinstance(condition, str):
        return {condition}
    if isinstance(condition, dict) and len(condition) == 1:
        [(_, operand)] = condition.items()
        parts = operand if isinstance(operand, list) else [operand]
        return set().union(*(names(p) for p in parts))
    return set()
