"""The reference UE's functions in every split workflow (5.2.3.2, 5.2.3.3, 5.3.5).

Its AI Capability Manager reports the resources the UE has for the service; its engine
accepts only a configuration it can run (every codec of the chain supported, the
intermediate data flowing the right way, its own sub-model within its memory); its AI Model
Access Function verifies the sub-model it receives before handing it over; its inference
engine runs the sub-model on the media or on a received unit, and frames what it sends with
the agreed codec chain. The flows (:mod:`.ue_split_inference`, :mod:`.ue_split_basic`,
:mod:`.ue_split_operation`) drive it step by step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import onnx

from ts26927.bindings.attachments import array_to_bytes
from ts26927.bindings.base import Output, Refusal
from ts26927.bindings.reference.options import ReferenceOptions
from ts26927.engine.onnxtools.analysis_types import SplitCandidate
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.onnxtools.dtypes import describe_arrays
from ts26927.engine.onnxtools.loading import load_model
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.service import SplitService, split_service
from ts26927.engine.split.unit import decode_unit, encode_unit
from ts26927.errors import SetupError, Ts26927Error
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.intermediate_data import DataDirection, IntermediateDataInformation
from ts26927.models.messages.common import (
    InferenceOutput,
    MediaData,
    ModelDataDelivery,
    ModelHandover,
    ModelSubset,
)
from ts26927.models.messages.split import (
    IntermediateDataDelivery,
    IntermediateDataSessionSetup,
)
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_configuration import (
    SplitTopology,
)
from ts26927.models.split_model import SplitPointInformation
from ts26927.models.units import BYTES_PER_MB


@dataclass(frozen=True)
class Agreed:
    """The configuration the UE runs: split point, intermediate data and codec chain."""

    model_identifier: str
    point: SplitPointInformation
    information: IntermediateDataInformation
    chain: CodecChain


class UeSplitDevice:
    """What the UE's functions share in every split workflow: its resources, its media,
    the agreed configuration and the sub-model it runs."""

    handover_step = "14"
    """The step of the handover to the inference engine (7 in the basic flows)."""

    def __init__(self, params: dict[str, Any], options: ReferenceOptions | None = None) -> None:
        self.options = options or ReferenceOptions()
        self.model = str(params.get("model", "digits"))
        self.service: SplitService = split_service(self.model)
        if "ueCapabilities" not in params:
            raise SetupError("the UE needs its capabilities (preamble ueCapabilities)")
        self.capabilities = EndpointCapabilityInformation.from_wire(params["ueCapabilities"])
        self.requirements = ServiceRequirementInformation.from_wire(
            params.get("serviceRequirements") or {}
        )
        self.topology = SplitTopology(params.get("topology", "UE_SOURCE_UE_FIRST"))
        self.ue_first = self.topology is SplitTopology.UE_SOURCE_UE_FIRST
        self.sample = int(params.get("sample", 0))
        self.agreed: Agreed | None = None
        self.subset: onnx.ModelProto | None = None
        self.crossing: dict[str, np.ndarray] = {}

    def reported(self) -> EndpointCapabilityInformation:
        """What the AI Capability Manager reports: the UE's resources, as they are."""
        return self.capabilities

    # -- naming ----------------------------------------------------------------------------
    def name(self, local: str) -> str:
        """An identifier the UE names (sessions, delivery sessions)."""
        return self.options.split_ue_id_prefix + local

    # -- what the UE can run ---------------------------------------------------------------
    @property
    def direction(self) -> DataDirection:
        return DataDirection.UPSTREAM if self.ue_first else DataDirection.DOWNSTREAM

    def supported(self) -> set[str]:
        return {str(a) for a in self.capabilities.supported_compression_algorithms or []} | {"NONE"}

    def candidate(self, names: list[str]) -> SplitCandidate | None:
        """The cut of the service's model where exactly ``names`` cross, if it is one."""
        wanted = sorted(names)
        for candidate in self.service.analysis.candidates:
            if sorted(t.name for t in candidate.crossing) == wanted:
                return candidate
        return None

    def memory_needed(self, candidate: SplitCandidate) -> float | None:
        """MB the UE's side of ``candidate`` needs: its weights and its peak activations."""
        side = candidate.head if self.ue_first else candidate.tail
        if side.parameter_bytes is None or side.peak_activation_bytes is None:
            return None
        return (side.parameter_bytes + side.peak_activation_bytes) / BYTES_PER_MB

    def cannot_run(
        self, information: IntermediateDataInformation, total_latency: float | None = None
    ) -> str | None:
        """Why this UE cannot run a configuration with ``information`` (None: it can)."""
        try:
            chain = CodecChain.of(information)
        except Ts26927Error as error:
            return f"its codec chain is not one this UE implements: {error}"
        if missing := [str(a) for a in chain.algorithms if str(a) not in self.supported()]:
            return f"this UE does not support {', '.join(missing)}"
        direction = information.data_direction
        if direction is not None and direction is not self.direction:
            return f"the intermediate data flows {direction}; this service needs {self.direction}"
        candidate = self.candidate([t.name for t in information.tensors])
        if candidate is None:
            return "its tensors do not split the service's model"
        if [t.to_wire() for t in information.tensors] != [
            t.intermediate().to_wire() for t in candidate.crossing
        ]:
            return "it describes the tensors at its split point wrongly"
        need = self.memory_needed(candidate)
        processing = self.capabilities.processing_capabilities
        if need is not None and processing is not None and need > processing.memory:
            return f"this UE's sub-model needs {need:.4g} MB; the UE has {processing.memory:g} MB"
        budget = self.requirements.maximum_service_inference_latency
        if total_latency is not None and budget is not None and total_latency > budget:
            return f"its total latency {total_latency:g} ms exceeds the {budget:g} ms budget"
        return None

    def agree(
        self, model_identifier: str, point: SplitPointInformation, info: IntermediateDataInformation
    ) -> None:
        self.agreed = Agreed(model_identifier, point, info, CodecChain.of(info))

    def ready(self) -> Agreed:
        if self.agreed is None:
            raise Ts26927Error("no split configuration has been agreed")
        return self.agreed

    # -- the sub-model ---------------------------------------------------------------------
    def boundary(self, model: onnx.ModelProto) -> list[str]:
        """Where the UE's sub-model meets the network's: its outputs when the UE runs the
        first part, else its inputs (weights excepted)."""
        if self.ue_first:
            return [o.name for o in model.graph.output]
        weights = {t.name for t in model.graph.initializer}
        return [i.name for i in model.graph.input if i.name not in weights]

    def receive_subset(
        self, message: dict[str, Any] | None, attachments: dict[str, bytes]
    ) -> Refusal | ModelDataDelivery:
        """The AI Model Access Function verifies the UE's sub-model before the handover."""
        delivery = ModelDataDelivery.from_wire(message)
        data = attachments.get("model")
        if delivery.subset is not ModelSubset.UE_SUBSET:
            return Refusal(f"the delivery carries the {delivery.subset}, not the UE's subset")
        if data is None or len(data) != delivery.size or sha256(data) != delivery.sha256:
            return Refusal("the sub-model does not match the announced size and SHA-256")
        try:
            model = load_model(data)
            Runner(model, label="the UE's sub-model")
        except Ts26927Error as error:
            return Refusal(f"the UE's sub-model is refused: {error}")
        at = self.boundary(model)
        if self.agreed is not None:
            wanted = [t.name for t in self.agreed.information.tensors]
            if sorted(at) != sorted(wanted):
                return Refusal(f"the sub-model meets the network's at {at}, not at {wanted}")
        candidate = self.candidate(at)
        if candidate is None:
            return Refusal(f"the sub-model ends at {at}, not at a split point of {self.model}")
        need = self.memory_needed(candidate)
        processing = self.capabilities.processing_capabilities
        if need is not None and processing is not None and need > processing.memory:
            return Refusal(f"the sub-model needs {need:.4g} MB; the UE has {processing.memory:g}")
        self.subset = model
        return delivery

    def handover(self, delivery: ModelDataDelivery) -> Output:
        message = ModelHandover(
            model_identifier=delivery.model_identifier,
            sha256=delivery.sha256,
            subset=ModelSubset.UE_SUBSET,
        )
        return Output(self.handover_step, message.to_wire())

    # -- inference -------------------------------------------------------------------------
    def media(self) -> dict[str, np.ndarray]:
        return {self.service.input_name: self.service.sample(self.sample)}

    def run_first(self) -> MediaData:
        """The Data Source passes the media; the UE's sub-model runs on it."""
        assert self.subset is not None
        feed = self.media()
        self.crossing = Runner(self.subset, label="the UE's sub-model").run(feed)
        return MediaData(sequence_number=0, inputs=describe_arrays(feed))

    def unit(self) -> tuple[IntermediateDataDelivery, bytes]:
        """The intermediate data of the media, framed with the agreed codec chain."""
        agreed = self.ready()
        data = encode_unit(
            agreed.information, self.crossing, agreed.chain, split_point=agreed.point
        ).to_bytes()
        delivery = IntermediateDataDelivery(
            sequence_number=0,
            split_point_identifier=agreed.point.split_point_identifier,
            size=len(data),
            compression_algorithms=agreed.chain.algorithms,
        )
        return delivery, data

    def session_matches(self, setup: IntermediateDataSessionSetup) -> str | None:
        """Why the network's intermediate data session is not the agreed one (None: it is)."""
        agreed = self.ready()
        got, want = setup.intermediate_data_information, agreed.information
        if [t.to_wire() for t in got.tensors] != [t.to_wire() for t in want.tensors]:
            return "the session carries other tensors than the agreed split point's"
        if got.data_direction not in (None, want.data_direction):
            return f"the session flows {got.data_direction}; agreed {want.data_direction}"
        try:
            chain = CodecChain.of(got)
        except Ts26927Error as error:
            return f"the session's codec chain: {error}"
        if chain.algorithms != agreed.chain.algorithms:
            return f"the session uses {chain.name}; agreed {agreed.chain.name}"
        return None

    def decode(
        self, message: dict[str, Any] | None, data: bytes | None
    ) -> Refusal | dict[str, np.ndarray]:
        """A unit from the network, verified and decoded: framed for the agreed split point
        with the agreed codec chain, intact."""
        agreed = self.ready()
        delivery = IntermediateDataDelivery.from_wire(message)
        if data is None:
            return Refusal("no intermediate data unit arrived")
        if delivery.size != len(data):
            return Refusal(f"the unit has {len(data)} bytes; {delivery.size} were announced")
        try:
            unit = decode_unit(data)
        except Ts26927Error as error:
            return Refusal(f"the intermediate data unit is refused: {error}")
        header = unit.header
        point = agreed.point.split_point_identifier
        named = [delivery.split_point_identifier]
        if header.split_point_information is not None:
            named.append(header.split_point_information.split_point_identifier)
        if any(n != point for n in named):
            return Refusal(f"the unit is for split point {named}; agreed {point!r}")
        described = [t.to_wire() for t in header.intermediate_data_information.tensors]
        if described != [t.to_wire() for t in agreed.information.tensors]:
            return Refusal("the unit carries other tensors than the agreed split point's")
        framed = CodecChain.of(header.intermediate_data_information).algorithms
        announced = delivery.compression_algorithms
        if framed != agreed.chain.algorithms or announced not in (None, framed):
            return Refusal(
                f"the unit is framed with {[str(a) for a in framed]}; agreed {agreed.chain.name}"
            )
        return unit.tensors

    def run_second(self, tensors: dict[str, np.ndarray]) -> Refusal | np.ndarray:
        """The UE's sub-model on the decoded intermediate data: the final output."""
        assert self.subset is not None
        try:
            runner = Runner(self.subset, label="the UE's sub-model")
            outputs = runner.run({n: tensors[n] for n in runner.inputs})
        except (Ts26927Error, KeyError) as error:
            return Refusal(f"the UE's sub-model cannot run on the unit: {error}")
        return next(iter(outputs.values()))

    def final(self, values: np.ndarray) -> tuple[InferenceOutput, bytes]:
        """The result for the Data Destination: described, with its values (.npy)."""
        assert self.subset is not None
        label = self.subset.graph.output[0].name
        result = InferenceOutput(sequence_number=0, outputs=describe_arrays({label: values}))
        return result, array_to_bytes(values)
