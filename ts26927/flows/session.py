"""A sans-I/O session over one flow: steps in, accepted or refused.

Theory of operation (after h11): the session holds the flow's automaton state (the set of
live positions, see :mod:`ts26927.flows.structure`) and the history of accepted steps. Each
:meth:`FlowSession.accept` first checks everything — the step exists, it may come now, the
parties are the TR's, the message is of the step's type and valid — and only then changes
state. A refused step raises a :class:`~ts26927.errors.ProtocolError` subclass and leaves
the session exactly as it was, so a session survives a misbehaving peer. No I/O, no clocks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ts26927.errors import (
    InvalidMessageError,
    SessionRestoreError,
    StepOutOfOrderError,
    Ts26927Error,
    UnknownStepError,
    WrongPartyError,
)
from ts26927.flows.functions import LogicalFunction, Side
from ts26927.flows.table import Flow, Step
from ts26927.models import wire_errors
from ts26927.models.base import TsModel


def _is(given: str | None, function: LogicalFunction) -> bool:
    """A party named by key ("UE_APPLICATION") or TR name ("UE Application"); None: any."""
    return given is None or given in (function.key, function.name)


@dataclass(frozen=True)
class Accepted:
    """A step the session accepted, with its validated message (None for actions)."""

    step: Step
    message: TsModel | None

    def to_wire(self) -> dict[str, Any]:
        return {
            "step": self.step.id,
            "sender": self.step.sender.key,
            "receiver": self.step.receiver.key,
            "message": None if self.message is None else self.message.to_wire(),
        }


class FlowSession:
    """One run of a flow between its parties."""

    def __init__(self, flow: Flow, *, view: Side | None = None, keep_messages: bool = True) -> None:
        """A session of ``flow``; with ``view``, as one side sees it: steps between
        functions of the other side(s) are not seen and are passed over. Without
        ``keep_messages`` every message is still validated, but the history records only
        the steps (a simulation of many devices need not hold every exchanged message);
        such a session cannot be saved."""
        self.flow = flow
        self.view = view
        self.keep_messages = keep_messages
        self._hidden = flow.hidden_from(view)
        self._state: frozenset[int] | None = None
        self._history: list[Accepted] = []
        self._previous: list[frozenset[int] | None] = []

    # -- queries ---------------------------------------------------------------------------
    @property
    def history(self) -> tuple[Accepted, ...]:
        return tuple(self._history)

    @property
    def state(self) -> str:
        """Human name of the state: 'start' or 'after step X'."""
        if not self._history:
            return "start"
        return f"after step {self._history[-1].step.id}"

    def allowed(self) -> list[str]:
        """Step ids that may come next, in the TR's order."""
        return self.flow.automaton.allowed(self._state, self._hidden)

    @property
    def can_end(self) -> bool:
        """True when the flow may end here (every mandatory step has happened)."""
        return self.flow.automaton.can_end(self._state, self._hidden)

    # -- the one mutating operation --------------------------------------------------------
    def accept(
        self,
        step_id: str,
        message: TsModel | dict[str, Any] | None = None,
        *,
        sender: str | None = None,
        receiver: str | None = None,
    ) -> Accepted:
        """Accept ``step_id`` with its ``message`` or raise; state changes only on success.

        ``sender``/``receiver`` (logical function keys), when given, must be the step's.
        """
        step = self.flow.step(step_id)
        if step is None:
            raise self._refuse(UnknownStepError, step_id, "the flow has no such step")
        positions = self.flow.automaton.next_positions(self._state, step_id, self._hidden)
        if not positions:
            raise self._refuse(StepOutOfOrderError, step_id, "out of order")
        self._check_parties(step, sender, receiver)
        accepted = Accepted(step, self._validate(step, message))
        self._previous.append(self._state)
        self._state = positions
        self._history.append(accepted if self.keep_messages else Accepted(step, None))
        return accepted

    def rewind(self) -> Accepted:
        """Take back the last accepted step (e.g. when its content was refused later);
        IndexError when nothing was accepted."""
        accepted = self._history.pop()
        self._state = self._previous.pop()
        return accepted

    # -- checks ----------------------------------------------------------------------------
    def _refuse(
        self, kind: type[Ts26927Error], step_id: str, reason: str, **extra: Any
    ) -> Ts26927Error:
        return kind(
            self.flow.id, self.flow.clause, step_id, self.state, self.allowed(), reason, **extra
        )

    def _check_parties(self, step: Step, sender: str | None, receiver: str | None) -> None:
        expected = [(step.sender, step.receiver)]
        if step.either_direction:
            expected.append((step.receiver, step.sender))
        if sender is None and receiver is None:
            return
        if not any(_is(sender, s) and _is(receiver, r) for s, r in expected):
            wanted = " or ".join(f"{s.key} -> {r.key}" for s, r in expected)
            raise self._refuse(
                WrongPartyError, step.id, f"sent {sender} -> {receiver}; the TR has {wanted}"
            )

    def _validate(self, step: Step, message: TsModel | dict[str, Any] | None) -> TsModel | None:
        expected = step.message
        if expected is None:
            if message not in (None, {}):
                raise self._refuse(InvalidMessageError, step.id, "this step carries no message")
            return None
        if isinstance(message, TsModel):
            if type(message) is not expected:
                raise self._refuse(
                    InvalidMessageError,
                    step.id,
                    f"expected a {expected.__name__}, got a {type(message).__name__}",
                )
            return message
        if not isinstance(message, dict):
            raise self._refuse(
                InvalidMessageError, step.id, f"expected a {expected.__name__} object"
            )
        try:
            return expected.from_wire(message)
        except ValidationError as error:
            raise self._refuse(
                InvalidMessageError,
                step.id,
                f"invalid {expected.__name__}",
                issues=wire_errors.issues(message, error),
            ) from None
        except ValueError as error:  # not JSON-serialisable (NaN, bytes, …)
            raise self._refuse(
                InvalidMessageError, step.id, f"not a JSON {expected.__name__}: {error}"
            ) from None

    # -- persistence -----------------------------------------------------------------------
    def to_wire(self) -> dict[str, Any]:
        if not self.keep_messages:
            raise ValueError("a session that keeps no messages cannot be saved")
        return {
            "flow": self.flow.id,
            **({"view": self.view.value} if self.view else {}),
            "state": self.state,
            "history": [a.to_wire() for a in self._history],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_wire(), indent=2)

    @classmethod
    def from_wire(cls, data: Any, flows: dict[str, Flow]) -> FlowSession:
        """Restore a saved session by replaying its history (so it is re-validated)."""
        if not isinstance(data, dict) or not isinstance(data.get("history"), list):
            raise SessionRestoreError("a saved session is an object with a 'history' list")
        flow = flows.get(str(data.get("flow")))
        if flow is None:
            raise SessionRestoreError(f"unknown flow {data.get('flow')!r}")
        try:
            view = Side(data["view"]) if "view" in data else None
        except ValueError:
            raise SessionRestoreError(f"unknown view {data.get('view')!r}") from None
        session = cls(flow, view=view)
        for index, entry in enumerate(data["history"]):
            if not isinstance(entry, dict) or not isinstance(entry.get("step"), str):
                raise SessionRestoreError(
                    f"/history/{index}: not a step entry (an object with a 'step' string)"
                )
            for key in ("sender", "receiver"):
                if not isinstance(entry.get(key), str):
                    raise SessionRestoreError(
                        f"/history/{index}/{key}: missing or not a logical function key"
                    )
            try:
                session.accept(
                    entry["step"],
                    entry.get("message"),
                    sender=entry.get("sender"),
                    receiver=entry.get("receiver"),
                )
            except Ts26927Error as error:
                raise SessionRestoreError(f"/history/{index}: {error}") from None
        if "state" in data and data["state"] != session.state:
            raise SessionRestoreError(
                f"saved state {data['state']!r} differs from the replayed {session.state!r}"
            )
        return session
