"""Reference UE side of generic model delivery (5.2.2.2.1): the UE Application triggers the
delivery with its capabilities (1), sets up the delivery session for the selected model
(4), verifies what it receives before handing it to the inference engine (5-6) — size,
SHA-256 and the safe-loading checks — and runs inference on its media (7-9)."""

from __future__ import annotations

from typing import Any

from ts26927.bindings.attachments import array_to_bytes
from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.onnxtools.dtypes import describe_arrays
from ts26927.engine.onnxtools.loading import load_model
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.service import split_service
from ts26927.errors import Ts26927Error
from ts26927.models.endpoint_capability import EndpointCapabilityInformation
from ts26927.models.messages.common import (
    AiServiceTrigger,
    DeliverySessionSetup,
    InferenceOutput,
    MediaData,
    ModelDataDelivery,
    ModelHandover,
    ModelSelection,
    ServiceKind,
)
from ts26927.models.service_requirement import ServiceRequirementInformation

UE_CAPABILITIES = {
    "endpointType": "UE",
    "processingCapabilities": {
        "processingUnits": [{"kind": "NPU", "computeFlops": 1e10}],
        "memory": 100,
    },
    "supportedAiFrameworks": [{"name": "ONNX", "version": "1.16"}],
    "supportedCompressionAlgorithms": ["NONE", "ZSTD"],
    "connectionCapabilities": "20 Mbps",
}


class UeModelDelivery:
    """Plays the UE side of the ``model-delivery`` flow."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.sample = int(params.get("sample", 0))
        self.model = str(params.get("model", "digits"))
        self.selected: ModelSelection | None = None

    def begin(self) -> Reply:
        trigger = AiServiceTrigger(
            service=ServiceKind.MODEL_DELIVERY,
            session_id="s-1",
            service_requirement_information=ServiceRequirementInformation(
                minimum_service_inference_accuracy=90
            ),
            ue_capability_information=EndpointCapabilityInformation.model_validate(UE_CAPABILITIES),
        )
        return [Output("1", trigger.to_wire())]

    def on(self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]) -> Reply:
        if step == "2":
            self.selected = ModelSelection.from_wire(message)
            setup = DeliverySessionSetup(
                delivery_session_id="d-1", model_identifier=self.selected.model_identifier
            )
            return [Output("4", setup.to_wire())]
        if step == "5":
            return self._receive(ModelDataDelivery.from_wire(message), attachments)
        return []

    def poll(self) -> Reply:
        return []

    def _receive(self, delivery: ModelDataDelivery, attachments: dict[str, bytes]) -> Reply:
        data = attachments.get("model")
        if data is None or len(data) != delivery.size or sha256(data) != delivery.sha256:
            return Refusal("the model data does not match the announced size and SHA-256")
        try:
            model = load_model(data)
            runner = Runner(model, label="delivered model")
            feed = {next(iter(runner.inputs)): split_service(self.model).sample(self.sample)}
            outputs = runner.run(feed)
        except Ts26927Error as error:
            return Refusal(f"the delivered model is refused: {error}")
        handover = ModelHandover(model_identifier=delivery.model_identifier, sha256=delivery.sha256)
        media = MediaData(sequence_number=0, inputs=describe_arrays(feed))
        name, values = next(iter(outputs.items()))
        result = InferenceOutput(sequence_number=0, outputs=describe_arrays({name: values}))
        return [
            Output("6", handover.to_wire()),
            Output("7", media.to_wire()),
            Output("8"),
            Output("9", result.to_wire(), {"output": array_to_bytes(values)}),
        ]
