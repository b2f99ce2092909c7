"""Split inference end to end: head, intermediate data unit, tail, in a 5.1.2 topology.

The first inference endpoint runs the head and its intermediate data delivery function
frames the crossing tensors as one unit (:mod:`.unit`); the second endpoint's access
function decodes the unit and its inference engine runs the tail. The topology says
which endpoint is first, the direction of the unit, and which other data crosses the
UE-network connection (the media uplink of figure 5.1.2-2, the result downlink of
figure 5.1.2-1); every crossing is accounted for in :attr:`SplitResult.transfers`.
Both endpoints live in this process here; the bytes that cross are real.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import onnxruntime as ort

from ts26927.engine.onnxtools.analysis_types import TENSOR_STRUCTURE
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.dtypes import from_numpy
from ts26927.engine.onnxtools.limits import UnitLimits
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.extraction import SubModels
from ts26927.engine.split.unit import EncodedUnit, decode_unit, encode_unit
from ts26927.errors import IntermediateDataError
from ts26927.models.endpoint_capability import EndpointType
from ts26927.models.intermediate_data import DataDirection, IntermediateDataInformation
from ts26927.models.intermediate_data import IntermediateTensor as Tensor
from ts26927.models.split_configuration import SplitTopology


@dataclass(frozen=True)
class Transfer:
    """Data that crossed the UE-network connection."""

    what: str  # "media", "intermediate data" or "result"
    direction: DataDirection
    nbytes: int


@dataclass(frozen=True)
class SplitResult:
    outputs: dict[str, np.ndarray]
    unit: EncodedUnit
    raw_bytes: int
    """Bytes of the crossing tensors before the codec chain."""
    transfers: list[Transfer]
    head_s: float
    encode_s: float
    decode_s: float
    tail_s: float

    @property
    def total_s(self) -> float:
        return self.head_s + self.encode_s + self.decode_s + self.tail_s


class SplitPipeline:
    """Head and tail of one split point with a codec chain, wired as one topology."""

    def __init__(
        self,
        sub: SubModels,
        *,
        label: str = "model",
        topology: SplitTopology = SplitTopology.UE_SOURCE_UE_FIRST,
        chain: CodecChain | None = None,
        options: ort.SessionOptions | None = None,
        limits: UnitLimits | None = None,
    ) -> None:
        self.sub = sub
        self.topology = topology
        self.chain = chain or CodecChain()
        self.limits = limits or UnitLimits()
        ue_first = topology.first_endpoint is EndpointType.UE
        first, second = ("UE", "network") if ue_first else ("network", "UE")
        where = f"{label} split point {sub.candidate.identifier}"
        self.head = Runner(sub.head, label=f"{where} head ({first})", options=options)
        self.tail = Runner(sub.tail, label=f"{where} tail ({second})", options=options)

    def run(self, inputs: Mapping[str, np.ndarray]) -> SplitResult:
        """Run the split inference once on ``inputs`` (the whole model's inputs)."""
        direction = self.topology.data_direction
        transfers = []
        if self.topology.media_uplink:
            media = sum(v.nbytes for v in inputs.values())
            transfers.append(Transfer("media", DataDirection.UPSTREAM, media))
        start = time.perf_counter()
        crossing = self.head.run({k: v for k, v in inputs.items() if k in self.head.inputs})
        after_head = time.perf_counter()
        unit = encode_unit(
            describe_intermediate(crossing, direction),
            crossing,
            self.chain,
            split_point=self.sub.candidate.split_point_information(),
        )
        after_encode = time.perf_counter()
        # The join stands for the transfer: the receiver gets one contiguous buffer.
        received = decode_unit(b"".join(unit.parts), limits=self.limits)
        after_decode = time.perf_counter()
        tail_feeds = {name: received.tensors[name] for name in self.tail.inputs}
        tail_out = self.tail.run(tail_feeds)
        end = time.perf_counter()
        transfers.append(Transfer("intermediate data", direction, unit.nbytes))
        outputs = {**{k: v for k, v in received.tensors.items() if k not in tail_feeds}, **tail_out}
        if self.topology.result_downlink:
            result = sum(v.nbytes for v in outputs.values())
            transfers.append(Transfer("result", DataDirection.DOWNSTREAM, result))
        return SplitResult(
            outputs=outputs,
            unit=unit,
            raw_bytes=sum(v.nbytes for v in crossing.values()),
            transfers=transfers,
            head_s=after_head - start,
            encode_s=after_encode - after_head,
            decode_s=after_decode - after_encode,
            tail_s=end - after_decode,
        )


def describe_intermediate(
    arrays: Mapping[str, np.ndarray], direction: DataDirection
) -> IntermediateDataInformation:
    """Clause 6.6.3 information of arrays as a head produced them (with a dynamic batch,
    the actual batch size, not the analysis' binding)."""
    tensors = []
    for name, array in arrays.items():
        element = from_numpy(array.dtype)
        if element is None or array.size == 0:
            raise IntermediateDataError(
                f"tensor {name!r}", f"{array.dtype} {list(array.shape)} cannot be carried"
            )
        tensors.append(
            Tensor(name=name, tensor_shape=list(array.shape), tensor_element_data_type=element)
        )
    return IntermediateDataInformation(
        tensor_structure_information=TENSOR_STRUCTURE, tensors=tensors, data_direction=direction
    )


@dataclass(frozen=True)
class Difference:
    """How far split outputs are from the whole model's, over all outputs."""

    max_abs: float
    max_rel: float
    """Largest absolute difference over the largest magnitude of the whole model's output."""


def compare(whole: Mapping[str, np.ndarray], split: Mapping[str, np.ndarray]) -> Difference:
    """Differences between two sets of outputs with the same names and shapes."""
    if set(whole) != set(split):
        raise IntermediateDataError("outputs", f"{sorted(split)} differ from {sorted(whole)}")
    max_abs = max_rel = 0.0
    for name, expected in whole.items():
        got = split[name]
        if got.shape != expected.shape:
            raise IntermediateDataError(
                f"output {name!r}", f"shape {list(got.shape)} differs from {list(expected.shape)}"
            )
        if expected.size == 0:
            continue
        diff = float(np.max(np.abs(got.astype(np.float64) - expected.astype(np.float64))))
        scale = float(np.max(np.abs(expected.astype(np.float64))))
        max_abs = max(max_abs, diff)
        max_rel = max(max_rel, diff / scale if scale > 0 else diff)
    return Difference(max_abs, max_rel)
