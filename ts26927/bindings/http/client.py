"""The suite's HTTP target: an implementation reached through the REST binding, behind the
same :class:`~ts26927.bindings.base.Implementation` interface as the other targets.

Each case opens a session of its workflow with the case's preamble, sends every step the
test system performs to the step's route (the binding table of :mod:`.routes`), and reads
the steps the server performed from its answers and from ``…/steps?after=N``. Attachments
are downloaded from their links, resumed with a range request when a transfer is cut, and
verified against their ``Repr-Digest``. A Problem Details answer to a step is the
implementation refusing it; anything outside the binding is an :class:`HttpBindingError`.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
from typing import Any

import httpx

from ts26927.bindings.base import ImplementationInfo, Output, Refusal, Reply
from ts26927.bindings.http.routes import api_root, route_for
from ts26927.bindings.http.wire import PerformedStep, SessionResource, StepList
from ts26927.errors import HarnessSetupRefusedError, HttpBindingError, SetupError

#: Resumptions of one attachment download before giving up.
MAX_RESUMES = 3
MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024


class HttpImplementation:
    """The network side of a product that speaks the REST binding at ``base_url``."""

    def __init__(
        self,
        base_url: str,
        token: str,
        declaration: ImplementationInfo,
        *,
        timeout_s: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.declaration = declaration
        self.client = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout_s,
            transport=transport,
        )
        self.flow: str | None = None
        self.session_path: str | None = None
        self.last_seq = 0
        self.started: list[Output] = []

    # -- the Implementation interface ---------------------------------------------------
    def describe(self) -> ImplementationInfo:
        return self.declaration

    def setup(self, case_id: str, flow: str, role: str, state: dict[str, Any]) -> None:
        if role != "NETWORK":
            raise HarnessSetupRefusedError(
                self.base_url, "setup", "the REST binding serves the network side only"
            )
        body = {
            "caseId": case_id,
            "preamble": {"state": state.get("state"), "params": state.get("params", {})},
        }
        response = self._send("POST", f"{api_root(flow)}/sessions", "create session", json=body)
        if response.status_code == 422:
            raise HarnessSetupRefusedError(self.base_url, "setup", _detail(response))
        self._expect(response, 201, "create session")
        created = self._parse(SessionResource, response, "create session")
        self.flow = flow
        self.session_path = f"{api_root(flow)}/sessions/{created.sessionId}"
        self.last_seq = 0
        self.started = self._outputs(created.performed)

    def begin(self) -> Reply:
        started, self.started = self.started, []
        return started

    def deliver(
        self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]
    ) -> Reply:
        flow, session = self._ready()
        route = route_for(flow, step)
        if route is None:
            raise HttpBindingError(
                self.base_url, f"step {step}", f"no route of the binding carries step {step}"
            )
        path = route.path.replace("{sessionId}", session.rsplit("/", 1)[-1])
        url = api_root(flow) + path
        where = f"step {step}"
        if attachments:
            files = [("message", ("message.json", _json(message), "application/json"))]
            files += [
                (name, (name, data, "application/octet-stream"))
                for name, data in attachments.items()
            ]
            response = self._send("POST", url, where, files=files)
        else:
            response = self._send(
                "POST",
                url,
                where,
                content=_json(message),
                headers={"Content-Type": "application/json"},
            )
        if response.status_code in (400, 409, 413, 415, 422):
            return Refusal(f"HTTP {response.status_code}: {_detail(response)}")
        self._expect(response, 200, where)
        return self._outputs(self._parse(StepList, response, where).performed)

    def poll(self) -> Reply:
        _, session = self._ready()
        response = self._send(
            "GET", f"{session}/steps", "poll", params={"after": str(self.last_seq)}
        )
        self._expect(response, 200, "poll")
        return self._outputs(self._parse(StepList, response, "poll").performed)

    def teardown(self) -> None:
        if self.session_path is not None:
            with contextlib.suppress(httpx.HTTPError):  # the server drops idle ones itself
                self.client.delete(self.session_path)
        self.flow = self.session_path = None
        self.started = []

    def stop(self) -> None:
        self.teardown()
        self.client.close()

    # -- helpers --------------------------------------------------------------------------
    def _ready(self) -> tuple[str, str]:
        if self.flow is None or self.session_path is None:
            raise SetupError("no case is set up")
        return self.flow, self.session_path

    def _send(self, method: str, url: str, where: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            raise HttpBindingError(
                self.base_url, where, f"{type(error).__name__}: {error}"
            ) from None

    def _expect(self, response: httpx.Response, status: int, where: str) -> None:
        if response.status_code != status:
            raise HttpBindingError(
                self.base_url,
                where,
                f"answered HTTP {response.status_code} (expected {status}): {_detail(response)}",
            )

    def _parse(self, model: Any, response: httpx.Response, where: str) -> Any:
        try:
            return model.model_validate_json(response.content)
        except ValueError as error:
            raise HttpBindingError(
                self.base_url, where, f"the body is not a {model.__name__}: {error}"
            ) from None

    def _outputs(self, performed: list[PerformedStep]) -> list[Output]:
        outputs = []
        for item in sorted(performed, key=lambda p: p.seq):
            if item.seq <= self.last_seq:
                continue  # already taken (a step list may repeat what an answer held)
            if item.seq != self.last_seq + 1:
                raise HttpBindingError(
                    self.base_url,
                    f"step {item.step}",
                    f"performed step number {item.seq} follows {self.last_seq}: steps were lost",
                )
            self.last_seq = item.seq
            attachments = {
                link.name: self.fetch(link.href, link.size, link.reprDigest)
                for link in item.attachments
            }
            outputs.append(Output(item.step, item.message, attachments))
        return outputs

    def fetch(self, href: str, size: int, repr_digest: str) -> bytes:
        """Download an attachment, resuming a cut transfer with ``Range`` + ``If-Range``, and
        verify its digest."""
        where = f"attachment {href}"
        if size > MAX_ATTACHMENT_BYTES:
            raise HttpBindingError(self.base_url, where, f"announces {size} bytes")
        received = bytearray()
        etag: str | None = None
        for _ in range(MAX_RESUMES + 1):
            headers = {}
            if received:
                headers["Range"] = f"bytes={len(received)}-"
                if etag:
                    headers["If-Range"] = etag
            try:
                with self.client.stream("GET", href, headers=headers) as response:
                    if response.status_code not in (200, 206):
                        response.read()
                        self._expect(response, 200, where)
                    if response.status_code == 200:
                        received.clear()
                    etag = response.headers.get("etag", etag)
                    for chunk in response.iter_bytes():
                        received.extend(chunk)
                        if len(received) > size:
                            raise HttpBindingError(self.base_url, where, "longer than announced")
                break
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.ReadTimeout):
                continue  # cut: resume from what arrived
        data = bytes(received)
        if len(data) != size:
            raise HttpBindingError(self.base_url, where, f"got {len(data)} of {size} bytes")
        expected = f"sha-256=:{base64.b64encode(hashlib.sha256(data).digest()).decode()}:"
        if repr_digest != expected:
            raise HttpBindingError(self.base_url, where, "the bytes do not match Repr-Digest")
        return data


def _json(message: Any) -> bytes:
    return json.dumps(message, separators=(",", ":"), allow_nan=False).encode()


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        cause = body.get("cause", "")
        return f"{cause}: {body.get('detail', '')}".strip(": ")
    return str(body)[:300]


__all__ = ["MAX_RESUMES", "HttpImplementation"]
