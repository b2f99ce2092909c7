"""Checks of a UE in split inference (5.2.3.2 and any workflow where the UE runs a
sub-model): the capabilities it reports, the configuration it selects, the session it
opens, the intermediate data it sends and the output it computes — each against what the
UE was set up with (its resources, the case's ``ueCapabilities`` fixture), what the test system
offered and sent, and the suite's own cut of the model fixture (:mod:`..truth`)."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import ValidationError

from ts26927.bindings.attachments import bytes_to_array, require
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.loading import load_model
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.unit import decode_unit
from ts26927.errors import Ts26927Error
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.intermediate_data import IntermediateDataInformation
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_configuration import SplitConfiguration

from ..agreement import (
    Agreement,
    agreed,
    boundary,
    chain_of,
    configuration,
    direction,
    model_truth,
    sample_index,
    ue_first,
)
from ..context import CaseContext, CaseDataError, IutDataFault, Record, lookup
from ..feasibility import bounds, infeasibility
from ..fixtures.profiles import service_requirements, ue_capabilities
from ..truth import NotACut
from .registry import CheckFailed, check, message_of
from .tolerance import close, within_codec


def _agreement(action: Any) -> Agreement:
    try:
        return action()
    except IutDataFault as fault:
        raise CheckFailed(fault.reason) from None


def device(ctx: CaseContext) -> EndpointCapabilityInformation:
    """The resources the UE was set up with: the case's ``ueCapabilities`` fixture."""
    return ue_capabilities(ctx.fixture("ueCapabilities"))


def service(ctx: CaseContext) -> ServiceRequirementInformation:
    """The requirements of the UE's service: the case's ``serviceRequirements`` fixture."""
    return service_requirements(ctx.fixture("serviceRequirements"))


def overclaims(
    reported: EndpointCapabilityInformation, actual: EndpointCapabilityInformation
) -> list[str]:
    """What ``reported`` claims beyond ``actual`` (reporting less is the UE's own caution)."""
    found: list[str] = []
    if reported.endpoint_type is not None and str(reported.endpoint_type) != "UE":
        found.append(f"endpointType {reported.endpoint_type}; the UE reports for itself")
    have, claim = actual.processing_capabilities, reported.processing_capabilities
    if claim is not None and have is not None:
        if claim.memory > have.memory:
            found.append(f"memory {claim.memory:g} MB; the UE has {have.memory:g} MB")
        if claim.total_compute_flops > have.total_compute_flops * (1 + 1e-9):
            found.append(
                f"{claim.total_compute_flops:g} FLOPS; the UE has {have.total_compute_flops:g}"
            )
    codecs = {str(a) for a in reported.supported_compression_algorithms or []}
    if extra := sorted(codecs - {str(a) for a in actual.supported_compression_algorithms or []}):
        found.append(f"compression algorithms {extra} it does not support")
    rate, real = reported.connection_capabilities, actual.connection_capabilities
    if rate is not None and real is not None and rate.bps > real.bps:
        found.append(f"a connection of {rate.bps:g} bit/s; the UE has {real.bps:g} bit/s")
    return found


@check("ue-capabilities")
def _ue_capabilities(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The capabilities the UE reports (the message, or the object at ``pointer``) claim
    nothing beyond the resources it has: memory, compute, codecs, connection. With
    ``required`` false (a request that 'may include' them) they may be absent."""
    try:
        document = lookup(message_of(record), str(args.get("pointer", "")), ctx.case_id)
    except CaseDataError:  # nothing there
        document = None
    if document is None or document == {}:
        if args.get("required", True):
            raise CheckFailed("the UE reports no capabilities")
        return
    try:
        reported = EndpointCapabilityInformation.from_wire(document)
    except (ValidationError, ValueError) as error:
        raise CheckFailed(f"not endpoint capability information: {error}") from None
    if found := overclaims(reported, device(ctx)):
        raise CheckFailed("the UE reports " + "; ".join(found))


def reported(ctx: CaseContext) -> EndpointCapabilityInformation | None:
    """The capabilities the UE itself reported last (step 1 or its request), if any."""
    for record in reversed(ctx.records):
        if record.by != "IUT" or record.message is None:
            continue
        document = record.message.get("ueCapabilityInformation")
        if document is None and record.step == "1" and ctx.flow == "split-inference":
            document = record.message
        if document is not None:
            try:
                return EndpointCapabilityInformation.from_wire(document)
            except (ValidationError, ValueError):
                return None
    return None


def _infeasible(ctx: CaseContext, agreement: Agreement) -> list[str]:
    """Why the UE cannot run ``agreement``, by its resources and by what it reported."""
    truth = model_truth(ctx)
    cut, chain = agreement.cut, agreement.chain
    unit = truth.unit(cut, chain, sample_index(ctx), direction(ctx))
    coded = sum(p.payload_length for p in unit.header.payloads)
    accuracy = truth.accuracy(cut, chain)
    found: list[str] = []
    claimed = reported(ctx)
    for ue in [device(ctx), *([claimed] if claimed is not None else [])]:
        limits = bounds(cut, chain, ue, ue_first(ctx), coded)
        found += [p for p in infeasibility(chain, ue, service(ctx), limits, accuracy)]
    return list(dict.fromkeys(found))


@check("ue-selection")
def _ue_selection(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The configuration the UE selects (6b) is one the network offered (4b), exactly as
    offered, and one it can run: its codecs, its memory, the service's budget and floor."""
    selected = message_of(record).get("selected")
    if not isinstance(selected, dict):
        raise CheckFailed("the selection carries no configuration")
    offers = ctx.last("4b", "TS").message or {}
    try:
        mine = SplitConfiguration.from_wire(selected).to_wire()
        offered = [SplitConfiguration.from_wire(c).to_wire() for c in offers["candidates"]]
    except (ValidationError, ValueError, KeyError) as error:
        raise CheckFailed(f"not a split configuration: {error}") from None
    if mine not in offered:
        ids = [c["configurationIdentifier"] for c in offered]
        raise CheckFailed(
            f"configuration {mine['configurationIdentifier']!r} is not one offered at 4b "
            f"({ids}) as it was offered"
        )
    agreement = _agreement(
        lambda: configuration(
            ctx,
            record.step,
            selected["splitPointInformation"],
            selected["intermediateDataInformation"],
        )
    )
    if found := _infeasible(ctx, agreement):
        raise CheckFailed(
            f"the UE selected {mine['configurationIdentifier']!r}, which it cannot run: "
            + "; ".join(found)
        )


def _delivered_boundary(ctx: CaseContext) -> list[str]:
    """The tensors at the boundary of the UE's sub-model the test system delivered."""
    step = "13" if ctx.flow == "split-inference" else "6"
    data = ctx.last(step, "TS").attachments.get("model")
    if data is None:
        raise CheckFailed(f"the test system delivered no sub-model at step {step}")
    return boundary(ctx, load_model(data))


@check("ue-session-setup")
def _ue_session_setup(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The intermediate data session the UE opens (17a; basic 10) asks for the tensors its
    sub-model takes, described truly, flowing toward it, with the agreed codec chain — or,
    where nothing was agreed yet (basic flows), a chain the UE reported it supports."""
    got = message_of(record).get("intermediateDataInformation") or {}
    names = [str(t.get("name")) for t in got.get("tensors", [])]
    wanted = _delivered_boundary(ctx)
    if sorted(names) != sorted(wanted):
        raise CheckFailed(f"the session asks for {names}; the UE's sub-model takes {wanted}")
    try:
        information = IntermediateDataInformation.from_wire(got)
        cut = model_truth(ctx).cut(names)
    except (ValidationError, ValueError, NotACut) as error:
        raise CheckFailed(f"not the intermediate data of a split point: {error}") from None
    described = [t.to_wire() for t in information.tensors]
    if described != [t.wire() for t in cut.crossing]:
        raise CheckFailed(f"it describes the tensors as {described}; they are otherwise")
    way = information.data_direction
    if way is not None and way is not direction(ctx):
        raise CheckFailed(f"dataDirection {way}; the intermediate data flows {direction(ctx)}")
    chain = _agreement(lambda: chain_of(information, record.step))
    if ctx.flow == "split-inference":
        agreed_chain = _agreement(lambda: agreed(ctx)).chain
        if chain.algorithms != agreed_chain.algorithms:
            raise CheckFailed(f"codec chain {chain.name}; agreed {agreed_chain.name}")
        return
    claimed = reported(ctx) or device(ctx)
    supported = {str(a) for a in claimed.supported_compression_algorithms or []} | {"NONE"}
    if missing := [str(a) for a in chain.algorithms if str(a) not in supported]:
        raise CheckFailed(f"codec chain {chain.name}: the UE reported no {missing}")


@check("ue-intermediate-data")
def _ue_intermediate_data(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The UE's unit (``unit`` attachment) is framed as the documented format says, for the
    agreed split point, with exactly the agreed codec chain, and decodes to the tensors the
    agreed cut produces from the case's media sample, within that chain's stated error; the
    message announces its size, split point and chain."""
    data = require(record.attachments, "unit", f"step {record.step}")
    message = message_of(record)
    agreement = _agreement(lambda: agreed(ctx))
    point = agreement.point.split_point_identifier
    if message.get("size") != len(data):
        raise CheckFailed(f"size {message.get('size')}; the unit has {len(data)} bytes")
    if message.get("splitPointIdentifier") != point:
        raise CheckFailed(
            f"splitPointIdentifier {message.get('splitPointIdentifier')!r}; agreed {point!r}"
        )
    announced = message.get("compressionAlgorithms")
    if announced is not None and announced != [str(a) for a in agreement.chain.algorithms]:
        raise CheckFailed(f"compressionAlgorithms {announced}; agreed {agreement.chain.name}")
    try:
        unit = decode_unit(data)
        framed = CodecChain.of(unit.header.intermediate_data_information)
    except Ts26927Error as error:
        raise CheckFailed(f"the unit does not decode: {error}") from None
    header_point = unit.header.split_point_information
    if header_point is not None and header_point.split_point_identifier != point:
        raise CheckFailed(
            f"the unit is framed for split point {header_point.split_point_identifier!r}; "
            f"agreed {point!r}"
        )
    if framed.algorithms != agreement.chain.algorithms:
        raise CheckFailed(f"the unit is framed with {framed.name}; agreed {agreement.chain.name}")
    described = [t.to_wire() for t in unit.header.intermediate_data_information.tensors]
    if described != [t.wire() for t in agreement.cut.crossing]:
        raise CheckFailed(f"the unit carries {described}; agreed {list(agreement.cut.names)}")
    truth = model_truth(ctx).crossing_values(agreement.cut, sample_index(ctx))
    for name, value in unit.tensors.items():
        within_codec(np.asarray(value), truth[name], agreement.chain.algorithms, f"tensor {name!r}")


@check("ue-subset-output")
def _ue_subset_output(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The UE's sub-model output, as its unit carries it, completed by the suite's own
    second sub-model gives the whole model's output on the sample: equal for a lossless
    chain, the same top class after a precision reduction."""
    agreement = _agreement(lambda: agreed(ctx))
    try:
        tensors = decode_unit(require(record.attachments, "unit", f"step {record.step}")).tensors
        rest = Runner(agreement.cut.second_model, label="the suite's second sub-model")
        got = rest.run({n: tensors[n] for n in rest.inputs})[model_truth(ctx).fixture.output_name]
    except KeyError as error:
        raise CheckFailed(f"the unit lacks tensor {error}") from None
    want = model_truth(ctx).whole(sample_index(ctx))
    if not agreement.chain.lossy:
        close(got, want, "the UE's sub-model with the suite's other sub-model")
    elif np.argmax(got, axis=-1).tolist() != np.argmax(want, axis=-1).tolist():
        raise CheckFailed("with the suite's other sub-model it gives another class than the model")


@check("ue-final-output")
def _ue_final_output(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The UE's final output (``output`` attachment, .npy) is its sub-model run on the unit
    the test system sent, decoded: the suite's own second sub-model on that unit. (The unit
    holds the suite's own true crossing values, so under a lossless chain that is the whole
    model's output on the sample.)"""
    got = bytes_to_array(require(record.attachments, "output", f"step {record.step}"))
    sent = next(
        (r for r in reversed(ctx.records) if r.by == "TS" and "unit" in r.attachments), None
    )
    if sent is None:
        raise CheckFailed("the test system sent no intermediate data unit before this output")
    agreement = _agreement(lambda: agreed(ctx))
    tensors = decode_unit(sent.attachments["unit"]).tensors
    rest = Runner(agreement.cut.second_model, label="the suite's second sub-model")
    want = rest.run({n: tensors[n] for n in rest.inputs})[model_truth(ctx).fixture.output_name]
    close(got, want, "the UE's inference output")
