"""``ts26927 traffic ... --plot DIR``: a result's figures written as PNG and SVG.

The glue between the traffic subcommands and :mod:`ts26927.traffic.plots`: the option, the
checks made before the measurement (which can take a while) and the writing. Errors are one
line on stderr and :data:`EXIT_USAGE`, as the module's other usage and I/O errors: a bad
``--plot-chain``, matplotlib not installed (the ``plots`` extra), a directory that cannot be
written.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from ts26927.cli.common import EXIT_USAGE
from ts26927.errors import MissingExtraError
from ts26927.traffic import plots
from ts26927.traffic.figures import FigureData

Result = TypeVar("Result")


def add_option(p: argparse.ArgumentParser, stems: str) -> None:
    """Add ``--plot DIR``; ``stems`` names the files it writes, for the help."""
    p.add_argument(
        "--plot",
        type=Path,
        metavar="DIR",
        help=f"also write the plots ({stems}) into DIR as PNG and SVG, one 'wrote' line "
        "each on stderr (needs matplotlib: pip install 'ts26927[plots]')",
    )


def check(command: str, args: argparse.Namespace, chains: Sequence[str] = ()) -> int | None:
    """Before measuring: the exit code of a plot option that cannot work, else None.

    ``chains`` are the measured codec chains, which ``--plot-chain`` (split) must be one of.
    """
    chain = getattr(args, "plot_chain", None)
    if chain is not None and args.plot is None:
        return _usage(command, "--plot-chain needs --plot")
    if chain is not None and chain not in chains:
        return _usage(
            command, f"--plot-chain {chain} is not a measured chain (--codec {' '.join(chains)})"
        )
    if args.plot is not None:
        try:
            _require_matplotlib()
        except MissingExtraError as error:
            return _usage(command, str(error))
    return None


def write(
    command: str,
    args: argparse.Namespace,
    result: Result,
    builders: Sequence[Callable[[Result], FigureData]],
) -> int | None:
    """With ``--plot``, write the figure each builder makes of ``result`` into its directory:
    None, or the exit code of a failure. Without ``--plot``, nothing: None."""
    if args.plot is None:
        return None
    try:
        for build in builders:
            for path in plots.write(build(result), args.plot):
                print(f"wrote {path}", file=sys.stderr)
    except MissingExtraError as error:
        return _usage(command, str(error))
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        return _usage(command, f"cannot write the plots: {where}{error.strerror or error}")
    return None


def _require_matplotlib() -> None:
    """Import what rendering needs now, so a missing extra fails before the measurement."""
    try:
        for module in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
            importlib.import_module(module)
    except ImportError as error:
        raise MissingExtraError("plots", "matplotlib", "--plot") from error


def _usage(command: str, message: str) -> int:
    print(f"ts26927 traffic {command}: {message}", file=sys.stderr)
    return EXIT_USAGE
