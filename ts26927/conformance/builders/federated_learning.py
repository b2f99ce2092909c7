"""Builders of federated learning (5.2.4.2): the UE's trigger, its training input, a real
locally trained update of the model in force (or a broken one, on purpose), an evaluation
of it, a failure report. The model, its identifiers and the round are whatever the IUT
announced last."""

from __future__ import annotations

from typing import Any

import numpy as np

from ts26927.engine.federated import mlp
from ts26927.engine.federated.client import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_EPOCHS,
    DEFAULT_LEARNING_RATE,
)
from ts26927.engine.federated.data import Dataset, Partition, digits, partition
from ts26927.engine.federated.parameters import to_tensors, update_information
from ts26927.models.federated.model_update import ModelUpdateInformation

from ..context import CaseContext
from ..fl_state import current, requested_round
from .registry import Built, builder

PARTITIONS = 5


def local_data(ctx: CaseContext) -> Dataset:
    """The UE's own data: one IID part of the digits training data."""
    train, _ = digits()
    return partition(train, PARTITIONS, Partition.IID)[int(ctx.params.get("part", 0))]


def trained_update(ctx: CaseContext) -> ModelUpdateInformation:
    """The model in force, trained on the UE's data as the latest request (12) says."""
    model_id, params = current(ctx)
    request = ctx.message("12")
    round_number = requested_round(ctx)
    data = local_data(ctx)
    trained = mlp.train(
        params,
        data,
        epochs=request.get("localEpochs") or DEFAULT_EPOCHS,
        batch_size=request.get("batchSize") or DEFAULT_BATCH_SIZE,
        learning_rate=request.get("learningRate", DEFAULT_LEARNING_RATE),
        seed=round_number,
    )
    return update_information(trained, model_id, round_number=round_number, samples=len(data))


@builder("fl/trigger")
def _trigger(ctx: CaseContext) -> Built:
    """The UE triggers federated learning."""
    return {"service": "FEDERATED_LEARNING", "sessionId": "fl-1"}, {}


@builder("fl/training-data")
def _training_data(ctx: CaseContext) -> Built:
    """The Data Source passes the UE's own data (one part of the digits training set) to the
    training engine."""
    libraries = (ctx.params.get("deviceProfile") or {}).get("dataLibraries") or [{}]
    library = libraries[0].get("dataLibraryId", "digits")
    return {"dataLibraryId": library, "numberOfSamples": len(local_data(ctx))}, {}


@builder("fl/update")
def _update(ctx: CaseContext) -> Built:
    """The UE trains the model in force (the latest step 5) on its data as the latest request (12)
    says and sends the update."""
    return {"modelUpdateInformation": trained_update(ctx).to_wire()}, {}


def _broken(ctx: CaseContext, **changes: Any) -> Built:
    update = trained_update(ctx).model_copy(update=changes)
    return {"modelUpdateInformation": update.to_wire()}, {}


@builder("fl/update-nan")
def _update_nan(ctx: CaseContext) -> Built:
    """The UE misbehaves: a NaN in its parameters (finite JSON, non-finite floats)."""
    update = trained_update(ctx)
    values = {
        t.name: np.frombuffer(t.data, "<f4").reshape(t.tensor_shape).copy()
        for t in update.parameters
    }
    first = next(iter(values))
    values[first].flat[0] = np.nan
    return _broken(ctx, parameters=to_tensors(values))


@builder("fl/update-wrong-model")
def _update_wrong_model(ctx: CaseContext) -> Built:
    """The UE misbehaves: an update that names another model."""
    model_id, _ = current(ctx)
    return _broken(ctx, model_id=f"{model_id}-not-this-one")


@builder("fl/update-stale-round")
def _update_stale(ctx: CaseContext) -> Built:
    """The UE misbehaves: an update for the round before the one requested."""
    return _broken(ctx, round_number=requested_round(ctx) - 1)


@builder("fl/failure")
def _failure(ctx: CaseContext) -> Built:
    """The UE reports a device failure instead of its update."""
    return {
        "failureReportingInformation": {
            "reason": "DEVICE_FAILURE",
            "roundNumber": requested_round(ctx),
            "detail": "battery critically low",
        }
    }, {}


@builder("fl/evaluation")
def _evaluation(ctx: CaseContext) -> Built:
    """The UE evaluates the model in force on its data with the metrics requested (7)."""
    _, params = current(ctx)
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
