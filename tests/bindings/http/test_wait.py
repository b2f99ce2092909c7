"""Waiting for a server that scripts start in the background."""

from __future__ import annotations

from ts26927.bindings.http.running import running
from ts26927.bindings.http.server import create_app
from ts26927.bindings.http.wait import main, wait_for
from ts26927.bindings.reference import factory

from .test_over_http import free_port


def test_wait_for_a_server_that_answers() -> None:
    with running(create_app(factory, ["t"])) as server:
        assert wait_for(server.url, 10)
        assert main([server.url, "10"]) == 0


def test_wait_for_nothing_gives_up() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert not wait_for(url, 0.5)
    assert main([url, "0.5"]) == 1
    assert main([]) == 2
