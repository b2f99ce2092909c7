"""The workflow pages (step tables and sequence diagrams) and the traceability matrix."""

from __future__ import annotations

from ts26927 import trace
from ts26927.docgen.common import _anchor, _cell
from ts26927.flows import FLOWS
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
    return "\n".join(lines) + "\n"
