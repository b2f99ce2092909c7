"""The capabilities an implementation may declare: its implementation conformance
statement (ICS). Every case's applicability is an expression over these names; a case
whose expression the declared capabilities do not satisfy is *not applicable*."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Capability:
    name: str
    clause: str
    description: str


CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "MODEL_DELIVERY_NETWORK",
        "5.2.2.2.1",
        "Network side of generic AI model delivery: selects a model for the UE and "
        "delivers it in a delivery session.",
    ),
    Capability(
        "MODEL_DELIVERY_UE",
        "5.2.2.2.1",
        "UE side of generic AI model delivery: triggers it, verifies the delivered model "
        "and runs it in its inference engine.",
    ),
    Capability(
        "FEDERATED_LEARNING_UE",
        "5.2.4.2",
        "UE side of federated learning: judges its eligibility truthfully, trains the "
        "announced round's model on its local data and sends the update, evaluates when "
        "asked, and reports failures.",
    ),
    Capability(
        "ADAPTIVE_DELIVERY_NETWORK",
        "5.2.2.2.2",
        "Network side of adaptive model delivery: a usable base model, then updates that "
        "refine it up to the exact model.",
    ),
    Capability(
        "ADAPTIVE_DELIVERY_UE",
        "5.2.2.2.2",
        "UE side of adaptive model delivery: requests a listed base, verifies every package "
        "(refusing one that does not verify or does not apply), applies each refinement "
        "level up to the bit-exact model and runs each level on its media.",
    ),
    Capability(
        "SPLIT_INFERENCE_NETWORK",
        "5.2.3.2",
        "Network side of the detailed split inference workflow (figure 5.2.3-3).",
    ),
    Capability(
        "SPLIT_NETWORK_DECIDES",
        "5.2.3.2",
        "Alternative case #1: the Network Application selects the split (steps 2a-7a).",
    ),
    Capability(
        "SPLIT_UE_DECIDES",
        "5.2.3.2",
        "Alternative case #2: the network lists candidate split point configurations and "
        "allocates the one the UE selects (steps 2b-9b).",
    ),
    Capability(
        "SPLIT_DATA_SOURCE_UE",
        "5.2.3.2",
        "Inference alternative #2: the media is in the UE, which runs the first sub-model "
        "(steps 15b-20b).",
    ),
    Capability(
        "SPLIT_DATA_SOURCE_NETWORK",
        "5.2.3.2",
        "Inference alternative #1: the media is in the network, which runs the first "
        "sub-model (steps 15a-20a).",
    ),
    Capability(
        "SPLIT_BASIC_NETWORK",
        "5.2.3.2",
        "Network side of the two basic split inference workflows (figure 5.2.3-4 and the "
        "one with the media in the network).",
    ),
    Capability(
        "SPLIT_INFERENCE_UE",
        "5.2.3.2",
        "UE side of the detailed split inference workflow (figure 5.2.3-3): reports its "
        "true capabilities, accepts or selects only a configuration it can run, runs its "
        "sub-model and exchanges intermediate data in the agreed format.",
    ),
    Capability(
        "SPLIT_BASIC_UE",
        "5.2.3.2",
        "UE side of the two basic split inference workflows: triggers split inference with "
        "its true capabilities, runs the UE sub-model delivered and exchanges intermediate "
        "data in the agreed format.",
    ),
    Capability(
        "FEDERATED_LEARNING_NETWORK",
        "5.2.4.2",
        "Network side of distributed/federated learning (figure 5.2.4-2): announces "
        "criteria, delivers the model, requests training and aggregates the updates.",
    ),
    Capability(
        "FEDERATED_TRIGGER_NETWORK",
        "5.2.4.2",
        "The network triggers federated learning (step 1 from the Network Application), with "
        "the synchronization information of the first round (clause 6.6.6.2.2).",
    ),
    Capability(
        "FEDERATED_EVALUATION_NETWORK",
        "5.2.4.2",
        "Option A of figure 5.2.4-2: the Federated Learning Engine requests model "
        "evaluations (and may update the eligibility criteria from them, step 11).",
    ),
    Capability(
        "SPLIT_OPERATION_UE",
        "5.3.5",
        "UE side of the split AI/ML operation procedure: reports its capabilities, requests "
        "split inference, runs its sub-model and frames intermediate data at the agreed split "
        "point with the agreed codec, and follows split point updates.",
    ),
    Capability(
        "MODEL_DISTRIBUTION_UE",
        "5.3.6",
        "UE side of AI/ML model distribution: acquires the service access information as "
        "announced, accepts only an announced model that verifies, and runs it on its media.",
    ),
    Capability(
        "SPLIT_OPERATION_NETWORK",
        "5.3.5",
        "Media AF/AS side of the split AI/ML operation procedure.",
    ),
    Capability(
        "MODEL_DISTRIBUTION_NETWORK",
        "5.3.6",
        "Media AF/AS side of AI/ML model distribution: provisioning, ingest, announcement "
        "and delivery.",
    ),
)

NAMES = frozenset(c.name for c in CAPABILITIES)

#: The capabilities that declare a *side* of a workflow (the rest declare features of one):
#: an implementation reached through a binding that serves only one side declares only
#: that side's (``ts26927 serve`` writes the network side's).
SIDE_CAPABILITIES: dict[str, frozenset[str]] = {
    "UE": frozenset(c.name for c in CAPABILITIES if c.description.startswith("UE side")),
    "NETWORK": frozenset(
        c.name
        for c in CAPABILITIES
        if c.description.startswith(("Network side", "Media AF/AS side"))
    ),
}
