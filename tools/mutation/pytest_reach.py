"""A pytest plugin for the clean run of the AST mutants (``-p tools.mutation.pytest_reach``):
it records, for each test, the functions of the mutated files it calls, so that a mutant
runs only the tests that reach its function (a mutant of a body changes nothing for a test
that never calls it).

The record is ``{node id: [[path, first line, last line], ...]}``: the line span of every
code object of a watched file the test called, paths relative to the rootdir. What a fixture
calls counts for every test that uses it, not only for the one that set it up: a module-scoped
fixture runs the function once, and the tests after the first read what it returned. A nested
function or lambda is its own code object; its span lies inside its parent's.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections import defaultdict
from collections.abc import Generator, Iterable
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

import pytest

RECORD = "MUTATION_RECORD_REACH"  # where the clean run writes the record
WATCH = "MUTATION_REACH_FILES"  # the watched files, relative to the rootdir, os.pathsep-separated

Span = tuple[str, int, int]

_reached: dict[str, set[Span]] = defaultdict(set)
_spans: dict[CodeType, Span | None] = {}
_watched: dict[str, str] = {}  # absolute path → the path as recorded
# Who the calls are attributed to now: the test, and above it the fixture being set up.
_stack: list[str] = []


def _span(code: CodeType) -> Span | None:
    """The watched file and line span of ``code``; None when its file is not watched."""
    if code not in _spans:
        name = _watched.get(code.co_filename)
        if name is None:
            _spans[code] = None
        else:
            lines = [line for _, _, line in code.co_lines() if line is not None]
            _spans[code] = (name, code.co_firstlineno, max([code.co_firstlineno, *lines]))
    return _spans[code]


def _profile(frame: FrameType, event: str, arg: Any) -> None:
    if event == "call" and _stack:
        span = _span(frame.f_code)
        if span is not None:
            _reached[_stack[-1]].add(span)


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get(RECORD):
        return
    root = Path(str(config.rootpath))
    for name in filter(None, os.environ.get(WATCH, "").split(os.pathsep)):
        _watched[str((root / name).resolve())] = name
    sys.setprofile(_profile)
    threading.setprofile(_profile)


def _fixture_key(fixturedef: pytest.FixtureDef[Any]) -> str:
    return f"fixture {fixturedef.baseid}::{fixturedef.argname}"


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any]) -> Generator[None, None, None]:
    _stack.append(_fixture_key(fixturedef))
    try:
        yield
    finally:
        _stack.pop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, None, None]:
    _stack[:] = [item.nodeid]
    yield
    _stack.clear()
    # Every fixture of the test's closure, as pytest resolved it for this test (the last
    # definition of a name is the one that applies).
    info = getattr(item, "_fixtureinfo", None)
    for definitions in getattr(info, "name2fixturedefs", {}).values():
        if definitions:
            _reached[item.nodeid] |= _reached.get(_fixture_key(definitions[-1]), set())


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = os.environ.get(RECORD)
    if not path:
        return
    sys.setprofile(None)
    threading.setprofile(None)  # type: ignore[arg-type]
    record = {
        node: sorted(spans) for node, spans in _reached.items() if not node.startswith("fixture ")
    }
    Path(path).write_text(json.dumps(record), encoding="utf-8")


def reaching(record: dict[str, list[list[Any]]], path: str, line: int) -> list[str]:
    """The tests (node ids, in record order) that called a function of ``path`` whose span
    holds ``line``."""
    return [
        node
        for node, spans in record.items()
        if any(name == path and first <= line <= last for name, first, last in spans)
    ]


def watched_files(paths: Iterable[str]) -> str:
    """The value of ``WATCH`` for these files."""
    return os.pathsep.join(paths)
