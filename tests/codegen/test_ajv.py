"""ajv (2020-12 dialect, strict mode, ajv-formats) compiles every schema and judges every
example and mutated instance as the reference validator does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.codegen.conftest import SCHEMAS, dump, run


def test_ajv_strict_compiles_every_schema_and_agrees(
    node_tools: Path, judged: list[tuple[str, Any, bool]], tmp_path: Path
) -> None:
    files = sorted(SCHEMAS.glob("*.schema.json"))
    cases: dict[str, list[Any]] = {str(file): [] for file in files}
    expected: dict[str, list[bool]] = {str(file): [] for file in files}
    for name, instance, verdict in judged:
        cases[str(SCHEMAS / f"{name}.schema.json")].append(instance)
        expected[str(SCHEMAS / f"{name}.schema.json")].append(verdict)
    assert any(verdict for *_, verdict in judged)
    assert any(not verdict for *_, verdict in judged)
    done = run(["node", "ajv-check.mjs", str(dump(tmp_path / "cases.json", cases))], timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    errors = {Path(f).name: r["error"] for f, r in result.items() if "error" in r}
    assert errors == {}
    for file, verdicts in expected.items():
        got = result[file]["valid"]
        wrong = [
            cases[file][i] for i, (a, b) in enumerate(zip(got, verdicts, strict=True)) if a != b
        ]
        assert wrong == [], f"{Path(file).name}: ajv disagrees on {wrong[:3]}"
