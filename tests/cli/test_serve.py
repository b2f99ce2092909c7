"""``ts26927 serve``: what it refuses before serving (the serving itself is exercised end to
end in tests/bindings/http/test_over_http.py)."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.processes import terminate
from ts26927.cli import main


@pytest.mark.parametrize(
    "target",
    ["stdio:./harness", "python:no_such_module:factory", "python:ts26927:nothing"],
)
def test_serve_refuses_a_target_it_cannot_serve(
    target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--target", target]) == 2
    assert "ts26927 serve:" in capsys.readouterr().err


def test_serve_help_names_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    for option in ("--host", "--port", "--token", "--token-file", "--declaration", "--max-body"):
        assert option in out


def test_a_port_in_use_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--token", "t"]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


@pytest.mark.parametrize("option", ["--token-file", "--declaration"])
def test_an_output_that_cannot_be_written_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    (tmp_path / "file").write_text("x")
    unwritable = str(tmp_path / "file" / "out.json")  # its folder is a file
    assert main(["serve", "--port", "0", "--token", "t", option, unwritable]) == 2
    assert f"cannot write {unwritable}" in capsys.readouterr().err


def test_port_0_serves_on_a_free_port_and_says_which() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "ts26927.cli", "serve", "--port", "0", "--token", "t"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        line = server.stderr.readline()
        found = re.search(r"on http://127\.0\.0\.1:(\d+) ", line)
        assert found and int(found[1]) > 0, line
        response = httpx.get(f"http://127.0.0.1:{found[1]}/openapi.json", timeout=30)
        assert response.status_code == 200
    finally:
        terminate(server)
