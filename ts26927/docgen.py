"""Reference pages of the documentation site, generated from the models and the catalogue.

``ts26927 docs generate`` writes ``docs/reference/*.md``; ``ts26927 docs check`` fails when
the committed pages differ, like the schema drift check. Nothing here is written by hand:
each table row comes from a schema property and its ``x-tr26927`` annotation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ts26927 import generated, trace
from ts26927.flows import FLOWS
from ts26927.flows.mermaid import sequence_diagram
from ts26927.models.base import RULES_KEY, TR_KEY, TsModel
from ts26927.models.registry import ENGINE_TYPES, MESSAGE_TYPES, METADATA_TYPES
from ts26927.schemas import type_schema

REFERENCE_DIR = "reference"
_OWNED = (f"{REFERENCE_DIR}/*.md",)


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _anchor(name: str) -> str:
    return name.lower()


def type_label(node: dict[str, Any]) -> str:
    """A short human name for a schema node's type, linking model types."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{_anchor(name)})"
    if "anyOf" in node:
        known = [b for b in node["anyOf"] if "$ref" in b]
        if len(known) == 1 and len(node["anyOf"]) == 2:
            return f"{type_label(known[0])} (extensible)"
        return " or ".join(type_label(b) for b in node["anyOf"])
    kind = node.get("type", "any")
    if kind == "array":
        return f"array of {type_label(node['items'])}"
    if "enum" in node:
        return " \\| ".join(f"`{v}`" for v in node["enum"])
    if node.get("format") == "date-time":
        return "date-time"
    if node.get("contentEncoding") == "base64":
        return "bytes (base64)"
    return str(kind)


def _bounds(node: dict[str, Any]) -> str:
    parts = []
    for key, label in (
        ("minimum", "≥"),
        ("maximum", "≤"),
        ("minItems", "items ≥"),
        ("maxItems", "items ≤"),
        ("minLength", "length ≥"),
    ):
        if key in node:
            parts.append(
                f"{label} {node[key]:g}" if isinstance(node[key], float) else f"{label} {node[key]}"
            )
    return ", ".join(parts)


def _type_section(name: str, body: dict[str, Any], level: str) -> list[str]:
    lines = [f"{level} {name}", ""]
    if "enum" in body:
        lines += [body.get("description", ""), "", "| value |", "|---|"]
        return lines + [f"| `{v}` |" for v in body["enum"]] + [""]
    lines += [body.get("description", ""), ""]
    lines += [
        "| property | type | required | unit | bounds | TR metadata type | description |",
        "|---|---|---|---|---|---|---|",
    ]
    required = set(body.get("required", []))
    for prop, node in body.get("properties", {}).items():
        tr = node.get(TR_KEY, {})
        tr_name = f"{tr['metadataType']} ({tr['clause']})" if "metadataType" in tr else "—"
        lines.append(
            f"| `{prop}` | {type_label(node)} | {'yes' if prop in required else 'no'} | "
            f"{_cell(tr.get('unit', ''))} | {_bounds(node)} | {_cell(tr_name)} | "
            f"{_cell(node.get('description', ''))} |"
        )
    if rules := body.get(RULES_KEY):
        lines += ["", "Rules across properties:", ""] + [f"- {rule}" for rule in rules]
    return [*lines, ""]


def _types_page(title: str, intro: str, types: tuple[type[TsModel], ...]) -> str:
    lines = [f"# {title}", "", intro, ""]
    names = [cls.__name__ for cls in types]
    defs: dict[str, Any] = {}
    for name in names:
        document = type_schema(name)
        lines += _type_section(name, document, "##")
        defs.update(document.get("$defs", {}))
    shared = sorted(set(defs) - set(names))
    if shared:
        lines += ["## Sub-types and enumerations", ""]
        for sub in shared:
            lines += _type_section(sub, defs[sub], "###")
    return "\n".join(lines).rstrip() + "\n"


def metadata_page() -> str:
    """Every clause 6.6 type and its sub-types, with one row per property."""
    return _types_page(
        "Metadata types",
        "Generated from the models. Each type has a JSON Schema in `schemas/`.",
        METADATA_TYPES,
    )


def messages_page() -> str:
    """Every call-flow message type."""
    return _types_page(
        "Call-flow messages",
        "Generated from the models. The workflow pages say which step carries which message.",
        MESSAGE_TYPES,
    )


def engine_page() -> str:
    """The reference engine's exchange formats."""
    return _types_page(
        "Engine formats",
        "Formats of the reference engine that implementations exchange: the header of an "
        "intermediate data unit and the split selection's candidate configurations.",
        ENGINE_TYPES,
    )


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


def conformance_page() -> str:
    """The conformance cases and which workflow steps they cover (from the suite data)."""
    from ts26927.conformance.suite import DEFAULT_CASES, SuiteError, load_suite

    try:
        cases = load_suite(DEFAULT_CASES)
    except SuiteError:
        cases = []
    lines = [
        "# Conformance cases",
        "",
        "Generated from `conformance/cases/`. Each case replays one workflow against an "
        "implementation under test (IUT); `ts26927 conformance run` runs them.",
        "",
        "| case | clause | IUT | title |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{c.id}` | {c.clause} ({c.figure}) | {c.role.value} | {_cell(c.title)} |" for c in cases
    ]
    for c in cases:
        lines += [
            "",
            f"## {c.id}",
            "",
            f"**Purpose:** {_cell(c.purpose.text())}",
            "",
            f"**Applies when:** `{c.applicability}`",
            "",
            "| step | by | message from | checks |",
            "|---|---|---|---|",
        ]
        for step in c.steps:
            source = step.fixture or ("inline" if step.message is not None else "—")
            if step.expect_refusal:
                source += " (must be refused)"
            checks = ", ".join(f"`{k.check}`" for k in step.checks) or "—"
            lines.append(f"| {step.step} | {step.by.value} | {source} | {checks} |")
    covered = [s for s in trace.workflow_steps() if s["coveredBy"]]
    total = len(trace.workflow_steps())
    lines += [
        "",
        "## Coverage",
        "",
        f"{len(covered)} of {total} workflow steps are "
        "exercised by at least one case; `ts26927 trace --json` lists the cases per step.",
    ]
    return "\n".join(lines) + "\n"


def expected_files() -> dict[str, str]:
    return {
        f"{REFERENCE_DIR}/metadata.md": metadata_page(),
        f"{REFERENCE_DIR}/messages.md": messages_page(),
        f"{REFERENCE_DIR}/engine.md": engine_page(),
        f"{REFERENCE_DIR}/workflows.md": workflows_page(),
        f"{REFERENCE_DIR}/traceability.md": traceability_page(),
        f"{REFERENCE_DIR}/conformance.md": conformance_page(),
    }


def generate(docs_dir: Path) -> list[Path]:
    return generated.write(docs_dir, expected_files(), _OWNED)


def differences(docs_dir: Path) -> list[str]:
    return generated.differences(docs_dir, expected_files(), _OWNED)
