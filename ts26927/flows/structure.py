"""The shape of a workflow — sequence, alternative, option, loop — compiled to an automaton.

Theory of operation: a flow's structure is a regular expression over step ids
(``seq("1", alt(...), loop(...))``). We compile it with the Glushkov construction: every
occurrence of a step id in the structure is a *position*; the automaton's state is the set
of positions that may have produced the last accepted step. ``first`` are the positions a
flow may start with, ``follow[p]`` those that may come after ``p``, ``last`` those that may
end it. A step id may occur more than once (an inference loop that repeats all but its
session set-up), so the automaton is non-deterministic over positions, but the session only
ever keeps the set of live positions, which is deterministic over step ids.

The same tree drives the Mermaid diagram (blocks ``alt``/``opt``/``loop``), so the drawing
and the machine cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Node:
    """Base of structure nodes."""


@dataclass(frozen=True)
class Ref(Node):
    """One occurrence of a step."""

    step: str


@dataclass(frozen=True)
class Seq(Node):
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Alt(Node):
    """Exactly one of the labelled branches."""

    branches: tuple[tuple[str, Node], ...]


@dataclass(frozen=True)
class Opt(Node):
    """The body, or nothing (a step the TR marks optional)."""

    body: Node
    label: str = ""


@dataclass(frozen=True)
class Loop(Node):
    """The body once or more (``min_times=0``: zero or more)."""

    body: Node
    label: str = ""
    min_times: int = 1


def _node(part: Node | str) -> Node:
    return Ref(part) if isinstance(part, str) else part


def seq(*parts: Node | str) -> Seq:
    return Seq(tuple(_node(p) for p in parts))


def alt(*branches: tuple[str, Node | str]) -> Alt:
    return Alt(tuple((label, _node(body)) for label, body in branches))


def opt(*parts: Node | str, label: str = "") -> Opt:
    return Opt(seq(*parts) if len(parts) != 1 else _node(parts[0]), label)


def loop(*parts: Node | str, label: str = "", min_times: int = 1) -> Loop:
    return Loop(seq(*parts) if len(parts) != 1 else _node(parts[0]), label, min_times)


@dataclass
class Automaton:
    """Glushkov automaton of a structure: positions, first, last, follow."""

    labels: list[str] = field(default_factory=list)  # position -> step id
    first: frozenset[int] = frozenset()
    last: frozenset[int] = frozenset()
    nullable: bool = False
    follow: dict[int, frozenset[int]] = field(default_factory=dict)
    branch: dict[int, tuple[str, ...]] = field(default_factory=dict)  # position -> branch path

    def next_positions(
        self, state: frozenset[int] | None, step: str, hidden: frozenset[str] = frozenset()
    ) -> frozenset[int]:
        """Positions reached by ``step`` from ``state`` (None: the start), passing through
        any number of ``hidden`` steps (steps a party of the flow does not see)."""
        return frozenset(p for p in self.candidates(state, hidden) if self.labels[p] == step)

    def _direct(self, state: frozenset[int] | None) -> frozenset[int]:
        if state is None:
            return self.first
        return frozenset().union(*(self.follow[p] for p in state))

    def _closure(self, state: frozenset[int] | None, hidden: frozenset[str]) -> set[int]:
        """Positions reachable from ``state`` through hidden positions (those included)."""
        seen: set[int] = set()
        stack = list(self._direct(state))
        while stack:
            position = stack.pop()
            if position in seen:
                continue
            seen.add(position)
            if self.labels[position] in hidden:
                stack.extend(self.follow[position])
        return seen

    def candidates(
        self, state: frozenset[int] | None, hidden: frozenset[str] = frozenset()
    ) -> frozenset[int]:
        """Positions that may come next (beyond any hidden ones)."""
        if not hidden:
            return self._direct(state)
        return frozenset(p for p in self._closure(state, hidden) if self.labels[p] not in hidden)

    def allowed(
        self, state: frozenset[int] | None, hidden: frozenset[str] = frozenset()
    ) -> list[str]:
        """Step ids that may come next, in structure order, without repeats."""
        labels = (self.labels[p] for p in sorted(self.candidates(state, hidden)))
        return list(dict.fromkeys(labels))

    def can_end(self, state: frozenset[int] | None, hidden: frozenset[str] = frozenset()) -> bool:
        """True when the flow may end here (possibly after hidden steps)."""
        ends = self.nullable if state is None else bool(state & self.last)
        if ends or not hidden:
            return ends
        return any(p in self.last for p in self._closure(state, hidden))


@dataclass(frozen=True)
class _Parts:
    first: frozenset[int]
    last: frozenset[int]
    nullable: bool


def compile_structure(root: Node) -> Automaton:
    """Build the automaton of ``root``."""
    auto = Automaton()

    def link(sources: frozenset[int], targets: frozenset[int]) -> None:
        for s in sources:
            auto.follow[s] = auto.follow[s] | targets

    def walk(node: Node, path: tuple[str, ...]) -> _Parts:
        if isinstance(node, Ref):
            position = len(auto.labels)
            auto.labels.append(node.step)
            auto.follow[position] = frozenset()
            auto.branch[position] = path
            only = frozenset({position})
            return _Parts(only, only, False)
        if isinstance(node, Seq):
            result = _Parts(frozenset(), frozenset(), True)
            for part in node.parts:
                nxt = walk(part, path)
                link(result.last, nxt.first)
                result = _Parts(
                    result.first | nxt.first if result.nullable else result.first,
                    nxt.last | result.last if nxt.nullable else nxt.last,
                    result.nullable and nxt.nullable,
                )
            return result
        if isinstance(node, Alt):
            parts = [walk(body, (*path, label)) for label, body in node.branches]
            return _Parts(
                frozenset().union(*(p.first for p in parts)),
                frozenset().union(*(p.last for p in parts)),
                any(p.nullable for p in parts),
            )
        if isinstance(node, Opt):
            body = walk(node.body, path)
            return _Parts(body.first, body.last, True)
        if isinstance(node, Loop):
            body = walk(node.body, path)
            link(body.last, body.first)
            return _Parts(body.first, body.last, body.nullable or node.min_times == 0)
        raise TypeError(f"not a structure node: {node!r}")

    parts = walk(root, ())
    auto.first, auto.last, auto.nullable = parts.first, parts.last, parts.nullable
    return auto


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of a step in a structure, with its context."""

    step: str
    optional: bool
    """Inside an option or a zero-or-more loop."""
    looped: bool
    """Inside a loop."""


def occurrences(node: Node, optional: bool = False, looped: bool = False) -> Iterator[Occurrence]:
    """Every step occurrence in ``node``, in order."""
    if isinstance(node, Ref):
        yield Occurrence(node.step, optional, looped)
    elif isinstance(node, Seq):
        for part in node.parts:
            yield from occurrences(part, optional, looped)
    elif isinstance(node, Alt):
        for _, body in node.branches:
            yield from occurrences(body, optional, looped)
    elif isinstance(node, Opt):
        yield from occurrences(node.body, True, looped)
    elif isinstance(node, Loop):
        yield from occurrences(node.body, optional or node.min_times == 0, True)


def step_refs(node: Node) -> Iterator[str]:
    """Every step id occurring in ``node``, in order (with repeats)."""
    return (o.step for o in occurrences(node))
