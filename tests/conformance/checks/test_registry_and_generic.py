"""The check registry and the generic checks, called directly."""

from __future__ import annotations

import pytest

from ts26927.conformance.checks import CHECKS, CheckFailed, check, run_check
from ts26927.conformance.context import CaseContext, Record
from ts26927.errors import CaseDataError


def _ctx(*records: Record) -> CaseContext:
    return CaseContext("c", "NETWORK", {}, records=list(records))


def test_a_second_check_of_the_same_name_is_refused() -> None:
    with pytest.raises(ValueError, match="already registered"):
        check("equals")(lambda ctx, record, args: None)


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
