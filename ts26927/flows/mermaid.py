"""Mermaid sequence diagrams generated from a flow's table and structure.

Alternatives become ``alt``/``else`` blocks, options ``opt``, loops ``loop``; each step is one
arrow labelled with the TR's step id and the message it carries
(``4b: AiModelInformationResponse``), nothing more: the TR's words go in the step table beside
the diagram, because a sentence on every arrow makes the diagram too wide to read. Nothing is
drawn by hand.

A diagram may show one phase of a flow (:class:`~ts26927.flows.table.Phase`): the structure
pruned to the phase's steps, inside the blocks that enclose them.
"""

from __future__ import annotations

from dataclasses import replace

from ts26927.flows.structure import Alt, Loop, Node, Opt, Ref, Seq, step_refs
from ts26927.flows.table import Flow, Phase, Step


def _text(value: str) -> str:
    # Mermaid ends a statement at ';' and treats '#' as an entity start.
    return value.replace(";", ",").replace("#", "no. ")


def _name(name: str, width: int = 16) -> str:
    """A participant's name broken into lines of about ``width`` characters: a box as wide
    as a long name ('Intermediate Data Delivery Function (network)') widens the diagram."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br/>".join(lines)


def arrow_label(step: Step) -> str:
    """``<step id>: <message type>``; the step id alone for an action inside one function."""
    label = step.id if step.message is None else f"{step.id}: {step.message.__name__}"
    return label + " (either side)" if step.either_direction else label


def _lines(flow: Flow, node: Node, indent: str) -> list[str]:
    if isinstance(node, Ref):
        step = flow.step(node.step)
        assert step is not None  # Flow.__post_init__ guarantees every reference resolves
        return [f"{indent}{step.sender.key}->>{step.receiver.key}: {_text(arrow_label(step))}"]
    if isinstance(node, Seq):
        return [line for part in node.parts for line in _lines(flow, part, indent)]
    inner = indent + "    "
    if isinstance(node, Alt):
        out: list[str] = []
        for index, (label, body) in enumerate(node.branches):
            out.append(f"{indent}{'alt' if index == 0 else 'else'} {_text(label)}")
            out.extend(_lines(flow, body, inner))
        return [*out, f"{indent}end"]
    if isinstance(node, Opt):
        head = f"{indent}opt {_text(node.label or 'optional')}"
        return [head, *_lines(flow, node.body, inner), f"{indent}end"]
    if isinstance(node, Loop):
        label = node.label or "repeat"
        if node.min_times == 0:
            label += " (zero or more times)"
        return [f"{indent}loop {_text(label)}", *_lines(flow, node.body, inner), f"{indent}end"]
    raise TypeError(f"not a structure node: {node!r}")


def prune(node: Node, keep: frozenset[str]) -> Node | None:
    """``node`` with only the occurrences of the steps in ``keep``, inside the blocks that
    enclose them; None when none is left. Alternatives that become equal are drawn once,
    their labels joined (federated learning's 'Option A then Option B' seen from Option A)."""
    if isinstance(node, Ref):
        return node if node.step in keep else None
    if isinstance(node, Seq):
        # Flattened, so that branches left with the same steps compare equal.
        parts: list[Node] = []
        for kept in (prune(part, keep) for part in node.parts):
            if isinstance(kept, Seq):
                parts.extend(kept.parts)
            elif kept is not None:
                parts.append(kept)
        return None if not parts else parts[0] if len(parts) == 1 else Seq(tuple(parts))
    if isinstance(node, Alt):
        merged: dict[Node, list[str]] = {}
        for label, body in node.branches:
            if (kept := prune(body, keep)) is not None:
                merged.setdefault(kept, []).append(label)
        if not merged:
            return None
        return Alt(tuple((" or ".join(labels), body) for body, labels in merged.items()))
    if isinstance(node, Opt | Loop):
        body = prune(node.body, keep)
        return None if body is None else replace(node, body=body)
    raise TypeError(f"not a structure node: {node!r}")


def sequence_diagram(flow: Flow, phase: Phase | None = None) -> str:
    """The Mermaid ``sequenceDiagram`` source of ``flow``, or of one of its phases."""
    if phase is None:
        structure: Node = flow.structure
        title = f"{flow.clause} {flow.title}"
    else:
        pruned = prune(flow.structure, frozenset(phase.steps))
        assert pruned is not None  # Flow.__post_init__: a phase's steps are the flow's steps
        structure, title = pruned, f"{flow.clause} {phase.title}"
    used = set(step_refs(structure))
    parties = {
        key
        for step in flow.steps
        if step.id in used
        for key in (step.sender.key, step.receiver.key)
    }
    lines = ["sequenceDiagram", f"    title {_text(title)}"]
    lines += [
        f"    participant {fn.key} as {_text(_name(fn.name))}"
        for fn in flow.functions()
        if fn.key in parties
    ]
    lines += _lines(flow, structure, "    ")
    return "\n".join(lines) + "\n"
