"""Where a federated learning run stands, as the IUT announced it: the global model it
sent last (its identifier and parameters, held against the federated learning model
fixture) and the training round it requested last. Shared by the test system's builders
and the checks; identifiers are whatever the IUT chose."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import ValidationError

from ts26927.models.federated.model_update import ModelUpdateInformation

from .context import CaseContext, IutDataFault, Record
from .fixtures.models import FlModelFixture, fl_model_fixture

Parameters = dict[str, np.ndarray]


def fl_fixture(ctx: CaseContext) -> FlModelFixture:
    return fl_model_fixture(str(ctx.params.get("flModel", "digits-mlp")))


def update_of(record: Record, pointer: str | None = None) -> ModelUpdateInformation:
    body: Any = record.message or {}
    if pointer:
        body = body.get(pointer)
    try:
        return ModelUpdateInformation.from_wire(body)
    except (ValidationError, ValueError) as error:
        raise IutDataFault(record.step, f"not model update information: {error}") from None


def parameters(ctx: CaseContext, update: ModelUpdateInformation, step: str) -> Parameters:
    """The update's parameters, which must be the fixture model's: same names, shapes and
    element type (float32), finite."""
    expected = fl_fixture(ctx).initial
    got = {t.name: t for t in update.parameters}
    if list(got) != list(expected):
        raise IutDataFault(
            step,
            f"parameters {list(got)}; the model {fl_fixture(ctx).name} has {list(expected)}",
        )
    out: Parameters = {}
    for name, tensor in got.items():
        want = expected[name]
        if list(tensor.tensor_shape) != list(want.shape):
            raise IutDataFault(
                step, f"{name} has shape {list(tensor.tensor_shape)}, expected {list(want.shape)}"
            )
        if tensor.tensor_element_data_type.value != "FLOAT":
            raise IutDataFault(
                step, f"{name} is {tensor.tensor_element_data_type.value}, expected FLOAT"
            )
        array = np.frombuffer(tensor.data, dtype="<f4").reshape(want.shape).astype(np.float32)
        if not np.all(np.isfinite(array)):
            raise IutDataFault(step, f"{name} holds NaN or infinity")
        out[name] = array
    return out


def broadcasts(ctx: CaseContext) -> list[Record]:
    """Every global model the IUT sent (step 5), in order."""
    return ctx.all("5", "IUT")


def model_id(update: ModelUpdateInformation) -> str:
    """The identifier of the model an update from the network carries."""
    return update.new_model_id or update.model_id


def current(ctx: CaseContext) -> tuple[str, Parameters]:
    """The latest global model: its identifier and parameters."""
    sent = broadcasts(ctx)
    if not sent:
        raise IutDataFault("5", "the UE has received no model yet")
    update = update_of(sent[-1])
    return model_id(update), parameters(ctx, update, "5")


def requested_round(ctx: CaseContext) -> int:
    """The round number of the latest training request (step 12)."""
    request = ctx.message("12")
    return int(request["synchronizationInformation"]["roundNumber"])
