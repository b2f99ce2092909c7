"""The checks a device's update must pass before it may reach the aggregate.

Each failure is an :class:`~ts26927.errors.UpdateRejectedError` with a typed
:class:`RejectionReason`; the update is then discarded whole.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from ts26927.errors import UpdateRejectedError
from ts26927.models.federated.model_update import ModelUpdateInformation
from ts26927.models.tensors import ElementDataType

from .parameters import Parameters


class RejectionReason(StrEnum):
    """Why an update was refused."""

    NO_ROUND_OPEN = "NO_ROUND_OPEN"
    NOT_ENROLLED = "NOT_ENROLLED"
    INELIGIBLE_DEVICE = "INELIGIBLE_DEVICE"
    EXCLUDED_DEVICE = "EXCLUDED_DEVICE"
    NOT_PARTICIPATING = "NOT_PARTICIPATING"
    DUPLICATE = "DUPLICATE"
    LATE = "LATE"
    WRONG_MODEL_ID = "WRONG_MODEL_ID"
    STALE_ROUND = "STALE_ROUND"
    NO_SAMPLES = "NO_SAMPLES"
    WRONG_PARAMETERS = "WRONG_PARAMETERS"
    WRONG_SHAPE = "WRONG_SHAPE"
    WRONG_TYPE = "WRONG_TYPE"
    NON_FINITE = "NON_FINITE"
    TOO_MANY_SAMPLES = "TOO_MANY_SAMPLES"
    """More training samples than the device declared it holds: it would outweigh the
    others in the sample-weighted average."""
    UPDATE_TOO_LARGE = "UPDATE_TOO_LARGE"
    """The update moves the model further (L2 norm) than the configured bound."""


def reject(device: str, reason: RejectionReason, detail: str) -> UpdateRejectedError:
    return UpdateRejectedError(device, reason.value, detail)


def screen(
    device: str,
    update: ModelUpdateInformation,
    *,
    model_id: str,
    round_number: int,
    reference: Parameters,
    max_samples: int | None = None,
    max_norm: float | None = None,
) -> tuple[Parameters, int]:
    """The update's parameters and sample count, or raise with the first reason found.

    ``max_samples`` bounds the sample count (what the device declared it holds);
    ``max_norm`` bounds the L2 norm of the update's difference from ``reference``."""
    r = RejectionReason
    if update.model_id != model_id:
        raise reject(device, r.WRONG_MODEL_ID, f"model {update.model_id!r}, expected {model_id!r}")
    if update.round_number != round_number:
        raise reject(
            device, r.STALE_ROUND, f"round {update.round_number}, the open round is {round_number}"
        )
    samples = update.number_of_training_samples
    if not samples:
        raise reject(device, r.NO_SAMPLES, "numberOfTrainingSamples must be positive")
    if max_samples is not None and samples > max_samples:
        raise reject(
            device,
            r.TOO_MANY_SAMPLES,
            f"numberOfTrainingSamples {samples} exceeds the {max_samples} the device declared",
        )
    names = [t.name for t in update.parameters]
    if sorted(names) != sorted(reference):
        missing, extra = sorted(set(reference) - set(names)), sorted(set(names) - set(reference))
        raise reject(device, r.WRONG_PARAMETERS, f"missing {missing}, unexpected {extra}")
    params: Parameters = {}
    for tensor in update.parameters:
        expected = reference[tensor.name]
        if tensor.tensor_element_data_type is not ElementDataType.FLOAT:
            raise reject(
                device,
                r.WRONG_TYPE,
                f"{tensor.name} is {tensor.tensor_element_data_type.value}, expected FLOAT",
            )
        if tuple(tensor.tensor_shape) != expected.shape:
            raise reject(
                device,
                r.WRONG_SHAPE,
                f"{tensor.name} has shape "
                f"{list(tensor.tensor_shape)}, expected {list(expected.shape)}",
            )
        array = np.frombuffer(tensor.data, dtype="<f4").reshape(expected.shape)
        if not np.isfinite(array).all():
            raise reject(device, r.NON_FINITE, f"{tensor.name} holds NaN or infinite values")
        params[tensor.name] = array.astype(np.float32)
    if max_norm is not None:
        squares = sum(
            float(np.sum((params[n].astype(np.float64) - reference[n].astype(np.float64)) ** 2))
            for n in reference
        )
        if squares > max_norm**2:
            raise reject(
                device,
                r.UPDATE_TOO_LARGE,
                f"the update moves the model by {squares**0.5:.4g} (L2), over the bound "
                f"{max_norm:g}",
            )
    # Aggregate in the reference's order, whatever order the device sent.
    return {name: params[name] for name in reference}, samples
