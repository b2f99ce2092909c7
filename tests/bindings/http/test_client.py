"""The suite's HTTP target against scripted servers: what it sends, how it reads answers,
resumes cut downloads, and tells a refusal from a server outside the binding."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterator

import httpx
import pytest

from ts26927.bindings.base import ImplementationInfo, Output, Refusal
from ts26927.bindings.http.client import HttpImplementation
from ts26927.errors import HarnessSetupRefusedError, HttpBindingError

ROOT = "/ts26927-split-inference/v1/sessions"
SID = "S" * 32
MODEL = bytes(range(256)) * 40
INFO = ImplementationInfo(name="scripted", version="1")


def digest(data: bytes) -> str:
    return f"sha-256=:{base64.b64encode(hashlib.sha256(data).digest()).decode()}:"


def performed(seq: int, step: str, attachments: list[dict] | None = None) -> dict:
    return {
        "seq": seq,
        "step": step,
        "sender": "NETWORK_APPLICATION",
        "receiver": "UE_APPLICATION",
        "message": {"n": seq},
        "attachments": attachments or [],
    }


def session(performed_steps: list[dict]) -> httpx.Response:
    return httpx.Response(
        201,
        json={
            "sessionId": SID,
            "flow": "split-inference",
            "clause": "5.2.3.2",
            "state": "s",
            "performed": performed_steps,
            "allowedSteps": [],
        },
    )


def steps(performed_steps: list[dict]) -> httpx.Response:
    return httpx.Response(200, json={"performed": performed_steps, "allowedSteps": []})


class CutStream(httpx.SyncByteStream):
    """A body that breaks off after ``cut`` bytes, as a dropped connection does."""

    def __init__(self, data: bytes, cut: int) -> None:
        self.data, self.cut = data, cut

    def __iter__(self) -> Iterator[bytes]:
        yield self.data[: self.cut]
        raise httpx.RemoteProtocolError("peer closed connection")


def target(handler: Callable[[httpx.Request], httpx.Response]) -> HttpImplementation:
    return HttpImplementation(
        "http://iut.test", "tok", INFO, transport=httpx.MockTransport(handler)
    )


def test_a_step_goes_to_its_route_as_json_and_the_answer_is_read() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == ROOT:
            return session([])
        return steps([performed(1, "3a"), performed(2, "4a")])

    iut = target(handler)
    iut.setup("case", "split-inference", "NETWORK", {"state": "idle", "params": {"m": 1}})
    assert iut.begin() == []
    reply = iut.deliver("2a", {"a": 1}, {})
    assert reply == [Output("3a", {"n": 1}), Output("4a", {"n": 2})]
    create, step = seen
    assert json.loads(create.content) == {
        "caseId": "case",
        "preamble": {"state": "idle", "params": {"m": 1}},
    }
    assert step.url.path == f"{ROOT}/{SID}/ai-split-inference-requests"
    assert step.headers["content-type"] == "application/json"
    assert step.headers["authorization"] == "Bearer tok"
    assert json.loads(step.content) == {"a": 1}


def test_attachments_go_as_multipart_parts() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return session([]) if request.url.path == ROOT else steps([])

    iut = target(handler)
    iut.setup("case", "split-inference", "NETWORK", {})
    iut.deliver("18b", {"x": 1}, {"unit": b"\x00\x01unit"})
    body = seen[-1].read()
    assert seen[-1].headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="message"' in body and b'{"x":1}' in body
    assert b'name="unit"' in body and b"\x00\x01unit" in body
    assert b"Content-Type: application/octet-stream" in body


def test_a_cut_download_is_resumed_with_a_range() -> None:
    ranges: list[str | None] = []
    link = {"name": "model", "href": "/m", "size": len(MODEL), "reprDigest": digest(MODEL)}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == ROOT:
            return session([performed(1, "13", [link])])
        ranges.append(request.headers.get("range"))
        if "range" not in request.headers:
            return httpx.Response(200, headers={"ETag": '"e1"'}, stream=CutStream(MODEL, 3000))
        assert request.headers["if-range"] == '"e1"'
        start = int(request.headers["range"].removeprefix("bytes=").rstrip("-"))
        return httpx.Response(206, headers={"ETag": '"e1"'}, content=MODEL[start:])

    iut = target(handler)
    iut.setup("case", "split-inference", "NETWORK", {})
    (output,) = iut.begin()
    assert output.attachments == {"model": MODEL}
    assert ranges == [None, "bytes=3000-"]


def test_a_download_that_does_not_match_its_digest_is_an_error() -> None:
    link = {"name": "model", "href": "/m", "size": len(MODEL), "reprDigest": digest(b"other")}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == ROOT:
            return session([performed(1, "13", [link])])
        return httpx.Response(200, content=MODEL)

    iut = target(handler)
    with pytest.raises(HttpBindingError, match="Repr-Digest"):
        iut.setup("case", "split-inference", "NETWORK", {})


def test_lost_steps_are_an_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == ROOT:
            return session([performed(1, "3a")])
        return steps([performed(3, "5a")])

    iut = target(handler)
    iut.setup("case", "split-inference", "NETWORK", {})
    with pytest.raises(HttpBindingError, match="steps were lost"):
        iut.poll()


def test_repeated_steps_are_taken_once() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == ROOT:
            return session([performed(1, "3a")])
        return steps([performed(1, "3a"), performed(2, "4a")])

    iut = target(handler)
    iut.setup("case", "split-inference", "NETWORK", {})
    assert [o.step for o in iut.begin()] == ["3a"]
    assert [o.step for o in iut.poll()] == ["4a"]
    assert iut.poll() == []


@pytest.mark.parametrize("status", [400, 409, 413, 415, 422])
def test_a_problem_answer_to_a_step_is_a_refusal(status: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == ROOT:
            return session([])
        return httpx.Response(status, json={"cause": "WHY", "detail": "because", "status": status})

    iut = target(handler)
    iut.setup("case", "split-inference", "NETWORK", {})
    reply = iut.deliver("2a", {}, {})
    assert isinstance(reply, Refusal)
    assert reply.reason == f"HTTP {status}: WHY: because"


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(500, json={"cause": "SYSTEM_FAILURE"}),
        httpx.Response(404, json={"cause": "SESSION_NOT_FOUND"}),
        httpx.Response(200, json={"performed": "not a list"}),
        httpx.Response(200, content=b"<html>"),
    ],
)
def test_an_answer_outside_the_binding_is_an_error(response: httpx.Response) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return session([]) if request.url.path == ROOT else response

    iut = target(handler)
    iut.setup("case", "split-inference", "NETWORK", {})
    with pytest.raises(HttpBindingError):
        iut.deliver("2a", {}, {})


def test_a_step_no_route_carries_is_an_error() -> None:
    iut = target(lambda request: session([]))
    iut.setup("case", "split-inference", "NETWORK", {})
    with pytest.raises(HttpBindingError, match="no route"):
        iut.deliver("4a", {}, {})


def test_setup_refusals() -> None:
    iut = target(lambda request: httpx.Response(422, json={"cause": "SETUP_REFUSED"}))
    with pytest.raises(HarnessSetupRefusedError, match="SETUP_REFUSED"):
        iut.setup("case", "split-inference", "NETWORK", {})
    with pytest.raises(HarnessSetupRefusedError, match="network side only"):
        iut.setup("case", "split-inference", "UE", {})


def test_an_unreachable_server_is_an_error() -> None:
    iut = HttpImplementation("http://127.0.0.1:9", "tok", INFO, timeout_s=2)
    with pytest.raises(HttpBindingError, match="ConnectError"):
        iut.setup("case", "split-inference", "NETWORK", {})
    iut.stop()
