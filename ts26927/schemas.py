"""JSON Schema (Draft 2020-12) export and drift check for every registered type.

The files under ``schemas/`` are generated from the models and never edited by hand:
``ts26927 schemas export`` writes them, ``ts26927 schemas check`` fails when they differ.
Each schema is self-contained (its sub-types under ``$defs``), so a consumer can load one
file without resolving references to others.
"""

from __future__ import annotations

import copy
import inspect
import json
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from ts26927 import SCHEMA_VERSION, TR_EDITION, __version__, generated
from ts26927.errors import SchemaDriftError
from ts26927.flows import FLOWS
from ts26927.flows.fidelity import carried_items, step_label
from ts26927.models.base import TR_KEY, TsModel
from ts26927.models.examples import examples_of
from ts26927.models.extensible import EXTENSION_PATTERN, FORWARD_COMPATIBLE
from ts26927.models.registry import ENGINE_TYPES, MESSAGE_TYPES, TYPES, group_of

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_PREFIX = f"urn:ts26927:schema:{SCHEMA_VERSION}:"
INDEX_FILE = "index.json"
EXAMPLES_DIR = "examples"


class _WireSchema(GenerateJsonSchema):
    """Pydantic's generator, adjusted to our wire rules.

    Optional properties are absent rather than null, so ``X | None`` exports as ``X`` and
    the ``default: null`` annotation is dropped; property titles (pydantic's "Modelsize")
    add nothing to the descriptions and are left out. Numbers are bounded by the binary64
    range where nothing tighter bounds them: a validator whose JSON reader turns ``1e400``
    into infinity then refuses it, as ``ts26927 validate`` does.
    """

    def float_schema(self, schema: core_schema.FloatSchema) -> JsonSchemaValue:
        json_schema = super().float_schema(schema)
        if "maximum" not in json_schema and "exclusiveMaximum" not in json_schema:
            json_schema["maximum"] = sys.float_info.max
        if "minimum" not in json_schema and "exclusiveMinimum" not in json_schema:
            json_schema["minimum"] = -sys.float_info.max
        return json_schema

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


def _raw_schema(name: str) -> dict[str, Any]:
    """The schema pydantic generates for ``name``, before the origins are marked."""
    return TYPES[name].model_json_schema(by_alias=True, schema_generator=_WireSchema)


def type_schema(name: str) -> dict[str, Any]:
    """The complete JSON Schema document of the registered type ``name`` (a fresh copy the
    caller may change)."""
    return copy.deepcopy(_type_schema(name))


@cache  # generating one takes pydantic tens of milliseconds, and the types never change
def _type_schema(name: str) -> dict[str, Any]:
    cls: type[TsModel] = TYPES[name]
    body = _raw_schema(name)
    head: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": schema_id(name),
        "title": name,
        "description": type_description(name),
    }
    body.pop("title", None)
    body.pop("description", None)
    body[TR_KEY] = {**body.get(TR_KEY, {}), **_type_annotation(name)}
    mark_origins(name, body)
    for sub, sub_body in body.get("$defs", {}).items():
        mark_origins(sub, sub_body)
    for_generators(body, body.setdefault("$defs", {}))
    if not body["$defs"]:
        body.pop("$defs")
    return {**head, **body, "examples": examples_of(cls)}


# --- Shapes that code generators in other stacks turn into clean types ----------------------
#
# Pydantic writes an extensible enumeration at each use, as ``anyOf`` of a ``$ref`` to the
# closed enum and a forward-compatible string. openapi-generator names such an inline union
# after its owner and property (``Framework.name`` -> ``FrameworkName``), which replaces the
# enum of that name with a wrapper that deserializes itself. 3GPP puts the ``anyOf`` inside
# the named type instead; a title on each part names the parts (``FrameworkNameEnum`` and
# ``FrameworkNameExtension``) in generators that make a type of each.


def _extensible_parts(node: dict[str, Any], known: str) -> list[dict[str, Any]] | None:
    """The two parts of an extensible enumeration (known values carrying ``known``, then
    the forward-compatible string), or None when ``node`` is not one."""
    branches = node.get("anyOf")
    if (
        isinstance(branches, list)
        and len(branches) == 2
        and known in branches[0]
        and branches[1].get("pattern") == EXTENSION_PATTERN
    ):
        return branches
    return None


def _name_extensible(node: Any, found: set[str]) -> Any:
    """``node`` with each use of an extensible enumeration made a plain ``$ref`` to its
    named type; the names found are added to ``found``."""
    if isinstance(node, list):
        return [_name_extensible(item, found) for item in node]
    if not isinstance(node, dict):
        return node
    branches = _extensible_parts(node, "$ref")
    if branches:
        found.add(branches[0]["$ref"].rsplit("/", 1)[-1])
        rest = {k: v for k, v in node.items() if k != "anyOf"}
        return {"$ref": branches[0]["$ref"], **_name_extensible(rest, found)}
    return {key: _name_extensible(value, found) for key, value in node.items()}


def _extensible_type(name: str, closed: dict[str, Any]) -> dict[str, Any]:
    """The named extensible enumeration in 3GPP's shape, from pydantic's closed enum."""
    head = {k: closed[k] for k in ("title", "description") if k in closed}
    known = {k: v for k, v in closed.items() if k not in head}
    return {
        **head,
        "anyOf": [
            {"title": f"{name}Enum", **known},
            {
                "title": f"{name}Extension",
                "type": "string",
                "pattern": EXTENSION_PATTERN,
                "description": FORWARD_COMPATIBLE,
            },
        ],
    }


_ANNOTATIONS = ("title", "description", "examples", TR_KEY)


def _declare_required(node: Any) -> None:
    """Give each conditional branch that requires a property the property's own schema.

    A branch holding only ``required`` is ``unknown`` to openapi-typescript and breaks ajv's
    strictRequired. Repeating the schema the object already gives the property changes
    nothing in what validates (the object checks it anyway), even under ``not``.
    """
    if isinstance(node, list):
        for item in node:
            _declare_required(item)
        return
    if not isinstance(node, dict):
        return
    if isinstance(node.get("properties"), dict):
        owned = node["properties"]
        branches = [b for key in ("anyOf", "oneOf", "allOf") for b in node.get(key, [])]
        branches += [node[key] for key in ("then", "else") if key in node]
        while branches:
            branch = branches.pop()
            if "not" in branch:
                branches.append(branch["not"])
            declared = dict(branch.get("properties", {}))
            for prop in branch.get("required", []):
                if prop in owned and prop not in declared:
                    declared[prop] = {k: v for k, v in owned[prop].items() if k not in _ANNOTATIONS}
            if declared:
                rest = {k: v for k, v in branch.items() if k != "properties"}
                branch.clear()
                branch.update({"properties": declared, **rest})
    for value in node.values():
        _declare_required(value)


def for_generators(root: dict[str, Any], defs: dict[str, Any]) -> None:
    """Reshape ``root`` (a schema, or an OpenAPI document's components) and its named
    sub-schemas ``defs`` in place for code generators, without changing what validates."""
    found: set[str] = set()
    root.update(_name_extensible({k: v for k, v in root.items() if k != "$defs"}, found))
    for sub, body in list(defs.items()):
        defs[sub] = _name_extensible(body, found)
    for name in found:
        defs[name] = _extensible_type(name, defs[name])
    _declare_required(root)
    if defs is not root.get("$defs"):
        _declare_required(defs)


# --- Origins: what is TR text and what this library adds ------------------------------------
#
# A property is TR text when it implements a clause 6.6 table row (its annotation names the
# row), when the fidelity table (ts26927.flows.fidelity) maps a phrase of a step's TR sentence
# to it (the annotation lists the phrases and steps), or when it details the value of a 6.6
# row (``within``: the rows). Every other property is this library's addition.

LIBRARY = "library"
LIBRARY_NOTE = "Added by this library."


def _steps_carrying(name: str) -> list[str]:
    """The steps whose message is the type ``name``."""
    return [
        step_label(flow.id, step.id)
        for flow in FLOWS.values()
        for step in flow.steps
        if step.message is not None and step.message.__name__ == name
    ]


def _messages_containing(name: str) -> list[str]:
    """The step messages that carry the type ``name`` inside them."""
    messages = dict.fromkeys(
        step.message.__name__
        for flow in FLOWS.values()
        for step in flow.steps
        if step.message is not None
    )
    return [m for m in messages if m != name and name in _defs_of(m)]


@cache
def _defs_of(name: str) -> frozenset[str]:
    """The sub-types in the schema of ``name``."""
    return frozenset(_raw_schema(name).get("$defs", {}))


#: What the exported types that no workflow step carries are for.
UNCARRIED_PURPOSE: dict[str, str] = {
    "ControlInformation": "it gathers the clause 6.6.6.1 control information of federated "
    "learning in one body; the steps of clause 5.2.4.2 carry its parts one by one",
    "DeviceProfile": "it is what a device states about itself, against which the clause "
    "6.6.6.3 eligibility criteria are evaluated",
    "EligibilityDecision": "it is the outcome of evaluating the clause 6.6.6.3 criteria "
    "against a device profile, criterion by criterion",
    "ModelUpdateRequest": "it asks for an AI model update during the service, as clause "
    "5.2.2.1 describes outside the numbered workflows (the UE when its memory use or "
    "performance crosses a threshold, or the network itself)",
    "IntermediateDataUnitHeader": "it heads one intermediate data unit, whose bytes travel in "
    "the intermediate data delivery session that the split inference steps set up",
    "AdaptivePackageHeader": "it heads one level of an adaptive model, the data delivered at "
    "steps 6-7 of adaptive model delivery (clause 5.2.2.2.2)",
    "SplitSelection": "it records the reference engine's split selection (clause 5.2.3.2 "
    "steps 4a and 3b), whose outcome the split inference messages carry",
}


def _is_library_type(cls: type[TsModel]) -> bool:
    return cls in MESSAGE_TYPES or cls in ENGINE_TYPES or not cls.tr_clause


def type_description(name: str) -> str:
    """The type's docstring and where it comes from: the TR's tables, or this library (for
    the steps that carry it, or what it is for when none does)."""
    cls = TYPES[name]
    doc = inspect.cleandoc(cls.__doc__ or name)
    steps = _steps_carrying(name)
    if cls in MESSAGE_TYPES:
        origin = (
            f"This library's message type (the TR defines no message formats) for these steps "
            f"of {TR_EDITION}: {', '.join(steps)}."
            if steps
            else f"This library's message type, not defined by {TR_EDITION}."
        )
    elif _is_library_type(cls):
        kind = "own format" if cls in ENGINE_TYPES else "type"
        about = f" (it relates to clause {cls.tr_clause})" if cls.tr_clause else ""
        origin = f"This library's {kind}, not defined by {TR_EDITION}{about}."
    else:
        origin = f"Source: {TR_EDITION}, clause {cls.tr_clause}."
    if steps and cls not in MESSAGE_TYPES:
        origin += f" Carried by the steps: {', '.join(steps)}."
    elif not steps:
        if containers := _messages_containing(name):
            origin += f" Carried inside the messages {', '.join(containers)}."
        else:
            origin += f" No workflow step carries it: {UNCARRIED_PURPOSE[name]}."
    return f"{doc}\n\n{origin}"


def _type_annotation(name: str) -> dict[str, Any]:
    cls = TYPES[name]
    note: dict[str, Any] = {}
    if _is_library_type(cls):
        note["origin"] = LIBRARY
    if steps := _steps_carrying(name):
        note["steps"] = steps
    return note


def _walk_to(schema: dict[str, Any], root: str, path: str) -> tuple[str, str]:
    """(type, property) that ``path`` ends at in the schema of ``root``, following ``$ref``
    and array ``items``."""
    defs = schema.get("$defs", {})
    owner, node = root, schema
    parts = path.strip("/").split("/")
    for index, part in enumerate(parts):
        while "$ref" in node or node.get("type") == "array":
            if "$ref" in node:
                owner = node["$ref"].rsplit("/", 1)[-1]
                node = defs[owner]
            else:
                node = node["items"]
        if index == len(parts) - 1:
            return owner, part
        node = node["properties"][part]
    raise ValueError(f"empty path in {root}")


@cache
def tr_phrases() -> dict[tuple[str, str], dict[str, list[str]]]:
    """(type, property) -> the TR phrases the fidelity table maps to it, and their steps."""
    found: dict[tuple[str, str], dict[str, list[str]]] = {}
    for entry, item, at in carried_items():
        step = FLOWS[entry.flow].step(at)
        if step is None or step.message is None:
            raise ValueError(f"{entry.label}: step {at} carries no message for {item.phrase!r}")
        message = step.message.__name__
        schema = _raw_schema(message)
        for path in item.paths:
            note = found.setdefault(_walk_to(schema, message, path), {"trText": [], "steps": []})
            for key, value in (("trText", item.phrase), ("steps", entry.label)):
                if value not in note[key]:
                    note[key].append(value)
    return found


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"].rsplit("/", 1)[-1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


@cache
def row_details() -> dict[str, list[str]]:
    """Sub-type -> the clause 6.6 rows whose value it details (e.g. ProcessingUnit details
    'Processing capabilities'). A clause 6.6 type of its own traces itself and is left out."""
    bodies: dict[str, dict[str, Any]] = {}
    for name in TYPES:
        raw = _raw_schema(name)
        bodies.setdefault(name, raw)
        for sub, body in raw.get("$defs", {}).items():
            bodies.setdefault(sub, body)
    within: dict[str, list[str]] = {}

    def visit(node: Any, row: str) -> None:
        for ref in _refs(node):
            body = bodies[ref]
            if "properties" not in body or TR_KEY in body or row in within.get(ref, []):
                continue
            within.setdefault(ref, []).append(row)
            for sub in body["properties"].values():
                visit(sub, row)

    for body in bodies.values():
        for node in body.get("properties", {}).values():
            note = node.get(TR_KEY, {})
            if "metadataType" in note:
                visit(node, f"{note['metadataType']} ({note['clause']})")
    return within


def mark_origins(owner: str, body: dict[str, Any]) -> None:
    """Annotate every property of the type ``owner`` with where it comes from; a property
    the TR does not name says it is this library's addition."""
    for prop, node in body.get("properties", {}).items():
        note = dict(node.get(TR_KEY, {}))  # a copy: the field's own dict is shared
        if phrases := tr_phrases().get((owner, prop)):
            note.update({key: list(values) for key, values in phrases.items()})
        if rows := row_details().get(owner):
            note["within"] = list(rows)
        if not {"metadataType", "trText", "within"} & set(note):
            note["origin"] = LIBRARY
            text = node.get("description", "")
            if "Added by this library" not in text:
                node["description"] = f"{text} {LIBRARY_NOTE}".strip()
        node[TR_KEY] = note


OPENAPI_FILE = "ts26927-metadata.openapi.json"


def openapi_components() -> dict[str, Any]:
    """Every type and its sub-types as OpenAPI schema components, by name, referring to
    each other as ``#/components/schemas/<name>``: the components of every OpenAPI document
    of this library (this module's, and the REST binding's in :mod:`ts26927.http_openapi`)."""
    _, defs = models_json_schema(
        [(cls, "validation") for cls in TYPES.values()],
        by_alias=True,
        ref_template="#/components/schemas/{model}",
        schema_generator=_WireSchema,
    )
    components = defs["$defs"]
    for owner, body in components.items():
        mark_origins(owner, body)
    for_generators({}, components)
    for name, cls in TYPES.items():
        components[name]["description"] = type_description(name)
        components[name][TR_KEY] = {
            **components[name].get(TR_KEY, {}),
            **_type_annotation(name),
        }
        components[name]["examples"] = examples_of(cls)
    return dict(sorted(components.items()))


def openapi_document() -> dict[str, Any]:
    """An OpenAPI 3.1 document whose ``components/schemas`` hold every type.

    For stacks whose code generators start from OpenAPI rather than JSON Schema. It has no
    paths: the TR defines data, not an API (the REST binding has its own document,
    :mod:`ts26927.http_openapi`).
    """
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": DIALECT,
        "info": {
            "title": "ts26927 metadata types (3GPP TR 26.927 clause 6.6)",
            "version": __version__,
            "description": f"Data types for the AI/ML metadata of {TR_EDITION}, clause 6.6, "
            "generated by ts26927. Not a 3GPP specification.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "externalDocs": {
            "description": "3GPP TR 26.927: AI/ML in 5G media services",
            "url": "https://www.3gpp.org/DynaReport/26927.htm",
        },
        # No API here: the server only satisfies linters and generators that want one, in the
        # 3GPP form ({apiRoot} as in TS 29.501 clause 4.4).
        "servers": [
            {
                "url": "{apiRoot}",
                "variables": {
                    "apiRoot": {
                        "default": "https://localhost",
                        "description": "apiRoot as defined in 3GPP TS 29.501 clause 4.4.",
                    }
                },
            }
        ],
        "paths": {},
        "components": {"schemas": openapi_components()},
    }


PLAIN_OPENAPI_FILE = "ts26927-metadata.plain.openapi.json"


def close_enumerations(node: Any) -> Any:
    """``node`` with every extensible enumeration (``anyOf`` of an enum and a forward-
    compatible string) replaced by the closed enumeration."""
    if isinstance(node, list):
        return [close_enumerations(item) for item in node]
    if not isinstance(node, dict):
        return node
    branches = _extensible_parts(node, "enum")
    if branches:
        rest = {k: v for k, v in node.items() if k != "anyOf"}
        known = {k: v for k, v in branches[0].items() if k != "title"}
        return {**rest, **known}
    return {key: close_enumerations(value) for key, value in node.items()}


def plain_openapi_document() -> dict[str, Any]:
    """The OpenAPI document with closed enumerations, for code generators that cannot
    handle ``anyOf`` (as 5G-MAG does with 3GPP's files). It refuses enumeration values this
    version does not know; the canonical files accept them."""
    document = close_enumerations(openapi_document())
    document["info"]["title"] += " (closed enumerations, for code generators)"
    return document


def index_document() -> dict[str, Any]:
    """The index of all exported schemas."""
    from ts26927 import http_openapi  # builds on this module (see the layers in pyproject)

    return {
        "library": "ts26927",
        "libraryVersion": __version__,
        "schemaVersion": SCHEMA_VERSION,
        "source": "3GPP TR 26.927",
        "openapi": OPENAPI_FILE,
        "openapiClosedEnumerations": PLAIN_OPENAPI_FILE,
        "httpOpenapi": http_openapi.HTTP_OPENAPI_FILE,
        "httpOpenapi30": http_openapi.HTTP_OPENAPI_30_FILE,
        "conformance": [CASE_SCHEMA_FILE, DECLARATION_SCHEMA_FILE],
        "types": [
            {
                "name": name,
                "$id": schema_id(name),
                "file": f"{name}.schema.json",
                "group": group_of(name),
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
    files[OPENAPI_FILE] = _dump(openapi_document())
    files[PLAIN_OPENAPI_FILE] = _dump(plain_openapi_document())
    for name in TYPES:
        files[f"{EXAMPLES_DIR}/{name}.json"] = _dump(examples_of(TYPES[name])[0])
    files[CASE_SCHEMA_FILE] = _dump(case_schema())
    files[DECLARATION_SCHEMA_FILE] = _dump(declaration_schema())
    from ts26927 import http_openapi  # builds on this module (see the layers in pyproject)

    files[http_openapi.HTTP_OPENAPI_FILE] = _dump(http_openapi.http_openapi_document())
    files[http_openapi.HTTP_OPENAPI_30_FILE] = _dump(http_openapi.http_openapi_30_document())
    return files


CASE_SCHEMA_FILE = "conformance/TestCase.schema.json"


def case_schema() -> dict[str, Any]:
    """JSON Schema of the conformance case format (``ts26927/conformance/cases/*.json``)."""
    from ts26927.conformance.case import TestCase  # the conformance layer sits above

    body = TestCase.model_json_schema(by_alias=True, schema_generator=_WireSchema)
    body.pop("title", None)
    return {
        "$schema": DIALECT,
        "$id": f"{ID_PREFIX}conformance:TestCase",
        "title": "TestCase",
        "description": "A ts26927 conformance test case: one TR workflow replayed against "
        "an implementation under test, with the TR's step ids and the checks on its answers.",
        **body,
    }


DECLARATION_SCHEMA_FILE = "conformance/Declaration.schema.json"


def declaration_schema() -> dict[str, Any]:
    """JSON Schema of the declaration file a vendor writes for an implementation reached
    over HTTP (``ts26927 conformance run --declaration``)."""
    from ts26927.bindings.declaration import Declaration

    body = Declaration.model_json_schema(by_alias=True, schema_generator=_WireSchema)
    body.pop("title", None)
    body.pop("description", None)
    return {
        "$schema": DIALECT,
        "$id": f"{ID_PREFIX}conformance:Declaration",
        "title": "Declaration",
        "description": "A ts26927 declaration: who the implementation under test is, what it "
        "supports (its ICS: the capabilities the cases' applicability reads) and its choices "
        "where the TR leaves them open (its IXIT). The same object as the harness protocol's "
        "implementation description.",
        **body,
    }


_OWNED = ("*.json", f"{EXAMPLES_DIR}/*.json", "conformance/*.json")


def export(directory: Path) -> list[Path]:
    """Write all schema files into ``directory``; remove stale generated ones."""
    return generated.write(directory, expected_files(), _OWNED)


def differences(directory: Path) -> list[str]:
    """Unified diffs (or missing/extra notes) between ``directory`` and the models."""
    return generated.differences(directory, expected_files(), _OWNED)


def check(directory: Path) -> None:
    """Raise :class:`SchemaDriftError` when ``directory`` differs from the models."""
    if found := differences(directory):
        raise SchemaDriftError(found)


def property_annotations(schema: dict[str, Any]) -> dict[str, Any]:
    """The ``x-tr26927`` annotation of a schema node, or an empty dict."""
    return schema.get(TR_KEY, {})
