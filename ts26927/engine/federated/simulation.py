"""Federated learning rounds over simulated UEs, every exchange checked against the TR flow.

Each device has its own :class:`~ts26927.flows.session.FlowSession` of the
``federated-learning`` workflow (clause 5.2.4.2): every message the network and the device
exchange is accepted by that session at its TR step, so the simulation cannot drift from
the call flow. The global model's accuracy on the held-out test set is measured after every
round.

The state machines and the Federated Learning Engine stay here, in the driver; the UEs' work
(training and evaluation) runs on a :class:`~.runners.ClientRunner`: in this process, or as
Ray tasks (``backend="ray"``; :mod:`.ray_runner`). Both give the same reports in the same
order, so the same seed gives the same global model, bit for bit, on either backend.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import numpy as np

from ts26927.errors import UpdateRejectedError
from ts26927.flows import FlowSession, get_flow
from ts26927.models.federated.eligibility import DeviceEligibilityInformation
from ts26927.models.federated.model_update import ModelUpdateInformation
from ts26927.models.messages.common import (
    AiServiceTrigger,
    ModelIdentification,
    ModelSelection,
    ServiceKind,
)
from ts26927.models.messages.federated import TrainingData, TrainingRequest

from . import mlp
from .client import DATA_LIBRARY, Behaviour, default_profile
from .data import Dataset, Partition, digits, partition
from .runners import STRAGGLE_S, ClientRunner, ClientSpec, InProcessRunner
from .server import Aggregator, Exclusion, FederatedLearningEngine, ServerConfig

START = datetime(2026, 1, 1, tzinfo=UTC)


class Backend(StrEnum):
    INPROCESS = "inprocess"
    RAY = "ray"


@dataclass(frozen=True)
class SimulationConfig:
    clients: int = 10
    rounds: int = 10
    partition: Partition = Partition.IID
    byzantine: int = 0
    silent: int = 0
    failing: int = 0
    stragglers: int = 0
    """Devices that answer only after ``straggle_s`` (wall clock)."""
    straggle_s: float = STRAGGLE_S
    crashing: int = 0
    """Devices whose worker dies in their first round."""
    aggregator: Aggregator = Aggregator.FEDAVG
    min_clients: int = 2
    target_accuracy: float | None = None
    seed: int = 0
    min_samples: int = 10
    """The eligibility criteria's minimum number of local samples."""
    backend: Backend = Backend.INPROCESS
    address: str | None = None
    """Ray only: the cluster to join (None: start a local instance)."""
    round_timeout_s: float | None = None
    """Wall-clock time a round waits for the UEs' work; later answers are dropped."""


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
    model_sha256: str = ""
    """SHA-256 of the final global model (each parameter's name and float32 bytes, in the
    model's order): equal digests are bit-identical models."""

    @property
    def final_accuracy(self) -> float:
        return self.rounds[-1].accuracy if self.rounds else self.initial_accuracy


def _behaviours(config: SimulationConfig) -> list[Behaviour]:
    kinds = (
        [Behaviour.BYZANTINE] * config.byzantine
        + [Behaviour.SILENT] * config.silent
        + [Behaviour.FAILING] * config.failing
        + [Behaviour.STRAGGLER] * config.stragglers
        + [Behaviour.CRASHING] * config.crashing
    )
    if len(kinds) > config.clients:
        raise ValueError("more misbehaving devices than clients")
    return kinds + [Behaviour.HONEST] * (config.clients - len(kinds))


class _Device:
    """What the driver keeps of a UE: its registry entry and its flow session."""

    def __init__(self, spec: ClientSpec) -> None:
        self.spec = spec
        # Every message is checked at its step; none is kept (the reports' updates are
        # folded into the global model, and the driver's memory stays that of the registry).
        self.session = FlowSession(get_flow("federated-learning"), keep_messages=False)
        self.first_round = True

    @property
    def name(self) -> str:
        return self.spec.device

    def training_data(self) -> TrainingData:
        """Steps 8 and 13: what the UE's data source passes to its training engine."""
        return TrainingData(data_library_id=DATA_LIBRARY, number_of_samples=self.spec.samples)

    def step(self, step_id: str, message: object = None) -> None:
        self.session.accept(step_id, message)  # type: ignore[arg-type]


def simulate(
    config: SimulationConfig, on_round: Callable[[RoundRecord], None] | None = None
) -> SimulationReport:
    """Run up to ``config.rounds`` rounds; stop early when the target accuracy is reached."""
    train, test = digits(seed=config.seed)
    parts = partition(train, config.clients, config.partition, seed=config.seed)
    specs = [
        ClientSpec(
            f"ue-{i:03d}",
            b,
            config.seed + i,
            len(part),
            default_profile(len(part)),
            config.straggle_s,
        )
        for i, (part, b) in enumerate(zip(parts, _behaviours(config), strict=True))
    ]
    server = FederatedLearningEngine(
        ServerConfig(
            eligibility=DeviceEligibilityInformation.model_validate(
                {
                    "groupId": "fl-digits",
                    "dataLibraryId": DATA_LIBRARY,
                    "minimumDataSamples": config.min_samples,
                }
            ),
            aggregator=config.aggregator,
            min_clients=config.min_clients,
            target_accuracy=config.target_accuracy,
        ),
        mlp.initial_parameters(config.seed),
    )
    report = SimulationReport(config, mlp.evaluate(server.parameters, test)[0])
    devices = {spec.device: _Device(spec) for spec in specs}
    for device in devices.values():
        if not _join(server, device):
            report.ineligible.append(device.name)
    runner = _runner(config, specs, parts)
    try:
        _rounds(config, server, devices, runner, test, report, on_round)
    finally:
        runner.close()
    report.flow_steps = sum(len(d.session.history) for d in devices.values())
    report.model_sha256 = model_digest(server.parameters)
    return report


def model_digest(parameters: dict[str, np.ndarray]) -> str:
    """SHA-256 over each parameter's name and bytes, in order."""
    digest = hashlib.sha256()
    for name, array in parameters.items():
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _runner(
    config: SimulationConfig, specs: list[ClientSpec], shards: list[Dataset]
) -> ClientRunner:
    if config.backend is Backend.RAY:
        from .ray_runner import RayRunner  # Ray is an optional extra

        return RayRunner(specs, shards, address=config.address)
    return InProcessRunner(specs, shards)


def _rounds(
    config: SimulationConfig,
    server: FederatedLearningEngine,
    devices: dict[str, _Device],
    runner: ClientRunner,
    test: Dataset,
    report: SimulationReport,
    on_round: Callable[[RoundRecord], None] | None,
) -> None:
    evaluated: float | None = None
    now = START
    while server.should_continue(evaluated, config.rounds):
        active = [devices[d] for d in server.active]
        model = server.model_broadcast()
        for device in active:
            _broadcast(server, device, model)
        if server.history:
            evaluated = _evaluate(server, active, runner, model)
        request = server.start_round(now)
        _train(server, active, runner, model, request, now, config.round_timeout_s)
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
            if device.session.state == "after step 14" and device.name in server.active:
                device.session = FlowSession(device.session.flow, keep_messages=False)
                device.first_round = True
                _join(server, device)


def _join(server: FederatedLearningEngine, device: _Device) -> bool:
    name = device.name
    device.step(
        "1", AiServiceTrigger(service=ServiceKind.FEDERATED_LEARNING, session_id=f"fl-{name}")
    )
    device.step("2", ModelSelection(model_identifier=server.config.model_id))
    device.step("3", ModelIdentification(model_identifier=server.config.model_id))
    criteria = server.config.eligibility
    device.step("4", criteria)
    # The UE checks the criteria against its own profile (step 4), then enrols.
    return (
        criteria.evaluate(device.spec.profile).eligible
        and server.enroll(name, device.spec.profile).eligible
    )


def _broadcast(
    server: FederatedLearningEngine, device: _Device, model: ModelUpdateInformation
) -> None:
    device.step("5", model)
    if device.first_round:
        device.step("6", server.config.failure_criteria)
        device.first_round = False


def _evaluate(
    server: FederatedLearningEngine,
    devices: list[_Device],
    runner: ClientRunner,
    model: ModelUpdateInformation,
) -> float | None:
    request = server.evaluation_request()
    for device in devices:
        device.step("7", request)
        device.step("8", device.training_data())
        device.step("9")
    by_name = {d.name: d for d in devices}
    for name, report in runner.evaluate(list(by_name), model, request):
        device = by_name[name]
        device.step("10", report)
        server.submit_evaluation(name, report, device.spec.samples)
    return server.evaluated_accuracy()


def _train(
    server: FederatedLearningEngine,
    devices: list[_Device],
    runner: ClientRunner,
    model: ModelUpdateInformation,
    request: TrainingRequest,
    now: datetime,
    round_timeout_s: float | None,
) -> None:
    for device in devices:
        device.step("12", request)
        device.step("13", device.training_data())
        device.step("14")
    by_name = {d.name: d for d in devices}
    for name, answer in runner.train(list(by_name), model, request, round_timeout_s):
        if answer is None:
            continue  # silent or dropped: the round's deadline will pass
        by_name[name].step("15", answer)
        with suppress(UpdateRejectedError):  # recorded by the server with its reason
            server.submit(name, answer, now + timedelta(seconds=1))


def _finish_round(
    server: FederatedLearningEngine, device: _Device, result: object, max_rounds: int
) -> None:
    if device.session.state != "after step 15":
        return
    device.step("16")
    more = server.should_continue(None, max_rounds) and device.name in server.active
    device.step("17", server.round_outcome(result, continue_training=more))  # type: ignore[arg-type]
