"""Mutation testing of the modules in modules.py, each against its own tests (`make mutation`).

Two engines: mutmut 3.8.1 for ordinary functions, and ast_mutator.py for the decorated ones
mutmut skips (every ``@check`` of the conformance suite, properties). Survivors of the check
modules are also tried against ``ts26927 conformance selftest``. Everything runs in temporary
copies of the project; the working tree is never edited.

    python -m tools.mutation.run [--module NAME ...] [--jobs N] [--limit N]
                                 [--only-ast | --no-mutmut | --no-ast]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .ast_mutator import Mutant
from .ast_runner import run_ast
from .modules import MODULES, by_tests, select
from .mutmut_runner import run_mutmut
from .report import Interrupted, Result, found_again, render, scores, survivors_of, write_json
from .selftest import SelftestOracle
from .workspace import ROOT, Workspace


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m tools.mutation.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--module",
        action="append",
        default=[],
        metavar="NAME",
        help="only this module (repeatable): " + ", ".join(m.name for m in MODULES) + ", checks",
    )
    p.add_argument("--jobs", type=int, default=1, help="mutants run in parallel (default 1)")
    p.add_argument("--limit", type=int, help="at most N mutants per module and engine (smoke run)")
    p.add_argument(
        "--only-ast",
        action="store_true",
        help="no mutmut: the AST mutator takes every function, decorated or not",
    )
    p.add_argument(
        "--no-mutmut",
        action="store_true",
        help="the AST mutator only, on the decorated functions mutmut skips",
    )
    p.add_argument("--no-ast", action="store_true", help="mutmut only")
    p.add_argument(
        "--survivors-of",
        type=Path,
        metavar="REPORT",
        help="only the AST survivors of an earlier report (after adding tests for them); "
        "implies --no-mutmut",
    )
    p.add_argument("--no-selftest", action="store_true", help="do not try survivors on selftest")
    p.add_argument("--report", type=Path, default=ROOT / "mutation-report.json")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        modules = select(args.module)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    if (
        args.jobs < 1
        or (args.limit is not None and args.limit < 1)
        or args.only_ast + args.no_mutmut + args.no_ast > 1
        or (args.survivors_of is not None and args.no_ast)
    ):
        print(
            "--jobs and --limit take a positive number; "
            "--only-ast, --no-mutmut and --no-ast exclude each other, "
            "--survivors-of excludes --no-ast",
            file=sys.stderr,
        )
        return 2

    def log(line: str) -> None:
        print(line, flush=True)

    only = None
    if args.survivors_of is not None:
        try:
            earlier = survivors_of(args.survivors_of)
        except (OSError, ValueError, KeyError) as error:
            print(f"cannot read {args.survivors_of}: {error}", file=sys.stderr)
            return 2
        args.no_mutmut = True

        def only(mutants: list[Mutant]) -> list[Mutant]:
            return found_again(mutants, earlier)

    start = time.monotonic()
    oracle = SelftestOracle(enabled=not args.no_selftest)
    results: list[Result] = []
    errors: list[str] = []
    # One snapshot of the working tree, and a clone of it per parallel AST worker.
    base = Workspace()
    workspaces = [base] + [base.clone() for _ in range(args.jobs - 1)]
    try:
        for group in by_tests(modules).values():
            if not (args.only_ast or args.no_mutmut):
                found, failed = run_mutmut(
                    base, group, jobs=args.jobs, limit=args.limit, oracle=oracle, log=log
                )
                results += found
                errors += failed
            if not args.no_ast:
                found, failed = run_ast(
                    workspaces,
                    group,
                    # An earlier report's survivors may come from either scope.
                    scope="all" if args.only_ast or only is not None else "decorated",
                    limit=args.limit,
                    oracle=oracle,
                    log=log,
                    only=only,
                )
                results += found
                errors += failed
    except Interrupted as stop:
        results += stop.results
        errors.append("interrupted: the results are partial")
    except KeyboardInterrupt:
        errors.append("interrupted: the results are partial")
    finally:
        for ws in workspaces:
            ws.cleanup()
    if oracle.error:
        errors.append(oracle.error)
    seconds = time.monotonic() - start
    table = scores([m.name for m in modules], results)
    print()
    print(render(table, results, errors))
    report = args.report.resolve()
    shown = report.relative_to(ROOT) if report.is_relative_to(ROOT) else report
    print(f"\n{len(results)} mutants in {seconds / 60:.1f} min; report: {shown}")
    write_json(args.report, table, results, errors, seconds)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
