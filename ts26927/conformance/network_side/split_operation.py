"""Network mutants of the split AI/ML operation procedure (5.3.5): the reference network
that ignores a split point update (14, 15) or refuses a pipelines-only session update (20)."""

from __future__ import annotations

from typing import Any

from ts26927.bindings.base import Refusal, Reply

from ..mutants import Mutant, MutantSpec


class _IgnoresUpdates(Mutant):
    def deliver(
        self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]
    ) -> Reply:
        if step == "15":
            view, _ = self._ready()
            view.accept(step, message)
            return []  # says yes, changes nothing
        if step == "14" and message and "splitPointUpdate" in message:
            message = {k: v for k, v in message.items() if k != "splitPointUpdate"}
        return super().deliver(step, message, attachments)


class _RefusesPipelineUpdates(Mutant):
    def deliver(
        self, step: str, message: dict[str, Any] | None, attachments: dict[str, bytes]
    ) -> Reply:
        if step == "20" and message and set(message) == {"pipelines"}:
            return Refusal("a session update changes the model or the split point")
        return super().deliver(step, message, attachments)


def _ignore_updates() -> Mutant:
    return _IgnoresUpdates()


MUTANTS: tuple[MutantSpec, ...] = (
    MutantSpec(
        "stale-split-point",
        "accepts a split point update but keeps computing at the old split point",
        _ignore_updates,
        "5.3.5-split-operation-001",
        "14",
    ),
    MutantSpec(
        "ignores-in-band-update",
        "ignores a split point update passed alongside the delivery pipeline",
        _ignore_updates,
        "5.3.5-split-operation-003",
        "14",
    ),
    MutantSpec(
        "refuses-pipeline-update",
        "refuses a session update that changes only the pipelines",
        _RefusesPipelineUpdates,
        "5.3.5-split-operation-003",
        "20",
    ),
)
