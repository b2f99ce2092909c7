"""Split selection (clause 5.2.3.2): which split point and codec chain to use.

Every (split point, codec chain) pair is a candidate configuration. Each is checked, in
this order, against: the endpoints' frameworks (the sub-models are ONNX), their
compression algorithms, UE and network memory, the service's minimum accuracy and its
maximum latency (clause 6.6.4: inference on both sides plus transfers). A configuration
that fails any is rejected with every failed constraint; the others are ranked by the
UE's optimization preference. The network then either decides (case #1: the best one) or
returns them all (case #2). Deterministic: ties fall back to split number and chain name.

Estimates (said in each field's description): latency of a side = its FLOPs / the
endpoint's FLOPS; transfer = bits / the smaller declared connection bit rate. Without a
measurement, a lossless codec is assumed to gain nothing and accuracy is the model's
declared accuracy for lossless chains, unknown for lossy ones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ts26927.engine.onnxtools.analysis import SideCost, SplitAnalysis, SplitCandidate
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.dtypes import FLOATING
from ts26927.errors import SelectionError
from ts26927.models.compute import FrameworkName
from ts26927.models.endpoint_capability import EndpointCapabilityInformation, EndpointType
from ts26927.models.intermediate_data import CompressionAlgorithm
from ts26927.models.intermediate_unit import LOSSLESS, PRECISION_REDUCTIONS
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_configuration import (
    FailedConstraint,
    OptimizationPreference,
    RejectedConfiguration,
    SplitConfiguration,
    SplitConstraint,
    SplitDecisionMode,
    SplitSelection,
    SplitTopology,
)
from ts26927.models.units import BYTES_PER_KB, BYTES_PER_MB

_ONNX_FRAMEWORKS = {FrameworkName.ONNX, FrameworkName.ONNX_RUNTIME}


@dataclass(frozen=True)
class Measurement:
    """What one configuration measured on held-out data (see :mod:`.profiling`)."""

    accuracy: float | None
    """Top-1 accuracy in %, or None when there are no labels."""
    unit_bytes: float
    """Mean size of one intermediate data unit, framing included."""


@dataclass(frozen=True)
class SplitSelectionRequest:
    """Everything the network application knows when it selects (steps 3a/3b)."""

    analysis: SplitAnalysis
    service: ServiceRequirementInformation
    ue: EndpointCapabilityInformation
    network: EndpointCapabilityInformation
    topology: SplitTopology = SplitTopology.UE_SOURCE_UE_FIRST
    preference: OptimizationPreference = OptimizationPreference.LATENCY
    chains: Sequence[CodecChain] | None = None
    """Codec chains to consider; None: every chain both endpoints support."""
    measurements: Mapping[tuple[str, str], Measurement] = field(default_factory=dict)
    """Keyed by (split point identifier, chain name)."""
    model_accuracy: float | None = None
    """The model's declared accuracy (clause 6.6.2), used for lossless chains."""
    uplink_bps: float | None = None
    downlink_bps: float | None = None
    """The UE's available bandwidth each way (5.2.3.2 steps 2a/2b), when it gave them."""


def select_split(request: SplitSelectionRequest, mode: SplitDecisionMode) -> SplitSelection:
    """Case #1 (``NETWORK``): the best configuration; case #2 (``UE``): all, ranked."""
    matched, rejected = evaluate_configurations(request)
    candidates = matched[:1] if mode is SplitDecisionMode.NETWORK else matched
    return SplitSelection(
        decision_mode=mode,
        optimization_preference=request.preference,
        selected=candidates[0] if candidates else None,
        candidates=candidates,
        rejected=rejected,
    )


def evaluate_configurations(
    request: SplitSelectionRequest,
) -> tuple[list[SplitConfiguration], list[RejectedConfiguration]]:
    """All configurations: the matched ones ranked best first, and the rejected ones."""
    if not request.analysis.candidates:
        raise SelectionError(request.analysis.label, "the model has no split point")
    chains = list(request.chains) if request.chains is not None else supported_chains(request)
    if not chains:
        raise SelectionError("chains", "no codec chain to consider")
    matched: list[SplitConfiguration] = []
    rejected: list[RejectedConfiguration] = []
    for candidate in request.analysis.candidates:
        for chain in chains:
            configuration, failed = _configure(request, candidate, chain)
            if failed:
                rejected.append(
                    RejectedConfiguration(
                        configuration_identifier=configuration.configuration_identifier,
                        split_point_identifier=candidate.identifier,
                        compression_algorithms=chain.algorithms,
                        failed=failed,
                    )
                )
            else:
                matched.append(configuration)
    return rank_configurations(matched, request.preference), rejected


def rank_configurations(
    configurations: Sequence[SplitConfiguration], preference: OptimizationPreference
) -> list[SplitConfiguration]:
    """Best first for ``preference`` (also what a UE does with case #2's list, step 5b)."""

    def key(c: SplitConfiguration) -> tuple[float | int | str, ...]:
        latency = _or_inf(c.total_latency)
        size = c.intermediate_data_size
        ue_cost = _or_inf(c.ue_profile.computational_cost)
        primary = {
            OptimizationPreference.LATENCY: (latency, size, ue_cost),
            OptimizationPreference.ENERGY: (ue_cost, size, latency),
            OptimizationPreference.BANDWIDTH: (size, latency, ue_cost),
        }[preference]
        accuracy = -(c.accuracy if c.accuracy is not None else -1.0)
        number = c.split_point_information.split_point_number or 0
        return (*primary, accuracy, number, c.configuration_identifier)

    return sorted(configurations, key=key)


def supported_chains(request: SplitSelectionRequest) -> list[CodecChain]:
    """Every chain this engine implements whose algorithms both endpoints support."""
    common = _algorithms(request.ue) & _algorithms(request.network)
    precisions = [None, *(p for p in PRECISION_REDUCTIONS if p in common)]
    lossless = [None, *(c for c in LOSSLESS if c in common)]
    return [CodecChain(p, c) for p in precisions for c in lossless]


def _configure(
    request: SplitSelectionRequest, candidate: SplitCandidate, chain: CodecChain
) -> tuple[SplitConfiguration, list[FailedConstraint]]:
    topology = request.topology
    ue_first = topology.first_endpoint is EndpointType.UE
    ue_side, network_side = (
        (candidate.head, candidate.tail) if ue_first else (candidate.tail, candidate.head)
    )
    measured = request.measurements.get((candidate.identifier, chain.name))
    unit_bytes = measured.unit_bytes if measured else _estimated_unit_bytes(candidate, chain)
    accuracy = measured.accuracy if measured else None
    if measured is None and not chain.lossy:
        accuracy = request.model_accuracy
    analysis = request.analysis
    # What crosses each way: the intermediate data in its direction, plus the media going
    # up or the result coming down where the topology needs them.
    up_bytes = unit_bytes if ue_first else 0.0
    down_bytes = 0.0 if ue_first else unit_bytes
    if topology.media_uplink:
        up_bytes += sum(t.nbytes or 0 for t in analysis.inputs)
    if topology.result_downlink:
        down_bytes += sum(t.nbytes or 0 for t in analysis.outputs)
    ue_ms = _compute_ms(ue_side, request.ue)
    network_ms = _compute_ms(network_side, request.network)
    uplink_ms = _transfer_ms(up_bytes, request, request.uplink_bps)
    downlink_ms = _transfer_ms(down_bytes, request, request.downlink_bps)
    transfer_ms = None if uplink_ms is None or downlink_ms is None else uplink_ms + downlink_ms
    parts = (ue_ms, transfer_ms, network_ms)
    total = None if None in parts else sum(p or 0.0 for p in parts)
    configuration = SplitConfiguration(
        configuration_identifier=f"{candidate.identifier}/{chain.name}",
        model_identifier=analysis.model_identifier,
        topology=topology,
        split_point_information=candidate.split_point_information(),
        intermediate_data_information=candidate.intermediate_data_information(
            topology.data_direction, chain.algorithms
        ),
        accuracy=accuracy,
        intermediate_data_size=unit_bytes / BYTES_PER_KB,
        ue_inference_latency=ue_ms,
        transfer_latency=transfer_ms,
        uplink_latency=uplink_ms,
        downlink_latency=downlink_ms,
        network_inference_latency=network_ms,
        total_latency=total,
        ue_profile=ue_side.profile(),
    )
    failed = _failures(request, chain, ue_side, network_side, accuracy, parts, total)
    return configuration, failed


def _failures(
    request: SplitSelectionRequest,
    chain: CodecChain,
    ue_side: SideCost,
    network_side: SideCost,
    accuracy: float | None,
    parts: tuple[float | None, ...],
    total: float | None,
) -> list[FailedConstraint]:
    failed: list[FailedConstraint] = []

    def fail(constraint: SplitConstraint, detail: str) -> None:
        failed.append(FailedConstraint(constraint=constraint, detail=detail))

    for role, endpoint in (("UE", request.ue), ("network", request.network)):
        frameworks = endpoint.supported_ai_frameworks
        if frameworks is not None and not any(f.name in _ONNX_FRAMEWORKS for f in frameworks):
            names = ", ".join(f"{f.name} {f.version}" for f in frameworks)
            fail(SplitConstraint.FRAMEWORK, f"the {role} supports {names}, not ONNX")
        missing = [
            a
            for a in chain.algorithms
            if a is not CompressionAlgorithm.NONE and a not in _algorithms(endpoint)
        ]
        if missing:
            fail(SplitConstraint.COMPRESSION, f"the {role} does not support {', '.join(missing)}")
    for constraint, side, endpoint in (
        (SplitConstraint.UE_MEMORY, ue_side, request.ue),
        (SplitConstraint.NETWORK_MEMORY, network_side, request.network),
    ):
        capabilities = endpoint.processing_capabilities
        need = side.memory_bytes
        if capabilities is None:
            continue
        if need is None:
            fail(constraint, "the sub-model's memory need is unknown")
        elif need / BYTES_PER_MB > capabilities.memory:
            fail(
                constraint,
                f"needs {need / BYTES_PER_MB:.3f} MB > available {capabilities.memory:g} MB",
            )
    minimum = request.service.minimum_service_inference_accuracy
    if minimum is not None:
        if accuracy is None:
            fail(
                SplitConstraint.ACCURACY,
                f"accuracy with {chain.name} is not known (minimum {minimum:g} %)",
            )
        elif accuracy < minimum:
            fail(SplitConstraint.ACCURACY, f"accuracy {accuracy:.2f} % < minimum {minimum:g} %")
    maximum = request.service.maximum_service_inference_latency
    if maximum is not None:
        if total is None:
            unknown = [
                n for n, p in zip(("UE", "transfer", "network"), parts, strict=True) if p is None
            ]
            fail(
                SplitConstraint.LATENCY,
                f"latency not estimable: {', '.join(unknown)} capability not declared",
            )
        elif total > maximum:
            fail(SplitConstraint.LATENCY, f"estimated {total:.3f} ms > maximum {maximum:g} ms")
    return failed


def _algorithms(endpoint: EndpointCapabilityInformation) -> set[str]:
    declared = endpoint.supported_compression_algorithms
    return {str(a) for a in declared} | {"NONE"} if declared else {"NONE"}


def _transfer_ms(
    nbytes: float, request: SplitSelectionRequest, link_bps: float | None
) -> float | None:
    """Time of ``nbytes`` one way: at that way's available bandwidth when the UE gave one,
    else at the smaller connection capability of the two endpoints."""
    if nbytes == 0:
        return 0.0
    rates = [
        e.connection_capabilities.bps
        for e in (request.ue, request.network)
        if e.connection_capabilities is not None
    ]
    if link_bps is not None:
        rates = [link_bps]
    return 8.0 * nbytes / min(rates) * 1000.0 if rates and min(rates) > 0 else None


def _compute_ms(side: SideCost, endpoint: EndpointCapabilityInformation) -> float | None:
    capabilities = endpoint.processing_capabilities
    if capabilities is None or capabilities.total_compute_flops <= 0:
        return None
    return side.flops / capabilities.total_compute_flops * 1000.0


def _estimated_unit_bytes(candidate: SplitCandidate, chain: CodecChain) -> float:
    total = 0
    for tensor in candidate.crossing:
        element = tensor.element
        if chain.precision is not None and element in FLOATING and tensor.shape is not None:
            reduced = chain.applied_to(element)[0]
            total += _reduced_bytes(reduced, tensor.shape, tensor.nbytes or 0)
        else:
            total += tensor.nbytes or 0
    return float(total)


def _reduced_bytes(algorithm: str, shape: tuple[int, ...], nbytes: int) -> int:
    if algorithm == CompressionAlgorithm.FLOAT16:
        return 2 * math.prod(shape)
    if algorithm == CompressionAlgorithm.INT8:
        return math.prod(shape)
    return nbytes


def _or_inf(value: float | None) -> float:
    return math.inf if value is None else value
