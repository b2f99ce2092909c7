"""The end-to-end walk that ``make demo`` runs: every model, schema, example and TR row.

Each check is real (validation, round trips, the eligibility rule, traceability); the walk
reports each one and fails if any fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from ts26927 import docgen, schemas, trace, validation
from ts26927.errors import ProtocolError, Ts26927Error
from ts26927.flows import FLOWS, FlowSession
from ts26927.flows.walks import covering_walks, message_for
from ts26927.models.examples import EXAMPLES, examples_of
from ts26927.models.federated.eligibility import DeviceEligibilityInformation, DeviceProfile
from ts26927.models.registry import TYPES

Check = tuple[str, Callable[[], str]]


def _example_checks() -> Iterator[Check]:
    for name, cls in TYPES.items():
        for index, example in enumerate(examples_of(cls)):

            def run(name: str = name, example: dict = example) -> str:
                model = validation.parse(name, example)
                again = TYPES[name].from_json(model.to_json())
                if again != model or model.to_wire() != example:
                    raise AssertionError("round trip changed the document")
                return f"{len(example)} properties valid under schema and model, round trip equal"

            yield f"example {name}[{index}]", run


def _eligibility() -> str:
    criteria = DeviceEligibilityInformation.from_wire(EXAMPLES["DeviceEligibilityInformation"][0])
    profile = DeviceProfile.from_wire(EXAMPLES["DeviceProfile"][0])
    decision = criteria.evaluate(profile)
    moved = profile.model_copy(update={"language": "fr-FR", "country_code": "IT"})
    refused = criteria.evaluate(moved)
    if not decision.eligible or refused.eligible:
        raise AssertionError("eligibility rule gave the wrong answer")
    failed = ", ".join(f.criterion.value for f in refused.failed_criteria)
    return f"eligible device joins {decision.group_id}; moved device refused ({failed})"


def _trace() -> str:
    entries = trace.build()
    if missing := trace.unimplemented_rows():
        raise AssertionError(f"TR rows without implementation: {missing}")
    return f"{len(entries)} TR rows each implemented by a schema property"


def _schemas(directory: Path) -> Callable[[], str]:
    def run() -> str:
        if not directory.is_dir():
            return f"skipped: no {directory}/ here"
        schemas.check(directory)
        return f"{len(schemas.expected_files())} committed files equal the generated ones"

    return run


def _docs(directory: Path) -> Callable[[], str]:
    def run() -> str:
        if not directory.is_dir():
            return f"skipped: no {directory}/ here"
        if found := docgen.differences(directory):
            raise AssertionError(f"{len(found)} reference page(s) out of date")
        return f"{len(docgen.expected_files())} reference pages equal the generated ones"

    return run


def _workflows() -> str:
    steps = walks = 0
    for flow in FLOWS.values():
        for walk in covering_walks(flow):
            session = FlowSession(flow)
            for step_id in walk:
                step = flow.step(step_id)
                session.accept(step_id, None if step is None else message_for(step))
            if not session.can_end:
                raise AssertionError(f"{flow.id}: walk {walk} does not end")
            steps += len(walk)
            walks += 1
        session = FlowSession(flow)
        late = flow.steps[-1].id
        try:
            session.accept(late)
        except ProtocolError:
            pass
        else:
            raise AssertionError(f"{flow.id}: step {late} accepted first")
    return (
        f"{len(FLOWS)} flows: {walks} walks covering every step ({steps} steps) accepted, "
        "a late step refused in each"
    )


def _invalid_refused() -> str:
    bad = {"modelIdentifier": "", "accuracy": 120, "unknown": True}
    issues = validation.check("AiModelInformation", bad)
    if len(issues) != 3:
        raise AssertionError(f"expected 3 issues, got {issues}")
    return "bad document refused: " + "; ".join(f"{i.pointer or '/'} {i.reason}" for i in issues)


def checks(schema_dir: Path, docs_dir: Path) -> list[Check]:
    return [
        *_example_checks(),
        ("eligibility rule (6.6.6.3)", _eligibility),
        ("invalid input", _invalid_refused),
        ("workflows (clauses 5.2-5.3)", _workflows),
        ("traceability (clause 6.6)", _trace),
        ("schemas in sync", _schemas(schema_dir)),
        ("reference docs in sync", _docs(docs_dir)),
    ]


def run(schema_dir: Path, docs_dir: Path, out: Callable[[str], None] = print) -> bool:
    """Run every check, print one line each; True when all pass."""
    failures = 0
    todo = checks(schema_dir, docs_dir)
    for title, check in todo:
        try:
            out(f"ok    {title}: {check()}")
        except (AssertionError, Ts26927Error) as error:
            failures += 1
            out(f"FAIL  {title}: {error}")
    out(f"{len(todo) - failures} passed, {failures} failed")
    return failures == 0
