"""The binding's OpenAPI documents: valid OpenAPI (3.1 and 3.0.3), true to the server (every
route of the table and every session route, with the methods the server answers), every
message example valid against the request body that names its type, no 3.1 keyword left
in the 3.0 variant, and ``GET /openapi.json`` serving the exported file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from jsonschema import Draft202012Validator
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from ts26927 import http_openapi
from ts26927.bindings.declaration import Declaration, declaration_of
from ts26927.bindings.http.routes import flows_served, routes
from ts26927.bindings.http.running import running
from ts26927.bindings.http.server import create_app
from ts26927.bindings.reference import factory
from ts26927.http_openapi import schema_30

SCHEMAS = Path(__file__).parents[3] / "schemas"
EXAMPLES = SCHEMAS / "examples"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text())


@pytest.fixture(scope="module")
def v31() -> dict[str, Any]:
    return _load(http_openapi.HTTP_OPENAPI_FILE)


@pytest.fixture(scope="module")
def v30() -> dict[str, Any]:
    return _load(http_openapi.HTTP_OPENAPI_30_FILE)


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_both_documents_are_valid_openapi(v31: dict[str, Any], v30: dict[str, Any]) -> None:
    assert v31["openapi"] == "3.1.0" and v30["openapi"] == "3.0.3"
    assert [str(e) for e in OpenAPIV31SpecValidator(v31).iter_errors()] == []
    assert [str(e) for e in OpenAPIV30SpecValidator(v30).iter_errors()] == []


def test_the_header_says_what_the_document_is(v31: dict[str, Any]) -> None:
    info = v31["info"]
    assert info["title"] == "ts26927 REST binding" and info["version"]
    assert "Not a 3GPP specification" in info["description"]
    assert "26.927" in v31["externalDocs"]["description"]
    assert v31["servers"][0]["url"] == "{apiRoot}"
    assert v31["security"] == [{"bearerAuth": []}]
    assert v31["components"]["securitySchemes"]["bearerAuth"] == {
        **v31["components"]["securitySchemes"]["bearerAuth"],
        "type": "http",
        "scheme": "bearer",
    }
    # 3GPP files carry no x- extensions: none outside the TR types' schemas.
    outside = {k: v for k, v in v31.items() if k != "components"}
    assert '"x-' not in json.dumps(outside)


@pytest.mark.parametrize("name", ["v31", "v30"])
def test_every_route_of_the_table_and_every_session_route_is_documented(
    name: str, request: pytest.FixtureRequest
) -> None:
    document = request.getfixturevalue(name)
    documented = {(path, method) for path, method, _ in _operations(document)}
    for route in routes():
        operation = document["paths"][route.full_path][route.method.lower()]
        assert f"step {route.step}" in operation["description"]
        assert operation["tags"] == [route.flow]
        body = operation["requestBody"]["content"]
        assert body["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{route.message}"
        }
        if route.attachments:
            parts = body["multipart/form-data"]["schema"]["properties"]
            assert set(parts) == {"message", *route.attachments}
    for flow in flows_served():
        root = f"/ts26927-{flow}/v1/sessions"
        assert {(root, "post"), (f"{root}/{{sessionId}}", "get")} <= documented
    # The server serves exactly what is documented (its paths name the id session_id).
    app = create_app(factory, ["t"])
    served = {
        (route.path.replace("{session_id}", "{sessionId}"), method.lower())
        for route in app.routes
        if isinstance(route, APIRoute) and route.include_in_schema
        for method in route.methods
    }
    assert served == documented
    ids = [operation["operationId"] for *_, operation in _operations(document)]
    assert len(ids) == len(set(ids)) == len(documented)
    assert "splitInferenceStep2a" in ids and "createSplitInferenceSession" in ids


def test_the_answers_documented_for_each_kind_of_operation(v31: dict[str, Any]) -> None:
    """Step routes: 200 and the errors; sessions: 201 with Location; attachments: ranges."""
    step = v31["paths"][
        "/ts26927-split-inference/v1/sessions/{sessionId}/ai-split-inference-requests"
    ]
    assert set(step["post"]["responses"]) == {
        "200",
        "400",
        "401",
        "404",
        "409",
        "413",
        "415",
        "422",
    }
    create = v31["paths"]["/ts26927-split-inference/v1/sessions"]["post"]["responses"]
    assert create["201"]["headers"]["Location"] == {"$ref": "#/components/headers/Location"}
    attachment = v31["paths"][
        "/ts26927-model-delivery/v1/sessions/{sessionId}/steps/{seq}/attachments/{name}"
    ]
    assert set(attachment["get"]["responses"]) == {"200", "206", "304", "400", "401", "404", "416"}
    assert "Content-Range" in attachment["get"]["responses"]["206"]["headers"]
    assert all("content" not in r for r in attachment["head"]["responses"].values())
    for status, response in v31["components"]["responses"].items():
        assert int(status) >= 400
        assert response["content"] == {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
        }


def _message_schemas(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(message type, the schema a request body gives it) for each body of each step."""
    for route in routes():
        content = document["paths"][route.full_path]["post"]["requestBody"]["content"]
        yield route.message or "", content["application/json"]["schema"]
        if "multipart/form-data" in content:
            part = content["multipart/form-data"]["schema"]["properties"]["message"]
            yield route.message or "", part


def test_every_message_example_validates_against_its_request_body(
    v31: dict[str, Any], v30: dict[str, Any]
) -> None:
    checked = 0
    for document, make in (
        (
            v31,
            lambda s: Draft202012Validator(s, format_checker=Draft202012Validator.FORMAT_CHECKER),
        ),
        (v30, lambda s: OAS30Validator(s, format_checker=OAS30Validator.FORMAT_CHECKER)),
    ):
        for message, schema in _message_schemas(document):
            validator = make({**schema, "components": document["components"]})
            example = json.loads((EXAMPLES / f"{message}.json").read_text())
            assert [e.message for e in validator.iter_errors(example)] == [], message
            assert not validator.is_valid({**example, "notInTheTr": 1}), message
            checked += 1
    assert checked == 2 * sum(1 + bool(r.attachments) for r in routes())


_ONLY_31 = {
    "const",
    "examples",
    "$schema",
    "$defs",
    "$id",
    "if",
    "then",
    "else",
    "prefixItems",
    "contentEncoding",
    "contentMediaType",
    "dependentRequired",
    "unevaluatedProperties",
}


def _schema_nodes(node: Any, in_schema: bool = False) -> Iterator[dict[str, Any]]:
    """Every Schema Object of an OpenAPI document (annotations under x- left out)."""
    if isinstance(node, list):
        for item in node:
            yield from _schema_nodes(item, in_schema)
    elif isinstance(node, dict):
        if in_schema:
            yield node
        for key, value in node.items():
            if key.startswith("x-") or (in_schema and key in ("enum", "example", "default")):
                continue
            if key in ("schema", "schemas"):
                values = value.values() if key == "schemas" else [value]
                for sub in values:
                    yield from _schema_nodes(sub, True)
            elif in_schema and key == "properties":
                for sub in value.values():
                    yield from _schema_nodes(sub, True)
            else:
                yield from _schema_nodes(value, in_schema)


def test_the_3_0_variant_has_no_3_1_keyword(v30: dict[str, Any]) -> None:
    assert "jsonSchemaDialect" not in v30 and "identifier" not in v30["info"]["license"]
    nodes = list(_schema_nodes(v30))
    assert len(nodes) > 500
    for node in nodes:
        assert not _ONLY_31 & set(node), node
        assert not isinstance(node.get("type"), list), node
        assert node.get("type") != "null", node
        for key in ("exclusiveMinimum", "exclusiveMaximum"):
            assert isinstance(node.get(key, True), bool), node
        if "$ref" in node:
            assert set(node) == {"$ref"}, node
    text = json.dumps(v30)
    assert '"nullable": true' in text and '"format": "byte"' in text
    assert "'cause' is present exactly when 'result' is \\\"FAILURE\\\"" in text
    assert "^[A-Z][A-Z0-9_]*$" not in text  # closed enumerations


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
            {"type": "string", "default": None, "nullable": True},
        ),
        (
            {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]},
            {"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": True},
        ),
        ({"type": ["integer", "null"]}, {"type": "integer", "nullable": True}),
        ({"const": "FAILURE"}, {"enum": ["FAILURE"]}),
        ({"exclusiveMinimum": 0.0}, {"minimum": 0.0, "exclusiveMinimum": True}),
        ({"type": "string", "examples": ["a", "b"]}, {"type": "string", "example": "a"}),
        ({"type": "string", "contentEncoding": "base64"}, {"type": "string", "format": "byte"}),
        (
            {"$ref": "#/components/schemas/A", "description": "d"},
            {"description": "d", "allOf": [{"$ref": "#/components/schemas/A"}]},
        ),
        (
            {
                "if": {"properties": {"result": {"const": "FAILURE"}}},
                "then": {"required": ["cause"]},
                "else": {"not": {"required": ["cause"]}},
            },
            {
                "description": "'cause' is present exactly when 'result' is \"FAILURE\" (a "
                "rule OpenAPI 3.0 cannot state; the 3.1 document checks it)."
            },
        ),
    ],
)
def test_the_3_0_conversion(given: dict[str, Any], expected: dict[str, Any]) -> None:
    assert schema_30(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        {"prefixItems": [{"type": "string"}]},
        {"type": ["string", "integer"]},
        {"if": {"properties": {"a": {"minimum": 1}}}, "then": {"required": ["b"]}},
        {"contentEncoding": "base32"},
        {"minimum": 0, "exclusiveMinimum": 1},
    ],
)
def test_a_keyword_3_0_cannot_carry_fails_the_export(given: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"OpenAPI 3\.0"):
        schema_30(given)


def test_the_server_serves_the_exported_document() -> None:
    with running(create_app(factory, ["t"])) as server:
        response = httpx.get(f"{server.url}/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.content == (SCHEMAS / http_openapi.HTTP_OPENAPI_FILE).read_bytes()


def test_the_declaration_schema_accepts_a_declaration_and_names_what_is_missing() -> None:
    schema = _load("conformance/Declaration.schema.json")
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    declared = declaration_of(factory().describe())
    validator.validate(declared)
    assert Declaration.model_validate(declared)
    broken = {k: v for k, v in declared.items() if k != "capabilities"}
    assert [e.message for e in validator.iter_errors(broken)] == [
        "'capabilities' is a required property"
    ]
