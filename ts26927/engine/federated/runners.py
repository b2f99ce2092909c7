"""Where the UEs' training and evaluation run: in this process, or on Ray.

The simulation (and its state machines, and the Federated Learning Engine) stay in the
driver; a :class:`ClientRunner` only runs the UE side's work (steps 7-10 and 12-15 of
clause 5.2.4.2) and hands back each UE's report. Runners are interchangeable: a UE's work is
a pure function of its :class:`ClientSpec`, its data shard, the broadcast model and the
request, so every backend computes the same reports.

Reports come back one at a time, in the order of the devices asked, so the server folds
updates in one fixed order (bit-identical global models across backends) while the driver
holds one update at a time.

Two faults belong to the runner, not to the UE's logic:

* a worker that dies (:attr:`Behaviour.CRASHING` simulates one) gives a failure report,
  clause 6.6.6.6, ``DEVICE_FAILURE``, naming the worker's death: the TR's own way for a
  UE-side failure to reach the network;
* a straggler whose report is not back within ``round_timeout_s`` (wall clock) is dropped,
  as if silent: the server records it at the round's deadline (``DEADLINE_EXCEEDED``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from ts26927.models.federated.eligibility import DeviceProfile
from ts26927.models.federated.failure_reporting import FailureReason, FailureReportingInformation
from ts26927.models.federated.model_update import ModelUpdateInformation
from ts26927.models.messages.federated import (
    EvaluationReport,
    EvaluationRequest,
    TrainingReport,
    TrainingRequest,
)

from .client import Behaviour, TrainingEngine
from .data import Dataset

STRAGGLE_S = 3.0
"""How long a :attr:`Behaviour.STRAGGLER` takes before it trains (wall clock), by default."""


@dataclass(frozen=True)
class ClientSpec:
    """What the driver keeps of a UE: no data, only what steps 1-6 and 8/13 need."""

    device: str
    behaviour: Behaviour
    seed: int
    samples: int
    profile: DeviceProfile
    straggle_s: float = STRAGGLE_S
    """A straggler's wait before it trains, seconds."""


class WorkerDied(RuntimeError):
    """The process running a UE's work ended before it answered."""


def engine_for(spec: ClientSpec, shard: Dataset, model: ModelUpdateInformation) -> TrainingEngine:
    """The UE's training engine holding the broadcast model (step 5)."""
    engine = TrainingEngine(
        spec.device, shard, behaviour=spec.behaviour, seed=spec.seed, profile=spec.profile
    )
    engine.on_model(model)
    return engine


def train(
    spec: ClientSpec, shard: Dataset, model: ModelUpdateInformation, request: TrainingRequest
) -> TrainingReport | None:
    """Steps 12-15 for one UE: what every backend runs."""
    if spec.behaviour is Behaviour.STRAGGLER:
        time.sleep(spec.straggle_s)
    return engine_for(spec, shard, model).on_training_request(request)


def evaluate(
    spec: ClientSpec, shard: Dataset, model: ModelUpdateInformation, request: EvaluationRequest
) -> EvaluationReport:
    """Steps 7-10 for one UE."""
    return engine_for(spec, shard, model).on_evaluation_request(request)


def worker_failure(request: TrainingRequest, error: BaseException) -> TrainingReport:
    """The failure report (6.6.6.6) of a UE whose worker died."""
    return TrainingReport(
        failure_reporting_information=FailureReportingInformation(
            reason=FailureReason.DEVICE_FAILURE,
            round_number=request.synchronization_information.round_number,
            model_id=request.model_id,
            detail=f"the worker running this UE died: {type(error).__name__}",
        )
    )


class ClientRunner(Protocol):
    """Runs the UEs' work; reports come back in the order of ``devices``."""

    def train(
        self,
        devices: Sequence[str],
        model: ModelUpdateInformation,
        request: TrainingRequest,
        round_timeout_s: float | None,
    ) -> Iterator[tuple[str, TrainingReport | None]]: ...

    def evaluate(
        self, devices: Sequence[str], model: ModelUpdateInformation, request: EvaluationRequest
    ) -> Iterator[tuple[str, EvaluationReport]]: ...

    def close(self) -> None: ...


class InProcessRunner:
    """Every UE's work in this process, one after the other."""

    def __init__(self, clients: Sequence[ClientSpec], shards: Sequence[Dataset]) -> None:
        self.clients = {c.device: c for c in clients}
        self.shards = {c.device: s for c, s in zip(clients, shards, strict=True)}

    def train(
        self,
        devices: Sequence[str],
        model: ModelUpdateInformation,
        request: TrainingRequest,
        round_timeout_s: float | None,
    ) -> Iterator[tuple[str, TrainingReport | None]]:
        for device in devices:
            spec = self.clients[device]
            if spec.behaviour is Behaviour.CRASHING:
                # Nothing to kill in-process: the report is the one a dead worker gives.
                yield device, worker_failure(request, WorkerDied("simulated crash"))
                continue
            started = time.monotonic()
            report = train(spec, self.shards[device], model, request)
            # One after the other here, the UEs would work side by side on their own
            # devices: the timeout applies to each one's own work.
            late = round_timeout_s is not None and time.monotonic() - started > round_timeout_s
            yield device, None if late else report

    def evaluate(
        self, devices: Sequence[str], model: ModelUpdateInformation, request: EvaluationRequest
    ) -> Iterator[tuple[str, EvaluationReport]]:
        for device in devices:
            yield device, evaluate(self.clients[device], self.shards[device], model, request)

    def close(self) -> None:
        """Nothing to release."""
