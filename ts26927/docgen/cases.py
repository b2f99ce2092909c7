"""The page of the conformance cases: per case, its purpose, preamble, steps, reactions and
final checks, and the coverage of the workflow steps."""

from __future__ import annotations

import json
from typing import Any

from ts26927 import trace
from ts26927.conformance.suite import DEFAULT_CASES, SuiteError, load_suite
from ts26927.docgen.common import _cell


def _check_text(check: Any) -> str:
    """A check with its arguments, as the case gives them."""
    args = f" {_cell(json.dumps(check.args))}" if check.args else ""
    return f"`{check.check}`{args}"


def _case_step_row(step: Any, short: bool = False) -> str:
    source = f"`{step.builder}`" if step.builder else ("inline" if step.message else "—")
    if step.expect_refusal:
        source += " (must be refused)"
    if short:
        return f"{step.step} ({source})"
    checks = ", ".join(_check_text(k) for k in step.checks) or "—"
    optional = " (optional)" if step.optional else ""
    return f"| {step.step}{optional} | {step.by.value} | {source} | {checks} |"


def _numbers(case_ids: list[str]) -> str:
    """Case ids by their last part (``…-004`` → ``004``), or a dash."""
    return ", ".join(i.rsplit("-", 1)[-1] for i in case_ids) or "—"


def conformance_page() -> str:
    """The conformance cases and which workflow steps they cover (from the suite data)."""

    try:
        cases = load_suite(DEFAULT_CASES)
    except SuiteError:
        cases = []
    lines = [
        "# Conformance cases",
        "",
        "Generated from `ts26927/conformance/cases/` (installed with the package). Each case "
        "replays one workflow against an implementation under test (IUT); `ts26927 "
        "conformance run` runs them. What the capabilities, IXIT items, preamble states, "
        "fixtures, builders and checks named here mean is on the "
        "[harness reference](harness-reference.md) page.",
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
            f"**Preamble:** `{c.preamble.state}` with `{_cell(json.dumps(c.preamble.params))}`",
            "",
            *([f"**Fixtures:** `{_cell(json.dumps(c.fixtures))}`", ""] if c.fixtures else []),
            "| step | by | message from | checks |",
            "|---|---|---|---|",
        ]
        lines += [_case_step_row(step) for step in c.steps]
        if c.reactions:
            lines += [
                "",
                "Whenever the IUT performs one of these steps, in any order the workflow "
                "allows (and after the steps above, until it has nothing more to do):",
                "",
                "| IUT step | checks | the test system answers |",
                "|---|---|---|",
            ]
            for reaction in c.reactions:
                checks = ", ".join(_check_text(k) for k in reaction.checks) or "—"
                answer = "; ".join(_case_step_row(s, short=True) for s in reaction.then) or "—"
                lines.append(f"| {reaction.step} | {checks} | {answer} |")
        if c.final:
            lines += ["", "**At the end:** " + ", ".join(_check_text(k) for k in c.final)]
        if c.ends_quiet:
            lines += ["", "**Then** the IUT must perform nothing more."]
    steps = trace.workflow_steps()
    covered = [s for s in steps if s["coveredBy"]]
    lines += [
        "",
        "## Coverage",
        "",
        f"{len(covered)} of {len(steps)} workflow steps are exercised by at least one case. "
        "Per step, the cases that perform it with the network under test and with the UE "
        "under test (by their number within the workflow); `ts26927 trace --json` gives "
        "the same as `coveredByRole`.",
        "",
        "| workflow | step | performed by | side | network under test | UE under test |",
        "|---|---|---|---|---|---|",
    ]
    for s in steps:
        columns = [_numbers(s["coveredByRole"][role]) for role in ("NETWORK", "UE")]
        lines.append(
            f"| {s['flow']} | {s['step']} | {s['sender']} | {s['performedBy']} | "
            f"{columns[0]} | {columns[1]} |"
        )
    return "\n".join(lines) + "\n"
