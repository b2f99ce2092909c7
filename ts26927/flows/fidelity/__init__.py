"""What the TR's sentence for each workflow step lists, and where our messages carry it.

For every numbered step of every flow, :data:`TABLE` holds the information items the TR's
own sentence names (short exact phrases of that sentence) and, for each, the properties of
the step's message that carry it — paths like ``/ueCapabilityInformation/supportedAiFrameworks``
(array items are followed implicitly) — or no property and a written reading ("TR says X; we
read it as Y; why"). Steps that carry no message (actions) have items too: the reading says
what the step does.

An item may name a later step whose message carries it (``at``): step 3b of clause 5.2.3.2
lists what a candidate configuration includes, but the candidates travel at step 4b.

The schema export marks every message property that an item maps to with the TR phrases and
steps, and every other one as this library's addition; the traceability page lists the
items step by step. ``tests/flows/test_fidelity.py`` checks each phrase against the TR text
and each path against the message's JSON Schema.

The entries are written per clause, one module per workflow (``model_delivery`` …
``model_distribution``), with the types and helpers in ``items`` and the readings several
clauses share in ``readings``; this module assembles :data:`TABLE` from them.
"""

from __future__ import annotations

from collections.abc import Iterator

from ts26927.flows.fidelity import (
    adaptive_delivery,
    federated_learning,
    model_delivery,
    model_distribution,
    split_inference,
    split_inference_basic,
    split_operation,
)
from ts26927.flows.fidelity.items import Item, StepFidelity, step_label

__all__ = ["TABLE", "Item", "StepFidelity", "carried_items", "of_step", "step_label"]

_BY_FLOW: dict[str, dict[str, tuple[Item, ...]]] = {
    "model-delivery": model_delivery.STEPS,
    "adaptive-model-delivery": adaptive_delivery.STEPS,
    "split-inference": split_inference.STEPS,
    "split-inference-network-source": split_inference_basic.NETWORK_SOURCE_STEPS,
    "split-inference-ue-source": split_inference_basic.UE_SOURCE_STEPS,
    "federated-learning": federated_learning.STEPS,
    "split-operation": split_operation.STEPS,
    "model-distribution": model_distribution.STEPS,
}

#: (flow id, step id) -> the items of the TR's sentence for that step.
TABLE: dict[tuple[str, str], StepFidelity] = {
    (flow, step): StepFidelity(flow, step, items)
    for flow, steps in _BY_FLOW.items()
    for step, items in steps.items()
}


def of_step(flow: str, step: str) -> StepFidelity | None:
    """The fidelity entry of one step, or None when the table lacks it."""
    return TABLE.get((flow, step))


def carried_items() -> Iterator[tuple[StepFidelity, Item, str]]:
    """Every item that a property carries, with the id of the step whose message has it."""
    for entry in TABLE.values():
        for item in entry.items:
            if item.paths:
                yield entry, item, item.at or entry.step
