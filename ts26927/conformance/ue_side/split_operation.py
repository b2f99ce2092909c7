"""The UE side of the split AI/ML operation procedure (5.3.5) under test: UE mutants, each a
reference UE with one defect that the case written for it must catch at its step, and the
legal choices a UE may make (its updates in band, another negotiated split point, units
that do not frame their split point), which every case of the workflow must pass."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from ts26927.bindings.base import Output, Refusal
from ts26927.bindings.reference import ReferenceOptions
from ts26927.bindings.reference.ue_split_operation import SplitInForce, UeSplitOperation
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.models.intermediate_data import DataDirection, IntermediateDataInformation
from ts26927.models.messages.split import IntermediateDataDelivery, SplitPointUpdate
from ts26927.models.split_model import SplitPointInformation

from ..mutants import Mutant, MutantSpec
from ..variants import VariantSpec

FLOW = "split-operation"
MAIN = "5.3.5-split-operation-004"


def _playing(player: type[UeSplitOperation]) -> Callable[[], Mutant]:
    """A mutant whose UE side of the workflow is ``player``."""

    def make() -> Mutant:
        mutant = Mutant()
        mutant.players[(FLOW, "UE")] = player
        return mutant

    return make


class _KeepsOldSubset(UeSplitOperation):
    """Acknowledges every split point update and keeps computing at the old split point."""

    def move(self, update: SplitPointUpdate) -> Refusal | None:
        return None


class _FramesFirstSplitPoint(UeSplitOperation):
    """Frames every unit's header with the split point first acknowledged."""

    first: SplitInForce | None = None

    def unit(self, update: SplitPointUpdate | None = None) -> Output:
        assert self.split is not None
        self.first = self.first or self.split
        current = self.split
        self.split = replace(current, point=self.first.point)
        try:
            output = super().unit(update)
        finally:
            self.split = current
        message = {
            **(output.message or {}),
            "splitPointIdentifier": current.point.split_point_identifier,
        }
        return Output(output.step, message, output.attachments)


class _IgnoresAgreedCodec(UeSplitOperation):
    """Sends its units uncoded (NONE) while the message states the agreed chain."""

    def unit(self, update: SplitPointUpdate | None = None) -> Output:
        assert self.split is not None
        agreed = self.split
        plain = agreed.information.model_copy(update={"compression_algorithms": None})
        self.split = replace(agreed, information=plain, chain=CodecChain.parse("NONE"))
        try:
            output = super().unit(update)
        finally:
            self.split = agreed
        chain = [str(a) for a in agreed.chain.algorithms]
        message = {**(output.message or {}), "compressionAlgorithms": chain}
        return Output(output.step, message, output.attachments)


class _RunsAnotherSubset(UeSplitOperation):
    """Runs the sub-model of the split point before the agreed one and sends its output
    under the agreed tensor's name (when the shapes agree, as they do on the digits model)."""

    def crossing(self, split: SplitInForce) -> dict[str, np.ndarray]:
        assert self.analysis is not None and self.extractor is not None
        names = {t.name for t in split.information.tensors}
        number = next(
            c.number for c in self.analysis.candidates if {t.name for t in c.crossing} == names
        )
        if number < 2:
            return super().crossing(split)
        head = self.extractor.extract(number - 1).head
        runner = Runner(head, label="another sub-model")
        value = next(iter(runner.run({next(iter(runner.inputs)): self.media}).values()))
        return {t.name: value for t in split.information.tensors}


class _RunsWhateverModelData(UeSplitOperation):
    """Takes whatever model data it receives as its sub-model, wherever it ends."""

    def configure(
        self, point: SplitPointInformation, information: IntermediateDataInformation
    ) -> SplitInForce | str:
        found = super().configure(point, information)
        if isinstance(found, str):
            assert self.model is not None
            return SplitInForce(point, information, CodecChain.of(information), self.model)
        return found


class _AcceptsAnyUpdate(UeSplitOperation):
    """Moves to any split point it can find in the model, negotiated or not."""

    def move(self, update: SplitPointUpdate) -> Refusal | None:
        point = update.split_point_information
        self.negotiated.setdefault(point.split_point_identifier, point)
        return super().move(update)


class _AcceptsStaleResult(UeSplitOperation):
    """Takes the network's result whatever split point its header names."""

    def stale(self, delivery: IntermediateDataDelivery) -> str | None:
        return None


class _AcceptsUnreportedCodec(UeSplitOperation):
    """Accepts intermediate data with any codec, reported or not."""

    def unusable(self, information: IntermediateDataInformation) -> str | None:
        return None


class _NeverMoves(UeSplitOperation):
    """Ignores its application's split point update trigger."""

    def __init__(self, params: dict[str, Any], options: ReferenceOptions) -> None:
        super().__init__(params, options)
        self.app_updates = False


class _MovesOutsideNegotiation(UeSplitOperation):
    """Its application moves to a split point of its own, one the network never negotiated."""

    def _app_update(self) -> list[Output]:
        assert self.analysis is not None and self.split is not None
        for candidate in self.analysis.candidates:
            point = candidate.split_point_information()
            if point.split_point_identifier in self.negotiated:
                continue
            information = candidate.intermediate_data_information(
                DataDirection.UPSTREAM, list(self.split.chain.algorithms)
            )
            update = SplitPointUpdate(
                split_point_information=point, intermediate_data_information=information
            )
            self.negotiated[point.split_point_identifier] = point
            if self.move(update) is None:
                return [Output("15", update.to_wire()), self.unit()]
        return []


MUTANTS: tuple[MutantSpec, ...] = (
    MutantSpec(
        "ue-keeps-old-subset",
        "a UE that accepts a split point update but keeps running the old subset",
        _playing(_KeepsOldSubset),
        MAIN,
        "14",
    ),
    MutantSpec(
        "ue-frames-wrong-split-point",
        "a UE that frames its units with the first acknowledged split point after an update",
        _playing(_FramesFirstSplitPoint),
        MAIN,
        "14",
    ),
    MutantSpec(
        "ue-ignores-agreed-codec",
        "a UE that sends its intermediate data uncoded while stating the agreed codec chain",
        _playing(_IgnoresAgreedCodec),
        MAIN,
        "14",
    ),
    MutantSpec(
        "ue-runs-another-subset",
        "a UE that runs the sub-model of another split point than the agreed one",
        _playing(_RunsAnotherSubset),
        MAIN,
        "14",
    ),
    MutantSpec(
        "ue-runs-whatever-model-data",
        "a UE that takes model data ending at another split point as its sub-model",
        _playing(_RunsWhateverModelData),
        "5.3.5-split-operation-009",
        "10",
    ),
    MutantSpec(
        "ue-accepts-any-split-point",
        "a UE that follows an update to a split point that was never negotiated",
        _playing(_AcceptsAnyUpdate),
        "5.3.5-split-operation-005",
        "15",
    ),
    MutantSpec(
        "ue-accepts-stale-result",
        "a UE that takes a result whose header names a split point not in force",
        _playing(_AcceptsStaleResult),
        "5.3.5-split-operation-007",
        "14",
    ),
    MutantSpec(
        "ue-accepts-unreported-codec",
        "a UE that accepts an acknowledgement with a codec it did not report",
        _playing(_AcceptsUnreportedCodec),
        "5.3.5-split-operation-008",
        "6",
    ),
    MutantSpec(
        "ue-ignores-application-update",
        "a UE whose split point never moves when its application triggers an update",
        _playing(_NeverMoves),
        "5.3.5-split-operation-006",
        "14",
    ),
    MutantSpec(
        "ue-moves-outside-negotiation",
        "a UE whose application moves to a split point the network never negotiated",
        _playing(_MovesOutsideNegotiation),
        "5.3.5-split-operation-006",
        "15",
    ),
)

VARIANTS: tuple[VariantSpec, ...] = (
    VariantSpec(
        "ue-in-band-split-updates",
        "a UE that passes its own split point updates alongside its next unit (in band) "
        "instead of negotiating them at step 15",
        ReferenceOptions(split_operation_in_band_updates=True),
        (FLOW,),
    ),
    VariantSpec(
        "ue-last-negotiated-split-point",
        "a UE whose application moves to the last other negotiated split point, not the next",
        ReferenceOptions(split_operation_update_choice="last"),
        (FLOW,),
    ),
    VariantSpec(
        "ue-units-without-split-point",
        "a UE whose units do not frame their split point (the format makes it optional)",
        ReferenceOptions(split_operation_unit_split_point=False),
        (FLOW,),
    ),
)
