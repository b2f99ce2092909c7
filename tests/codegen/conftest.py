"""Fixtures for the code-generator tests: the pinned Node tools, and instances to judge.

The Node tools (tests/codegen/node/package-lock.json) are installed once per session with
``npm ci``; the tests skip, saying why, when node or npm is missing or the install fails.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ts26927.models.examples import examples_of
from ts26927.models.registry import TYPES
from ts26927.validation import schema_validator

NODE_DIR = Path(__file__).parent / "node"
SCHEMAS = Path(__file__).parent.parent.parent / "schemas"
OPENAPI = SCHEMAS / "ts26927-metadata.openapi.json"
PLAIN_OPENAPI = SCHEMAS / "ts26927-metadata.plain.openapi.json"
#: The REST binding's documents: the same TR types, with the paths and the binding's resources.
HTTP_OPENAPI = SCHEMAS / "ts26927-http.openapi.json"
HTTP_OPENAPI_30 = SCHEMAS / "ts26927-http.openapi-3.0.json"
_STAMP = NODE_DIR / "node_modules" / ".ts26927-lock.sha256"


def run(
    command: list[str], *, timeout: float, cwd: Path = NODE_DIR
) -> subprocess.CompletedProcess[str]:
    """``command`` with its output captured as text; never raises on a non-zero exit."""
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """The directory whose ``node_modules/.bin`` holds the pinned tools."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed for the code-generator tests")
    lock = hashlib.sha256((NODE_DIR / "package-lock.json").read_bytes()).hexdigest()
    # npm ci starts from scratch each time: skip it when this lock file is installed already.
    if not _STAMP.is_file() or _STAMP.read_text() != lock:
        try:
            done = run(["npm", "ci", "--no-audit", "--no-fund"], timeout=600)
        except subprocess.TimeoutExpired:
            pytest.skip("npm ci of tests/codegen/node timed out")
        if done.returncode != 0:
            pytest.skip(f"npm ci of tests/codegen/node failed: {done.stderr[-2000:]}")
        _STAMP.write_text(lock)
    return NODE_DIR


def tool(name: str) -> str:
    return str(NODE_DIR / "node_modules" / ".bin" / name)


def examples() -> Iterator[tuple[str, dict[str, Any]]]:
    for name, cls in TYPES.items():
        for example in examples_of(cls):
            yield name, example


def _mutations(example: Any) -> Iterator[Any]:
    """Deterministic edits of an example: an unknown property, each required-looking
    property removed, each value replaced by one of the wrong kind, and the result/cause
    rule broken both ways."""
    if not isinstance(example, dict):
        return
    yield {**example, "notInTheTr": 1}
    for key, value in example.items():
        yield {k: v for k, v in example.items() if k != key}
        yield {**example, key: "wrong" if isinstance(value, dict) else {"wrong": True}}
        if isinstance(value, list) and value:
            yield {**example, key: []}
    if "result" in example:
        failed = copy.deepcopy(example)
        failed["result"] = "FAILURE"
        failed.pop("cause", None)
        yield failed
        yield {**example, "result": "SUCCESS", "cause": "spurious"}


@pytest.fixture(scope="session")
def judged() -> list[tuple[str, Any, bool]]:
    """(type, instance, verdict of the canonical JSON Schema) for every example and
    mutation of one."""
    cases: list[tuple[str, Any, bool]] = []
    validators = {name: schema_validator(name) for name in TYPES}
    for name, example in examples():
        validator = validators[name]
        for instance in [example, *_mutations(example)]:
            cases.append((name, instance, validator.is_valid(instance)))
    return cases


def dump(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document))
    return path
