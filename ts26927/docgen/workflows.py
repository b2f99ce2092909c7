"""The workflow pages (step tables and sequence diagrams) and the traceability matrix."""

from __future__ import annotations

from ts26927 import trace
from ts26927.docgen.common import _anchor, _cell
from ts26927.flows import FLOWS, Flow
from ts26927.flows.fidelity import TABLE, Item
from ts26927.flows.mermaid import sequence_diagram
from ts26927.models.registry import MESSAGE_TYPES


def workflows_page() -> str:
    """Every workflow: its readings of the TR, its step table and its sequence diagram."""
    lines = [
        "# Workflows",
        "",
        "Generated from the step tables in `ts26927/flows/`; the diagrams are drawn from "
        "the same tables.",
        "",
    ]
    for flow in FLOWS.values():
        lines += [
            f"## {flow.id}",
            "",
            f"*{flow.title}* — TR 26.927 clause {flow.clause}, {flow.figure}.",
            "",
        ]
        lines += [f"- {note}" for note in flow.notes]
        lines += [
            "",
            "| step | from | to | action | message | optional | repeats | branch |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for step in flow.steps:
            message = (
                "—"
                if step.message is None
                else (
                    f"[{step.message.__name__}](messages.md#{_anchor(step.message.__name__)})"
                    if step.message in MESSAGE_TYPES
                    else f"[{step.message.__name__}](metadata.md#{_anchor(step.message.__name__)})"
                )
            )
            branch = "; ".join(" / ".join(p) for p in flow.branches(step.id) if p)
            lines.append(
                f"| {step.id} | {step.sender.name} | {step.receiver.name} | "
                f"{_cell(step.action)} | {message} | "
                f"{'yes' if flow.is_optional(step.id) else 'no'} | "
                f"{'yes' if flow.repeats(step.id) else 'no'} | {_cell(branch)} |"
            )
        lines += ["", "```mermaid", sequence_diagram(flow).rstrip(), "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def traceability_page() -> str:
    """Every clause 6.6 row of the TR and the property that implements it."""
    lines = [
        "# Traceability: TR 26.927 clause 6.6",
        "",
        "Every metadata type of the TR's clause 6.6 tables and parameter lists, and the "
        "schema property implementing it (generated; `ts26927 trace --json` prints the same).",
        "",
        "| clause | table | TR metadata type | TR example | implemented by |",
        "|---|---|---|---|---|",
    ]
    for entry in trace.build():
        where = (
            ", ".join(
                f"[{i.type_name}](metadata.md#{_anchor(i.type_name)})"
                + (f" `{i.prop}`" if i.prop else "")
                for i in entry.implementations
            )
            or "**not implemented**"
        )
        row = entry.row
        lines.append(
            f"| {row.clause} | {_cell(row.table.title)} | {_cell(row.metadata_type)} | "
            f"{_cell(row.example)} | {where} |"
        )
    lines += [
        "",
        "## Workflow steps",
        "",
        "| clause | figure | flow | step | message | implemented by |",
        "|---|---|---|---|---|---|",
    ]
    for step in trace.workflow_steps():
        message = step["message"] or "—"
        lines.append(
            f"| {step['clause']} | {step['figure']} | "
            f"[{step['flow']}](workflows.md#{step['flow']}) | {step['step']} | "
            f"{message} | `{_cell(step['implementedBy'])}` |"
        )
    lines += _fidelity_section()
    return "\n".join(lines) + "\n"


def _carriers(flow: Flow, step_id: str, item: Item) -> str:
    """The properties carrying an item, as ``Message/path``; '—' when none does."""
    if not item.paths:
        return "—"
    at = flow.step(item.at or step_id)
    message = at.message.__name__ if at is not None and at.message is not None else "?"
    where = f" (step {item.at})" if item.at else ""
    return "<br>".join(f"`{message}{path}`{where}" for path in item.paths)


def _fidelity_section() -> list[str]:
    """Per step: the items the TR's sentence lists, the properties that carry them, and
    the readings (``ts26927.flows.fidelity``)."""
    lines = [
        "",
        "## What each step's TR sentence lists",
        "",
        "For every step, the information items its TR sentence names (exact phrases), the "
        "message properties that carry them, and our reading where the TR is ambiguous or no "
        "property carries an item (generated from `ts26927/flows/fidelity.py`).",
    ]
    for flow in FLOWS.values():
        lines += [
            "",
            f"### {flow.id}",
            "",
            "| step | TR phrase | carried by | reading |",
            "|---|---|---|---|",
        ]
        for step in flow.steps:
            entry = TABLE.get((flow.id, step.id))
            for item in entry.items if entry else ():
                lines.append(
                    f"| {step.id} | {_cell(item.phrase)} | {_carriers(flow, step.id, item)} | "
                    f"{_cell(item.reading) or '—'} |"
                )
    return lines
