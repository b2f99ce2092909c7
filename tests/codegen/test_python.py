"""datamodel-code-generator: pydantic models generated from the OpenAPI document, and from
the REST binding's 3.1 and 3.0 documents, accept every example and judge every mutated
instance as the JSON Schema does, once the documented base class (docs/other-stacks.md) adds
the rule it cannot express: ``cause`` present exactly when ``result`` is FAILURE
(``if``/``then``/``else``)."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from tests.codegen.conftest import HTTP_OPENAPI, HTTP_OPENAPI_30, OPENAPI, run

_DOCS = Path(__file__).parent.parent.parent / "docs" / "other-stacks.md"


def _recipe(marker: str) -> str:
    """The code block that follows ``<!-- marker -->`` in docs/other-stacks.md."""
    found = re.search(
        rf"<!-- {marker} -->\s*```(?:python|sh)\n(.*?)```", _DOCS.read_text(), re.DOTALL
    )
    assert found, marker
    return found.group(1)


#: Options beyond the documented command, by document. OpenAPI 3.0 writes base64 as
#: ``format: byte``, which datamodel-code-generator types as ``Base64Str`` (decoded bytes
#: that must be UTF-8 text) unless told they are bytes.
_EXTRA_OPTIONS: dict[Path, list[str]] = {HTTP_OPENAPI_30: ["--type-mappings", "byte=binary"]}


@pytest.fixture(
    scope="module", params=[OPENAPI, HTTP_OPENAPI, HTTP_OPENAPI_30], ids=lambda d: d.name
)
def models(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    document: Path = request.param
    codegen = shutil.which("datamodel-codegen", path=str(Path(sys.executable).parent))
    if codegen is None:
        pytest.skip("datamodel-code-generator is not installed (pip install -e '.[dev]')")
    out = tmp_path_factory.mktemp("dcg")
    (out / "tr_rules.py").write_text(_recipe("dcg-base-class"))
    command = [codegen, *_recipe("dcg-command").split()[1:], *_EXTRA_OPTIONS.get(document, [])]
    command = [arg.replace("ts26927-metadata.openapi.json", str(document)) for arg in command]
    try:
        done = run(command, timeout=180, cwd=out)
    except subprocess.TimeoutExpired:
        pytest.fail("datamodel-codegen timed out")
    assert done.returncode == 0, done.stderr
    sys.path.insert(0, str(out))
    try:
        spec = importlib.util.spec_from_file_location("ts26927_models", out / "ts26927_models.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # pydantic resolves the models' references there
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(out))
    return module


def _accepts(model: type[BaseModel], instance: Any) -> bool:
    try:
        model.model_validate_json(json.dumps(instance))
    except ValidationError:
        return False
    return True


def test_generated_models_agree_with_the_schema(
    models: ModuleType, judged: list[tuple[str, Any, bool]]
) -> None:
    wrong = [
        (name, instance, verdict)
        for name, instance, verdict in judged
        if _accepts(getattr(models, name), instance) != verdict
    ]
    assert wrong == [], wrong[:5]
    assert any(n == "AiSplitInferenceSelectionResponse" and not v for n, _, v in judged)
