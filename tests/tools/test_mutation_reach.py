"""The reach record: which tests call a function, so that its mutants run only those."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tools.mutation.pytest_reach import RECORD, WATCH, reaching

ROOT = Path(__file__).resolve().parents[2]
PYTEST = (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider")

TARGET = """\
def helper(x):
    return x + 1


def decorated(f):
    return f


@decorated
def checked(x):
    def inner(y):
        return y * 2
    return inner(x)


def never_called():
    return 0
"""

TESTS = """\
import pytest

import target


@pytest.fixture(scope="module")
def built():
    return target.helper(1)  # set up once, by the first test that asks


def test_uses_fixture_first(built):
    assert built == 2


def test_uses_fixture_later(built):
    assert built == 2


def test_calls_checked():
    assert target.checked(3) == 6


@pytest.mark.parametrize("n", [1, 2])
def test_param(n):
    assert target.helper(n) == n + 1


def test_calls_nothing():
    assert True
"""


def _record(tmp_path: Path) -> dict:
    (tmp_path / "target.py").write_text(TARGET)
    (tmp_path / "test_target.py").write_text(TESTS)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    record = tmp_path / "reach.json"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)]),
        RECORD: str(record),
        WATCH: "target.py",
    }
    run = subprocess.run(
        [*PYTEST, "-p", "tools.mutation.pytest_reach", "test_target.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads(record.read_text())


def test_each_test_reaches_the_functions_it_calls(tmp_path: Path) -> None:
    record = _record(tmp_path)
    lines = TARGET.splitlines()

    def line_of(text: str) -> int:
        return next(i for i, line in enumerate(lines, start=1) if text in line)

    helper_body = line_of("return x + 1")
    checked_body = line_of("return inner(x)")
    inner_body = line_of("return y * 2")
    dead_body = line_of("return 0")

    # A module-scoped fixture counts for every test that uses it, not only the first.
    assert set(reaching(record, "target.py", helper_body)) == {
        "test_target.py::test_uses_fixture_first",
        "test_target.py::test_uses_fixture_later",
        "test_target.py::test_param[1]",
        "test_target.py::test_param[2]",
    }
    # A decorated function's body, and the nested function inside it.
    assert reaching(record, "target.py", checked_body) == ["test_target.py::test_calls_checked"]
    assert reaching(record, "target.py", inner_body) == ["test_target.py::test_calls_checked"]
    assert reaching(record, "target.py", dead_body) == []
    assert reaching(record, "other.py", helper_body) == []
    assert "test_target.py::test_calls_nothing" not in record
