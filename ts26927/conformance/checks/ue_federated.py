"""Checks of federated learning (5.2.4.2) with the UE under test, judged by truth the suite
computes itself on the UE's local data (the shard its preamble declares): the training
input it states (8, 13), its update (15) — for the announced model and round, computed
from that model, better than it on the UE's own data, with the declared sample count, in
time — its failure reports (6.6.6.6), and its evaluation (10), whose metrics must be the
suite's own evaluation of the model in force on that data.

What the TR leaves to the UE is accepted: its local optimizer (epochs, batches, order and
step where the request leaves them open), its identifiers, extra metrics. What the TR
leaves out of the wire (round number and sample count in an update are this library's
additions) is judged when present and noted when absent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from pydantic import ValidationError

from ts26927.engine.federated import mlp
from ts26927.models.federated.failure_reporting import FailureReportingCriteria
from ts26927.models.federated.model_update import ModelUpdateInformation
from ts26927.models.messages.federated import EvaluationReport, TrainingReport, TrainingRequest

from ..builders.ue_federated_learning import global_models, local_data, model_in_force, shard
from ..context import CaseContext, IutDataFault, Record
from ..fl_state import parameters
from .registry import CheckFailed, check, message_of

#: A reported accuracy (%) may differ from the suite's by at most one sample of the shard
#: (a near tie may fall the other way in another arithmetic), plus rounding.
ACCURACY_SAMPLES = 1
#: A reported loss may differ from the suite's (float64 softmax of float32 logits) by this
#: relative and absolute tolerance: float32 arithmetic of another order stays well inside.
LOSS_RTOL, LOSS_ATOL = 1e-3, 1e-4


def _distance(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> float:
    return float(np.sqrt(sum(np.sum((a[n].astype(np.float64) - b[n]) ** 2) for n in a)))


def _failure_criteria(ctx: CaseContext) -> FailureReportingCriteria | None:
    sent = [r for r in ctx.all("6", "TS") if r.message]
    return FailureReportingCriteria.from_wire(sent[-1].message) if sent else None


def _deadline(ctx: CaseContext, request: TrainingRequest) -> datetime | None:
    """When the round's reporting deadline falls (6 and 12), if the TS gave one."""
    criteria = _failure_criteria(ctx)
    start = request.synchronization_information.start_time
    if criteria is None or criteria.reporting_deadline is None or start is None:
        return None
    return start + timedelta(seconds=criteria.reporting_deadline)


@check("fl-ue-training-data")
def _training_data(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The Data Source passes the UE's local library (8, 13): the library its preamble
    declares (the one the criteria name, if any) and every sample it holds."""
    message = message_of(record)
    library = local_data(ctx)["dataLibraryId"]
    named = [r.message.get("dataLibraryId") for r in ctx.all("4", "TS") + ctx.all("11", "TS")]  # type: ignore[union-attr]
    wanted = next((n for n in reversed(named) if n), library)
    if message["dataLibraryId"] != wanted:
        raise CheckFailed(f"dataLibraryId {message['dataLibraryId']!r}; expected {wanted!r}")
    size = len(shard(ctx))
    if message["numberOfSamples"] != size:
        raise CheckFailed(
            f"numberOfSamples {message['numberOfSamples']}; the UE's library holds {size}"
        )


def _report_failure(
    ctx: CaseContext, failure: dict[str, Any], request: TrainingRequest, late: bool
) -> None:
    """A failure report (6.6.6.6) is due only when the round's reporting deadline has
    passed; then it names DEADLINE_EXCEEDED if the criteria do."""
    reason = failure.get("reason")
    if not late:
        raise CheckFailed(
            f"the UE reported failure {reason!r} in a round the test system gave it time for"
        )
    criteria = _failure_criteria(ctx)
    named = criteria is not None and "DEADLINE_EXCEEDED" in criteria.reasons
    if named and reason != "DEADLINE_EXCEEDED":
        raise CheckFailed(
            f"failure {reason!r}; the deadline passed and the criteria name DEADLINE_EXCEEDED"
        )
    number = request.synchronization_information.round_number
    if failure.get("roundNumber") not in (None, number):
        raise CheckFailed(f"failure for round {failure['roundNumber']}; the round is {number}")


@check("fl-ue-update")
def _update(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The UE's result (15): past the round's reporting deadline, a failure report (the
    device cannot send its parameters in time, 6.6.6.6.2); otherwise an update of the model
    the request named, for its round, with the shard's sample count, computed from the
    announced model — it is nearer to it than to any earlier global model, and its loss on
    the UE's own data is lower than the announced model's."""
    request = TrainingRequest.from_wire(ctx.message("12"))
    try:
        report = TrainingReport.from_wire(message_of(record))
    except (ValidationError, ValueError) as error:
        raise CheckFailed(f"not a training report: {error}") from None
    deadline = _deadline(ctx, request)
    late = deadline is not None and deadline < datetime.now(UTC)
    if report.failure_reporting_information is not None:
        _report_failure(ctx, report.failure_reporting_information.to_wire(), request, late)
        return
    if late:
        raise CheckFailed(
            f"an update for round {request.synchronization_information.round_number} after "
            f"its reporting deadline {deadline}: the UE must report the failure instead"
        )
    update = report.model_update_information
    assert update is not None
    _update_fields(ctx, update, request)
    announced_id, announced = model_in_force(ctx)
    try:
        got = parameters(ctx, update, record.step)
    except IutDataFault as fault:
        raise CheckFailed(fault.reason) from None
    if all(np.array_equal(got[n], announced[n]) for n in got):
        raise CheckFailed(f"the update is the model {announced_id!r} itself: nothing was trained")
    near = _distance(got, announced)
    for other_id, other in global_models(ctx):
        if other_id != announced_id and _distance(got, other) <= near:
            raise CheckFailed(
                f"the update is nearer to the earlier global model {other_id!r} "
                f"({_distance(got, other):.3g}) than to the announced {announced_id!r} "
                f"({near:.3g}): it was not trained from the announced round's model"
            )
    data = shard(ctx)
    _, before = mlp.evaluate(announced, data)
    _, after = mlp.evaluate(got, data)
    if not after < before:
        raise CheckFailed(
            f"loss on the UE's own data {after:.4f}; the announced model's is {before:.4f}: "
            "the update does not improve it"
        )


def _update_fields(
    ctx: CaseContext, update: ModelUpdateInformation, request: TrainingRequest
) -> None:
    if update.model_id != request.model_id:
        raise CheckFailed(f"modelId {update.model_id!r}; the request named {request.model_id!r}")
    number = request.synchronization_information.round_number
    if update.round_number is None:
        ctx.note("the update carries no roundNumber (the TR does not require it)")
    elif update.round_number != number:
        raise CheckFailed(f"roundNumber {update.round_number}; the request opened round {number}")
    size = len(shard(ctx))
    if update.number_of_training_samples is None:
        ctx.note("the update carries no numberOfTrainingSamples (the TR does not require it)")
    elif update.number_of_training_samples != size:
        raise CheckFailed(
            f"numberOfTrainingSamples {update.number_of_training_samples}; the UE's local "
            f"data holds {size}"
        )


@check("fl-ue-evaluation")
def _evaluation(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The UE's evaluation (10) is of the model in force, for the round asked, and every
    metric asked (and any other it adds that the suite measures) equals the suite's own
    evaluation of that model on the UE's local data, within the stated tolerances."""
    request = ctx.message("7")
    try:
        report = EvaluationReport.from_wire(message_of(record))
    except (ValidationError, ValueError) as error:
        raise CheckFailed(f"not an evaluation report: {error}") from None
    info = report.model_evaluation_information
    if info is None:
        failure = report.failure_reporting_information
        reason = failure.to_wire().get("reason") if failure else None
        raise CheckFailed(
            f"the UE reported failure {reason!r}; it was asked for metrics it can measure on "
            "a model it holds"
        )
    asked = request["modelEvaluationInformation"]
    if info.round_number != asked["roundNumber"]:
        raise CheckFailed(
            f"roundNumber {info.round_number}; the request asked {asked['roundNumber']}"
        )
    if info.model_id not in (None, request["modelId"]):
        raise CheckFailed(f"modelId {info.model_id!r}; the request named {request['modelId']!r}")
    reported = {str(m.name): m.value for m in info.metrics}
    missing = [m["name"] for m in asked["metrics"] if reported.get(m["name"]) is None]
    if missing:
        raise CheckFailed(f"no value for {', '.join(missing)}")
    data = shard(ctx)
    _, params = model_in_force(ctx)
    accuracy, loss = mlp.evaluate(params, data)
    one_sample = ACCURACY_SAMPLES * 100.0 / len(data)
    truth = {
        "ACCURACY": (accuracy, one_sample + 1e-9, 0.0),
        "LOSS": (loss, LOSS_ATOL, LOSS_RTOL),
    }
    for name, value in reported.items():
        if name not in truth:
            ctx.note(f"metric {name} is not one the suite measures: not judged")
            continue
        want, atol, rtol = truth[name]
        if value is None or abs(value - want) > atol + rtol * abs(want):
            raise CheckFailed(
                f"{name} {value}; the model in force gives {want:.6g} on the UE's local data"
            )
