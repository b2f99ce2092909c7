"""The load side of ``ts26927 bench http``: the reference server in a child process, HTTP
requests timed to their last byte, and client threads that each run whole sessions."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from ts26927.bindings.base import ImplementationInfo
from ts26927.bindings.http.client import HttpImplementation
from ts26927.conformance.case import TestCase
from ts26927.conformance.preamble import with_fixture_digests
from ts26927.conformance.runner import run_case
from ts26927.conformance.verdict import Verdict

START_S = 60.0
#: The server builds its models when the first session asks for them (seconds, or minutes
#: on a busy machine): longer than a case's own step timeout.
WARM_UP_S = 600.0
STOP_S = 15.0


# -- the server process -------------------------------------------------------------------
@dataclass(frozen=True)
class Served:
    url: str
    token: str
    pid: int


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serving() -> Iterator[Served]:
    """``ts26927 serve`` (the reference engine) in a child process until the block ends;
    the child is stopped (killed if it does not stop) whatever ends the block."""
    token = secrets.token_urlsafe(24)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "ts26927.cli", "serve", "--port", str(port)]
    with tempfile.TemporaryFile() as log:
        # The token goes by the environment, which other users cannot read, not by argv.
        env = {**os.environ, "TS26927_TOKENS": token}
        # One BLAS thread: the server builds its models beside busy clients, and OpenBLAS
        # threads that spin for a core another process holds make that ten times slower.
        env.setdefault("OPENBLAS_NUM_THREADS", "1")
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env)
        try:
            with _terminate_as_exit():
                _wait_until_served(child, url, token, log)
                yield Served(url, token, child.pid)
        finally:
            _stop(child)


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """While the block runs, SIGTERM ends this process by ``SystemExit`` (which unwinds
    through ``finally``) rather than at once, which would leave the server running."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; its own handler then applies
        return

    def leave(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    before = signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _wait_until_served(child: subprocess.Popen[bytes], url: str, token: str, log: Any) -> None:
    probe = f"{url}/ts26927-split-inference/v1/sessions/probe"
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if child.poll() is not None:
            break
        try:
            answer = httpx.get(probe, headers=headers, timeout=2)
        except httpx.HTTPError:
            time.sleep(0.1)
            continue
        if answer.status_code == 404:  # our server, taking our token: no such session
            return
        raise RuntimeError(f"{url} answered HTTP {answer.status_code}: not the bench's server")
    log.seek(0)
    said = log.read().decode(errors="replace")[-2000:]
    raise RuntimeError(f"the server did not start on {url} within {START_S:g} s: {said}")


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.terminate()  # uvicorn stops gracefully on SIGTERM
        try:
            child.wait(STOP_S)
        except subprocess.TimeoutExpired:
            child.kill()
    child.wait()


# -- timing of requests -------------------------------------------------------------------
@dataclass
class RequestLog:
    """Every request's latency (ms) and whether it carried the small step; failures."""

    small_path: str
    times: list[tuple[bool, float]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def done(self, request: httpx.Request, status: int, ms: float) -> None:
        small = request.method == "POST" and request.url.path.endswith(self.small_path)
        self.times.append((small, ms))  # list.append is atomic: threads share the log
        if status >= 500:
            self.failures.append(f"{request.method} {request.url.path}: HTTP {status}")

    def failed(self, request: httpx.Request, error: Exception) -> None:
        self.failures.append(f"{request.method} {request.url.path}: {type(error).__name__}")


class _TimedStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, on_close: Callable[[], None]) -> None:
        self.inner, self.on_close = inner, on_close

    def __iter__(self) -> Iterator[bytes]:
        yield from self.inner

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            self.on_close()


class TimedTransport(httpx.BaseTransport):
    """Times each request from sending it until its body is read (the stream's close)."""

    def __init__(self, log: RequestLog, inner: httpx.BaseTransport | None = None) -> None:
        self.inner = inner if inner is not None else httpx.HTTPTransport()
        self.log = log

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        begun = time.perf_counter()
        try:
            response = self.inner.handle_request(request)
        except httpx.TransportError as error:
            self.log.failed(request, error)
            raise
        stream = response.stream
        assert isinstance(stream, httpx.SyncByteStream)
        status = response.status_code
        closed = threading.Event()

        def finish() -> None:
            if not closed.is_set():
                closed.set()
                self.log.done(request, status, (time.perf_counter() - begun) * 1000)

        if response.is_closed:  # already read by the transport: done now
            finish()
        else:
            response.stream = _TimedStream(stream, finish)
        return response

    def close(self) -> None:
        self.inner.close()


# -- the clients --------------------------------------------------------------------------
@dataclass
class Outcomes:
    sessions: int = 0
    passed: int = 0
    not_passed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, problem: str | None) -> None:
        with self.lock:
            self.sessions += 1
            self.passed += problem is None
            if problem is not None:
                self.not_passed.append(problem)


def run_client(
    url: str,
    token: str,
    info: ImplementationInfo,
    case: TestCase,
    sessions: int,
    log: RequestLog,
    outcomes: Outcomes,
    start: threading.Barrier | None,
    name: str,
) -> None:
    iut = HttpImplementation(url, token, info, transport=TimedTransport(log))
    try:
        if start is not None:
            start.wait()
        for index in range(sessions):
            result = run_case(case, iut, info)
            passed = result.verdict is Verdict.PASS
            outcomes.add(
                None
                if passed
                else f"{name} session {index + 1}: {result.verdict.value} at step "
                f"{result.step}: {result.reason[:300]}"
            )
    except Exception as error:  # a fault of the bench itself: counted, never hidden
        with outcomes.lock:
            outcomes.not_passed.append(f"{name}: {type(error).__name__}: {error}")
    finally:
        iut.stop()


def load(
    served: Served,
    info: ImplementationInfo,
    case: TestCase,
    clients: int,
    sessions: int,
    log: RequestLog,
) -> tuple[Outcomes, float]:
    """``clients`` threads, each running ``sessions`` sessions; the wall time from the
    moment all are ready."""
    outcomes = Outcomes()
    start = threading.Barrier(clients + 1)
    threads = [
        threading.Thread(
            target=run_client,
            args=(served.url, served.token, info, case, sessions, log, outcomes, start),
            kwargs={"name": f"client {n + 1}"},
            name=f"bench-http-{n + 1}",
            daemon=True,  # an interrupted bench must not wait for them
        )
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    begun = time.perf_counter()
    for thread in threads:
        thread.join()
    return outcomes, time.perf_counter() - begun


def warm_up(served: Served, info: ImplementationInfo, case: TestCase) -> None:
    """Open one session of ``case`` and close it, giving the server all the time it needs
    to build the models the session uses."""
    iut = HttpImplementation(served.url, served.token, info, timeout_s=WARM_UP_S)
    try:
        state = {
            "state": case.preamble.state,
            "params": with_fixture_digests(case.preamble.params),
        }
        iut.setup(case.id, case.flow, case.role.value, state)
    finally:
        iut.stop()


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of process ``pid`` so far (None where ``/proc`` is not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuMeter:
    """CPU used by the server process and by this (the clients') process over a phase."""

    server_pid: int
    server: float | None = None
    clients: float = 0.0

    def __enter__(self) -> CpuMeter:
        self.server, self.clients = process_cpu_s(self.server_pid), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        now = process_cpu_s(self.server_pid)
        self.server = None if now is None or self.server is None else now - self.server
        self.clients = time.process_time() - self.clients

    def figures(self, requests: int, wall_s: float) -> dict[str, float | None]:
        per = 1000 / requests if requests else 0.0
        busy = (self.server or 0.0) + self.clients
        return {
            "server_cpu_ms_per_request": _round(None if self.server is None else self.server * per),
            "client_cpu_ms_per_request": _round(self.clients * per),
            "cores_busy": _round(busy / wall_s) if self.server is not None and wall_s else None,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


__all__ = [
    "CpuMeter",
    "Outcomes",
    "RequestLog",
    "Served",
    "TimedTransport",
    "load",
    "process_cpu_s",
    "run_client",
    "serving",
    "warm_up",
]
