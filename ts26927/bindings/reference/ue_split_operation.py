"""Reference UE side (Media Session Handler, Media-aware Application and Media Client) of the
split AI/ML operation procedure (5.3.5).

The Media Session Handler reports the UE's capabilities (3) and requests split inference of
the model the service access information lists (4); it takes the split points the network
negotiates (5) and refuses an acknowledgement (6) that is not the negotiated selection, or
whose codec chain the UE did not report. It notifies the Media-aware Application (7), which
starts the delivery (8-9). The Media Client cuts the model data it receives (10) where the
acknowledged intermediate tensors cross — the whole model, or a sub-model that reaches that
far — starts its inference engine (11) and, once the intermediate data pipeline is up (13),
sends one framed unit per inference with the agreed codec chain (14). A split point update
(15, or 20 with a split configuration) moves it to another *negotiated* split point, after
which its units are at the new point; anything else is refused. When its application
triggers an update itself (preamble ``ueUpdate``), it moves to another negotiated split
point, negotiating it (15) or passing it alongside its next unit (14, in band), as its
options say. With ``statusReports``, it reports its status after each result (16) and its
media status after the network's report (19).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import onnx

from ts26927.bindings.attachments import AttachmentError, bytes_to_array
from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.bindings.reference.options import ReferenceOptions
from ts26927.engine.onnxtools.analysis import SplitAnalysis, SplitCandidate, analyze
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.loading import load_model
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.extraction import SplitExtractor
from ts26927.engine.split.service import split_service
from ts26927.engine.split.unit import encode_unit
from ts26927.errors import Ts26927Error
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.intermediate_data import DataDirection, IntermediateDataInformation
from ts26927.models.messages.operation import (
    CapabilityDiscovery,
    DeliveryRequest,
    InferenceStart,
    PipelineKind,
    PipelineSetup,
    ServiceAccessInformation,
    SessionUpdate,
    SplitAcknowledgement,
    SplitInferenceRequest,
    SplitNegotiation,
    StatusReport,
)
from ts26927.models.messages.split import IntermediateDataDelivery, SplitPointUpdate
from ts26927.models.split_model import SplitPointInformation

#: What this UE truly has: the engine runs ONNX and undoes every codec listed.
UE_CAPABILITIES = EndpointCapabilityInformation.model_validate(
    {
        "endpointType": "UE",
        "processingCapabilities": {
            "processingUnits": [{"kind": "NPU", "computeFlops": 1e10}],
            "memory": 100,
        },
        "supportedAiFrameworks": [{"name": "ONNX", "version": "1.16"}],
        "supportedCompressionAlgorithms": ["NONE", "ZSTD", "FLOAT16", "INT8"],
        "connectionCapabilities": "20 Mbps",
    }
)
_SUPPORTED = {str(a) for a in UE_CAPABILITIES.supported_compression_algorithms or []}


@dataclass(frozen=True)
class SplitInForce:
    """The split the UE computes at: the point, its data, the codec chain, its sub-model."""

    point: SplitPointInformation
    information: IntermediateDataInformation
    chain: CodecChain
    head: onnx.ModelProto


class UeSplitOperation:
    """Plays the UE's functions in the ``split-operation`` flow (the media is in the UE,
    which runs the first sub-model)."""

    def __init__(self, params: dict[str, Any], options: ReferenceOptions) -> None:
        self.media = split_service(str(params.get("model", "digits"))).sample(
            int(params.get("sample", 0))
        )
        self.app_updates = bool(params.get("ueUpdate", False))
        self.reports = bool(params.get("statusReports", False))
        self.options = options
        self.model_identifier: str | None = None
        self.negotiated: dict[str, SplitPointInformation] = {}
        self.selected: str | None = None
        self.dynamic = False
        self.pending: tuple[SplitPointInformation, IntermediateDataInformation] | None = None
        self.access_location: str | None = None
        self.model: onnx.ModelProto | None = None
        self.analysis: SplitAnalysis | None = None
        self.extractor: SplitExtractor | None = None
        self.split: SplitInForce | None = None
        self.sequence = 0
        self.latency_ms = 0.0
        self.updated_by_app = False

    # -- the flow ----------------------------------------------------------------------------
    def on(self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]) -> Reply:
        handlers = {
            "2": self._access,
            "5": self._negotiation,
            "6": self._acknowledgement,
            "10": self._model_data,
            "13": self._intermediate_pipeline,
            "14": self._result,
            "15": self._network_update,
            "18": self._network_status,
            "20": self._session_update,
        }
        handler = handlers.get(step)
        return [] if handler is None else handler(message or {}, attachments)

    def poll(self) -> Reply:
        return []

    def _access(self, message: dict[str, Any], _: dict[str, bytes]) -> Reply:
        access = ServiceAccessInformation.from_wire(message)
        if not access.ai_models:
            return Refusal("the service access information lists no AI model to request")
        self.model_identifier = access.ai_models[0].model_identifier
        discovery = CapabilityDiscovery(capability_information=UE_CAPABILITIES)
        request = SplitInferenceRequest(model_identifier=self.model_identifier)
        return [Output("3", discovery.to_wire()), Output("4", request.to_wire())]

    def _negotiation(self, message: dict[str, Any], _: dict[str, bytes]) -> Reply:
        negotiation = SplitNegotiation.from_wire(message)
        self.negotiated = {p.split_point_identifier: p for p in negotiation.split_points}
        self.selected = negotiation.selected_split_point
        self.dynamic = bool(negotiation.dynamic)
        return []

    def _acknowledgement(self, message: dict[str, Any], _: dict[str, bytes]) -> Reply:
        ack = SplitAcknowledgement.from_wire(message)
        identifier = ack.split_point_information.split_point_identifier
        if identifier != self.selected:
            return Refusal(
                f"the acknowledgement names split point {identifier!r}; the negotiation "
                f"selected {self.selected!r}"
            )
        if problem := self.unusable(ack.intermediate_data_information):
            return Refusal(problem)
        if ack.dynamic is not None:
            self.dynamic = ack.dynamic
        self.pending = (ack.split_point_information, ack.intermediate_data_information)
        self.access_location = ack.access_location
        request = DeliveryRequest(
            access_location=ack.access_location, model_identifier=self.model_identifier
        ).to_wire()
        return [Output("7", ack.to_wire()), Output("8", request), Output("9", request)]

    def _model_data(self, message: dict[str, Any], attachments: dict[str, bytes]) -> Reply:
        pipeline = PipelineSetup.from_wire(message)
        if pipeline.kind is not PipelineKind.MODEL_DATA:
            return Refusal(f"step 10 sets up a {pipeline.kind} pipeline, not MODEL_DATA")
        if self.pending is None:
            return Refusal("no split has been acknowledged")
        data = attachments.get("model")
        if data is None:
            return Refusal("no 'model' attachment carries the AI model data")
        try:
            model = load_model(data)
            analysis = analyze(model, label="the delivered model data")
        except Ts26927Error as error:
            return Refusal(f"the AI model data is refused: {error}")
        self.model, self.analysis = model, analysis
        self.extractor = SplitExtractor(model, analysis)
        configured = self.configure(*self.pending)
        if isinstance(configured, str):
            return Refusal(configured)
        self.split = configured
        start = InferenceStart(
            model_identifier=self.model_identifier or "model",
            split_point_identifier=configured.point.split_point_identifier,
        )
        return [Output("11", start.to_wire())]

    def _intermediate_pipeline(self, message: dict[str, Any], _: dict[str, bytes]) -> Reply:
        pipeline = PipelineSetup.from_wire(message)
        if pipeline.kind is not PipelineKind.INTERMEDIATE_DATA:
            return Refusal(f"step 13 sets up a {pipeline.kind} pipeline, not INTERMEDIATE_DATA")
        if self.split is None:
            return Refusal("the UE's sub-model has not been set up (step 10)")
        return [self.unit()]

    def _result(self, message: dict[str, Any], attachments: dict[str, bytes]) -> Reply:
        """The network's inference output for the UE's latest unit (the network side of
        step 14): its header must name the split point in force."""
        delivery = IntermediateDataDelivery.from_wire(message)
        if self.split is None:
            return Refusal("no intermediate data has been sent")
        if problem := self.stale(delivery):
            return Refusal(problem)
        if delivery.split_point_update is not None:
            return Refusal("a split point update passes in band only from the UE to the network")
        try:
            bytes_to_array(attachments["output"], "output")
        except (KeyError, AttachmentError) as error:
            return Refusal(f"the network's inference output is unusable: {error}")
        replies: list[Output] = []
        if self.reports:
            report = StatusReport(
                inference_latency=round(self.latency_ms, 3),
                inference_status="RUNNING",
                capability_information=UE_CAPABILITIES,
            )
            replies.append(Output("16", report.to_wire()))
        if self.app_updates and not self.updated_by_app:
            self.updated_by_app = True
            replies += self._app_update()
        return replies

    def stale(self, delivery: IntermediateDataDelivery) -> str | None:
        """Why the network's delivery is not for the split point in force, or None."""
        assert self.split is not None
        current = self.split.point.split_point_identifier
        if delivery.split_point_identifier == current:
            return None
        return (
            f"the network's delivery names split point {delivery.split_point_identifier!r}; "
            f"the split point in force is {current!r}"
        )

    def _network_update(self, message: dict[str, Any], _: dict[str, bytes]) -> Reply:
        refused = self.move(SplitPointUpdate.from_wire(message))
        return refused if refused is not None else [self.unit()]

    def _network_status(self, message: dict[str, Any], _: dict[str, bytes]) -> Reply:
        StatusReport.from_wire(message)
        if not self.reports:
            return []
        media = StatusReport(
            inference_latency=round(self.latency_ms, 3), inference_status="RUNNING"
        )
        return [Output("19", media.to_wire())]

    def _session_update(self, message: dict[str, Any], _: dict[str, bytes]) -> Reply:
        update = SessionUpdate.from_wire(message)
        if update.model_identifier not in (None, self.model_identifier):
            return Refusal(f"model {update.model_identifier!r} was not offered to this UE")
        point = update.split_point_information
        if (
            point is not None
            and self.split is not None
            and point.split_point_identifier != self.split.point.split_point_identifier
        ):
            refused = self.move(SplitPointUpdate(split_point_information=point))
            if refused is not None:
                return refused
        return []

    # -- split points --------------------------------------------------------------------------
    def move(self, update: SplitPointUpdate) -> Refusal | None:
        """Move to the update's split point if it is a negotiated one the UE can run; the
        split stays as it was otherwise."""
        if self.split is None:
            return Refusal("no split is running to update")
        if not self.dynamic:
            return Refusal("the split point was negotiated as static")
        identifier = update.split_point_information.split_point_identifier
        if identifier not in self.negotiated:
            return Refusal(
                f"split point {identifier!r} is not one of the negotiated (predefined) split "
                f"points {sorted(self.negotiated)}"
            )
        information = update.intermediate_data_information
        if information is None:
            found = self._candidate(update.split_point_information)
            if isinstance(found, str):
                return Refusal(found)
            information = found.intermediate_data_information(
                DataDirection.UPSTREAM, list(self.split.chain.algorithms)
            )
        if problem := self.unusable(information):
            return Refusal(problem)
        configured = self.configure(update.split_point_information, information)
        if isinstance(configured, str):
            return Refusal(configured)
        self.split = configured
        return None

    def configure(
        self, point: SplitPointInformation, information: IntermediateDataInformation
    ) -> SplitInForce | str:
        """The sub-model ending where ``information``'s tensors cross, or why there is none."""
        assert self.model is not None and self.analysis is not None and self.extractor
        names = [t.name for t in information.tensors]
        outputs = [o.name for o in self.model.graph.output]
        if set(outputs) == set(names):  # the network delivered exactly the UE's sub-model
            head = self.model
        else:
            candidate = next(
                (c for c in self.analysis.candidates if {t.name for t in c.crossing} == set(names)),
                None,
            )
            if candidate is None:
                return f"the model data has no split point where {names} cross"
            described = [t.intermediate() for t in candidate.crossing]
            if sorted(described, key=lambda t: t.name) != sorted(
                information.tensors, key=lambda t: t.name
            ):
                said = [t.to_wire() for t in information.tensors]
                return (
                    f"the intermediate data describes {said}; at that split point the model "
                    f"has {[t.to_wire() for t in described]}"
                )
            try:
                head = self.extractor.extract(candidate.number).head
            except Ts26927Error as error:
                return f"the UE cannot cut the model there: {error}"
        return SplitInForce(point, information, CodecChain.of(information), head)

    def _candidate(self, point: SplitPointInformation) -> SplitCandidate | str:
        assert self.analysis is not None
        try:
            return self.analysis.candidate(point)
        except Ts26927Error as error:
            return f"the UE cannot find split point {point.split_point_identifier!r}: {error}"

    def _app_update(self) -> list[Output]:
        """The Media-aware Application moves the split to another negotiated split point."""
        assert self.split is not None
        current = self.split.point.split_point_identifier
        others = [p for i, p in self.negotiated.items() if i != current]
        if self.options.split_operation_update_choice == "last":
            others.reverse()
        for point in others:
            candidate = self._candidate(point)
            if isinstance(candidate, str):
                continue
            information = candidate.intermediate_data_information(
                DataDirection.UPSTREAM, list(self.split.chain.algorithms)
            )
            update = SplitPointUpdate(
                split_point_information=point,
                intermediate_data_information=information,
                reason="the media-aware application adapts to new conditions",
            )
            if self.move(update) is not None:
                continue
            if self.options.split_operation_in_band_updates:
                return [self.unit(update)]
            return [Output("15", update.to_wire()), self.unit()]
        return []

    # -- inference -----------------------------------------------------------------------------
    def unit(self, update: SplitPointUpdate | None = None) -> Output:
        """Run the sub-model in force on the media and frame its output as one unit."""
        assert self.split is not None
        split = self.split
        began = time.perf_counter()
        arrays = self.crossing(split)
        self.latency_ms = (time.perf_counter() - began) * 1000
        framed = split.point if self.options.split_operation_unit_split_point else None
        unit = encode_unit(split.information, arrays, split.chain, split_point=framed).to_bytes()
        delivery = IntermediateDataDelivery(
            sequence_number=self.sequence,
            split_point_identifier=split.point.split_point_identifier,
            size=len(unit),
            compression_algorithms=list(split.chain.algorithms),
            split_point_update=update,
        )
        self.sequence += 1
        return Output("14", delivery.to_wire(), {"unit": unit})

    def crossing(self, split: SplitInForce) -> dict[str, np.ndarray]:
        """The UE's inference engine runs its sub-model on the media: the crossing tensors."""
        runner = Runner(split.head, label="the UE's sub-model")
        outputs = runner.run({next(iter(runner.inputs)): self.media})
        return {t.name: outputs[t.name] for t in split.information.tensors}

    def unusable(self, information: IntermediateDataInformation) -> str | None:
        """Why the UE cannot produce this intermediate data, or None."""
        if information.data_direction not in (None, DataDirection.UPSTREAM):
            return (
                f"dataDirection {information.data_direction}: the UE runs the first "
                "sub-model, its intermediate data goes UPSTREAM"
            )
        try:
            chain = CodecChain.of(information)
        except Ts26927Error as error:
            return f"compressionAlgorithms: {error}"
        if unsupported := sorted({str(a) for a in chain.algorithms} - _SUPPORTED):
            return f"compression {unsupported} is not among the UE's reported {sorted(_SUPPORTED)}"
        return None
