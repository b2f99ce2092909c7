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

from typing import Any

from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.bindings.reference.options import ReferenceOptions
from ts26927.bindings.reference.ue_split_device import UeSplitDevice
from ts26927.errors import Ts26927Error
from ts26927.models.messages.common import (
    DeliverySessionSetup,
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
    IntermediateDataSessionSetup,
    SessionEstablishment,
)
from ts26927.models.split_configuration import (
    OptimizationPreference,
    SplitConfiguration,
    SplitDecisionMode,
)


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
