"""Reference network side (Media AF and Media AS) of the split AI/ML operation procedure
(5.3.5): service access (2), negotiation and acknowledgement of the split (5-6), the model
data pipeline with the UE subset (10), the start of the network inference and the
intermediate data pipeline (12-13), split inference (14), split point updates (15),
status reports (17-18) and session updates (20). The media source is in the UE."""

from __future__ import annotations

from typing import Any

from ts26927.bindings.attachments import array_to_bytes, require
from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.service import NETWORK_CAPABILITIES, SplitService
from ts26927.engine.split.unit import decode_unit
from ts26927.errors import Ts26927Error
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.intermediate_data import IntermediateDataInformation
from ts26927.models.messages.operation import (
    CapabilityDiscovery,
    InferenceStart,
    PipelineKind,
    PipelineSetup,
    ServiceAccessInformation,
    SessionUpdate,
    SplitAcknowledgement,
    SplitNegotiation,
    StatusReport,
)
from ts26927.models.messages.split import IntermediateDataDelivery, SplitPointUpdate
from ts26927.models.service_requirement import ServiceRequirementInformation
from ts26927.models.split_configuration import (
    OptimizationPreference,
    SplitDecisionMode,
    SplitTopology,
)
from ts26927.models.split_model import SplitPointInformation

AS = "https://as.example.com/ai/p-1/"


class NetworkSplitOperation:
    """Plays the Media AF and Media AS of the ``split-operation`` flow."""

    def __init__(self, service: SplitService, params: dict[str, Any]) -> None:
        self.service = service
        self.requirements = ServiceRequirementInformation.model_validate(
            params.get("service", {"maximumServiceInferenceLatency": 50})
        )
        self.ue: EndpointCapabilityInformation | None = None
        self.point: SplitPointInformation | None = None
        self.information: IntermediateDataInformation | None = None
        self.started = False
        self.sequence = 0

    def on(self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]) -> Reply:
        handlers = {
            "1": self._access,
            "3": self._capabilities,
            "4": self._negotiate,
            "9": self._model_pipeline,
            "14": self._infer,
            "15": self._update,
            "16": self._reports,
            "20": self._session_update,
        }
        handler = handlers.get(step)
        return [] if handler is None else handler(message or {}, attachments)

    def poll(self) -> Reply:
        if self.point is None or self.started or self.information is None:
            return []
        self.started = True
        start = InferenceStart(
            model_identifier=self.service.identifier,
            split_point_identifier=self.point.split_point_identifier,
        )
        pipeline = PipelineSetup(
            pipeline_id="intermediate-1",
            kind=PipelineKind.INTERMEDIATE_DATA,
            location=AS + "intermediate",
            streaming=True,
        )
        return [Output("12", start.to_wire()), Output("13", pipeline.to_wire())]

    def _access(self, message: dict[str, Any], _: dict[str, bytes]) -> Reply:
        access = ServiceAccessInformation(
            provisioning_session_id=message["provisioningSessionId"],
            ai_models=[self.service.information()],
        )
        return [Output("2", access.to_wire())]

    def _capabilities(self, message: dict[str, Any], _: dict[str, bytes]) -> Reply:
        self.ue = CapabilityDiscovery.from_wire(message).capability_information
        return []

    def _negotiate(self, message: dict[str, Any], _: dict[str, bytes]) -> Reply:
        if self.ue is None:
            return Refusal("the UE's capabilities were not discovered (step 3)")
        selection = self.service.select(
            self.requirements,
            self.ue,
            topology=SplitTopology.UE_SOURCE_UE_FIRST,
            preference=OptimizationPreference.LATENCY,
            mode=SplitDecisionMode.UE,
        )
        if not selection.candidates:
            return Refusal("no split point meets the requirements and the UE's capabilities")
        chosen = selection.candidates[0]
        self.point = chosen.split_point_information
        self.information = chosen.intermediate_data_information
        points = list(
            {
                c.split_point_information.split_point_identifier: c.split_point_information
                for c in selection.candidates
            }.values()
        )
        negotiation = SplitNegotiation(
            split_points=points,
            dynamic=True,
            selected_split_point=self.point.split_point_identifier,
        )
        acknowledgement = SplitAcknowledgement(
            split_point_information=self.point,
            intermediate_data_information=self.information,
            access_location=AS + "intermediate",
            dynamic=True,
        )
        return [Output("5", negotiation.to_wire()), Output("6", acknowledgement.to_wire())]

    def _sub(self) -> Any:
        assert self.point is not None
        return self.service.submodels(self.point.split_point_identifier)

    def _model_pipeline(self, message: dict[str, Any], _: dict[str, bytes]) -> Reply:
        if self.point is None:
            return Refusal("no split has been acknowledged")
        pipeline = PipelineSetup(
            pipeline_id="model-1",
            kind=PipelineKind.MODEL_DATA,
            location=AS + "models/ue-subset",
            streaming=False,
        )
        return [Output("10", pipeline.to_wire(), {"model": self._sub().head.SerializeToString()})]

    def _infer(self, message: dict[str, Any], attachments: dict[str, bytes]) -> Reply:
        if not self.started:
            return Refusal("the intermediate data pipeline is not set up")
        in_band = IntermediateDataDelivery.from_wire(message).split_point_update
        if in_band is not None:  # step 15 passed alongside the delivery pipeline
            refused = self._apply(in_band)
            if refused is not None:
                return refused
        try:
            unit = decode_unit(require(attachments, "unit", "step 14"))
            if [t.name for t in unit.header.intermediate_data_information.tensors] != [
                t.name for t in self.information.tensors
            ]:  # type: ignore[union-attr]
                return Refusal("the unit does not carry the tensors of the current split point")
            tail = Runner(self._sub().tail, label="network subset")
            outputs = tail.run({n: unit.tensors[n] for n in tail.inputs})
        except Ts26927Error as error:
            return Refusal(f"intermediate data unit refused: {error}")
        values = next(iter(outputs.values()))
        delivery = IntermediateDataDelivery(
            sequence_number=self.sequence,
            size=values.nbytes,
            split_point_identifier=self.point.split_point_identifier,
        )  # type: ignore[union-attr]
        self.sequence += 1
        return [Output("14", delivery.to_wire(), {"output": array_to_bytes(values)})]

    def _update(self, message: dict[str, Any], _: dict[str, bytes]) -> Reply:
        refused = self._apply(SplitPointUpdate.from_wire(message))
        return refused if refused is not None else []

    def _apply(self, update: SplitPointUpdate) -> Refusal | None:
        """Move to the update's split point, if it is a predefined one this network can
        serve; a refusal otherwise (the split point stays as it was)."""
        try:
            candidate = self.service.analysis.candidate(update.split_point_information)
        except Ts26927Error as error:
            return Refusal(f"not a predefined split point: {error}")
        info = update.intermediate_data_information
        expected = [t.intermediate() for t in candidate.crossing]
        if info is None or info.tensors != expected:
            return Refusal("the update's intermediate data does not match the split point")
        unsupported = {str(a) for a in info.compression_algorithms or []} - {
            str(a) for a in NETWORK_CAPABILITIES.supported_compression_algorithms or []
        }
        if unsupported:
            return Refusal(f"compression {sorted(unsupported)} is not supported")
        self.point, self.information = candidate.split_point_information(), info
        return None

    def _reports(self, message: dict[str, Any], _: dict[str, bytes]) -> Reply:
        StatusReport.from_wire(message)
        network = StatusReport(
            capability_information=NETWORK_CAPABILITIES, inference_status="RUNNING"
        )
        return [Output("17", network.to_wire()), Output("18", network.to_wire())]

    def _session_update(self, message: dict[str, Any], _: dict[str, bytes]) -> Reply:
        update = SessionUpdate.from_wire(message)
        if update.model_identifier not in (None, self.service.identifier):
            return Refusal(f"model {update.model_identifier!r} is not provisioned")
        return []
