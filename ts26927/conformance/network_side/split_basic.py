"""Network mutants of the two basic split inference flows (5.2.3.2, UE source and network
source): the reference network that identifies (3) another split point than it selected,
delivers (6) a UE sub-model beyond the UE's memory, or opens the intermediate data session
(10) with a codec the UE lacks or for another split point."""

from __future__ import annotations

from collections.abc import Callable

from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.bindings.reference.split_basic import NetworkBasicSplit
from ts26927.bindings.reference.subsets import subset_output
from ts26927.engine.split.service import SplitService, split_service
from ts26927.models.messages.common import ModelSubset
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_configuration import (
    OptimizationPreference,
    SplitConfiguration,
    SplitDecisionMode,
    SplitTopology,
)

from ..mutants import _UNLIMITED_UE, Mutant, MutantSpec, _edit, _message, _other_split_point


def _codec_outside_ue(output: Output) -> Output:
    info = dict((output.message or {})["intermediateDataInformation"])
    return _message(output, intermediateDataInformation={**info, "compressionAlgorithms": ["ZSTD"]})


def _other_split_configuration(
    service: SplitService, topology: SplitTopology, than: str | None
) -> SplitConfiguration:
    """A split configuration of the model at another split point than ``than``: the one
    that puts the most on the UE."""
    selection = service.select(
        ServiceRequirementInformation(),
        _UNLIMITED_UE,
        topology=topology,
        preference=OptimizationPreference.LATENCY,
        mode=SplitDecisionMode.UE,
    )
    heaviest = sorted(selection.candidates, key=lambda c: -(c.ue_profile.computational_cost or 0))
    return next(c for c in heaviest if c.split_point_information.split_point_identifier != than)


class _HeavyUeSubset(NetworkBasicSplit):
    """Delivers (6) the UE's sub-model of the split point that puts the most on the UE,
    whatever its memory and whatever split point it identified."""

    def _deliver(self) -> Reply:
        heaviest = _other_split_configuration(self.service, self.topology, None)
        sub = self.service.submodels(heaviest.split_point_information.split_point_identifier)
        ue_side = sub.tail if self.network_source else sub.head
        return [subset_output("6", self.model_identifier, ue_side, ModelSubset.UE_SUBSET)]


class _SessionElsewhere(NetworkBasicSplit):
    """Opens the intermediate data session (10) for another split point than the one whose
    sub-model it delivered."""

    def poll(self) -> Reply:
        reply = super().poll()
        if isinstance(reply, Refusal) or self.chosen is None:
            return reply
        chosen = self.chosen.split_point_information.split_point_identifier
        other = _other_split_configuration(self.service, self.topology, chosen)
        info = other.intermediate_data_information.to_wire()
        return [
            _message(o, intermediateDataInformation=info) if o.step == "10" else o for o in reply
        ]


def _basic(player: type[NetworkBasicSplit]) -> Callable[[], Mutant]:
    def make() -> Mutant:
        mutant = Mutant()
        flow = "split-inference-ue-source"
        mutant.players[(flow, "NETWORK")] = lambda p, o: player(
            split_service(str(p.get("model", "digits"))), flow, p, o
        )
        return mutant

    return make


MUTANTS: tuple[MutantSpec, ...] = (
    MutantSpec(
        "wrong-codec-basic",
        "opens the basic flow's intermediate data session with a codec the UE lacks",
        lambda: Mutant(_edit("10", _codec_outside_ue)),
        "5.2.3.2-split-inference-ue-source-001",
        "10",
    ),
    MutantSpec(
        "identifies-another-split-point",
        "identifies (3) another split point than its selection (2) named",
        lambda: Mutant(_edit("3", _other_split_point)),
        "5.2.3.2-split-inference-network-source-001",
        "3",
    ),
    MutantSpec(
        "heavy-ue-subset",
        "delivers the UE the sub-model that puts the most on it, beyond its memory",
        _basic(_HeavyUeSubset),
        "5.2.3.2-split-inference-ue-source-001",
        "6",
    ),
    MutantSpec(
        "session-at-another-split-point",
        "opens the session for another split point than the sub-model it delivered",
        _basic(_SessionElsewhere),
        "5.2.3.2-split-inference-ue-source-001",
        "10",
    ),
)
