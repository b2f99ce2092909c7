"""Reference network side of distributed/federated learning (5.2.4.2) for one UE.

The test system plays one UE; the reference Federated Learning Engine announces its
criteria, enrols the UE when its declared profile (the case's preamble) meets them, and
runs synchronized rounds: the model (5), the failure criteria (6, once or every round),
then the round's options — training (12-17, Option B), preceded by an evaluation (7-10,
Option A) in the rounds its plan says — until it has run the training rounds the preamble
asks for. Updates are screened; a refused update leaves the round open.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ts26927.bindings.base import Output, Refusal, Reply
from ts26927.bindings.reference.options import ReferenceOptions
from ts26927.engine.federated import mlp
from ts26927.engine.federated.server import Aggregator, FederatedLearningEngine, ServerConfig
from ts26927.errors import RoundStateError, UpdateRejectedError
from ts26927.models.federated.eligibility import DeviceEligibilityInformation, DeviceProfile
from ts26927.models.federated.synchronization import SynchronizationInformation
from ts26927.models.messages.common import (
    AiServiceTrigger,
    ModelIdentification,
    ModelSelection,
    ServiceKind,
)
from ts26927.models.messages.federated import EvaluationReport, TrainingReport

DEVICE = "ue-under-test"
START = datetime(2026, 1, 1, tzinfo=UTC)
CRITERIA = {"dataLibraryId": "digits", "minimumDataSamples": 10}
_AGGREGATORS = {
    "FEDAVG": Aggregator.FEDAVG,
    "FEDAVG_SERVER_STEP": Aggregator.FEDAVG,
    "MEDIAN": Aggregator.MEDIAN,
    "OTHER": Aggregator.TRIMMED_MEAN,
}


class NetworkFederatedLearning:
    """Plays the network side of the ``federated-learning`` flow for one UE."""

    def __init__(self, params: dict[str, Any], options: ReferenceOptions | None = None) -> None:
        self.options = options or ReferenceOptions()
        self.rounds = int(params.get("trainingRounds", 1))
        self.network_triggers = bool(params.get("networkTriggers", False))
        # Step 11 (optional): criteria updated after the evaluation, when the case asks.
        self.eligibility_update: dict[str, Any] | None = params.get("eligibilityUpdate")
        self.profile = DeviceProfile.model_validate(params.get("deviceProfile", {}))
        self.criteria = {**CRITERIA, "groupId": self.options.fl_group_id}
        self.engine = FederatedLearningEngine(
            ServerConfig(
                model_id=self.options.fl_model_id,
                eligibility=DeviceEligibilityInformation.model_validate(self.criteria),
                min_clients=1,
                aggregator=_AGGREGATORS[self.options.fl_aggregation],
                server_step=self.options.fl_server_step,
            ),
            mlp.initial_parameters(0),
        )
        self.now = START

    def begin(self) -> Reply:
        """When the network triggers (step 1 its own), with the first round's synchronization
        information (clause 6.6.6.2.2)."""
        if not self.network_triggers:
            return []
        sync = SynchronizationInformation(
            round_number=self.engine.round_number,
            start_time=self.now,
            duration=self.engine.config.round_duration_s,
        )
        trigger = AiServiceTrigger(
            service=ServiceKind.FEDERATED_LEARNING,
            session_id="fl-1",
            synchronization_information=sync,
        )
        return [Output("1", trigger.to_wire()), *self._announce()]

    def on(self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]) -> Reply:
        if step == "1":
            return self._announce()
        if step == "10":
            report = EvaluationReport.from_wire(message)
            self.engine.submit_evaluation(DEVICE, report, samples=1)
            update: list[Output] = []
            if self.eligibility_update is not None:
                criteria = DeviceEligibilityInformation.model_validate(
                    {**self.criteria, **self.eligibility_update}
                )
                update = [Output("11", criteria.to_wire())]
            return [*update, *self._training_request()]
        if step == "15":
            return self._result(TrainingReport.from_wire(message))
        return []

    def poll(self) -> Reply:
        return []

    def _announce(self) -> Reply:
        config = self.engine.config
        outputs = [
            Output("2", ModelSelection(model_identifier=config.model_id).to_wire()),
            Output("3", ModelIdentification(model_identifier=config.model_id).to_wire()),
            Output("4", config.eligibility.to_wire()),
        ]
        if not self.engine.enroll(DEVICE, self.profile).eligible:
            return outputs  # an ineligible device does not receive the model
        return [*outputs, *self._round_start(first=True)]

    def _round_start(self, *, first: bool) -> list[Output]:
        """Steps 5 and 6, then the round's first option (evaluation or training)."""
        outputs = [Output("5", self.engine.model_broadcast().to_wire())]
        if first or self.options.fl_failure_criteria_every_round:
            outputs.append(Output("6", self.engine.config.failure_criteria.to_wire()))
        evaluate = self.options.fl_plan == "evaluate-every-round" or not first
        if evaluate:
            return [*outputs, Output("7", self.engine.evaluation_request().to_wire())]
        return [*outputs, *self._training_request()]

    def _training_request(self) -> list[Output]:
        request = self.engine.start_round(self.now)
        return [Output("12", request.to_wire())]

    def _result(self, report: TrainingReport) -> Reply:
        at = self.now + timedelta(seconds=1)
        try:
            self.engine.submit(DEVICE, report, at)
        except UpdateRejectedError as error:
            return Refusal(f"{error.reason}: {error.detail}")
        try:
            result = self.engine.close_round(at)
        except RoundStateError as error:
            return Refusal(str(error))
        self.now += timedelta(seconds=self.engine.config.round_duration_s)
        more = len(self.engine.history) < self.rounds and DEVICE in self.engine.active
        outputs = [
            Output("16"),
            Output("17", self.engine.round_outcome(result, continue_training=more).to_wire()),
        ]
        return [*outputs, *self._round_start(first=False)] if more else outputs
