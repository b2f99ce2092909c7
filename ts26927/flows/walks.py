"""Walks through a flow's automaton: shortest paths, walks covering every step occurrence,
and example messages — for golden traces, coverage checks and the demo."""

from __future__ import annotations

from collections import deque
from typing import Any

from ts26927.flows.table import Flow, Step
from ts26927.models.examples import examples_of

State = frozenset[int] | None


def message_for(step: Step) -> dict[str, Any] | None:
    """A valid message for ``step`` (its type's first example), or None for actions."""
    return None if step.message is None else examples_of(step.message)[0]


def entry(flow: Flow, step_id: str) -> dict[str, Any]:
    """One trace entry for ``step_id`` with its parties and an example message."""
    step = flow.step(step_id)
    if step is None:
        raise KeyError(step_id)
    return {
        "step": step.id,
        "sender": step.sender.key,
        "receiver": step.receiver.key,
        "message": message_for(step),
    }


def _successors(flow: Flow, state: State) -> list[tuple[str, frozenset[int]]]:
    auto = flow.automaton
    return [(s, auto.next_positions(state, s)) for s in auto.allowed(state)]


def shortest_to(flow: Flow, goal: int) -> list[str] | None:
    """Shortest step sequence from the start that leaves position ``goal`` live."""
    queue: deque[tuple[State, list[str]]] = deque([(None, [])])
    seen: set[State] = {None}
    while queue:
        state, path = queue.popleft()
        for step, nxt in _successors(flow, state):
            if goal in nxt:
                return [*path, step]
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, [*path, step]))
    return None


def shortest_end(flow: Flow, state: State) -> list[str] | None:
    """Shortest continuation from ``state`` to a state where the flow may end."""
    auto = flow.automaton
    queue: deque[tuple[State, list[str]]] = deque([(state, [])])
    seen: set[State] = {state}
    while queue:
        current, path = queue.popleft()
        if auto.can_end(current):
            return path
        for step, nxt in _successors(flow, current):
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, [*path, step]))
    return None


def replay(flow: Flow, steps: list[str]) -> State:
    """The state after ``steps``; ValueError if they are not a legal prefix."""
    state: State = None
    for step in steps:
        state = flow.automaton.next_positions(state, step)
        if not state:
            raise ValueError(f"{flow.id}: step {step} not allowed in {steps}")
    return state


def covering_walks(flow: Flow) -> list[list[str]]:
    """Complete walks that together visit every position (every step occurrence)."""
    walks: list[list[str]] = []
    covered: set[int] = set()
    for position in range(len(flow.automaton.labels)):
        if position in covered:
            continue
        head = shortest_to(flow, position)
        if head is None:
            raise ValueError(f"{flow.id}: step {flow.automaton.labels[position]} unreachable")
        tail = shortest_end(flow, replay(flow, head))
        if tail is None:
            raise ValueError(f"{flow.id}: no way to end after {head}")
        walk = head + tail
        walks.append(walk)
        state: State = None
        for step in walk:
            state = flow.automaton.next_positions(state, step)
            covered |= state
    return walks
