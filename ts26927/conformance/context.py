"""What a case run remembers: every step's message and attachments, the fixtures and IXIT
it runs with, and the notes its checks leave."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ts26927.errors import CaseDataError
from ts26927.models.wire_errors import pointer as make_pointer


class IutDataFault(Exception):
    """What the IUT sent at ``step`` cannot be used (missing tensors, other parameter
    names, wrong shapes): the IUT's fault, reported as a fail at that step."""

    def __init__(self, step: str, reason: str) -> None:
        self.step, self.reason = step, reason
        super().__init__(f"step {step}: {reason}")


class CaseInconclusive(Exception):
    """The IUT did nothing wrong, but left the test system no way to go on (e.g. it
    announced no other split point the test system can resolve): an inconclusive
    verdict."""


@dataclass
class Record:
    step: str
    by: str
    message: dict[str, Any] | None
    attachments: dict[str, bytes]


@dataclass
class CaseContext:
    """Messages exchanged so far in one case, in order."""

    case_id: str
    role: str
    params: dict[str, Any]
    flow: str = ""
    fixtures: Mapping[str, str] = field(default_factory=dict)
    ixit: Mapping[str, Any] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        """Say what a check could not judge (and why), once."""
        if text not in self.notes:
            self.notes.append(text)

    def fixture(self, role: str) -> str:
        """The name of the case's fixture for ``role`` (CaseDataError when it has none)."""
        try:
            return self.fixtures[role]
        except KeyError:
            raise CaseDataError(f"{self.case_id}: the case names no {role!r} fixture") from None

    def last(self, step: str, by: str | None = None) -> Record:
        """The latest record of ``step`` (by ``by``, when given); CaseDataError if none."""
        for record in reversed(self.records):
            if record.step == step and by in (None, record.by):
                return record
        raise CaseDataError(f"{self.case_id}: step {step} has not happened yet")

    def has(self, step: str, by: str | None = None) -> bool:
        return any(r.step == step and by in (None, r.by) for r in self.records)

    def all(self, step: str, by: str | None = None) -> list[Record]:
        return [r for r in self.records if r.step == step and by in (None, r.by)]

    def message(self, step: str) -> dict[str, Any]:
        record = self.last(step)
        if record.message is None:
            raise CaseDataError(f"{self.case_id}: step {step} carried no message")
        return record.message

    def resolve(self, value: Any) -> Any:
        """``value`` with every ``{"$from": {"step", "pointer"}}`` replaced by the value
        found at that JSON pointer in that step's message."""
        if isinstance(value, dict):
            if set(value) == {"$from"}:
                ref = value["$from"]
                return lookup(self.message(ref["step"]), ref.get("pointer", ""), self.case_id)
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value


def lookup(document: Any, pointer: str, where: str = "") -> Any:
    """The value at RFC 6901 ``pointer`` in ``document``."""
    node = document
    if pointer in ("", "/"):
        return node
    for raw in pointer.lstrip("/").split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdecimal() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise CaseDataError(f"{where}: nothing at {pointer}")
    return node


__all__ = [
    "CaseContext",
    "CaseDataError",
    "CaseInconclusive",
    "IutDataFault",
    "Record",
    "lookup",
    "make_pointer",
]
