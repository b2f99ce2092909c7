"""``ts26927 bench http``: the REST binding under concurrent clients, measured in one run.

The reference server (``ts26927 serve``) runs in a process of its own on a loopback port, so
that the clients' load and the server do not share one interpreter lock. Each of
``clients`` threads has its own HTTP connection and runs whole split-inference sessions: the
conformance case :data:`SESSION_CASE` through the suite's runner, so every session is judged
by the suite's checks (a session that lost a step or got another's fails its verdict).

* ``p50_ms`` / ``p99_ms``: latency of every HTTP request of the loaded phase, seen by the
  client from sending the request to reading the body's last byte.
* ``small_step_p99_ms``: the same for the small JSON step :data:`SMALL_STEP` alone, against
  ``in_process_step_ms``: that step delivered to an in-process reference implementation
  (the median of :data:`IN_PROCESS_REPEAT`, set up before each, timing the delivery only).
* ``single_client``: the same figures for one client alone, before the load (no queueing).
* Why the loaded figures are what they are: ``server_cpu_ms_per_request`` and
  ``client_cpu_ms_per_request`` (the CPU each process spent per request while loaded),
  ``cores_busy``, and ``cycle_ms_by_littles_law``: with each client always waiting on one
  request, clients / requests_per_s is the mean time between one client's requests.
* ``resumed_delivery``: the classifier model of a model-delivery session downloaded whole,
  then again as two ranges, the second with ``If-Range``; the joined bytes must equal the
  whole and its ``Repr-Digest``.

Targets: no errors (every session passes, no request failed or answered 5xx), the resumed
delivery equal, and ``small_step_p99_ms <= LATENCY_FACTOR * in_process_step_ms +
LATENCY_ALLOWANCE_MS``.
"""

from __future__ import annotations

import base64
import hashlib
import math
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

from ts26927.bench.http_load import (
    CpuMeter,
    Outcomes,
    RequestLog,
    Served,
    load,
    run_client,
    serving,
    warm_up,
)
from ts26927.bindings.base import ImplementationInfo, Reply
from ts26927.bindings.http.client import HttpImplementation
from ts26927.bindings.http.routes import route_for
from ts26927.bindings.reference import ReferenceImplementation
from ts26927.conformance.case import TestCase
from ts26927.conformance.runner import run_case
from ts26927.conformance.suite import load_suite
from ts26927.conformance.verdict import Verdict

SESSION_CASE = "5.2.3.2-split-inference-001"
DELIVERY_CASE = "5.2.2.2.1-model-delivery-001"
#: The small JSON step timed on its own: split inference's session establishment.
SMALL_STEP = ("split-inference", "0")
LATENCY_FACTOR = 5.0
LATENCY_ALLOWANCE_MS = 5.0
IN_PROCESS_REPEAT = 200
SINGLE_CLIENT_SESSIONS = 20
FIRST_ERRORS = 5

Progress = Callable[[str], None]


# -- the in-process baseline --------------------------------------------------------------
class _Recorder:
    """The reference implementation, remembering its setup and the steps delivered to it."""

    def __init__(self) -> None:
        self.inner = ReferenceImplementation()
        self.setup_args: tuple[str, str, str, dict[str, Any]] | None = None
        self.delivered: dict[str, dict[str, Any] | None] = {}

    def describe(self) -> ImplementationInfo:
        return self.inner.describe()

    def setup(self, case_id: str, flow: str, role: str, state: dict[str, Any]) -> None:
        self.setup_args = (case_id, flow, role, state)
        self.inner.setup(case_id, flow, role, state)

    def begin(self) -> Reply:
        return self.inner.begin()

    def deliver(
        self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]
    ) -> Reply:
        self.delivered.setdefault(step, message)
        return self.inner.deliver(step, message, attachments)

    def poll(self) -> Reply:
        return self.inner.poll()

    def teardown(self) -> None:
        self.inner.teardown()

    def stop(self) -> None:
        self.inner.stop()


def record(case: TestCase) -> _Recorder:
    """Run ``case`` in process against the reference implementation (which builds its
    models here), remembering its setup and the messages it delivered."""
    recorder = _Recorder()
    result = run_case(case, recorder, recorder.describe())
    if result.verdict is not Verdict.PASS or recorder.setup_args is None:
        raise RuntimeError(f"{case.id} does not pass in process: {result.reason}")
    return recorder


def in_process_step_ms(recorded: _Recorder, step: str, repeat: int = IN_PROCESS_REPEAT) -> float:
    """Median time (ms) of delivering the recorded ``step`` to a freshly set-up in-process
    reference implementation (the setup is not timed)."""
    assert recorded.setup_args is not None
    message = recorded.delivered[step]
    times = []
    for _ in range(repeat + 1):  # the first is a warm-up
        iut = ReferenceImplementation()
        iut.setup(*recorded.setup_args)
        iut.begin()
        begun = time.perf_counter()
        reply = iut.deliver(step, message, {})
        times.append(time.perf_counter() - begun)
        if not isinstance(reply, list):
            raise RuntimeError(f"step {step} was refused in process: {reply}")
    return statistics.median(times[1:]) * 1000


# -- the resumed delivery -----------------------------------------------------------------
class _KeepSession:
    """An HTTP target whose teardown waits, so that the session's attachments can still be
    read after the case."""

    def __init__(self, inner: HttpImplementation) -> None:
        self.inner = inner
        self.session_path: str | None = None

    def describe(self) -> ImplementationInfo:
        return self.inner.describe()

    def setup(self, case_id: str, flow: str, role: str, state: dict[str, Any]) -> None:
        self.inner.setup(case_id, flow, role, state)
        self.session_path = self.inner.session_path

    def begin(self) -> Reply:
        return self.inner.begin()

    def deliver(
        self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]
    ) -> Reply:
        return self.inner.deliver(step, message, attachments)

    def poll(self) -> Reply:
        return self.inner.poll()

    def teardown(self) -> None:
        pass  # the bench deletes the session once it has read the attachment

    def stop(self) -> None:
        self.inner.stop()


def resumed_delivery(served: Served, info: ImplementationInfo, case: TestCase) -> dict[str, Any]:
    """Run a model-delivery session, then fetch step 5's ``model`` whole and as two ranges
    (the second with ``If-Range``) and compare."""
    http = HttpImplementation(served.url, served.token, info)
    kept = _KeepSession(http)
    found: dict[str, Any] = {"ok": False}
    try:
        result = run_case(case, kept, info)
        found["verdict"] = result.verdict.value
        if result.verdict is not Verdict.PASS or kept.session_path is None:
            found["reason"] = result.reason[:300]
            return found
        client = http.client
        listed = client.get(f"{kept.session_path}/steps", params={"after": "0"}).json()
        link = next(
            a
            for p in listed["performed"]
            if p["step"] == "5"
            for a in p["attachments"]
            if a["name"] == "model"
        )
        whole = client.get(link["href"])
        size = len(whole.content)
        half = size // 2
        ranges = [f"bytes=0-{half}", f"bytes={half + 1}-"]
        first = client.get(link["href"], headers={"Range": ranges[0]})
        rest = client.get(
            link["href"],
            headers={"Range": ranges[1], "If-Range": first.headers.get("etag", "")},
        )
        joined = first.content + rest.content
        digest = hashlib.sha256(joined).digest()
        computed = f"sha-256=:{base64.b64encode(digest).decode()}:"
        found.update(
            bytes=size,
            ranges=ranges,
            statuses=[whole.status_code, first.status_code, rest.status_code],
            content_ranges=[first.headers.get("content-range"), rest.headers.get("content-range")],
            equal=joined == whole.content and size == link["size"] > 0,
            digest_matches=computed == whole.headers.get("repr-digest") == link["reprDigest"],
        )
        found["ok"] = (
            found["statuses"] == [200, 206, 206] and found["equal"] and found["digest_matches"]
        )
        return found
    finally:
        http.teardown()
        http.stop()


# -- the bench ----------------------------------------------------------------------------
def _percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def _figures(log: RequestLog, wall_s: float) -> dict[str, Any]:
    every = [ms for _, ms in log.times]
    small = [ms for is_small, ms in log.times if is_small]
    return {
        "requests": len(every),
        "p50_ms": _round(_percentile(every, 50)),
        "p99_ms": _round(_percentile(every, 99)),
        "max_ms": _round(max(every, default=None)),
        "requests_per_s": round(len(every) / wall_s, 1) if wall_s > 0 else None,
        "small_steps": len(small),
        "small_step_p50_ms": _round(_percentile(small, 50)),
        "small_step_p99_ms": _round(_percentile(small, 99)),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _cases() -> dict[str, TestCase]:
    wanted = {SESSION_CASE, DELIVERY_CASE}
    return {case.id: case for case in load_suite() if case.id in wanted}


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def run(
    clients: int = 50, sessions_per_client: int = 4, progress: Progress | None = None
) -> dict[str, Any]:
    if clients < 1 or sessions_per_client < 1:
        raise ValueError("clients and sessions per client must be at least 1")
    say = progress or (lambda _: None)
    cases = _cases()
    session_case, delivery_case = cases[SESSION_CASE], cases[DELIVERY_CASE]
    flow, step = SMALL_STEP
    route = route_for(flow, step)
    assert route is not None and session_case.flow == flow
    small_path = route.path.rsplit("/", 1)[-1]
    info = ReferenceImplementation().describe()
    say("in-process baseline")
    baseline_ms = in_process_step_ms(record(session_case), step)
    with serving() as served:
        say(f"server pid {served.pid} at {served.url}; warm-up")
        warm_up(served, info, session_case)
        warm, warm_outcomes = RequestLog(small_path), Outcomes()
        run_client(
            served.url, served.token, info, session_case, 2, warm, warm_outcomes, None, "warm-up"
        )
        say(f"one client, {SINGLE_CLIENT_SESSIONS} sessions")
        single = RequestLog(small_path)
        single_outcomes, single_wall = load(
            served, info, session_case, 1, SINGLE_CLIENT_SESSIONS, single
        )
        say(f"{clients} clients, {sessions_per_client} sessions each")
        loaded = RequestLog(small_path)
        with CpuMeter(served.pid) as cpu:
            outcomes, wall = load(served, info, session_case, clients, sessions_per_client, loaded)
        say("resumed delivery")
        resumed = resumed_delivery(served, info, delivery_case)
    failures = warm.failures + single.failures + loaded.failures
    not_passed = warm_outcomes.not_passed + single_outcomes.not_passed + outcomes.not_passed
    figures = _figures(loaded, wall)
    limit = LATENCY_FACTOR * baseline_ms + LATENCY_ALLOWANCE_MS
    small_p99 = figures["small_step_p99_ms"]
    errors = len(not_passed) + len(failures)
    latency_target = (
        f"small_step_p99_ms <= {LATENCY_FACTOR:g} * in_process_step_ms + {LATENCY_ALLOWANCE_MS:g}"
    )
    rate = figures["requests_per_s"]
    return {
        "clients": clients,
        "sessions_per_client": sessions_per_client,
        "case": SESSION_CASE,
        "small_step": f"{flow} step {step} ({route.method} {route.path})",
        "sessions": outcomes.sessions,
        "sessions_passed": outcomes.passed,
        "wall_s": round(wall, 3),
        "sessions_per_s": round(outcomes.sessions / wall, 1) if wall > 0 else None,
        **figures,
        "in_process_step_ms": round(baseline_ms, 4),
        "small_step_limit_ms": round(limit, 3),
        # Little's law: with every client always waiting on one request, a request's
        # mean round trip (latency plus the client's own work) is clients / rate.
        "cycle_ms_by_littles_law": _round(clients / rate * 1000) if rate else None,
        **cpu.figures(figures["requests"], wall),
        "single_client": _figures(single, single_wall),
        "errors": errors,
        "error_reasons": (not_passed + failures)[:FIRST_ERRORS],
        "resumed_delivery": resumed,
        "server": {"pid": served.pid, "url": served.url, "separate_process": True},
        "machine": machine(),
        "targets": {
            "errors == 0": errors == 0,
            "resumed delivery equals the whole and its Repr-Digest": bool(resumed["ok"]),
            latency_target: small_p99 is not None and small_p99 <= limit,
        },
    }


__all__ = ["in_process_step_ms", "machine", "record", "resumed_delivery", "run"]
