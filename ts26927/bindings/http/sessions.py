"""Sessions of the REST binding: one workflow run each, owned by the client that opened it.

A session holds the served implementation (one instance per session, so runs never share
state), the network side's view of the flow's state machine (which answers out-of-order and
malformed steps before the implementation sees them), the numbered log of the steps the
implementation performed, and their attachments. A per-session lock serialises the session's
requests; different sessions run in parallel.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ts26927.bindings.base import Implementation, Output, Refusal, Reply
from ts26927.bindings.http.causes import (
    INVALID_MESSAGE,
    SESSION_NOT_FOUND,
    SETUP_REFUSED,
    STEP_OUT_OF_ORDER,
    STEP_REFUSED,
    TOO_MANY_SESSIONS,
)
from ts26927.bindings.http.problems import Problem, invalid_params
from ts26927.bindings.http.routes import Route, api_root
from ts26927.bindings.http.wire import AttachmentLink, PerformedStep, SessionCreation
from ts26927.errors import InvalidMessageError, ProtocolError, Ts26927Error
from ts26927.flows import FlowSession, get_flow
from ts26927.flows.functions import Side
from ts26927.flows.table import Flow

#: Sessions one server holds at most (all clients together); the oldest idle one past
#: :data:`IDLE_S` is dropped first.
MAX_SESSIONS = 2000
IDLE_S = 1800.0


@dataclass(frozen=True)
class StoredAttachment:
    data: bytes
    etag: str
    repr_digest: str


def stored(data: bytes) -> StoredAttachment:
    digest = hashlib.sha256(data).digest()
    return StoredAttachment(
        data,
        f'"{digest.hex()[:40]}"',
        f"sha-256=:{base64.b64encode(digest).decode()}:",
    )


def owner_of(token: str) -> str:
    """A session remembers a digest of its client's token, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class HttpSession:
    id: str
    owner: str
    flow: Flow
    iut: Implementation
    view: FlowSession
    performed: list[PerformedStep] = field(default_factory=list)
    attachments: dict[tuple[int, str], StoredAttachment] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_used: float = field(default_factory=time.monotonic)
    diverged: str | None = None
    """Set when the implementation performed a step its own flow refuses: from then on the
    session no longer pre-checks steps (the suite judges what was performed)."""

    @property
    def root(self) -> str:
        return f"{api_root(self.flow.id)}/sessions/{self.id}"

    def deliver(
        self, route: Route, message: Any, attachments: dict[str, bytes], where: str
    ) -> list[PerformedStep]:
        """Take the step ``route`` carries; the steps performed in answer."""
        with self.lock:
            self.last_used = time.monotonic()
            if self.diverged is None:
                try:
                    self.view.accept(route.step, message)
                except InvalidMessageError as error:
                    raise Problem(
                        INVALID_MESSAGE,
                        str(error),
                        invalid=invalid_params(error.issues, where),
                    ) from None
                except ProtocolError as error:
                    raise Problem(STEP_OUT_OF_ORDER, str(error), allowed=error.allowed) from None
            try:
                reply = self.iut.deliver(route.step, message, attachments)
            except Ts26927Error as error:  # the implementation found the data unusable
                self._undo()
                raise Problem(STEP_REFUSED, f"{type(error).__name__}: {error}") from None
            if isinstance(reply, Refusal):
                self._undo()
                raise Problem(STEP_REFUSED, reply.reason)
            return self._record(reply)

    def poll(self) -> list[PerformedStep]:
        """Let the implementation perform the steps it has ready."""
        with self.lock:
            self.last_used = time.monotonic()
            reply = self.iut.poll()
            if isinstance(reply, Refusal):
                return []
            return self._record(reply)

    def after(self, seq: int) -> list[PerformedStep]:
        return [p for p in self.performed if p.seq > seq]

    def allowed(self) -> list[str]:
        return [] if self.diverged is not None else self.view.allowed()

    def _undo(self) -> None:
        if self.diverged is None:
            self.view.rewind()

    def _record(self, reply: Reply) -> list[PerformedStep]:
        assert not isinstance(reply, Refusal)
        done: list[PerformedStep] = []
        for output in reply:
            done.append(self._append(output))
            if self.diverged is None:
                try:
                    self.view.accept(output.step, output.message)
                except ProtocolError as error:
                    self.diverged = str(error)
        return done

    def _append(self, output: Output) -> PerformedStep:
        seq = len(self.performed) + 1
        step = self.flow.step(output.step)
        sender = receiver = "UNKNOWN"
        if step is not None:
            ours = step.sender.side is Side.NETWORK or not step.either_direction
            first, second = (step.sender, step.receiver) if ours else (step.receiver, step.sender)
            sender, receiver = first.key, second.key
        links = []
        for name, data in output.attachments.items():
            kept = stored(data)
            self.attachments[(seq, name)] = kept
            links.append(
                AttachmentLink(
                    name=name,
                    href=f"{self.root}/steps/{seq}/attachments/{name}",
                    size=len(data),
                    reprDigest=kept.repr_digest,
                )
            )
        performed = PerformedStep(
            seq=seq,
            step=output.step,
            sender=sender,
            receiver=receiver,
            message=output.message,
            attachments=links,
        )
        self.performed.append(performed)
        return performed


class SessionStore:
    """All sessions of one server, by id."""

    def __init__(
        self,
        factory: Callable[[], Implementation],
        *,
        max_sessions: int = MAX_SESSIONS,
        idle_s: float = IDLE_S,
    ) -> None:
        self.factory = factory
        self.max_sessions = max_sessions
        self.idle_s = idle_s
        self._sessions: dict[str, HttpSession] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def create(self, owner: str, flow_id: str, creation: SessionCreation) -> HttpSession:
        self._make_room()
        flow = get_flow(flow_id)
        iut = self.factory()
        state = {"state": creation.preamble.state, "params": dict(creation.preamble.params)}
        try:
            iut.setup(creation.caseId or "http-session", flow_id, Side.NETWORK.value, state)
        except Exception as error:  # the implementation cannot take this preamble
            raise Problem(
                SETUP_REFUSED, f"the preamble was refused: {type(error).__name__}: {error}"
            ) from None
        session = HttpSession(
            secrets.token_urlsafe(24), owner, flow, iut, FlowSession(flow, view=Side.NETWORK)
        )
        begin = iut.begin()
        if isinstance(begin, Refusal):
            raise Problem(SETUP_REFUSED, f"the implementation could not start: {begin}")
        session._record(begin)
        with self._lock:
            self._sessions[session.id] = session
        return session

    def get(self, owner: str, flow_id: str, session_id: str) -> HttpSession:
        """The session, if this client owns it and it runs this flow; else 404 (the same
        answer as for an id that never existed: ids of other clients are not revealed)."""
        session = self._sessions.get(session_id)
        if (
            session is None
            or session.flow.id != flow_id
            or not hmac.compare_digest(session.owner, owner)
        ):
            raise Problem(SESSION_NOT_FOUND, f"no session {session_id!r} of {flow_id}")
        return session

    def delete(self, owner: str, flow_id: str, session_id: str) -> None:
        session = self.get(owner, flow_id, session_id)
        with self._lock:
            self._sessions.pop(session.id, None)
        with session.lock:
            session.iut.teardown()

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            with session.lock:
                session.iut.stop()

    def _make_room(self) -> None:
        now = time.monotonic()
        with self._lock:
            for key in [k for k, s in self._sessions.items() if now - s.last_used > self.idle_s]:
                self._sessions.pop(key).iut.teardown()
            if len(self._sessions) >= self.max_sessions:
                raise Problem(
                    TOO_MANY_SESSIONS,
                    f"the server holds {self.max_sessions} sessions; delete finished ones",
                    headers={"Retry-After": "60"},
                )


__all__ = ["HttpSession", "SessionStore", "StoredAttachment", "owner_of", "stored"]
