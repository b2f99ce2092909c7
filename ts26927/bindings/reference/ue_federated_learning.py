"""Reference UE side of distributed/federated learning (5.2.4.2): the UE Application, AI
Model Access Function, Data Source and AI Model Training Engine of figure 5.2.4-2.

The UE triggers federated learning (1) unless the preamble says the network does. It judges
its eligibility truthfully against the criteria announced at steps 4 and 11 (clause
6.6.6.3), from the device profile the preamble declares and the local data it really holds:
shard ``part`` of ``parts`` IID parts of the digits training data. It keeps the global model
it receives (5) after checking it is the selected model with the training engine's
parameter names and shapes, all finite. Asked to evaluate (7) it measures the requested
metrics of the model in force on its data (8-10); asked to train (12) it trains the model in
force on its data for the requested epochs and sends the update for that model and round
with its sample count (13-15), or a failure report (6.6.6.6) when it cannot deliver it by
the reporting deadline.

Our readings where the TR is silent:
- An ineligible device does not take part: "if the device is eligible [...] it reacts to
  information with the same group id" (6.6.6.3.3), so a request to evaluate or train from a
  device the criteria exclude, or addressed to a group it did not join, is refused (no
  failure occurred, so no failure report is due). Receiving the model (5) is not taking part
  and is accepted.
- A training request for a round earlier than one already announced (the trigger's
  synchronization information) or already trained is stale and is refused.
- The round starts at the synchronization information's start time; the failure reporting
  criteria's deadline counts from there. A device that receives the request after that
  deadline cannot deliver its parameters in time and reports DEADLINE_EXCEEDED ("if a device
  fails to send its model parameters back to the server, the device should notify the
  server", 6.6.6.6.2). It reports every failure, whether or not the criteria name it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import numpy as np

from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.bindings.reference.options import ReferenceOptions
from ts26927.engine.federated import mlp
from ts26927.engine.federated.client import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_EPOCHS,
    DEFAULT_LEARNING_RATE,
)
from ts26927.engine.federated.data import Dataset, Partition, digits, partition
from ts26927.engine.federated.parameters import Parameters, from_tensors, update_information
from ts26927.models.federated.eligibility import DeviceEligibilityInformation, DeviceProfile
from ts26927.models.federated.evaluation import Metric, MetricName, ModelEvaluationInformation
from ts26927.models.federated.failure_reporting import (
    FailureReason,
    FailureReportingCriteria,
    FailureReportingInformation,
)
from ts26927.models.federated.model_update import ModelUpdateInformation
from ts26927.models.messages.common import AiServiceTrigger, ModelSelection, ServiceKind
from ts26927.models.messages.federated import (
    EvaluationReport,
    EvaluationRequest,
    RoundOutcome,
    TrainingData,
    TrainingReport,
    TrainingRequest,
)

SESSION = "fl-ue-1"
DATA_LIBRARY = "digits"
PARTS = 5

Clock = Callable[[], datetime]


@cache
def local_shard(part: int, parts: int = PARTS) -> Dataset:
    """The UE's local data: IID part ``part`` of ``parts`` of the digits training data."""
    train, _ = digits()
    return partition(train, parts, Partition.IID)[part]


class UeFederatedLearning:
    """Plays the UE side of the ``federated-learning`` flow."""

    def __init__(
        self,
        params: dict[str, Any],
        options: ReferenceOptions | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.options = options or ReferenceOptions()
        self.clock = clock or (lambda: datetime.now(UTC))
        local = params.get("localData") or {}
        self.library = str(local.get("dataLibraryId", DATA_LIBRARY))
        self.part = (int(local.get("part", 0)), int(local.get("parts", PARTS)))
        self.declared = dict(params.get("deviceProfile") or {})
        DeviceProfile.model_validate(self.declared)  # a bad profile fails the setup
        self.network_triggers = bool(params.get("networkTriggers", False))
        self.architecture = {n: a.shape for n, a in mlp.initial_parameters(0).items()}
        self.selected: str | None = None
        self.eligible = True  # no criteria announced: nothing excludes the device
        self.groups: set[str] = set()
        self.failure_criteria: FailureReportingCriteria | None = None
        self.model_id: str | None = None
        self.parameters: Parameters | None = None
        self.announced_round: int | None = None
        self.trained_round: int | None = None
        self.pending: TrainingRequest | None = None

    @property
    def data(self) -> Dataset:
        """The local data, loaded when first needed (not at setup: loading is slow once)."""
        return local_shard(*self.part)

    @property
    def profile(self) -> DeviceProfile:
        """The declared profile with the local data library as it really is."""
        library = {"dataLibraryId": self.library, "numberOfSamples": len(self.data)}
        return DeviceProfile.model_validate({**self.declared, "dataLibraries": [library]})

    # -- the flow ----------------------------------------------------------------------------
    def begin(self) -> Reply:
        if self.network_triggers:
            return []
        trigger = AiServiceTrigger(service=ServiceKind.FEDERATED_LEARNING, session_id=SESSION)
        return [Output("1", trigger.to_wire())]

    def on(self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]) -> Reply:
        handlers: dict[str, Callable[[dict[str, Any] | None], Reply]] = {
            "1": self._triggered,
            "2": self._selected,
            "4": self._criteria,
            "11": self._criteria,
            "5": self._model,
            "6": self._failure_criteria,
            "7": self._evaluate,
            "12": self._train,
            "17": self._outcome,
        }
        handler = handlers.get(step)
        return handler(message) if handler else []

    def poll(self) -> Reply:
        """A round whose start time has come since its request arrived starts now."""
        request = self.pending
        if request is None or self._starts_later(request):
            return []
        self.pending = None
        return self._round(request)

    # -- steps received ------------------------------------------------------------------------
    def _triggered(self, message: dict[str, Any] | None) -> Reply:
        trigger = AiServiceTrigger.from_wire(message)
        if trigger.service is not ServiceKind.FEDERATED_LEARNING:
            return Refusal(f"service {trigger.service.value}; this is federated learning")
        if trigger.synchronization_information is not None:
            self.announced_round = trigger.synchronization_information.round_number
        return []

    def _selected(self, message: dict[str, Any] | None) -> Reply:
        self.selected = ModelSelection.from_wire(message).model_identifier
        return []

    def _criteria(self, message: dict[str, Any] | None) -> Reply:
        criteria = DeviceEligibilityInformation.from_wire(message)
        decision = criteria.evaluate(self.profile)
        self.eligible = decision.eligible
        if decision.eligible:
            self.groups.add(criteria.group_id)
        else:
            self.groups.discard(criteria.group_id)
        return []

    def _failure_criteria(self, message: dict[str, Any] | None) -> Reply:
        self.failure_criteria = FailureReportingCriteria.from_wire(message)
        return []

    def _model(self, message: dict[str, Any] | None) -> Reply:
        update = ModelUpdateInformation.from_wire(message)
        expected = self.model_id or self.selected
        if update.model_id != expected:
            return Refusal(f"model {update.model_id!r}; the model in force is {expected!r}")
        try:
            params = from_tensors(update.parameters)
        except TypeError as error:
            return Refusal(f"the model is refused: {error}")
        shapes = {n: a.shape for n, a in params.items()}
        if shapes != self.architecture:
            return Refusal(
                f"parameters {_describe(shapes)} do not fit the training engine's model "
                f"{_describe(self.architecture)}"
            )
        broken = [n for n, a in params.items() if not np.all(np.isfinite(a))]
        if broken:
            return Refusal(f"the model's {', '.join(broken)} hold NaN or infinity")
        self.parameters = {n: a.astype(np.float32) for n, a in params.items()}
        self.model_id = update.new_model_id or update.model_id
        return []

    def _outcome(self, message: dict[str, Any] | None) -> Reply:
        outcome = RoundOutcome.from_wire(message)
        if outcome.round_number != self.trained_round:
            return Refusal(
                f"outcome of round {outcome.round_number}; the device trained round "
                f"{self.trained_round}"
            )
        return []

    def _addressed(self, group: str | None, model: str) -> str | None:
        """Why the device does not act on a request (None: it does)."""
        if not self.eligible:
            return "the device does not meet the eligibility criteria: it does not take part"
        if group is not None and group not in self.groups:
            return f"the device is not in group {group!r} (its groups: {sorted(self.groups)})"
        if self.parameters is None:
            return "no model received yet (step 5)"
        if model != self.model_id:
            return f"model {model!r}; the model in force is {self.model_id!r}"
        return None

    def _evaluate(self, message: dict[str, Any] | None) -> Reply:
        request = EvaluationRequest.from_wire(message)
        why = self._addressed(request.group_id, request.model_id)
        if why is not None:
            return Refusal(why)
        info = request.model_evaluation_information
        assert self.parameters is not None
        accuracy, loss = mlp.evaluate(self.parameters, self.data)
        values = {MetricName.ACCURACY.value: accuracy, MetricName.LOSS.value: loss}
        wanted = [str(m.name) for m in info.metrics]
        if self.options.fl_ue_extra_metrics:
            wanted += [name for name in values if name not in wanted]
        unknown = [name for name in wanted if name not in values]
        if unknown:
            result = EvaluationReport(
                failure_reporting_information=self._failure(
                    FailureReason.EVALUATION_FAILURE,
                    info.round_number,
                    request.model_id,
                    f"metrics this training engine does not measure: {', '.join(unknown)}",
                )
            )
        else:
            metrics = [Metric(name=name, value=values[name]) for name in wanted]
            result = EvaluationReport(
                model_evaluation_information=ModelEvaluationInformation(
                    round_number=info.round_number,
                    metric_number=len(metrics),
                    metrics=metrics,
                    model_id=request.model_id,
                )
            )
        return [Output("8", self._training_data()), Output("9"), Output("10", result.to_wire())]

    def _train(self, message: dict[str, Any] | None) -> Reply:
        request = TrainingRequest.from_wire(message)
        why = self._addressed(request.group_id, request.model_id)
        if why is not None:
            return Refusal(why)
        number = request.synchronization_information.round_number
        latest = max(
            (r for r in (self.announced_round, self.trained_round) if r is not None), default=None
        )
        stale = self.trained_round is not None and number <= self.trained_round
        if stale or (self.announced_round is not None and number < self.announced_round):
            return Refusal(f"round {number} is stale: round {latest} was already announced")
        self.announced_round = number
        if self._starts_later(request):
            self.pending = request  # honoured at the start time (see poll)
            return []
        return self._round(request)

    # -- what the device does ------------------------------------------------------------------
    def _round(self, request: TrainingRequest) -> Reply:
        number = request.synchronization_information.round_number
        self.trained_round = number
        deadline = self._deadline(request)
        if deadline is not None and self.clock() > deadline:
            report = TrainingReport(
                failure_reporting_information=self._failure(
                    FailureReason.DEADLINE_EXCEEDED,
                    number,
                    request.model_id,
                    f"the request came after the round's reporting deadline {deadline.isoformat()}",
                )
            )
        else:
            report = TrainingReport(model_update_information=self._trained(request))
        return [Output("13", self._training_data()), Output("14"), Output("15", report.to_wire())]

    def _trained(self, request: TrainingRequest) -> ModelUpdateInformation:
        assert self.parameters is not None
        number = request.synchronization_information.round_number
        batch = request.batch_size or self.options.fl_ue_batch_size or DEFAULT_BATCH_SIZE
        rate = DEFAULT_LEARNING_RATE if request.learning_rate is None else request.learning_rate
        trained = mlp.train(
            self.parameters,
            self.data,
            epochs=request.local_epochs or DEFAULT_EPOCHS,
            batch_size=batch,
            learning_rate=rate,
            seed=self.options.fl_ue_seed * 10_000 + number,
        )
        return update_information(
            trained, request.model_id, round_number=number, samples=len(self.data)
        )

    def _training_data(self) -> dict[str, Any]:
        data = TrainingData(data_library_id=self.library, number_of_samples=len(self.data))
        return data.to_wire()

    def _failure(
        self, reason: FailureReason, number: int, model: str, detail: str
    ) -> FailureReportingInformation:
        return FailureReportingInformation(
            reason=reason, round_number=number, model_id=model, detail=detail
        )

    def _deadline(self, request: TrainingRequest) -> datetime | None:
        start = request.synchronization_information.start_time
        criteria = self.failure_criteria
        if start is None or criteria is None or criteria.reporting_deadline is None:
            return None
        return start + timedelta(seconds=criteria.reporting_deadline)

    def _starts_later(self, request: TrainingRequest) -> bool:
        start = request.synchronization_information.start_time
        return start is not None and start > self.clock()


def _describe(shapes: dict[str, tuple[int, ...]]) -> str:
    return ", ".join(f"{n} {list(s)}" for n, s in shapes.items())
