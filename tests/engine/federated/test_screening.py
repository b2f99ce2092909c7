"""Every kind of bad update is rejected with its typed reason and never aggregated."""

from __future__ import annotations

import numpy as np
import pytest

from ts26927.engine.federated.parameters import from_tensors, to_tensors, update_information
from ts26927.engine.federated.screening import RejectionReason, screen
from ts26927.errors import UpdateRejectedError
from ts26927.models.federated.model_update import ModelUpdateInformation, ParameterTensor

REFERENCE = {"w": np.zeros((2, 3), np.float32), "b": np.zeros(3, np.float32)}


def _update(params=None, **changes) -> ModelUpdateInformation:
    base = update_information(
        params or {k: v + 1 for k, v in REFERENCE.items()}, "m-1", round_number=4, samples=20
    )
    return base.model_copy(update=changes)


def _screen(update: ModelUpdateInformation):
    return screen("ue-1", update, model_id="m-1", round_number=4, reference=REFERENCE)


def test_a_good_update_passes_in_reference_order() -> None:
    params, samples = _screen(
        _update({"b": np.ones(3, np.float32), "w": np.ones((2, 3), np.float32)})
    )
    assert list(params) == ["w", "b"] and samples == 20


def _tensor(name: str, array: np.ndarray, dtype: str = "FLOAT") -> ParameterTensor:
    return ParameterTensor(
        name=name,
        tensor_shape=list(array.shape),
        tensor_element_data_type=dtype,
        data=array.tobytes(),
    )


@pytest.mark.parametrize(
    ("update", "reason"),
    [
        (_update(model_id="m-0"), RejectionReason.WRONG_MODEL_ID),
        (_update(round_number=3), RejectionReason.STALE_ROUND),
        (_update(round_number=None), RejectionReason.STALE_ROUND),
        (_update(number_of_training_samples=0), RejectionReason.NO_SAMPLES),
        (_update(number_of_training_samples=None), RejectionReason.NO_SAMPLES),
        (
            _update(parameters=[_tensor("w", np.zeros((2, 3), np.float32))]),
            RejectionReason.WRONG_PARAMETERS,
        ),
        (
            _update(
                parameters=[
                    _tensor("w", np.zeros((3, 2), np.float32)),
                    _tensor("b", np.zeros(3, np.float32)),
                ]
            ),
            RejectionReason.WRONG_SHAPE,
        ),
        (
            _update(
                parameters=[
                    _tensor("w", np.zeros((2, 3), np.float64), "DOUBLE"),
                    _tensor("b", np.zeros(3, np.float32)),
                ]
            ),
            RejectionReason.WRONG_TYPE,
        ),
        (
            _update(
                parameters=[
                    _tensor("w", np.full((2, 3), np.nan, np.float32)),
                    _tensor("b", np.zeros(3, np.float32)),
                ]
            ),
            RejectionReason.NON_FINITE,
        ),
        (
            _update(
                parameters=[
                    _tensor("w", np.zeros((2, 3), np.float32)),
                    _tensor("b", np.array([0, np.inf, 0], np.float32)),
                ]
            ),
            RejectionReason.NON_FINITE,
        ),
    ],
)
def test_bad_updates_are_rejected_with_their_reason(update, reason) -> None:
    with pytest.raises(UpdateRejectedError) as caught:
        _screen(update)
    assert caught.value.reason == reason.value and caught.value.device == "ue-1"


def test_parameters_round_trip_and_refuse_non_float_types() -> None:
    params = {"w": np.arange(6, dtype=np.float32).reshape(2, 3), "s": np.float32(2.0) * np.ones(())}
    again = from_tensors(to_tensors(params))
    for name in params:
        np.testing.assert_array_equal(again[name], params[name])
    with pytest.raises(TypeError, match="not a float type"):
        to_tensors({"i": np.zeros(2, np.int64)})
    with pytest.raises(TypeError, match="not a trainable float type"):
        from_tensors([_tensor("i", np.zeros(2, np.int32), "INT32")])


def test_more_samples_than_declared_are_refused() -> None:
    update = _update()
    assert screen("ue-1", update, model_id="m-1", round_number=4, reference=REFERENCE,
                  max_samples=20)[1] == 20  # fmt: skip
    with pytest.raises(UpdateRejectedError) as caught:
        screen("ue-1", update, model_id="m-1", round_number=4, reference=REFERENCE, max_samples=19)
    assert caught.value.reason == RejectionReason.TOO_MANY_SAMPLES.value
    assert "exceeds the 19 the device declared" in caught.value.detail


def test_an_update_beyond_the_norm_bound_is_refused() -> None:
    update = _update()  # every one of 9 parameters moved by 1: L2 norm 3
    screen("ue-1", update, model_id="m-1", round_number=4, reference=REFERENCE, max_norm=3.0)
    with pytest.raises(UpdateRejectedError) as caught:
        screen("ue-1", update, model_id="m-1", round_number=4, reference=REFERENCE, max_norm=2.9)
    assert caught.value.reason == RejectionReason.UPDATE_TOO_LARGE.value
