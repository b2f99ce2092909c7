"""The aggregate check verifies the rule the IUT declares (IXIT), and only that."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ts26927.conformance.checks import CheckFailed, run_check
from ts26927.conformance.context import CaseContext, Record
from ts26927.conformance.fixtures.models import fl_model_fixture
from ts26927.engine.federated.parameters import update_information

from .recorded import Seen, seen

INITIAL = fl_model_fixture().initial


def _params(shift: float) -> dict[str, np.ndarray]:
    return {n: (a + np.float32(shift)).astype(np.float32) for n, a in INITIAL.items()}


def _run(
    rule: dict, sent: dict[str, np.ndarray], updates: list[tuple[float, int | None]]
) -> CaseContext:
    records = [
        Record("2", "IUT", {"modelIdentifier": "g"}, {}),
        Record("5", "IUT", update_information(INITIAL, "g").to_wire(), {}),
    ]
    for shift, samples in updates:
        update = update_information(_params(shift), "g", round_number=1, samples=samples)
        records.append(Record("15", "TS", {"modelUpdateInformation": update.to_wire()}, {}))
    records.append(Record("17", "IUT", {"roundNumber": 1, "newModelId": "g2"}, {}))
    new = update_information(sent, "g", new_model_id="g2")
    records.append(Record("5", "IUT", new.to_wire(), {}))
    ctx = CaseContext("c", "NETWORK", {"flModel": "digits-mlp"}, records=records, ixit=rule)
    run_check("fl-model", ctx, records[-1], {})
    return ctx


def test_fedavg_is_the_sample_weighted_mean() -> None:
    _run({"federatedAggregation": "FEDAVG"}, _params(0.75), [(0.0, 1), (1.0, 3)])
    with pytest.raises(CheckFailed, match="not the FEDAVG"):
        _run({"federatedAggregation": "FEDAVG"}, _params(0.5), [(0.0, 1), (1.0, 3)])


def test_an_update_without_a_sample_count_weighs_one() -> None:
    fedavg = {"federatedAggregation": "FEDAVG"}
    _run(fedavg, _params(0.75), [(0.0, None), (1.0, 3)])  # (0 * 1 + 1 * 3) / 4
    with pytest.raises(CheckFailed, match="not the FEDAVG"):
        _run(fedavg, _params(0.6), [(0.0, None), (1.0, 3)])  # as if it weighed 2


@pytest.mark.parametrize(("error", "passes"), [(5e-7, True), (-5e-7, True),
                                               (1e-4, False), (-1e-3, False)])  # fmt: skip
def test_an_aggregate_within_float32_rounding_passes(error: float, passes: bool) -> None:
    # Summed in another order, float32 may differ by a few ulps (1e-5 relative, 1e-6
    # absolute); a hundredth of a percent is another aggregate.
    fedavg = {"federatedAggregation": "FEDAVG"}
    if passes:
        _run(fedavg, _params(0.75 + error), [(0.0, 1), (1.0, 3)])
    else:
        with pytest.raises(CheckFailed, match="is not the FEDAVG of the updates"):
            _run(fedavg, _params(0.75 + error), [(0.0, 1), (1.0, 3)])


def test_a_server_step_moves_part_of_the_way() -> None:
    rule = {"federatedAggregation": "FEDAVG_SERVER_STEP", "federatedServerStepSize": 0.5}
    _run(rule, _params(0.5), [(1.0, 10)])
    with pytest.raises(CheckFailed, match="not the FEDAVG_SERVER_STEP"):
        _run(rule, _params(1.0), [(1.0, 10)])


def test_median_and_trimmed_mean() -> None:
    _run({"federatedAggregation": "MEDIAN"}, _params(1.0), [(0.0, 1), (1.0, 1), (5.0, 1)])
    trimmed = {"federatedAggregation": "TRIMMED_MEAN", "federatedTrimFraction": 0.25}
    _run(trimmed, _params(1.5), [(0.0, 1), (1.0, 1), (2.0, 1), (9.0, 1)])


def test_an_undeclared_rule_is_checked_only_as_far_as_the_tr_goes() -> None:
    ctx = _run({"federatedAggregation": "OTHER"}, _params(123.0), [(1.0, 1)])
    assert any("OTHER" in note for note in ctx.notes)


def test_a_model_that_changes_without_a_new_id_fails() -> None:
    records = [
        Record("2", "IUT", {"modelIdentifier": "g"}, {}),
        Record("5", "IUT", update_information(INITIAL, "g").to_wire(), {}),
        Record("5", "IUT", update_information(_params(1.0), "g").to_wire(), {}),
    ]
    ctx = CaseContext("c", "NETWORK", {"flModel": "digits-mlp"}, records=records)
    with pytest.raises(CheckFailed, match="no newModelId"):
        run_check("fl-model", ctx, records[-1], {})


# -- on the reference's own runs, altered one defect at a time ---------------------------
TWO_ROUNDS = "5.2.4.2-federated-learning-001"
REMOVED = "5.2.4.2-federated-learning-004"  # the UE reports a failure the criteria name
EVALUATED = "5.2.4.2-federated-learning-006"  # evaluation, then updated criteria
TRIGGERED = "5.2.4.2-federated-learning-007"  # the network triggers (1)


def _fails(check: Seen, ctx: CaseContext, reason: str) -> None:
    with pytest.raises(CheckFailed, match=reason):
        check.run(ctx)


def _message(ctx: CaseContext, step: str, nth: int = -1) -> dict[str, Any]:
    return ctx.all(step, "IUT")[nth].message  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("case", "check", "nth"),
    [
        (TWO_ROUNDS, "fl-model", 0),
        (TWO_ROUNDS, "fl-model", 1),
        (TWO_ROUNDS, "fl-training-request", 0),
        (TWO_ROUNDS, "fl-training-request", 1),
        (TWO_ROUNDS, "fl-evaluation-request", 0),
        (TWO_ROUNDS, "fl-round-outcome", 0),
        (TWO_ROUNDS, "fl-round-outcome", 1),
        (TWO_ROUNDS, "fl-complete", 0),
        (REMOVED, "fl-round-outcome", 0),
        (REMOVED, "fl-complete", 0),
        (EVALUATED, "fl-eligibility-update", 0),
        (EVALUATED, "fl-complete", 0),
        (TRIGGERED, "fl-trigger", 0),
        (TRIGGERED, "fl-training-request", 0),
    ],
)
def test_the_reference_passes_every_federated_check(case: str, check: str, nth: int) -> None:
    called = seen(case, check, nth=nth)
    called.run(called.fresh()[0])


# -- fl-model ----------------------------------------------------------------------------
def test_a_first_model_other_than_selected_fails() -> None:
    check = seen(TWO_ROUNDS, "fl-model", nth=0)
    ctx, record = check.fresh()
    record.message["modelId"] = "another-model"  # type: ignore[index]
    _fails(check, ctx, "modelId 'another-model'; step 2 selected 'digits-mlp'")


def test_a_later_model_must_update_the_model_in_force() -> None:
    check = seen(TWO_ROUNDS, "fl-model", nth=1)
    ctx, record = check.fresh()
    record.message["modelId"] = "digits-mlp-r7"  # type: ignore[index]
    _fails(check, ctx, "modelId 'digits-mlp-r7'; the model in force is 'digits-mlp'")


def test_a_new_model_id_other_than_the_outcome_s_fails() -> None:
    check = seen(TWO_ROUNDS, "fl-model", nth=1)
    ctx, record = check.fresh()
    record.message["newModelId"] = "digits-mlp-r9"  # type: ignore[index]
    _fails(check, ctx, "newModelId 'digits-mlp-r9'; the round outcome \\(17\\) announced")


def test_a_new_model_without_any_update_fails() -> None:
    check = seen(TWO_ROUNDS, "fl-model", nth=1)
    ctx, _ = check.fresh()
    ctx.records[:] = [r for r in ctx.records if r.step != "15"]
    _fails(check, ctx, "a new model, but the UE sent no update since the last one")


def test_the_model_in_force_sent_again_unchanged_passes() -> None:
    check = seen(TWO_ROUNDS, "fl-model", nth=0)
    ctx, record = check.fresh()
    again = Record("5", "IUT", dict(record.message or {}), {})
    ctx.records.append(again)
    run_check("fl-model", ctx, again, {})


# -- fl-training-request and fl-evaluation-request ---------------------------------------
def test_a_training_request_for_another_model_fails() -> None:
    check = seen(TWO_ROUNDS, "fl-training-request", nth=1)
    ctx, record = check.fresh()
    record.message["modelId"] = "digits-mlp"  # type: ignore[index]
    _fails(check, ctx, "modelId 'digits-mlp'; the model in force is 'digits-mlp-r1'")


def test_a_training_request_before_any_model_fails() -> None:
    check = seen(TWO_ROUNDS, "fl-training-request", nth=0)
    ctx, _ = check.fresh()
    ctx.records[:] = [r for r in ctx.records if r.step != "5"]
    _fails(check, ctx, "step 12 before any model was sent \\(step 5\\)")


@pytest.mark.parametrize("round_number", [1, 0])
def test_a_round_that_does_not_follow_the_last_fails(round_number: int) -> None:
    check = seen(TWO_ROUNDS, "fl-training-request", nth=1)
    ctx, record = check.fresh()
    record.message["synchronizationInformation"]["roundNumber"] = round_number  # type: ignore[index]
    _fails(check, ctx, f"round {round_number} does not follow round 1")


def test_a_skipped_round_number_passes() -> None:
    check = seen(TWO_ROUNDS, "fl-training-request", nth=1)
    ctx, record = check.fresh()
    record.message["synchronizationInformation"]["roundNumber"] = 5  # type: ignore[index]
    check.run(ctx)


def test_the_first_round_is_the_one_the_trigger_started() -> None:
    check = seen(TRIGGERED, "fl-training-request", nth=0)
    ctx, record = check.fresh()
    record.message["synchronizationInformation"]["roundNumber"] = 2  # type: ignore[index]
    _fails(check, ctx, "round 2; the trigger's synchronization information started round 1")


@pytest.mark.parametrize(("check", "nth"), [("fl-training-request", 1),
                                            ("fl-evaluation-request", 0)])  # fmt: skip
def test_a_request_to_another_group_fails(check: str, nth: int) -> None:
    called = seen(TWO_ROUNDS, check, nth=nth)
    ctx, record = called.fresh()
    record.message["groupId"] = "another-group"  # type: ignore[index]
    _fails(called, ctx, "groupId 'another-group'; the UE joined 'fl-digits'")
    del record.message["groupId"]  # type: ignore[union-attr]
    called.run(ctx)


def test_an_evaluation_request_for_another_model_fails() -> None:
    check = seen(TWO_ROUNDS, "fl-evaluation-request", nth=0)
    ctx, record = check.fresh()
    record.message["modelId"] = "digits-mlp"  # type: ignore[index]
    _fails(check, ctx, "modelId 'digits-mlp'; the model in force is 'digits-mlp-r1'")
    ctx.records[:] = [r for r in ctx.records if r.step != "5"]
    _fails(check, ctx, "step 7 before any model was sent")


# -- fl-round-outcome --------------------------------------------------------------------
def test_an_outcome_without_a_request_fails() -> None:
    check = seen(TWO_ROUNDS, "fl-round-outcome", nth=0)
    ctx, _ = check.fresh()
    ctx.records[:] = [r for r in ctx.records if r.step != "12"]
    _fails(check, ctx, "a round outcome without a training request")


def test_an_outcome_for_another_round_fails() -> None:
    check = seen(TWO_ROUNDS, "fl-round-outcome", nth=1)
    ctx, record = check.fresh()
    record.message["roundNumber"] = 1  # type: ignore[index]
    _fails(check, ctx, "roundNumber 1; the round was 2")


def test_training_must_continue_while_rounds_remain() -> None:
    check = seen(TWO_ROUNDS, "fl-round-outcome", nth=0)
    ctx, record = check.fresh()
    record.message["continueTraining"] = False  # type: ignore[index]
    _fails(check, ctx, "continueTraining False; after 1 of 2 training rounds it must be True")


def test_training_must_stop_after_the_last_round() -> None:
    check = seen(TWO_ROUNDS, "fl-round-outcome", nth=1)
    ctx, record = check.fresh()
    record.message["continueTraining"] = True  # type: ignore[index]
    _fails(check, ctx, "continueTraining True; after 2 of 2 training rounds it must be False")


@pytest.mark.parametrize("check_name", ["fl-round-outcome", "fl-complete"])
def test_a_preamble_without_training_rounds_asks_for_one(check_name: str) -> None:
    check = seen(TRIGGERED, check_name)  # one round, continueTraining False
    ctx, _ = check.fresh()
    assert ctx.params.pop("trainingRounds") == 1
    check.run(ctx)


def test_training_must_stop_after_a_failure_the_criteria_name() -> None:
    check = seen(REMOVED, "fl-round-outcome", nth=0)
    ctx, record = check.fresh()
    record.message["continueTraining"] = True  # type: ignore[index]
    _fails(
        check,
        ctx,
        "after 1 of 2 training rounds and a failure that removes the UE it must be False",
    )


def test_a_failure_the_criteria_do_not_name_removes_no_one() -> None:
    check = seen(REMOVED, "fl-round-outcome", nth=0)
    ctx, _ = check.fresh()
    _message(ctx, "6")["reasons"] = ["DEADLINE_EXCEEDED"]
    _fails(check, ctx, "continueTraining False; after 1 of 2 training rounds it must be True")


# -- fl-complete -------------------------------------------------------------------------
@pytest.mark.parametrize("rounds", [1, 3])
def test_other_than_the_rounds_asked_for_fails(rounds: int) -> None:
    check = seen(TWO_ROUNDS, "fl-complete")
    ctx, _ = check.fresh(params={"trainingRounds": rounds})
    _fails(check, ctx, f"2 training rounds; the preamble asked for {rounds}")


def test_fewer_rounds_only_when_the_ue_was_removed() -> None:
    check = seen(REMOVED, "fl-complete")
    ctx, _ = check.fresh(params={"trainingRounds": 3})
    check.run(ctx)
    _message(ctx, "6")["reasons"] = ["DEADLINE_EXCEEDED"]
    _fails(check, ctx, "1 training rounds; the preamble asked for 3")


def test_an_evaluation_asked_for_must_happen() -> None:
    check = seen(EVALUATED, "fl-complete")
    ctx, _ = check.fresh()
    ctx.records[:] = [r for r in ctx.records if r.step != "10"]
    _fails(check, ctx, "no evaluation was requested; the preamble asked for one")


@pytest.mark.parametrize("step", ["12", "16"])
def test_training_after_the_last_outcome_fails(step: str) -> None:
    check = seen(TWO_ROUNDS, "fl-complete")
    ctx, _ = check.fresh()
    last = ctx.last("17", "IUT")
    ctx.records.append(Record(step, "IUT", {}, {}))
    assert ctx.records[-2] is last
    _fails(check, ctx, f"training went on after the last round outcome: \\['{step}'\\]")


def test_evaluation_after_the_last_outcome_passes() -> None:
    check = seen(TWO_ROUNDS, "fl-complete")
    ctx, _ = check.fresh()
    ctx.records.append(Record("7", "IUT", _message(ctx, "7"), {}))
    check.run(ctx)


# -- fl-eligibility-update ---------------------------------------------------------------
def test_updated_criteria_must_carry_the_change_asked_for() -> None:
    check = seen(EVALUATED, "fl-eligibility-update")
    ctx, record = check.fresh()
    record.message["minimumDataSamples"] = 10  # type: ignore[index]
    _fails(check, ctx, "minimumDataSamples is 10; the update asked for 100")
    del record.message["minimumDataSamples"]  # type: ignore[union-attr]
    _fails(check, ctx, "minimumDataSamples is None; the update asked for 100")


def test_criteria_updated_before_any_evaluation_fail() -> None:
    check = seen(EVALUATED, "fl-eligibility-update")
    ctx, _ = check.fresh()
    ctx.records[:] = [r for r in ctx.records if r.step != "10"]
    _fails(check, ctx, "criteria updated from evaluation results before any evaluation")


# -- fl-trigger --------------------------------------------------------------------------
def test_a_trigger_of_another_service_fails() -> None:
    check = seen(TRIGGERED, "fl-trigger")
    ctx, record = check.fresh()
    record.message["service"] = "MODEL_DELIVERY"  # type: ignore[index]
    _fails(check, ctx, "service 'MODEL_DELIVERY'; expected FEDERATED_LEARNING")


def test_a_trigger_without_synchronization_fails() -> None:
    check = seen(TRIGGERED, "fl-trigger")
    ctx, record = check.fresh()
    del record.message["synchronizationInformation"]  # type: ignore[union-attr]
    _fails(check, ctx, "no synchronizationInformation: clause 6.6.6.2.2 sends it at step 1")


# -- the aggregation rules at their edges --------------------------------------------------
def _arrays(value: float) -> dict[str, np.ndarray]:
    return {n: np.full(a.shape, value, np.float32) for n, a in INITIAL.items()}


def _rounds(rule: dict, rounds: list[tuple[list[dict[str, np.ndarray]], dict]]) -> CaseContext:
    """Models g, g1, g2…: round i's updates (one sample each), then its model, each checked."""
    records = [
        Record("2", "IUT", {"modelIdentifier": "g"}, {}),
        Record("5", "IUT", update_information(INITIAL, "g").to_wire(), {}),
    ]
    ctx = CaseContext("c", "NETWORK", {"flModel": "digits-mlp"}, records=records, ixit=rule)
    for number, (updates, model) in enumerate(rounds, start=1):
        old = "g" if number == 1 else f"g{number - 1}"
        for params in updates:
            update = update_information(params, old, round_number=number, samples=1)
            records.append(Record("15", "TS", {"modelUpdateInformation": update.to_wire()}, {}))
        new = update_information(model, old, new_model_id=f"g{number}")
        records.append(Record("5", "IUT", new.to_wire(), {}))
        run_check("fl-model", ctx, records[-1], {})
    return ctx


def test_only_the_updates_since_the_model_in_force_are_aggregated() -> None:
    fedavg = {"federatedAggregation": "FEDAVG"}
    _rounds(fedavg, [([_arrays(1.0)], _arrays(1.0)), ([_arrays(3.0)], _arrays(3.0))])
    with pytest.raises(CheckFailed, match="not the FEDAVG"):  # round 1's update counted again
        _rounds(fedavg, [([_arrays(1.0)], _arrays(1.0)), ([_arrays(3.0)], _arrays(2.0))])


def test_without_a_declared_rule_the_aggregate_is_not_judged() -> None:
    ctx = _run({}, _params(123.0), [(1.0, 1)])
    assert ctx.notes == [
        "federatedAggregation is OTHER: the new global model was checked for the fixture "
        "model's parameters and finite values only"
    ]


def test_a_server_step_is_one_unless_declared() -> None:
    rule = {"federatedAggregation": "FEDAVG_SERVER_STEP"}
    _run(rule, _params(2.0), [(2.0, 10)])
    with pytest.raises(CheckFailed, match="not the FEDAVG_SERVER_STEP"):
        _run(rule, _params(1.0), [(2.0, 10)])


def test_a_server_step_scales_the_move_of_the_mean() -> None:
    rule = {"federatedAggregation": "FEDAVG_SERVER_STEP", "federatedServerStepSize": 0.25}
    _run(rule, _params(0.5), [(2.0, 1)])  # a quarter of the way to 2.0
    with pytest.raises(CheckFailed, match="not the FEDAVG_SERVER_STEP"):
        _run(rule, _params(0.125), [(2.0, 1)])  # 0.25 / 2.0: the step divided, not multiplied


def test_the_trimmed_mean_cuts_a_fifth_at_each_end_unless_declared() -> None:
    rule = {"federatedAggregation": "TRIMMED_MEAN"}
    updates = [(0.0, 1), (1.0, 1), (2.0, 1), (3.0, 1), (100.0, 1)]
    _run(rule, _params(2.0), updates)  # the mean of 1, 2 and 3
    with pytest.raises(CheckFailed, match="not the TRIMMED_MEAN"):
        _run(rule, _params(21.2), updates)  # the untrimmed mean


def _exact(rule: dict, sent: dict[str, np.ndarray], update: dict[str, np.ndarray]) -> None:
    _rounds(rule, [([update], sent)])


@pytest.mark.parametrize(("base", "error", "passes"), [
    (100.0, 2e-4, True),   # 2e-6 relative: float32 rounding at that magnitude
    (100.0, 2e-3, False),  # 2e-5 relative
    (0.0, 9e-7, True),     # near zero only the absolute tolerance helps
    (0.0, 2e-6, False),
])  # fmt: skip
def test_the_aggregate_tolerance_is_relative_and_absolute(
    base: float, error: float, passes: bool
) -> None:
    fedavg = {"federatedAggregation": "FEDAVG"}
    if passes:
        _exact(fedavg, _arrays(base + error), _arrays(base))
    else:
        with pytest.raises(CheckFailed, match="not the FEDAVG"):
            _exact(fedavg, _arrays(base + error), _arrays(base))


def test_the_aggregate_failure_names_the_largest_difference() -> None:
    with pytest.raises(CheckFailed, match=r"\(max difference 0\.25\)$"):
        _exact({"federatedAggregation": "FEDAVG"}, _arrays(1.25), _arrays(1.0))


def test_a_model_with_other_parameters_fails_with_the_fault() -> None:
    records = [
        Record("2", "IUT", {"modelIdentifier": "g"}, {}),
        Record("5", "IUT", update_information({"w": np.zeros(2, np.float32)}, "g").to_wire(), {}),
    ]
    ctx = CaseContext("c", "NETWORK", {"flModel": "digits-mlp"}, records=records)
    with pytest.raises(CheckFailed, match=r"^parameters \['w'\]; the model digits-mlp has \["):
        run_check("fl-model", ctx, records[-1], {})


# -- groups and failures, from the records alone ---------------------------------------------
def _in_force(*records: Record) -> CaseContext:
    head = [
        Record("2", "IUT", {"modelIdentifier": "g"}, {}),
        Record("5", "IUT", update_information(INITIAL, "g").to_wire(), {}),
    ]
    return CaseContext("c", "NETWORK", {"flModel": "digits-mlp"}, records=[*head, *records])


def test_updated_criteria_may_move_the_ue_to_another_group() -> None:
    request = Record("7", "IUT", {"modelId": "g", "groupId": "b"}, {})
    ctx = _in_force(Record("4", "IUT", {"groupId": "a"}, {}),
                    Record("11", "IUT", {"groupId": "b"}, {}), request)  # fmt: skip
    run_check("fl-evaluation-request", ctx, request, {})
    ctx = _in_force(Record("4", "IUT", {"groupId": "a"}, {}), request)
    with pytest.raises(CheckFailed, match="groupId 'b'; the UE joined 'a'"):
        run_check("fl-evaluation-request", ctx, request, {})


def test_a_request_is_not_held_to_a_group_never_announced() -> None:
    request = Record("7", "IUT", {"modelId": "g", "groupId": "b"}, {})
    run_check("fl-evaluation-request", _in_force(request), request, {})


def _outcome_after(*records: Record) -> None:
    """Round 2's outcome of three rounds (so training must continue unless the UE left)."""
    outcome = Record("17", "IUT", {"roundNumber": 2, "continueTraining": True}, {})
    ctx = _in_force(*records, outcome)
    ctx.params["trainingRounds"] = 3
    run_check("fl-round-outcome", ctx, outcome, {})


def _request(number: int) -> Record:
    return Record("12", "IUT", {"modelId": "g", "synchronizationInformation": {
        "roundNumber": number}}, {})  # fmt: skip


def _failure(step: str, reason: str) -> Record:
    return Record(step, "TS", {"failureReportingInformation": {"reason": reason}}, {})


def test_only_failures_in_the_round_remove_the_ue() -> None:
    criteria = Record("6", "IUT", {"reasons": ["LOW_BATTERY"]}, {})
    # A failure reported before the round's request (an earlier round) removes no one now.
    _outcome_after(criteria, _request(1), _failure("15", "LOW_BATTERY"), _request(2))
    with pytest.raises(CheckFailed, match="and a failure that removes the UE it must be False"):
        _outcome_after(criteria, _request(2), _failure("10", "LOW_BATTERY"))


def test_failures_without_criteria_or_reasons_remove_no_one() -> None:
    _outcome_after(_request(2), _failure("15", "LOW_BATTERY"))
    no_reasons = Record("6", "IUT", {"reportingDeadline": 60}, {})
    _outcome_after(no_reasons, _request(2), _failure("15", "LOW_BATTERY"))
