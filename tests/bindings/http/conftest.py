"""A live REST binding server (the reference engine, uvicorn on a free loopback port) and
clients of two users, shared by a test module."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ts26927.bindings.http.running import running
from ts26927.bindings.http.server import create_app
from ts26927.bindings.reference import factory

ALICE, BOB = "alice-token-0123456789", "bob-token-0123456789"
#: The first session of a model builds it (a few seconds on a loaded machine).
TIMEOUT_S = 60.0
EXAMPLES = Path(__file__).parents[3] / "schemas" / "examples"


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with running(create_app(factory, [ALICE, BOB])) as server:
        yield server.url


@pytest.fixture
def alice(server_url: str) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {ALICE}"}
    with httpx.Client(base_url=server_url, headers=headers, timeout=TIMEOUT_S) as c:
        yield c


@pytest.fixture
def bob(server_url: str) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {BOB}"}
    with httpx.Client(base_url=server_url, headers=headers, timeout=TIMEOUT_S) as c:
        yield c


def open_session(
    client: httpx.Client, flow: str = "model-delivery", state: str = "model-repository"
) -> str:
    """A new session of ``flow``; its path."""
    response = client.post(
        f"/ts26927-{flow}/v1/sessions",
        json={"preamble": {"state": state, "params": {"model": "digits"}}},
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"].endswith(response.json()["sessionId"])
    return response.headers["location"]
