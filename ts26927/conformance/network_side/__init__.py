"""The network side under test: the mutants of the reference network, one module per
workflow (each exports ``MUTANTS``). The self-test runs them beside the UE-side ones of
:mod:`..ue_side`; the network's legal variants are in :mod:`..variants`."""

from __future__ import annotations

from ..mutants import MutantSpec
from . import (
    adaptive_delivery,
    faults,
    federated_learning,
    model_delivery,
    model_distribution,
    split_basic,
    split_inference,
    split_inference_data,
    split_operation,
)


def _unique(mutants: tuple[MutantSpec, ...]) -> tuple[MutantSpec, ...]:
    """``mutants``, refused if two share a name (the self-test reports them by name)."""
    names = [m.name for m in mutants]
    if shared := sorted({n for n in names if names.count(n) > 1}):
        raise ValueError(f"network mutants share a name: {shared}")
    return mutants


#: Workflow by workflow, in the order of the TR's clauses; the harness faults last.
MUTANTS: tuple[MutantSpec, ...] = _unique(
    (
        *model_delivery.MUTANTS,
        *adaptive_delivery.MUTANTS,
        *split_inference.MUTANTS,
        *split_inference_data.MUTANTS,
        *split_basic.MUTANTS,
        *federated_learning.MUTANTS,
        *split_operation.MUTANTS,
        *model_distribution.MUTANTS,
        *faults.MUTANTS,
    )
)
