"""Property-based fuzzing of every reader of untrusted bytes: whatever arrives, the answer
is the value or the reader's own typed error, never another exception."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ts26927 import validation
from ts26927.bindings.stdio_protocol import parse_line
from ts26927.engine.delivery.package import Section, read_package, write_package
from ts26927.errors import HarnessReplyError, InvalidDocumentError, PackageError
from ts26927.models.messages.adaptive import SectionKind
from ts26927.models.registry import TYPES
from ts26927.models.wire_json import JsonTextError, loads

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)

#: Fragments that JSON readers tend to trip over, glued together at random.
_fragments = st.sampled_from(
    [
        b"{",
        b"}",
        b"[",
        b"]",
        b",",
        b":",
        b'"',
        b"\\u",
        b"\\ud800",
        b"1e400",
        b"-0",
        b"1e-999",
        b"NaN",
        b"Infinity",
        b"true",
        b"null",
        b'"a"',
        b"\xff",
        b"\xc3",
        b" ",
        b"0.5",
        b"\x00",
    ]
)
hostile_texts = st.binary(max_size=64) | st.lists(_fragments, max_size=24).map(b"".join)


@given(json_values)
def test_every_json_value_reads_back_as_the_standard_reader_reads_it(value: Any) -> None:
    text = json.dumps(value)
    assert loads(text) == json.loads(text)


@given(hostile_texts)
def test_any_bytes_are_a_value_or_a_json_text_error(text: bytes) -> None:
    with contextlib.suppress(JsonTextError):
        loads(text)


@settings(max_examples=120)
@given(st.sampled_from(sorted(TYPES)), json_values)
def test_any_json_value_is_a_model_or_an_invalid_document(type_name: str, value: Any) -> None:
    try:
        validation.parse(type_name, value)
    except InvalidDocumentError as error:
        assert error.issues, type_name
        assert all(issue.pointer == "" or issue.pointer.startswith("/") for issue in error.issues)


@given(
    st.sampled_from(sorted(TYPES)), st.dictionaries(st.text(max_size=20), json_values, max_size=6)
)
def test_any_object_is_a_model_or_an_invalid_document(type_name: str, value: Any) -> None:
    try:
        validation.parse(type_name, value)
    except InvalidDocumentError as error:
        assert error.issues


@given(hostile_texts)
def test_any_reply_line_is_a_reply_or_a_reply_error(line: bytes) -> None:
    with contextlib.suppress(HarnessReplyError):
        parse_line("h", "step 1", line + b"\n")


_PACKAGE = write_package(
    {"model_identifier": "m", "level": 1, "elements": 4, "parent_sha256": "a" * 64},
    [Section(SectionKind.RESIDUAL, 0, np.arange(64, dtype=np.int8))],
    3,
)


@settings(max_examples=120)
@given(st.data())
def test_any_altered_package_reads_or_is_a_package_error(data: st.DataObject) -> None:
    package = bytearray(_PACKAGE)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(package) - 1))
        package[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(package)))
    with contextlib.suppress(PackageError):
        read_package(bytes(package[:cut]), "p", max_decoded_bytes=4096)
