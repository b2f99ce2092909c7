"""Metadata subcommands: validate, schemas, docs, trace, demo."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ts26927 import docgen, schemas, trace, validation, walkthrough
from ts26927.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, read_document
from ts26927.errors import (
    DocumentError,
    InvalidDocumentError,
    Issue,
    MalformedDocumentError,
    SchemaDriftError,
    UnknownTypeError,
)
from ts26927.models import wire_json
from ts26927.models.registry import TYPES, get_type
from ts26927.resources import resource_path


def cmd_validate(args: argparse.Namespace) -> int:
    if args.list:
        for name, cls in TYPES.items():
            print(f"{name}\t{cls.tr_clause}")
        return EXIT_OK
    if not args.type or not args.file:
        print("ts26927 validate: give TYPE and FILE (or --list)", file=sys.stderr)
        return EXIT_USAGE
    try:
        get_type(args.type)
        data = validation.load_json(*read_document(args.file))
        validation.parse(args.type, data)
    except MalformedDocumentError as error:
        # Read, but not JSON within the limits: the input is invalid (exit 1), its one
        # issue at the document's root.
        return _invalid(args, [Issue("", error.reason)])
    except (UnknownTypeError, DocumentError) as error:
        print(f"ts26927 validate: {error}", file=sys.stderr)
        return EXIT_USAGE
    except InvalidDocumentError as error:
        return _invalid(args, error.issues)
    print(
        json.dumps({"valid": True, "type": args.type})
        if args.json
        else f"{args.file}: valid {args.type}"
    )
    return EXIT_OK


def _invalid(args: argparse.Namespace, issues: list[Issue]) -> int:
    if args.json:
        document = {"valid": False, "type": args.type, "errors": [i.to_dict() for i in issues]}
        print(json.dumps(document, indent=2))
    else:
        print(f"{args.file}: invalid {args.type} ({len(issues)} error(s))")
        for issue in issues:
            print(f"  {issue.pointer or '/'}: {issue.reason}")
    return EXIT_INVALID


def cmd_schemas(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    if args.action == "export":
        written = schemas.export(directory)
        print(f"wrote {len(written)} files to {directory}/")
        return EXIT_OK
    try:
        schemas.check(directory)
    except SchemaDriftError as error:
        for difference in error.differences:
            print(difference, end="" if difference.endswith("\n") else "\n")
        print(f"{error}; run 'ts26927 schemas export' to regenerate", file=sys.stderr)
        return EXIT_INVALID
    print(f"{directory}/ is up to date ({len(schemas.expected_files())} files)")
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    if args.action == "generate":
        written = docgen.generate(directory)
        print(f"wrote {len(written)} reference pages to {directory}/")
        return EXIT_OK
    if found := docgen.differences(directory):
        for difference in found:
            print(difference, end="" if difference.endswith("\n") else "\n")
        print("reference pages out of date; run 'ts26927 docs generate'", file=sys.stderr)
        return EXIT_INVALID
    print(f"{directory}/ reference pages are up to date")
    return EXIT_OK


def cmd_trace(args: argparse.Namespace) -> int:
    entries = trace.build()
    if args.json:
        document = {
            "metadata": [e.to_dict() for e in entries],
            "workflows": trace.workflow_steps(),
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        for entry in entries:
            where = (
                ", ".join(
                    f"{i.type_name}{'.' + i.prop if i.prop else ''}" for i in entry.implementations
                )
                or "NOT IMPLEMENTED"
            )
            print(f"{entry.row.clause:<10} {entry.row.metadata_type:<36} {where}")
        for step in trace.workflow_steps():
            print(
                f"{step['clause']:<10} {step['flow'] + ' step ' + step['step']:<36} "
                f"{step['message'] or '(action)'}"
            )
    return EXIT_INVALID if trace.unimplemented_rows() else EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    # Outside a checkout the shipped copy of the schemas is the one to check.
    schema_dir = Path(args.schemas) if args.schemas else resource_path("schemas")
    return EXIT_OK if walkthrough.run(schema_dir, Path(args.docs)) else EXIT_INVALID


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the ``ts26927`` parser."""
    p = sub.add_parser(
        "validate",
        help="validate a JSON document against a type",
        epilog=(
            f"Limits: a document of at most {validation.MAX_DOCUMENT_BYTES // 2**20} MiB and "
            f"{wire_json.MAX_VALUES:,} values, numbers within IEEE 754 binary64 (no NaN or "
            f"infinities), no duplicate keys, UTF-8; the first {validation.MAX_ISSUES} "
            "issues are listed and the rest counted. Exit 0 valid; 1 invalid (not JSON, over a "
            "limit, or not of the type); 2 usage (unknown type, a file that cannot be read)."
        ),
    )
    p.add_argument("type", nargs="?", metavar="TYPE", help="type name (see --list)")
    p.add_argument("file", nargs="?", metavar="FILE", help="JSON file, or - for stdin")
    p.add_argument("--list", action="store_true", help="list the types and exit")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schemas", help="export or check the JSON Schemas")
    p.add_argument("action", choices=["export", "check"])
    p.add_argument("--dir", default="schemas", help="schema directory (default: schemas)")
    p.set_defaults(func=cmd_schemas)

    p = sub.add_parser("docs", help="generate or check the reference pages of the docs")
    p.add_argument("action", choices=["generate", "check"])
    p.add_argument("--dir", default="docs", help="docs directory (default: docs)")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser(
        "trace", help="TR clause 6.6 rows and workflow steps, and what implements each"
    )
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser("demo", help="walk every model, schema and TR row, printing each check")
    p.add_argument("--schemas", help="schema directory to check (default: the installed schemas)")
    p.add_argument("--docs", default="docs", help="docs directory to check")
    p.set_defaults(func=cmd_demo)
