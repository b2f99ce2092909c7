"""Traceability: every clause 6.6 table row of the TR and the schema property implementing it.

Built from the models themselves (the ``x-tr26927`` annotation each TR field carries), so it
cannot drift from the code. :func:`unimplemented_rows` and :func:`dangling_fields` are the
two ways it can be wrong; a test asserts both are empty.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ts26927.models.base import TR_KEY, TsModel
from ts26927.models.catalogue import ROWS, TABLES, TrRow
from ts26927.models.registry import TYPES


@dataclass(frozen=True)
class Implementation:
    """A schema property (or a whole type, when ``prop`` is empty) implementing a row."""

    type_name: str
    prop: str
    schemas: tuple[str, ...]


@dataclass
class TraceEntry:
    row: TrRow
    implementations: list[Implementation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause": self.row.clause,
            "table": self.row.table.title,
            "category": self.row.category,
            "metadataType": self.row.metadata_type,
            "trExample": self.row.example,
            "implementedBy": [
                {"type": i.type_name, "property": i.prop, "inSchemas": list(i.schemas)}
                for i in self.implementations
            ],
        }


def _model_classes(annotation: Any) -> Iterator[type[TsModel]]:
    if isinstance(annotation, type) and issubclass(annotation, TsModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _model_classes(arg)


def reachable_models() -> dict[str, tuple[type[TsModel], tuple[str, ...]]]:
    """Every model class used by a registered type → (class, registered types using it)."""
    found: dict[str, tuple[type[TsModel], list[str]]] = {}

    def visit(cls: type[TsModel], root: str) -> None:
        entry = found.setdefault(cls.__name__, (cls, []))
        if root in entry[1]:
            return
        entry[1].append(root)
        for info in cls.model_fields.values():
            for sub in _model_classes(info.annotation):
                visit(sub, root)

    for name, cls in TYPES.items():
        visit(cls, name)
    return {name: (cls, tuple(roots)) for name, (cls, roots) in found.items()}


def _field_rows() -> Iterator[tuple[tuple[str, str], Implementation]]:
    titles = {table.title: table.key for table in TABLES}
    for name, (cls, roots) in reachable_models().items():
        row: TrRow | None = getattr(cls, "tr_row", None)
        if row is not None:
            yield row.key, Implementation(name, "", roots)
        for attr, info in cls.model_fields.items():
            extra = info.json_schema_extra
            note = extra.get(TR_KEY) if isinstance(extra, dict) else None
            if isinstance(note, dict) and "metadataType" in note:
                key = (
                    titles.get(str(note["table"]), str(note["table"])),
                    str(note["metadataType"]),
                )
                yield key, Implementation(name, info.alias or attr, roots)


def build() -> list[TraceEntry]:
    """One entry per TR row, in the TR's order, with the properties implementing it."""
    entries = {row.key: TraceEntry(row) for row in ROWS}
    for key, implementation in _field_rows():
        if key in entries:
            entries[key].implementations.append(implementation)
    return list(entries.values())


def unimplemented_rows() -> list[TrRow]:
    """TR rows that no property implements (must be empty)."""
    return [entry.row for entry in build() if not entry.implementations]


def dangling_fields() -> list[tuple[tuple[str, str], Implementation]]:
    """Fields that claim a TR row the catalogue does not have (must be empty)."""
    known = {row.key for row in ROWS}
    return [(key, impl) for key, impl in _field_rows() if key not in known]


def workflow_steps() -> list[dict[str, Any]]:
    """Every numbered step of every workflow, with the objects implementing it."""
    from ts26927.flows import FLOWS  # the flows layer sits above models

    coverage = _case_coverage()
    roles = ("UE", "NETWORK")
    return [
        {
            "flow": flow.id,
            "clause": flow.clause,
            "figure": flow.figure,
            "step": step.id,
            "sender": step.sender.name,
            "receiver": step.receiver.name,
            "action": step.action,
            "optional": flow.is_optional(step.id),
            "repeats": flow.repeats(step.id),
            "branches": [" / ".join(path) for path in flow.branches(step.id) if path],
            "performedBy": step.sender.side.value,
            "implementedBy": f"ts26927.flows.FLOWS[{flow.id!r}].step({step.id!r})",
            "coveredBy": sorted(
                {case for role in roles for case in coverage.get((flow.id, step.id, role), [])}
            ),
            "coveredByRole": {role: coverage.get((flow.id, step.id, role), []) for role in roles},
            "message": None if step.message is None else step.message.__name__,
            "messageSchema": None
            if step.message is None
            else f"schemas/{step.message.__name__}.schema.json",
        }
        for flow in FLOWS.values()
        for step in flow.steps
    ]


def _case_coverage() -> dict[tuple[str, str, str], list[str]]:
    """(flow, step, side the IUT plays) -> ids of the conformance cases that perform that
    step with the IUT on that side."""
    from ts26927.conformance.suite import DEFAULT_CASES, SuiteError, load_suite

    coverage: dict[tuple[str, str, str], list[str]] = {}
    try:
        cases = load_suite(DEFAULT_CASES)
    except SuiteError:
        return coverage  # no suite beside this installation
    for case in cases:
        steps = [s.step for s in case.steps]
        steps += [r.step for r in case.reactions]
        steps += [s.step for r in case.reactions for s in r.then]
        for step in steps:
            ids = coverage.setdefault((case.flow, step, case.role.value), [])
            if case.id not in ids:
                ids.append(case.id)
    return coverage
