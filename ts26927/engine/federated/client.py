"""The UE side: the AI Model Training Engine of clause 5.2.4 (sans I/O).

It checks its own eligibility against the announced criteria, keeps the global model it
receives, trains on its own data partition, evaluates, and answers with model update
information or a failure report. Simulated devices may misbehave on purpose
(:class:`Behaviour`), which is how the network side's defences are exercised.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from ts26927.models.federated.eligibility import (
    DeviceEligibilityInformation,
    DeviceProfile,
    EligibilityDecision,
)
from ts26927.models.federated.evaluation import Metric, MetricName, ModelEvaluationInformation
from ts26927.models.federated.failure_reporting import FailureReason, FailureReportingInformation
from ts26927.models.federated.model_update import ModelUpdateInformation
from ts26927.models.messages.federated import (
    EvaluationReport,
    EvaluationRequest,
    TrainingData,
    TrainingReport,
    TrainingRequest,
)

from . import mlp
from .data import Dataset
from .parameters import Parameters, from_tensors, update_information

DATA_LIBRARY = "digits"


#: What this training engine does where a training request leaves the choice to it.
DEFAULT_EPOCHS, DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE = 1, 32, 0.1


class Behaviour(StrEnum):
    HONEST = "honest"
    BYZANTINE = "byzantine"
    """Sends arbitrary (finite, well-formed) parameters instead of trained ones."""
    SILENT = "silent"
    """Never answers a training request."""
    FAILING = "failing"
    """Answers every training request with a failure report."""
    STRAGGLER = "straggler"
    """Trains honestly, but slowly: its runner waits before the work (see
    :mod:`.runners`), so a round with a wall-clock timeout drops it."""
    CRASHING = "crashing"
    """Its worker dies while training (see :mod:`.runners`); the engine itself, called
    directly, trains honestly."""


def default_profile(samples: int) -> DeviceProfile:
    """The profile a simulated UE reports: a handset holding ``samples`` digits images."""
    return DeviceProfile.model_validate(
        {
            "operatingSystem": "Android",
            "availableMemory": 4000,
            "countryCode": "DE",
            "language": "de-DE",
            "dataLibraries": [{"dataLibraryId": DATA_LIBRARY, "numberOfSamples": samples}],
        }
    )


class TrainingEngine:
    """One UE's AI Model Training Engine with its local data."""

    def __init__(
        self,
        device: str,
        data: Dataset,
        *,
        behaviour: Behaviour = Behaviour.HONEST,
        seed: int = 0,
        profile: DeviceProfile | None = None,
    ) -> None:
        self.device = device
        self.data = data
        self.behaviour = behaviour
        self.seed = seed
        self.profile = profile or default_profile(len(data))
        self.group_ids: set[str] = set()
        self.model_id: str | None = None
        self.parameters: Parameters | None = None

    def on_eligibility(self, criteria: DeviceEligibilityInformation) -> EligibilityDecision:
        """Step 4: check the criteria; an eligible device takes the group id."""
        decision = criteria.evaluate(self.profile)
        if decision.eligible:
            self.group_ids.add(criteria.group_id)
        return decision

    def on_model(self, update: ModelUpdateInformation) -> None:
        """Step 5: keep the (updated) global model."""
        self.parameters = from_tensors(update.parameters)
        self.model_id = update.new_model_id or update.model_id

    def training_data(self) -> TrainingData:
        """Steps 8 and 13: what the data source passes to the training engine."""
        return TrainingData(data_library_id=DATA_LIBRARY, number_of_samples=len(self.data))

    def on_training_request(self, request: TrainingRequest) -> TrainingReport | None:
        """Steps 12-15: train locally and report (None: this device stays silent)."""
        round_number = request.synchronization_information.round_number
        if self.behaviour is Behaviour.SILENT:
            return None
        if self.behaviour is Behaviour.FAILING or self.parameters is None:
            return TrainingReport(
                failure_reporting_information=FailureReportingInformation(
                    reason=FailureReason.DEVICE_FAILURE,
                    round_number=round_number,
                    model_id=request.model_id,
                    detail="simulated device failure"
                    if self.behaviour is Behaviour.FAILING
                    else "no model received",
                )
            )
        if len(self.data) == 0:
            return TrainingReport(
                failure_reporting_information=FailureReportingInformation(
                    reason=FailureReason.INSUFFICIENT_DATA,
                    round_number=round_number,
                    model_id=request.model_id,
                )
            )
        seed = self.seed * 10_000 + round_number
        if self.behaviour is Behaviour.BYZANTINE:
            rng = np.random.default_rng(seed)
            trained = {
                n: (rng.standard_normal(a.shape) * 50).astype(np.float32)
                for n, a in self.parameters.items()
            }
        else:
            trained = mlp.train(
                self.parameters,
                self.data,
                epochs=request.local_epochs or DEFAULT_EPOCHS,
                batch_size=request.batch_size or DEFAULT_BATCH_SIZE,
                learning_rate=DEFAULT_LEARNING_RATE
                if request.learning_rate is None
                else request.learning_rate,
                seed=seed,
            )
        update = update_information(
            trained, request.model_id, round_number=round_number, samples=len(self.data)
        )
        return TrainingReport(model_update_information=update)

    def on_evaluation_request(self, request: EvaluationRequest) -> EvaluationReport:
        """Steps 7-10: evaluate the global model on the local data, report the metrics."""
        info = request.model_evaluation_information
        if self.parameters is None or len(self.data) == 0:
            return EvaluationReport(
                failure_reporting_information=FailureReportingInformation(
                    reason=FailureReason.EVALUATION_FAILURE,
                    round_number=info.round_number,
                    model_id=request.model_id,
                    detail="no model or no local data",
                )
            )
        accuracy, loss = mlp.evaluate(self.parameters, self.data)
        values = {MetricName.ACCURACY: accuracy, MetricName.LOSS: loss}
        metrics = [Metric(name=m.name, value=values.get(m.name)) for m in info.metrics]
        return EvaluationReport(
            model_evaluation_information=ModelEvaluationInformation(
                round_number=info.round_number,
                metric_number=len(metrics),
                metrics=metrics,
                model_id=request.model_id,
            )
        )
