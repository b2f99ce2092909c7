"""Reference UE side of adaptive model delivery (5.2.2.2.2).

The UE Application reads the manifest (1), selects the lowest-precision adaptive base that
fits its memory (2) and requests it (3); the AI Model Access Function sets up a delivery
session (5) and verifies each package it receives (6) — the announced size and SHA-256,
the SHA-256 the manifest lists for the variant it asked for, and the package itself (format,
model, level, and the package it updates) — before the inference engine takes it (7, 12).
The inference loop (8-10) runs the model at its current level on the UE's media; the UE
Application then asks for the next precision level (11) until the model is complete, and
the last level must rebuild the full model bit for bit.

What the TR leaves open, and how we read it: the model the UE runs after an update is
attached to step 12 (``model``: its ONNX file at the new level), so that the refinement is
observable; the inference output goes with step 10 as ``output`` (``.npy``), as in generic
model delivery. After a precision update request the delivery session is reused, or
established anew when the options say so (TR: "reused or established").
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from pydantic import ValidationError

from ts26927.bindings.attachments import array_to_bytes
from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.engine.delivery.progressive import ProgressiveModel
from ts26927.engine.onnxtools.dtypes import describe_arrays
from ts26927.engine.onnxtools.loading import load_model
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.service import split_service
from ts26927.errors import PackageMismatchError, Ts26927Error
from ts26927.models.messages.adaptive import (
    AdaptiveModelRequest,
    ManifestEntry,
    ModelManifest,
    ModelVariant,
    PrecisionUpdateRequest,
)
from ts26927.models.messages.common import (
    DeliverySessionSetup,
    InferenceOutput,
    MediaData,
    ModelDataDelivery,
    ModelHandover,
)

#: The package format this UE decodes (the manifest's dataFormat of adaptive levels).
PACKAGE_FORMAT = "TS26927_ADAPTIVE_PACKAGE"
PACKAGE_VERSION = "1"
#: Memory the UE's inference engine has for a model, MB (as in its capabilities).
UE_MEMORY_MB = 100.0
#: Precisions from the smallest model to the largest.
_ORDER = ("INT4", "INT8", "INT16", "FLOAT16", "FLOAT32")


class UeAdaptiveDelivery:
    """Plays the UE side of the ``adaptive-model-delivery`` flow."""

    def __init__(self, params: dict[str, Any], *, new_session: bool = False) -> None:
        self.model = str(params.get("model", "digits"))
        self.sample = int(params.get("sample", 0))
        self.new_session = new_session
        self.entry: ManifestEntry | None = None
        self.pending: ModelVariant | None = None
        """The variant requested and not yet received."""
        self.held: ModelVariant | None = None
        self.progressive: ProgressiveModel | None = None
        self.sessions = 0

    # -- the flow --------------------------------------------------------------------------
    def on(self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]) -> Reply:
        if step == "1":
            return self._manifest(message)
        if step == "6":
            return self._receive(message, attachments)
        return []

    def poll(self) -> Reply:
        return []

    def _manifest(self, message: dict[str, Any] | None) -> Reply:
        try:
            manifest = ModelManifest.from_wire(message)
        except (ValidationError, Ts26927Error) as error:
            return Refusal(f"the manifest is malformed: {error}")
        entry = next(
            (e for e in manifest.models if e.ai_model_information.model_identifier == self.model),
            None,
        )
        if entry is None or not entry.adaptive:
            return Refusal(f"the manifest lists no adaptive model {self.model!r}")
        base = self.select(entry)
        if base is None:
            return Refusal(f"no adaptive base of {self.model!r} fits {UE_MEMORY_MB:g} MB")
        self.entry, self.pending = entry, base
        request = AdaptiveModelRequest(
            model_identifier=self.model, variant_identifier=base.variant_identifier
        )
        return [Output("2"), Output("3", request.to_wire()), self._session(base)]

    def select(self, entry: ManifestEntry) -> ModelVariant | None:
        """Step 2: the lowest-precision base (usable on its own, heading updates, in the
        package format) that fits the UE's memory."""
        updated = {v.update_of for v in entry.variants if v.update_of}
        bases = [
            v
            for v in entry.variants
            if v.update_of is None
            and v.variant_identifier in updated
            and _is_package(v)
            and v.model_size <= UE_MEMORY_MB
        ]
        bases.sort(key=lambda v: _ORDER.index(v.precision.value))
        return bases[0] if bases else None

    def _session(self, variant: ModelVariant) -> Output:
        """Step 5: a delivery session for ``variant``."""
        self.sessions += 1
        setup = DeliverySessionSetup(
            delivery_session_id=f"ue-delivery-{self.sessions}",
            model_identifier=self.model,
            variant_identifier=variant.variant_identifier,
        )
        return Output("5", setup.to_wire())

    def _receive(self, message: dict[str, Any] | None, attachments: dict[str, bytes]) -> Reply:
        try:
            delivery = ModelDataDelivery.from_wire(message)
        except (ValidationError, Ts26927Error) as error:
            return Refusal(f"the delivery is malformed: {error}")
        wanted = self.pending
        if wanted is None:
            return Refusal("no package was requested")
        if delivery.variant_identifier != wanted.variant_identifier:
            return Refusal(
                f"variant {delivery.variant_identifier!r} was delivered; "
                f"{wanted.variant_identifier!r} was requested"
            )
        data = attachments.get("model")
        problem = self.verify(delivery, wanted, data)
        if problem is not None:
            return Refusal(problem)
        assert data is not None
        try:
            model = self.refine(data)
            outputs, feed = self._infer(model)
        except Ts26927Error as error:
            return Refusal(f"package {wanted.variant_identifier} is refused: {error}")
        update = self.held is not None
        self.held, self.pending = wanted, None
        handover = ModelHandover(
            model_identifier=self.model,
            sha256=delivery.sha256,
            variant_identifier=wanted.variant_identifier,
        )
        reply = [Output("7", handover.to_wire())]
        if update:
            reply.append(Output("12", None, {"model": model}))
        reply += self._inference(outputs, feed)
        return reply + self._next()

    def verify(
        self, delivery: ModelDataDelivery, wanted: ModelVariant, data: bytes | None
    ) -> str | None:
        """Why the received bytes are not the requested package, or None."""
        if data is None:
            return "no 'model' attachment carries the package"
        digest = hashlib.sha256(data).hexdigest()
        if len(data) != delivery.size or digest != delivery.sha256:
            return "the package does not match the announced size and SHA-256"
        if wanted.sha256 is not None and digest != wanted.sha256:
            return f"its SHA-256 is not the manifest's for {wanted.variant_identifier}"
        return None

    def refine(self, data: bytes) -> bytes:
        """Steps 7 and 12: the model file the inference engine runs once ``data`` (the base,
        or the next update) is taken. The update is applied to a copy, which replaces the
        model held only once it rebuilds: on any error the model held stays as it was."""
        if self.progressive is None:
            candidate = ProgressiveModel(data)
            if candidate.model_identifier != self.model:
                raise PackageMismatchError(
                    "base",
                    "header",
                    f"is for model {candidate.model_identifier!r}, not {self.model!r}",
                )
        else:
            candidate = copy.copy(self.progressive)  # apply() replaces, never mutates, state
            candidate.apply(data)
        model = candidate.to_bytes()  # at the last level: checked against the target
        self.progressive = candidate
        return model

    def _infer(self, model: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
        runner = Runner(load_model(model), label=f"adaptive model {self.model}")
        feed = {next(iter(runner.inputs)): split_service(self.model).sample(self.sample)}
        return runner.run(feed), feed

    def _inference(self, outputs: dict[str, Any], feed: dict[str, Any]) -> list[Output]:
        """Steps 8-10: the media in, the output out (the values as an ``output`` attachment)."""
        name, values = next(iter(outputs.items()))
        media = MediaData(sequence_number=0, inputs=describe_arrays(feed))
        result = InferenceOutput(sequence_number=0, outputs=describe_arrays({name: values}))
        return [
            Output("8", media.to_wire()),
            Output("9"),
            Output("10", result.to_wire(), {"output": array_to_bytes(values)}),
        ]

    def _next(self) -> list[Output]:
        """Step 11 (and 5, in a new session) for the next precision level, if any."""
        assert self.entry is not None and self.held is not None
        held = self.held.variant_identifier
        following = [v for v in self.entry.variants if v.update_of == held]
        if not following:
            return []
        self.pending = following[0]
        request = PrecisionUpdateRequest(
            model_identifier=self.model,
            from_variant=held,
            to_variant=self.pending.variant_identifier,
        )
        reply = [Output("11", request.to_wire())]
        return reply + ([self._session(self.pending)] if self.new_session else [])


def _is_package(variant: ModelVariant) -> bool:
    fmt = variant.data_format
    return fmt is not None and str(fmt.name) == PACKAGE_FORMAT and fmt.version == PACKAGE_VERSION


__all__ = ["UeAdaptiveDelivery"]
