"""The UE side of AI/ML model distribution and operation (5.3.6) under test: UE mutants, each
a reference UE with one defect that the case written for it must catch at its step, and a
legal choice a UE may make (its own numbering, requests that leave the model implicit),
which every case of the workflow must pass."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import onnx
from onnx import numpy_helper

from ts26927.bindings.reference import ReferenceOptions
from ts26927.bindings.reference.ue_model_distribution import UeModelDistribution
from ts26927.models.messages.common import ModelDataDelivery

from ..mutants import Mutant, MutantSpec
from ..variants import VariantSpec

FLOW = "model-distribution"


def _playing(player: type[UeModelDistribution]) -> Callable[[], Mutant]:
    """A mutant whose UE side of the workflow is ``player``."""

    def make() -> Mutant:
        mutant = Mutant()
        mutant.players[(FLOW, "UE")] = player
        return mutant

    return make


class _TrustsAnyBytes(UeModelDistribution):
    """Hands the received bytes to its inference engine without checking size or SHA-256."""

    def intact(self, delivery: ModelDataDelivery, data: bytes) -> bool:
        return True


class _SkipsAnnouncementCheck(UeModelDistribution):
    """Accepts a model whether or not the service access information announced it."""

    def unannounced(self, delivery: ModelDataDelivery) -> str | None:
        return None


class _ReportsAnotherModel(UeModelDistribution):
    """Reports the output of another model: the received one with its first weight halved."""

    def infer(self, model: onnx.ModelProto) -> dict[str, np.ndarray]:
        other = onnx.ModelProto()
        other.CopyFrom(model)
        first = other.graph.initializer[0]
        halved = numpy_helper.to_array(first) * np.float32(0.5)
        first.CopyFrom(numpy_helper.from_array(halved.astype(halved.dtype), first.name))
        return super().infer(other)


MUTANTS: tuple[MutantSpec, ...] = (
    MutantSpec(
        "ue-accepts-tampered-distribution",
        "a UE that runs distributed model bytes that do not match the delivery's SHA-256",
        _playing(_TrustsAnyBytes),
        "5.3.6-model-distribution-006",
        "8",
    ),
    MutantSpec(
        "ue-skips-announcement-check",
        "a UE that accepts a model the service access information never announced",
        _playing(_SkipsAnnouncementCheck),
        "5.3.6-model-distribution-007",
        "8",
    ),
    MutantSpec(
        "ue-reports-another-model",
        "a UE whose inference output comes from another model than the one distributed",
        _playing(_ReportsAnotherModel),
        "5.3.6-model-distribution-004",
        "9",
    ),
)

VARIANTS: tuple[VariantSpec, ...] = (
    VariantSpec(
        "ue-distribution-own-numbering",
        "a UE that numbers its inference outputs from 1 and leaves the model implicit in its "
        "delivery requests",
        ReferenceOptions(
            model_distribution_first_sequence=1, model_distribution_requests_name_model=False
        ),
        (FLOW,),
    ),
)
