from __future__ import annotations

import json
import multiprocessing
import shlex
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from ts26927.bindings.reference import ReferenceImplementation, factory
from ts26927.bindings.targets import DEFAULT_TARGET
from ts26927.cli import main
from ts26927.conformance.suite import DEFAULT_CASES

ROOT = Path(__file__).parent.parent.parent
CASES = str(DEFAULT_CASES)


def test_run_writes_json_and_junit_reports(tmp_path: Path, capsys) -> None:
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    code = main(
        [
            "conformance",
            "run",
            "--cases",
            CASES,
            "--case",
            "5.2.2.2.1-*",
            "--role",
            "network",
            "--report",
            str(report),
            "--junit",
            str(junit),
        ]
    )
    assert code == 0
    data = json.loads(report.read_text())
    assert data["succeeded"] and data["summary"]["pass"] == 3
    assert data["implementation"]["name"] == "ts26927-reference" and data["suiteVersion"]
    suite = ET.fromstring(junit.read_text())
    assert suite.get("tests") == "3" and suite.get("failures") == "0"
    assert "summary: 3 pass" in capsys.readouterr().out


def test_a_run_where_nothing_ran_fails(capsys) -> None:
    assert main(["conformance", "run", "--cases", CASES, "--case", "no-such-*"]) == 1
    assert "no case ran" in capsys.readouterr().err


def test_expectations_mark_known_failures(tmp_path: Path, capsys) -> None:
    expectations = tmp_path / "expected.json"
    expectations.write_text(
        json.dumps({"5.2.2.2.1-model-delivery-001": {"verdict": "fail", "reason": "known bug 12"}})
    )
    code = main(
        [
            "conformance",
            "run",
            "--cases",
            CASES,
            "--case",
            "5.2.2.2.1-model-delivery-001",
            "--expectations",
            str(expectations),
        ]
    )
    assert code == 1  # it passes although a failure was expected: an unexpected pass
    assert "unexpected: 5.2.2.2.1-model-delivery-001" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "python:nope.module:factory"], "cannot import"),
        (["--target", "gopher:foo"], "unsupported target"),
        (["--target", "stdio:no-such-harness-program"], "cannot run"),
        (["--cases", "/nonexistent"], "no case directory"),
    ],
)
def test_run_usage_errors(args: list[str], message: str, capsys) -> None:
    assert main(["conformance", "run", *args]) == 2
    assert message in capsys.readouterr().err


def test_list_and_replay(capsys) -> None:
    assert main(["conformance", "list", "--cases", CASES, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {c["flow"] for c in listed} >= {
        "model-delivery",
        "split-inference",
        "federated-learning",
        "split-inference-ue-source",
    }
    assert main(["conformance", "replay", "--cases", CASES, "5.2.3.2-split-inference-003"]) == 0
    out = capsys.readouterr().out
    assert "IUT performed step 18a" in out and "verdict: pass" in out


def test_selftest_command_prints_both_directions(capsys, monkeypatch, selftest_results) -> None:
    monkeypatch.setattr("ts26927.cli.conformance.selftest", lambda cases: selftest_results)
    assert main(["conformance", "selftest", "--cases", CASES]) == 0
    out = capsys.readouterr().out
    assert "broken implementations caught at their step" in out
    assert "legal implementations (the reference and its variants) passed every case" in out
    assert main(["conformance", "selftest", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["mutants"] == data["mutantsCaught"] >= 39
    assert data["legalVariants"] == data["legalVariantsPassed"] >= 10
    assert {r["kind"] for r in data["results"]} == {"reference", "variant", "mutant", "harness"}


def test_the_cases_are_found_from_any_directory(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["conformance", "list"]) == 0
    assert "5.2.3.2-split-inference-001" in capsys.readouterr().out


def test_run_help_names_every_target_kind(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["conformance", "run", "--help"])
    out = capsys.readouterr().out
    assert "python:package.module:factory" in out and "stdio:COMMAND" in out


@pytest.mark.parametrize(
    ("option", "path", "message"),
    [
        ("--report", "{tmp}/no/such/folder/r.json", "does not exist"),
        ("--report", "{tmp}", "is a folder"),
        ("--junit", "{tmp}/missing/r.xml", "does not exist"),
        ("--expectations", "{tmp}/missing.json", "cannot be read"),
        ("--expectations", "{tmp}/deep.json", "nested too deeply"),
    ],
)
def test_bad_file_options_are_usage_errors_before_the_run(
    tmp_path: Path, capsys, option: str, path: str, message: str
) -> None:
    (tmp_path / "deep.json").write_text("[" * 100_000)
    code = main(["conformance", "run", "--case", "5.2.2.2.1-model-delivery-001",
                 option, path.format(tmp=tmp_path)])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 2 and message in captured.err
    assert "running" not in captured.out  # refused before anything ran


def test_a_run_that_cannot_reach_its_target_still_writes_a_report(tmp_path: Path, capsys) -> None:
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    target = "stdio:/no/such/harness"
    code = main(["conformance", "run", "--case", "5.2.2.2.1-*", "--target", target,
                 "--report", str(report), "--junit", str(junit)])  # fmt: skip
    assert code == 2
    data = json.loads(report.read_text())
    assert data["summary"]["error"] == 5 and not data["succeeded"]
    assert all("could not be reached" in r["reason"] for r in data["results"])
    assert ET.fromstring(junit.read_text()).get("errors") == "5"


# -- --jobs N: cases in worker processes ------------------------------------------------------

#: The reference engine served as a harness program (a process per case with --jobs).
STDIO_REFERENCE = "stdio:" + shlex.join(
    [sys.executable, "-m", "ts26927.bindings.stdio_serve", DEFAULT_TARGET]
)


def _run(tmp_path: Path, name: str, args: list[str], capsys) -> tuple[int, dict, str, list[str]]:
    """Exit status, JSON report, JUnit XML and the per-case progress lines of one run."""
    report, junit = tmp_path / f"{name}.json", tmp_path / f"{name}.xml"
    code = main(["conformance", "run", *args, "--report", str(report), "--junit", str(junit)])
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith(("[", "  "))]
    return code, json.loads(report.read_text()), junit.read_text(), lines


def _untimed(report: dict[str, Any]) -> dict[str, Any]:
    """The report less its timings: when it finished, and each case's duration."""
    rest = {k: v for k, v in report.items() if k != "finishedAt"}
    rest["results"] = [{k: v for k, v in r.items() if k != "durationS"} for r in report["results"]]
    return rest


def _untimed_junit(xml: str) -> str:
    suite = ET.fromstring(xml)
    for case in suite.iter("testcase"):
        del case.attrib["time"]
    return ET.tostring(suite, encoding="unicode")


@pytest.mark.parametrize(
    ("target", "selection"),
    [
        (DEFAULT_TARGET, ["--clause", "5.2.4"]),
        (STDIO_REFERENCE, ["--case", "5.2.4.2-federated-learning-00[1-3]"]),
    ],
    ids=["in-process", "stdio-harness"],
)
def test_jobs_2_reports_equal_a_serial_run_but_for_timings(
    tmp_path: Path, capsys, target: str, selection: list[str]
) -> None:
    expectations = tmp_path / "expected.json"
    expectations.write_text(json.dumps({"5.2.4.2-federated-learning-002": {"verdict": "pass"}}))
    args = ["--target", target, *selection, "--expectations", str(expectations)]
    code, report, junit, lines = _run(tmp_path, "serial", args, capsys)
    code2, report2, junit2, lines2 = _run(tmp_path, "jobs2", [*args, "--jobs", "2"], capsys)
    assert code == code2 == 0 and len(report["results"]) >= 3
    assert _untimed(report2) == _untimed(report)  # verdicts, steps, reasons, notes, logs, order
    assert _untimed_junit(junit2) == _untimed_junit(junit)
    assert lines2 == lines  # the progress lines too, in case order
    assert report2["results"][1]["expected"] == "pass"


def reference_in_the_runner_only() -> ReferenceImplementation:
    """A target that starts in the runner's process (which asks who it is) but not in a
    --jobs worker."""
    if multiprocessing.parent_process() is not None:
        raise RuntimeError("no licence for a second instance")
    return factory()


def test_an_implementation_a_worker_cannot_start_makes_its_case_an_error(
    tmp_path: Path, capsys
) -> None:
    target = "python:tests.cli.test_conformance:reference_in_the_runner_only"
    args = ["--case", "5.2.4.2-federated-learning-00[1-3]", "--target", target, "--jobs", "2"]
    code, report, junit, lines = _run(tmp_path, "r", args, capsys)
    assert code == 1 and report["summary"]["error"] == 3
    assert [r["id"] for r in report["results"]] == [
        f"5.2.4.2-federated-learning-00{n}" for n in (1, 2, 3)
    ]
    assert {r["reason"] for r in report["results"]} == {
        "the implementation could not be started for this case: "
        "RuntimeError: no licence for a second instance"
    }
    assert ET.fromstring(junit).get("errors") == "3"
    assert lines[0].startswith("[1/3] error")


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_below_one_is_a_usage_error(jobs: str, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["conformance", "run", "--jobs", jobs])
    assert stopped.value.code == 2
    assert "--jobs: expected 1 or more processes" in capsys.readouterr().err
