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
    adaptive_ue_new_session: bool = False
    """UE side of adaptive delivery: establish a new delivery session (step 5) after each
    precision update request instead of reusing the open one."""
    fl_ue_seed: int = 0
    """UE side of federated learning: seed of the local shuffling (another order of the
    local optimizer's steps)."""
    fl_ue_batch_size: int | None = None
    """UE side: local batch size where the training request leaves it open (None: 32)."""
    fl_ue_extra_metrics: bool = False
    """UE side: report every metric it measures, beyond those the request names."""
    split_ue_selection: str = "preferred"
    """UE side of split inference (5b): 'preferred': the network's preferred candidate when
    the UE can run it, else the first it can; 'last': the last candidate it can run."""
    split_ue_id_prefix: str = ""
    """UE side of split inference: a prefix to the session identifiers the UE names."""
    split_ue_downlink_codec: str = "NONE"
    """UE side, basic flow with the media in the network (10): the codec chain the UE asks
    for the intermediate data, when it supports every algorithm of it (else NONE)."""
    split_operation_in_band_updates: bool = False
    """UE side of split AI/ML operation (15): pass the UE's own split point updates
    alongside its next intermediate data unit (14) instead of negotiating them at step 15."""
    split_operation_update_choice: str = "next"
    """UE side of split AI/ML operation: the negotiated split point the UE's application
    moves to, 'next' (the first other one listed) or 'last' (the last other one)."""
    split_operation_unit_split_point: bool = True
    """UE side of split AI/ML operation: frame the split point in each unit's header (the
    unit format makes it optional)."""
    model_distribution_requests_name_model: bool = True
    """UE side of model distribution (5, 7): name the model in the delivery requests."""
    model_distribution_first_sequence: int = 0
    """UE side of model distribution (9): the number of its first inference output."""

    def ixit(self) -> dict[str, Any]:
        """The IXIT these choices amount to."""
        declared: dict[str, Any] = {"federatedAggregation": self.fl_aggregation}
        if self.fl_aggregation == "FEDAVG_SERVER_STEP":
            declared["federatedServerStepSize"] = self.fl_server_step
        return declared
