"""Network mutants of federated learning (5.2.4.2): the reference Federated Learning Engine
that aggregates wrongly, enrols or keeps the wrong UEs, or names another model, group or
round than the one in force in its trigger (1), global models (5), evaluation (7),
criteria (11), training requests (12) and round outcomes (17)."""

from __future__ import annotations

from collections.abc import Callable

from ts26927.bindings.base import Output
from ts26927.bindings.reference import ReferenceOptions
from ts26927.engine.federated import mlp
from ts26927.engine.federated.parameters import from_tensors, to_tensors, update_information
from ts26927.models.federated.model_update import ModelUpdateInformation

from ..mutants import Mutant, MutantSpec, _edit, _message, _without


# -- the global model (5) ---------------------------------------------------------------
def _skewed_aggregate(output: Output) -> Output:
    if not (output.message or {}).get("newModelId"):
        return output
    update = ModelUpdateInformation.from_wire(output.message)
    params = {n: a * 1.01 for n, a in from_tensors(update.parameters).items()}
    skewed = update_information(params, update.model_id, new_model_id=update.new_model_id)
    return Output(output.step, skewed.to_wire(), output.attachments)


def _model_to_everyone(_: str, outputs: list[Output]) -> list[Output]:
    if not outputs or outputs[-1].step != "4":
        return outputs
    model = update_information(mlp.initial_parameters(0), "digits-mlp")
    return [*outputs, Output("5", model.to_wire())]


def _renamed_parameters(output: Output) -> Output:
    update = ModelUpdateInformation.from_wire(output.message)
    params = {f"layer.{n}": a for n, a in from_tensors(update.parameters).items()}
    renamed = update.model_copy(update={"parameters": to_tensors(params)})
    return Output(output.step, renamed.to_wire(), output.attachments)


def _updated_model(change: Callable[[Output], Output]) -> Callable[[Output], Output]:
    """``change`` applied to the global models that announce a new model id only."""
    return lambda output: change(output) if (output.message or {}).get("newModelId") else output


def _other_new_model_id(output: Output) -> Output:
    return _message(output, newModelId=f"{(output.message or {})['newModelId']}-other")


# -- the trigger (1), the model in force and the round -----------------------------------
def _trigger_without_synchronization(output: Output) -> Output:
    return Output(
        output.step,
        {k: v for k, v in (output.message or {}).items() if k != "synchronizationInformation"},
    )


def _renamed_model_id(output: Output) -> Output:
    return _message(output, modelId=f"{(output.message or {})['modelId']}-other")


def _next_round_number(output: Output) -> Output:
    return _message(output, roundNumber=(output.message or {})["roundNumber"] + 1)


def _round_number(change: Callable[[int], int]) -> Callable[[Output], Output]:
    def edit(output: Output) -> Output:
        sync = dict((output.message or {})["synchronizationInformation"])
        sync["roundNumber"] = change(sync["roundNumber"])
        return _message(output, synchronizationInformation=sync)

    return edit


MUTANTS: tuple[MutantSpec, ...] = (
    MutantSpec(
        "mis-aggregates",
        "sends a new global model that is not the FedAvg of the accepted updates",
        lambda: Mutant(_edit("5", _skewed_aggregate)),
        "5.2.4.2-federated-learning-001",
        "5",
    ),
    MutantSpec(
        "accepts-nan",
        "aggregates an update holding NaN",
        lambda: Mutant(lax=True),
        "5.2.4.2-federated-learning-002",
        "15",
    ),
    MutantSpec(
        "enrols-ineligible",
        "sends the model to a device that does not meet the criteria",
        lambda: Mutant(_model_to_everyone),
        "5.2.4.2-federated-learning-005",
        "5",
    ),
    MutantSpec(
        "renames-fl-parameters",
        "sends a global model whose parameters are not the model's",
        lambda: Mutant(_edit("5", _renamed_parameters)),
        "5.2.4.2-federated-learning-001",
        "5",
    ),
    MutantSpec(
        "misdeclares-aggregation",
        "declares FedAvg but moves the global model only half way (a server step of 0.5)",
        lambda: Mutant(
            options=ReferenceOptions(fl_aggregation="FEDAVG_SERVER_STEP", fl_server_step=0.5),
            declares={"federatedAggregation": "FEDAVG"},
        ),
        "5.2.4.2-federated-learning-001",
        "5",
    ),
    MutantSpec(
        "trigger-without-synchronization",
        "triggers federated learning without the first round's synchronization information",
        lambda: Mutant(_edit("1", _trigger_without_synchronization)),
        "5.2.4.2-federated-learning-007",
        "1",
    ),
    MutantSpec(
        "first-model-not-selected",
        "sends a first global model other than the one it selected",
        lambda: Mutant(_edit("5", _renamed_model_id)),
        "5.2.4.2-federated-learning-001",
        "5",
    ),
    MutantSpec(
        "evaluates-another-model",
        "requests the evaluation of another model than the one in force",
        lambda: Mutant(_edit("7", _renamed_model_id)),
        "5.2.4.2-federated-learning-001",
        "7",
    ),
    MutantSpec(
        "trains-another-group",
        "requests training of another group than the one the UE joined",
        lambda: Mutant(_edit("12", lambda o: _message(o, groupId="another-group"))),
        "5.2.4.2-federated-learning-001",
        "12",
    ),
    MutantSpec(
        "outcome-of-another-round",
        "reports the outcome of the round after the one requested",
        lambda: Mutant(_edit("17", _next_round_number)),
        "5.2.4.2-federated-learning-001",
        "17",
    ),
    MutantSpec(
        "keeps-a-removed-ue",
        "tells a UE removed by its failure report that training continues",
        lambda: Mutant(_edit("17", lambda o: _message(o, continueTraining=True))),
        "5.2.4.2-federated-learning-004",
        "17",
    ),
    MutantSpec(
        "ignores-eligibility-update",
        "updates the criteria after an evaluation without the change asked for",
        lambda: Mutant(_edit("11", _without("minimumDataSamples"))),
        "5.2.4.2-federated-learning-006",
        "11",
    ),
    MutantSpec(
        "triggers-another-service",
        "triggers federated learning as another service",
        lambda: Mutant(_edit("1", lambda o: _message(o, service="MODEL_DELIVERY"))),
        "5.2.4.2-federated-learning-007",
        "1",
    ),
    MutantSpec(
        "renames-model-in-force",
        "sends a new global model as an update of another model than the one in force",
        lambda: Mutant(_edit("5", _updated_model(_renamed_model_id))),
        "5.2.4.2-federated-learning-001",
        "5",
    ),
    MutantSpec(
        "updates-without-new-id",
        "sends the new global model without a new model id",
        lambda: Mutant(_edit("5", _without("newModelId"))),
        "5.2.4.2-federated-learning-001",
        "5",
    ),
    MutantSpec(
        "new-id-not-announced",
        "sends the new global model under another id than the round outcome announced",
        lambda: Mutant(_edit("5", _updated_model(_other_new_model_id))),
        "5.2.4.2-federated-learning-001",
        "5",
    ),
    MutantSpec(
        "trains-another-model",
        "requests training of another model than the one in force",
        lambda: Mutant(_edit("12", _renamed_model_id)),
        "5.2.4.2-federated-learning-001",
        "12",
    ),
    MutantSpec(
        "repeats-round-one",
        "numbers every training round 1",
        lambda: Mutant(_edit("12", _round_number(lambda _: 1))),
        "5.2.4.2-federated-learning-001",
        "12",
    ),
    MutantSpec(
        "skips-the-triggered-round",
        "starts training at another round than its trigger's synchronization information",
        lambda: Mutant(_edit("12", _round_number(lambda n: n + 1))),
        "5.2.4.2-federated-learning-007",
        "12",
    ),
)
