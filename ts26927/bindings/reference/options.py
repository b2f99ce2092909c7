"""The choices the TR leaves open, as the reference makes them — and the other legal
choices it can be told to make, so that the conformance suite can prove it passes every
TR-legal product, not only ours (its *legal variants*)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReferenceOptions:
    # -- identifiers the TR leaves free ----------------------------------------------------
    model_identifier: str | None = None
    """What the repository calls the model it holds (default: the fixture's name)."""
    split_point_names_as_ids: bool = False
    """Split point identifiers are node names ('Name: Layer_10'), not numbers."""
    fl_model_id: str = "digits-mlp"
    fl_group_id: str = "fl-digits"
    # -- choices ---------------------------------------------------------------------------
    split_choice: str = "best"
    """'best': the best matched configuration; 'next': another matched one (another split
    point or codec chain) when there is one."""
    in_band_refusals: bool = False
    """Refuse a UE's selection with the TR's own negative response (9b FAILURE)."""
    fl_plan: str = "train-then-evaluate"
    """'train-then-evaluate': round 1 trains (Option B), later rounds evaluate then train
    (A then B); 'evaluate-every-round': A then B from round 1."""
    fl_failure_criteria_every_round: bool = False
    """Announce the failure reporting criteria (optional step 6) in every round."""
    fl_aggregation: str = "FEDAVG"
    """FEDAVG, FEDAVG_SERVER_STEP, MEDIAN, or OTHER (a trimmed mean, declared as OTHER)."""
    fl_server_step: float = 1.0

    def ixit(self) -> dict[str, Any]:
        """The IXIT these choices amount to."""
        declared: dict[str, Any] = {"federatedAggregation": self.fl_aggregation}
        if self.fl_aggregation == "FEDAVG_SERVER_STEP":
            declared["federatedServerStepSize"] = self.fl_server_step
        return declared
