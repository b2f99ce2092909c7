"""State machines for every numbered workflow of TR 26.927 (clauses 5.2.2-5.3.6).

Each module holds one workflow's step table and structure; :data:`FLOWS` lists them and
:class:`~ts26927.flows.session.FlowSession` runs any of them.
"""

from __future__ import annotations

from ts26927.errors import UnknownFlowError
from ts26927.flows import (
    adaptive_delivery,
    federated_learning,
    model_delivery,
    model_distribution,
    split_inference,
    split_inference_basic,
    split_operation,
)
from ts26927.flows.session import FlowSession
from ts26927.flows.table import Flow, Step

FLOWS: dict[str, Flow] = {
    flow.id: flow
    for flow in (
        model_delivery.FLOW,
        adaptive_delivery.FLOW,
        split_inference.FLOW,
        split_inference_basic.NETWORK_SOURCE,
        split_inference_basic.UE_SOURCE,
        federated_learning.FLOW,
        split_operation.FLOW,
        model_distribution.FLOW,
    )
}


def get_flow(name: str) -> Flow:
    try:
        return FLOWS[name]
    except KeyError:
        raise UnknownFlowError(name, list(FLOWS)) from None


def session(name: str) -> FlowSession:
    """A new session of the flow ``name``."""
    return FlowSession(get_flow(name))


__all__ = ["FLOWS", "Flow", "FlowSession", "Step", "UnknownFlowError", "get_flow", "session"]
