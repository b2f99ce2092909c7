"""The table of Problem Details causes is the binding's: every cause the server code answers
is in it with the same status, and every cause in it is answered somewhere."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ts26927.bindings.http import causes
from ts26927.bindings.http.causes import CAUSES, cause

HTTP = Path(causes.__file__).parent
#: The modules that answer Problem Details.
ANSWERING = ("server.py", "sessions.py", "problems.py", "ranges.py")
_NAME = re.compile(r"^[A-Z]+(?:_[A-Z]+)+$")


def _trees() -> list[ast.AST]:
    return [ast.parse((HTTP / name).read_text(encoding="utf-8")) for name in ANSWERING]


def _cause_name(node: ast.AST) -> str | None:
    """A cause named by a literal, a constant of the table or an attribute of it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def test_every_problem_the_server_raises_names_a_cause_of_the_table() -> None:
    """The status comes from the table; only a cause without one may be given a status."""
    checked = 0
    for tree in _trees():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Problem"):
                continue
            first = node.args[0]
            assert isinstance(first, ast.Name), ast.unparse(node)
            given = [k.arg for k in node.keywords]
            if not _NAME.match(first.id):  # chosen at run time: it wraps a status
                assert "status" in given, ast.unparse(node)
                continue
            found = cause(first.id)
            assert ("status" in given) == (found.status is None), ast.unparse(node)
            checked += 1
    assert checked >= 15


def test_every_cause_of_the_table_is_answered_somewhere() -> None:
    used = {
        name
        for tree in _trees()
        for node in ast.walk(tree)
        if (name := _cause_name(node)) is not None and _NAME.match(name)
    }
    assert {c.name for c in CAUSES} - used == set()


def test_causes_are_unique_and_described() -> None:
    assert len({c.name for c in CAUSES}) == len(CAUSES)
    for c in CAUSES:
        assert c.when.endswith(".") and len(c.when) > 20, c.name
        assert c.status is None or 400 <= c.status <= 599
    with pytest.raises(KeyError):
        cause("NO_SUCH_CAUSE")
