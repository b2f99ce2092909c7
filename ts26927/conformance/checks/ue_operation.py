"""Checks of a UE in the split AI/ML operation procedure (5.3.5) and in model distribution
(5.3.6), by truth the suite computes itself: the tensors the agreed cut of the model
fixture produces from the case's media sample, the whole model's output on it, and what the
test system negotiated and announced."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ts26927.bindings.attachments import bytes_to_array, require
from ts26927.engine.split.unit import decode_unit
from ts26927.errors import CaseDataError, Ts26927Error

from ..agreement import Agreement, agreed, configuration, model_truth, sample_index
from ..context import CaseContext, IutDataFault, Record
from ..truth import NotACut
from .registry import CheckFailed, check, message_of
from .tolerance import close, within_codec


def _agreement(ctx: CaseContext) -> Agreement:
    try:
        return agreed(ctx)
    except IutDataFault as fault:
        raise CheckFailed(fault.reason) from None


def _before(ctx: CaseContext, record: Record) -> CaseContext:
    """The context as it was before ``record`` (the agreement it had to follow)."""
    index = next(i for i, r in enumerate(ctx.records) if r is record)
    return replace(ctx, records=ctx.records[:index])


@check("ue-intermediate-unit")
def _unit(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The UE's unit (``unit`` attachment) is framed at the split point in force — the
    message and, when the unit's header names one, the header — with the agreed codec chain,
    and decodes to the tensors the agreed cut of the model produces from the case's media
    sample, within that chain's own error; the message states the unit's size and chain."""
    message = message_of(record)
    data = require(record.attachments, "unit", f"step {record.step}")
    agreement = _agreement(ctx)
    point = agreement.point.split_point_identifier
    if message.get("splitPointIdentifier") != point:
        raise CheckFailed(
            f"splitPointIdentifier {message.get('splitPointIdentifier')!r}; in force {point!r}"
        )
    if message.get("size") != len(data):
        raise CheckFailed(f"size {message.get('size')}; the unit has {len(data)} bytes")
    agreed_chain = [str(a) for a in agreement.chain.algorithms]
    if message.get("compressionAlgorithms") not in (None, agreed_chain):
        raise CheckFailed(
            f"compressionAlgorithms {message['compressionAlgorithms']}; agreed {agreed_chain}"
        )
    try:
        unit = decode_unit(data)
    except Ts26927Error as error:
        raise CheckFailed(f"the unit does not decode: {error}") from None
    framed = unit.header.split_point_information
    if framed is not None and framed.split_point_identifier != point:
        raise CheckFailed(
            f"the unit's header frames split point {framed.split_point_identifier!r}; "
            f"in force {point!r}"
        )
    information = unit.header.intermediate_data_information
    chain = [str(a) for a in information.compression_algorithms or ["NONE"]]
    if chain != agreed_chain:
        raise CheckFailed(
            f"the unit is coded with {chain}; the agreed codec chain is {agreed_chain}"
        )
    described = [t.to_wire() for t in information.tensors]
    if described != [t.wire() for t in agreement.cut.crossing]:
        raise CheckFailed(
            f"the unit carries {described}; the agreed cut is {list(agreement.cut.names)}"
        )
    truth = model_truth(ctx).crossing_values(agreement.cut, sample_index(ctx))
    for name, value in unit.tensors.items():
        within_codec(np.asarray(value), truth[name], agreement.chain.algorithms, f"tensor {name!r}")


@check("ue-split-point-update")
def _update(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The UE's own split point update — step 15, or passed in band with its unit (14) —
    moves to another of the split points the network negotiated (step 5), describes that
    point's intermediate data truly, and uses only algorithms the UE reported (step 3). A
    unit without an in-band update must follow the update the UE negotiated just before."""
    message = message_of(record)
    update = message.get("splitPointUpdate") if record.step == "14" else message
    before = _before(ctx, record)
    if update is None:
        previous = next((r for r in reversed(before.records) if r.by == "IUT"), None)
        if previous is None or previous.step != "15":
            raise CheckFailed(
                "the UE's application triggered a split point update, but the UE neither "
                "negotiated one (15) nor passed one alongside this unit"
            )
        return
    old = _agreement(before).point.split_point_identifier
    point = update.get("splitPointInformation") or {}
    identifier = point.get("splitPointIdentifier")
    negotiated = {p["splitPointIdentifier"]: p for p in ctx.message("5").get("splitPoints", [])}
    if identifier not in negotiated:
        raise CheckFailed(
            f"split point {identifier!r} is not one the network negotiated {sorted(negotiated)}"
        )
    if identifier == old:
        raise CheckFailed(f"the update names the split point already in force ({old!r})")
    if update.get("intermediateDataInformation") is None:
        raise CheckFailed(
            "the update does not describe the intermediate data at the new split point"
        )
    try:
        agreement = configuration(ctx, record.step, point, update["intermediateDataInformation"])
    except IutDataFault as fault:
        raise CheckFailed(fault.reason) from None
    named = negotiated[identifier]
    try:
        cut = model_truth(ctx).cut_at_node(
            named["splitPointName"], named.get("splitPointFlag", "AFTER")
        )
    except (KeyError, NotACut) as error:
        # The negotiated points (5) are the test system's own: a point it cannot find in the
        # model is the suite's fault, not the UE's.
        raise CaseDataError(
            f"{ctx.case_id}: the test system negotiated split point {identifier!r}, which "
            f"cannot be found in the model: {error}"
        ) from None
    if set(cut.names) != set(agreement.cut.names):
        raise CheckFailed(
            f"split point {identifier!r} is where {list(cut.names)} cross; the update "
            f"describes {list(agreement.cut.names)}"
        )
    if [t.to_wire() for t in agreement.information.tensors] != [t.wire() for t in cut.crossing]:
        raise CheckFailed("the update describes the crossing tensors untruly (shape or type)")
    capabilities = ctx.message("3").get("capabilityInformation") or {}
    reported = set(capabilities.get("supportedCompressionAlgorithms") or ["NONE"])
    if unreported := sorted({str(a) for a in agreement.chain.algorithms} - reported):
        raise CheckFailed(f"the update uses {unreported}, which the UE did not report")


def _announced(ctx: CaseContext) -> list[str]:
    """The model identifiers of the service access information (in whole at 4, or 6)."""
    access = None
    for record in reversed(ctx.records):
        message = record.message or {}
        if record.step == "6" and record.by == "TS":
            access = message
        elif record.step == "4" and record.by == "TS":
            access = access or message.get("serviceAccessInformation")
        if access is not None:
            break
    return [m["modelIdentifier"] for m in (access or {}).get("aiModels") or []]


@check("ue-requests-announced-model")
def _request(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """A delivery request that names a model names one the service access information
    announced (a request may leave the model implicit)."""
    named = message_of(record).get("modelIdentifier")
    announced = _announced(ctx)
    if named is not None and named not in announced:
        raise CheckFailed(f"the UE requests model {named!r}; the service announced {announced}")


@check("ue-inference-output")
def _output(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The UE's inference output (``output`` attachment) is the whole model's on the case's
    media sample, and the message describes it (the model's output tensor, its shape and
    element type)."""
    got = bytes_to_array(require(record.attachments, "output", f"step {record.step}"))
    truth = model_truth(ctx)
    want = truth.whole(sample_index(ctx))
    close(got, want, "inference output")
    described = message_of(record).get("outputs") or []
    expected = {"name": truth.fixture.output_name, "tensorShape": list(want.shape)}
    if not any({k: d.get(k) for k in expected} == expected for d in described):
        raise CheckFailed(f"the message describes {described}; the output is {expected}")
