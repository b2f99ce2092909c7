"""The vendor's declaration file of an HTTP product: read, or refused with what and where."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ts26927.bindings.base import ImplementationInfo
from ts26927.bindings.declaration import declaration_of, load_declaration
from ts26927.errors import TargetError

GOOD = {
    "name": "acme-af",
    "version": "2.1",
    "language": "go",
    "capabilities": ["SPLIT_INFERENCE_NETWORK"],
    "ixit": {"federatedAggregation": "FEDAVG"},
}


def write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "declaration.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def test_a_declaration_is_read(tmp_path: Path) -> None:
    info = load_declaration(write(tmp_path, json.dumps(GOOD)))
    assert info == ImplementationInfo(
        name="acme-af",
        version="2.1",
        language="go",
        capabilities=frozenset({"SPLIT_INFERENCE_NETWORK"}),
        ixit={"federatedAggregation": "FEDAVG"},
    )
    assert declaration_of(info) == {**GOOD, "homepage": ""}


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{", "not valid JSON"),
        (json.dumps({**GOOD, "capabilities": "X"}), "/capabilities"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "name"}), "/name"),
        (json.dumps({**GOOD, "extra": 1}), "/extra"),
        (b" " * (1024 * 1024 + 1), "larger than"),
    ],
)
def test_a_bad_declaration_says_what_and_where(tmp_path: Path, content: str, says: str) -> None:
    with pytest.raises(TargetError, match=says):
        load_declaration(write(tmp_path, content))


def test_a_missing_declaration(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="cannot read"):
        load_declaration(tmp_path / "none.json")
