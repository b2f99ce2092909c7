"""The vendor's declaration of an implementation reached over HTTP: who it is, what it
supports (its ICS: the capabilities cases apply to) and the choices it made where the TR
leaves them open (its IXIT). A harness program says this in its answer to ``start``; an HTTP
service cannot be asked, so its vendor writes the same object into a file
(``schemas/conformance/Declaration.schema.json`` is its schema)."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ts26927.bindings.base import ImplementationInfo
from ts26927.bindings.stdio_protocol import ImplementationDescription
from ts26927.errors import Issue, TargetError
from ts26927.models import wire_errors, wire_json

#: The declaration's model: the same object as the harness protocol's implementation.
Declaration = ImplementationDescription

MAX_DECLARATION_BYTES = 1024 * 1024


def parse_declaration(data: object, source: str) -> ImplementationInfo:
    try:
        found = Declaration.model_validate(data)
    except ValidationError as error:
        issues = wire_errors.issues(data, error)
        detail = "; ".join(f"{i.pointer or '/'}: {i.reason}" for i in issues[:10])
        raise TargetError(f"{source}: not a declaration ({detail})") from None
    return found.to_info()


def load_declaration(path: Path) -> ImplementationInfo:
    """Read a declaration file; :class:`TargetError` says what is wrong with it and where."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise TargetError(f"cannot read the declaration {path}: {error.strerror}") from None
    if len(raw) > MAX_DECLARATION_BYTES:
        raise TargetError(f"{path}: larger than {MAX_DECLARATION_BYTES} bytes")
    try:
        data = wire_json.loads(raw)
    except wire_json.JsonTextError as error:
        raise TargetError(f"{path}: not valid JSON: {error}") from None
    return parse_declaration(data, str(path))


def declaration_of(info: ImplementationInfo) -> dict[str, object]:
    """``info`` as a declaration document (what ``ts26927 serve --declaration`` writes)."""
    return Declaration.model_validate(info.to_dict()).model_dump(mode="json")


__all__ = [
    "Declaration",
    "Issue",
    "declaration_of",
    "load_declaration",
    "parse_declaration",
]
