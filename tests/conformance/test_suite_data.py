"""The case files: valid, tied to real flows and steps, and covering what they claim."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ts26927.conformance.applicability import ApplicabilityError, applies, names
from ts26927.conformance.builders import BUILDERS
from ts26927.conformance.builders.federated_learning import local_data
from ts26927.conformance.case import TestCase
from ts26927.conformance.checks import CHECKS
from ts26927.conformance.context import CaseContext
from ts26927.conformance.suite import (
    DEFAULT_CASES,
    SuiteError,
    load_case,
    load_suite,
    select_cases,
)
from ts26927.flows import FLOWS

CASES = load_suite()


def test_the_suite_has_cases_with_unique_ids() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) >= 9 and len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_each_case_names_real_fixtures_checks_and_steps(case: TestCase) -> None:
    flow = FLOWS[case.flow]
    assert case.clause == flow.clause and case.figure == flow.figure
    steps = [*case.steps, *(s for r in case.reactions for s in r.then)]
    for step in steps:
        assert flow.step(step.step) is not None
        if step.builder:
            assert step.builder in BUILDERS
    checks = [*(k for s in steps for k in s.checks), *(k for r in case.reactions for k in r.checks)]
    for check in [*checks, *case.final]:
        assert check.check in CHECKS
    assert "with {" in case.purpose.text() and "ensure that" in case.purpose.text()


def _steps(case: TestCase) -> set[str]:
    steps = {s.step for s in case.steps} | {r.step for r in case.reactions}
    return steps | {s.step for r in case.reactions for s in r.then}


def test_every_step_of_every_workflow_is_exercised() -> None:
    assert {c.flow for c in CASES} == set(FLOWS)
    for flow_id in FLOWS:
        used = set().union(*(_steps(c) for c in CASES if c.flow == flow_id))
        assert used == {s.id for s in FLOWS[flow_id].steps}, flow_id


def test_every_step_a_ue_function_performs_is_performed_by_a_ue_under_test() -> None:
    # Not only exercised: some case puts a UE under test at the step.
    performed = {
        (c.flow, step)
        for c in CASES
        if c.role.value == "UE"
        for step in {s.step for s in c.steps if s.by.value == "IUT"} | {r.step for r in c.reactions}
    }
    missing = [
        (flow.id, step.id)
        for flow in FLOWS.values()
        for step in flow.steps
        if step.sender.side.value == "UE" and (flow.id, step.id) not in performed
    ]
    assert missing == []


def test_every_workflow_has_cases_for_each_side() -> None:
    for side in ("UE", "NETWORK"):
        assert {c.flow for c in CASES if c.role.value == side} == set(FLOWS), side


def test_each_branch_has_its_own_case() -> None:
    split = [c for c in CASES if c.flow == "split-inference"]
    firsts = {
        (("2a" in {s.step for s in c.steps}), ("15a" in {s.step for s in c.steps})) for c in split
    }
    assert {(True, False), (False, False), (True, True)} <= firsts
    assert any(s.expect_refusal for c in CASES for s in c.steps)


def test_selection_by_glob_clause_and_role() -> None:
    assert {c.flow for c in select_cases(CASES, pattern="5.2.3.2-*")} == {
        "split-inference",
        "split-inference-network-source",
        "split-inference-ue-source",
    }
    assert {c.clause for c in select_cases(CASES, clause="5.2.2")} == {"5.2.2.2.1", "5.2.2.2.2"}
    assert {c.role.value for c in select_cases(CASES, role="ue")} == {"UE"}
    assert {c.role.value for c in CASES} == {"UE", "NETWORK"}


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(flow="nope"), "unknown flow"),
        (lambda d: d["steps"].append({"step": "99", "by": "TS"}), "not in flow"),
        (lambda d: d.update(clause="5.2.3.2"), "is clause 5.2.2.2.1"),
        (lambda d: d.update(role="SATELLITE"), "role"),
        (lambda d: d["steps"].append({"step": "5", "by": "IUT", "builder": "x"}), "IUT step"),
    ],
)
def test_bad_case_files_are_refused(tmp_path: Path, mutate, message: str) -> None:
    source = DEFAULT_CASES / "5.2.2.2.1-model-delivery-001.json"
    data = json.loads(source.read_text())
    mutate(data)
    target = tmp_path / source.name
    target.write_text(json.dumps(data))
    with pytest.raises(SuiteError, match=message):
        load_case(target)


def test_file_name_must_be_the_case_id(tmp_path: Path) -> None:
    source = DEFAULT_CASES / "5.2.2.2.1-model-delivery-001.json"
    (tmp_path / "other.json").write_text(source.read_text())
    with pytest.raises(SuiteError, match="file name must be the case id"):
        load_case(tmp_path / "other.json")


def test_applicability_expressions() -> None:
    caps = frozenset({"A", "B"})
    assert applies("A", caps) and not applies("C", caps)
    assert applies({"all": ["A", "B"]}, caps) and not applies({"all": ["A", "C"]}, caps)
    assert applies({"any": ["C", "B"]}, caps) and applies({"not": "C"}, caps)
    assert names({"all": ["A", {"not": "C"}]}) == {"A", "C"}
    for bad in ({"all": []}, {"xor": ["A"]}, 3, {"all": ["A"], "any": ["B"]}):
        with pytest.raises(ApplicabilityError):
            applies(bad, caps)


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if "numberOfSamples" in json.dumps(c.preamble.params)],
    ids=lambda c: c.id,
)
def test_the_simulated_ue_declares_exactly_the_samples_it_trains_on(case: TestCase) -> None:
    # A network may refuse an update counting more samples than the device declared; the
    # suite's own UE must never give it that reason.
    params = case.preamble.params
    ctx = CaseContext(case.id, case.role, params)
    declared = params["deviceProfile"]["dataLibraries"][0]["numberOfSamples"]
    assert declared == len(local_data(ctx))
