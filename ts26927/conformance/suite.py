"""The suite as data: loading, validating and selecting the case files."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path

from pydantic import ValidationError

from ts26927.errors import DocumentError, Ts26927Error
from ts26927.flows import FLOWS
from ts26927.models import wire_errors

from .case import TestCase

#: Where the cases live, relative to the project root.
DEFAULT_CASES = Path("conformance") / "cases"


class SuiteError(Ts26927Error, ValueError):
    """A case file that is not a valid case."""


def load_case(path: Path) -> TestCase:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DocumentError(str(path), f"not a readable JSON case: {error}") from None
    try:
        case = TestCase.from_wire(data)
    except ValidationError as error:
        issues = "; ".join(
            f"{i.pointer or '/'}: {i.reason}" for i in wire_errors.issues(data, error)
        )
        raise SuiteError(f"{path.name}: {issues}") from None
    if path.stem != case.id:
        raise SuiteError(f"{path.name}: the file name must be the case id {case.id!r}")
    flow = FLOWS.get(case.flow)
    if flow is None:
        raise SuiteError(f"{path.name}: unknown flow {case.flow!r}")
    unknown = [s.step for s in case.steps if flow.step(s.step) is None]
    if unknown:
        raise SuiteError(f"{path.name}: steps {unknown} are not in flow {case.flow}")
    if flow.clause != case.clause:
        raise SuiteError(
            f"{path.name}: flow {case.flow} is clause {flow.clause}, not {case.clause}"
        )
    return case


def load_suite(directory: Path = DEFAULT_CASES) -> list[TestCase]:
    """Every case in ``directory``, sorted by id."""
    if not directory.is_dir():
        raise SuiteError(f"no case directory at {directory}")
    return sorted((load_case(p) for p in directory.glob("*.json")), key=lambda c: c.id)


def select_cases(
    cases: list[TestCase],
    *,
    pattern: str | None = None,
    clause: str | None = None,
    role: str | None = None,
) -> list[TestCase]:
    """Cases whose id matches the glob ``pattern``, in ``clause`` (or below), for ``role``."""
    return [
        c
        for c in cases
        if (pattern is None or fnmatch.fnmatchcase(c.id, pattern))
        and (clause is None or c.clause == clause or c.clause.startswith(clause + "."))
        and (role is None or c.role.value == role.upper())
    ]
