"""Checks of federated learning (5.2.4.2): the models the network sends, the requests and
round outcomes, and the run as a whole — with identifiers taken from what the IUT
announced, in whatever order of rounds it chose, and the aggregate verified by the rule it
declares (IXIT ``federatedAggregation``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..context import CaseContext, IutDataFault, Record
from ..fl_state import broadcasts, model_id, parameters, update_of
from .registry import CheckFailed, check, message_of

#: float32 aggregation in another order: relative and absolute tolerance.
AGGREGATE_RTOL, AGGREGATE_ATOL = 1e-5, 1e-6


def _faults(action: Any) -> Any:
    try:
        return action()
    except IutDataFault as fault:
        raise CheckFailed(fault.reason) from None


def _after(ctx: CaseContext, record: Record) -> list[Record]:
    index = next(i for i, r in enumerate(ctx.records) if r is record)
    return ctx.records[index + 1 :]


@check("fl-model")
def _fl_model(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """A global model (step 5): the fixture model's parameters; the first carries the model
    selected at step 2; a later one updates the model in force, and carries a new model id
    exactly when its parameters changed — then they are the aggregate, by the declared
    rule, of the updates the UE sent since, and the id the round outcome announced."""
    update = _faults(lambda: update_of(record))
    params = _faults(lambda: parameters(ctx, update, record.step))
    sent = broadcasts(ctx)
    if len(sent) == 1:
        selected = ctx.message("2").get("modelIdentifier")
        if update.model_id != selected:
            raise CheckFailed(f"modelId {update.model_id!r}; step 2 selected {selected!r}")
        return
    previous = update_of(sent[-2])
    before = parameters(ctx, previous, "5")
    if update.model_id != model_id(previous):
        raise CheckFailed(
            f"modelId {update.model_id!r}; the model in force is {model_id(previous)!r}"
        )
    between = _after(ctx, sent[-2])  # up to the model checked, the last record
    outcomes = [r for r in between if r.step == "17" and r.by == "IUT"]
    if update.new_model_id is None or update.new_model_id == update.model_id:
        for name, value in params.items():
            if not np.array_equal(value, before[name]):
                raise CheckFailed(f"{name} changed, but no newModelId says the model was updated")
        return
    if outcomes and outcomes[-1].message["newModelId"] != update.new_model_id:  # type: ignore[index]
        raise CheckFailed(
            f"newModelId {update.new_model_id!r}; the round outcome (17) announced "
            f"{outcomes[-1].message['newModelId']!r}"  # type: ignore[index]
        )
    updates = [
        update_of(r, "modelUpdateInformation")
        for r in between
        if r.step == "15" and r.by == "TS" and (r.message or {}).get("modelUpdateInformation")
    ]
    if not updates:
        raise CheckFailed("a new model, but the UE sent no update since the last one")
    pairs = [(parameters(ctx, u, "15"), u.number_of_training_samples or 1) for u in updates]
    _aggregate_matches(ctx, before, pairs, params)


def _aggregate_matches(
    ctx: CaseContext,
    before: dict[str, np.ndarray],
    updates: list[tuple[dict[str, np.ndarray], int]],
    got: dict[str, np.ndarray],
) -> None:
    rule = ctx.ixit.get("federatedAggregation", "OTHER")
    if rule == "OTHER":
        ctx.note(
            "federatedAggregation is OTHER: the new global model was checked for the fixture "
            "model's parameters and finite values only"
        )
        return
    weights = np.array([float(n) for _, n in updates])
    for name, value in got.items():
        stack = np.stack([u[name].astype(np.float64) for u, _ in updates])
        if rule in ("FEDAVG", "FEDAVG_SERVER_STEP"):
            want = np.tensordot(weights / weights.sum(), stack, axes=1)
            if rule == "FEDAVG_SERVER_STEP":
                step = float(ctx.ixit.get("federatedServerStepSize", 1.0))
                old = before[name].astype(np.float64)
                want = old + step * (want - old)
        elif rule == "MEDIAN":
            want = np.median(stack, axis=0)
        else:  # TRIMMED_MEAN
            cut = int(float(ctx.ixit.get("federatedTrimFraction", 0.2)) * len(stack))
            ordered = np.sort(stack, axis=0)
            want = ordered[cut : len(stack) - cut].mean(axis=0)
        if not np.allclose(value, want, rtol=AGGREGATE_RTOL, atol=AGGREGATE_ATOL):
            worst = float(np.max(np.abs(value - want)))
            raise CheckFailed(
                f"{name} is not the {rule} of the updates the UE sent (max difference {worst:.3g})"
            )


def _model_in_force(ctx: CaseContext, step: str) -> str:
    sent = broadcasts(ctx)
    if not sent:
        raise CheckFailed(f"step {step} before any model was sent (step 5)")
    return model_id(update_of(sent[-1]))


@check("fl-training-request")
def _training_request(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """A training request (12) names the model in force, a round after the last one, and
    the group the UE joined."""
    message = message_of(record)
    current = _model_in_force(ctx, "12")
    if message["modelId"] != current:
        raise CheckFailed(f"modelId {message['modelId']!r}; the model in force is {current!r}")
    rounds = [
        r.message["synchronizationInformation"]["roundNumber"]  # type: ignore[index]
        for r in ctx.all("12", "IUT")
    ]
    if len(rounds) > 1 and rounds[-1] <= rounds[-2]:
        raise CheckFailed(f"round {rounds[-1]} does not follow round {rounds[-2]}")
    triggers = [r for r in ctx.all("1", "IUT") if r.message]
    sync = triggers[0].message.get("synchronizationInformation") if triggers else None  # type: ignore[union-attr]
    if len(rounds) == 1 and sync is not None and sync["roundNumber"] != rounds[0]:
        raise CheckFailed(
            f"round {rounds[0]}; the trigger's synchronization information started round "
            f"{sync['roundNumber']}"
        )
    _same_group(ctx, message)


@check("fl-evaluation-request")
def _evaluation_request(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """An evaluation request (7) names the model in force and the UE's group."""
    message = message_of(record)
    current = _model_in_force(ctx, "7")
    if message["modelId"] != current:
        raise CheckFailed(f"modelId {message['modelId']!r}; the model in force is {current!r}")
    _same_group(ctx, message)


def _same_group(ctx: CaseContext, message: dict[str, Any]) -> None:
    announced = [r.message.get("groupId") for r in ctx.records if r.step in ("4", "11")]  # type: ignore[union-attr]
    group = next((g for g in reversed(announced) if g), None)
    if message.get("groupId") is not None and group is not None and message["groupId"] != group:
        raise CheckFailed(f"groupId {message['groupId']!r}; the UE joined {group!r}")


def _removed(ctx: CaseContext, since: Record | None) -> bool:
    """The UE reported a failure the announced failure criteria name (it leaves)."""
    reports = [
        r
        for r in (_after(ctx, since) if since else ctx.records)
        if r.by == "TS" and r.step in ("10", "15")
    ]
    failures = [(r.message or {}).get("failureReportingInformation") for r in reports if r.message]
    criteria = [r for r in ctx.all("6", "IUT") if r.message]
    reasons = set(criteria[-1].message.get("reasons", [])) if criteria else set()  # type: ignore[union-attr]
    return any(f is not None and f.get("reason") in reasons for f in failures)


@check("fl-round-outcome")
def _round_outcome(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """A round outcome (17) is for the round requested, and continues exactly while the
    training rounds the preamble asked for are not done and the UE is still in."""
    message = message_of(record)
    requests = ctx.all("12", "IUT")
    if not requests:
        raise CheckFailed("a round outcome without a training request")
    requested = requests[-1].message["synchronizationInformation"]["roundNumber"]  # type: ignore[index]
    if message["roundNumber"] != requested:
        raise CheckFailed(f"roundNumber {message['roundNumber']}; the round was {requested}")
    done = len(ctx.all("17", "IUT"))
    wanted = int(ctx.params.get("trainingRounds", 1))
    removed = _removed(ctx, requests[-1])
    expected = done < wanted and not removed
    if message["continueTraining"] != expected:
        raise CheckFailed(
            f"continueTraining {message['continueTraining']}; after {done} of {wanted} "
            f"training rounds{' and a failure that removes the UE' if removed else ''} "
            f"it must be {expected}"
        )


@check("fl-complete")
def _complete(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The whole run: the training rounds the preamble asked for (fewer only when the UE
    was removed by a failure), an evaluation when asked, nothing after the last outcome
    but evaluation."""
    outcomes = ctx.all("17", "IUT")
    wanted = int(ctx.params.get("trainingRounds", 1))
    removed = _removed(ctx, None)
    if len(outcomes) != wanted and not (removed and len(outcomes) < wanted):
        raise CheckFailed(f"{len(outcomes)} training rounds; the preamble asked for {wanted}")
    if ctx.params.get("evaluate") and not ctx.has("10", "TS"):
        raise CheckFailed("no evaluation was requested; the preamble asked for one")
    if outcomes:
        later = {r.step for r in _after(ctx, outcomes[-1]) if r.by == "IUT"}
        if later & {"12", "15", "16", "17"}:
            raise CheckFailed(f"training went on after the last round outcome: {sorted(later)}")


@check("fl-eligibility-update")
def _eligibility_update(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """Updated criteria (11) carry the change the preamble asked for after an evaluation."""
    message = message_of(record)
    for name, value in (ctx.params.get("eligibilityUpdate") or {}).items():
        if message.get(name) != value:
            raise CheckFailed(f"{name} is {message.get(name)!r}; the update asked for {value!r}")
    if not ctx.has("10", "TS"):
        raise CheckFailed("criteria updated from evaluation results before any evaluation")


@check("fl-trigger")
def _trigger(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """The network's trigger (1) starts federated learning with the synchronization
    information of the first round, as clause 6.6.6.2.2 says it is sent at step 1."""
    message = message_of(record)
    if message.get("service") != "FEDERATED_LEARNING":
        raise CheckFailed(f"service {message.get('service')!r}; expected FEDERATED_LEARNING")
    if message.get("synchronizationInformation") is None:
        raise CheckFailed("no synchronizationInformation: clause 6.6.6.2.2 sends it at step 1")
