"""Builders of federated learning (5.2.4.2) with the UE under test: the test system plays
the network — the trigger with the first round's synchronization information, the model
selection, eligibility criteria built from the profile the UE declares (met, or missed by
one sample), the global model (the fixture's, then the aggregate of the UE's update with
those of simulated peers), the failure reporting criteria, evaluation and training requests
for the next round — and, on purpose, a stale round, a late round, malformed models.

The UE's local data is the shard the preamble names (``localData``); the same shard is the
ground truth of the checks (:mod:`..checks.ue_federated`), so both are defined here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import numpy as np

from ts26927.engine.federated import mlp
from ts26927.engine.federated.data import Dataset, Partition, digits, partition
from ts26927.engine.federated.parameters import from_tensors, to_tensors, update_information
from ts26927.models.federated.model_update import ModelUpdateInformation

from ..context import CaseContext, CaseDataError
from ..fixtures.models import fl_model_fixture
from .registry import Built, builder

#: What the test system calls the global model and the group of eligible devices.
GLOBAL_ID, GROUP_ID = "fl-global", "fl-ue-group"
#: Seconds after a round's start by which the UE must report (failure reporting criteria).
REPORTING_DEADLINE_S = 600
#: A start time whose reporting deadline passed long ago.
LONG_AGO = "2020-01-01T00:00:00Z"
#: Simulated peers whose updates the test system aggregates with the UE's (step 16): parts
#: of the digits training data other than the UE's, trained harder than the UE is asked to,
#: so that each round's global model is far from the last.
PEER_EPOCHS, PEER_LEARNING_RATE = 3, 0.3

Parameters = dict[str, np.ndarray]


# -- ground truth shared with the checks -----------------------------------------------------
def local_data(ctx: CaseContext) -> dict[str, Any]:
    """The preamble's ``localData``: {dataLibraryId, part, parts}."""
    local = ctx.params.get("localData")
    if not isinstance(local, dict):
        raise CaseDataError(f"{ctx.case_id}: the preamble names no localData")
    return {
        "dataLibraryId": str(local.get("dataLibraryId", "digits")),
        "part": int(local.get("part", 0)),
        "parts": int(local.get("parts", 5)),
    }


@cache
def _shard(part: int, parts: int) -> Dataset:
    train, _ = digits()
    return partition(train, parts, Partition.IID)[part]


def shard(ctx: CaseContext) -> Dataset:
    """The UE's local data: IID part ``part`` of ``parts`` of the digits training data."""
    local = local_data(ctx)
    return _shard(local["part"], local["parts"])


def global_models(ctx: CaseContext) -> list[tuple[str, Parameters]]:
    """Every global model the test system sent (step 5) and the UE kept: its id (the new
    id when it has one) and parameters, in order."""
    out = []
    for record in ctx.all("5", "TS"):
        update = ModelUpdateInformation.from_wire(record.message)
        out.append((update.new_model_id or update.model_id, from_tensors(update.parameters)))
    return out


def model_in_force(ctx: CaseContext) -> tuple[str, Parameters]:
    models = global_models(ctx)
    if not models:
        raise CaseDataError(f"{ctx.case_id}: no global model was sent yet (step 5)")
    return models[-1]


def first_round(ctx: CaseContext) -> int:
    return int(ctx.params.get("firstRound", 1))


def next_round(ctx: CaseContext) -> int:
    """The round the next training request opens: one per round outcome (17) so far."""
    return first_round(ctx) + len(ctx.all("17", "TS"))


def group(ctx: CaseContext) -> str | None:
    """The group of the latest criteria (4, 11) the test system announced, if any."""
    announced = [r for r in ctx.records if r.by == "TS" and r.step in ("4", "11")]
    return str(announced[-1].message["groupId"]) if announced and announced[-1].message else None


def _with_group(ctx: CaseContext, message: dict[str, Any]) -> dict[str, Any]:
    joined = group(ctx)
    return {**message, "groupId": joined} if joined else message


#: Start times are this many seconds ago: a UE whose clock lags the test system's a little
#: must not wait for a round that has begun.
CLOCK_SLACK_S = 5


def _now() -> str:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=CLOCK_SLACK_S)
    return start.isoformat().replace("+00:00", "Z")


# -- trigger, selection ---------------------------------------------------------------------
@builder("fl-network/trigger")
def _trigger(ctx: CaseContext) -> Built:
    """The Network Application triggers federated learning with the first round's
    synchronization information (6.6.6.2.2)."""
    sync = {"roundNumber": first_round(ctx), "startTime": _now(), "duration": 600}
    return {
        "service": "FEDERATED_LEARNING",
        "sessionId": "fl-net-1",
        "synchronizationInformation": sync,
    }, {}


@builder("fl-network/selection")
def _selection(ctx: CaseContext) -> Built:
    """The partially trained model selected for the UE (step 2)."""
    return {"modelIdentifier": GLOBAL_ID}, {}


@builder("fl-network/identification")
def _identification(ctx: CaseContext) -> Built:
    """The Network Application identifies the selected model in the repository (step 3)."""
    return {"modelIdentifier": ctx.message("2")["modelIdentifier"]}, {}


# -- eligibility ----------------------------------------------------------------------------
def criteria(ctx: CaseContext, minimum_samples: int) -> dict[str, Any]:
    """Criteria on every attribute the UE declares, and on its local data library."""
    profile = ctx.params.get("deviceProfile") or {}
    local = local_data(ctx)
    out: dict[str, Any] = {
        "groupId": GROUP_ID,
        "dataLibraryId": local["dataLibraryId"],
        "minimumDataSamples": minimum_samples,
    }
    if profile.get("language"):
        out["language"] = [str(profile["language"]).split("-")[0]]
    if profile.get("operatingSystem"):
        out["hardware"] = {"operatingSystems": [profile["operatingSystem"]]}
    if profile.get("countryCode"):
        out["location"] = {"countryCodes": [profile["countryCode"]]}
    return out


@builder("fl-network/criteria")
def _criteria(ctx: CaseContext) -> Built:
    """Criteria the UE meets: its language, operating system, country, and at least as many
    samples in its library as its shard holds."""
    return criteria(ctx, len(shard(ctx))), {}


@builder("fl-network/criteria-excluding")
def _criteria_excluding(ctx: CaseContext) -> Built:
    """Criteria the UE misses by one sample: it must judge itself ineligible."""
    return criteria(ctx, len(shard(ctx)) + 1), {}


@builder("fl-network/criteria-update")
def _criteria_update(ctx: CaseContext) -> Built:
    """Step 11: the criteria, updated after the evaluation, still met (fewer samples)."""
    return criteria(ctx, len(shard(ctx)) // 2), {}


@builder("fl-network/failure-criteria")
def _failure_criteria(ctx: CaseContext) -> Built:
    """Failures the UE must report, and the reporting deadline (step 6)."""
    return {
        "reasons": ["DEVICE_FAILURE", "DEADLINE_EXCEEDED"],
        "reportingDeadline": REPORTING_DEADLINE_S,
    }, {}


# -- the global model -----------------------------------------------------------------------
@builder("fl-network/model")
def _model(ctx: CaseContext) -> Built:
    """The global model (step 5): first the fixture's initial parameters under the selected
    id; later the model in force again, unchanged (no new id)."""
    if not ctx.has("5", "TS"):
        initial = fl_model_fixture(str(ctx.params.get("flModel", "digits-mlp"))).initial
        return update_information(initial, ctx.message("2")["modelIdentifier"]).to_wire(), {}
    model_id, params = model_in_force(ctx)
    return update_information(params, model_id).to_wire(), {}


def peers(ctx: CaseContext) -> list[Dataset]:
    """The simulated peers' data: the parts that are not the UE's."""
    local = local_data(ctx)
    return [_shard(p, local["parts"]) for p in range(local["parts"]) if p != local["part"]][:2]


@builder("fl-network/aggregate")
def _aggregate(ctx: CaseContext) -> Built:
    """The updated global model (17 back to 5): the sample-weighted mean of the UE's update
    (when it sent one) and of the simulated peers' updates of the model in force, under the
    new model id the round outcome (17) announced."""
    model_id, params = model_in_force(ctx)
    number = next_round(ctx) - 1
    updates: list[tuple[Parameters, int]] = []
    report = ctx.message("15")
    if report.get("modelUpdateInformation"):
        update = ModelUpdateInformation.from_wire(report["modelUpdateInformation"])
        updates.append((from_tensors(update.parameters), len(shard(ctx))))
    for index, data in enumerate(peers(ctx)):
        trained = mlp.train(
            params,
            data,
            epochs=PEER_EPOCHS,
            batch_size=16,
            learning_rate=PEER_LEARNING_RATE,
            seed=1000 * number + index,
        )
        updates.append((trained, len(data)))
    total = sum(n for _, n in updates)
    new = {name: sum(u[name].astype(np.float64) * n for u, n in updates) / total for name in params}
    new_id = ctx.message("17")["newModelId"]
    aggregate = {n: a.astype(np.float32) for n, a in new.items()}
    return update_information(aggregate, model_id, new_model_id=new_id).to_wire(), {}


def _first(ctx: CaseContext) -> ModelUpdateInformation:
    initial = fl_model_fixture(str(ctx.params.get("flModel", "digits-mlp"))).initial
    return update_information(initial, ctx.message("2")["modelIdentifier"])


@builder("fl-network/model-misshapen")
def _model_misshapen(ctx: CaseContext) -> Built:
    """The TS misbehaves: a model whose first layer has one unit too few."""
    params = from_tensors(_first(ctx).parameters)
    params["fc1.weight"] = params["fc1.weight"][:, :-1].copy()
    return _first(ctx).model_copy(update={"parameters": to_tensors(params)}).to_wire(), {}


@builder("fl-network/model-nan")
def _model_nan(ctx: CaseContext) -> Built:
    """The TS misbehaves: a model with a NaN parameter."""
    params = from_tensors(_first(ctx).parameters)
    params["fc2.weight"].flat[3] = np.nan
    return _first(ctx).model_copy(update={"parameters": to_tensors(params)}).to_wire(), {}


@builder("fl-network/model-unselected")
def _model_unselected(ctx: CaseContext) -> Built:
    """The TS misbehaves: a model that is not the one selected at step 2."""
    other = _first(ctx).model_copy(update={"model_id": f"{GLOBAL_ID}-unselected"})
    return other.to_wire(), {}


# -- requests and outcomes ------------------------------------------------------------------
def evaluation_request(ctx: CaseContext, metrics: list[str]) -> dict[str, Any]:
    model_id, _ = model_in_force(ctx)
    info = {
        "roundNumber": next_round(ctx) - 1,
        "metricNumber": len(metrics),
        "metrics": [{"name": name} for name in metrics],
    }
    return _with_group(ctx, {"modelId": model_id, "modelEvaluationInformation": info})


@builder("fl-network/evaluation-request")
def _evaluation_request(ctx: CaseContext) -> Built:
    """Evaluate the model in force (step 7): accuracy and loss, after the last round."""
    return evaluation_request(ctx, ["ACCURACY", "LOSS"]), {}


@builder("fl-network/evaluation-request-accuracy")
def _evaluation_request_accuracy(ctx: CaseContext) -> Built:
    """Evaluate the model in force (step 7): its accuracy only."""
    return evaluation_request(ctx, ["ACCURACY"]), {}


def training_request(ctx: CaseContext, number: int, start: str, **extra: Any) -> dict[str, Any]:
    model_id, _ = model_in_force(ctx)
    sync = {"roundNumber": number, "startTime": start, "duration": REPORTING_DEADLINE_S}
    return _with_group(ctx, {"modelId": model_id, "synchronizationInformation": sync, **extra})


@builder("fl-network/training-request")
def _training_request(ctx: CaseContext) -> Built:
    """Train the model in force for the next round, starting now, one local epoch; batch
    size and learning rate left to the UE."""
    return training_request(ctx, next_round(ctx), _now(), localEpochs=1), {}


@builder("fl-network/training-request-configured")
def _training_request_configured(ctx: CaseContext) -> Built:
    """Train the next round with every local parameter set: 2 epochs, batches of 16, step
    size 0.05."""
    request = training_request(
        ctx, next_round(ctx), _now(), localEpochs=2, batchSize=16, learningRate=0.05
    )
    return request, {}


@builder("fl-network/training-request-stale")
def _training_request_stale(ctx: CaseContext) -> Built:
    """The TS misbehaves: a request for the round before the one announced."""
    return training_request(ctx, next_round(ctx) - 1, _now(), localEpochs=1), {}


@builder("fl-network/training-request-other-group")
def _training_request_other_group(ctx: CaseContext) -> Built:
    """The TS misbehaves: a request addressed to a group the UE was never admitted to."""
    request = training_request(ctx, next_round(ctx), _now(), localEpochs=1)
    return {**request, "groupId": f"{GROUP_ID}-other"}, {}


@builder("fl-network/training-request-late")
def _training_request_late(ctx: CaseContext) -> Built:
    """A request for the next round whose reporting deadline passed long ago."""
    return training_request(ctx, next_round(ctx), LONG_AGO, localEpochs=1), {}


def _outcome(ctx: CaseContext, more: bool) -> dict[str, Any]:
    number = next_round(ctx)
    return {
        "roundNumber": number,
        "newModelId": f"{GLOBAL_ID}-r{number + 1}",
        "continueTraining": more,
        "participants": 1 + len(peers(ctx)),
    }


@builder("fl-network/outcome")
def _round_outcome(ctx: CaseContext) -> Built:
    """The round is aggregated (17); another round follows."""
    return _outcome(ctx, True), {}


@builder("fl-network/outcome-last")
def _round_outcome_last(ctx: CaseContext) -> Built:
    """The round is aggregated (17); training stops."""
    return _outcome(ctx, False), {}
