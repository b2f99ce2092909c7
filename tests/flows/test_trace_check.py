"""Golden traces of every flow and branch pass ``ts26927 flows check``; broken traces are
rejected at the right step."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from ts26927.cli import main
from ts26927.flows import FLOWS
from ts26927.flows.trace_check import check_trace
from ts26927.flows.walks import message_for

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.json"))


def _flow_of(path: Path) -> str:
    return path.stem.rsplit("-", 1)[0]


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_golden_trace_passes_flows_check(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flows", "check", _flow_of(path), str(path)]) == 0
    assert "valid" in capsys.readouterr().out


def test_golden_traces_cover_every_step_and_branch() -> None:
    for flow in FLOWS.values():
        seen: set[int] = set()
        for path in GOLDEN:
            if _flow_of(path) != flow.id:
                continue
            state = None
            for item in json.loads(path.read_text()):
                state = flow.automaton.next_positions(state, item["step"])
                seen |= state
        assert seen == set(range(len(flow.automaton.labels))), flow.id


def _golden(flow_id: str) -> list[dict]:
    return json.loads(Path(next(p for p in GOLDEN if _flow_of(p) == flow_id)).read_text())


def _broken(flow_id: str, kind: str) -> tuple[list[dict], int]:
    trace = copy.deepcopy(_golden(flow_id))
    index = 3
    if kind == "swap":
        trace[index], trace[index + 1] = trace[index + 1], trace[index]
    elif kind == "drop":
        del trace[index]
    elif kind == "wrong sender":
        trace[index]["sender"] = "MEDIA_AF"
    elif kind == "invalid message":
        trace[index]["message"] = {"notInTheTr": 1}
    elif kind == "unknown step":
        trace[index]["step"] = "99z"
    elif kind == "truncated":
        trace = trace[:index]
    return trace, index


@pytest.mark.parametrize("flow_id", list(FLOWS))
@pytest.mark.parametrize(
    "kind", ["swap", "drop", "wrong sender", "invalid message", "unknown step", "truncated"]
)
def test_broken_traces_are_rejected_at_the_right_step(flow_id: str, kind: str) -> None:
    trace, index = _broken(flow_id, kind)
    report = check_trace(FLOWS[flow_id], trace)
    assert not report.valid and report.violation is not None
    assert report.violation.index == index, report.violation
    expected_step = "(end)" if kind == "truncated" else trace[index]["step"]
    assert report.violation.step == expected_step


def test_check_reports_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trace, _ = _broken("model-delivery", "swap")
    path = tmp_path / "t.json"
    path.write_text(json.dumps(trace))
    assert main(["flows", "check", "--json", "model-delivery", str(path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False and report["violation"]["step"] == "5"
    assert report["violation"]["allowed"] == ["4"]


@pytest.mark.parametrize(
    ("content", "args", "message", "code"),
    [
        ("{", ["model-delivery"], "not valid JSON", 1),  # the trace is wrong
        ("[" * 100_000, ["model-delivery"], "nested too deeply", 1),
        ("[]", ["nope"], "unknown flow 'nope'", 2),  # the command is
    ],
)
def test_check_invalid_traces_exit_1_and_usage_errors_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    args: list[str],
    message: str,
    code: int,
) -> None:
    path = tmp_path / "t.json"
    path.write_text(content)
    assert main(["flows", "check", *args, str(path)]) == code
    assert message in capsys.readouterr().err
    assert main(["flows", "check", "model-delivery", str(tmp_path / "absent.json")]) == 2


@pytest.mark.parametrize(
    ("trace", "reason"),
    [
        ({"step": "1"}, "a trace is a JSON array"),
        ([{"step": 1}], "object with a string 'step'"),
        ([], "before the flow may end"),
    ],
)
def test_malformed_traces(trace: object, reason: str) -> None:
    report = check_trace(FLOWS["model-delivery"], trace)
    assert report.violation is not None and reason in report.violation.reason


def test_message_for_actions_is_none() -> None:
    assert message_for(FLOWS["split-inference"].step("3a")) is None
