"""Checks of split inference: configurations the IUT offers or decides, the sub-model it
delivers, the intermediate data it sends and the outputs it returns — each against the
model fixture's own cut (:mod:`..truth`), the case's UE capabilities and service
requirements (:mod:`..feasibility`), and what the test system itself sent."""

from __future__ import annotations

from typing import Any

import numpy as np

from ts26927.bindings.attachments import bytes_to_array, require
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.unit import decode_unit
from ts26927.errors import Ts26927Error
from ts26927.models.units import BYTES_PER_KB, BYTES_PER_MB

from ..agreement import (
    Agreement,
    agreed,
    boundary,
    configuration,
    delivered_subset,
    direction,
    identified_point,
    model_truth,
    sample_index,
    ue_first,
)
from ..context import CaseContext, IutDataFault, Record
from ..feasibility import (
    ACCURACY_TOLERANCE,
    FLOP_SLACK,
    FRAMING_ALLOWANCE,
    MEMORY_TOLERANCE,
    SIZE_TOLERANCE,
    bounds,
    infeasibility,
    precision_bytes,
)
from ..fixtures.profiles import service_requirements, ue_capabilities
from .registry import CheckFailed, check, message_of
from .tolerance import close, within_codec

#: The intermediate data size a split point announces: raw bytes within this fraction.
RAW_SIZE_TOLERANCE = 0.01


def _fault_as_failure(step: str, action: Any) -> Any:
    try:
        return action()
    except IutDataFault as fault:
        raise CheckFailed(fault.reason) from None


def problems(
    ctx: CaseContext, agreement: Agreement, announced: dict[str, Any] | None = None
) -> list[str]:
    """Everything wrong with one configuration the IUT offered or decided."""
    truth = model_truth(ctx)
    cut, chain, info = agreement.cut, agreement.chain, agreement.information
    found: list[str] = []
    wanted = direction(ctx)
    if info.data_direction is not None and info.data_direction is not wanted:
        found.append(f"dataDirection is {info.data_direction}, the topology needs {wanted}")
    described = [t.to_wire() for t in info.tensors]
    actual = [t.wire() for t in cut.crossing]
    if described != actual:
        found.append(f"it describes the tensors as {described}; at that cut they are {actual}")
    size = agreement.point.split_point_intermediate_data_size
    raw_kb = cut.raw_bytes / BYTES_PER_KB
    if size is not None and abs(size - raw_kb) > max(RAW_SIZE_TOLERANCE * raw_kb, 0.01):
        found.append(f"splitPointIntermediateDataSize {size} KB; the tensors hold {raw_kb:g} KB")
    ue = ue_capabilities(ctx.fixture("ueCapabilities"))
    service = service_requirements(ctx.fixture("serviceRequirements"))
    index = sample_index(ctx)
    unit = truth.unit(cut, chain, index, wanted, agreement.point)
    coded = sum(p.payload_length for p in unit.header.payloads)
    limits = bounds(cut, chain, ue, ue_first(ctx), coded)
    measured = truth.accuracy(cut, chain)
    if measured is None and service.minimum_service_inference_accuracy is not None:
        ctx.note(f"{truth.fixture.name} has no labelled data: the accuracy floor was not judged")
    found += infeasibility(chain, ue, service, limits, measured)
    if announced is not None:
        uncoded = precision_bytes(cut, chain) + (unit.nbytes - coded)
        found += _announced(ctx, announced, limits, measured, unit.nbytes, uncoded, chain)
    return found


def _announced(
    ctx: CaseContext,
    candidate: dict[str, Any],
    limits: Any,
    measured: float | None,
    unit_bytes: int,
    uncoded_bytes: int,
    chain: CodecChain,
) -> list[str]:
    """A candidate's own figures (step 3b's 'model accuracy, intermediate data
    characteristics, latencies, UE profile') held against the truth."""
    found: list[str] = []
    service = service_requirements(ctx.fixture("serviceRequirements"))
    ue = ue_capabilities(ctx.fixture("ueCapabilities"))
    topology = ctx.params.get("topology", "UE_SOURCE_UE_FIRST")
    if candidate.get("topology") not in (None, topology):
        found.append(f"topology {candidate['topology']}; the case's is {topology}")
    accuracy = candidate.get("accuracy")
    if accuracy is None and service.minimum_service_inference_accuracy is not None:
        found.append("accuracy is missing, and the service requires a minimum accuracy")
    elif (
        accuracy is not None
        and measured is not None
        and abs(accuracy - measured) > ACCURACY_TOLERANCE
    ):
        found.append(f"accuracy {accuracy} %; measured on the held-out set {measured:.2f} %")
    size = candidate.get("intermediateDataSize")
    if size is not None:
        size_bytes = size * BYTES_PER_KB
        if chain.lossless is None:
            if abs(size_bytes - unit_bytes) > max(SIZE_TOLERANCE * unit_bytes, FRAMING_ALLOWANCE):
                found.append(
                    f"intermediateDataSize {size} KB; a unit of this data is "
                    f"{unit_bytes / BYTES_PER_KB:g} KB"
                )
        else:
            # What a lossless coder achieves depends on the data: only the uncoded size
            # (plus framing) bounds it.
            ctx.note("after a lossless coder, intermediateDataSize is checked as a maximum")
            if size_bytes > uncoded_bytes * (1 + SIZE_TOLERANCE) + FRAMING_ALLOWANCE:
                found.append(
                    f"intermediateDataSize {size} KB exceeds this data uncoded "
                    f"({uncoded_bytes / BYTES_PER_KB:g} KB)"
                )
    budget = service.maximum_service_inference_latency
    total = candidate.get("totalLatency")
    if total is None and budget is not None:
        found.append("totalLatency is missing, and the service has a latency budget")
    if total is not None:
        if budget is not None and total > budget:
            found.append(f"totalLatency {total} ms exceeds the {budget:g} ms budget")
        if total < limits.total_ms * (1 - 1e-9):
            found.append(f"totalLatency {total} ms is below the {limits.total_ms:.4g} ms minimum")
    ue_ms = candidate.get("ueInferenceLatency")
    if ue_ms is not None and limits.ue_ms is not None and ue_ms < limits.ue_ms * (1 - 1e-9):
        found.append(f"ueInferenceLatency {ue_ms} ms is below the {limits.ue_ms:.4g} ms minimum")
    least = limits.transfer_ms
    way = "uplinkLatency" if ue_first(ctx) else "downlinkLatency"
    for key in ("transferLatency", way):  # the intermediate data crosses that way
        value = candidate.get(key)
        if value is not None and least is not None and value < least * (1 - 1e-9):
            found.append(f"{key} {value} ms is below the {least:.4g} ms minimum")
    found += _profile(candidate.get("ueProfile") or {}, limits, ue)
    return found


def _profile(profile: dict[str, Any], limits: Any, ue: Any) -> list[str]:
    found: list[str] = []
    side = limits.ue_side
    memory = profile.get("memory")
    if memory is not None:
        low = side.memory_lower_bytes / BYTES_PER_MB
        high = side.memory_upper_bytes / BYTES_PER_MB
        if memory < low * (1 - 1e-6) or memory > high * (1 + MEMORY_TOLERANCE) + 1e-3:
            found.append(
                f"ueProfile.memory {memory} MB; the UE's sub-model needs between {low:.4g} "
                f"(its weights and largest tensor) and {high:.4g} MB (weights and every "
                "tensor at once)"
            )
        available = ue.processing_capabilities.memory if ue.processing_capabilities else None
        if available is not None and memory > available:
            found.append(f"ueProfile.memory {memory} MB exceeds the UE's {available:g} MB")
    cost = profile.get("computationalCost")
    if cost is not None and not side.flops / FLOP_SLACK <= cost <= side.flops * FLOP_SLACK:
        found.append(
            f"ueProfile.computationalCost {cost:g} FLOP; the UE's sub-model takes {side.flops} "
            f"(within a factor {FLOP_SLACK:g})"
        )
    return found


@check("split-configuration")
def _split_configuration(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The configuration the IUT decided (7a; 5.3.5 step 6; a basic flow's intermediate
    data session, step 10) is a real split point of the model, described truly, and can
    meet the UE's capabilities and the service's requirements."""
    message = message_of(record)
    point = message.get("splitPointInformation")
    if point is None:
        point = identified_point(ctx)
    agreement = _fault_as_failure(
        record.step,
        lambda: configuration(ctx, record.step, point, message["intermediateDataInformation"]),
    )
    if ctx.flow.startswith("split-inference-") and ctx.has("6", "IUT"):
        _, model = _fault_as_failure(record.step, lambda: delivered_subset(ctx))
        if set(agreement.cut.names) != set(boundary(ctx, model)):
            raise CheckFailed(
                f"the session carries {list(agreement.cut.names)}; the UE's sub-model "
                f"delivered at step 6 meets the network's at {boundary(ctx, model)}"
            )
    if found := problems(ctx, agreement):
        raise CheckFailed("; ".join(found))


@check("split-candidates")
def _split_candidates(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """Every candidate the IUT offers (4b) is a real split point of the model, described
    truly, feasible for the UE and the service, with figures that hold against the truth."""
    for index, candidate in enumerate(message_of(record)["candidates"]):
        agreement = _fault_as_failure(
            record.step,
            lambda c=candidate: configuration(
                ctx, record.step, c["splitPointInformation"], c["intermediateDataInformation"]
            ),
        )
        if found := problems(ctx, agreement, candidate):
            name = candidate.get("configurationIdentifier", index)
            raise CheckFailed(f"candidates/{index} ({name}): {'; '.join(found)}")


@check("split-subset")
def _split_subset(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The UE's sub-model (the ``model`` attachment, ONNX) meets the agreed split point —
    its outputs, or its inputs when the UE runs the second part, are exactly the crossing
    tensors, in any order — fits the UE's memory, and with the suite's own other sub-model
    computes the whole model's output on the sample."""
    _, model = _fault_as_failure(record.step, lambda: delivered_subset(ctx))
    agreement = _fault_as_failure(record.step, lambda: agreed(ctx))
    at = boundary(ctx, model)
    if set(at) != set(agreement.cut.names):
        raise CheckFailed(
            f"the UE's sub-model meets the other at {at}, not at the agreed "
            f"{list(agreement.cut.names)}"
        )
    side = agreement.cut.first if ue_first(ctx) else agreement.cut.second
    ue = ue_capabilities(ctx.fixture("ueCapabilities"))
    memory = ue.processing_capabilities.memory if ue.processing_capabilities else None
    if memory is not None and side.memory_lower_bytes / BYTES_PER_MB > memory:
        raise CheckFailed(
            f"it needs at least {side.memory_lower_bytes / BYTES_PER_MB:.4g} MB (weights and "
            f"largest tensor); the UE has {memory:g} MB"
        )
    truth = model_truth(ctx)
    index = sample_index(ctx)
    ue_runner = Runner(model, label="the UE's sub-model")
    feed = {truth.fixture.input_name: truth.fixture.sample(index)}
    if ue_first(ctx):
        _feeds(ue_runner, feed, "the UE's sub-model")
        crossing = ue_runner.run(feed)
        rest = Runner(agreement.cut.second_model, label="the suite's second sub-model")
        output = rest.run({n: crossing[n] for n in rest.inputs})[truth.fixture.output_name]
    else:
        # Its inputs are exactly the crossing tensors: the boundary check above holds it to
        # that (a UE running the second part takes its boundary as its inputs).
        crossing = truth.crossing_values(agreement.cut, index)
        outputs = ue_runner.run({n: crossing[n] for n in ue_runner.inputs})
        if truth.fixture.output_name not in outputs:
            raise CheckFailed(f"the UE's sub-model does not output {truth.fixture.output_name!r}")
        output = outputs[truth.fixture.output_name]
    close(output, truth.whole(index), "the UE's sub-model with the suite's other sub-model")


def _feeds(runner: Runner, available: dict[str, np.ndarray], what: str) -> None:
    if missing := [n for n in runner.inputs if n not in available]:
        raise CheckFailed(f"{what} takes {missing}, which the split does not provide")


@check("same-intermediate-data")
def _same_data(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The intermediate data session carries what was agreed: the same tensors, direction
    and codec chain."""
    agreement = _fault_as_failure(record.step, lambda: agreed(ctx))
    got = message_of(record).get("intermediateDataInformation") or {}
    want = agreement.information.to_wire()
    defaults = {"compressionAlgorithms": ["NONE"]}  # absent: no compression
    for key in ("tensors", "dataDirection", "compressionAlgorithms"):
        have, agreed_value = (d.get(key, defaults.get(key)) for d in (got, want))
        if have != agreed_value:
            raise CheckFailed(f"{key} is {have}; agreed {agreed_value}")


@check("output-equals-expected")
def _output(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The IUT's output (``output`` attachment, .npy) is the suite's second sub-model run
    on the very unit the test system sent — same shape and element type, within the
    lossless tolerance, whatever codec the unit used."""
    got = bytes_to_array(require(record.attachments, "output", f"step {record.step}"))
    sent = next(
        (r for r in reversed(ctx.records) if r.by == "TS" and "unit" in r.attachments), None
    )
    if sent is None:
        raise CheckFailed("no intermediate data unit was sent before this output")
    agreement = _fault_as_failure(record.step, lambda: agreed(ctx))
    tensors = decode_unit(sent.attachments["unit"]).tensors
    rest = Runner(agreement.cut.second_model, label="the suite's second sub-model")
    want = rest.run({n: tensors[n] for n in rest.inputs})[model_truth(ctx).fixture.output_name]
    close(got, want, "inference output")


@check("unit-carries-crossing")
def _unit(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The IUT's unit (``unit`` attachment) decodes, as the documented format says, to the
    agreed tensors, whose values are the model's at the cut on the sample within the
    agreed codec's own error; the message announces its size, split point and chain."""
    data = require(record.attachments, "unit", f"step {record.step}")
    message = message_of(record)
    agreement = _fault_as_failure(record.step, lambda: agreed(ctx))
    if message.get("size") not in (None, len(data)):
        raise CheckFailed(f"size {message['size']}; the unit has {len(data)} bytes")
    point = agreement.point.split_point_identifier
    if message.get("splitPointIdentifier") not in (None, point):
        raise CheckFailed(
            f"splitPointIdentifier {message['splitPointIdentifier']!r}; agreed {point!r}"
        )
    try:
        unit = decode_unit(data)
    except Ts26927Error as error:
        raise CheckFailed(f"the unit does not decode: {error}") from None
    described = [t.to_wire() for t in unit.header.intermediate_data_information.tensors]
    if described != [t.wire() for t in agreement.cut.crossing]:
        raise CheckFailed(f"the unit carries {described}; agreed {agreement.cut.names}")
    algorithms = agreement.chain.algorithms
    truth = model_truth(ctx).crossing_values(agreement.cut, sample_index(ctx))
    for name, value in unit.tensors.items():
        within_codec(np.asarray(value), truth[name], algorithms, f"tensor {name!r}")


@check("split-point-consistent")
def _split_point_consistent(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The split point the network identifies (3) is the one its selection (2) named, when
    the selection named one."""
    selected = (ctx.message("2").get("splitPointInformation") or {}).get("splitPointIdentifier")
    identified = message_of(record).get("splitPointIdentifier")
    if None not in (selected, identified) and selected != identified:
        raise CheckFailed(f"split point {identified!r}; the selection (2) named {selected!r}")
