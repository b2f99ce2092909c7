"""The REST binding's one table: which HTTP request carries which TR step, and back.

Every workflow is an API of its own, ``/ts26927-{flow}/v1`` (lower-hyphen, major version in
the path, as TS 29.501 clause 4.4 asks). A test run, or a real client, first creates a
*session* of the workflow (``POST …/sessions``), the resource that holds the workflow's
state machine; then every step the network side receives is a ``POST`` to a sub-resource of
that session named after the step's message (``AiSplitInferenceRequest`` at step 2a →
``…/sessions/{sessionId}/ai-split-inference-requests``). The steps the network performs in
answer are in the response, numbered in order; the ones it performs on its own later are
read from ``GET …/sessions/{sessionId}/steps?after=N``. Payloads that are not JSON travel as
``multipart/form-data`` parts beside the message (see :data:`ATTACHMENTS`), and come back as
links to ``GET …/steps/{seq}/attachments/{name}`` (range requests, ``ETag``,
``Repr-Digest``).

The table is derived from the flows' own step tables, so a step added to a flow gets its
route, and a route can never name a step the flow lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ts26927.flows import FLOWS, get_flow
from ts26927.flows.functions import Side
from ts26927.flows.table import Flow, Step

API_VERSION = "v1"
SESSION_ID = "{sessionId}"

#: Payloads that are not JSON, by (flow, step): sent as parts of a ``multipart/form-data``
#: body beside the ``message`` part. The names are the harness protocol's attachment names.
ATTACHMENTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("split-inference", "18b"): ("unit",),
    ("split-inference-ue-source", "11"): ("unit",),
    ("split-operation", "14"): ("unit",),
    ("model-distribution", "3"): ("model",),
}


@dataclass(frozen=True)
class Route:
    """One step the network side receives, as the HTTP request that carries it."""

    flow: str
    step: str
    method: str
    path: str
    """Path template below the API root, e.g. ``/sessions/{sessionId}/status-reports``."""
    message: str | None
    """The message type's name (the JSON body), or None for a step without one."""
    attachments: tuple[str, ...] = ()

    @property
    def full_path(self) -> str:
        return api_root(self.flow) + self.path


def api_root(flow: str) -> str:
    """``/ts26927-split-inference/v1`` for flow ``split-inference``."""
    return f"/ts26927-{flow}/{API_VERSION}"


def kebab_plural(name: str) -> str:
    """``AiSplitInferenceRequest`` → ``ai-split-inference-requests`` (a collection)."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()
    if words.endswith(("s", "sh", "ch", "x")):
        return words + "es"
    if words.endswith("y") and not words.endswith(("ay", "ey", "oy", "uy")):
        return words[:-1] + "ies"
    return words + "s"


def received_by_network(step: Step) -> bool:
    """True when the test system (a UE or an application provider) may send ``step`` to
    the network side: the network receives it and is not its only possible sender."""
    return step.delivered_to(Side.NETWORK) and (
        step.sender.side is not Side.NETWORK or step.either_direction
    )


def _flow_routes(flow: Flow) -> list[Route]:
    routes: list[Route] = []
    for step in flow.steps:
        if not received_by_network(step):
            continue
        name = step.message.__name__ if step.message is not None else None
        segment = kebab_plural(name) if name else f"step-{step.id}-actions"
        routes.append(
            Route(
                flow.id,
                step.id,
                "POST",
                f"/sessions/{SESSION_ID}/{segment}",
                name,
                ATTACHMENTS.get((flow.id, step.id), ()),
            )
        )
    paths = [r.path for r in routes]
    if len(paths) != len(set(paths)):
        # Two steps of one flow carrying the same message: tell them apart by step id.
        routes = [
            Route(r.flow, r.step, r.method, f"{r.path}-step-{r.step}", r.message, r.attachments)
            if paths.count(r.path) > 1
            else r
            for r in routes
        ]
    return routes


@cache
def routes() -> tuple[Route, ...]:
    """Every route of every workflow, in flow then step order."""
    return tuple(route for flow_id in FLOWS for route in _flow_routes(get_flow(flow_id)))


@cache
def _by_step() -> dict[tuple[str, str], Route]:
    return {(r.flow, r.step): r for r in routes()}


@cache
def _by_path() -> dict[tuple[str, str], Route]:
    return {(r.method, r.full_path): r for r in routes()}


def route_for(flow: str, step: str) -> Route | None:
    """The request that carries ``step`` of ``flow`` to the network (None: no such step
    reaches the network from the test system's side)."""
    return _by_step().get((flow, step))


def step_for(method: str, full_path: str) -> Route | None:
    """The step a request template carries: the table read backwards."""
    return _by_path().get((method.upper(), full_path))


def flows_served() -> tuple[str, ...]:
    """The workflows whose network side the binding serves (all of them)."""
    return tuple(FLOWS)


__all__ = [
    "API_VERSION",
    "ATTACHMENTS",
    "Route",
    "api_root",
    "flows_served",
    "kebab_plural",
    "received_by_network",
    "route_for",
    "routes",
    "step_for",
]
