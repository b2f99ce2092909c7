"""What the two sides of a split workflow have agreed so far, as the IUT announced it.

The split point is the IUT's own (its identifier, name, number and flag are whatever it
announced and are echoed back as they are); the cut it stands for is found from the
tensors its intermediate data information names, in the model fixture the case uses
(:mod:`.truth`). Where the agreement was made depends on the workflow: the network's
decision (7a) or the UE's selection among the offered candidates (6b) in the detailed
flow, the acknowledgement (6) or a split point update (15) in the split AI/ML operation
procedure, and in the basic flows the split point the network identified (3) with the
intermediate data session (10) — or, before that session, the boundary of the UE's
sub-model delivered at step 6.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.loading import load_model
from ts26927.errors import Ts26927Error
from ts26927.models.intermediate_data import DataDirection, IntermediateDataInformation
from ts26927.models.split_model import SplitPointInformation

from .context import CaseContext, IutDataFault, Record
from .truth import Cut, ModelTruth, NotACut, truth

UE_FIRST = "UE_SOURCE_UE_FIRST"


@dataclass(frozen=True)
class Agreement:
    step: str
    """The step whose message made the agreement."""
    point: SplitPointInformation
    information: IntermediateDataInformation
    chain: CodecChain
    cut: Cut


def model_truth(ctx: CaseContext) -> ModelTruth:
    return truth(str(ctx.params["model"]))


def ue_first(ctx: CaseContext) -> bool:
    return ctx.params.get("topology", UE_FIRST) == UE_FIRST


def direction(ctx: CaseContext) -> DataDirection:
    return DataDirection.UPSTREAM if ue_first(ctx) else DataDirection.DOWNSTREAM


def sample_index(ctx: CaseContext) -> int:
    return int(ctx.params.get("sample", 0))


def chain_of(info: IntermediateDataInformation, step: str) -> CodecChain:
    try:
        return CodecChain.of(info)
    except Ts26927Error as error:
        raise IutDataFault(step, f"compressionAlgorithms: {error}") from None


def configuration(ctx: CaseContext, step: str, point: Any, information: Any) -> Agreement:
    """The configuration the IUT announced at ``step``, tied to the model's cut."""
    try:
        split_point = (
            point
            if isinstance(point, SplitPointInformation)
            else SplitPointInformation.from_wire(point)
        )
        info = (
            information
            if isinstance(information, IntermediateDataInformation)
            else IntermediateDataInformation.from_wire(information)
        )
    except (ValidationError, ValueError) as error:
        raise IutDataFault(step, f"not a split configuration: {error}") from None
    names = [t.name for t in info.tensors]
    try:
        cut = model_truth(ctx).cut(names)
    except NotACut as error:
        raise IutDataFault(
            step,
            f"split point {split_point.split_point_identifier!r} (tensors {names}) is not a "
            f"split point of model {ctx.params['model']}: {error}",
        ) from None
    return Agreement(step, split_point, info, chain_of(info, step), cut)


def agreed(ctx: CaseContext) -> Agreement:
    """The configuration in force now (the latest agreement of the case's workflow)."""
    for record in reversed(ctx.records):
        message = record.message or {}
        if record.step == "7a" and ctx.flow == "split-inference":
            return configuration(
                ctx, "7a", message["splitPointInformation"], message["intermediateDataInformation"]
            )
        if record.step == "6b" and ctx.flow == "split-inference":
            chosen = message["selected"]
            return configuration(
                ctx, "4b", chosen["splitPointInformation"], chosen["intermediateDataInformation"]
            )
        in_band = message.get("splitPointUpdate") if record.step == "14" else None
        if ctx.flow == "split-operation" and in_band:
            return configuration(
                ctx,
                "14",
                in_band["splitPointInformation"],
                in_band.get("intermediateDataInformation"),
            )
        if (
            ctx.flow == "split-operation"
            and record.step in ("6", "15")
            and "intermediateDataInformation" in message
        ):
            return configuration(
                ctx,
                record.step,
                message["splitPointInformation"],
                message["intermediateDataInformation"],
            )
        if record.step == "10" and ctx.flow.startswith("split-inference-"):
            point = identified_point(ctx)
            return configuration(ctx, "10", point, message["intermediateDataInformation"])
    if ctx.flow.startswith("split-inference-") and ctx.has("6", "IUT"):
        return basic_boundary(ctx)
    raise IutDataFault("", "no split configuration has been agreed yet")


def identified_point(ctx: CaseContext) -> SplitPointInformation:
    """The split point of a basic flow: as the selection (2) describes it, else as the
    network identified it (3)."""
    selected = ctx.message("2").get("splitPointInformation")
    if selected is not None:
        return configuration_point(selected, "2")
    identifier = ctx.message("3").get("splitPointIdentifier")
    if identifier is None:
        raise IutDataFault("3", "the network did not say which split point it identified")
    return SplitPointInformation(split_point_identifier=identifier)


def configuration_point(point: Any, step: str) -> SplitPointInformation:
    try:
        return SplitPointInformation.from_wire(point)
    except (ValidationError, ValueError) as error:
        raise IutDataFault(step, f"not split point information: {error}") from None


def delivered_subset(ctx: CaseContext) -> tuple[Record, Any]:
    """The UE's sub-model the IUT delivered (13 in the detailed flow, 6 in the basic ones,
    10 in the split AI/ML operation), loaded safely."""
    step = {"split-inference": "13", "split-operation": "10"}.get(ctx.flow, "6")
    record = ctx.last(step, "IUT")
    data = record.attachments.get("model")
    if data is None:
        raise IutDataFault(step, "no 'model' attachment carries the UE's sub-model")
    try:
        return record, load_model(data)
    except Ts26927Error as error:
        raise IutDataFault(step, f"the UE's sub-model does not load: {error}") from None


def boundary(ctx: CaseContext, model: Any) -> list[str]:
    """The tensors at the UE sub-model's split boundary: its outputs when the UE runs the
    first part, else its inputs (weights excepted)."""
    if ue_first(ctx):
        return [o.name for o in model.graph.output]
    weights = {t.name for t in model.graph.initializer}
    return [i.name for i in model.graph.input if i.name not in weights]


def basic_boundary(ctx: CaseContext) -> Agreement:
    """Before the intermediate data session of a basic flow: the split point the network
    identified, at the boundary of the UE's sub-model, uncompressed."""
    record, model = delivered_subset(ctx)
    names = boundary(ctx, model)
    try:
        cut = model_truth(ctx).cut(names)
    except NotACut as error:
        raise IutDataFault(
            record.step, f"the UE's sub-model ends at {names}, not at a split point: {error}"
        ) from None
    information = model_truth(ctx).information(cut, CodecChain.parse("NONE"), direction(ctx))
    return Agreement("6", identified_point(ctx), information, CodecChain.parse("NONE"), cut)
