"""Reference network side of split inference (5.2.3.2, detailed workflow).

Negotiation: the network decides (2a-7a) or lists every matched candidate for the UE
(2b-4b) and allocates what the UE selected (6b-9b); then it identifies and hands over the
subsets (10-11) and delivers the UE's subset (12-13). Inference: with the data source in
the UE, it opens the intermediate data session (17b), decodes each unit (18b), runs the
network subset and returns the output (19b-20b); with the data source in the network, it
runs the head on its own media (15a-16a) and sends each unit (17a-18a).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx

from ts26927.bindings.attachments import array_to_bytes, require
from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.bindings.reference.options import ReferenceOptions
from ts26927.bindings.reference.replies import Declined
from ts26927.bindings.reference.subsets import subset_output
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.dtypes import describe_arrays
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.service import SplitService
from ts26927.engine.split.unit import decode_unit, encode_unit
from ts26927.errors import Ts26927Error
from ts26927.models.messages.common import (
    InferenceOutput,
    MediaData,
    ModelIdentification,
    ModelSubset,
    ResultCode,
)
from ts26927.models.messages.split import (
    AiInferenceResourceAllocationRequest,
    AiInferenceResourceAllocationResponse,
    AiModelInformationRequest,
    AiModelInformationResponse,
    AiSplitInferenceRequest,
    AiSplitInferenceResponse,
    AiSplitInferenceSelectionRequest,
    AiSplitInferenceSelectionResponse,
    IntermediateDataDelivery,
    IntermediateDataSessionSetup,
)
from ts26927.models.split_configuration import (
    SplitConfiguration,
    SplitDecisionMode,
    SplitTopology,
)
from ts26927.models.split_model import SplitPointInformation

ACCESS = "https://as.example.com/ai/intermediate/"


class NetworkSplitInference:
    """Plays the network side of the ``split-inference`` flow."""

    def __init__(
        self,
        service: SplitService,
        params: dict[str, Any],
        options: ReferenceOptions | None = None,
    ) -> None:
        self.service = service
        self.options = options or ReferenceOptions()
        self.model_identifier = self.options.model_identifier or service.identifier
        self.topology = SplitTopology(params.get("topology", "UE_SOURCE_UE_FIRST"))
        self.sample = int(params.get("sample", 0))
        self.offered: dict[str, SplitConfiguration] = {}
        self.chosen: SplitConfiguration | None = None
        self.session_opened = False
        self.sequence = 0

    # -- the TS's steps --------------------------------------------------------------------
    def on(self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]) -> Reply:
        handler = {
            "2a": self._network_decides,
            "2b": self._list_candidates,
            "6b": self._allocate,
            "12": self._deliver_subset,
            "17a": self._send_first_unit,
            "18b": self._infer,
        }.get(step)
        return [] if handler is None else handler(message, attachments)

    def poll(self) -> Reply:
        """After the UE has its subset: open the session (UE source) or start (network)."""
        if self.chosen is None or self.session_opened:
            return []
        self.session_opened = True
        if self.topology is SplitTopology.UE_SOURCE_UE_FIRST:
            setup = IntermediateDataSessionSetup(
                session_id=f"i-{self.chosen.configuration_identifier}",
                intermediate_data_information=self.chosen.intermediate_data_information,
            )
            return [Output("17b", setup.to_wire())]
        media = MediaData(
            sequence_number=self.sequence,
            inputs=[t.intermediate() for t in self.service.analysis.inputs],
        )
        return [Output("15a", media.to_wire()), Output("16a")]

    # -- negotiation -----------------------------------------------------------------------
    def _select(
        self, request: AiSplitInferenceRequest | AiModelInformationRequest, mode: SplitDecisionMode
    ) -> list[SplitConfiguration]:
        preference = getattr(request, "optimization_preference", None)
        bandwidth = request.available_bandwidth
        selection = self.service.select(
            request.service_requirement_information,
            request.ue_capability_information,
            topology=self.topology,
            preference=preference or "LATENCY",
            mode=SplitDecisionMode.UE,
            uplink_bps=bandwidth.uplink.bps if bandwidth and bandwidth.uplink else None,
            downlink_bps=bandwidth.downlink.bps if bandwidth and bandwidth.downlink else None,
        )
        matched = [_announced(c, self.options, self.model_identifier) for c in selection.candidates]
        if mode is SplitDecisionMode.NETWORK and self.options.split_choice == "next":
            matched = matched[1:2] or matched[:1]
        return matched[:1] if mode is SplitDecisionMode.NETWORK else matched

    def _network_decides(self, message: Any, _: dict[str, bytes]) -> Reply:
        request = AiSplitInferenceRequest.from_wire(message)
        matched = self._select(request, SplitDecisionMode.NETWORK)
        if not matched:
            return Refusal(
                "no split configuration meets the service requirements and the UE's capabilities"
            )
        self.chosen = matched[0]
        response = AiSplitInferenceResponse(
            model_identifier=self.model_identifier,
            split_point_information=self.chosen.split_point_information,
            intermediate_data_information=self.chosen.intermediate_data_information,
            access_location=ACCESS + request.session_id,
        )
        return [
            Output("3a"),
            Output("4a"),
            *self._allocation("5a", "6a"),
            Output("7a", response.to_wire()),
            *self._subsets(),
        ]

    def _list_candidates(self, message: Any, _: dict[str, bytes]) -> Reply:
        request = AiModelInformationRequest.from_wire(message)
        matched = self._select(request, SplitDecisionMode.UE)
        if not matched:
            return Refusal(
                "no split configuration meets the service requirements and the UE's capabilities"
            )
        self.offered = {c.configuration_identifier: c for c in matched}
        supported = [
            _announced_point(c.split_point_information(), self.options)
            for c in self.service.analysis.candidates
        ]
        response = AiModelInformationResponse(
            candidates=matched,
            preferred_candidate=matched[0].configuration_identifier,
            supported_split_points=supported,
        )
        return [Output("3b"), Output("4b", response.to_wire())]

    def _allocate(self, message: Any, _: dict[str, bytes]) -> Reply:
        request = AiSplitInferenceSelectionRequest.from_wire(message)
        offered = self.offered.get(request.selected.configuration_identifier)
        if offered is None or offered != request.selected:
            cause = (
                f"configuration {request.selected.configuration_identifier!r} "
                "is not one of the candidates offered at step 4b"
            )
            if self.options.in_band_refusals:
                answer = AiSplitInferenceSelectionResponse(result=ResultCode.FAILURE, cause=cause)
                return Declined([Output("9b", answer.to_wire())])
            return Refusal(cause)
        self.chosen = offered
        response = AiSplitInferenceSelectionResponse(
            result=ResultCode.SUCCESS, access_location=ACCESS + request.session_id
        )
        return [*self._allocation("7b", "8b"), Output("9b", response.to_wire()), *self._subsets()]

    def _allocation(self, request_step: str, response_step: str) -> list[Output]:
        assert self.chosen is not None
        request = AiInferenceResourceAllocationRequest(
            model_identifier=self.model_identifier,
            split_point_information=self.chosen.split_point_information,
            intermediate_data_information=self.chosen.intermediate_data_information,
        )
        response = AiInferenceResourceAllocationResponse(result=ResultCode.SUCCESS)
        return [Output(request_step, request.to_wire()), Output(response_step, response.to_wire())]

    # -- subsets ---------------------------------------------------------------------------
    def _sides(self) -> tuple[onnx.ModelProto, onnx.ModelProto]:
        """(UE subset, network subset)."""
        assert self.chosen is not None
        sub = self.service.submodels(self.chosen.split_point_information.split_point_identifier)
        ue_first = self.topology is SplitTopology.UE_SOURCE_UE_FIRST
        return (sub.head, sub.tail) if ue_first else (sub.tail, sub.head)

    def _subsets(self) -> list[Output]:
        assert self.chosen is not None
        point = self.chosen.split_point_information.split_point_identifier
        identify = ModelIdentification(
            model_identifier=self.model_identifier,
            subsets=[ModelSubset.UE_SUBSET, ModelSubset.NETWORK_SUBSET],
            split_point_identifier=point,
        )
        handover = subset_output(
            "11", self.model_identifier, self._sides()[1], ModelSubset.NETWORK_SUBSET
        )
        return [Output("10", identify.to_wire()), handover]

    def _deliver_subset(self, message: Any, _: dict[str, bytes]) -> Reply:
        if self.chosen is None:
            return Refusal("no split configuration has been agreed")
        return [subset_output("13", self.model_identifier, self._sides()[0], ModelSubset.UE_SUBSET)]

    # -- inference -------------------------------------------------------------------------
    def _chain(self) -> CodecChain:
        assert self.chosen is not None
        return CodecChain.of(self.chosen.intermediate_data_information)

    def _infer(self, message: Any, attachments: dict[str, bytes]) -> Reply:
        if self.chosen is None:
            return Refusal("no split configuration has been agreed")
        delivery = IntermediateDataDelivery.from_wire(message)
        try:
            unit = decode_unit(require(attachments, "unit", "step 18b"))
            _, network = self._sides()
            runner = Runner(network, label="network subset")
            outputs = runner.run({n: unit.tensors[n] for n in runner.inputs})
        except Ts26927Error as error:
            return Refusal(f"intermediate data unit refused: {error}")
        name, values = next(iter(outputs.items()))
        result = InferenceOutput(
            sequence_number=delivery.sequence_number, outputs=describe_arrays({name: values})
        )
        return [Output("19b"), Output("20b", result.to_wire(), {"output": array_to_bytes(values)})]

    def _send_first_unit(self, message: Any, _: dict[str, bytes]) -> Reply:
        if self.chosen is None:
            return Refusal("no split configuration has been agreed")
        sub = self.service.submodels(self.chosen.split_point_information.split_point_identifier)
        head = Runner(sub.head, label="network subset")
        inputs = {
            t.name: self.service.sample(self.sample).astype(np.float32)
            for t in self.service.analysis.inputs
        }
        crossing = head.run(inputs)
        unit = encode_unit(
            self.chosen.intermediate_data_information,
            crossing,
            self._chain(),
            split_point=self.chosen.split_point_information,
        ).to_bytes()
        delivery = IntermediateDataDelivery(
            sequence_number=self.sequence,
            split_point_identifier=self.chosen.split_point_information.split_point_identifier,
            size=len(unit),
            compression_algorithms=self._chain().algorithms,
        )
        self.sequence += 1
        return [Output("18a", delivery.to_wire(), {"unit": unit})]


def _announced(
    configuration: SplitConfiguration, options: ReferenceOptions, model_identifier: str
) -> SplitConfiguration:
    """A matched configuration as this network announces it: its own model identifier,
    and its split points by node name when it identifies them so."""
    point = _announced_point(configuration.split_point_information, options)
    identifier = configuration.configuration_identifier
    if point is not configuration.split_point_information:
        identifier = f"{point.split_point_identifier}/{identifier.split('/', 1)[1]}"
    return configuration.model_copy(
        update={
            "split_point_information": point,
            "configuration_identifier": identifier,
            "model_identifier": model_identifier,
        }
    )


def _announced_point(
    point: SplitPointInformation, options: ReferenceOptions
) -> SplitPointInformation:
    """A split point as this network identifies it: by node name when it names them so."""
    if options.split_point_names_as_ids and point.split_point_name:
        return point.model_copy(update={"split_point_identifier": point.split_point_name})
    return point
