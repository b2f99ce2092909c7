"""Schemathesis against the live server: property-based requests, valid and invalid, made
from the binding's OpenAPI 3.1 document as the server serves it, to every operation, with a
bearer token. No answer is a server error, and every answer conforms to the document: its
status code is documented, and so are its content type, headers and body.

Half the requests name a live session of the operation's workflow, so that they reach the
state machine and the implementation instead of stopping at 404; on the attachment
operations of model delivery they name a real model attachment, so that the generated
Range, If-Range and If-None-Match headers meet real bytes. The examples are bounded (and
derandomized, so a run is repeatable) to keep the module well under a minute on 2 cores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ts26927.http_openapi import HTTP_OPENAPI_FILE

from .conftest import ALICE, TIMEOUT_S, example, open_session

DOCUMENT = json.loads((Path(__file__).parents[3] / "schemas" / HTTP_OPENAPI_FILE).read_text())
METHODS = ("get", "put", "post", "delete", "head", "patch")
OPERATIONS = [
    (path, method)
    for path, item in DOCUMENT["paths"].items()
    for method in METHODS
    if method in item
]
EXAMPLES_PER_OPERATION = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
AUTH = {"Authorization": f"Bearer {ALICE}"}
ATTACHMENT_PATH = "/steps/{seq}/attachments/{name}"


@dataclass(frozen=True)
class Live:
    schema: Any
    client: httpx.Client
    http: requests.Session
    attachment: dict[str, Any]
    """Path parameters naming a real attachment: a model delivered at model-delivery step 5."""

    def open(self, flow: str) -> str:
        response = self.client.post(f"/ts26927-{flow}/v1/sessions")
        assert response.status_code == 201, response.text
        return str(response.json()["sessionId"])

    def close(self, flow: str, session_id: str) -> None:
        self.client.delete(f"/ts26927-{flow}/v1/sessions/{session_id}")


def _delivered_model(client: httpx.Client) -> dict[str, Any]:
    """Steps 1 and 4 of model delivery, after which step 5 carries the model's bytes."""
    path = open_session(client)
    trigger = example("AiServiceTrigger")
    trigger["ueCapabilityInformation"]["supportedAiFrameworks"] = [
        {"name": "ONNX", "version": "1.16"}
    ]
    first = client.post(f"{path}/ai-service-triggers", json=trigger)
    assert first.status_code == 200, first.text
    model = first.json()["performed"][0]["message"]["modelIdentifier"]
    setup = {"deliverySessionId": "d-1", "modelIdentifier": model}
    second = client.post(f"{path}/delivery-session-setups", json=setup)
    assert second.status_code == 200, second.text
    (delivered,) = [p for p in second.json()["performed"] if p["attachments"]]
    return {
        "sessionId": path.rsplit("/", 1)[1],
        "seq": delivered["seq"],
        "name": delivered["attachments"][0]["name"],
    }


@pytest.fixture(scope="module")
def live(server_url: str) -> Iterator[Live]:
    with (
        httpx.Client(base_url=server_url, headers=AUTH, timeout=TIMEOUT_S) as client,
        requests.Session() as http,
    ):
        attachment = _delivered_model(client)
        schema = schemathesis.openapi.from_url(f"{server_url}/openapi.json")
        schema.config.update(base_url=server_url, headers=AUTH)
        yield Live(schema, client, http, attachment)


def _flow(path: str) -> str:
    return path.split("/")[1].removeprefix("ts26927-")


@pytest.mark.parametrize(
    ("path", "method"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in OPERATIONS]
)
def test_every_answer_conforms_to_the_document(live: Live, path: str, method: str) -> None:
    operation = live.schema[path][method.upper()]
    flow = _flow(path)

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        mode = data.draw(st.sampled_from(list(GenerationMode)), label="mode")
        fixed: dict[str, Any] = {}
        opened = None
        if "{sessionId}" in path and data.draw(st.booleans(), label="live session"):
            if path.endswith(ATTACHMENT_PATH) and flow == "model-delivery":
                fixed = dict(live.attachment)
            else:
                opened = live.open(flow)
                fixed = {"sessionId": opened}
        case = data.draw(operation.as_strategy(mode, path_parameters=fixed or None))
        try:
            response = case.call(session=live.http)
            case.validate_response(response, checks=CHECKS)
        finally:
            if opened is not None:
                live.close(flow, opened)

    run()


# -- what Schemathesis found, replayed -------------------------------------------------------


@pytest.mark.parametrize("path", list(DOCUMENT["paths"]))
def test_a_405_allows_exactly_the_documented_methods(live: Live, path: str) -> None:
    """A path served by two routes (GET and DELETE of a session) answered a 405 with only
    the first route's method in Allow."""
    concrete = path.format(sessionId="a" * 32, seq=1, name="model")
    response = live.client.request("OPTIONS", concrete)
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert allowed == {m.upper() for m in METHODS if m in DOCUMENT["paths"][path]}


def test_a_null_body_is_not_a_session_creation(live: Live) -> None:
    """A JSON ``null`` body opened a session as if no body had been sent."""
    root = "/ts26927-model-delivery/v1/sessions"
    response = live.client.post(root, content=b"null", headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["cause"] == "INVALID_MSG_FORMAT"
    assert live.client.post(root).status_code == 201  # no body at all: no preamble
