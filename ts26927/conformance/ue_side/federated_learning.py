"""UE mutants and legal UE variants of federated learning (5.2.4.2): the reference UE (the
FL client) with one defect each, and with other choices the TR allows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np

from ts26927.bindings.base import Output, Reply
from ts26927.bindings.reference import ReferenceImplementation, ReferenceOptions
from ts26927.bindings.reference.ue_federated_learning import UeFederatedLearning
from ts26927.engine.federated import mlp
from ts26927.engine.federated.parameters import (
    Parameters,
    from_tensors,
    to_tensors,
    update_information,
)
from ts26927.models.federated.model_update import ModelUpdateInformation
from ts26927.models.messages.federated import TrainingRequest

from ..mutants import Mutant, MutantSpec
from ..variants import VariantSpec

FLOW = "federated-learning"
_KEY = (FLOW, "UE")
_MAIN = "5.2.4.2-federated-learning-008"
_STALE = "5.2.4.2-federated-learning-010"
_INELIGIBLE = "5.2.4.2-federated-learning-011"
_MALFORMED = "5.2.4.2-federated-learning-012"
_LATE = "5.2.4.2-federated-learning-013"
_OTHER_GROUP = "5.2.4.2-federated-learning-014"


def _install(implementation: ReferenceImplementation, player: type[UeFederatedLearning]) -> None:
    implementation.players[_KEY] = lambda p, o: player(p, o)


def _mutant(player: type[UeFederatedLearning]) -> Mutant:
    mutant = Mutant()
    _install(mutant, player)
    return mutant


def _update_edit(change: Callable[[dict[str, Any]], dict[str, Any]]) -> Mutant:
    """The reference with every update it sends (15) changed by ``change``."""

    def transform(_: str, outputs: list[Output]) -> list[Output]:
        out = []
        for o in outputs:
            update = (o.message or {}).get("modelUpdateInformation")
            if o.step == "15" and update:
                o = Output(o.step, {"modelUpdateInformation": change(update)}, o.attachments)
            out.append(o)
        return out

    return Mutant(transform)


def _nan(update: dict[str, Any]) -> dict[str, Any]:
    info = ModelUpdateInformation.from_wire(update)
    params = from_tensors(info.parameters)
    params[next(iter(params))].flat[0] = np.nan
    return info.model_copy(update={"parameters": to_tensors(params)}).to_wire()


# -- mutants -----------------------------------------------------------------------------
class _TrainsPreviousModel(UeFederatedLearning):
    """Keeps training the first global model it received: the new round's model is stored
    but never used."""

    first: Parameters | None = None

    def _model(self, message: dict[str, Any] | None) -> Reply:
        reply = super()._model(message)
        self.first = self.first or self.parameters
        return reply

    def _trained(self, request: TrainingRequest) -> ModelUpdateInformation:
        held, self.parameters = self.parameters, self.first
        try:
            return super()._trained(request)
        finally:
            self.parameters = held


class _LiesEligible(UeFederatedLearning):
    """Claims to meet every criterion, whatever its profile."""

    def _criteria(self, message: dict[str, Any] | None) -> Reply:
        super()._criteria(message)
        self.eligible = True
        self.groups.add(str((message or {}).get("groupId")))
        return []


class _ClaimsIneligible(UeFederatedLearning):
    """Says it misses every criterion announced, whatever its profile."""

    def _criteria(self, message: dict[str, Any] | None) -> Reply:
        super()._criteria(message)
        self.eligible = False
        return []


class _IgnoresGroups(UeFederatedLearning):
    """Acts on requests addressed to any group."""

    def _addressed(self, group: str | None, model: str) -> str | None:
        return super()._addressed(None, model)


class _TrainsStaleRounds(UeFederatedLearning):
    """Trains whatever round it is asked for."""

    def _train(self, message: dict[str, Any] | None) -> Reply:
        self.announced_round = self.trained_round = None
        return super()._train(message)


class _IgnoresDeadline(UeFederatedLearning):
    """Trains and sends its update however late the round is."""

    def _deadline(self, request: TrainingRequest) -> datetime | None:
        return None


class _SilentOnFailure(UeFederatedLearning):
    """Past the deadline it drops the round without telling the network."""

    def _round(self, request: TrainingRequest) -> Reply:
        deadline = self._deadline(request)
        if deadline is not None and self.clock() > deadline:
            self.trained_round = request.synchronization_information.round_number
            return []
        return super()._round(request)


class _AcceptsAnyModel(UeFederatedLearning):
    """Keeps whatever model arrives, unchecked."""

    def _model(self, message: dict[str, Any] | None) -> Reply:
        update = ModelUpdateInformation.from_wire(message)
        self.parameters = from_tensors(update.parameters)
        self.model_id = update.new_model_id or update.model_id
        return []


class _EvaluatesItsOwnUpdate(UeFederatedLearning):
    """Reports the metrics of its last local update instead of the model in force."""

    local: Parameters | None = None

    def _trained(self, request: TrainingRequest) -> ModelUpdateInformation:
        update = super()._trained(request)
        self.local = from_tensors(update.parameters)
        return update

    def _evaluate(self, message: dict[str, Any] | None) -> Reply:
        held = self.parameters
        self.parameters = self.local or held
        try:
            return super()._evaluate(message)
        finally:
            self.parameters = held


class _SendsReceivedModel(UeFederatedLearning):
    """Sends back the model it received, untrained."""

    def _trained(self, request: TrainingRequest) -> ModelUpdateInformation:
        assert self.parameters is not None
        number = request.synchronization_information.round_number
        return update_information(
            self.parameters, request.model_id, round_number=number, samples=len(self.data)
        )


def _field(**changes: Callable[[Any], Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda update: {**update, **{k: f(update.get(k)) for k, f in changes.items()}}


MUTANTS: tuple[MutantSpec, ...] = (
    MutantSpec(
        "ue-fl-trains-previous-model",
        "trains the first global model it received in every round, not the announced one",
        lambda: _mutant(_TrainsPreviousModel),
        _MAIN,
        "15",
    ),
    MutantSpec(
        "ue-fl-sends-nan",
        "sends an update holding a NaN",
        lambda: _update_edit(_nan),
        _MAIN,
        "15",
    ),
    MutantSpec(
        "ue-fl-wrong-sample-count",
        "counts 100 samples more than its local data holds",
        lambda: _update_edit(_field(numberOfTrainingSamples=lambda n: n + 100)),
        _MAIN,
        "15",
    ),
    MutantSpec(
        "ue-fl-wrong-round",
        "labels its update with the round before the one requested",
        lambda: _update_edit(_field(roundNumber=lambda n: n - 1)),
        _MAIN,
        "15",
    ),
    MutantSpec(
        "ue-fl-other-model-id",
        "names another model than the one it trained in its update",
        lambda: _update_edit(_field(modelId=lambda m: f"{m}-local")),
        _MAIN,
        "15",
    ),
    MutantSpec(
        "ue-fl-untrained-update",
        "sends back the model it received, untrained",
        lambda: _mutant(_SendsReceivedModel),
        _MAIN,
        "15",
    ),
    MutantSpec(
        "ue-fl-evaluates-own-update",
        "reports the metrics of its local update, not of the model in force",
        lambda: _mutant(_EvaluatesItsOwnUpdate),
        _MAIN,
        "10",
    ),
    MutantSpec(
        "ue-fl-lies-eligible",
        "claims to meet eligibility criteria its profile misses",
        lambda: _mutant(_LiesEligible),
        _INELIGIBLE,
        "12",
    ),
    MutantSpec(
        "ue-fl-claims-ineligible",
        "claims to miss eligibility criteria its profile meets",
        lambda: _mutant(_ClaimsIneligible),
        _MAIN,
        "12",
    ),
    MutantSpec(
        "ue-fl-ignores-group",
        "trains for a group it was never admitted to",
        lambda: _mutant(_IgnoresGroups),
        _OTHER_GROUP,
        "12",
    ),
    MutantSpec(
        "ue-fl-trains-stale-round",
        "trains a round earlier than one already announced",
        lambda: _mutant(_TrainsStaleRounds),
        _STALE,
        "12",
    ),
    MutantSpec(
        "ue-fl-accepts-malformed-model",
        "keeps a global model with misshapen parameters",
        lambda: _mutant(_AcceptsAnyModel),
        _MALFORMED,
        "5",
    ),
    MutantSpec(
        "ue-fl-ignores-deadline",
        "sends its update after the round's reporting deadline instead of a failure report",
        lambda: _mutant(_IgnoresDeadline),
        _LATE,
        "15",
    ),
    MutantSpec(
        "ue-fl-silent-failure",
        "drops a round it cannot finish in time without a failure report",
        lambda: _mutant(_SilentOnFailure),
        _LATE,
        "13",
    ),
)


# -- legal variants ------------------------------------------------------------------------
class _TerseUpdates(UeFederatedLearning):
    """Sends only what clause 6.6.6.5.2 lists: the model id and the parameters."""

    def _trained(self, request: TrainingRequest) -> ModelUpdateInformation:
        update = super()._trained(request)
        return update.model_copy(update={"round_number": None, "number_of_training_samples": None})


class _TerseReference(ReferenceImplementation):
    def __init__(self, options: ReferenceOptions | None = None) -> None:
        super().__init__(options)
        _install(self, _TerseUpdates)


class _MomentumUe(UeFederatedLearning):
    """Takes its local steps with heavy-ball momentum (0.5) and its own shuffling: another
    local optimizer within the epochs the request sets."""

    def _trained(self, request: TrainingRequest) -> ModelUpdateInformation:
        assert self.parameters is not None
        number = request.synchronization_information.round_number
        epochs = request.local_epochs or 1
        rate = 0.1 if request.learning_rate is None else request.learning_rate
        params = {n: a.copy() for n, a in self.parameters.items()}
        velocity = {n: np.zeros_like(a) for n, a in params.items()}
        for epoch in range(epochs):
            stepped = mlp.train(
                params,
                self.data,
                epochs=1,
                batch_size=request.batch_size or 24,
                learning_rate=rate,
                seed=97 * number + epoch,
            )
            for name in params:
                velocity[name] = 0.5 * velocity[name] + (stepped[name] - params[name])
                params[name] = (params[name] + velocity[name]).astype(np.float32)
        return update_information(
            params, request.model_id, round_number=number, samples=len(self.data)
        )


class _MomentumReference(ReferenceImplementation):
    def __init__(self, options: ReferenceOptions | None = None) -> None:
        super().__init__(options)
        _install(self, _MomentumUe)


VARIANTS: tuple[VariantSpec, ...] = (
    VariantSpec(
        "ue-fl-other-local-steps",
        "shuffles its data its own way and, where the request leaves it open, takes local "
        "steps on batches of 8",
        ReferenceOptions(fl_ue_seed=7, fl_ue_batch_size=8),
        (FLOW,),
    ),
    VariantSpec(
        "ue-fl-momentum",
        "trains with a momentum optimizer of its own within the requested epochs",
        ReferenceOptions(),
        (FLOW,),
        _MomentumReference,
    ),
    VariantSpec(
        "ue-fl-extra-metrics",
        "reports every metric it measures, beyond those the evaluation request names",
        ReferenceOptions(fl_ue_extra_metrics=True),
        (FLOW,),
    ),
    VariantSpec(
        "ue-fl-terse-updates",
        "sends updates with only the model id and parameters (no round, no sample count)",
        ReferenceOptions(),
        (FLOW,),
        _TerseReference,
    ),
)
