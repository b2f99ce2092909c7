"""The REST binding's document in OpenAPI 3.0.3, converted from the 3.1 one for the code
generators 3GPP's users run on 3GPP's own 3.0 files: closed enumerations, ``nullable`` instead
of a ``null`` type, ``example`` instead of ``examples``, and the few JSON Schema rules 3.0
cannot state written out in the descriptions."""

from __future__ import annotations

import json
from typing import Any

from ts26927.http_openapi.document import http_openapi_document
from ts26927.schemas import close_enumerations

HTTP_OPENAPI_30_FILE = "ts26927-http.openapi-3.0.json"

#: JSON Schema keywords with no OpenAPI 3.0 meaning that no converter below rewrites: a
#: component using one fails the export rather than losing a rule silently.
_UNSUPPORTED_30 = frozenset(
    {
        "$schema",
        "$id",
        "$defs",
        "$anchor",
        "$dynamicRef",
        "prefixItems",
        "contains",
        "dependentRequired",
        "dependentSchemas",
        "patternProperties",
        "propertyNames",
        "unevaluatedProperties",
        "unevaluatedItems",
        "contentSchema",
    }
)


def _conditional_prose(node: dict[str, Any]) -> str:
    """The rule of an ``if``/``then``/``else`` of the shape this library writes (a member
    present exactly when another has one value), in words."""
    tested = list(node["if"].get("properties", {}).items())
    member = node.get("then", {}).get("required", [])
    forbidden = node.get("else", {}).get("not", {}).get("required")
    if (
        set(node["if"]) != {"properties"}
        or len(tested) != 1
        or set(tested[0][1]) != {"const"}
        or len(member) != 1
        or forbidden != member
    ):
        raise ValueError(f"no OpenAPI 3.0 wording for the conditional {json.dumps(node)[:200]}")
    field, test = tested[0]
    return (
        f"'{member[0]}' is present exactly when '{field}' is {json.dumps(test['const'])} "
        "(a rule OpenAPI 3.0 cannot state; the 3.1 document checks it)."
    )


def schema_30(node: Any) -> Any:
    """A JSON Schema 2020-12 node as an OpenAPI 3.0 Schema Object."""
    if isinstance(node, list):
        return [schema_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    if found := _UNSUPPORTED_30 & set(node):
        raise ValueError(f"OpenAPI 3.0 has no {sorted(found)}: {json.dumps(node)[:200]}")
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key.startswith("x-") or key in ("enum", "default", "example"):
            out[key] = value  # values and annotations, not schemas
        elif key == "properties":
            out[key] = {name: schema_30(sub) for name, sub in value.items()}
        elif key in ("if", "then", "else"):
            continue
        elif key == "examples":
            if value:
                out["example"] = value[0]
        elif key == "const":
            out["enum"] = [value]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and not isinstance(value, bool):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if bound in node:
                raise ValueError(f"OpenAPI 3.0 has one {bound} per schema: {node}")
            out[bound], out[key] = value, True
        elif key == "contentEncoding":
            if value != "base64":
                raise ValueError(f"OpenAPI 3.0 has no format for contentEncoding {value}")
            out["format"] = "byte"
        elif key == "contentMediaType":
            out["format"] = "binary"
        else:
            out[key] = schema_30(value)
    if "if" in node:
        rule = _conditional_prose(node)
        out["description"] = f"{out.get('description', '')}\n\n{rule}".strip()
    return _nullable(_ref_alone(out))


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    """``anyOf`` with a ``null`` branch, or a list of types with ``null``, as ``nullable``."""
    types = node.get("type")
    if isinstance(types, list):
        rest = [t for t in types if t != "null"]
        if len(rest) != 1:
            raise ValueError(f"OpenAPI 3.0 has one type per schema: {types}")
        node = {**node, "type": rest[0]}
        if "null" in types:
            node["nullable"] = True
    for key in ("anyOf", "oneOf"):
        branches = node.get(key)
        if not isinstance(branches, list) or {"type": "null"} not in branches:
            continue
        rest = [b for b in branches if b != {"type": "null"}]
        node = {k: v for k, v in node.items() if k != key}
        if len(rest) == 1 and "$ref" not in rest[0]:
            node = {**rest[0], **node}
        else:
            node["allOf" if len(rest) == 1 else key] = rest
        node["nullable"] = True
    return node


def _ref_alone(node: dict[str, Any]) -> dict[str, Any]:
    """A ``$ref`` with siblings (3.0 ignores them) moved into ``allOf``."""
    if "$ref" in node and len(node) > 1:
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return {**rest, "allOf": [{"$ref": node["$ref"]}]}
    return node


def _document_30(node: Any) -> Any:
    """An OpenAPI document (or part) whose Schema Objects, the values of ``schema`` keys,
    are converted; the rest as it is. The component schemas are converted apart."""
    if isinstance(node, list):
        return [_document_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: schema_30(value) if key == "schema" else _document_30(value)
        for key, value in node.items()
    }


def http_openapi_30_document() -> dict[str, Any]:
    """The binding's document in OpenAPI 3.0.3, with closed enumerations: for the code
    generators that read 3GPP's files (which are 3.0) and choke on ``anyOf``. It refuses
    enumeration values this version does not know, as the closed metadata document does."""
    document = close_enumerations(http_openapi_document())
    components = document.pop("components")
    schemas = {name: schema_30(body) for name, body in components.pop("schemas").items()}
    out = _document_30({k: v for k, v in document.items() if k != "jsonSchemaDialect"})
    out["openapi"] = "3.0.3"
    out["info"]["title"] += " (OpenAPI 3.0, closed enumerations, for code generators)"
    out["info"]["license"] = {
        "name": "Apache-2.0",
        "url": "https://www.apache.org/licenses/LICENSE-2.0",
    }
    out["components"] = {"schemas": schemas, **_document_30(components)}
    return out


__all__ = ["HTTP_OPENAPI_30_FILE", "http_openapi_30_document", "schema_30"]
