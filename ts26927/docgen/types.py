"""The pages of types: metadata (clause 6.6), call-flow messages and engine formats, one
row per schema property."""

from __future__ import annotations

from typing import Any

from ts26927 import TR_EDITION
from ts26927.docgen.common import _anchor, _cell
from ts26927.models.base import RULES_KEY, TR_KEY, TsModel
from ts26927.models.registry import ENGINE_TYPES, MESSAGE_TYPES, METADATA_TYPES
from ts26927.schemas import type_schema


def type_label(node: dict[str, Any]) -> str:
    """A short human name for a schema node's type, linking model types."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{_anchor(name)})"
    if "anyOf" in node:
        known = [b for b in node["anyOf"] if "$ref" in b]
        if len(known) == 1 and len(node["anyOf"]) == 2:
            return f"{type_label(known[0])} (extensible)"
        return " or ".join(type_label(b) for b in node["anyOf"])
    kind = node.get("type", "any")
    if kind == "array":
        return f"array of {type_label(node['items'])}"
    if "enum" in node:
        return " \\| ".join(f"`{v}`" for v in node["enum"])
    if node.get("format") == "date-time":
        return "date-time"
    if node.get("contentEncoding") == "base64":
        return "bytes (base64)"
    return str(kind)


def _bounds(node: dict[str, Any]) -> str:
    parts = []
    for key, label in (
        ("minimum", "≥"),
        ("maximum", "≤"),
        ("minItems", "items ≥"),
        ("maxItems", "items ≤"),
        ("minLength", "length ≥"),
    ):
        if key in node:
            parts.append(
                f"{label} {node[key]:g}" if isinstance(node[key], float) else f"{label} {node[key]}"
            )
    return ", ".join(parts)


def origin_label(node: dict[str, Any]) -> str:
    """Where a property comes from: a clause 6.6 row, a phrase of a step's TR sentence, a
    part of a 6.6 row's value, or this library."""
    note = node.get(TR_KEY, {})
    parts = []
    if "metadataType" in note:
        parts.append(f"{note['metadataType']} ({note['clause']})")
    if "within" in note:
        parts.append(f"part of {', '.join(note['within'])}")
    if "trText" in note:
        phrases = "; ".join(f"'{phrase}'" for phrase in note["trText"])
        parts.append(f"TR: {phrases} ({', '.join(note.get('steps', []))})")
    if note.get("origin") == "library":
        parts.append("library")
    return "<br>".join(parts) or "—"


def _type_section(name: str, body: dict[str, Any], level: str) -> list[str]:
    lines = [f"{level} {name}", ""]
    # A closed enumeration, or an extensible one: the anyOf of its known values and a string.
    values = body.get("enum") or next(
        (part["enum"] for part in body.get("anyOf", []) if "enum" in part), None
    )
    if values is not None:
        lines += [body.get("description", ""), "", "| value |", "|---|"]
        lines += [f"| `{v}` |" for v in values]
        if "anyOf" in body:
            lines += ["", "Extensible: other UPPER_SNAKE_CASE values are accepted."]
        return [*lines, ""]
    lines += [body.get("description", ""), ""]
    lines += [
        "| property | type | required | unit | bounds | origin | description |",
        "|---|---|---|---|---|---|---|",
    ]
    required = set(body.get("required", []))
    for prop, node in body.get("properties", {}).items():
        tr = node.get(TR_KEY, {})
        lines.append(
            f"| `{prop}` | {type_label(node)} | {'yes' if prop in required else 'no'} | "
            f"{_cell(tr.get('unit', ''))} | {_bounds(node)} | {_cell(origin_label(node))} | "
            f"{_cell(node.get('description', ''))} |"
        )
    if rules := body.get(RULES_KEY):
        lines += ["", "Rules across properties:", ""] + [f"- {rule}" for rule in rules]
    return [*lines, ""]


_ORIGINS = (
    "The *origin* of a property is the clause 6.6 row it implements (metadata type and "
    "clause), the part of a 6.6 row's value it details, the phrases of the workflow steps' "
    "TR sentences it carries (with the steps; see the traceability page), or `library`: "
    "this library's addition. Each type's description says whether the type is the TR's or "
    "this library's, and which steps carry it."
)


def _types_page(title: str, intro: str, types: tuple[type[TsModel], ...]) -> str:
    lines = [f"# {title}", "", intro, "", f"Implements {TR_EDITION}.", "", _ORIGINS, ""]
    names = [cls.__name__ for cls in types]
    defs: dict[str, Any] = {}
    for name in names:
        document = type_schema(name)
        lines += _type_section(name, document, "##")
        defs.update(document.get("$defs", {}))
    shared = sorted(set(defs) - set(names))
    if shared:
        lines += ["## Sub-types and enumerations", ""]
        for sub in shared:
            lines += _type_section(sub, defs[sub], "###")
    return "\n".join(lines).rstrip() + "\n"


def metadata_page() -> str:
    """Every clause 6.6 type and its sub-types, with one row per property."""
    return _types_page(
        "Metadata types",
        "Generated from the models. Each type has a JSON Schema in `schemas/`.",
        METADATA_TYPES,
    )


def messages_page() -> str:
    """Every call-flow message type."""
    return _types_page(
        "Call-flow messages",
        "Generated from the models. The workflow pages say which step carries which message.",
        MESSAGE_TYPES,
    )


def engine_page() -> str:
    """The reference engine's exchange formats."""
    return _types_page(
        "Engine formats",
        "Formats of the reference engine that implementations exchange: the header of an "
        "intermediate data unit and the split selection's candidate configurations.",
        ENGINE_TYPES,
    )
