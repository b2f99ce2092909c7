"""Mermaid output parses: a tiny parser checks the structure, not a snapshot string."""

from __future__ import annotations

import re

import pytest

from ts26927.flows import FLOWS
from ts26927.flows.mermaid import sequence_diagram
from ts26927.flows.structure import step_refs

# "<sender>->><receiver>: <step id>[: <message type>][ (either side)]" and nothing else.
ARROW = re.compile(r"^(\w+)->>(\w+): ([0-9]+[ab]?)(?:: (\w+))?( \(either side\))?$")
BLOCK_OPEN = ("alt ", "opt ", "loop ")


Arrow = tuple[str, str, str, str | None, bool]


def parse(source: str) -> tuple[set[str], list[Arrow], int]:
    """Participants, arrows (sender, receiver, step id, message type, either side) and the
    deepest block nesting."""
    lines = source.splitlines()
    assert lines[0] == "sequenceDiagram"
    participants: set[str] = set()
    arrows: list[Arrow] = []
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
            sender, receiver, step, message, either = match.groups()
            assert {sender, receiver} <= participants, line
            arrows.append((sender, receiver, step, message, either is not None))
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
    assert [arrow[2] for arrow in arrows] == list(step_refs(flow.structure))
    for sender, receiver, step_id, message, either in arrows:
        step = flow.step(step_id)
        assert step is not None and (step.sender.key, step.receiver.key) == (sender, receiver)
        # The label is the step id and the message type only: the TR's words are not drawn.
        assert message == (step.message.__name__ if step.message else None)
        assert either == step.either_direction


def test_a_label_is_the_step_id_and_the_message_name() -> None:
    source = sequence_diagram(FLOWS["split-operation"])
    assert "MEDIA_AF->>MEDIA_SESSION_HANDLER: 5: SplitNegotiation (either side)\n" in source
    assert "Negotiate" not in source
    names = sequence_diagram(FLOWS["split-inference"])
    assert "as Intermediate<br/>Data Delivery<br/>Function<br/>(network)\n" in names


@pytest.mark.parametrize("flow_id", list(FLOWS))
def test_the_phases_together_draw_every_step_once_per_occurrence(flow_id: str) -> None:
    flow = FLOWS[flow_id]
    drawn: list[str] = []
    for phase in flow.parts():
        participants, arrows, _ = parse(sequence_diagram(flow, phase))
        assert {arrow[2] for arrow in arrows} == set(phase.steps)
        # Only the parties of the phase's own steps take a column.
        assert participants == {key for a in arrows for key in a[:2]}
        drawn += [arrow[2] for arrow in arrows]
    # Every step in some phase; an occurrence may be drawn once for two branches left equal.
    assert set(drawn) == {step.id for step in flow.steps}


def test_a_phase_keeps_its_enclosing_blocks_and_merges_branches_left_equal() -> None:
    flow = FLOWS["federated-learning"]
    evaluation = next(p for p in flow.parts() if p.title == "Option A: model evaluation")
    source = sequence_diagram(flow, evaluation)
    assert "loop round (17 back to 5)" in source
    assert "alt Option A: model evaluation or Option A then Option B" in source
    assert "else" not in source  # 'Option B' has no step of this phase
    assert "title 5.2.4.2 Option A: model evaluation" in source


def test_alternatives_and_loops_are_drawn_as_blocks() -> None:
    source = sequence_diagram(FLOWS["split-inference"])
    assert "alt Alternative 1: network decides" in source
    assert "else Alternative 2: UE decides" in source
    assert "loop negotiation at start or when the UE or network status changes" in source
    assert parse(source)[2] == 3
