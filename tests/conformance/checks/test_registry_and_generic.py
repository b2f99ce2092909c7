"""The check registry and the generic checks, called directly."""

from __future__ import annotations

import pytest

from ts26927.bindings.attachments import require
from ts26927.conformance.checks import CHECKS, CheckFailed, check, run_check
from ts26927.conformance.context import CaseContext, Record
from ts26927.engine.onnxtools.loading import load_model
from ts26927.errors import CaseDataError


def _ctx(*records: Record) -> CaseContext:
    return CaseContext("c", "NETWORK", {}, records=list(records))


def test_a_second_check_of_the_same_name_is_refused() -> None:
    with pytest.raises(ValueError, match="already registered"):
        check("equals")(lambda ctx, record, args: None)


def test_a_registered_check_is_the_one_run_under_its_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("ts26927.conformance.checks.registry.CHECKS", dict(CHECKS))
    seen: list[dict] = []

    def probe(ctx: CaseContext, record: Record, args: dict) -> None:
        seen.append(args)

    assert check("probe-check")(probe) is probe
    run_check("probe-check", _ctx(), Record("1", "IUT", {}, {}), {"a": 1})
    assert seen == [{"a": 1}]


def test_an_unknown_check_is_the_suite_s_fault() -> None:
    with pytest.raises(CaseDataError, match="unknown check"):
        run_check("no-such-check", _ctx(), Record("1", "IUT", {}, {}), {})


def test_equals_and_same_as() -> None:
    two = Record("2", "IUT", {"modelIdentifier": "m-1", "n": 3}, {})
    three = Record("3", "IUT", {"modelIdentifier": "m-1"}, {})
    ctx = _ctx(two, three)
    run_check("equals", ctx, two, {"pointer": "/n", "value": 3})
    with pytest.raises(CheckFailed, match="/n is 3, expected 4"):
        run_check("equals", ctx, two, {"pointer": "/n", "value": 4})
    run_check("same-as", ctx, three, {"pointer": "/modelIdentifier", "step": "2"})
    other = Record("3", "IUT", {"modelIdentifier": "m-2"}, {})
    with pytest.raises(CheckFailed, match="but step 2 said 'm-1'"):
        run_check("same-as", ctx, other, {"pointer": "/modelIdentifier", "step": "2"})


def test_a_message_missing_where_a_check_looks_fails() -> None:
    with pytest.raises(CheckFailed, match="carried no message"):
        run_check("equals", _ctx(), Record("2", "IUT", None, {}), {"pointer": "/x", "value": 1})


def test_performed() -> None:
    ctx = _ctx(Record("11", "IUT", {}, {}))
    run_check("performed", ctx, ctx.records[0], {"step": "11"})
    with pytest.raises(CheckFailed, match="never performed step 7"):
        run_check("performed", ctx, ctx.records[0], {"step": "7"})


def test_every_check_says_what_it_requires() -> None:
    assert all(function.__doc__ for function in CHECKS.values())


def test_equals_compares_values_exactly() -> None:
    record = Record("2", "IUT", {"a": {"b": [1, "x"]}, "n": 3}, {})
    ctx = _ctx(record)
    run_check("equals", ctx, record, {"pointer": "/a/b", "value": [1, "x"]})
    run_check("equals", ctx, record, {"pointer": "/a/b/1", "value": "x"})
    with pytest.raises(CheckFailed, match=r"/a/b is \[1, 'x'\], expected \['x', 1\]"):
        run_check("equals", ctx, record, {"pointer": "/a/b", "value": ["x", 1]})
    with pytest.raises(CheckFailed, match="/n is 3, expected '3'"):
        run_check("equals", ctx, record, {"pointer": "/n", "value": "3"})


def test_same_as_reads_another_pointer_of_the_earlier_step() -> None:
    offer = Record("4b", "IUT", {"candidates": [{"id": "c-1"}, {"id": "c-2"}]}, {})
    chosen = Record("6b", "TS", {"selected": "c-2"}, {})
    ctx = _ctx(offer, chosen)
    args = {"pointer": "/selected", "step": "4b", "stepPointer": "/candidates/1/id"}
    run_check("same-as", ctx, chosen, args)
    with pytest.raises(CheckFailed, match="/selected is 'c-2', but step 4b said 'c-1'"):
        run_check("same-as", ctx, chosen, {**args, "stepPointer": "/candidates/0/id"})


def test_same_as_compares_with_the_latest_message_of_the_step() -> None:
    first = Record("5", "IUT", {"modelId": "m-1"}, {})
    second = Record("5", "IUT", {"modelId": "m-2"}, {})
    later = Record("7", "IUT", {"modelId": "m-1"}, {})
    ctx = _ctx(first, second, later)
    with pytest.raises(CheckFailed, match="but step 5 said 'm-2'"):
        run_check("same-as", ctx, later, {"pointer": "/modelId", "step": "5"})


def test_performed_counts_the_iut_s_steps_only() -> None:
    ctx = _ctx(Record("11", "TS", {}, {}))
    with pytest.raises(CheckFailed, match="the IUT never performed step 11"):
        run_check("performed", ctx, ctx.records[0], {"step": "11"})


def test_errors_in_the_iut_s_data_are_its_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    def reads_a_missing_attachment(ctx: CaseContext, record: Record, args: dict) -> None:
        require(record.attachments, "model", f"step {record.step}")

    def reads_a_corrupt_model(ctx: CaseContext, record: Record, args: dict) -> None:
        load_model(b"not a model")

    def misreads_the_case(ctx: CaseContext, record: Record, args: dict) -> None:
        ctx.message("99")

    monkeypatch.setitem(CHECKS, "t-attachment", reads_a_missing_attachment)
    monkeypatch.setitem(CHECKS, "t-model", reads_a_corrupt_model)
    monkeypatch.setitem(CHECKS, "t-case", misreads_the_case)
    record = Record("5", "IUT", {}, {})
    with pytest.raises(CheckFailed, match="step 5: attachment 'model' is missing"):
        run_check("t-attachment", _ctx(record), record, {})
    with pytest.raises(CheckFailed, match="not an ONNX model"):
        run_check("t-model", _ctx(record), record, {})
    with pytest.raises(CaseDataError, match="step 99 has not happened yet"):
        run_check("t-case", _ctx(record), record, {})  # the suite's own fault stays one
