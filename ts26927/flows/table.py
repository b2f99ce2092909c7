"""A workflow as data: its steps (the TR's ids, parties, messages) and its structure.

A flow module declares ``STEPS`` (one :class:`Step` per numbered step of the TR) and
``STRUCTURE`` (the order: sequences, alternatives, options, loops over step ids). Whether a
step is optional, which branch it belongs to and whether it repeats are *derived* from the
structure, never written twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from ts26927.flows.functions import LogicalFunction, Side
from ts26927.flows.structure import (
    Automaton,
    Node,
    compile_structure,
    occurrences,
    step_refs,
)
from ts26927.models.base import TsModel


@dataclass(frozen=True)
class Step:
    """One numbered step of a TR workflow."""

    id: str
    sender: LogicalFunction
    receiver: LogicalFunction
    action: str
    """What happens, in the TR's words (shortened)."""
    message: type[TsModel] | None = None
    """The message the step carries; None for an action inside one function."""
    either_direction: bool = False
    """The TR lets either side send it (e.g. 5.3.5 step 4: 'Either the UE or the network')."""

    @property
    def is_action(self) -> bool:
        return self.message is None and self.sender == self.receiver

    def performed_by(self, side: Side) -> bool:
        """True when a party on ``side`` performs (sends) the step."""
        return self.sender.side is side or (self.either_direction and self.receiver.side is side)

    def delivered_to(self, side: Side) -> bool:
        """True when the step reaches a party on ``side`` (from whichever side sends it)."""
        return self.receiver.side is side or (self.either_direction and self.sender.side is side)


@dataclass(frozen=True)
class Phase:
    """A part of a workflow the TR names (e.g. 'AI Model Subset Delivery'): the docs draw each
    phase as a diagram of its own, because one diagram of a long flow is too wide to read."""

    title: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Flow:
    """A TR workflow: steps, structure and the automaton derived from them."""

    id: str
    clause: str
    figure: str
    title: str
    steps: tuple[Step, ...]
    structure: Node
    notes: tuple[str, ...] = field(default=())
    """Readings of the TR where it is ambiguous ("TR says X; we read it as Y")."""
    phases: tuple[Phase, ...] = field(default=())
    """The TR's parts of the flow, each step in exactly one; empty: the flow is one part."""

    def __post_init__(self) -> None:
        ids = [s.id for s in self.steps]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{self.id}: step ids repeat: {ids}")
        used = set(step_refs(self.structure))
        if missing := [i for i in ids if i not in used]:
            raise ValueError(f"{self.id}: steps not in the structure: {missing}")
        if unknown := sorted(used - set(ids)):
            raise ValueError(f"{self.id}: structure names unknown steps: {unknown}")
        if self.phases:
            phased = [i for phase in self.phases for i in phase.steps]
            if sorted(phased) != sorted(ids):
                raise ValueError(f"{self.id}: phases must hold every step once: {phased}")

    @cached_property
    def automaton(self) -> Automaton:
        return compile_structure(self.structure)

    @cached_property
    def _by_id(self) -> dict[str, Step]:
        return {s.id: s for s in self.steps}

    def step(self, step_id: str) -> Step | None:
        return self._by_id.get(step_id)

    def parts(self) -> tuple[Phase, ...]:
        """The phases, or the whole flow as one phase."""
        return self.phases or (Phase(self.title, tuple(s.id for s in self.steps)),)

    def functions(self) -> list[LogicalFunction]:
        """The parties of the flow in order of first appearance."""
        seen: dict[str, LogicalFunction] = {}
        for s in self.steps:
            seen.setdefault(s.sender.key, s.sender)
            seen.setdefault(s.receiver.key, s.receiver)
        return list(seen.values())

    def hidden_from(self, side: Side | None) -> frozenset[str]:
        """Steps a party on ``side`` does not see: both ends on the other side(s)."""
        if side is None:
            return frozenset()
        return frozenset(
            s.id for s in self.steps if s.sender.side != side and s.receiver.side != side
        )

    def is_optional(self, step_id: str) -> bool:
        """True when every occurrence of the step lies inside an option (or a 0+ loop)."""
        return all(o.optional for o in occurrences(self.structure) if o.step == step_id)

    def branches(self, step_id: str) -> list[tuple[str, ...]]:
        """Alternative-branch paths in which the step occurs (empty tuple: main line)."""
        auto = self.automaton
        paths = [auto.branch[p] for p, label in enumerate(auto.labels) if label == step_id]
        return list(dict.fromkeys(paths))

    def repeats(self, step_id: str) -> bool:
        """True when the step lies inside a loop."""
        return any(o.looped for o in occurrences(self.structure) if o.step == step_id)
