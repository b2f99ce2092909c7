"""The AI Model Access Function receiving one variant, and the UE's inference engine.

:func:`receive_variant` runs one delivery session end to end: the delivery function
describes the variant's bytes (size, SHA-256, chunk digests), the link carries them through
interruptions and corruption, and the data is handed out only after the receiver checked
every chunk and the whole — and after it matched the SHA-256 the manifest announced, so a
delivery function serving other bytes than it listed is caught too.

:class:`InferenceEngine` holds the model it was handed; a new model (an update applied, or
another model) replaces the running one only once its runtime session is built, so
inference never sees a half-loaded model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import onnx

from ts26927.engine.delivery.link import Link, TransferReport
from ts26927.engine.delivery.transfer import (
    DEFAULT_CHUNK_SIZE,
    DeliveryFunction,
    ModelReceiver,
    describe_delivery,
)
from ts26927.engine.delivery.variants import VariantData
from ts26927.engine.onnxtools.limits import ModelLimits
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.errors import InferenceError, IntegrityError
from ts26927.models.messages.common import (
    DeliverySessionSetup,
    ModelDataDelivery,
    ModelHandover,
)


@dataclass(frozen=True)
class Received:
    """A variant's bytes, verified, with how the delivery went."""

    description: ModelDataDelivery
    data: bytes
    report: TransferReport

    @property
    def sha256(self) -> str:
        return self.description.sha256


def setup_for(variant: VariantData, model: str, session_id: str) -> DeliverySessionSetup:
    """The step that establishes a delivery session for ``variant``."""
    return DeliverySessionSetup(
        delivery_session_id=session_id,
        model_identifier=model,
        variant_identifier=variant.identifier,
        location=variant.variant.location,
    )


def describe_variant(
    variant: VariantData, model: str, session_id: str, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> DeliveryFunction:
    """The delivery function serving ``variant`` in session ``session_id``."""
    description = describe_delivery(
        variant.data,
        model,
        variant_identifier=variant.identifier,
        chunk_size=chunk_size,
        delivery_session_id=session_id,
    )
    return DeliveryFunction(variant.data, description)


def receive_variant(
    server: DeliveryFunction,
    announced_sha256: str | None,
    link: Link,
    *,
    limits: ModelLimits | None = None,
) -> Received:
    """Carry the data of ``server`` to a receiver and verify it (steps 5/6 of the flows)."""
    description = server.description
    receiver = ModelReceiver(description, limits=limits)
    report = link.fetch(server, receiver, description.delivery_session_id or "delivery")
    data = receiver.result()
    if announced_sha256 is not None and description.sha256 != announced_sha256:
        raise IntegrityError(
            f"variant {description.variant_identifier} against the manifest",
            announced_sha256,
            description.sha256,
        )
    return Received(description, data, report)


class InferenceEngine:
    """The UE's AI Model Inference Engine."""

    def __init__(self) -> None:
        self._runner: Runner | None = None
        self.handover: ModelHandover | None = None

    def load(self, model: onnx.ModelProto, handover: ModelHandover) -> None:
        """Run ``model`` from now on (the previous one serves until this one is ready)."""
        label = handover.variant_identifier or handover.model_identifier
        runner = Runner(model, label=label)
        self._runner, self.handover = runner, handover

    def infer(self, feeds: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        if self._runner is None:
            raise InferenceError("inference engine", "no model was handed over")
        return self._runner.run(feeds)

    @property
    def runner(self) -> Runner:
        if self._runner is None:
            raise InferenceError("inference engine", "no model was handed over")
        return self._runner


def handover_of(model: str, data: bytes, variant: str | None) -> ModelHandover:
    return ModelHandover(
        model_identifier=model,
        sha256=hashlib.sha256(data).hexdigest(),
        variant_identifier=variant,
    )
