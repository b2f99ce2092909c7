"""Whether a split configuration can meet the case's UE capabilities and service
requirements, judged from ground truth with bounds any correct estimate respects.

An implementation estimates latency and memory its own way; the suite does not second-guess
those estimates. It fails a configuration only when even a *lower bound* computed from
the model itself breaks a limit:

- memory: the UE's sub-model needs at least the bytes of the weights it reads plus its
  largest single tensor (a runtime materializes tensors whole);
- latency: the UE needs at least its sub-model's FLOPs divided by ``FLOP_SLACK`` times the
  FLOPS it declares (FLOP conventions differ by up to a factor of two, a MAC being one or
  two operations), plus the intermediate data payload at the declared bandwidth (after a
  lossless coder, ``CODER_SLACK`` times what the suite's own coder achieves on the case's
  sample); the network's inference and the framing are counted as free;
- accuracy: the configuration's accuracy measured by the suite on the held-out set, less
  ``ACCURACY_TOLERANCE``, must reach the floor;
- codecs: every algorithm of the chain must be one the UE supports.

Announced figures are held against the same truth within the tolerances below.
"""

from __future__ import annotations

from dataclasses import dataclass

from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.intermediate_data import CompressionAlgorithm
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.units import BYTES_PER_KB, BYTES_PER_MB

from .truth import Cut, SubModelFacts

#: FLOPs may be counted with a MAC as one or as two operations.
FLOP_SLACK = 2.0
#: Another lossless coder (or level) may shrink the data up to this much more than ours.
CODER_SLACK = 0.5
#: Announced accuracy may differ from the suite's measurement by this many points (%).
ACCURACY_TOLERANCE = 1.0
#: Announced sizes of uncoded data: within this fraction, or FRAMING_ALLOWANCE bytes.
SIZE_TOLERANCE = 0.02
#: Room for an implementation's own unit header (the suite's is a few hundred bytes).
FRAMING_ALLOWANCE = 1024
#: An announced memory need may exceed parameters plus every activation by this fraction.
MEMORY_TOLERANCE = 0.1


@dataclass(frozen=True)
class Bounds:
    """Lower bounds of one configuration on the UE and the link."""

    ue_side: SubModelFacts
    ue_ms: float | None
    """None when the UE declares no compute."""
    transfer_ms: float | None
    """None when the UE declares no bandwidth."""
    payload_bytes: float

    @property
    def total_ms(self) -> float:
        return (self.ue_ms or 0.0) + (self.transfer_ms or 0.0)


def bounds(
    cut: Cut,
    chain: CodecChain,
    ue: EndpointCapabilityInformation,
    ue_first: bool,
    coded_payload_bytes: float | None,
) -> Bounds:
    """Lower bounds; ``coded_payload_bytes`` is the suite's coder's output on the sample
    (needed only when the chain has a lossless coder)."""
    side = cut.first if ue_first else cut.second
    processing = ue.processing_capabilities
    flops = processing.total_compute_flops if processing else 0.0
    ue_ms = side.flops / (FLOP_SLACK * flops) * 1000.0 if flops > 0 else None
    payload = precision_bytes(cut, chain)
    if chain.lossless is not None and coded_payload_bytes is not None:
        payload = min(payload, coded_payload_bytes) * CODER_SLACK
    rate = ue.connection_capabilities.bps if ue.connection_capabilities is not None else 0
    transfer_ms = payload * 8.0 / rate * 1000.0 if rate > 0 else None
    return Bounds(side, ue_ms, transfer_ms, payload)


def precision_bytes(cut: Cut, chain: CodecChain) -> int:
    """Payload bytes after the chain's precision reduction (exact; before any coder)."""
    total = 0
    for tensor in cut.crossing:
        reduced = chain.applied_to(tensor.element)
        if CompressionAlgorithm.INT8 in reduced:
            total += tensor.elements
        elif CompressionAlgorithm.FLOAT16 in reduced:
            total += 2 * tensor.elements
        else:
            total += tensor.nbytes
    return total


def infeasibility(
    chain: CodecChain,
    ue: EndpointCapabilityInformation,
    service: ServiceRequirementInformation,
    limits: Bounds,
    measured_accuracy: float | None,
) -> list[str]:
    """Why the configuration cannot meet the UE's capabilities and the service's
    requirements (empty: it may). The cut enters through ``limits``, its UE side's bounds."""
    problems: list[str] = []
    supported = {str(a) for a in ue.supported_compression_algorithms or []} | {"NONE"}
    if unsupported := [str(a) for a in chain.algorithms if str(a) not in supported]:
        problems.append(f"the UE does not support {', '.join(unsupported)}")
    processing = ue.processing_capabilities
    side = limits.ue_side
    need_mb = side.memory_lower_bytes / BYTES_PER_MB
    if processing is not None and need_mb > processing.memory:
        problems.append(
            f"the UE's sub-model needs at least {need_mb:.4g} MB ({side.parameter_bytes} bytes "
            f"of weights and a {side.largest_tensor_bytes}-byte tensor); the UE has "
            f"{processing.memory:g} MB"
        )
    budget = service.maximum_service_inference_latency
    if budget is not None and limits.total_ms > budget:
        problems.append(
            f"at least {limits.total_ms:.4g} ms (UE inference >= {limits.ue_ms or 0:.4g} ms, "
            f"{limits.payload_bytes / BYTES_PER_KB:.4g} KB at the UE's bandwidth >= "
            f"{limits.transfer_ms or 0:.4g} ms) exceeds the {budget:g} ms budget"
        )
    floor = service.minimum_service_inference_accuracy
    measured = measured_accuracy
    if floor is not None and measured is not None and measured < floor - ACCURACY_TOLERANCE:
        problems.append(
            f"its accuracy measured on the held-out set is {measured:.2f} %, "
            f"below the {floor:g} % floor"
        )
    return problems
