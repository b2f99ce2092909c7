"""Turn pydantic validation errors into :class:`~ts26927.errors.Issue` lists (JSON pointers)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ts26927.errors import Issue


def pointer(path: Any) -> str:
    """RFC 6901 JSON pointer of a path of keys and indexes."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _instance_path(data: Any, loc: tuple[int | str, ...]) -> list[int | str]:
    # Pydantic locations include union-branch tags ("str-enum[X]"); keep only the steps
    # that exist in the document, so the pointer names a place the user can find.
    path: list[int | str] = []
    node = data
    for step in loc:
        in_object = isinstance(node, dict) and step in node
        in_array = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if in_object or in_array:
            node = node[step]
            path.append(step)
    return path


def issues(data: Any, error: ValidationError) -> list[Issue]:
    """Issues with JSON pointers from a pydantic validation error on ``data``."""
    found = []
    for e in error.errors(include_url=False):
        loc = tuple(e["loc"])
        path = _instance_path(data, loc)
        if e["type"] == "missing" and loc and isinstance(loc[-1], str):
            path.append(loc[-1])  # point at the member that must be there (RFC 6901 allows it)
        found.append(Issue(pointer(path), e["msg"]))
    return found
