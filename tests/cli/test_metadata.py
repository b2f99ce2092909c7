from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ts26927.cli import main
from ts26927.models.examples import EXAMPLES
from ts26927.models.registry import TYPES

ROOT = Path(__file__).parent.parent.parent


def _write(tmp_path: Path, content: str | bytes, name: str = "doc.json") -> str:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def test_validate_valid_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, json.dumps(EXAMPLES["AiModelInformation"][0]))
    assert main(["validate", "AiModelInformation", path]) == 0
    assert "valid AiModelInformation" in capsys.readouterr().out


def test_validate_lists_every_error_with_pointer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, json.dumps({"modelIdentifier": 7, "accuracy": 101, "x": 1}))
    assert main(["validate", "AiModelInformation", path]) == 1
    out = capsys.readouterr().out
    assert "(3 error(s))" in out
    assert "/modelIdentifier: 7 is not of type 'string'" in out
    assert "/accuracy: 101 is greater than the maximum of 100.0" in out
    assert "/: Additional properties are not allowed ('x' was unexpected)" in out


def test_validate_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, json.dumps({"splitPoints": "2"}))
    assert main(["validate", "--json", "SplitModelInformation", path]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result == {
        "valid": False,
        "type": "SplitModelInformation",
        "errors": [{"pointer": "/splitPoints", "reason": "'2' is not of type 'integer'"}],
    }


def test_validate_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.dumps(EXAMPLES["SynchronizationInformation"][0]).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(doc)))
    assert main(["validate", "SynchronizationInformation", "-"]) == 0


def test_an_unknown_type_is_a_usage_error_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "NoSuchType", _write(tmp_path, "{}")]) == 2
    assert "unknown type 'NoSuchType'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        (b"\x00\xff", "not valid JSON"),
        ("", "not valid JSON"),
        ("[" * 100_000, "nested too deeply"),
        ("[" + "0," * 1_000_001 + "0]", "more than 1000000 values"),
    ],
)
def test_a_document_that_is_not_json_within_the_limits_is_invalid_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes, message: str
) -> None:
    path = _write(tmp_path, content)
    assert main(["validate", "AiModelInformation", path]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{path}: invalid AiModelInformation (1 error(s))\n  /: ")
    assert message in out
    assert main(["validate", "--json", "AiModelInformation", path]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False and report["errors"][0]["pointer"] == ""
    assert message in report["errors"][0]["reason"]


def test_validate_unreadable_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "AiModelInformation", str(tmp_path / "absent.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["validate", "AiModelInformation", str(tmp_path)]) == 2


def test_validate_without_arguments_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 2


def test_validate_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--list"]) == 0
    names = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert names == list(TYPES)


def test_schemas_check_and_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", copy)
    assert main(["schemas", "check", "--dir", str(copy)]) == 0
    (copy / "index.json").write_text("{}\n")
    assert main(["schemas", "check", "--dir", str(copy)]) == 1
    captured = capsys.readouterr()
    assert "+++ generated/index.json" in captured.out
    assert "schemas export" in captured.err
    assert main(["schemas", "export", "--dir", str(copy)]) == 0
    assert main(["schemas", "check", "--dir", str(copy)]) == 0


def test_trace_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    rows = document["metadata"]
    assert len(rows) == 50 and all(r["implementedBy"] for r in rows)
    steps = {(s["flow"], s["step"]): s for s in document["workflows"]}
    assert steps[("split-inference", "2a")]["message"] == "AiSplitInferenceRequest"
    assert steps[("split-inference", "2a")]["branches"] == ["Alternative 1: network decides"]
    assert steps[("federated-learning", "4")]["optional"] is True
    assert all(s["coveredBy"] for s in document["workflows"])
    assert "5.2.3.2-split-inference-002" in steps[("split-inference", "5b")]["coveredBy"]
    assert main(["trace"]) == 0
    assert "NOT IMPLEMENTED" not in capsys.readouterr().out


def test_demo_walks_everything(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--schemas", str(ROOT / "schemas"), "--docs", str(ROOT / "docs")]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out and "0 failed" in out and "schemas in sync" in out
    assert "reference docs in sync" in out


def test_demo_fails_when_generated_files_are_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    (tmp_path / "docs" / "reference" / "traceability.md").write_text("# edited by hand\n")
    assert main(["demo", "--schemas", str(ROOT / "schemas"), "--docs", str(tmp_path / "docs")]) == 1
    assert "FAIL  reference docs in sync" in capsys.readouterr().out


def test_docs_check_and_generate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    assert main(["docs", "check", "--dir", str(tmp_path / "docs")]) == 0
    (tmp_path / "docs" / "reference" / "metadata.md").unlink()
    assert main(["docs", "check", "--dir", str(tmp_path / "docs")]) == 1
    assert "missing: reference/metadata.md" in capsys.readouterr().out
    assert main(["docs", "generate", "--dir", str(tmp_path / "docs")]) == 0
    assert main(["docs", "check", "--dir", str(tmp_path / "docs")]) == 0


def test_console_script_never_prints_a_traceback(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("ts26927")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "ts26927.cli"]
    bad = _write(tmp_path, '{"a": 1, "a": 2}')
    done = subprocess.run(
        [*command, "validate", "DeviceProfile", bad],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout and "duplicate key 'a'" in done.stdout


def test_version_names_the_tr_edition(capsys: pytest.CaptureFixture[str]) -> None:
    from ts26927 import TR_EDITION

    with pytest.raises(SystemExit):
        main(["--version"])
    out = capsys.readouterr().out
    assert TR_EDITION in out
    assert "Release" in TR_EDITION


def test_package_suite_and_schemas_have_one_version(capsys: pytest.CaptureFixture[str]) -> None:
    """The build, the suite's reports and the schemas' `$id` all read ts26927.__version__."""
    from importlib.metadata import version

    from ts26927 import __version__
    from ts26927.conformance import SUITE_VERSION
    from ts26927.schemas import ID_PREFIX

    assert version("ts26927") == __version__ == SUITE_VERSION
    major_minor = ".".join(__version__.split(".")[:2])
    assert f"urn:ts26927:schema:{major_minor}:" == ID_PREFIX
    with pytest.raises(SystemExit):
        main(["--version"])
    out = capsys.readouterr().out
    assert f"ts26927 {__version__}" in out and f"suite {__version__}" in out
    assert f"schemas {major_minor})" in out
