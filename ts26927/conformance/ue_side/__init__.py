"""The UE side under test: the mutants and legal variants of the reference UE, one module
per workflow (each exports ``MUTANTS`` and ``VARIANTS``). The self-test runs them beside the
network-side ones of :mod:`..network_side` and :mod:`..variants`."""

from __future__ import annotations

from ..mutants import MutantSpec
from ..variants import VariantSpec
from . import (
    adaptive_delivery,
    federated_learning,
    model_distribution,
    split_inference,
    split_operation,
)

MUTANTS: tuple[MutantSpec, ...] = (
    *adaptive_delivery.MUTANTS,
    *federated_learning.MUTANTS,
    *split_inference.MUTANTS,
    *split_operation.MUTANTS,
    *model_distribution.MUTANTS,
)
VARIANTS: tuple[VariantSpec, ...] = (
    *adaptive_delivery.VARIANTS,
    *federated_learning.VARIANTS,
    *split_inference.VARIANTS,
    *split_operation.VARIANTS,
    *model_distribution.VARIANTS,
)
