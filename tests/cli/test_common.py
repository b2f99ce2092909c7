"""Reading a document for a subcommand: at most one byte past the cap, never more."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from ts26927 import validation
from ts26927.cli import common, main
from ts26927.errors import (
    DocumentError,
    MalformedDocumentError,
    MalformedModelError,
    ModelCheckError,
    ModelLoadError,
    UnknownModelError,
)


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


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (MalformedDocumentError("d.json", "not valid JSON"), common.EXIT_INVALID),
        (MalformedModelError("m.onnx", "not an ONNX model"), common.EXIT_INVALID),
        (ModelLoadError("m.onnx", "cannot read"), common.EXIT_USAGE),
        (UnknownModelError("nope", ["digits"]), common.EXIT_USAGE),
        (ModelCheckError("m.onnx", "bad graph"), common.EXIT_INVALID),
    ],
)
def test_malformed_content_is_invalid_and_what_cannot_be_used_is_usage(
    error: Exception, code: int
) -> None:
    # The usage errors a command names stay usage errors, except content that was read but
    # is malformed: that is the input's fault, whatever its class derives from.
    assert common.exit_code(error, (ModelLoadError, UnknownModelError, DocumentError)) == code


@pytest.mark.parametrize("command", ["split", "distribution", "fl"])
def test_traffic_of_bytes_that_are_not_a_model_is_invalid_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"\x08\xff not a model")
    assert main(["traffic", command, "--model", str(garbage)]) == 1
    assert "not an ONNX model" in capsys.readouterr().err
    assert main(["traffic", command, "--model", str(tmp_path / "absent.onnx")]) == 2
