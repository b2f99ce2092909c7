"""The binding table: every step the network side receives has exactly one route, and the
table reads the same both ways."""

from __future__ import annotations

import re

import pytest

from ts26927.bindings.http.routes import (
    ATTACHMENTS,
    api_root,
    kebab_plural,
    received_by_network,
    route_for,
    routes,
    step_for,
)
from ts26927.flows import FLOWS, get_flow


def test_every_step_the_network_receives_has_one_route() -> None:
    for flow_id in FLOWS:
        flow = get_flow(flow_id)
        expected = {s.id for s in flow.steps if received_by_network(s)}
        routed = {r.step for r in routes() if r.flow == flow_id}
        assert routed == expected, flow_id
        for step in flow.steps:
            if step.id not in expected:
                assert route_for(flow_id, step.id) is None


def test_the_table_reads_both_ways() -> None:
    seen = set()
    for route in routes():
        assert route_for(route.flow, route.step) == route
        assert step_for(route.method, route.full_path) == route
        assert step_for(route.method.lower(), route.full_path) == route
        assert (route.method, route.full_path) not in seen
        seen.add((route.method, route.full_path))
    assert step_for("GET", routes()[0].full_path) is None
    assert step_for("POST", "/ts26927-nothing/v1/sessions/{sessionId}/x") is None


def test_paths_follow_the_3gpp_conventions() -> None:
    for route in routes():
        assert route.full_path.startswith(api_root(route.flow))
        assert re.fullmatch(
            r"/ts26927-[a-z-]+/v1/sessions/\{sessionId\}/[a-z0-9-]+", route.full_path
        )
        message = get_flow(route.flow).step(route.step).message
        assert route.message == (message.__name__ if message else None)


def test_split_inference_routes_by_message() -> None:
    route = route_for("split-inference", "2a")
    assert route is not None
    assert route.full_path == (
        "/ts26927-split-inference/v1/sessions/{sessionId}/ai-split-inference-requests"
    )
    assert route_for("split-inference", "18b").attachments == ("unit",)
    assert route_for("split-inference", "4a") is None  # the network performs it


def test_attachment_steps_are_routes() -> None:
    for flow, step in ATTACHMENTS:
        assert route_for(flow, step) is not None


@pytest.mark.parametrize(
    ("name", "plural"),
    [
        ("AiSplitInferenceRequest", "ai-split-inference-requests"),
        ("CapabilityDiscovery", "capability-discoveries"),
        ("IntermediateDataDelivery", "intermediate-data-deliveries"),
        ("ServiceProvisioning", "service-provisionings"),
        ("StatusReport", "status-reports"),
        ("ModelIngest", "model-ingests"),
        ("SplitNegotiation", "split-negotiations"),
        ("DeliverySessionSetup", "delivery-session-setups"),
        ("PrecisionUpdateRequest", "precision-update-requests"),
        ("Pass", "passes"),
        ("SessionUpdateKey", "session-update-keys"),
    ],
)
def test_kebab_plural(name: str, plural: str) -> None:
    assert kebab_plural(name) == plural
