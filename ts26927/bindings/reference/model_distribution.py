"""Reference network side (Media AF and Media AS) of AI/ML model distribution (5.3.6): the
provider's provisioning (1) and ingest (2-3) — each ingested model goes through safe
loading — then the service access information when it was announced by reference (6),
and the delivery of the model to the Media Client (8)."""

from __future__ import annotations

from typing import Any

from ts26927.bindings.attachments import require
from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.onnxtools.loading import load_model
from ts26927.errors import Ts26927Error
from ts26927.models.messages.common import ModelDataDelivery
from ts26927.models.messages.operation import (
    ModelIngest,
    ServiceAccessInformation,
    ServiceProvisioning,
)


class NetworkModelDistribution:
    """Plays the Media AF and Media AS of the ``model-distribution`` flow."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.by_reference = params.get("announcement", "reference") == "reference"
        self.provisioning: ServiceProvisioning | None = None
        self.models: dict[str, bytes] = {}
        self.access_sent = False
        self.delivered = False

    def on(self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]) -> Reply:
        if step == "1":
            self.provisioning = ServiceProvisioning.from_wire(message)
        elif step == "3":
            return self._ingest(ModelIngest.from_wire(message), attachments)
        return []

    def poll(self) -> Reply:
        if not self.models or self.provisioning is None:
            return []
        if self.by_reference and not self.access_sent:
            self.access_sent = True
            access = ServiceAccessInformation(
                provisioning_session_id=self.provisioning.provisioning_session_id,
                ai_models=self.provisioning.ai_models,
            )
            return [Output("6", access.to_wire())]
        if self.delivered:
            return []
        self.delivered = True
        identifier, data = next(iter(self.models.items()))
        delivery = ModelDataDelivery(
            model_identifier=identifier, size=len(data), sha256=sha256(data)
        )
        return [Output("8", delivery.to_wire(), {"model": data})]

    def _ingest(self, ingest: ModelIngest, attachments: dict[str, bytes]) -> Reply:
        try:
            data = require(attachments, "model", "step 3")
            load_model(data)  # never store, nor later serve, a model that fails the checks
        except Ts26927Error as error:
            return Refusal(f"ingested model refused: {error}")
        self.models[ingest.model_identifier] = data
        return []
