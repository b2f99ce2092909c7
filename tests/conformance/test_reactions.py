"""Where the TR lets the IUT choose the order, the runner goes by the case's reactions:
every legal order passes, an illegal one fails at its step, and a run that never ends is
stopped."""

from __future__ import annotations

import pytest

from ts26927.bindings.base import Output
from ts26927.bindings.reference import ReferenceImplementation, ReferenceOptions
from ts26927.conformance import runner
from ts26927.conformance.mutants import Mutant
from ts26927.conformance.runner import RunParameters, run_case
from ts26927.conformance.suite import load_suite
from ts26927.conformance.verdict import Verdict

CASES = {c.id: c for c in load_suite()}
FL = "5.2.4.2-federated-learning-001"
FAST = RunParameters(timeout_multiplier=0.2)


@pytest.mark.parametrize(
    "options",
    [
        ReferenceOptions(),
        ReferenceOptions(fl_plan="evaluate-every-round"),
        ReferenceOptions(fl_failure_criteria_every_round=True),
        ReferenceOptions(fl_model_id="m", fl_group_id="g"),
    ],
    ids=["train-then-evaluate", "evaluate-every-round", "step-6-every-round", "other-ids"],
)
def test_every_legal_round_plan_passes(options: ReferenceOptions) -> None:
    iut = ReferenceImplementation(options)
    result = run_case(CASES[FL], iut, iut.describe(), FAST)
    assert result.verdict is Verdict.PASS, result.reason
    evaluated = any("TS performed step 10" in line for line in result.log)
    assert evaluated  # both plans evaluate at some round of a two-round run


def test_a_step_the_flow_does_not_allow_fails_at_that_step() -> None:
    def transform(step: str, outputs: list[Output]) -> list[Output]:
        # a training outcome (17) before any training request
        return [Output("17", {"roundNumber": 1, "newModelId": "x", "continueTraining": False}),
                *outputs] if step == "1" else outputs  # fmt: skip

    iut = Mutant(transform)
    result = run_case(CASES[FL], iut, iut.describe(), FAST)
    assert (result.verdict, result.step) == (Verdict.FAIL, "17")
    assert "out of order" in result.reason


def test_stopping_before_the_rounds_asked_for_fails_at_the_outcome() -> None:
    def stop_early(step: str, outputs: list[Output]) -> list[Output]:
        if step != "15":
            return outputs
        kept = [o for o in outputs if o.step in ("16", "17")]
        return [*kept[:1], Output("17", {**kept[1].message, "continueTraining": False})]

    iut = Mutant(stop_early)
    result = run_case(CASES[FL], iut, iut.describe(), FAST)
    assert (result.verdict, result.step) == (Verdict.FAIL, "17")
    assert "after 1 of 2 training rounds" in result.reason


def test_an_implementation_that_never_stops_is_stopped(monkeypatch) -> None:
    monkeypatch.setattr(runner, "MAX_IUT_STEPS", 12)
    iut = ReferenceImplementation()
    result = run_case(CASES[FL], iut, iut.describe(), FAST)
    assert result.verdict is Verdict.FAIL and "went on for over 12 steps" in result.reason


def test_an_in_band_refusal_counts_where_a_refusal_is_expected() -> None:
    iut = ReferenceImplementation(ReferenceOptions(in_band_refusals=True))
    result = run_case(CASES["5.2.3.2-split-inference-004"], iut, iut.describe(), FAST)
    assert result.verdict is Verdict.PASS, result.reason
    assert any("refused step 6b in band: step 9b with result FAILURE" in x for x in result.log)


def test_an_in_band_answer_that_is_not_negative_is_no_refusal() -> None:
    def success(step: str, outputs: list[Output]) -> list[Output]:
        if step == "6b" and outputs and outputs[-1].step == "9b":
            return [*outputs[:-1], Output("9b", {"result": "SUCCESS"})]
        return outputs

    iut = Mutant(success, options=ReferenceOptions(in_band_refusals=True))
    result = run_case(CASES["5.2.3.2-split-inference-004"], iut, iut.describe(), FAST)
    assert (result.verdict, result.step) == (Verdict.FAIL, "6b")


def test_internal_test_system_steps_are_logged_as_not_delivered() -> None:
    iut = ReferenceImplementation()
    result = run_case(CASES["5.2.3.2-split-inference-001"], iut, iut.describe(), FAST)
    assert (
        "TS performed step 14 (between the test system's own functions: recorded, not delivered)"
        in result.log
    )
    assert "TS performed step 2a (delivered)" in result.log
