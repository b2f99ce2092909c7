"""The network side: the Federated Learning Engine of clause 5.2.4 (sans I/O).

Theory of operation. Devices enrol with a profile; the engine decides eligibility with the
announced criteria (all must be met; eligible devices take the group id). Each round the
engine broadcasts the global model (model update information), the synchronization
information and a training request; devices answer with an update or a failure report
before the round's deadline. Every update is screened (:mod:`.screening`) before it may
count; a failure, or silence past the deadline, is recorded, and the device is removed
from the process when the reason is one the failure-reporting criteria name. A round is
aggregated when at least ``min_clients`` updates arrived; otherwise the global model stays.
FedAvg folds each accepted update into a running mean as it arrives and keeps none of them,
so a round's memory does not grow with its devices; the robust aggregators keep the
accepted updates, as an order statistic needs them all.
Time is passed in explicitly, so runs are deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import numpy as np

from ts26927.errors import RoundStateError, UpdateRejectedError
from ts26927.models.federated.eligibility import (
    DeviceEligibilityInformation,
    DeviceProfile,
    EligibilityDecision,
)
from ts26927.models.federated.evaluation import Metric, MetricName, ModelEvaluationInformation
from ts26927.models.federated.failure_reporting import FailureReason, FailureReportingCriteria
from ts26927.models.federated.model_update import ModelUpdateInformation
from ts26927.models.federated.synchronization import SynchronizationInformation
from ts26927.models.messages.federated import (
    EvaluationReport,
    EvaluationRequest,
    RoundOutcome,
    TrainingReport,
    TrainingRequest,
)

from . import aggregate
from .parameters import Parameters, update_information
from .screening import RejectionReason, reject, screen


class Aggregator(StrEnum):
    FEDAVG = "fedavg"
    MEDIAN = "median"
    TRIMMED_MEAN = "trimmed-mean"


@dataclass(frozen=True)
class ServerConfig:
    model_id: str = "digits-mlp"
    eligibility: DeviceEligibilityInformation = field(
        default_factory=lambda: DeviceEligibilityInformation(group_id="fl-1")
    )
    failure_criteria: FailureReportingCriteria = field(
        default_factory=lambda: FailureReportingCriteria(
            reasons=[FailureReason.DEVICE_FAILURE, FailureReason.DEADLINE_EXCEEDED]
        )
    )
    aggregator: Aggregator = Aggregator.FEDAVG
    trim_fraction: float = 0.2
    server_step: float = 1.0
    """Moves the global model this fraction of the way to the aggregate (1.0: all the way;
    server SGD of Reddi et al. 2021, 'Adaptive Federated Optimization')."""
    min_clients: int = 2
    round_duration_s: int = 600
    local_epochs: int = 2
    batch_size: int = 16
    learning_rate: float = 0.3
    target_accuracy: float | None = None
    """Stop once the devices' mean evaluated accuracy (%) reaches this."""
    max_update_norm: float | None = None
    """Refuse an update that moves the model further than this (L2 norm); None: no bound."""


@dataclass(frozen=True)
class Exclusion:
    """A device left out of a round (and maybe of the process), and why."""

    device: str
    round_number: int
    reason: str
    detail: str
    removed: bool
    """True when the device is removed from the training process."""


@dataclass
class RoundResult:
    round_number: int
    aggregated: bool
    model_id: str
    contributors: list[str] = field(default_factory=list)
    excluded: list[Exclusion] = field(default_factory=list)


@dataclass
class _Round:
    number: int
    deadline: datetime
    participants: set[str]
    accepted: dict[str, int] = field(default_factory=dict)
    """Devices whose update counts, with its sample count."""
    mean: aggregate.RunningMean = field(default_factory=aggregate.RunningMean)
    """FedAvg: the accepted updates folded as they arrive (none of them is kept)."""
    kept: dict[str, tuple[Parameters, int]] = field(default_factory=dict)
    """Robust aggregators: the accepted updates (an order statistic needs them all)."""
    failed: dict[str, Exclusion] = field(default_factory=dict)
    rejected: list[Exclusion] = field(default_factory=list)


class FederatedLearningEngine:
    """Runs synchronized rounds over enrolled devices and aggregates their updates."""

    def __init__(self, config: ServerConfig, initial: Parameters) -> None:
        self.config = config
        self.parameters = dict(initial)
        self.model_id = config.model_id
        self._previous_model_id: str | None = None
        self.enrolled: dict[str, EligibilityDecision] = {}
        self.removed: dict[str, Exclusion] = {}
        self.history: list[RoundResult] = []
        self._round: _Round | None = None
        self._evaluations: dict[str, tuple[float, int]] = {}
        self._declared_samples: dict[str, int | None] = {}

    # -- enrolment (steps 4, 6) ------------------------------------------------------------
    def enroll(self, device: str, profile: DeviceProfile) -> EligibilityDecision:
        """Decide ``device``'s eligibility; only eligible devices are enrolled."""
        decision = self.config.eligibility.evaluate(profile)
        if decision.eligible:
            self.enrolled[device] = decision
            self._declared_samples[device] = _declared_samples(profile, self.config.eligibility)
        else:
            self.enrolled.pop(device, None)
        return decision

    @property
    def active(self) -> list[str]:
        """Enrolled devices not removed from the process, in enrolment order."""
        return [d for d in self.enrolled if d not in self.removed]

    # -- a round (steps 5, 12, 15, 16, 17) -------------------------------------------------
    @property
    def round_number(self) -> int:
        return len(self.history) + 1

    def model_broadcast(self) -> ModelUpdateInformation:
        """Step 5: the current global model (with its new id after an aggregation)."""
        if self._previous_model_id is None:
            return update_information(self.parameters, self.model_id)
        return update_information(
            self.parameters, self._previous_model_id, new_model_id=self.model_id
        )

    def start_round(self, now: datetime) -> TrainingRequest:
        """Open the next round for the active devices (step 12's request)."""
        if self._round is not None:
            raise RoundStateError(f"round {self._round.number} is still open")
        if len(self.active) < self.config.min_clients:
            raise RoundStateError(
                f"{len(self.active)} active device(s), fewer than min_clients "
                f"{self.config.min_clients}"
            )
        sync = SynchronizationInformation(
            round_number=self.round_number,
            start_time=now,
            duration=self.config.round_duration_s,
        )
        deadline = now + timedelta(seconds=self.config.round_duration_s)
        self._round = _Round(self.round_number, deadline, set(self.active))
        return TrainingRequest(
            model_id=self.model_id,
            synchronization_information=sync,
            local_epochs=self.config.local_epochs,
            batch_size=self.config.batch_size,
            learning_rate=self.config.learning_rate,
            group_id=self.config.eligibility.group_id,
        )

    def submit(self, device: str, report: TrainingReport, at: datetime) -> None:
        """Take a device's step-15 report; raise :class:`UpdateRejectedError` if refused."""
        current = self._round
        if current is None:
            raise reject(device, RejectionReason.NO_ROUND_OPEN, "no round is open")
        try:
            self._check_sender(current, device, at)
            failure = report.failure_reporting_information
            if failure is not None:
                self._record_failure(current, device, failure.reason, failure.detail or "")
                return
            assert report.model_update_information is not None
            params, samples = screen(
                device,
                report.model_update_information,
                model_id=self.model_id,
                round_number=current.number,
                reference=self.parameters,
                max_samples=self._declared_samples.get(device),
                max_norm=self.config.max_update_norm,
            )
            if self.config.aggregator is Aggregator.FEDAVG:
                current.mean.add([params[n] for n in self.parameters], samples)
            else:
                current.kept[device] = (params, samples)
            current.accepted[device] = samples
        except UpdateRejectedError as error:
            current.rejected.append(
                Exclusion(device, current.number, error.reason, error.detail, False)
            )
            raise

    def close_round(self, now: datetime) -> RoundResult:
        """Close the round: silent devices fail, the accepted updates are aggregated."""
        current = self._round
        if current is None:
            raise RoundStateError("no round is open")
        if now < current.deadline and set(current.accepted) | set(current.failed) != (
            current.participants
        ):
            raise RoundStateError("devices are still expected before the deadline")
        for device in sorted(current.participants - set(current.accepted) - set(current.failed)):
            self._record_failure(
                current,
                device,
                FailureReason.DEADLINE_EXCEEDED.value,
                "no result before the round's deadline",
            )
        contributors = [d for d in current.participants if d in current.accepted]
        aggregated = len(contributors) >= self.config.min_clients
        if aggregated:
            self._aggregate(current, sorted(contributors))
        result = RoundResult(
            current.number,
            aggregated,
            self.model_id,
            sorted(contributors),
            [*current.rejected, *current.failed.values()],
        )
        self.history.append(result)
        self._round = None
        return result

    def round_outcome(self, result: RoundResult, *, continue_training: bool) -> RoundOutcome:
        """Step 17: the new model id and whether another round follows."""
        return RoundOutcome(
            round_number=result.round_number,
            new_model_id=result.model_id,
            continue_training=continue_training,
            participants=len(result.contributors),
        )

    # -- evaluation (Option A, steps 7 and 10) ---------------------------------------------
    def evaluation_request(self) -> EvaluationRequest:
        metrics = [Metric(name=MetricName.ACCURACY), Metric(name=MetricName.LOSS)]
        return EvaluationRequest(
            model_id=self.model_id,
            model_evaluation_information=ModelEvaluationInformation(
                round_number=len(self.history), metric_number=2, metrics=metrics
            ),
            group_id=self.config.eligibility.group_id,
        )

    def submit_evaluation(self, device: str, report: EvaluationReport, samples: int) -> None:
        if device not in self.active:
            raise reject(device, RejectionReason.NOT_ENROLLED, "not an active device")
        info = report.model_evaluation_information
        if info is None:
            return  # a failure report: nothing to count
        accuracy = info.value_of(MetricName.ACCURACY)
        if accuracy is not None:
            self._evaluations[device] = (accuracy, samples)

    def evaluated_accuracy(self) -> float | None:
        """Sample-weighted mean of the accuracies the devices reported, then reset."""
        values, self._evaluations = self._evaluations, {}
        total = sum(n for _, n in values.values())
        return None if not total else sum(a * n for a, n in values.values()) / total

    def should_continue(self, evaluated: float | None, max_rounds: int) -> bool:
        """Continue while rounds remain and the target accuracy is not reached."""
        target = self.config.target_accuracy
        reached = target is not None and evaluated is not None and evaluated >= target
        return len(self.history) < max_rounds and not reached

    # -- internals -------------------------------------------------------------------------
    def _check_sender(self, current: _Round, device: str, at: datetime) -> None:
        r = RejectionReason
        if device not in self.enrolled:
            raise reject(device, r.INELIGIBLE_DEVICE, "not an enrolled, eligible device")
        if device in self.removed:
            raise reject(
                device,
                r.EXCLUDED_DEVICE,
                f"removed in round "
                f"{self.removed[device].round_number} ({self.removed[device].reason})",
            )
        if device not in current.participants:
            raise reject(device, r.NOT_PARTICIPATING, "not a participant of this round")
        if device in current.accepted or device in current.failed:
            raise reject(device, r.DUPLICATE, "already reported in this round")
        if at > current.deadline:
            raise reject(device, r.LATE, f"arrived after the deadline {current.deadline}")

    def _record_failure(self, current: _Round, device: str, reason: str, detail: str) -> None:
        removed = reason in self.config.failure_criteria.reasons
        exclusion = Exclusion(device, current.number, str(reason), detail, removed)
        current.failed[device] = exclusion
        if removed:
            self.removed[device] = exclusion

    def _aggregate(self, current: _Round, contributors: list[str]) -> None:
        names = list(self.parameters)
        if self.config.aggregator is Aggregator.FEDAVG:
            arrays = current.mean.result  # folded in arrival order by submit()
        else:
            pairs = [
                ([current.kept[d][0][n] for n in names], current.kept[d][1]) for d in contributors
            ]
            if self.config.aggregator is Aggregator.MEDIAN:
                arrays = aggregate.coordinate_median(pairs)
            else:
                arrays = aggregate.trimmed_mean(pairs, self.config.trim_fraction)
        assert arrays is not None  # updates is never empty here
        step = self.config.server_step
        if step != 1.0:
            arrays = [
                (old + np.float32(step) * (new - old)).astype(old.dtype)
                for old, new in zip((self.parameters[n] for n in names), arrays, strict=True)
            ]
        self.parameters = dict(zip(names, arrays, strict=True))
        self._previous_model_id = self.model_id
        self.model_id = f"{self.config.model_id}-r{len(self.history) + 1}"


def _declared_samples(profile: DeviceProfile, criteria: DeviceEligibilityInformation) -> int | None:
    """How many samples the device declared for the library the criteria ask for (for any
    library when they name none); None when it declared no count."""
    libraries = profile.data_libraries or []
    wanted = criteria.data_library_id
    counts = [
        lib.number_of_samples
        for lib in libraries
        if lib.number_of_samples is not None and wanted in (None, lib.data_library_id)
    ]
    return max(counts) if counts else None
