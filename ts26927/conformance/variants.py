"""Legal variants: the reference engine making another choice the TR allows, each of which
every case must pass — proof that the suite judges by the TR and by what an
implementation declares, never by the reference's own choices. (Their counterparts, the
mutants the suite must catch, are in :mod:`.network_side`.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ts26927.bindings.reference import ReferenceImplementation, ReferenceOptions

_SPLIT = (
    "split-inference",
    "split-inference-ue-source",
    "split-inference-network-source",
    "split-operation",
)
_FL = ("federated-learning",)


@dataclass(frozen=True)
class VariantSpec:
    name: str
    choice: str
    """The legal choice it makes, in words."""
    options: ReferenceOptions
    flows: tuple[str, ...]
    """The workflows whose every case it must pass."""
    factory: Callable[[ReferenceOptions], ReferenceImplementation] = ReferenceImplementation
    """How to build it: the reference itself, or a subclass making a choice no option
    names (a UE variant, say)."""

    def make(self) -> ReferenceImplementation:
        return self.factory(self.options)


def _variant(name: str, choice: str, flows: tuple[str, ...], **options: object) -> VariantSpec:
    return VariantSpec(name, choice, ReferenceOptions(**options), flows)  # type: ignore[arg-type]


VARIANTS: tuple[VariantSpec, ...] = (
    _variant(
        "other-identifiers",
        "names the model, the federated learning model and the group its own way",
        ("model-delivery", *_SPLIT, *_FL),
        model_identifier="acme-classifier-3",
        fl_model_id="acme-global",
        fl_group_id="acme-fl-group-7",
    ),
    _variant(
        "split-point-names",
        "identifies split points by node name ('Name: Layer_10'), not by number",
        _SPLIT,
        split_point_names_as_ids=True,
    ),
    _variant(
        "another-configuration",
        "decides, and prefers, another feasible split point or codec chain than the best",
        _SPLIT,
        split_choice="next",
    ),
    _variant(
        "in-band-refusals",
        "refuses a selection it never offered with 9b FAILURE, in band",
        ("split-inference",),
        in_band_refusals=True,
    ),
    _variant(
        "evaluates-every-round",
        "evaluates (Option A) before training (Option B) in every round, from round 1",
        _FL,
        fl_plan="evaluate-every-round",
    ),
    _variant(
        "failure-criteria-every-round",
        "announces the failure reporting criteria (optional step 6) in every round",
        _FL,
        fl_failure_criteria_every_round=True,
    ),
    _variant(
        "server-step-aggregation",
        "aggregates by FedAvg with a server step of 0.5, and declares it",
        _FL,
        fl_aggregation="FEDAVG_SERVER_STEP",
        fl_server_step=0.5,
    ),
    _variant(
        "median-aggregation",
        "aggregates by the coordinate-wise median, and declares it",
        _FL,
        fl_aggregation="MEDIAN",
    ),
    _variant(
        "undeclared-aggregation",
        "aggregates by a rule it declares only as OTHER (a trimmed mean)",
        _FL,
        fl_aggregation="OTHER",
    ),
)

Make = Callable[[], ReferenceImplementation]
