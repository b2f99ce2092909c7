from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

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
