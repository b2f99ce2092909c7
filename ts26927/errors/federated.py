"""Errors of the federated learning engine."""

from __future__ import annotations

from ts26927.errors.base import Ts26927Error


class FederatedLearningError(Ts26927Error):
    """Base of the federated learning engine's errors."""


class UpdateRejectedError(FederatedLearningError, ValueError):
    """A device's update that must not reach the aggregate, with the typed reason."""

    def __init__(self, device: str, reason: str, detail: str) -> None:
        self.device = device
        self.reason = reason
        self.detail = detail
        super().__init__(f"update from {device} rejected ({reason}): {detail}")


class RoundStateError(FederatedLearningError, RuntimeError):
    """A federated learning operation called at the wrong time (e.g. no round open)."""


# --- Reference engine (model repository and delivery) ------------------------------------
