"""Deliberately broken implementations: the machinery of the reference engine with one
defect each.

The self-test runs the suite against each and requires the case written for that defect
to catch it, at its step — proof that the checks can fail, not only pass. The mutants
themselves are in :mod:`.network_side` and :mod:`.ue_side`, one module per workflow; this
module holds :class:`Mutant`, :class:`MutantSpec` and the transforms of replies that several
of those modules share. (Their counterparts, the legal variants that every case must pass,
are in :mod:`.variants`.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import onnx
from pydantic import ValidationError

from ts26927.bindings.base import ImplementationInfo, Output, Refusal, Reply
from ts26927.bindings.reference import ReferenceImplementation, ReferenceOptions
from ts26927.engine.onnxtools.digest import sha256
from ts26927.errors import ProtocolError
from ts26927.models.endpoint_capability import EndpointCapabilityInformation

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
        options: ReferenceOptions | None = None,
        declares: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(options)
        self.declares = declares
        self.transform = transform
        self.lax = lax
        self.hang = hang
        self.crash = crash

    def describe(self) -> ImplementationInfo:
        info = super().describe()
        if self.declares is None:
            return info
        return ImplementationInfo(
            info.name, info.version, info.language, info.capabilities, info.homepage, self.declares
        )

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

    def begin(self) -> Reply:
        reply = super().begin()
        if isinstance(reply, Refusal) or self.transform is None:
            return reply
        return self.transform("begin", reply)

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


# -- transforms of the replies ------------------------------------------------------------
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


def _corrupt(name: str) -> Callable[[Output], Output]:
    def change(output: Output) -> Output:
        data = bytearray(output.attachments[name])
        for index in range(max(0, len(data) - 64), len(data)):  # past any alignment padding
            data[index] ^= 0x55
        return Output(output.step, output.message, {**output.attachments, name: bytes(data)})

    return change


def _without(*keys: str) -> Callable[[Output], Output]:
    def edit(output: Output) -> Output:
        message = {k: v for k, v in (output.message or {}).items() if k not in keys}
        return Output(output.step, message, output.attachments)

    return edit


# -- what is announced against what is delivered ----------------------------------------
def _true_digest(output: Output, data: bytes) -> Output:
    """``output`` carrying ``data`` as its model, announced with its true size and digest."""
    message = {**(output.message or {}), "size": len(data), "sha256": sha256(data)}
    return Output(output.step, message, {**output.attachments, "model": data})


def _size_off_by_one(output: Output) -> Output:
    return _message(output, size=(output.message or {})["size"] + 1)


def _renamed_input(output: Output) -> Output:
    """The model with its data input renamed (and a true size and digest)."""
    model = onnx.load_from_string(output.attachments["model"])
    weights = {t.name for t in model.graph.initializer}
    value = next(i for i in model.graph.input if i.name not in weights)
    old, value.name = value.name, f"{value.name}_renamed"
    for node in model.graph.node:
        node.input[:] = [value.name if n == old else n for n in node.input]
    return _true_digest(output, model.SerializeToString())


def _without_accuracy(candidate: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in candidate.items() if k != "accuracy"}


# -- split inference: the UE, the configuration, the split point -------------------------
_UNLIMITED_UE = EndpointCapabilityInformation.model_validate(
    {
        "endpointType": "UE",
        "processingCapabilities": {
            "processingUnits": [{"kind": "NPU", "computeFlops": 1e18}],
            "memory": 1e9,
        },
        "supportedCompressionAlgorithms": ["NONE", "ZSTD", "LZ4", "SNAPPY", "FLOAT16", "INT8"],
        "connectionCapabilities": "1000 Gbps",
    }
)


def _data_information(**changes: Any) -> Callable[[Output], Output]:
    def edit(output: Output) -> Output:
        info = dict((output.message or {})["intermediateDataInformation"])
        return _message(output, intermediateDataInformation={**info, **changes})

    return edit


def _other_split_point(output: Output) -> Output:
    identifier = (output.message or {})["splitPointIdentifier"]
    return _message(output, splitPointIdentifier=f"{identifier}-other")
