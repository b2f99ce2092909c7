"""Deliberately broken implementations: the reference engine with one defect each.

The self-test runs the suite against each and requires the case written for that defect
to catch it — proof that the checks can fail, not only pass.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ts26927.bindings.attachments import array_to_bytes, bytes_to_array
from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.bindings.reference import ReferenceImplementation
from ts26927.errors import ProtocolError

Transform = Callable[[str, list[Output]], list[Output]]


class Mutant(ReferenceImplementation):
    """The reference with its replies (or its checks) altered."""

    def __init__(
        self,
        transform: Transform | None = None,
        *,
        lax: bool = False,
        hang: bool = False,
        crash: bool = False,
    ) -> None:
        super().__init__()
        self.transform = transform
        self.lax = lax
        self.hang = hang
        self.crash = crash

    def deliver(
        self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]
    ) -> Reply:
        if self.crash:
            raise RuntimeError("simulated crash of the implementation")
        if self.lax:  # no checks at all: whatever arrives is taken
            _, player = self._ready()
            try:
                reply = player.on(step, message, attachments)
            except (ValidationError, ValueError, TypeError):
                return []
            return [] if isinstance(reply, Refusal) else reply
        reply = super().deliver(step, message, attachments)
        if isinstance(reply, Refusal) or self.transform is None:
            return reply
        return self.transform(step, reply)

    def poll(self) -> Reply:
        if self.hang:
            time.sleep(3600)
        reply = super().poll()
        if isinstance(reply, Refusal) or self.transform is None:
            return reply
        return self.transform("poll", reply)

    def _performed(self, reply: Reply) -> Reply:
        # A mutant does not police itself, but still follows its own steps.
        if not isinstance(reply, Refusal):
            view, _ = self._ready()
            for output in reply:
                with suppress(ProtocolError):
                    view.accept(output.step, output.message)
        return reply


def _edit(step: str, change: Callable[[Output], Output]) -> Transform:
    def transform(_: str, outputs: list[Output]) -> list[Output]:
        return [change(o) if o.step == step else o for o in outputs]

    return transform


def _message(output: Output, **changes: Any) -> Output:
    return Output(output.step, {**(output.message or {}), **changes}, output.attachments)


def _skip(step: str) -> Transform:
    return lambda _, outputs: [o for o in outputs if o.step != step]


def _swap_first_two(_: str, outputs: list[Output]) -> list[Output]:
    return outputs[1::-1] + outputs[2:] if len(outputs) >= 2 else outputs


def _fraction_accuracy(output: Output) -> Output:
    info = dict(output.message["aiModelInformation"])  # type: ignore[index]
    info["accuracy"] = info["accuracy"] / 100  # a fraction where the TR wants %
    return _message(output, aiModelInformation=info)


def _wrong_shape(output: Output) -> Output:
    info = dict(output.message["intermediateDataInformation"])  # type: ignore[index]
    tensors = [dict(t) for t in info["tensors"]]
    tensors[0]["tensorShape"] = [*tensors[0]["tensorShape"][:-1], tensors[0]["tensorShape"][-1] * 2]
    return _message(output, intermediateDataInformation={**info, "tensors": tensors})


def _codec_the_ue_lacks(output: Output) -> Output:
    info = dict(output.message["intermediateDataInformation"])  # type: ignore[index]
    return _message(output, intermediateDataInformation={**info, "compressionAlgorithms": ["INT8"]})


def _shifted_output(output: Output) -> Output:
    values = bytes_to_array(output.attachments["output"]) + 0.5  # plausible, but wrong
    return Output(output.step, output.message, {"output": array_to_bytes(values)})


def _skewed_aggregate(output: Output) -> Output:
    if not (output.message or {}).get("newModelId"):
        return output
    from ts26927.engine.federated.parameters import from_tensors, update_information
    from ts26927.models.federated.model_update import ModelUpdateInformation

    update = ModelUpdateInformation.from_wire(output.message)
    params = {n: a * 1.01 for n, a in from_tensors(update.parameters).items()}
    skewed = update_information(params, update.model_id, new_model_id=update.new_model_id)
    return Output(output.step, skewed.to_wire(), output.attachments)


def _model_to_everyone(_: str, outputs: list[Output]) -> list[Output]:
    if not outputs or outputs[-1].step != "4":
        return outputs
    from ts26927.engine.federated import mlp
    from ts26927.engine.federated.parameters import update_information

    model = update_information(mlp.initial_parameters(0), "digits-mlp")
    return [*outputs, Output("5", model.to_wire())]


def _forged_last_level(output: Output) -> Output:
    """Damages the last refinement package but announces its true digest."""
    message = output.message or {}
    if not str(message.get("variantIdentifier", "")).endswith("-fp32"):
        return output
    from ts26927.engine.split_service import sha256

    data = bytearray(output.attachments["model"])
    data[len(data) // 2] ^= 0x01
    forged = {**message, "size": len(data), "sha256": sha256(bytes(data))}
    return Output(output.step, forged, {"model": bytes(data)})


class _IgnoresUpdates(Mutant):
    def deliver(
        self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]
    ) -> Reply:
        if step == "15":
            view, _ = self._ready()
            view.accept(step, message)
            return []  # says yes, changes nothing
        return super().deliver(step, message, attachments)


def _ignore_updates() -> Mutant:
    return _IgnoresUpdates()


def _corrupt(name: str) -> Callable[[Output], Output]:
    def change(output: Output) -> Output:
        data = bytearray(output.attachments[name])
        for index in range(max(0, len(data) - 64), len(data)):  # past any alignment padding
            data[index] ^= 0x55
        return Output(output.step, output.message, {**output.attachments, name: bytes(data)})

    return change


@dataclass(frozen=True)
class MutantSpec:
    name: str
    defect: str
    make: Callable[[], Mutant]
    case: str
    """The case written to catch it."""
    step: str
    """The TR step at which that case must catch it."""
    caught_by: tuple[str, ...] = ("fail",)


MUTANTS: tuple[MutantSpec, ...] = (
    MutantSpec(
        "skips-step",
        "never identifies the model in the repository (step 3)",
        lambda: Mutant(_skip("3")),
        "5.2.2.2.1-model-delivery-001",
        "3",
    ),
    MutantSpec(
        "out-of-order",
        "answers step 3 before step 2",
        lambda: Mutant(_swap_first_two),
        "5.2.2.2.1-model-delivery-001",
        "2",
    ),
    MutantSpec(
        "wrong-unit",
        "states accuracy as a fraction, not in %",
        lambda: Mutant(_edit("2", _fraction_accuracy)),
        "5.2.2.2.1-model-delivery-001",
        "2",
    ),
    MutantSpec(
        "corrupt-model",
        "delivers model bytes that do not match the SHA-256",
        lambda: Mutant(_edit("5", _corrupt("model"))),
        "5.2.2.2.1-model-delivery-001",
        "5",
    ),
    MutantSpec(
        "accepts-out-of-order",
        "accepts a delivery session before the trigger",
        lambda: Mutant(lax=True),
        "5.2.2.2.1-model-delivery-002",
        "4",
    ),
    MutantSpec(
        "accepts-malformed",
        "accepts a trigger without a session id",
        lambda: Mutant(lax=True),
        "5.2.2.2.1-model-delivery-003",
        "1",
    ),
    MutantSpec(
        "wrong-tensor-shape",
        "declares a wrong intermediate tensor shape",
        lambda: Mutant(_edit("7a", _wrong_shape)),
        "5.2.3.2-split-inference-001",
        "7a",
    ),
    MutantSpec(
        "ignores-ue-codecs",
        "chooses a codec the UE does not support",
        lambda: Mutant(_edit("7a", _codec_the_ue_lacks)),
        "5.2.3.2-split-inference-001",
        "7a",
    ),
    MutantSpec(
        "wrong-output",
        "returns an inference output that is not the model's",
        lambda: Mutant(_edit("20b", _shifted_output)),
        "5.2.3.2-split-inference-001",
        "20b",
    ),
    MutantSpec(
        "corrupts-intermediate-data",
        "sends a damaged intermediate data unit",
        lambda: Mutant(_edit("18a", _corrupt("unit"))),
        "5.2.3.2-split-inference-003",
        "18a",
    ),
    MutantSpec(
        "accepts-tampered-selection",
        "allocates a configuration it never offered",
        lambda: Mutant(lax=True),
        "5.2.3.2-split-inference-004",
        "6b",
    ),
    MutantSpec(
        "mis-aggregates",
        "sends a new global model that is not the FedAvg of the accepted updates",
        lambda: Mutant(_edit("5", _skewed_aggregate)),
        "5.2.4.2-federated-learning-001",
        "5",
    ),
    MutantSpec(
        "accepts-nan",
        "aggregates an update holding NaN",
        lambda: Mutant(lax=True),
        "5.2.4.2-federated-learning-002",
        "15",
    ),
    MutantSpec(
        "enrols-ineligible",
        "sends the model to a device that does not meet the criteria",
        lambda: Mutant(_model_to_everyone),
        "5.2.4.2-federated-learning-005",
        "5",
    ),
    MutantSpec(
        "forged-refinement",
        "delivers a damaged last precision level under a digest of its own",
        lambda: Mutant(_edit("6", _forged_last_level)),
        "5.2.2.2.2-adaptive-model-delivery-001",
        "6",
    ),
    MutantSpec(
        "ingests-anything",
        "stores (and would serve) an ingested file that is not a model",
        lambda: Mutant(lax=True),
        "5.3.6-model-distribution-003",
        "3",
    ),
    MutantSpec(
        "stale-split-point",
        "accepts a split point update but keeps computing at the old split point",
        _ignore_updates,
        "5.3.5-split-operation-001",
        "14",
    ),
    MutantSpec(
        "ue-trusts-any-model",
        "a UE that hands unverified model bytes to its inference engine",
        lambda: Mutant(lax=True),
        "5.2.2.2.1-model-delivery-005",
        "5",
    ),
    MutantSpec(
        "hangs",
        "never answers a poll",
        lambda: Mutant(hang=True),
        "5.2.3.2-split-inference-001",
        "17b",
        ("timeout",),
    ),
    MutantSpec(
        "crashes",
        "raises on every step",
        lambda: Mutant(crash=True),
        "5.2.2.2.1-model-delivery-001",
        "1",
        ("error",),
    ),
)
