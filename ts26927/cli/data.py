"""``ts26927 data``: where the shipped data files are, for tools of other stacks.

ts26927 data                     list the resources and their directories
ts26927 data path schemas        print one directory (for scripts: ajv -s "$(...)/X.json")
ts26927 data copy harness-node DIR   copy one resource to a writable directory
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from ts26927.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from ts26927.resources import RESOURCES, ResourceMissingError, resource_path

#: Never copied: dependencies a maintainer installed into a checkout's harness folder.
_NOT_COPIED = shutil.ignore_patterns("node_modules", "__pycache__")


def cmd_data(args: argparse.Namespace) -> int:
    try:
        if args.action == "path":
            print(resource_path(_name(args)))
            return EXIT_OK
        if args.action == "copy":
            return _copy(_name(args), Path(args.target))
        rows = [(r.name, resource_path(r.name), r.description) for r in RESOURCES.values()]
    except ResourceMissingError as error:
        print(f"ts26927 data: {error}", file=sys.stderr)
        return EXIT_INVALID
    except _UsageError as error:
        print(f"ts26927 data: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        data = [{"name": n, "path": str(p), "description": d} for n, p, d in rows]
        print(json.dumps(data, indent=2))
        return EXIT_OK
    for name, path, description in rows:
        print(f"{name:<13} {path}\n{'':<13} {description}")
    return EXIT_OK


class _UsageError(Exception):
    pass


def _name(args: argparse.Namespace) -> str:
    if args.name is None:
        raise _UsageError(f"{args.action} needs a resource name ({', '.join(RESOURCES)})")
    if args.name not in RESOURCES:
        raise _UsageError(f"unknown resource {args.name!r} ({', '.join(RESOURCES)})")
    return str(args.name)


def _copy(name: str, target: Path) -> int:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise _UsageError(f"{target} exists and is not an empty directory")
    shutil.copytree(resource_path(name), target, ignore=_NOT_COPIED, dirs_exist_ok=True)
    print(f"copied {name} to {target}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "data",
        help="where the shipped schemas, protocol schema, harness example and cases are",
    )
    p.add_argument("action", nargs="?", choices=["list", "path", "copy"], default="list")
    p.add_argument("name", nargs="?", help=f"resource: {', '.join(RESOURCES)}")
    p.add_argument("target", nargs="?", help="copy: an empty or new directory")
    p.add_argument("--json", action="store_true", help="list as JSON")
    p.set_defaults(func=cmd_data)
