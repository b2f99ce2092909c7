"""Mermaid sequence diagrams generated from a flow's table and structure.

Alternatives become ``alt``/``else`` blocks, options ``opt``, loops ``loop``; each step is one
arrow labelled with the TR's step id. Nothing is drawn by hand.
"""

from __future__ import annotations

from ts26927.flows.structure import Alt, Loop, Node, Opt, Ref, Seq
from ts26927.flows.table import Flow


def _text(value: str) -> str:
    # Mermaid ends a statement at ';' and treats '#' as an entity start.
    return value.replace(";", ",").replace("#", "no. ")


def _lines(flow: Flow, node: Node, indent: str) -> list[str]:
    if isinstance(node, Ref):
        step = flow.step(node.step)
        assert step is not None  # Flow.__post_init__ guarantees every reference resolves
        label = f"{step.id} {step.action}"
        if step.message is not None:
            label += f" [{step.message.__name__}]"
        if step.either_direction:
            label += " (either side)"
        return [f"{indent}{step.sender.key}->>{step.receiver.key}: {_text(label)}"]
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


def sequence_diagram(flow: Flow) -> str:
    """The Mermaid ``sequenceDiagram`` source of ``flow``."""
    lines = ["sequenceDiagram", f"    title {_text(flow.clause + ' ' + flow.title)}"]
    lines += [f"    participant {fn.key} as {_text(fn.name)}" for fn in flow.functions()]
    lines += _lines(flow, flow.structure, "    ")
    return "\n".join(lines) + "\n"
