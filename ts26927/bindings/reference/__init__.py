"""The reference implementation under test: the library's own engine behind the
:class:`~ts26927.bindings.base.Implementation` interface — the suite's default target and
the baseline its self-test mutates.

It plays the UE side of generic model delivery (5.2.2.2.1), and the network side of every
workflow: model delivery, adaptive delivery (5.2.2.2.2), split inference in its detailed
and basic forms (5.2.3.2), federated learning with the test system as one UE (5.2.4.2),
the split AI/ML operation procedure (5.3.5) and model distribution (5.3.6). Every step it
receives is first checked against its own view of the flow (out-of-order or malformed steps
are refused), and every step it performs is checked too, so it never answers illegally.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any, Protocol

from ts26927 import __version__
from ts26927.bindings.base import ImplementationInfo, Output, Refusal, Reply
from ts26927.bindings.preambles import MODEL_SHA256, preamble_state
from ts26927.bindings.reference.adaptive_delivery import NetworkAdaptiveDelivery
from ts26927.bindings.reference.federated_learning import NetworkFederatedLearning
from ts26927.bindings.reference.model_delivery import NetworkModelDelivery
from ts26927.bindings.reference.model_distribution import NetworkModelDistribution
from ts26927.bindings.reference.options import ReferenceOptions
from ts26927.bindings.reference.replies import Declined
from ts26927.bindings.reference.split_basic import NetworkBasicSplit
from ts26927.bindings.reference.split_inference import NetworkSplitInference
from ts26927.bindings.reference.split_operation import NetworkSplitOperation
from ts26927.bindings.reference.ue_adaptive_delivery import UeAdaptiveDelivery
from ts26927.bindings.reference.ue_federated_learning import UeFederatedLearning
from ts26927.bindings.reference.ue_model_delivery import UeModelDelivery
from ts26927.bindings.reference.ue_model_distribution import UeModelDistribution
from ts26927.bindings.reference.ue_split_basic import UeBasicSplit
from ts26927.bindings.reference.ue_split_inference import UeSplitInference
from ts26927.bindings.reference.ue_split_operation import UeSplitOperation
from ts26927.engine.delivery.embedded import embedded_repository
from ts26927.engine.delivery.repository import ModelRepository
from ts26927.engine.split.service import split_service
from ts26927.errors import PreambleError, ProtocolError, SetupError
from ts26927.flows import FlowSession, get_flow
from ts26927.flows.functions import Side

CAPABILITIES = frozenset(
    {
        "MODEL_DELIVERY_NETWORK",
        "SPLIT_INFERENCE_NETWORK",
        "SPLIT_NETWORK_DECIDES",
        "SPLIT_UE_DECIDES",
        "SPLIT_DATA_SOURCE_UE",
        "SPLIT_DATA_SOURCE_NETWORK",
        "FEDERATED_LEARNING_NETWORK",
        "FEDERATED_EVALUATION_NETWORK",
        "FEDERATED_TRIGGER_NETWORK",
        "ADAPTIVE_DELIVERY_NETWORK",
        "MODEL_DISTRIBUTION_NETWORK",
        "SPLIT_OPERATION_NETWORK",
        "MODEL_DELIVERY_UE",
        "SPLIT_INFERENCE_UE",
        "SPLIT_BASIC_UE",
        "SPLIT_OPERATION_UE",
        "MODEL_DISTRIBUTION_UE",
        "ADAPTIVE_DELIVERY_UE",
        "SPLIT_BASIC_NETWORK",
        "FEDERATED_LEARNING_UE",
    }
)


class Player(Protocol):
    def on(
        self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]
    ) -> Reply: ...

    def poll(self) -> Reply: ...


class ReferenceImplementation:
    """The reference engine as an IUT, making the choices ``options`` say."""

    def __init__(self, options: ReferenceOptions | None = None) -> None:
        self.options = options or ReferenceOptions()
        self.view: FlowSession | None = None
        self.player: Player | None = None
        self.players: dict[tuple[str, str], Any] = dict(_PLAYERS)

    def describe(self) -> ImplementationInfo:
        return ImplementationInfo(
            name="ts26927-reference",
            version=__version__,
            capabilities=CAPABILITIES,
            ixit=self.options.ixit(),
        )

    def setup(self, case_id: str, flow: str, role: str, state: dict[str, Any]) -> None:
        params = state.get("params", {})
        make = self.players.get((flow, role))
        if make is None:
            raise SetupError(f"{case_id}: the {role} side of flow {flow!r} is not supported")
        _check_preamble(case_id, role, state.get("state"), params)
        self.player = make(params, self.options)
        self.view = FlowSession(get_flow(flow), view=Side(role))

    def begin(self) -> Reply:
        _, player = self._ready()
        start = getattr(player, "begin", None)
        return self._performed(start() if start else [])

    def deliver(
        self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]
    ) -> Reply:
        view, player = self._ready()
        try:
            view.accept(step, message)
        except ProtocolError as error:
            return Refusal(str(error))
        reply = player.on(step, message, attachments)
        if isinstance(reply, Refusal | Declined):
            view.rewind()  # a refused step leaves the session as it was
            return reply if isinstance(reply, Refusal) else list(reply)
        return self._performed(reply)

    def poll(self) -> Reply:
        _, player = self._ready()
        return self._performed(player.poll())

    def teardown(self) -> None:
        self.view = None
        self.player = None

    def stop(self) -> None:
        self.teardown()

    def _ready(self) -> tuple[FlowSession, Player]:
        if self.view is None or self.player is None:
            raise SetupError("no case is set up")
        return self.view, self.player

    def _performed(self, reply: Reply) -> Reply:
        if isinstance(reply, Refusal):
            return reply
        view, _ = self._ready()
        for output in reply:
            view.accept(output.step, output.message)  # the reference never answers illegally
        return reply


def _check_preamble(case_id: str, role: str, name: Any, params: dict[str, Any]) -> None:
    """Refuse a preamble this implementation cannot honour: an unknown state or parameter,
    a state of the other side, or a model whose digest is not that of the model held under
    its name. No state (None) sets up the defaults."""
    if name is None:
        if params:
            raise SetupError(f"{case_id}: preamble parameters without a state")
        return
    try:
        preamble = preamble_state(str(name))
        preamble.check(params)
    except PreambleError as error:
        raise SetupError(f"{case_id}: {error}") from None
    if preamble.role != role:
        raise SetupError(
            f"{case_id}: preamble {name} sets up the {preamble.role} side, not the {role} side"
        )
    wanted = params.get(MODEL_SHA256)
    if wanted is not None:
        if not isinstance(wanted, str) or "model" not in params:
            raise SetupError(f"{case_id}: {MODEL_SHA256} must be a string beside 'model'")
        held = _model_sha256(_model(params))
        if wanted.lower() != held:
            raise SetupError(
                f"{case_id}: the model {_model(params)!r} held here has SHA-256 {held}, "
                f"not {wanted}"
            )


@cache
def _model_sha256(name: str) -> str:
    try:
        model = split_service(name).model
    except (KeyError, ValueError) as error:
        raise SetupError(f"no model {name!r} is held here: {error}") from None
    return hashlib.sha256(model.SerializeToString()).hexdigest()


def _model(params: dict[str, Any]) -> str:
    return str(params.get("model", "digits"))


_PLAYERS: dict[tuple[str, str], Any] = {
    ("model-delivery", "NETWORK"): lambda p, o: NetworkModelDelivery(
        {o.model_identifier or _model(p): split_service(_model(p))}
    ),
    ("model-delivery", "UE"): lambda p, o: UeModelDelivery(p),
    ("split-inference", "UE"): lambda p, o: UeSplitInference(p, o),
    ("split-inference-ue-source", "UE"): lambda p, o: UeBasicSplit(
        "split-inference-ue-source", p, o
    ),
    ("split-inference-network-source", "UE"): lambda p, o: UeBasicSplit(
        "split-inference-network-source", p, o
    ),
    ("adaptive-model-delivery", "UE"): lambda p, o: UeAdaptiveDelivery(
        p, new_session=o.adaptive_ue_new_session
    ),
    ("adaptive-model-delivery", "NETWORK"): lambda p, o: NetworkAdaptiveDelivery(
        _repository(_model(p)), _model(p)
    ),
    ("split-inference", "NETWORK"): lambda p, o: NetworkSplitInference(
        split_service(_model(p)), p, o
    ),
    ("split-inference-network-source", "NETWORK"): lambda p, o: NetworkBasicSplit(
        split_service(_model(p)), "split-inference-network-source", p, o
    ),
    ("split-inference-ue-source", "NETWORK"): lambda p, o: NetworkBasicSplit(
        split_service(_model(p)), "split-inference-ue-source", p, o
    ),
    ("federated-learning", "NETWORK"): lambda p, o: NetworkFederatedLearning(p, o),
    ("split-operation", "NETWORK"): lambda p, o: NetworkSplitOperation(split_service(_model(p)), p),
    ("model-distribution", "NETWORK"): lambda p, o: NetworkModelDistribution(p),
    ("split-operation", "UE"): lambda p, o: UeSplitOperation(p, o),
    ("model-distribution", "UE"): lambda p, o: UeModelDistribution(p, o),
    ("federated-learning", "UE"): lambda p, o: UeFederatedLearning(p, o),
}


@cache
def _repository(name: str) -> ModelRepository:
    """The embedded model with its adaptive packages (built once)."""
    return embedded_repository(names=[name])


def factory() -> ReferenceImplementation:
    """Entry point for ``--target python:ts26927.bindings.reference:factory``."""
    return ReferenceImplementation()


__all__ = [
    "CAPABILITIES",
    "Declined",
    "Output",
    "ReferenceImplementation",
    "ReferenceOptions",
    "SetupError",
    "factory",
]
