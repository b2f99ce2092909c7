"""The acceptance run: ``ts26927 serve`` started as a user starts it, the whole network side
of the suite run against it with ``--target http://…``, verdicts equal to the in-process
target's, and the server stopped with nothing left running. Also: a stopping server lets a
request in flight finish."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.processes import terminate
from ts26927.bindings.http.running import running
from ts26927.bindings.http.server import create_app
from ts26927.bindings.reference import ReferenceImplementation
from ts26927.cli import main
from ts26927.conformance.runner import run_case
from ts26927.conformance.suite import load_suite

from .conftest import ALICE, example, open_session

TOKEN = "acceptance-token-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen[Any], deadline_s: float = 60) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {process.stderr.read()}")  # type: ignore[union-attr]
        try:
            httpx.get(f"{url}/ts26927-model-delivery/v1/sessions", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("the server did not come up")


def test_the_suite_over_http_against_ts26927_serve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    declaration = tmp_path / "declaration.json"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ts26927.cli",
            "serve",
            "--port",
            str(port),
            "--token",
            TOKEN,
            "--declaration",
            str(declaration),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_up(url, server)
        declared = json.loads(declaration.read_text())
        assert "SPLIT_INFERENCE_NETWORK" in declared["capabilities"]
        assert not any(c.endswith("_UE") and "SOURCE" not in c for c in declared["capabilities"])
        report = tmp_path / "report.json"
        os.environ["TS26927_TOKEN"] = TOKEN
        try:
            code = main(
                [
                    "conformance",
                    "run",
                    "--target",
                    url,
                    "--declaration",
                    str(declaration),
                    "--report",
                    str(report),
                ]
            )
        finally:
            del os.environ["TS26927_TOKEN"]
        out = capsys.readouterr().out
        assert code == 0, out
        results = {r["id"]: r["verdict"] for r in json.loads(report.read_text())["results"]}
    finally:
        terminate(server, 40)
    # uvicorn finishes what is in flight, then re-raises the signal it caught.
    stderr = server.stderr.read() if server.stderr else ""
    assert server.returncode in (0, -signal.SIGTERM), stderr
    assert "Traceback" not in stderr
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=2)
    # The same verdicts as the in-process target, case by case; the UE side not applicable.
    reference = ReferenceImplementation()
    info = reference.describe()
    for case in load_suite():
        if case.role.value == "NETWORK":
            assert results[case.id] == run_case(case, reference, info).verdict.value == "pass"
        else:
            assert results[case.id] == "not applicable", case.id


class SlowReference(ReferenceImplementation):
    """The reference, taking its time over every step (a long training round, say)."""

    def deliver(self, step: str, message: Any, attachments: dict[str, bytes]) -> Any:
        time.sleep(1.5)
        return super().deliver(step, message, attachments)


def test_a_stopping_server_lets_a_request_in_flight_finish() -> None:
    answers: list[httpx.Response] = []
    with running(create_app(SlowReference, [ALICE])) as server:
        headers = {"Authorization": f"Bearer {ALICE}"}
        client = httpx.Client(base_url=server.url, headers=headers, timeout=60)
        path = open_session(client)
        trigger = example("AiServiceTrigger")
        trigger["ueCapabilityInformation"]["supportedAiFrameworks"] = [
            {"name": "ONNX", "version": "1.16"}
        ]
        request = threading.Thread(
            target=lambda: answers.append(client.post(f"{path}/ai-service-triggers", json=trigger))
        )
        request.start()
        time.sleep(0.5)
        server.server.should_exit = True  # what SIGTERM does
        request.join(timeout=30)
    assert len(answers) == 1
    assert answers[0].status_code == 200
    assert [p["step"] for p in answers[0].json()["performed"]] == ["2", "3"]
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url, timeout=2)
