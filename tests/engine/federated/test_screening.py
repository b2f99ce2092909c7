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


# --- every reason, with the facts of its detail, at its bound --------------------------------


def _rejected(
    update: ModelUpdateInformation, *, max_samples: int | None = None, max_norm: float | None = None
) -> UpdateRejectedError:
    with pytest.raises(UpdateRejectedError) as caught:
        _passes(update, max_samples=max_samples, max_norm=max_norm)
    assert caught.value.device == "ue-7"
    return caught.value


def _passes(
    update: ModelUpdateInformation, *, max_samples: int | None = None, max_norm: float | None = None
) -> int:
    """The sample count of an accepted update from device ue-7 (round 4 of model m-1)."""
    _, samples = screen(
        "ue-7",
        update,
        model_id="m-1",
        round_number=4,
        reference=REFERENCE,
        max_samples=max_samples,
        max_norm=max_norm,
    )
    return samples


def test_a_wrong_model_id_names_both_ids() -> None:
    error = _rejected(_update(model_id="m-10"))
    assert error.reason == RejectionReason.WRONG_MODEL_ID == "WRONG_MODEL_ID"
    assert error.detail == "model 'm-10', expected 'm-1'"
    assert str(error) == "update from ue-7 rejected (WRONG_MODEL_ID): model 'm-10', expected 'm-1'"


@pytest.mark.parametrize("round_number", [3, 5, 0, None])
def test_any_round_but_the_open_one_is_stale(round_number: int | None) -> None:
    error = _rejected(_update(round_number=round_number))
    assert error.reason == RejectionReason.STALE_ROUND
    assert error.detail == f"round {round_number}, the open round is 4"


def test_the_first_reason_found_is_the_one_reported() -> None:
    error = _rejected(_update(model_id="m-0", round_number=3, number_of_training_samples=0))
    assert error.reason == RejectionReason.WRONG_MODEL_ID
    error = _rejected(_update(round_number=3, number_of_training_samples=0))
    assert error.reason == RejectionReason.STALE_ROUND
    nan = [_tensor("w", np.full((2, 3), np.nan, np.float32)), _tensor("b", np.zeros(3, np.float32))]
    error = _rejected(_update(parameters=nan, number_of_training_samples=0))
    assert error.reason == RejectionReason.NO_SAMPLES


@pytest.mark.parametrize("samples", [0, None])
def test_no_samples_is_refused_and_one_is_enough(samples: int | None) -> None:
    error = _rejected(_update(number_of_training_samples=samples))
    assert error.reason == RejectionReason.NO_SAMPLES
    assert error.detail == "numberOfTrainingSamples must be positive"
    assert _passes(_update(number_of_training_samples=1)) == 1


@pytest.mark.parametrize(("declared", "samples"), [(1, 1), (20, 20), (10**9, 10**9)])
def test_the_sample_bound_is_inclusive(declared: int, samples: int) -> None:
    assert _passes(_update(number_of_training_samples=samples), max_samples=declared) == samples
    error = _rejected(_update(number_of_training_samples=samples + 1), max_samples=declared)
    assert error.reason == RejectionReason.TOO_MANY_SAMPLES
    assert error.detail == (
        f"numberOfTrainingSamples {samples + 1} exceeds the {declared} the device declared"
    )


def test_without_a_sample_bound_any_count_passes() -> None:
    assert _passes(_update(number_of_training_samples=10**12)) == 10**12


@pytest.mark.parametrize(
    ("names", "detail"),
    [
        (["w"], "missing ['b'], unexpected []"),
        (["w", "b", "z"], "missing [], unexpected ['z']"),
        (["w", "c", "a"], "missing ['b'], unexpected ['a', 'c']"),
        ([], "missing ['b', 'w'], unexpected []"),
    ],
)
def test_wrong_parameter_names_are_listed(names: list[str], detail: str) -> None:
    shapes = {"w": (2, 3)}
    parameters = [_tensor(n, np.zeros(shapes.get(n, (3,)), np.float32)) for n in names]
    error = _rejected(_update(parameters=parameters))
    assert error.reason == RejectionReason.WRONG_PARAMETERS and error.detail == detail


@pytest.mark.parametrize(
    ("array", "element", "detail"),
    [
        (np.zeros(3, np.float64), "DOUBLE", "b is DOUBLE, expected FLOAT"),
        (np.zeros(3, np.float16), "FLOAT16", "b is FLOAT16, expected FLOAT"),
        (np.zeros(3, np.int32), "INT32", "b is INT32, expected FLOAT"),
    ],
)
def test_a_parameter_of_another_type_is_named(array: np.ndarray, element: str, detail: str) -> None:
    parameters = [_tensor("w", np.zeros((2, 3), np.float32)), _tensor("b", array, element)]
    error = _rejected(_update(parameters=parameters))
    assert error.reason == RejectionReason.WRONG_TYPE and error.detail == detail


@pytest.mark.parametrize(
    ("shape", "detail"),
    [
        ((3, 2), "w has shape [3, 2], expected [2, 3]"),  # same size, other shape
        ((6,), "w has shape [6], expected [2, 3]"),
        ((2, 3, 1), "w has shape [2, 3, 1], expected [2, 3]"),
        ((2, 4), "w has shape [2, 4], expected [2, 3]"),
    ],
)
def test_a_parameter_of_another_shape_is_named(shape: tuple[int, ...], detail: str) -> None:
    parameters = [_tensor("w", np.zeros(shape, np.float32)), _tensor("b", np.zeros(3, np.float32))]
    error = _rejected(_update(parameters=parameters))
    assert error.reason == RejectionReason.WRONG_SHAPE and error.detail == detail


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_named_and_the_largest_finite_passes(bad: float) -> None:
    values = np.zeros(3, np.float32)
    values[2] = bad
    parameters = [_tensor("w", np.zeros((2, 3), np.float32)), _tensor("b", values)]
    error = _rejected(_update(parameters=parameters))
    assert error.reason == RejectionReason.NON_FINITE
    assert error.detail == "b holds NaN or infinite values"
    top = np.finfo(np.float32).max
    values[2] = top
    params, _ = screen(
        "ue-7",
        _update(parameters=[parameters[0], _tensor("b", values)]),
        model_id="m-1",
        round_number=4,
        reference=REFERENCE,
    )
    assert params["b"][2] == top


def _moved(w: np.ndarray, b: np.ndarray) -> ModelUpdateInformation:
    return _update(
        parameters=[_tensor("w", w.astype(np.float32)), _tensor("b", b.astype(np.float32))]
    )


def test_the_norm_counts_every_parameter() -> None:
    # w moves by 3 in one place and b by 4 in another: sqrt(9 + 16) = 5 over both tensors.
    w, b = np.zeros((2, 3)), np.zeros(3)
    w[1, 2], b[0] = 3.0, -4.0
    update = _moved(w, b)
    assert _passes(update, max_norm=5.0) == 20
    error = _rejected(update, max_norm=4.99)
    assert error.reason == RejectionReason.UPDATE_TOO_LARGE
    assert error.detail == "the update moves the model by 5 (L2), over the bound 4.99"


def test_the_norm_is_of_the_difference_from_the_reference() -> None:
    reference = {"w": np.full((2, 3), 100.0, np.float32), "b": np.full(3, -7.0, np.float32)}
    w, b = reference["w"].copy(), reference["b"].copy()
    update = _moved(w, b)
    params, _ = screen(
        "ue-7", update, model_id="m-1", round_number=4, reference=reference, max_norm=0.0
    )
    np.testing.assert_array_equal(params["w"], w)
    w[0, 0] += 0.5
    with pytest.raises(UpdateRejectedError) as caught:
        screen(
            "ue-7", _moved(w, b), model_id="m-1", round_number=4, reference=reference, max_norm=0.25
        )
    assert caught.value.detail == "the update moves the model by 0.5 (L2), over the bound 0.25"
    screen("ue-7", _moved(w, b), model_id="m-1", round_number=4, reference=reference, max_norm=0.5)


def test_the_norm_of_large_moves_does_not_overflow() -> None:
    # 1e20 squared is beyond float32 (about 3.4e38): the norm is summed in float64.
    w, b = np.zeros((2, 3)), np.zeros(3)
    w[0, 0] = b[1] = 1e20
    update = _moved(w, b)
    assert _passes(update, max_norm=1.5e20) == 20
    error = _rejected(update, max_norm=1.4e20)
    assert error.detail == "the update moves the model by 1.414e+20 (L2), over the bound 1.4e+20"


def test_without_a_norm_bound_any_finite_move_passes() -> None:
    top = np.finfo(np.float32).max
    assert _passes(_moved(np.full((2, 3), top), np.full(3, -top))) == 20


def test_accepted_parameters_are_float32_copies_in_reference_order() -> None:
    w = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.array([0.5, -1.5, 2.5], np.float32)
    update = _update(parameters=[_tensor("b", b), _tensor("w", w)])
    params, samples = screen("ue-7", update, model_id="m-1", round_number=4, reference=REFERENCE)
    assert list(params) == ["w", "b"] and samples == 20
    for name, want in (("w", w), ("b", b)):
        assert params[name].dtype == np.float32 and params[name].flags.writeable
        np.testing.assert_array_equal(params[name], want)
