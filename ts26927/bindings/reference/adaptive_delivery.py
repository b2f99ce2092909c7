"""Reference network side of adaptive model delivery (5.2.2.2.2): the manifest (1), the
identification of the requested variant (4), and each package — the base, then each
precision update — delivered in a delivery session that is established anew or reused
(5-6, again after each precision update request, 11)."""

from __future__ import annotations

from typing import Any

from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.engine.delivery.repository import ModelRepository
from ts26927.engine.onnxtools.digest import sha256
from ts26927.errors import Ts26927Error
from ts26927.models.messages.adaptive import AdaptiveModelRequest, PrecisionUpdateRequest
from ts26927.models.messages.common import (
    DeliverySessionSetup,
    ModelDataDelivery,
    ModelIdentification,
)


class NetworkAdaptiveDelivery:
    """Plays the network side of the ``adaptive-model-delivery`` flow."""

    def __init__(self, repository: ModelRepository, model: str) -> None:
        self.repository = repository
        self.model = model
        self.pending: str | None = None
        """The variant requested and not yet delivered."""
        self.delivered: str | None = None
        self.session = False

    def begin(self) -> Reply:
        return [Output("1", self.repository.manifest([self.model]).to_wire())]

    def on(self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]) -> Reply:
        if step == "3":
            request = AdaptiveModelRequest.from_wire(message)
            return self._request(request.model_identifier, request.variant_identifier, None)
        if step == "11":
            update = PrecisionUpdateRequest.from_wire(message)
            return self._request(update.model_identifier, update.to_variant, update.from_variant)
        if step == "5":
            setup = DeliverySessionSetup.from_wire(message)
            if setup.variant_identifier not in (None, self.pending):
                return Refusal(f"variant {setup.variant_identifier!r} was not requested")
            self.session = True
            return self._deliver()
        return []

    def poll(self) -> Reply:
        # After a precision update request, a delivery session still open is reused.
        return self._deliver() if self.pending and self.session else []

    def _request(self, model: str, variant: str, current: str | None) -> Reply:
        try:
            data = self.repository.variant(model, variant)
        except Ts26927Error as error:
            return Refusal(str(error))
        if current is not None and (current != self.delivered or data.variant.update_of != current):
            return Refusal(f"{variant!r} does not update {current!r}, the variant the UE holds")
        if current is None and data.variant.update_of is not None:
            return Refusal(f"{variant!r} is an update package, not a usable model")
        self.pending = variant
        if current is None:
            return [
                Output(
                    "4",
                    ModelIdentification(
                        model_identifier=model, variant_identifier=variant
                    ).to_wire(),
                )
            ]
        return []

    def _deliver(self) -> Reply:
        if self.pending is None:
            return Refusal("no variant has been requested")
        data = self.repository.variant(self.model, self.pending).data
        message = ModelDataDelivery(
            model_identifier=self.model,
            size=len(data),
            sha256=sha256(data),
            variant_identifier=self.pending,
        )
        self.delivered, self.pending = self.pending, None
        return [Output("6", message.to_wire(), {"model": bytes(data)})]
