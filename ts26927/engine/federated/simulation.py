"""Federated learning rounds over simulated UEs, every exchange checked against the TR flow.

Each device has its own :class:`~ts26927.flows.session.FlowSession` of the
``federated-learning`` workflow (clause 5.2.4.2): every message the network and the device
exchange is accepted by that session at its TR step, so the simulation cannot drift from
the call flow. The global model's accuracy on the held-out test set is measured after every
round.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ts26927.errors import UpdateRejectedError
from ts26927.flows import FlowSession, get_flow
from ts26927.models.federated.eligibility import DeviceEligibilityInformation
from ts26927.models.messages.common import (
    AiServiceTrigger,
    ModelIdentification,
    ModelSelection,
    ServiceKind,
)

from . import mlp
from .client import Behaviour, TrainingEngine
from .data import Partition, digits, partition
from .server import Aggregator, Exclusion, FederatedLearningEngine, ServerConfig

START = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SimulationConfig:
    clients: int = 10
    rounds: int = 10
    partition: Partition = Partition.IID
    byzantine: int = 0
    silent: int = 0
    failing: int = 0
    aggregator: Aggregator = Aggregator.FEDAVG
    min_clients: int = 2
    target_accuracy: float | None = None
    seed: int = 0


@dataclass(frozen=True)
class RoundRecord:
    round_number: int
    accuracy: float
    """Global model accuracy on the held-out test set, in %."""
    loss: float
    evaluated_accuracy: float | None
    """Mean accuracy the devices reported for the model they received (Option A)."""
    contributors: int
    aggregated: bool
    excluded: list[Exclusion]


@dataclass
class SimulationReport:
    config: SimulationConfig
    initial_accuracy: float
    rounds: list[RoundRecord] = field(default_factory=list)
    ineligible: list[str] = field(default_factory=list)
    flow_steps: int = 0
    """Messages and actions accepted by the devices' flow sessions."""

    @property
    def final_accuracy(self) -> float:
        return self.rounds[-1].accuracy if self.rounds else self.initial_accuracy


def _behaviours(config: SimulationConfig) -> list[Behaviour]:
    kinds = (
        [Behaviour.BYZANTINE] * config.byzantine
        + [Behaviour.SILENT] * config.silent
        + [Behaviour.FAILING] * config.failing
    )
    if len(kinds) > config.clients:
        raise ValueError("more misbehaving devices than clients")
    return kinds + [Behaviour.HONEST] * (config.clients - len(kinds))


class _Device:
    """A training engine and its flow session."""

    def __init__(self, engine: TrainingEngine) -> None:
        self.engine = engine
        self.session = FlowSession(get_flow("federated-learning"))
        self.first_round = True

    def step(self, step_id: str, message: object = None) -> None:
        self.session.accept(step_id, message)  # type: ignore[arg-type]


def simulate(
    config: SimulationConfig, on_round: Callable[[RoundRecord], None] | None = None
) -> SimulationReport:
    """Run up to ``config.rounds`` rounds; stop early when the target accuracy is reached."""
    train, test = digits(seed=config.seed)
    parts = partition(train, config.clients, config.partition, seed=config.seed)
    engines = [
        TrainingEngine(f"ue-{i:03d}", part, behaviour=b, seed=config.seed + i)
        for i, (part, b) in enumerate(zip(parts, _behaviours(config), strict=True))
    ]
    server = FederatedLearningEngine(
        ServerConfig(
            eligibility=DeviceEligibilityInformation.model_validate(
                {"groupId": "fl-digits", "dataLibraryId": "digits", "minimumDataSamples": 10}
            ),
            aggregator=config.aggregator,
            min_clients=config.min_clients,
            target_accuracy=config.target_accuracy,
        ),
        mlp.initial_parameters(config.seed),
    )
    report = SimulationReport(config, mlp.evaluate(server.parameters, test)[0])
    devices = {e.device: _Device(e) for e in engines}
    for device in devices.values():
        if not _join(server, device):
            report.ineligible.append(device.engine.device)
    evaluated: float | None = None
    now = START
    while server.should_continue(evaluated, config.rounds):
        active = [devices[d] for d in server.active]
        for device in active:
            _broadcast(server, device)
        if server.history:
            evaluated = _evaluate(server, active)
        request = server.start_round(now)
        for device in active:
            _train(server, device, request, now)
        result = server.close_round(now + timedelta(seconds=server.config.round_duration_s))
        accuracy, loss = mlp.evaluate(server.parameters, test)
        for device in active:
            _finish_round(server, device, result, config.rounds)
        record = RoundRecord(
            result.round_number,
            accuracy,
            loss,
            evaluated,
            len(result.contributors),
            result.aggregated,
            result.excluded,
        )
        report.rounds.append(record)
        if on_round is not None:
            on_round(record)
        now += timedelta(seconds=server.config.round_duration_s)
        # Silent devices left their session mid-round; those still active re-join.
        for device in devices.values():
            if device.session.state == "after step 14" and device.engine.device in server.active:
                device.session = FlowSession(device.session.flow)
                device.first_round = True
                _join(server, device)
    report.flow_steps = sum(len(d.session.history) for d in devices.values())
    return report


def _join(server: FederatedLearningEngine, device: _Device) -> bool:
    engine = device.engine
    device.step(
        "1",
        AiServiceTrigger(service=ServiceKind.FEDERATED_LEARNING, session_id=f"fl-{engine.device}"),
    )
    device.step("2", ModelSelection(model_identifier=server.config.model_id))
    device.step("3", ModelIdentification(model_identifier=server.config.model_id))
    criteria = server.config.eligibility
    device.step("4", criteria)
    return (
        engine.on_eligibility(criteria).eligible
        and server.enroll(engine.device, engine.profile).eligible
    )


def _broadcast(server: FederatedLearningEngine, device: _Device) -> None:
    model = server.model_broadcast()
    device.step("5", model)
    device.engine.on_model(model)
    if device.first_round:
        device.step("6", server.config.failure_criteria)
        device.first_round = False


def _evaluate(server: FederatedLearningEngine, devices: list[_Device]) -> float | None:
    request = server.evaluation_request()
    for device in devices:
        device.step("7", request)
        device.step("8", device.engine.training_data())
        device.step("9")
        report = device.engine.on_evaluation_request(request)
        device.step("10", report)
        server.submit_evaluation(device.engine.device, report, len(device.engine.data))
    return server.evaluated_accuracy()


def _train(
    server: FederatedLearningEngine, device: _Device, request: object, now: datetime
) -> None:
    device.step("12", request)
    device.step("13", device.engine.training_data())
    device.step("14")
    answer = device.engine.on_training_request(request)  # type: ignore[arg-type]
    if answer is None:
        return  # silent: the round's deadline will pass
    device.step("15", answer)
    with suppress(UpdateRejectedError):  # recorded by the server with its reason
        server.submit(device.engine.device, answer, now + timedelta(seconds=1))


def _finish_round(
    server: FederatedLearningEngine, device: _Device, result: object, max_rounds: int
) -> None:
    if device.session.state != "after step 15":
        return
    device.step("16")
    more = server.should_continue(None, max_rounds) and device.engine.device in server.active
    device.step("17", server.round_outcome(result, continue_training=more))  # type: ignore[arg-type]
