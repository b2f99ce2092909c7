"""Workflow subcommands: ``flows list``, ``flows show``, ``flows check``."""

from __future__ import annotations

import argparse
import json
import sys

from ts26927 import validation
from ts26927.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, read_document
from ts26927.errors import DocumentError, MalformedDocumentError, UnknownFlowError
from ts26927.flows import FLOWS, get_flow
from ts26927.flows.mermaid import sequence_diagram
from ts26927.flows.table import Flow
from ts26927.flows.trace_check import check_trace


def _flow_dict(flow: Flow) -> dict:
    return {
        "id": flow.id,
        "clause": flow.clause,
        "figure": flow.figure,
        "title": flow.title,
        "notes": list(flow.notes),
        "functions": [
            {"key": f.key, "name": f.name, "side": f.side.value} for f in flow.functions()
        ],
        "steps": [
            {
                "step": s.id,
                "sender": s.sender.key,
                "receiver": s.receiver.key,
                "action": s.action,
                "message": None if s.message is None else s.message.__name__,
                "eitherDirection": s.either_direction,
                "optional": flow.is_optional(s.id),
                "repeats": flow.repeats(s.id),
                "branches": [list(p) for p in flow.branches(s.id) if p],
            }
            for s in flow.steps
        ],
    }


def cmd_list(args: argparse.Namespace) -> int:
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": f.id,
                        "clause": f.clause,
                        "figure": f.figure,
                        "title": f.title,
                        "steps": len(f.steps),
                    }
                    for f in FLOWS.values()
                ],
                indent=2,
            )
        )
        return EXIT_OK
    for flow in FLOWS.values():
        print(
            f"{flow.id:<32} {flow.clause:<10} {flow.figure:<18} {len(flow.steps):>3} steps  "
            f"{flow.title}"
        )
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    try:
        flow = get_flow(args.flow)
    except UnknownFlowError as error:
        print(f"ts26927 flows: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.mermaid:
        print(sequence_diagram(flow), end="")
    elif args.json:
        print(json.dumps(_flow_dict(flow), indent=2))
    else:
        print(f"{flow.id} — {flow.title} (TR 26.927 clause {flow.clause}, {flow.figure})")
        for note in flow.notes:
            print(f"  note: {note}")
        for step in flow.steps:
            flags = "".join(
                (
                    " optional" if flow.is_optional(step.id) else "",
                    " repeats" if flow.repeats(step.id) else "",
                )
            )
            message = step.message.__name__ if step.message else "(action)"
            print(
                f"  {step.id:>4}  {step.sender.name} -> {step.receiver.name}: {step.action} "
                f"[{message}]{flags}"
            )
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    try:
        flow = get_flow(args.flow)
        trace = validation.load_json(*read_document(args.trace))
    except MalformedDocumentError as error:
        # Read, but not JSON within the limits: an invalid trace (exit 1), not a usage error.
        print(f"ts26927 flows check: {error}", file=sys.stderr)
        return EXIT_INVALID
    except (UnknownFlowError, DocumentError) as error:
        print(f"ts26927 flows check: {error}", file=sys.stderr)
        return EXIT_USAGE
    report = check_trace(flow, trace)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    elif report.violation is None:
        print(f"{args.trace}: valid {flow.id} trace ({report.steps_checked} steps)")
    else:
        v = report.violation
        print(f"{args.trace}: violation at entry {v.index} (step {v.step or '?'}): {v.reason}")
    return EXIT_OK if report.valid else EXIT_INVALID


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``flows list|show|check``."""
    flows = sub.add_parser("flows", help="the TR's workflows as state machines")
    actions = flows.add_subparsers(dest="action", required=True)

    p = actions.add_parser("list", help="list the workflows")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=cmd_list)

    p = actions.add_parser("show", help="show a workflow's steps")
    p.add_argument("flow", metavar="FLOW", help="flow id (see 'flows list')")
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print as JSON")
    form.add_argument("--mermaid", action="store_true", help="print a Mermaid sequence diagram")
    p.set_defaults(func=cmd_show)

    p = actions.add_parser("check", help="check a recorded trace against a workflow")
    p.add_argument("flow", metavar="FLOW", help="flow id")
    p.add_argument("trace", metavar="TRACE.json", help="JSON array of steps, or - for stdin")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_check)
