"""Reference UE side (Media-aware Application, Media Session Handler and Media Client) of AI/ML
model distribution and operation (5.3.6).

The Media-aware Application takes the service announcement (4) and starts the reception (5);
when the announcement carried only a reference, the Media Session Handler acquires the
service access information (6) first. The delivery then starts (7). The Media Client accepts
only a model the service access information announced, of the announced size, whose bytes
match the delivery's size and SHA-256 and pass the safe-loading checks (8); it then runs
that model on its media (9).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx

from ts26927.bindings.attachments import array_to_bytes
from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.bindings.reference.options import ReferenceOptions
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.onnxtools.dtypes import describe_arrays
from ts26927.engine.onnxtools.loading import load_model
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.service import split_service
from ts26927.errors import Ts26927Error
from ts26927.models.messages.common import InferenceOutput, ModelDataDelivery
from ts26927.models.messages.operation import (
    DeliveryRequest,
    ServiceAccessInformation,
    ServiceAnnouncement,
)
from ts26927.models.units import BYTES_PER_MB

#: The announced model size (MB) may differ from the bytes received by this fraction: a
#: provider may state it rounded.
ANNOUNCED_SIZE_TOLERANCE = 0.05


class UeModelDistribution:
    """Plays the UE's functions in the ``model-distribution`` flow."""

    def __init__(self, params: dict[str, Any], options: ReferenceOptions) -> None:
        self.media = split_service(str(params.get("model", "digits"))).sample(
            int(params.get("sample", 0))
        )
        self.options = options
        self.reference: str | None = None
        self.access: ServiceAccessInformation | None = None
        self.sequence = options.model_distribution_first_sequence

    def on(self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]) -> Reply:
        if step == "4":
            return self._announcement(ServiceAnnouncement.from_wire(message))
        if step == "6":
            return self._access(ServiceAccessInformation.from_wire(message))
        if step == "8":
            return self._receive(ModelDataDelivery.from_wire(message), attachments)
        return []

    def poll(self) -> Reply:
        return []

    def _announcement(self, announcement: ServiceAnnouncement) -> Reply:
        if announcement.reference is not None:
            self.reference = announcement.reference
            start = DeliveryRequest(access_location=announcement.reference)
            return [Output("5", start.to_wire())]
        access = announcement.service_access_information
        assert access is not None  # exactly one of the two (the model's rule)
        if not access.ai_models:
            return Refusal("the announcement lists no AI model to receive")
        self.access = access
        request = self._request()
        return [Output("5", request), Output("7", request)]

    def _access(self, access: ServiceAccessInformation) -> Reply:
        if self.reference is None:
            return Refusal("the service was announced in whole: there is nothing to acquire")
        if not access.ai_models:
            return Refusal("the service access information lists no AI model to receive")
        self.access = access
        return [Output("7", self._request())]

    def _request(self) -> dict[str, Any]:
        """The request to receive the first announced model, where the information says."""
        assert self.access is not None and self.access.ai_models
        identifier = self.access.ai_models[0].model_identifier
        location = self.access.manifest_location or self.reference or f"urn:ai-model:{identifier}"
        named = identifier if self.options.model_distribution_requests_name_model else None
        return DeliveryRequest(access_location=location, model_identifier=named).to_wire()

    def _receive(self, delivery: ModelDataDelivery, attachments: dict[str, bytes]) -> Reply:
        if self.access is None or not self.access.ai_models:
            return Refusal("no service access information announced a model yet")
        if problem := self.unannounced(delivery):
            return Refusal(problem)
        data = attachments.get("model")
        if data is None or not self.intact(delivery, data):
            return Refusal("the model data does not match the announced size and SHA-256")
        announced = next(
            (m for m in self.access.ai_models if m.model_identifier == delivery.model_identifier),
            None,
        )
        if announced is not None and announced.model_size is not None:
            size_mb = len(data) / BYTES_PER_MB
            if abs(size_mb - announced.model_size) > ANNOUNCED_SIZE_TOLERANCE * size_mb:
                return Refusal(
                    f"the model is {size_mb:.6f} MB; the announcement says "
                    f"{announced.model_size} MB"
                )
        try:
            outputs = self.infer(load_model(data))
        except Ts26927Error as error:
            return Refusal(f"the distributed model is refused: {error}")
        return [self._output(outputs)]

    def infer(self, model: onnx.ModelProto) -> dict[str, np.ndarray]:
        """The Media Client's inference engine runs the received model on its media."""
        runner = Runner(model, label="distributed model")
        return runner.run({next(iter(runner.inputs)): self.media})

    def intact(self, delivery: ModelDataDelivery, data: bytes) -> bool:
        """The bytes are those the delivery describes (size and SHA-256)."""
        return len(data) == delivery.size and sha256(data) == delivery.sha256

    def unannounced(self, delivery: ModelDataDelivery) -> str | None:
        """Why the delivered model is not one the service access information announced."""
        assert self.access is not None
        announced = [m.model_identifier for m in self.access.ai_models or []]
        if delivery.model_identifier not in announced:
            return f"model {delivery.model_identifier!r} was not announced (announced: {announced})"
        return None

    def _output(self, outputs: dict[str, np.ndarray]) -> Output:
        name, values = next(iter(outputs.items()))
        result = InferenceOutput(
            sequence_number=self.sequence, outputs=describe_arrays({name: values})
        )
        self.sequence += 1
        return Output("9", result.to_wire(), {"output": array_to_bytes(values)})
