"""``--target`` strings: the HTTP scheme needs a declaration and a token."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ts26927.bindings.http.client import HttpImplementation
from ts26927.bindings.targets import TOKEN_ENV, load_target
from ts26927.errors import TargetError


@pytest.fixture
def declaration(tmp_path: Path) -> str:
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"name": "x", "version": "1", "language": "c", "capabilities": []}))
    return str(path)


def test_an_http_target(declaration: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    iut = load_target("http://127.0.0.1:8026", token="t", declaration=declaration)
    assert isinstance(iut, HttpImplementation)
    assert iut.describe().name == "x"
    iut.stop()
    monkeypatch.setenv(TOKEN_ENV, "from-env")
    iut = load_target("https://iut.example:443/", declaration=declaration)
    assert iut.client.headers["authorization"] == "Bearer from-env"
    iut.stop()


def test_an_http_target_needs_a_declaration_token_and_host(
    declaration: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with pytest.raises(TargetError, match="--declaration"):
        load_target("http://127.0.0.1:8026", token="t")
    with pytest.raises(TargetError, match="--token"):
        load_target("http://127.0.0.1:8026", declaration=declaration)
    with pytest.raises(TargetError, match="no host"):
        load_target("http://", token="t", declaration=declaration)


def test_an_unknown_scheme_names_the_three(declaration: str) -> None:
    with pytest.raises(TargetError, match="http://HOST:PORT"):
        load_target("ftp://x")


@pytest.mark.parametrize(
    "target", ["python:ts26927.bindings.reference:factory", "stdio:./harness --fast"]
)
def test_http_options_for_another_target_are_refused_not_ignored(
    declaration: str, target: str
) -> None:
    with pytest.raises(TargetError, match="--declaration is for HTTP targets"):
        load_target(target, declaration=declaration)
    with pytest.raises(TargetError, match="--token is for HTTP targets"):
        load_target(target, token="t")
