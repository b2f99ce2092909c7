"""Reference UE side of split inference (5.2.3.2, detailed workflow, figure 5.2.3-3).

The UE's AI Capability Manager reports the resources the UE has for the service (1); the UE
Application lets the network decide (2a, then 7a) or selects among the network's candidates
(2b-6b, then 9b), and in either case accepts only a configuration its engine can run: every
codec of the chain supported, the intermediate data flowing the right way, and its own
sub-model within its memory. Its AI Model Access Function verifies the sub-model it receives
(13) before handing it over (14). With the media in the UE it runs its sub-model (15b-16b)
and sends each result as a framed intermediate data unit with the agreed codec chain (18b);
with the media in the network it opens the intermediate data session (17a), refuses a unit
that does not verify or was not framed as agreed (18a), and runs its sub-model on the rest
(19a-20a).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import onnx

from ts26927.bindings.attachments import array_to_bytes
from ts26927.bindings.base import Output, Refusal, Reply
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
    DeliverySessionSetup,
    InferenceOutput,
    MediaData,
    ModelDataDelivery,
    ModelHandover,
    ModelSubset,
    ResultCode,
)
from ts26927.models.messages.split import (
    AiModelInformationRequest,
    AiModelInformationResponse,
    AiSplitInferenceRequest,
    AiSplitInferenceResponse,
    AiSplitInferenceSelectionRequest,
    AiSplitInferenceSelectionResponse,
    IntermediateDataDelivery,
    IntermediateDataSessionSetup,
    SessionEstablishment,
)
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_configuration import (
    OptimizationPreference,
    SplitConfiguration,
    SplitDecisionMode,
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


class UeSplitInference:
    """Plays the UE side of the ``split-inference`` flow."""

    device_class: type[UeSplitDevice] = UeSplitDevice
    """The UE's functions (a subclass makes other choices, or has a defect)."""

    def __init__(self, params: dict[str, Any], options: ReferenceOptions | None = None) -> None:
        self.device = self.device_class(params, options)
        self.options = self.device.options
        self.decision = SplitDecisionMode(params.get("decision", "NETWORK"))
        self.selected: SplitConfiguration | None = None

    # -- negotiation -----------------------------------------------------------------------
    def begin(self) -> Reply:
        device = self.device
        session = device.name("s-1")
        body: dict[str, Any] = {
            "session_id": session,
            "service_requirement_information": device.requirements,
            "ue_capability_information": device.reported(),
        }
        request = (
            AiSplitInferenceRequest(**body, optimization_preference=OptimizationPreference.LATENCY)
            if self.decision is SplitDecisionMode.NETWORK
            else AiModelInformationRequest(**body)
        )
        return [
            Output("0", SessionEstablishment(session_id=session).to_wire()),
            Output("1", device.reported().to_wire()),
            Output("2a" if self.decision is SplitDecisionMode.NETWORK else "2b", request.to_wire()),
        ]

    def on(self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]) -> Reply:
        handler = {
            "7a": self._decided,
            "4b": self._select,
            "9b": self._allocated,
            "13": self._subset,
            "17b": self._send_unit,
            "18a": self._receive_unit,
        }.get(step)
        if handler is None:
            return []  # 20b: the Data Destination consumes the result
        try:
            return handler(message, attachments)
        except Ts26927Error as error:
            return Refusal(str(error))

    def poll(self) -> Reply:
        return []

    def _decided(self, message: Any, _: dict[str, bytes]) -> Reply:
        response = AiSplitInferenceResponse.from_wire(message)
        info = response.intermediate_data_information
        if why := self.device.cannot_run(info):
            return Refusal(f"the network decided a split this UE cannot run: {why}")
        self.device.agree(response.model_identifier, response.split_point_information, info)
        return [self._subset_session(response.model_identifier)]

    def runnable(
        self, candidates: list[SplitConfiguration]
    ) -> tuple[list[SplitConfiguration], str]:
        """The candidates this UE can run, and why the others are not."""
        ok: list[SplitConfiguration] = []
        reasons: list[str] = []
        for candidate in candidates:
            why = (
                f"topology {candidate.topology}"
                if candidate.topology is not self.device.topology
                else self.device.cannot_run(
                    candidate.intermediate_data_information, candidate.total_latency
                )
            )
            if why is None:
                ok.append(candidate)
            else:
                reasons.append(f"{candidate.configuration_identifier}: {why}")
        return ok, "; ".join(reasons)

    def choose(
        self, runnable: list[SplitConfiguration], preferred: str | None
    ) -> SplitConfiguration:
        if self.options.split_ue_selection == "last":
            return runnable[-1]
        for candidate in runnable:
            if candidate.configuration_identifier == preferred:
                return candidate
        return runnable[0]

    def _select(self, message: Any, _: dict[str, bytes]) -> Reply:
        response = AiModelInformationResponse.from_wire(message)
        runnable, reasons = self.runnable(response.candidates)
        if not runnable:
            return Refusal(f"this UE can run none of the candidates: {reasons}")
        self.selected = self.choose(runnable, response.preferred_candidate)
        request = AiSplitInferenceSelectionRequest(
            session_id=self.device.name("s-1"), selected=self.selected
        )
        return [Output("5b"), Output("6b", request.to_wire())]

    def _allocated(self, message: Any, _: dict[str, bytes]) -> Reply:
        response = AiSplitInferenceSelectionResponse.from_wire(message)
        if response.result is not ResultCode.SUCCESS or self.selected is None:
            return []  # the network declined the selection: nothing is agreed
        chosen = self.selected
        model = chosen.model_identifier or self.device.model
        self.device.agree(
            model, chosen.split_point_information, chosen.intermediate_data_information
        )
        return [self._subset_session(model)]

    def _subset_session(self, model_identifier: str) -> Output:
        setup = DeliverySessionSetup(
            delivery_session_id=self.device.name("d-1"),
            model_identifier=model_identifier,
            subset=ModelSubset.UE_SUBSET,
        )
        return Output("12", setup.to_wire())

    # -- subset and inference --------------------------------------------------------------
    def _subset(self, message: Any, attachments: dict[str, bytes]) -> Reply:
        self.device.ready()
        delivery = self.device.receive_subset(message, attachments)
        if isinstance(delivery, Refusal):
            return delivery
        handover = self.device.handover(delivery)
        if self.device.ue_first:
            media = self.device.run_first()
            return [handover, Output("15b", media.to_wire()), Output("16b")]
        setup = IntermediateDataSessionSetup(
            session_id=self.device.name("i-1"),
            intermediate_data_information=self.device.ready().information,
        )
        return [handover, Output("17a", setup.to_wire())]

    def _send_unit(self, message: Any, _: dict[str, bytes]) -> Reply:
        if not self.device.crossing:
            return Refusal("the UE has run no inference to deliver")
        if why := self.device.session_matches(IntermediateDataSessionSetup.from_wire(message)):
            return Refusal(why)
        delivery, data = self.device.unit()
        return [Output("18b", delivery.to_wire(), {"unit": data})]

    def _receive_unit(self, message: Any, attachments: dict[str, bytes]) -> Reply:
        if self.device.subset is None:
            return Refusal("the UE has no sub-model to run")
        tensors = self.device.decode(message, attachments.get("unit"))
        if isinstance(tensors, Refusal):
            return tensors
        values = self.device.run_second(tensors)
        if isinstance(values, Refusal):
            return values
        result, data = self.device.final(values)
        return [Output("19a"), Output("20a", result.to_wire(), {"output": data})]
