"""``ts26927 serve``: what it refuses before serving (the serving itself is exercised end to
end in tests/bindings/http/test_over_http.py)."""

from __future__ import annotations

import pytest

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
