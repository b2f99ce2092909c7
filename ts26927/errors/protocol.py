"""Errors of the workflow state machines: refused steps and sessions."""

from __future__ import annotations

from ts26927.errors.base import Issue, Ts26927Error


class UnknownFlowError(Ts26927Error, LookupError):
    """A flow id that does not exist."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        super().__init__(f"unknown flow {name!r}; known flows: {', '.join(known)}")


class ProtocolError(Ts26927Error):
    """A workflow step refused by a flow session; the session is left exactly as it was.

    Says which flow, which step, in which state, and which steps were allowed.
    """

    def __init__(
        self, flow: str, clause: str, step: str, state: str, allowed: list[str], reason: str
    ) -> None:
        self.flow = flow
        self.clause = clause
        self.step = step
        self.state = state
        self.allowed = allowed
        self.reason = reason
        allowed_text = ", ".join(allowed) if allowed else "none (the flow has ended)"
        super().__init__(
            f"step {step} of {clause} ({flow}) refused in state {state!r}: {reason}; "
            f"allowed next: {allowed_text}"
        )


class UnknownStepError(ProtocolError):
    """A step id that the flow does not have."""


class StepOutOfOrderError(ProtocolError):
    """A step of the flow that may not come now."""


class WrongPartyError(ProtocolError):
    """A step sent or received by a logical function other than the TR's."""


class InvalidMessageError(ProtocolError):
    """A step whose message is of the wrong type or has invalid content."""

    def __init__(
        self,
        flow: str,
        clause: str,
        step: str,
        state: str,
        allowed: list[str],
        reason: str,
        issues: list[Issue] | None = None,
    ) -> None:
        self.issues = issues or []
        detail = "; ".join(f"{i.pointer or '/'}: {i.reason}" for i in self.issues)
        super().__init__(
            flow, clause, step, state, allowed, reason + (f" ({detail})" if detail else "")
        )


class SessionRestoreError(Ts26927Error, ValueError):
    """A saved flow session that cannot be restored."""


# --- Reference engine (split inference) -------------------------------------------------
