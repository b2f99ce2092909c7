"""Split AI/ML operation (clause 7.3): traffic and latency per split point, measured.

For each split point the UE runs the head (nodes 1..n) and sends the crossing tensors
uplink (clause 5.1.2 topology UE source, UE first); the network runs the tail. Two boundary
rows frame the candidates: point 0 sends the model's inputs (all inference in the network)
and point K sends its outputs (all on the UE).

* Raw bytes: the tensors' own bytes at the cut, as run; they must equal the analysis'
  :attr:`SplitCandidate.size_bytes` (a shape disagreement is an error, not a figure).
* Unit bytes per codec chain: every sample's crossing tensors encoded as one intermediate
  data unit by the engine's encoder (:func:`~ts26927.engine.split.unit.encode_unit`,
  framing and header included); the mean and the largest over the samples. Measured on real
  inputs (:mod:`.samples`), never estimated.
* Latency: UE inference + transfer + network inference, where inference time is FLOP/FLOPS
  (:func:`.rates.inference_ms`: an independent, idealised formula; the engine's split
  selector and its cost model are not used) and transfer is the one-way latency plus the
  mean unit's serialisation time at the uplink rate.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import onnx

from ts26927.engine.onnxtools.analysis import SplitAnalysis, TensorFacts
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.split.pipeline import describe_intermediate
from ts26927.engine.split.unit import encode_unit
from ts26927.errors import CodecRangeError, SplitError
from ts26927.models.intermediate_data import DataDirection
from ts26927.traffic import rates
from ts26927.traffic.cuts import Arrays, CutTensors
from ts26927.traffic.samples import Samples

DEFAULT_CHAINS = ("NONE", "FLOAT16", "INT8", "ZSTD", "INT8+ZSTD")


@dataclass(frozen=True)
class SplitScenario:
    """The scenario parameters (assumptions, not measurements)."""

    fps: tuple[float, ...] = (30.0,)
    chains: tuple[str, ...] = DEFAULT_CHAINS
    ue_flops: float = 100e9
    network_flops: float = 10e12
    uplink_mbps: float = 50.0
    latency_ms: float = 10.0
    """One-way latency of the uplink, ms."""
    budget_ms: float = 100.0

    def __post_init__(self) -> None:
        if not self.fps or any(not f > 0 for f in self.fps):
            raise ValueError(f"fps (frame rates) must be positive, not {list(self.fps)}")
        for name in ("ue_flops", "network_flops", "uplink_mbps", "budget_ms"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, not {getattr(self, name)}")
        if not self.latency_ms >= 0:
            raise ValueError(f"latency_ms must be zero or more, not {self.latency_ms}")
        for chain in self.chains:
            CodecChain.parse(chain)  # raises CodecError for a bad chain


@dataclass(frozen=True)
class CodecFigures:
    """One codec chain at one split point."""

    chain: str
    unit_bytes_mean: float | None
    unit_bytes_max: int | None
    uplink_mbps: dict[float, float] = field(default_factory=dict)
    """Uplink rate at each frame rate (mean unit size), Mbit/s."""
    fits_uplink: dict[float, bool] = field(default_factory=dict)
    """Whether that rate is within the uplink rate (the budget check is per inference)."""
    transfer_ms: float | None = None
    total_ms: float | None = None
    meets_budget: bool | None = None
    refused: str | None = None
    """Why the chain cannot carry this cut (e.g. values beyond the FLOAT16 range)."""


@dataclass(frozen=True)
class SplitPointTraffic:
    number: int
    name: str
    op_type: str
    tensors: tuple[str, ...]
    raw_bytes: int
    raw_uplink_mbps: dict[float, float]
    ue_flop: int
    network_flop: int
    ue_compute_share: float
    """UE FLOP / whole-model FLOP (0..1)."""
    ue_parameter_bytes: int | None
    ue_peak_activation_bytes: int | None
    ue_ms: float
    network_ms: float
    codecs: tuple[CodecFigures, ...]


@dataclass(frozen=True)
class SplitTraffic:
    model: str
    inputs: str
    scenario: SplitScenario
    whole_flop: int
    whole_parameter_bytes: int | None
    points: tuple[SplitPointTraffic, ...]


@dataclass(frozen=True)
class _Cut:
    number: int
    name: str
    op_type: str
    crossing: tuple[TensorFacts, ...]
    ue_flop: int
    network_flop: int
    ue_parameter_bytes: int | None
    ue_peak: int | None


def split_traffic(
    model: onnx.ModelProto,
    analysis: SplitAnalysis,
    inputs: Samples,
    scenario: SplitScenario,
) -> SplitTraffic:
    """Traffic and latency of every split point of ``model``, measured on ``inputs``."""
    runner = CutTensors(model, analysis)
    tensors = [runner.run(feed) for feed in inputs.feeds]
    chains = [CodecChain.parse(c) for c in scenario.chains]
    whole = analysis.whole
    # Encoding dominates (zstd and numpy release the GIL): cuts are measured in parallel.
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        points = tuple(
            pool.map(
                lambda cut: _point(cut, tensors, chains, scenario, whole.flops), _cuts(analysis)
            )
        )
    return SplitTraffic(
        model=analysis.label,
        inputs=inputs.source,
        scenario=scenario,
        whole_flop=whole.flops,
        whole_parameter_bytes=whole.parameter_bytes,
        points=points,
    )


def _cuts(analysis: SplitAnalysis) -> list[_Cut]:
    whole = analysis.whole
    first = _Cut(0, "(inputs)", "", analysis.inputs, 0, whole.flops, 0, 0)
    last = _Cut(
        len(analysis.node_names),
        "(outputs)",
        "",
        analysis.outputs,
        whole.flops,
        0,
        whole.parameter_bytes,
        whole.peak_activation_bytes,
    )
    middle = [
        _Cut(
            c.number,
            c.name,
            c.op_type,
            c.crossing,
            c.head.flops,
            c.tail.flops,
            c.head.parameter_bytes,
            c.head.peak_activation_bytes,
        )
        for c in analysis.candidates
    ]
    return [first, *middle, last]


def _point(
    cut: _Cut,
    tensors: Sequence[Arrays],
    chains: Sequence[CodecChain],
    scenario: SplitScenario,
    whole_flop: int,
) -> SplitPointTraffic:
    names = [t.name for t in cut.crossing]
    per_sample = [{name: sample[name] for name in names} for sample in tensors]
    raw = sum(a.nbytes for a in per_sample[0].values())
    stated = [t.nbytes for t in cut.crossing]
    if None not in stated and sum(n for n in stated if n is not None) != raw:
        # The analysis and the runtime disagree on a shape: no figure is better than a wrong one.
        raise SplitError(
            f"split point {cut.number}", f"analysis says {sum(stated)} bytes, tensors hold {raw}"
        )
    ue_ms = rates.inference_ms(cut.ue_flop, scenario.ue_flops)
    network_ms = rates.inference_ms(cut.network_flop, scenario.network_flops)
    return SplitPointTraffic(
        number=cut.number,
        name=cut.name,
        op_type=cut.op_type,
        tensors=tuple(names),
        raw_bytes=raw,
        raw_uplink_mbps={f: rates.stream_rate_mbps(raw, f) for f in scenario.fps},
        ue_flop=cut.ue_flop,
        network_flop=cut.network_flop,
        ue_compute_share=cut.ue_flop / whole_flop if whole_flop else 0.0,
        ue_parameter_bytes=cut.ue_parameter_bytes,
        ue_peak_activation_bytes=cut.ue_peak,
        ue_ms=ue_ms,
        network_ms=network_ms,
        codecs=tuple(_codec(chain, per_sample, scenario, ue_ms + network_ms) for chain in chains),
    )


def unit_sizes(per_sample: Sequence[Arrays], chain: CodecChain) -> list[int]:
    """The byte length of each sample's intermediate data unit through ``chain``."""
    sizes = []
    for arrays in per_sample:
        information = describe_intermediate(arrays, DataDirection.UPSTREAM)
        sizes.append(encode_unit(information, arrays, chain).nbytes)
    return sizes


def _codec(
    chain: CodecChain,
    per_sample: Sequence[Arrays],
    scenario: SplitScenario,
    compute_ms: float,
) -> CodecFigures:
    try:
        sizes = unit_sizes(per_sample, chain)
    except CodecRangeError as error:
        return CodecFigures(chain.name, None, None, refused=str(error))
    mean = statistics.fmean(sizes)
    transfer = scenario.latency_ms + rates.transfer_ms(mean, scenario.uplink_mbps)
    total = compute_ms + transfer
    return CodecFigures(
        chain=chain.name,
        unit_bytes_mean=mean,
        unit_bytes_max=max(sizes),
        uplink_mbps={f: rates.stream_rate_mbps(mean, f) for f in scenario.fps},
        fits_uplink={
            f: rates.stream_rate_mbps(mean, f) <= scenario.uplink_mbps for f in scenario.fps
        },
        transfer_ms=transfer,
        total_ms=total,
        meets_budget=bool(np.isfinite(total) and total <= scenario.budget_ms),
    )
