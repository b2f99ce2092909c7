"""The ``ts26927`` command. Thin: parsing arguments and printing; the work is elsewhere.

Each module listed in ``COMMANDS`` adds its subcommands through ``register(subparsers)``;
each subcommand sets ``func(args) -> exit code``.

Exit codes: 0 success; 1 the thing checked is wrong (a document that is not JSON within the
limits or not of its type, bytes that are not an ONNX model, stale schemas, a failed case);
2 usage errors (an unknown name, a file that cannot be read or written, a bad option value).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ts26927 import SCHEMA_VERSION, TR_EDITION, __version__
from ts26927.cli import (
    bench,
    conformance,
    data,
    fl,
    flows,
    metadata,
    models,
    serve,
    split,
    traffic,
)

COMMANDS = (metadata, flows, fl, split, bench, models, conformance, data, serve, traffic)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="ts26927", description="Reference library for 3GPP TR 26.927."
    )
    root.add_argument(
        "--version",
        action="version",
        version=f"ts26927 {__version__} ({TR_EDITION}; suite {__version__}, "
        f"schemas {SCHEMA_VERSION})",
    )
    sub = root.add_subparsers(dest="command", required=True)
    for module in COMMANDS:
        module.register(sub)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as Unix tools do. Point stdout
        # at /dev/null so the interpreter's final flush does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
