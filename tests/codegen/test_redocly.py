"""Redocly lint of the OpenAPI documents (the metadata ones and the REST binding's 3.1 and
3.0), with tests/codegen/node/redocly.yaml: no errors (the examples are checked as errors
there), and no warning but the ones it turns off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.codegen.conftest import (
    HTTP_OPENAPI,
    HTTP_OPENAPI_30,
    OPENAPI,
    PLAIN_OPENAPI,
    run,
    tool,
)


@pytest.mark.parametrize(
    "document", [OPENAPI, PLAIN_OPENAPI, HTTP_OPENAPI, HTTP_OPENAPI_30], ids=lambda d: d.name
)
def test_redocly_lint_finds_no_problem(node_tools: Path, document: Path) -> None:
    config = node_tools / "redocly.yaml"
    done = run(
        [tool("redocly"), "lint", str(document), f"--config={config}", "--format=json"],
        timeout=180,
    )
    report = json.loads(done.stdout)
    problems = [f"{p['ruleId']}: {p['message']}" for p in report["problems"]]
    assert problems == [] and done.returncode == 0, problems[:10]
