"""The suite as data: loading, validating and selecting the case files."""

from __future__ import annotations

import fnmatch
from pathlib import Path

from pydantic import ValidationError

from ts26927.bindings.preambles import preamble_state
from ts26927.errors import DocumentError, PreambleError, SuiteError
from ts26927.flows import FLOWS
from ts26927.models import wire_errors, wire_json

from .applicability import ApplicabilityError, names
from .capabilities import NAMES as CAPABILITY_NAMES
from .case import TestCase
from .fixtures.models import model_fixture_names
from .fixtures.profiles import SERVICE_REQUIREMENTS, UE_CAPABILITIES

#: The data fixtures a case may name, by role.
FIXTURE_ROLES = {"ueCapabilities": UE_CAPABILITIES, "serviceRequirements": SERVICE_REQUIREMENTS}

#: Where the cases live, relative to the project root.
#: The cases installed with the package (found from any working directory).
DEFAULT_CASES = Path(__file__).parent / "cases"


def load_case(path: Path) -> TestCase:
    try:
        data = wire_json.loads(path.read_bytes())
    except (OSError, wire_json.JsonTextError) as error:
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
    _check_references(path.name, case)
    return case


def _check_references(name: str, case: TestCase) -> None:
    """Everything the case names exists: preamble state and parameters, capabilities,
    fixtures."""
    try:
        preamble_state(case.preamble.state).check(case.preamble.params)
        unknown = sorted(names(case.applicability) - CAPABILITY_NAMES)
    except (PreambleError, ApplicabilityError) as error:
        raise SuiteError(f"{name}: {error}") from None
    if unknown:
        raise SuiteError(f"{name}: unknown capability {unknown[0]!r}")
    model = case.preamble.params.get("model")
    if model is not None and model not in model_fixture_names():
        raise SuiteError(f"{name}: unknown model fixture {model!r}")
    for role, fixture in case.fixtures.items():
        table = FIXTURE_ROLES.get(role)
        if table is None:
            raise SuiteError(
                f"{name}: unknown fixture role {role!r}; roles: {sorted(FIXTURE_ROLES)}"
            )
        if fixture not in table:
            raise SuiteError(f"{name}: unknown {role} fixture {fixture!r}")


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
