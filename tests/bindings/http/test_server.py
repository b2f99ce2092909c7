"""The server as a client meets it: authentication, isolation between clients, and one
Problem Details answer per kind of error, each saying what and where."""

from __future__ import annotations

import base64
import hashlib
import logging
import re

import httpx
import pytest

from ts26927.bindings.http.running import running
from ts26927.bindings.http.server import create_app
from ts26927.bindings.http.sessions import SessionStore
from ts26927.bindings.reference import ReferenceImplementation, factory
from ts26927.conformance.preamble import with_fixture_digests
from ts26927.errors import AttachmentError

from .conftest import ALICE, example, open_session

PROBLEM = "application/problem+json"


def problem(response: httpx.Response, status: int, cause: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["cause"] == cause and body["title"]
    assert body["detail"]
    return body


# -- authentication and isolation ----------------------------------------------------------
def test_no_token_is_401_with_a_challenge(server_url: str) -> None:
    response = httpx.post(f"{server_url}/ts26927-model-delivery/v1/sessions", json={})
    problem(response, 401, "MISSING_TOKEN")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_an_unknown_token_is_401(server_url: str) -> None:
    response = httpx.post(
        f"{server_url}/ts26927-model-delivery/v1/sessions",
        json={},
        headers={"Authorization": "Bearer not-a-token"},
    )
    problem(response, 401, "INVALID_TOKEN")
    basic = httpx.post(
        f"{server_url}/ts26927-model-delivery/v1/sessions",
        json={},
        headers={"Authorization": f"Basic {ALICE}"},
    )
    problem(basic, 401, "MISSING_TOKEN")


def test_another_clients_session_is_404_everywhere(alice: httpx.Client, bob: httpx.Client) -> None:
    path = open_session(alice)
    step = example("AiServiceTrigger")
    for response in (
        bob.get(path),
        bob.get(f"{path}/steps"),
        bob.post(f"{path}/ai-service-triggers", json=step),
        bob.get(f"{path}/steps/1/attachments/model"),
        bob.delete(path),
    ):
        problem(response, 404, "SESSION_NOT_FOUND")
    assert alice.get(path).status_code == 200  # bob's attempts changed nothing
    assert alice.get(path).json()["allowedSteps"] == ["1"]


def test_a_session_of_another_flow_is_404(alice: httpx.Client) -> None:
    path = open_session(alice)
    other = path.replace("ts26927-model-delivery", "ts26927-split-inference")
    problem(alice.get(other), 404, "SESSION_NOT_FOUND")


def test_session_ids_are_unguessable(alice: httpx.Client) -> None:
    ids = {open_session(alice).rsplit("/", 1)[1] for _ in range(20)}
    assert len(ids) == 20
    for sid in ids:
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", sid)  # 24 random bytes, base64url


def test_a_deleted_session_is_gone(alice: httpx.Client) -> None:
    path = open_session(alice)
    assert alice.delete(path).status_code == 204
    problem(alice.get(path), 404, "SESSION_NOT_FOUND")
    problem(alice.delete(path), 404, "SESSION_NOT_FOUND")


# -- steps ----------------------------------------------------------------------------------
def test_an_out_of_order_step_is_409_with_the_allowed_steps(alice: httpx.Client) -> None:
    path = open_session(alice)
    body = problem(
        alice.post(f"{path}/delivery-session-setups", json=example("DeliverySessionSetup")),
        409,
        "STEP_OUT_OF_ORDER",
    )
    assert body["allowedSteps"] == ["1"]
    assert "step 4" in body["detail"]
    assert alice.get(path).json()["state"] == "start"  # nothing changed


def test_an_invalid_message_is_400_with_pointers(alice: httpx.Client) -> None:
    path = open_session(alice)
    body = problem(
        alice.post(f"{path}/ai-service-triggers", json={"service": 5}),
        400,
        "INVALID_MESSAGE",
    )
    params = {p["param"] for p in body["invalidParams"]}
    assert "/service" in params
    assert "/sessionId" in params  # a missing member is pointed at by name
    assert alice.get(path).json()["allowedSteps"] == ["1"]


def test_malformed_json_is_400(alice: httpx.Client) -> None:
    path = open_session(alice)
    for text in (b"{", b'{"a": NaN}', b'{"a": 1e400}', b'{"a": 1, "a": 2}', b"\xff"):
        response = alice.post(
            f"{path}/ai-service-triggers",
            content=text,
            headers={"Content-Type": "application/json"},
        )
        problem(response, 400, "INVALID_MSG_FORMAT")


def test_a_body_of_another_type_is_415(alice: httpx.Client) -> None:
    path = open_session(alice)
    response = alice.post(
        f"{path}/ai-service-triggers", content=b"x", headers={"Content-Type": "text/plain"}
    )
    problem(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_a_step_the_implementation_refuses_is_422(alice: httpx.Client) -> None:
    path = open_session(alice)
    # A valid trigger no model of the repository meets (a 10 GB accuracy-99.9 % request).
    trigger = example("AiServiceTrigger")
    trigger["serviceRequirementInformation"]["minimumServiceInferenceAccuracy"] = 99.9
    body = problem(alice.post(f"{path}/ai-service-triggers", json=trigger), 422, "STEP_REFUSED")
    assert "model" in body["detail"]
    assert alice.get(path).json()["allowedSteps"] == ["1"]  # the session is as it was


def test_a_preamble_the_implementation_cannot_take_is_422(alice: httpx.Client) -> None:
    response = alice.post(
        "/ts26927-model-delivery/v1/sessions",
        json={"preamble": {"state": "idle", "params": {"model": "no-such-model"}}},
    )
    problem(response, 422, "SETUP_REFUSED")


@pytest.mark.parametrize(
    ("preamble", "detail"),
    [
        ({"state": "no-such-state"}, "unknown preamble state 'no-such-state'"),
        ({"state": "model-repository", "params": {}}, "model is required"),
        ({"state": "ue-idle", "params": {"model": "digits"}}, "sets up the UE side"),
        ({"state": "model-repository", "params": {"model": "digits", "colour": "red"}},
         "unknown parameter 'colour'"),
        ({"state": "model-repository", "params": {"model": "digits", "modelSha256": "0" * 64}},
         "has SHA-256"),
        ({"params": {"model": "digits"}}, "parameters without a state"),
    ],
)  # fmt: skip
def test_a_preamble_the_reference_does_not_know_is_422(
    alice: httpx.Client, preamble: dict, detail: str
) -> None:
    response = alice.post("/ts26927-model-delivery/v1/sessions", json={"preamble": preamble})
    assert detail in problem(response, 422, "SETUP_REFUSED")["detail"]


def test_the_preamble_the_runner_sends_is_taken(alice: httpx.Client) -> None:
    params = with_fixture_digests({"model": "digits"})
    response = alice.post(
        "/ts26927-model-delivery/v1/sessions",
        json={"preamble": {"state": "model-repository", "params": params}},
    )
    assert response.status_code == 201, response.text


def test_a_session_creation_of_the_wrong_shape_is_400(alice: httpx.Client) -> None:
    body = problem(
        alice.post("/ts26927-model-delivery/v1/sessions", json={"preamble": 3, "extra": 1}),
        400,
        "INVALID_MSG_FORMAT",
    )
    assert {p["param"] for p in body["invalidParams"]} >= {"/preamble", "/extra"}


def test_bad_query_unknown_path_and_method_are_problems(alice: httpx.Client) -> None:
    path = open_session(alice)
    body = problem(alice.get(f"{path}/steps", params={"after": "x"}), 400, "INVALID_PARAM")
    assert body["invalidParams"][0]["param"] == "query after"
    problem(alice.get(f"{path}/steps", params={"after": "-1"}), 400, "INVALID_QUERY_PARAM")
    problem(alice.get("/ts26927-nothing/v1/sessions"), 404, "RESOURCE_NOT_FOUND")
    problem(alice.put(path), 405, "METHOD_NOT_ALLOWED")


def test_the_token_is_checked_before_the_parameters(server_url: str, alice: httpx.Client) -> None:
    # A client without a token learns nothing about the resources, not even their parameters.
    path = open_session(alice)
    for url in (f"{path}/steps?after=x", f"{path}/steps/x/attachments/model"):
        anonymous = httpx.get(f"{server_url}{url}")
        problem(anonymous, 401, "MISSING_TOKEN")
        assert anonymous.headers["www-authenticate"].startswith("Bearer")
        wrong = httpx.get(f"{server_url}{url}", headers={"Authorization": "Bearer nope"})
        problem(wrong, 401, "INVALID_TOKEN")
        problem(alice.get(url), 400, "INVALID_PARAM")


def test_a_whole_delivery_and_its_attachment(alice: httpx.Client) -> None:
    """Steps 1 and 4 of 5.2.2.2.1: the answers number every step the network performed, and
    the model comes as an attachment with ETag, Repr-Digest and ranges."""
    path = open_session(alice)
    trigger = example("AiServiceTrigger")
    trigger["ueCapabilityInformation"]["supportedAiFrameworks"] = [
        {"name": "ONNX", "version": "1.16"}
    ]
    first = alice.post(f"{path}/ai-service-triggers", json=trigger)
    assert first.status_code == 200, first.text
    performed = first.json()["performed"]
    assert [p["seq"] for p in performed] == list(range(1, len(performed) + 1))
    assert [p["step"] for p in performed] == ["2", "3"]
    assert performed[0]["sender"] == "NETWORK_APPLICATION"
    assert first.json()["allowedSteps"] == ["4"]
    setup = {
        "deliverySessionId": "d-1",
        "modelIdentifier": performed[0]["message"]["modelIdentifier"],
    }
    second = alice.post(f"{path}/delivery-session-setups", json=setup)
    assert second.status_code == 200, second.text
    (delivered,) = [p for p in second.json()["performed"] if p["step"] == "5"]
    (link,) = delivered["attachments"]
    assert link["name"] == "model" and link["size"] > 1000
    whole = alice.get(link["href"])
    assert whole.status_code == 200 and len(whole.content) == link["size"]
    digest = base64.b64encode(hashlib.sha256(whole.content).digest()).decode()
    assert whole.headers["repr-digest"] == link["reprDigest"] == f"sha-256=:{digest}:"
    assert whole.headers["accept-ranges"] == "bytes"
    etag = whole.headers["etag"]
    half = link["size"] // 2
    head = alice.get(link["href"], headers={"Range": f"bytes=0-{half - 1}"})
    assert head.status_code == 206
    assert head.headers["content-range"] == f"bytes 0-{half - 1}/{link['size']}"
    tail = alice.get(link["href"], headers={"Range": f"bytes={half}-", "If-Range": etag})
    assert tail.status_code == 206 and head.content + tail.content == whole.content
    stale = alice.get(link["href"], headers={"Range": f"bytes={half}-", "If-Range": '"old"'})
    assert stale.status_code == 200 and stale.content == whole.content  # changed: send all
    suffix = alice.get(link["href"], headers={"Range": "bytes=-10"})
    assert suffix.content == whole.content[-10:]
    assert alice.get(link["href"], headers={"If-None-Match": etag}).status_code == 304
    beyond = alice.get(link["href"], headers={"Range": f"bytes={link['size']}-"})
    problem(beyond, 416, "RANGE_NOT_SATISFIABLE")
    assert beyond.headers["content-range"] == f"bytes */{link['size']}"
    problem(alice.get(f"{path}/steps/1/attachments/model"), 404, "ATTACHMENT_NOT_FOUND")
    # The log reads back the same steps, from any point.
    log = alice.get(f"{path}/steps", params={"after": 1}).json()["performed"]
    assert [p["seq"] for p in log] == list(range(2, len(log) + 2))
    assert alice.get(path).json()["performed"][0] == performed[0]


# -- limits ----------------------------------------------------------------------------------
def test_an_oversized_body_is_413_declared_or_streamed() -> None:
    with running(create_app(factory, [ALICE], max_body=1000)) as server:
        headers = {"Authorization": f"Bearer {ALICE}"}
        with httpx.Client(base_url=server.url, headers=headers) as client:
            path = open_session(client)
            big = {"sessionId": "x" * 5000}
            problem(client.post(f"{path}/ai-service-triggers", json=big), 413, "BODY_TOO_LARGE")

            def chunks():  # no Content-Length: counted as it streams
                for _ in range(10):
                    yield b" " * 500

            streamed = client.post(
                f"{path}/ai-service-triggers",
                content=chunks(),
                headers={"Content-Type": "application/json"},
            )
            problem(streamed, 413, "BODY_TOO_LARGE")
            assert client.get(path).json()["allowedSteps"] == ["1"]


def test_too_many_sessions_is_429() -> None:
    store = SessionStore(factory, max_sessions=2)
    with running(create_app(factory, [ALICE], store=store)) as server:
        headers = {"Authorization": f"Bearer {ALICE}"}
        with httpx.Client(base_url=server.url, headers=headers) as client:
            first = open_session(client)
            open_session(client)
            response = client.post("/ts26927-model-delivery/v1/sessions", json={})
            problem(response, 429, "TOO_MANY_SESSIONS")
            assert response.headers["retry-after"]
            assert client.delete(first).status_code == 204
            open_session(client)  # room again


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=x", "multipart/form-data"])
def test_a_broken_multipart_body_is_400(alice: httpx.Client, content_type: str) -> None:
    path = open_session(alice)
    response = alice.post(
        f"{path}/ai-service-triggers",
        content=b"--y\r\nnonsense",
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM


class Broken(ReferenceImplementation):
    """An implementation with a bug on step 1, or finding the data unusable."""

    fault: type[Exception] = RuntimeError

    def deliver(self, step, message, attachments):  # type: ignore[no-untyped-def]
        raise self.fault("boom at step " + step)


class Unusable(Broken):
    fault = AttachmentError


def test_an_implementation_fault_is_a_500_problem_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with running(create_app(Broken, [ALICE])) as server:
        headers = {"Authorization": f"Bearer {ALICE}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
            path = open_session(client)
            with caplog.at_level(logging.ERROR, logger="ts26927.http"):
                response = client.post(
                    f"{path}/ai-service-triggers", json=example("AiServiceTrigger")
                )
            body = problem(response, 500, "SYSTEM_FAILURE")
            assert "Traceback" not in body["detail"]
            assert "RuntimeError" in caplog.text and "Traceback" in caplog.text


def test_data_the_implementation_finds_unusable_is_422() -> None:
    with running(create_app(Unusable, [ALICE])) as server:
        headers = {"Authorization": f"Bearer {ALICE}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
            path = open_session(client)
            response = client.post(f"{path}/ai-service-triggers", json=example("AiServiceTrigger"))
            body = problem(response, 422, "STEP_REFUSED")
            assert "AttachmentError" in body["detail"]
            assert client.get(path).json()["allowedSteps"] == ["1"]  # rewound


def test_a_multipart_step_points_into_its_message_part(alice: httpx.Client) -> None:
    path = open_session(alice)
    files = {
        "message": ("message.json", b'{"service": 5, "sessionId": "s"}', "application/json"),
        "unit": ("unit", b"\x00\x01", "application/octet-stream"),
    }
    body = problem(alice.post(f"{path}/ai-service-triggers", files=files), 400, "INVALID_MESSAGE")
    assert [p["param"] for p in body["invalidParams"]] == ["/message/service"]
    bad_name = {"message": files["message"], "no/slash": ("x", b"1", "application/octet-stream")}
    body = problem(
        alice.post(f"{path}/ai-service-triggers", files=bad_name), 400, "INVALID_MSG_FORMAT"
    )
    assert body["invalidParams"][0]["param"] == "/no~1slash"  # RFC 6901 escaping
