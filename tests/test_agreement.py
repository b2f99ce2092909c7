"""The models and the exported JSON Schemas accept exactly the same documents.

Valid documents are generated from each schema; they must validate under both, and parse
back equal after a round trip. Mutated documents (wrong type, out of range, missing
required, unknown property, random replacement) must be refused by both or accepted by both
— the only allowed difference is a cross-field rule (error type ``rule_*``) that JSON
Schema cannot state and the schema lists under ``x-tr26927-rules``.
"""

from __future__ import annotations

import copy
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.strategies import json_values, type_documents
from ts26927.models.base import RULE_ERROR_PREFIX, RULES_KEY
from ts26927.models.examples import examples_of
from ts26927.models.registry import TYPES
from ts26927.schemas import type_schema
from ts26927.validation import schema_validator

NAMES = list(TYPES)


def _schema_accepts(name: str, doc: Any) -> bool:
    return schema_validator(name).is_valid(doc)


def _model_verdict(name: str, doc: Any) -> tuple[bool, list[str]]:
    try:
        TYPES[name].from_wire(doc)
    except ValidationError as error:
        return False, [e["type"] for e in error.errors()]
    return True, []


def assert_agree(name: str, doc: Any) -> None:
    schema_ok = _schema_accepts(name, doc)
    model_ok, error_types = _model_verdict(name, doc)
    if schema_ok and not model_ok:
        assert error_types and all(t.startswith(RULE_ERROR_PREFIX) for t in error_types), (
            f"model refused what the schema accepts: {error_types} for {doc!r}"
        )
        return
    assert schema_ok == model_ok, f"schema={schema_ok} model={model_ok} for {doc!r}"


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_valid_documents_pass_both_and_round_trip(name: str, data: st.DataObject) -> None:
    doc = data.draw(type_documents(name))
    assert _schema_accepts(name, doc), doc
    model = TYPES[name].from_wire(doc)
    wire = model.to_wire()
    assert _schema_accepts(name, wire), wire
    assert TYPES[name].from_json(model.to_json()) == model
    assert TYPES[name].from_wire(wire) == model


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


def _get(doc: Any, path: tuple) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def mutated(draw: st.DrawFn, name: str) -> Any:
    doc = copy.deepcopy(draw(type_documents(name)))
    path = draw(st.sampled_from(_paths(doc)))
    kind = draw(st.sampled_from(["replace", "delete", "add"]))
    if kind == "replace" or (not path and kind == "delete"):
        value = draw(json_values)
        if not path:
            return value
        _get(doc, path[:-1])[path[-1]] = value
    elif kind == "delete":
        parent = _get(doc, path[:-1])
        del parent[path[-1]]
    else:
        target = _get(doc, path)
        if isinstance(target, dict):
            target[draw(st.text(min_size=1, max_size=12))] = draw(json_values)
        elif isinstance(target, list):
            target.append(draw(json_values))
    return doc


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_mutated_documents_never_disagree(name: str, data: st.DataObject) -> None:
    assert_agree(name, data.draw(mutated(name)))


def _top_level_mutations(name: str) -> list[tuple[str, dict]]:
    schema = type_schema(name)
    example = examples_of(TYPES[name])[0]
    cases: list[tuple[str, dict]] = [("unknown property", {**example, "notInTheTr": 1})]
    for prop in schema.get("required", []):
        cases.append((f"missing {prop}", {k: v for k, v in example.items() if k != prop}))
    for prop, value in example.items():
        wrong: Any = "text" if not isinstance(value, str) else 12345
        cases.append((f"wrong type {prop}", {**example, prop: wrong}))
        cases.append((f"null {prop}", {**example, prop: None}))
        node = schema["properties"][prop]
        # The binary64 bounds cannot be passed by a finite number (see test_schemas).
        if "minimum" in node and node["minimum"] > -sys.float_info.max:
            cases.append((f"below minimum {prop}", {**example, prop: node["minimum"] - 1}))
        if "maximum" in node and node["maximum"] < sys.float_info.max:
            cases.append((f"above maximum {prop}", {**example, prop: node["maximum"] + 1}))
    return cases


@pytest.mark.parametrize(
    ("name", "label", "doc"),
    [(n, label, doc) for n in NAMES for label, doc in _top_level_mutations(n)],
)
def test_each_kind_of_invalid_document_is_refused_by_both(name: str, label: str, doc: dict) -> None:
    assert not _schema_accepts(name, doc), label
    assert not _model_verdict(name, doc)[0], label


@pytest.mark.parametrize("name", NAMES)
def test_types_with_rules_list_them_in_the_schema(name: str) -> None:
    cls = TYPES[name]
    assert type_schema(name).get(RULES_KEY, []) == list(cls.cross_field_rules)
