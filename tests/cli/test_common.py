"""Reading a document for a subcommand: at most one byte past the cap, never more."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from ts26927 import validation
from ts26927.cli import common
from ts26927.errors import DocumentError


def test_a_document_is_read_whole_up_to_one_byte_past_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validation, "MAX_DOCUMENT_BYTES", 2500)
    monkeypatch.setattr(common, "_CHUNK", 1000)  # several chunks, the last one short
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    small.write_bytes(b"x" * 2500)
    large.write_bytes(b"y" * 10_000)
    assert common.read_document(str(small)) == (b"x" * 2500, str(small))
    assert common.read_document(str(large)) == (b"y" * 2501, str(large))


def test_standard_input_and_an_unreadable_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"a": 1}')))
    assert common.read_document("-") == (b'{"a": 1}', "<stdin>")
    with pytest.raises(DocumentError, match="cannot read"):
        common.read_document(str(tmp_path / "missing.json"))
    with pytest.raises(DocumentError, match="cannot read"):
        common.read_document(str(tmp_path))
