"""Validate JSON documents against a registered type: JSON Schema first, then the model.

The JSON Schema catches everything it can express and reports every error with a JSON
pointer; the model then enforces the cross-field rules JSON Schema cannot state
(``x-tr26927-rules``). A valid document passes both.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from pydantic import ValidationError

from ts26927.errors import DocumentError, InvalidDocumentError, Issue
from ts26927.models import wire_errors, wire_json
from ts26927.models.base import TsModel
from ts26927.models.registry import get_type
from ts26927.models.wire_errors import pointer
from ts26927.schemas import type_schema

#: Largest document accepted, in bytes (a guard against hostile input).
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


@cache
def schema_validator(type_name: str) -> Draft202012Validator:
    """A Draft 2020-12 validator for ``type_name`` that also checks ``format``."""
    schema = type_schema(type_name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _schema_issues(type_name: str, data: Any) -> list[Issue]:
    issues = []
    for error in schema_validator(type_name).iter_errors(data):
        reason = error.message
        if error.context:
            # anyOf/oneOf: say what each alternative wanted.
            wanted = dict.fromkeys(sub.message for sub in error.context)
            reason = f"{reason}: {'; or '.join(wanted)}"
        issues.append(Issue(pointer(error.absolute_path), reason))
    return sorted(issues, key=lambda i: (i.pointer, i.reason))


def parse(type_name: str, data: Any) -> TsModel:
    """Validate decoded JSON ``data`` as ``type_name``; return the model or raise
    :class:`InvalidDocumentError` with every issue found."""
    cls = get_type(type_name)
    if issues := _schema_issues(type_name, data):
        raise InvalidDocumentError(type_name, issues)
    try:
        return cls.from_wire(data)
    except ValidationError as error:
        raise InvalidDocumentError(type_name, wire_errors.issues(data, error)) from None


def check(type_name: str, data: Any) -> list[Issue]:
    """Every issue of ``data`` as ``type_name``; empty when valid."""
    try:
        parse(type_name, data)
    except InvalidDocumentError as error:
        return error.issues
    return []


def load_json(text: str | bytes, source: str) -> Any:
    """Decode a JSON document, refusing oversize input, NaN/Infinity and duplicate keys."""
    if len(text) > MAX_DOCUMENT_BYTES:
        raise DocumentError(source, f"larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        return wire_json.loads(text)
    except wire_json.JsonTextError as error:
        raise DocumentError(source, f"not valid JSON: {error}") from None
