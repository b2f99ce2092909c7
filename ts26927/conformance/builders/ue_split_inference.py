"""Builders of split inference (5.2.3.2), detailed and basic, with the test system as the
network and a UE under test.

The test system decides or offers configurations of the model fixture by the suite's own
truth (:mod:`..truth`): a split point after one of the model's nodes (identified its own
way, ``after-<node>``), with a codec chain, judged feasible by :mod:`..feasibility` for the
capabilities the UE announced and the service requirements its request carries. Its
decision is the latest feasible split point (the most of the model on the first side) with
the smallest intermediate data unit. It cuts the fixture itself for the sub-models it
delivers, frames its own intermediate data units, and runs its own sub-model on the units
the UE sends. The builders ``…-beyond-ue``, ``…-corrupt`` and ``…-other-codec`` misbehave
on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ts26927.bindings.attachments import array_to_bytes
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.unit import decode_unit
from ts26927.errors import Ts26927Error
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_model import SplitPointInformation
from ts26927.models.units import BYTES_PER_KB, BYTES_PER_MB

from ..agreement import Agreement, agreed, direction, model_truth, sample_index, ue_first
from ..context import CaseContext, CaseDataError, IutDataFault
from ..feasibility import bounds, infeasibility
from ..fixtures.profiles import service_requirements, ue_capabilities
from .model_delivery import describe
from .registry import Built, builder

#: The codec chains the test system's network offers (every one the suite can frame).
CHAINS = ("NONE", "ZSTD", "LZ4", "FLOAT16", "INT8")
#: At most this many candidates in one model information response.
MAX_CANDIDATES = 6
ACCESS = "https://ts.example.com/ai/intermediate/"


@dataclass(frozen=True)
class Option:
    """One configuration of the fixture the test system could decide or offer."""

    agreement: Agreement
    unit_bytes: int
    problems: tuple[str, ...]
    """Why it cannot meet the UE's announced capabilities or the service (empty: it can)."""
    ue_ms: float
    transfer_ms: float
    ue_memory_mb: float
    ue_flops: int
    accuracy: float | None

    @property
    def feasible(self) -> bool:
        return not self.problems


# -- what the UE announced ---------------------------------------------------------------
def _request(ctx: CaseContext) -> dict[str, Any]:
    """The UE's request: 2a or 2b of the detailed flow, the trigger (1) of a basic one."""
    steps = ("2a", "2b") if ctx.flow == "split-inference" else ("1",)
    for record in reversed(ctx.records):
        if record.by == "IUT" and record.step in steps and record.message is not None:
            return record.message
    return {}


def announced_ue(ctx: CaseContext) -> EndpointCapabilityInformation:
    """The capabilities the UE announced in its request, else at step 1 (detailed flow),
    else the case's fixture."""
    document = _request(ctx).get("ueCapabilityInformation")
    if document is None and ctx.flow == "split-inference" and ctx.has("1", "IUT"):
        document = ctx.message("1")
    if document is None:
        return ue_capabilities(ctx.fixture("ueCapabilities"))
    try:
        return EndpointCapabilityInformation.from_wire(document)
    except (ValidationError, ValueError) as error:
        raise IutDataFault("1", f"not endpoint capability information: {error}") from None


def _session(ctx: CaseContext) -> str:
    """The session the UE named in its request."""
    return str(_request(ctx).get("sessionId", "s-1"))


def _service(ctx: CaseContext) -> ServiceRequirementInformation:
    document = _request(ctx).get("serviceRequirementInformation")
    if document is None:
        return service_requirements(ctx.fixture("serviceRequirements"))
    return ServiceRequirementInformation.from_wire(document)


# -- the test system's configurations ------------------------------------------------------
def options(ctx: CaseContext) -> list[Option]:
    """Every configuration of the fixture, best first (the latest split point, then the
    smallest unit), each judged for the UE and the service (cached per case)."""
    if "ue-split/options" in ctx.cache:
        return list(ctx.cache["ue-split/options"])
    truth = model_truth(ctx)
    ue, service = announced_ue(ctx), _service(ctx)
    index, way = sample_index(ctx), direction(ctx)
    nodes = list(truth.model.graph.node)[:-1]
    found: list[tuple[int, int, Option]] = []
    for number, node in enumerate(nodes, start=1):
        cut = truth.cut_at_node(node.name)
        point = SplitPointInformation(
            split_point_identifier=f"after-{node.name}",
            split_point_number=number,
            split_point_name=node.name,
            split_point_flag="AFTER",  # type: ignore[arg-type]
            split_point_intermediate_data_size=round(cut.raw_bytes / BYTES_PER_KB, 6),
        )
        for spec in CHAINS:
            chain = CodecChain.parse(spec)
            unit = truth.unit(cut, chain, index, way, point)
            coded = sum(p.payload_length for p in unit.header.payloads)
            limits = bounds(cut, chain, ue, ue_first(ctx), coded)
            accuracy = truth.accuracy(cut, chain)
            problems = infeasibility(chain, ue, service, limits, accuracy)
            side = limits.ue_side
            information = truth.information(cut, chain, way)
            option = Option(
                Agreement("ts", point, information, chain, cut),
                unit.nbytes,
                tuple(problems),
                limits.ue_ms or 0.0,
                limits.transfer_ms or 0.0,
                side.memory_lower_bytes / BYTES_PER_MB,
                side.flops,
                accuracy,
            )
            found.append((-number, unit.nbytes, option))
    ranked = [o for *_, o in sorted(found, key=lambda f: (f[0], f[1]))]
    ctx.cache["ue-split/options"] = ranked
    return list(ranked)


def decision(ctx: CaseContext) -> Option:
    """The test system's decision: its best feasible configuration."""
    feasible = [o for o in options(ctx) if o.feasible]
    if not feasible:
        raise CaseDataError(f"{ctx.case_id}: no configuration is feasible for the UE")
    return feasible[0]


def beyond_ue(ctx: CaseContext) -> list[Option]:
    """Configurations the UE cannot run — its sub-model beyond its memory first, then a
    codec it lacks — that meet the service otherwise."""

    def only(word: str) -> list[Option]:
        return [o for o in options(ctx) if o.problems and all(word in p for p in o.problems)]

    memory = [o for o in options(ctx) if any("needs at least" in p for p in o.problems)]
    found = only("needs at least")
    found += [o for o in memory if o not in found and all("budget" not in p for p in o.problems)]
    found += [o for o in only("does not support") if o not in found]
    if not found:
        raise CaseDataError(f"{ctx.case_id}: every configuration fits the UE")
    return found


def current(ctx: CaseContext) -> Agreement:
    """The configuration in force: as agreed in the run, else (a basic flow before its
    intermediate data session) the test system's decision."""
    if ctx.flow == "split-inference" or ctx.has("10"):
        return agreed(ctx)
    return decision(ctx).agreement


def _candidate(ctx: CaseContext, option: Option) -> dict[str, Any]:
    """A candidate split point configuration with the test system's own figures."""
    agreement = option.agreement
    point = agreement.point
    candidate: dict[str, Any] = {
        "configurationIdentifier": f"{point.split_point_identifier}/{agreement.chain.name}",
        "modelIdentifier": model_truth(ctx).fixture.name,
        "topology": ctx.params.get("topology", "UE_SOURCE_UE_FIRST"),
        "splitPointInformation": point.to_wire(),
        "intermediateDataInformation": agreement.information.to_wire(),
        "intermediateDataSize": option.unit_bytes / BYTES_PER_KB,
        # The suite's lower bounds as the estimates; the network's own side counted free.
        "ueInferenceLatency": option.ue_ms,
        "transferLatency": option.transfer_ms,
        "networkInferenceLatency": 0.0,
        "totalLatency": option.ue_ms + option.transfer_ms,
        "ueProfile": {"memory": option.ue_memory_mb, "computationalCost": float(option.ue_flops)},
    }
    if option.accuracy is not None:
        candidate["accuracy"] = round(option.accuracy, 2)
    return candidate


def _subset_information(ctx: CaseContext, agreement: Agreement) -> dict[str, Any]:
    return {
        "modelIdentifier": model_truth(ctx).fixture.name,
        "splitPointInformation": agreement.point.to_wire(),
        "intermediateDataInformation": agreement.information.to_wire(),
    }


# -- negotiation (detailed flow) -----------------------------------------------------------
@builder("split-network/allocation")
def _allocation(ctx: CaseContext) -> Built:
    """The Network Application allocates its decision's network sub-model (5a)."""
    return _subset_information(ctx, decision(ctx).agreement), {}


@builder("split-network/allocation-beyond-ue")
def _allocation_beyond(ctx: CaseContext) -> Built:
    """The network allocates a configuration the UE cannot run (5a, on purpose)."""
    return _subset_information(ctx, beyond_ue(ctx)[0].agreement), {}


@builder("split-network/decision")
def _decision(ctx: CaseContext) -> Built:
    """The network decides its best feasible configuration for the UE (7a)."""
    message = _subset_information(ctx, decision(ctx).agreement)
    return message | {"accessLocation": ACCESS + _session(ctx)}, {}


@builder("split-network/decision-beyond-ue")
def _decision_beyond(ctx: CaseContext) -> Built:
    """The network misbehaves: it decides a configuration beyond the capabilities the UE
    announced — its sub-model exceeds the UE's memory, or a codec the UE lacks (7a)."""
    message = _subset_information(ctx, beyond_ue(ctx)[0].agreement)
    return message | {"accessLocation": ACCESS + _session(ctx)}, {}


def _information_response(
    ctx: CaseContext, offered: list[Option], preferred: Option | None = None
) -> Built:
    candidates = [_candidate(ctx, o) for o in offered]
    first = _candidate(ctx, preferred or offered[0])["configurationIdentifier"]
    return {"candidates": candidates, "preferredCandidate": first}, {}


@builder("split-network/candidates")
def _candidates(ctx: CaseContext) -> Built:
    """Every configuration feasible for the UE and the service, best first and preferred
    (4b)."""
    feasible = [o for o in options(ctx) if o.feasible][:MAX_CANDIDATES]
    if not feasible:
        raise CaseDataError(f"{ctx.case_id}: no configuration is feasible for the UE")
    return _information_response(ctx, feasible)


@builder("split-network/candidates-preferring-beyond-ue")
def _candidates_preferring_beyond(ctx: CaseContext) -> Built:
    """Candidates the UE cannot run first, one of them preferred, then the feasible ones
    (4b): the UE must select by its own capabilities, not by the network's preference."""
    beyond = beyond_ue(ctx)[:2]
    feasible = [o for o in options(ctx) if o.feasible][: MAX_CANDIDATES - len(beyond)]
    return _information_response(ctx, [*beyond, *feasible], beyond[0])


@builder("split-network/candidates-beyond-ue")
def _candidates_beyond(ctx: CaseContext) -> Built:
    """The network misbehaves: none of its candidates can run on the UE (4b)."""
    return _information_response(ctx, beyond_ue(ctx)[:MAX_CANDIDATES])


@builder("split-network/allocation-selected")
def _allocation_selected(ctx: CaseContext) -> Built:
    """The network allocates the network sub-model of the UE's selection (7b)."""
    selected = ctx.message("6b").get("selected") or {}
    keys = ("splitPointInformation", "intermediateDataInformation")
    if any(k not in selected for k in keys):
        raise IutDataFault("6b", "the selection names no split point and intermediate data")
    return {"modelIdentifier": model_truth(ctx).fixture.name, **{k: selected[k] for k in keys}}, {}


@builder("split-network/selection-accepted")
def _selection_accepted(ctx: CaseContext) -> Built:
    """The network accepts the UE's selection (9b)."""
    return {"result": "SUCCESS", "accessLocation": ACCESS + _session(ctx)}, {}


# -- sub-models -----------------------------------------------------------------------------
@builder("split-network/identification")
def _identification(ctx: CaseContext) -> Built:
    """The network identifies both sub-models of the configuration in force (10; basic 3)."""
    return {
        "modelIdentifier": model_truth(ctx).fixture.name,
        "subsets": ["UE_SUBSET", "NETWORK_SUBSET"],
        "splitPointIdentifier": current(ctx).point.split_point_identifier,
    }, {}


def _sides(ctx: CaseContext) -> tuple[bytes, bytes]:
    """(the UE's sub-model, the network's), cut by the suite from the fixture."""
    cut = current(ctx).cut
    first, second = cut.first_model.SerializeToString(), cut.second_model.SerializeToString()
    return (first, second) if ue_first(ctx) else (second, first)


def _delivery(ctx: CaseContext, data: bytes, subset: str) -> dict[str, Any]:
    return {
        "modelIdentifier": model_truth(ctx).fixture.name,
        "subset": subset,
        "size": len(data),
        "sha256": sha256(data),
    }


@builder("split-network/network-subset")
def _network_subset(ctx: CaseContext) -> Built:
    """The network inference engine receives the network sub-model (11; basic 4)."""
    return _delivery(ctx, _sides(ctx)[1], "NETWORK_SUBSET"), {}


@builder("split-network/ue-subset")
def _ue_subset(ctx: CaseContext) -> Built:
    """The UE's sub-model, cut by the suite at the configuration in force (13; basic 6)."""
    data = _sides(ctx)[0]
    return _delivery(ctx, data, "UE_SUBSET"), {"model": data}


@builder("split-network/selection")
def _selection(ctx: CaseContext) -> Built:
    """The network selects the split model for the UE's trigger (basic 2)."""
    truth = model_truth(ctx)
    return {
        "modelIdentifier": truth.fixture.name,
        "aiModelInformation": truth.ai_model_information(),
        "splitPointInformation": decision(ctx).agreement.point.to_wire(),
    }, {}


# -- intermediate data ----------------------------------------------------------------------
@builder("split-network/intermediate-session")
def _intermediate_session(ctx: CaseContext) -> Built:
    """The network's Intermediate Data Access Function opens the session for the
    configuration in force (17b; basic 10 with the media in the UE)."""
    return {
        "sessionId": "i-1",
        "intermediateDataInformation": current(ctx).information.to_wire(),
    }, {}


def _unit_message(agreement: Agreement, data: bytes, chain: CodecChain) -> dict[str, Any]:
    return {
        "sequenceNumber": 0,
        "splitPointIdentifier": agreement.point.split_point_identifier,
        "size": len(data),
        "compressionAlgorithms": [str(a) for a in chain.algorithms],
    }


def _framed(ctx: CaseContext, chain: CodecChain | None = None) -> Built:
    agreement = agreed(ctx)
    chain = chain or agreement.chain
    unit = model_truth(ctx).unit(
        agreement.cut, chain, sample_index(ctx), direction(ctx), agreement.point
    )
    data = unit.to_bytes()
    return _unit_message(agreement, data, chain), {"unit": data}


@builder("split-network/unit")
def _unit(ctx: CaseContext) -> Built:
    """The network runs its sub-model on its media sample and sends the unit, framed with
    the agreed codec chain (18a; basic 11)."""
    return _framed(ctx)


@builder("split-network/unit-corrupt")
def _unit_corrupt(ctx: CaseContext) -> Built:
    """The network misbehaves: one byte of the unit's payload changes in transit (the
    message announces the size of what arrives; only the unit's checksum shows it)."""
    message, attachments = _framed(ctx)
    data = bytearray(attachments["unit"])
    data[-8] ^= 0x40
    return message, {"unit": bytes(data)}


@builder("split-network/unit-other-codec")
def _unit_other_codec(ctx: CaseContext) -> Built:
    """The network misbehaves: an intact unit whose header names a codec chain other than
    the agreed one (FLOAT16, or NONE when FLOAT16 was agreed)."""
    agreed_chain = agreed(ctx).chain
    other = CodecChain.parse("NONE" if agreed_chain.name == "FLOAT16" else "FLOAT16")
    return _framed(ctx, other)


@builder("split-network/output")
def _output(ctx: CaseContext) -> Built:
    """The network runs the suite's own second sub-model on the unit the UE sent and
    returns the result to the UE's Data Destination (20b; basic 13)."""
    step = "18b" if ctx.flow == "split-inference" else "11"
    data = ctx.last(step, "IUT").attachments.get("unit")
    if data is None:
        raise IutDataFault(step, "no 'unit' attachment carries the intermediate data")
    agreement = agreed(ctx)
    try:
        tensors = decode_unit(data).tensors
        runner = Runner(agreement.cut.second_model, label="the suite's second sub-model")
        outputs = runner.run({n: tensors[n] for n in runner.inputs})
    except (Ts26927Error, KeyError) as error:
        raise IutDataFault(step, f"the network cannot use the UE's unit: {error}") from None
    values = next(iter(outputs.values()))
    return {"sequenceNumber": 0, "outputs": describe(outputs)}, {"output": array_to_bytes(values)}
