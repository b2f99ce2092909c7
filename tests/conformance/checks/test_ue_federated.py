"""The UE-side federated learning checks judge by the suite's own truth on the UE's shard:
each passes the reference's records and fails each defect, with its reason."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ts26927.conformance.builders.ue_federated_learning import global_models, shard
from ts26927.conformance.checks import CheckFailed
from ts26927.conformance.context import CaseContext, Record
from ts26927.engine.federated import mlp
from ts26927.engine.federated.parameters import from_tensors, to_tensors, update_information
from ts26927.models.federated.model_update import ModelUpdateInformation

from .recorded import Seen, seen

MAIN = "5.2.4.2-federated-learning-008"  # two rounds, an evaluation, failure criteria
TRIGGERED = "5.2.4.2-federated-learning-009"  # evaluations (one of accuracy only), step 11
LATE = "5.2.4.2-federated-learning-013"  # the deadline passed before the request


def _fails(check: Seen, ctx: CaseContext, reason: str) -> None:
    with pytest.raises(CheckFailed, match=reason):
        check.run(ctx)


def _update(record: Record) -> dict[str, Any]:
    return record.message["modelUpdateInformation"]  # type: ignore[index]


def _set_parameters(record: Record, params: dict[str, np.ndarray]) -> None:
    _update(record)["parameters"] = [t.to_wire() for t in to_tensors(params)]


def _parameters(record: Record) -> dict[str, np.ndarray]:
    return from_tensors(ModelUpdateInformation.from_wire(_update(record)).parameters)


@pytest.mark.parametrize(
    ("case", "check", "nth"),
    [
        (MAIN, "fl-ue-update", 0),
        (MAIN, "fl-ue-update", 1),
        (MAIN, "fl-ue-training-data", 0),
        (MAIN, "fl-ue-training-data", 1),
        (MAIN, "fl-ue-evaluation", 0),
        (TRIGGERED, "fl-ue-evaluation", 0),
        (TRIGGERED, "fl-ue-evaluation", 1),
        (TRIGGERED, "fl-ue-update", 0),
        (LATE, "fl-ue-update", 0),
    ],
)
def test_the_reference_ue_passes(case: str, check: str, nth: int) -> None:
    called = seen(case, check, nth=nth)
    ctx, _ = called.fresh()
    called.run(ctx)
    assert not ctx.notes


# -- fl-ue-update: the update itself -------------------------------------------------------
def _round_two() -> tuple[Seen, CaseContext, Record]:
    check = seen(MAIN, "fl-ue-update", nth=1)
    ctx, record = check.fresh()
    return check, ctx, record


def test_an_update_holding_nan_fails() -> None:
    check, ctx, record = _round_two()
    params = _parameters(record)
    params["fc2.bias"][0] = np.nan
    _set_parameters(record, params)
    _fails(check, ctx, "fc2.bias holds NaN or infinity")


def test_an_update_with_other_shapes_fails() -> None:
    check, ctx, record = _round_two()
    params = _parameters(record)
    params["fc1.bias"] = params["fc1.bias"][:-1].copy()
    _set_parameters(record, params)
    _fails(check, ctx, r"fc1.bias has shape \[31\], expected \[32\]")


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("numberOfTrainingSamples", 289, "numberOfTrainingSamples 289; the UE's local data"),
        ("roundNumber", 1, "roundNumber 1; the request opened round 2"),
        ("modelId", "fl-global", "modelId 'fl-global'; the request named 'fl-global-r2'"),
    ],
)  # fmt: skip
def test_an_update_for_another_model_round_or_sample_count_fails(
    field: str, value: Any, reason: str
) -> None:
    check, ctx, record = _round_two()
    _update(record)[field] = value
    _fails(check, ctx, reason)


def test_an_update_without_the_library_fields_is_judged_by_the_tr_alone() -> None:
    check, ctx, record = _round_two()
    del _update(record)["numberOfTrainingSamples"], _update(record)["roundNumber"]
    check.run(ctx)
    assert ctx.notes == [
        "the update carries no roundNumber (the TR does not require it)",
        "the update carries no numberOfTrainingSamples (the TR does not require it)",
    ]


def test_the_announced_model_sent_back_fails() -> None:
    check, ctx, record = _round_two()
    _, announced = global_models(ctx)[-1]
    _set_parameters(record, announced)
    _fails(check, ctx, "the update is the model 'fl-global-r2' itself: nothing was trained")


def test_an_update_trained_from_the_previous_round_model_fails() -> None:
    check, ctx, record = _round_two()
    _, previous = global_models(ctx)[0]
    trained = mlp.train(previous, shard(ctx), epochs=2, batch_size=16, learning_rate=0.05, seed=5)
    _set_parameters(record, trained)
    _fails(check, ctx, "nearer to the earlier global model 'fl-global'")


def test_an_update_that_worsens_the_model_on_the_ue_data_fails() -> None:
    check, ctx, record = _round_two()
    _, announced = global_models(ctx)[-1]
    trained = _parameters(record)
    backwards = {n: (2 * announced[n] - trained[n]).astype(np.float32) for n in announced}
    _set_parameters(record, backwards)
    _fails(check, ctx, "the update does not improve it")


def _global_model_records(ctx: CaseContext) -> list[Record]:
    return ctx.all("5", "TS")


def _replace_global(record: Record, params: dict[str, np.ndarray]) -> None:
    record.message["parameters"] = [t.to_wire() for t in to_tensors(params)]  # type: ignore[index]


def test_an_update_as_near_to_an_earlier_global_model_fails() -> None:
    """Equidistant is not nearer: along a single weight, the announced model at 0, the
    update at 0.5 and the earlier model at 1 (exact in binary64)."""
    check, ctx, record = _round_two()
    earlier, announced_record = _global_model_records(ctx)
    _, announced = global_models(ctx)[-1]

    def at(value: float) -> dict[str, np.ndarray]:
        params = {n: a.copy() for n, a in announced.items()}
        params["fc2.bias"][0] = np.float32(value)
        return params

    _replace_global(announced_record, at(0.0))
    _replace_global(earlier, at(1.0))
    _set_parameters(record, at(0.5))
    _fails(check, ctx, r"nearer to the earlier global model 'fl-global' \(0.5\)")


def test_an_update_that_leaves_the_loss_unchanged_fails() -> None:
    """Not lower is not an improvement: the update changes only the outgoing weights of a
    hidden unit that is dead on every input, so its loss is the announced model's exactly."""
    check, ctx, record = _round_two()
    _, announced_record = _global_model_records(ctx)
    _, announced = global_models(ctx)[-1]
    dead = {n: a.copy() for n, a in announced.items()}
    dead["fc1.bias"][0] = np.float32(-1000.0)  # pixels are 0..1: unit 0 never fires
    _replace_global(announced_record, dead)
    update = {n: a.copy() for n, a in dead.items()}
    update["fc2.weight"][0] += np.float32(1.0)
    assert mlp.evaluate(update, shard(ctx))[1] == mlp.evaluate(dead, shard(ctx))[1]
    _set_parameters(record, update)
    _fails(check, ctx, "the update does not improve it")


def test_a_failure_report_in_a_round_on_time_fails() -> None:
    check, ctx, record = _round_two()
    record.message = {"failureReportingInformation": {"reason": "DEVICE_FAILURE"}}
    _fails(check, ctx, "reported failure 'DEVICE_FAILURE' in a round the test system gave it")


def test_a_report_with_both_update_and_failure_fails() -> None:
    check, ctx, record = _round_two()
    record.message["failureReportingInformation"] = {"reason": "DEVICE_FAILURE"}  # type: ignore[index]
    _fails(check, ctx, "not a training report")


def test_an_update_after_the_deadline_fails() -> None:
    check, ctx, _ = _round_two()
    request = ctx.all("12", "TS")[-1].message
    request["synchronizationInformation"]["startTime"] = "2021-06-01T00:00:00Z"  # type: ignore[index]
    _fails(check, ctx, "after its reporting deadline 2021-06-01 00:10:00")


def test_an_update_is_not_late_when_the_criteria_give_no_deadline() -> None:
    check, ctx, _ = _round_two()
    request = ctx.all("12", "TS")[-1].message
    request["synchronizationInformation"]["startTime"] = "2021-06-01T00:00:00Z"  # type: ignore[index]
    del ctx.all("6", "TS")[-1].message["reportingDeadline"]  # type: ignore[union-attr]
    check.run(ctx)


def test_an_update_is_not_late_when_the_round_has_no_start_time() -> None:
    check, ctx, _ = _round_two()
    del ctx.all("12", "TS")[-1].message["synchronizationInformation"]["startTime"]  # type: ignore[index]
    check.run(ctx)


# -- fl-ue-update: failure reporting --------------------------------------------------------
def _late() -> tuple[Seen, CaseContext, Record]:
    check = seen(LATE, "fl-ue-update", nth=0)
    ctx, record = check.fresh()
    return check, ctx, record


def test_an_update_instead_of_the_deadline_failure_fails() -> None:
    check, ctx, record = _late()
    model_id, params = global_models(ctx)[-1]
    data = shard(ctx)
    trained = mlp.train(params, data, epochs=1, batch_size=32, learning_rate=0.1, seed=1)
    update = update_information(trained, model_id, round_number=1, samples=len(data))
    record.message = {"modelUpdateInformation": update.to_wire()}
    _fails(check, ctx, "the UE must report the failure instead")


def test_another_reason_than_the_criteria_name_fails() -> None:
    check, ctx, record = _late()
    record.message["failureReportingInformation"]["reason"] = "DEVICE_FAILURE"  # type: ignore[index]
    _fails(check, ctx, "failure 'DEVICE_FAILURE'; the deadline passed and the criteria name")


def test_any_reason_passes_when_the_criteria_do_not_name_the_deadline() -> None:
    check, ctx, record = _late()
    ctx.all("6", "TS")[-1].message["reasons"] = ["DEVICE_FAILURE"]  # type: ignore[index]
    record.message["failureReportingInformation"]["reason"] = "DEVICE_FAILURE"  # type: ignore[index]
    check.run(ctx)


def test_a_failure_for_another_round_fails() -> None:
    check, ctx, record = _late()
    record.message["failureReportingInformation"]["roundNumber"] = 7  # type: ignore[index]
    _fails(check, ctx, "failure for round 7; the round is 1")


# -- fl-ue-training-data ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("dataLibraryId", "photos", "dataLibraryId 'photos'; expected 'digits'"),
        ("numberOfSamples", 1437, "numberOfSamples 1437; the UE's library holds 288"),
    ],
)
def test_training_input_other_than_the_declared_library_fails(
    field: str, value: Any, reason: str
) -> None:
    check = seen(MAIN, "fl-ue-training-data", nth=0)
    ctx, record = check.fresh()
    record.message[field] = value  # type: ignore[index]
    _fails(check, ctx, reason)


# -- fl-ue-evaluation -------------------------------------------------------------------------
def _evaluation(case: str = MAIN, nth: int = 0) -> tuple[Seen, CaseContext, dict[str, Any]]:
    check = seen(case, "fl-ue-evaluation", nth=nth)
    ctx, record = check.fresh()
    return check, ctx, record.message["modelEvaluationInformation"]  # type: ignore[index]


def test_a_report_with_both_metrics_and_failure_fails() -> None:
    check = seen(MAIN, "fl-ue-evaluation")
    ctx, record = check.fresh()
    record.message["failureReportingInformation"] = {"reason": "DEVICE_FAILURE"}  # type: ignore[index]
    _fails(check, ctx, "not an evaluation report")


def _metric(info: dict[str, Any], name: str) -> dict[str, Any]:
    return next(m for m in info["metrics"] if m["name"] == name)


@pytest.mark.parametrize(("shift", "passes"), [(0.9, True), (-0.9, True), (1.5, False)])
def test_accuracy_may_differ_by_at_most_one_sample(shift: float, passes: bool) -> None:
    # One sample of 288 is 0.347 %: a near tie may fall the other way, no more.
    check, ctx, info = _evaluation()
    _metric(info, "ACCURACY")["value"] += shift * 100 / 288
    if passes:
        check.run(ctx)
    else:
        _fails(check, ctx, "ACCURACY .*; the model in force gives")


@pytest.mark.parametrize(("extra", "passes"), [(0.0, True), (5e-9, False)])
def test_one_sample_off_is_the_limit(extra: float, passes: bool) -> None:
    # The allowance is one sample and a billionth of a percent for rounding, no more.
    check, ctx, info = _evaluation()
    _metric(info, "ACCURACY")["value"] += 100 / 288 + extra
    if passes:
        check.run(ctx)
    else:
        _fails(check, ctx, "ACCURACY .*; the model in force gives")


@pytest.mark.parametrize(("factor", "passes"), [(1 + 5e-4, True), (1 + 5e-3, False)])
def test_loss_within_the_stated_tolerance(factor: float, passes: bool) -> None:
    check, ctx, info = _evaluation()
    _metric(info, "LOSS")["value"] *= factor
    if passes:
        check.run(ctx)
    else:
        _fails(check, ctx, "LOSS .*; the model in force gives")


def test_metrics_of_another_model_fail() -> None:
    check, ctx, info = _evaluation()
    _, first = global_models(ctx)[0]
    accuracy, _ = mlp.evaluate(first, shard(ctx))
    _metric(info, "ACCURACY")["value"] = accuracy
    _fails(check, ctx, f"ACCURACY {accuracy}; the model in force gives")


def test_a_missing_metric_fails() -> None:
    check, ctx, info = _evaluation()
    info["metrics"] = [_metric(info, "ACCURACY")]
    info["metricNumber"] = 1
    _fails(check, ctx, "no value for LOSS")


def test_an_evaluation_for_another_round_or_model_fails() -> None:
    check, ctx, info = _evaluation()
    info["roundNumber"] = 5
    _fails(check, ctx, "roundNumber 5; the request asked 1")
    check, ctx, info = _evaluation()
    info["modelId"] = "fl-global"
    _fails(check, ctx, "modelId 'fl-global'; the request named 'fl-global-r2'")


def test_a_failure_report_instead_of_metrics_fails() -> None:
    check = seen(MAIN, "fl-ue-evaluation", nth=0)
    ctx, record = check.fresh()
    record.message = {"failureReportingInformation": {"reason": "EVALUATION_FAILURE"}}
    _fails(check, ctx, "reported failure 'EVALUATION_FAILURE'")


def test_extra_metrics_are_judged_when_the_suite_measures_them() -> None:
    check, ctx, info = _evaluation(TRIGGERED, 0)  # the request asks for ACCURACY only
    _, model = global_models(ctx)[-1]
    _, loss = mlp.evaluate(model, shard(ctx))
    info["metrics"] += [{"name": "LOSS", "value": loss}, {"name": "PRECISION", "value": 50.0}]
    info["metricNumber"] = 3
    check.run(ctx)
    assert any("PRECISION" in n for n in ctx.notes)
    info["metrics"][1]["value"] = loss * 2
    _fails(check, ctx, "LOSS .*; the model in force gives")
