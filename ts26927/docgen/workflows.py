"""The workflow pages (step tables and sequence diagrams) and the traceability matrix."""

from __future__ import annotations

from ts26927 import trace
from ts26927.docgen.common import _anchor, _cell
from ts26927.flows import FLOWS, Flow, Step
from ts26927.flows.fidelity import TABLE, Item
from ts26927.flows.mermaid import sequence_diagram
from ts26927.models.registry import MESSAGE_TYPES

# Mermaid draws a sequence diagram at its natural width and the page scales it down to the
# column; narrower participant boxes and gaps (names are broken into lines) keep the text
# readable. Gaps still grow to fit the message names.
_DIAGRAM_CONFIG = (
    "---",
    "config:",
    "  sequence:",
    "    width: 130",
    "    actorMargin: 30",
    "---",
)


def workflow_path(flow: Flow) -> str:
    """The page of ``flow``, relative to the reference folder."""
    return f"workflows/{flow.id}.md"


def workflows_page() -> str:
    """The index of the workflow pages."""
    lines = [
        "# Workflows",
        "",
        "Every numbered workflow of the TR, one page each, generated from the step tables in "
        "`ts26927/flows/`. Each page draws the workflow phase by phase (the TR's own parts of "
        "the flow): the arrows carry the TR's step id and the message type, and the table "
        "under each diagram gives the TR's words for every step.",
        "",
        "| workflow | TR clause | figure | steps | phases |",
        "|---|---|---|---|---|",
    ]
    for flow in FLOWS.values():
        page = workflow_path(flow).removeprefix("workflows/")  # the index is in that folder
        phases = ", ".join(phase.title for phase in flow.phases) or "—"
        lines.append(
            f"| [{flow.id}]({page}): {_cell(flow.title)} | {flow.clause} | "
            f"{flow.figure} | {len(flow.steps)} | {_cell(phases)} |"
        )
    return "\n".join(lines) + "\n"


def _message(step: Step) -> str:
    if step.message is None:
        return "—"
    name = step.message.__name__
    page = "messages.md" if step.message in MESSAGE_TYPES else "metadata.md"
    return f"[{name}](../{page}#{_anchor(name)})"


def _when(flow: Flow, step: Step) -> str:
    """Where the step sits in the structure: its alternative, optional, repeating."""
    parts = [" / ".join(path) for path in flow.branches(step.id) if path]
    if flow.is_optional(step.id):
        parts.append("optional")
    if flow.repeats(step.id):
        parts.append("repeats")
    if step.either_direction:
        parts.append("either side sends")
    return _cell("; ".join(parts)) or "—"


def workflow_page(flow: Flow) -> str:
    """One workflow: its readings of the TR, then per phase a diagram and its step table."""
    lines = [
        # The diagrams need the page's width more than a table of contents of four headings.
        "---",
        "hide:",
        "  - toc",
        "---",
        "",
        f"# {flow.title}",
        "",
        f"`{flow.id}`: TR 26.927 clause {flow.clause}, {flow.figure}. Generated from the step "
        "table in `ts26927/flows/`; `ts26927 flows show "
        f"{flow.id} --mermaid` prints the whole flow as one diagram.",
        "",
        "Each arrow carries the TR's step id and the message type (an action inside one "
        "function has its step id only); the table under each diagram gives, for every step, "
        "its parties, its message and the TR's words (shortened).",
        "",
    ]
    if flow.notes:
        lines += ["## Readings of the TR", ""]
        lines += [f"- {note}" for note in flow.notes]
        lines.append("")
    parts = flow.parts()
    for number, phase in enumerate(parts, start=1):
        heading = phase.title if len(parts) == 1 else f"{number}. {phase.title}"
        lines += [
            f"## {heading}",
            "",
            "```mermaid",
            *_DIAGRAM_CONFIG,
            sequence_diagram(flow, phase).rstrip(),
            "```",
            "",
            "| step | from → to | message | what happens (TR's words) | when |",
            "|---|---|---|---|---|",
        ]
        for step_id in phase.steps:
            step = flow.step(step_id)
            assert step is not None  # Flow.__post_init__: a phase's steps are the flow's steps
            lines.append(
                f"| {step.id} | {step.sender.name} → {step.receiver.name} | {_message(step)} | "
                f"{_cell(step.action)} | {_when(flow, step)} |"
            )
        lines.append("")
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
            f"[{step['flow']}](workflows/{step['flow']}.md) | {step['step']} | "
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
        "property carries an item (generated from `ts26927/flows/fidelity/`).",
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
