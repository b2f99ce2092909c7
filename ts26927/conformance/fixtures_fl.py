"""Test-system fixtures of federated learning (5.2.4.2): the UE's trigger, its training
input, a real locally trained update (or a broken one, on purpose), evaluation, failure."""

from __future__ import annotations

from typing import Any

import numpy as np

from ts26927.engine.federated import mlp
from ts26927.engine.federated.data import Dataset, Partition, digits, partition
from ts26927.engine.federated.parameters import from_tensors, to_tensors, update_information
from ts26927.models.federated.model_update import ModelUpdateInformation

from .context import CaseContext
from .fixtures import Built, fixture

PARTITIONS = 5


def local_data(ctx: CaseContext) -> Dataset:
    """The UE's own data: one IID part of the digits training data."""
    train, _ = digits()
    return partition(train, PARTITIONS, Partition.IID)[int(ctx.params.get("part", 0))]


def received_model(ctx: CaseContext) -> tuple[str, dict[str, np.ndarray]]:
    update = ModelUpdateInformation.from_wire(ctx.message("5"))
    return update.new_model_id or update.model_id, from_tensors(update.parameters)


def trained_update(ctx: CaseContext) -> ModelUpdateInformation:
    model_id, params = received_model(ctx)
    request = ctx.message("12")
    round_number = request["synchronizationInformation"]["roundNumber"]
    data = local_data(ctx)
    trained = mlp.train(
        params,
        data,
        epochs=request.get("localEpochs", 1),
        batch_size=request.get("batchSize", 32),
        learning_rate=request.get("learningRate", 0.1),
        seed=round_number,
    )
    return update_information(trained, model_id, round_number=round_number, samples=len(data))


@fixture("fl/trigger")
def _trigger(ctx: CaseContext) -> Built:
    return {"service": "FEDERATED_LEARNING", "sessionId": "fl-1"}, {}


@fixture("fl/training-data")
def _training_data(ctx: CaseContext) -> Built:
    return {"dataLibraryId": "digits", "numberOfSamples": len(local_data(ctx))}, {}


@fixture("fl/update")
def _update(ctx: CaseContext) -> Built:
    return {"modelUpdateInformation": trained_update(ctx).to_wire()}, {}


def _broken(ctx: CaseContext, **changes: Any) -> Built:
    update = trained_update(ctx).model_copy(update=changes)
    return {"modelUpdateInformation": update.to_wire()}, {}


@fixture("fl/update-nan")
def _update_nan(ctx: CaseContext) -> Built:
    """The UE misbehaves: a NaN in its parameters (finite JSON, non-finite floats)."""
    params = from_tensors(trained_update(ctx).parameters)
    first = next(iter(params))
    params[first] = params[first].copy()
    params[first].flat[0] = np.nan
    return _broken(ctx, parameters=to_tensors(params))


@fixture("fl/update-wrong-model")
def _update_wrong_model(ctx: CaseContext) -> Built:
    return _broken(ctx, model_id="some-other-model")


@fixture("fl/update-stale-round")
def _update_stale(ctx: CaseContext) -> Built:
    update = trained_update(ctx)
    return _broken(ctx, round_number=(update.round_number or 1) - 1)


@fixture("fl/failure")
def _failure(ctx: CaseContext) -> Built:
    round_number = ctx.message("12")["synchronizationInformation"]["roundNumber"]
    return {
        "failureReportingInformation": {
            "reason": "DEVICE_FAILURE",
            "roundNumber": round_number,
            "detail": "battery critically low",
        }
    }, {}


@fixture("fl/evaluation")
def _evaluation(ctx: CaseContext) -> Built:
    _, params = received_model(ctx)
    request = ctx.message("7")["modelEvaluationInformation"]
    accuracy, loss = mlp.evaluate(params, local_data(ctx))
    values = {"ACCURACY": accuracy, "LOSS": loss}
    metrics = [
        {"name": m["name"], "value": values[m["name"]]}
        for m in request["metrics"]
        if m["name"] in values
    ]
    return {
        "modelEvaluationInformation": {
            "roundNumber": request["roundNumber"],
            "metricNumber": len(metrics),
            "metrics": metrics,
        }
    }, {}
