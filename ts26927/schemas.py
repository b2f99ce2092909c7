"""JSON Schema (Draft 2020-12) export and drift check for every registered type.

The files under ``schemas/`` are generated from the models and never edited by hand:
``ts26927 schemas export`` writes them, ``ts26927 schemas check`` fails when they differ.
Each schema is self-contained (its sub-types under ``$defs``), so a consumer can load one
file without resolving references to others.
"""

from __future__ import annotations

import difflib
import inspect
import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from ts26927 import SCHEMA_VERSION, __version__
from ts26927.errors import SchemaDriftError
from ts26927.models.base import TR_KEY, TsModel
from ts26927.models.examples import EXAMPLES
from ts26927.models.registry import TYPES

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_PREFIX = f"urn:ts26927:schema:{SCHEMA_VERSION}:"
INDEX_FILE = "index.json"
EXAMPLES_DIR = "examples"


class _WireSchema(GenerateJsonSchema):
    """Pydantic's generator, adjusted to our wire rules.

    Optional properties are absent rather than null, so ``X | None`` exports as ``X`` and
    the ``default: null`` annotation is dropped; property titles (pydantic's "Modelsize")
    add nothing to the descriptions and are left out.
    """

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json_schema = super().default_schema(schema)
        if json_schema.get("default", ...) is None:
            json_schema.pop("default")
        return json_schema

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def schema_id(name: str) -> str:
    return f"{ID_PREFIX}{name}"


def type_schema(name: str) -> dict[str, Any]:
    """The complete JSON Schema document of the registered type ``name``."""
    cls: type[TsModel] = TYPES[name]
    body = cls.model_json_schema(by_alias=True, schema_generator=_WireSchema)
    clause = cls.tr_clause
    head: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": schema_id(name),
        "title": name,
        "description": f"{inspect.cleandoc(cls.__doc__ or name)}\n\nSource: 3GPP TR 26.927"
        + (f" clause {clause}." if clause else "."),
    }
    body.pop("title", None)
    body.pop("description", None)
    examples = EXAMPLES.get(name)
    return {**head, **body, **({"examples": examples} if examples else {})}


def index_document() -> dict[str, Any]:
    """The index of all exported schemas."""
    return {
        "library": "ts26927",
        "libraryVersion": __version__,
        "schemaVersion": SCHEMA_VERSION,
        "source": "3GPP TR 26.927",
        "types": [
            {
                "name": name,
                "$id": schema_id(name),
                "file": f"{name}.schema.json",
                "clause": cls.tr_clause,
                "example": f"{EXAMPLES_DIR}/{name}.json",
            }
            for name, cls in TYPES.items()
        ],
    }


def _dump(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def expected_files() -> dict[str, str]:
    """Relative path → file content of everything ``schemas/`` must hold."""
    files = {f"{name}.schema.json": _dump(type_schema(name)) for name in TYPES}
    files[INDEX_FILE] = _dump(index_document())
    for name in TYPES:
        files[f"{EXAMPLES_DIR}/{name}.json"] = _dump(EXAMPLES[name][0])
    return files


def export(directory: Path) -> list[Path]:
    """Write all schema files into ``directory``; remove stale generated ones."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / EXAMPLES_DIR).mkdir(exist_ok=True)
    files = expected_files()
    written = []
    for relative, content in files.items():
        path = directory / relative
        path.write_text(content, encoding="utf-8")
        written.append(path)
    for stale in _generated_files(directory) - set(files):
        (directory / stale).unlink()
    return written


def _generated_files(directory: Path) -> set[str]:
    found = {p.name for p in directory.glob("*.json")}
    found |= {f"{EXAMPLES_DIR}/{p.name}" for p in (directory / EXAMPLES_DIR).glob("*.json")}
    return found


def differences(directory: Path) -> list[str]:
    """Unified diffs (or missing/extra notes) between ``directory`` and the models."""
    out: list[str] = []
    files = expected_files()
    for relative, content in files.items():
        path = directory / relative
        if not path.is_file():
            out.append(f"missing: {relative}")
            continue
        actual = path.read_text(encoding="utf-8")
        if actual != content:
            diff = difflib.unified_diff(
                actual.splitlines(keepends=True),
                content.splitlines(keepends=True),
                fromfile=f"committed/{relative}",
                tofile=f"generated/{relative}",
                n=2,
            )
            out.append("".join(diff))
    if directory.is_dir():
        out.extend(
            f"not generated by the models: {stale}"
            for stale in sorted(_generated_files(directory) - set(files))
        )
    return out


def check(directory: Path) -> None:
    """Raise :class:`SchemaDriftError` when ``directory`` differs from the models."""
    if found := differences(directory):
        raise SchemaDriftError(found)


def property_annotations(schema: dict[str, Any]) -> dict[str, Any]:
    """The ``x-tr26927`` annotation of a schema node, or an empty dict."""
    return schema.get(TR_KEY, {})
