"""Mermaid output parses: a tiny parser checks the structure, not a snapshot string."""

from __future__ import annotations

import re

import pytest

from ts26927.flows import FLOWS
from ts26927.flows.mermaid import sequence_diagram
from ts26927.flows.structure import step_refs

ARROW = re.compile(r"^(\w+)->>(\w+): (\S+) ")
BLOCK_OPEN = ("alt ", "opt ", "loop ")


def parse(source: str) -> tuple[set[str], list[tuple[str, str, str]], int]:
    """Participants, arrows (sender, receiver, step id) and the deepest block nesting."""
    lines = source.splitlines()
    assert lines[0] == "sequenceDiagram"
    participants: set[str] = set()
    arrows: list[tuple[str, str, str]] = []
    stack: list[str] = []
    depth = 0
    for raw in lines[1:]:
        line = raw.strip()
        assert ";" not in line and "#" not in line, line
        if line.startswith("title "):
            continue
        if line.startswith("participant "):
            key = line.split()[1]
            assert not arrows, "participants come first"
            participants.add(key)
        elif match := ARROW.match(line):
            sender, receiver, step = match.groups()
            assert {sender, receiver} <= participants, line
            arrows.append((sender, receiver, step))
        elif line.startswith(BLOCK_OPEN):
            stack.append(line.split()[0])
            depth = max(depth, len(stack))
        elif line.startswith("else "):
            assert stack and stack[-1] == "alt", line
        elif line == "end":
            assert stack, "unbalanced end"
            stack.pop()
        else:
            pytest.fail(f"unexpected line: {line!r}")
    assert not stack, f"unclosed blocks: {stack}"
    return participants, arrows, depth


@pytest.mark.parametrize("flow_id", list(FLOWS))
def test_diagram_has_every_step_occurrence_in_structure_order(flow_id: str) -> None:
    flow = FLOWS[flow_id]
    participants, arrows, _ = parse(sequence_diagram(flow))
    assert participants == {f.key for f in flow.functions()}
    assert [step for _, _, step in arrows] == list(step_refs(flow.structure))
    for sender, receiver, step_id in arrows:
        step = flow.step(step_id)
        assert step is not None and (step.sender.key, step.receiver.key) == (sender, receiver)


def test_alternatives_and_loops_are_drawn_as_blocks() -> None:
    source = sequence_diagram(FLOWS["split-inference"])
    assert "alt Alternative 1: network decides" in source
    assert "else Alternative 2: UE decides" in source
    assert "loop negotiation at start or when the UE or network status changes" in source
    assert parse(source)[2] == 3
