"""Reference network side of generic model delivery (5.2.2.2.1): the Network Application
selects a model for the UE's capabilities and service, the repository provides it, and
the AI Model Delivery Function delivers it (from a resume offset when asked)."""

from __future__ import annotations

from typing import Any

from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.split.service import SplitService
from ts26927.models.messages.common import (
    AiServiceTrigger,
    DeliverySessionSetup,
    ModelDataDelivery,
    ModelIdentification,
    ModelSelection,
)


class NetworkModelDelivery:
    """Plays the network side of the ``model-delivery`` flow."""

    def __init__(self, repository: dict[str, SplitService]) -> None:
        self.repository = repository
        self.selected: str | None = None

    def on(self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]) -> Reply:
        if step == "1":
            return self._select(AiServiceTrigger.from_wire(message))
        if step == "4":
            return self._deliver(DeliverySessionSetup.from_wire(message))
        return []

    def poll(self) -> Reply:
        return []

    def _select(self, trigger: AiServiceTrigger) -> Reply:
        ue = trigger.ue_capability_information
        service = trigger.service_requirement_information
        for identifier, entry in self.repository.items():
            info = entry.information()
            memory = (
                ue.processing_capabilities.memory if ue and ue.processing_capabilities else None
            )
            if memory is not None and info.model_size is not None and info.model_size > memory:
                continue
            if (
                ue
                and ue.supported_ai_frameworks
                and not any(f.name == "ONNX" for f in ue.supported_ai_frameworks)
            ):
                continue
            minimum = service.minimum_service_inference_accuracy if service else None
            if minimum is not None and (info.accuracy or 0) < minimum:
                continue
            self.selected = identifier
            return [
                Output(
                    "2",
                    ModelSelection(
                        model_identifier=identifier, ai_model_information=info
                    ).to_wire(),
                ),
                Output("3", ModelIdentification(model_identifier=identifier).to_wire()),
            ]
        return Refusal(
            "no model in the repository meets the UE's capabilities and the service requirements"
        )

    def _deliver(self, setup: DeliverySessionSetup) -> Reply:
        if setup.model_identifier != self.selected:
            return Refusal(
                f"model {setup.model_identifier!r} was not selected (selected: {self.selected!r})"
            )
        data = self.repository[setup.model_identifier].model_bytes()
        offset = setup.resume_from_offset or 0
        if offset > len(data):
            return Refusal(f"resumeFromOffset {offset} is beyond the model's {len(data)} bytes")
        message = ModelDataDelivery(
            model_identifier=setup.model_identifier, size=len(data), sha256=sha256(data)
        )
        return [Output("5", message.to_wire(), {"model": data[offset:]})]


__all__ = ["NetworkModelDelivery"]
