"""Conformance subcommands: ``conformance list|run|replay|selftest``."""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ts26927.bindings.base import ImplementationInfo
from ts26927.bindings.targets import (
    DEFAULT_TARGET,
    TARGET_HELP,
    TOKEN_ENV,
    TargetError,
    load_target,
)
from ts26927.cli.argtypes import positive_float
from ts26927.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from ts26927.conformance.case import TestCase
from ts26927.conformance.fixtures.export import export
from ts26927.conformance.parallel import run_in_processes
from ts26927.conformance.report import json_report, junit_xml, succeeded
from ts26927.conformance.runner import RunParameters, run_case
from ts26927.conformance.selftest import selftest, summarize
from ts26927.conformance.suite import DEFAULT_CASES, SuiteError, load_suite, select_cases
from ts26927.conformance.verdict import CaseResult, Verdict
from ts26927.errors import DocumentError
from ts26927.models import wire_json


def _cases(args: argparse.Namespace) -> list[TestCase]:
    cases = load_suite(Path(args.cases))
    return select_cases(
        cases,
        pattern=getattr(args, "case", None),
        clause=getattr(args, "clause", None),
        role=getattr(args, "role", None),
    )


def _expectations(path: str | None) -> dict[str, dict[str, Any]]:
    if path is None:
        return {}
    try:
        data = wire_json.loads(Path(path).read_bytes())
    except OSError as error:
        raise DocumentError(path, f"cannot be read: {error.strerror or error}") from None
    except wire_json.JsonTextError as error:
        raise DocumentError(path, f"not valid JSON: {error}") from None
    if not isinstance(data, dict) or not all(
        isinstance(v, dict) and "verdict" in v for v in data.values()
    ):
        raise DocumentError(path, 'expected {"CASE_ID": {"verdict": ..., "reason": ...}}')
    return data


def cmd_list(args: argparse.Namespace) -> int:
    try:
        cases = _cases(args)
    except (SuiteError, DocumentError) as error:
        print(f"ts26927 conformance: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "title": c.title,
                        "clause": c.clause,
                        "flow": c.flow,
                        "role": c.role.value,
                        "purpose": c.purpose.text(),
                        "applicability": c.applicability,
                    }
                    for c in cases
                ],
                indent=2,
            )
        )
    else:
        for c in cases:
            print(f"{c.id:<40} {c.role.value:<8} {c.title}")
    return EXIT_OK


def _writable(path: str | None, option: str) -> None:
    """A report path must be writable before the run starts, not after it."""
    if path is None:
        return
    target = Path(path)
    if target.is_dir():
        raise DocumentError(path, f"{option}: is a folder, not a file")
    if not target.parent.is_dir():
        raise DocumentError(path, f"{option}: the folder {target.parent} does not exist")


def _unreached(cases: list[TestCase], target: str, error: Exception) -> list[CaseResult]:
    """Every selected case as an error: the implementation could not be reached."""
    return [
        CaseResult(
            c.id,
            c.title,
            c.clause,
            c.flow,
            c.role.value,
            Verdict.ERROR,
            None,
            f"the implementation could not be reached ({target}): {error}",
            0.0,
        )
        for c in cases
    ]


def _write_reports(args: argparse.Namespace, report: dict[str, Any]) -> None:
    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.junit:
        Path(args.junit).write_text(junit_xml(report) + "\n", encoding="utf-8")


def _factory(args: argparse.Namespace) -> Callable[[], Any]:
    """Makes the implementation the target options name; it pickles, for --jobs workers."""
    return functools.partial(
        load_target, args.target, token=args.token, declaration=args.declaration
    )


def _load(args: argparse.Namespace) -> Any:
    return _factory(args)()


def _serially(
    cases: list[TestCase], iut: Any, info: ImplementationInfo, params: RunParameters
) -> Iterator[CaseResult]:
    try:
        for case in cases:
            yield run_case(case, iut, info, params)
    finally:
        iut.stop()


def _jobs(value: str) -> int:
    if not value.isdecimal() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more processes, not {value!r}")
    return int(value)


def _target_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target", default=DEFAULT_TARGET, help=TARGET_HELP)
    p.add_argument(
        "--declaration",
        metavar="FILE",
        help="an HTTP target's declaration: its capabilities (ICS) and choices (IXIT), "
        "see schemas/conformance/Declaration.schema.json",
    )
    p.add_argument("--token", help=f"an HTTP target's bearer token (default: ${TOKEN_ENV})")


def cmd_run(args: argparse.Namespace) -> int:
    try:
        cases = _cases(args)
        expectations = _expectations(args.expectations)
        _writable(args.report, "--report")
        _writable(args.junit, "--junit")
    except (SuiteError, DocumentError, ValueError) as error:
        print(f"ts26927 conformance run: {error}", file=sys.stderr)
        return EXIT_USAGE
    settings = {"target": args.target, "timeoutMultiplier": args.timeout_multiplier}
    try:
        iut = _load(args)
    except TargetError as error:
        print(f"ts26927 conformance run: {error}", file=sys.stderr)
        # A CI job still gets a report to attach: every case an error, with the reason.
        nobody = ImplementationInfo(name="unreached", version="?")
        _write_reports(args, json_report(_unreached(cases, args.target, error), nobody, settings))
        return EXIT_USAGE
    params = RunParameters(timeout_multiplier=args.timeout_multiplier)
    info = iut.describe()
    results: list[CaseResult] = []
    out = sys.stderr if args.json else sys.stdout
    at_a_time = f", {args.jobs} at a time" if args.jobs > 1 else ""
    print(f"running {len(cases)} case(s) against {info.name} {info.version}{at_a_time}", file=out)
    if args.jobs > 1:
        iut.stop()  # it said who it is; every case gets an instance of its own in a worker
        outcomes = run_in_processes(cases, _factory(args), info, params, jobs=args.jobs)
    else:
        outcomes = _serially(cases, iut, info, params)
    with contextlib.closing(outcomes):  # Ctrl-C stops the workers and harnesses too
        for index, result in enumerate(outcomes, 1):
            expected = expectations.get(result.case_id, {}).get("verdict")
            if expected is not None:
                result = CaseResult(**{**result.__dict__, "expected": expected})
            results.append(result)
            where = f" at step {result.step}" if result.step else ""
            print(
                f"[{index}/{len(cases)}] {result.verdict.value:<14} {result.case_id}{where}"
                + ("" if result.verdict.value == "pass" else f": {result.reason}"),
                file=out,
            )
            for note in result.notes:
                print(f"    note: {note}", file=out)
    report = json_report(results, info, settings)
    _write_reports(args, report)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _table(results)
        counts = ", ".join(f"{n} {v}" for v, n in report["summary"].items() if n)
        unexpected = [r.case_id for r in results if r.unexpected]
        print(
            f"summary: {counts or 'no case'}"
            + (f"; unexpected: {', '.join(unexpected)}" if unexpected else "")
        )
    if not any(r.verdict.value != "not applicable" for r in results):
        print("no case ran: a run in which nothing ran fails", file=sys.stderr)
    return EXIT_OK if succeeded(results) else EXIT_INVALID


def _table(results: list[CaseResult]) -> None:
    """A summary table: one row per workflow, one column per verdict that occurred."""
    verdicts = [
        v
        for v in ("pass", "fail", "inconclusive", "error", "timeout", "not applicable")
        if any(r.verdict.value == v for r in results)
    ]
    flows = sorted({(r.clause, r.flow) for r in results})
    header = f"{'clause':<10} {'workflow':<32}" + "".join(f"{v:>16}" for v in verdicts)
    print(header)
    for clause, flow in flows:
        row = [r for r in results if r.flow == flow]
        print(
            f"{clause:<10} {flow:<32}"
            + "".join(f"{sum(r.verdict.value == v for r in row):>16}" for v in verdicts)
        )


def cmd_replay(args: argparse.Namespace) -> int:
    try:
        cases = select_cases(load_suite(Path(args.cases)), pattern=args.case_id)
        iut = _load(args)
    except (SuiteError, DocumentError, TargetError) as error:
        print(f"ts26927 conformance replay: {error}", file=sys.stderr)
        return EXIT_USAGE
    if len(cases) != 1:
        print(f"ts26927 conformance replay: no single case {args.case_id!r}", file=sys.stderr)
        return EXIT_USAGE
    case = cases[0]
    print(
        f"{case.id}: {case.title}\n  TR 26.927 clause {case.clause}, {case.figure}\n"
        f"  purpose: {case.purpose.text()}"
    )
    result = run_case(case, iut, iut.describe())
    for line in result.log:
        print(f"  {line}")
    where = f" at step {result.step}" if result.step else ""
    for note in result.notes:
        print(f"  note: {note}")
    print(f"verdict: {result.verdict.value}{where}: {result.reason}")
    return EXIT_OK if result.verdict.value in ("pass", "not applicable") else EXIT_INVALID


def cmd_selftest(args: argparse.Namespace) -> int:
    try:
        cases = load_suite(Path(args.cases))
    except (SuiteError, DocumentError) as error:
        print(f"ts26927 conformance selftest: {error}", file=sys.stderr)
        return EXIT_USAGE
    results = selftest(cases)
    summary = summarize(results)
    if args.json:
        print(
            json.dumps({**summary.to_dict(), "results": [r.to_dict() for r in results]}, indent=2)
        )
    else:
        for r in results:
            mark = "ok  " if r.as_expected else "BAD "
            where = f" at step {r.step}" if r.step else ""
            print(f"{mark}{r.kind:<9} {r.name:<30} {r.case:<42} {r.verdict}{where}")
            if not r.as_expected:
                print(f"      expected {r.expected}: {r.reason}")
        print(
            f"sharp: {summary.mutants_caught} of {summary.mutants} broken implementations "
            "caught at their step"
        )
        print(
            f"fair: {summary.variants_passed} of {summary.variants} legal implementations "
            f"(the reference and its variants) passed every case ({summary.variant_runs} runs)"
        )
        for role, counts in (summary.by_role or {}).items():
            print(
                f"  {role} under test: {counts.mutants_caught} of {counts.mutants} broken "
                f"caught; {counts.variants_passed} of {counts.variants} legal passed "
                f"({counts.variant_runs} runs)"
            )
    return EXIT_OK if all(r.as_expected for r in results) else EXIT_INVALID


def cmd_fixtures_export(args: argparse.Namespace) -> int:
    target = Path(args.directory)
    if target.exists() and not target.is_dir():
        print(f"ts26927 conformance fixtures export: {target} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    try:
        manifest = export(target)
    except OSError as error:
        print(
            f"ts26927 conformance fixtures export: cannot write to {target}: "
            f"{error.strerror or error}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    total = sum(f["size"] for f in manifest["files"])
    print(
        f"wrote {len(manifest['files'])} files ({total / 1e6:.1f} MB) and manifest.json to {target}"
    )
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``conformance list|run|replay|selftest``."""
    top = sub.add_parser("conformance", help="the conformance suite")
    actions = top.add_subparsers(dest="action", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--cases",
            default=str(DEFAULT_CASES),
            help="case directory (default: the cases installed with the package)",
        )

    p = actions.add_parser("list", help="list the cases")
    common(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = actions.add_parser("run", help="run the cases against an implementation")
    common(p)
    _target_options(p)
    p.add_argument("--case", help="case id glob, e.g. '5.2.3.2-*'")
    p.add_argument("--clause", help="TR clause (and its sub-clauses)")
    p.add_argument("--role", choices=["UE", "NETWORK", "ue", "network"], help="IUT side")
    p.add_argument("--report", help="write the JSON report here")
    p.add_argument("--junit", help="write JUnit XML here")
    p.add_argument("--expectations", help="vendor-owned expected results (JSON)")
    p.add_argument(
        "--timeout-multiplier",
        type=positive_float,
        default=1.0,
        help="scale every step's timeout (a slow machine or harness; default 1)",
    )
    p.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="run N cases at a time, each in a worker process against an instance of its "
        "own (a harness program: a process per case); the reports equal a serial run's "
        "apart from timings (default 1: one instance, case after case)",
    )
    p.add_argument("--json", action="store_true", help="print the JSON report")
    p.set_defaults(func=cmd_run)

    p = actions.add_parser("replay", help="re-run one case with a step-by-step log")
    common(p)
    p.add_argument("case_id", metavar="CASE_ID")
    _target_options(p)
    p.set_defaults(func=cmd_replay)

    p = actions.add_parser("fixtures", help="the models, inputs and profiles the cases use")
    fixtures = p.add_subparsers(dest="fixtures_action", required=True)
    e = fixtures.add_parser(
        "export", help="write every fixture and a manifest (sizes, SHA-256) to a folder"
    )
    e.add_argument("directory", metavar="DIR")
    e.set_defaults(func=cmd_fixtures_export)

    p = actions.add_parser(
        "selftest", help="the suite against broken IUTs (caught) and legal variants (passed)"
    )
    common(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_selftest)
