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

from ts26927.errors import InvalidDocumentError, Issue, MalformedDocumentError
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


#: Issues reported per document; the rest are counted (up to MAX_COUNTED) and summarized.
MAX_ISSUES = 100
MAX_COUNTED = 10_000
#: Longest reason reported (a reason may quote the offending value, which may be huge).
MAX_REASON = 300


def _schema_issues(type_name: str, data: Any) -> list[Issue]:
    issues: list[Issue] = []
    more = 0
    for error in schema_validator(type_name).iter_errors(data):
        if len(issues) >= MAX_ISSUES:
            more += 1
            if more >= MAX_COUNTED:
                break
            continue
        reason = error.message
        if error.context:
            # anyOf/oneOf: say what each alternative wanted.
            wanted = dict.fromkeys(sub.message for sub in error.context)
            reason = f"{reason}: {'; or '.join(wanted)}"
        issues.append(Issue(pointer(error.absolute_path), _shortened(reason)))
    issues.sort(key=lambda i: (i.pointer, i.reason))
    if more:
        count = f"more than {MAX_COUNTED - 1}" if more >= MAX_COUNTED else str(more)
        issues.append(Issue("", f"and {count} more issues (the first {MAX_ISSUES} are listed)"))
    return issues


def _shortened(reason: str) -> str:
    if len(reason) <= MAX_REASON:
        return reason
    return reason[: MAX_REASON - 30] + f"… ({len(reason)} characters)"


def parse(type_name: str, data: Any) -> TsModel:
    """Validate decoded JSON ``data`` as ``type_name``; return the model or raise
    :class:`InvalidDocumentError` with every issue found."""
    cls = get_type(type_name)
    if outside := wire_json.out_of_range(data):
        issues = [Issue(pointer(path), number.reason) for path, number in outside[:MAX_ISSUES]]
        raise InvalidDocumentError(type_name, issues)
    if issues := _schema_issues(type_name, data):
        raise InvalidDocumentError(type_name, issues)
    try:
        return cls.from_wire(data)
    except ValidationError as error:
        found = wire_errors.issues(data, error)
        shown = [Issue(i.pointer, _shortened(i.reason)) for i in found[:MAX_ISSUES]]
        if len(found) > MAX_ISSUES:
            shown.append(Issue("", f"and {len(found) - MAX_ISSUES} more issues"))
        raise InvalidDocumentError(type_name, shown) from None
    except ValueError as error:  # built in process with a non-finite float, say
        raise InvalidDocumentError(type_name, [Issue("", _shortened(str(error)))]) from None


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
        raise MalformedDocumentError(source, f"larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        return wire_json.loads(text, numbers="keep")
    except wire_json.JsonTextError as error:
        raise MalformedDocumentError(source, f"not valid JSON: {error}") from None
