"""What a case run remembers: every step's message and attachments, and shared fixtures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ts26927.errors import Ts26927Error
from ts26927.models.wire_errors import pointer as make_pointer


class CaseDataError(Ts26927Error, ValueError):
    """A case refers to something that does not exist (a step not yet seen, a pointer)."""


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
    records: list[Record] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)

    def last(self, step: str) -> Record:
        """The latest record of ``step``; CaseDataError if the step has not happened."""
        for record in reversed(self.records):
            if record.step == step:
                return record
        raise CaseDataError(f"{self.case_id}: step {step} has not happened yet")

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


__all__ = ["CaseContext", "CaseDataError", "Record", "lookup", "make_pointer"]
