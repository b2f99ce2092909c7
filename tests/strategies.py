"""Hypothesis strategies that generate JSON documents from our exported JSON Schemas.

Covers the subset of Draft 2020-12 the models export: $ref into $defs, anyOf (also beside
other keywords), objects with required/optional properties, arrays, strings with patterns
and lengths, bounded numbers, booleans and enums. Cross-field rules JSON Schema cannot state
are applied afterwards by the per-type fix-ups below, so every document is valid for both
the schema and the model.
"""

from __future__ import annotations

import base64
import functools
import math
from collections.abc import Callable
from datetime import timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from ts26927.models.tensors import ElementDataType
from ts26927.schemas import type_schema

Json = Any
_TEXT = st.characters(codec="utf-8", exclude_categories=("Cs",))


def _dedupe(items: list[dict], *keys: str) -> list[dict]:
    seen: dict[str, set] = {k: set() for k in keys}
    out = []
    for item in items:
        values = {k: item.get(k) for k in keys}
        if any(v is not None and v in seen[k] for k, v in values.items()):
            continue
        for k, v in values.items():
            if v is not None:
                seen[k].add(v)
        out.append(item)
    return out


def _split_model(doc: dict) -> dict:
    points = doc.get("splitPointInformation")
    if points is not None:
        points = _dedupe(points, "splitPointIdentifier", "splitPointNumber", "splitPointName")
        doc = {**doc, "splitPointInformation": points, "splitPoints": len(points)}
    return doc


def _evaluation(doc: dict) -> dict:
    metrics = _dedupe(doc["metrics"], "name")
    return {**doc, "metrics": metrics, "metricNumber": len(metrics)}


def _parameter(doc: dict) -> dict:
    dtype = doc["tensorElementDataType"]
    if dtype == "STRING":
        dtype = "FLOAT"
    shape = [min(d, 3) for d in doc["tensorShape"][:4]]
    length = ElementDataType(dtype).byte_length(shape) or 0
    data = base64.b64encode(bytes(i % 251 for i in range(length))).decode()
    return {**doc, "tensorElementDataType": dtype, "tensorShape": shape, "data": data}


def _manifest_entry(doc: dict) -> dict:
    variants = _dedupe(doc["variants"], "variantIdentifier")
    ids = [v["variantIdentifier"] for v in variants]
    variants = [
        v if v.get("updateOf") in (None, *ids) else {**v, "updateOf": ids[0]} for v in variants
    ]
    return {**doc, "variants": variants}


def _manifest(doc: dict) -> dict:
    seen, models = set(), []
    for entry in doc["models"]:
        key = entry["aiModelInformation"]["modelIdentifier"]
        if key not in seen:
            seen.add(key)
            models.append(entry)
    return {**doc, "models": models}


def _candidates(doc: dict) -> dict:
    candidates = _dedupe(doc["candidates"], "configurationIdentifier")
    ids = [c["configurationIdentifier"] for c in candidates]
    doc = {**doc, "candidates": candidates}
    if doc.get("preferredCandidate") not in (None, *ids):
        doc["preferredCandidate"] = ids[0]
    return doc


def _negotiation(doc: dict) -> dict:
    return {**doc, "selectedSplitPoint": doc["splitPoints"][0]["splitPointIdentifier"]}


_UPSTREAM_TOPOLOGY = "UE_SOURCE_UE_FIRST"


def _split_configuration(doc: dict) -> dict:
    direction = "UPSTREAM" if doc["topology"] == _UPSTREAM_TOPOLOGY else "DOWNSTREAM"
    info = {**doc["intermediateDataInformation"], "dataDirection": direction}
    doc = {**doc, "intermediateDataInformation": info}
    parts = [
        doc.get(k) for k in ("ueInferenceLatency", "transferLatency", "networkInferenceLatency")
    ]
    doc.pop("totalLatency", None)
    if None not in parts:
        if not math.isfinite(sum(parts)):  # huge generated values overflow the sum
            doc.update(ueInferenceLatency=1.0, transferLatency=1.0, networkInferenceLatency=1.0)
            parts = [1.0, 1.0, 1.0]
        doc["totalLatency"] = sum(parts)
    return doc


def _split_selection(doc: dict) -> dict:
    candidates = _dedupe(doc["candidates"], "configurationIdentifier")
    if doc["decisionMode"] == "NETWORK":
        candidates = candidates[:1]
    taken = {c["configurationIdentifier"] for c in candidates}
    rejected = [
        r
        for r in _dedupe(doc["rejected"], "configurationIdentifier")
        if r["configurationIdentifier"] not in taken
    ]
    doc = {**doc, "candidates": candidates, "rejected": rejected}
    doc.pop("selected", None)
    if candidates:
        doc["selected"] = candidates[0]
    return doc


def _unit_header(doc: dict) -> dict:
    # One consistent encoding: every tensor stored raw (NONE) in its own element type.
    payloads = []
    for tensor in doc["intermediateDataInformation"]["tensors"]:
        raw = (
            ElementDataType(tensor["tensorElementDataType"]).byte_length(tensor["tensorShape"]) or 0
        )
        payloads.append(
            {
                "name": tensor["name"],
                "compressionAlgorithms": ["NONE"],
                "encodedElementDataType": tensor["tensorElementDataType"],
                "rawLength": raw,
                "payloadLength": raw,
            }
        )
    return {**doc, "payloads": payloads}


FIXUPS: dict[str, Callable[[dict], dict]] = {
    "SplitConfiguration": _split_configuration,
    "SplitSelection": _split_selection,
    "IntermediateDataUnitHeader": _unit_header,
    "ManifestEntry": _manifest_entry,
    "ModelManifest": _manifest,
    "AiModelInformationResponse": _candidates,
    "SplitNegotiation": _negotiation,
    "SplitModelInformation": _split_model,
    "IntermediateDataInformation": lambda d: {**d, "tensors": _dedupe(d["tensors"], "name")},
    "ModelEvaluationInformation": _evaluation,
    "ModelUpdateInformation": lambda d: {**d, "parameters": _dedupe(d["parameters"], "name")},
    "ParameterTensor": _parameter,
}


class SchemaStrategies:
    """Strategies for one root schema (resolving its local $defs)."""

    def __init__(self, root: dict) -> None:
        self.root = root
        self.defs = root.get("$defs", {})

    def document(self) -> st.SearchStrategy[Json]:
        return self.node(self.root).map(FIXUPS.get(self.root.get("title", ""), lambda d: d))

    def node(self, schema: dict) -> st.SearchStrategy[Json]:
        if "$ref" in schema:
            name = schema["$ref"].removeprefix("#/$defs/")
            fix = FIXUPS.get(name, lambda d: d)
            return st.deferred(lambda: self.node(self.defs[name])).map(fix)
        if "oneOf" in schema and schema.get("type") == "object":
            rest = {k: v for k, v in schema.items() if k != "oneOf"}
            return st.one_of(
                [
                    self.node(self._only(rest, schema["oneOf"], i))
                    for i in range(len(schema["oneOf"]))
                ]
            )
        if "if" in schema and schema.get("type") == "object":
            rest = {k: v for k, v in schema.items() if k not in ("if", "then", "else")}
            return self.node(rest).flatmap(lambda doc: self._conditional(schema, doc))
        if "anyOf" in schema:
            rest = {k: v for k, v in schema.items() if k != "anyOf"}
            branches = [
                {**rest, **b} if rest.get("type") == "object" else b for b in schema["anyOf"]
            ]
            if rest.get("type") == "object":
                branches = [self._merge_required(rest, b) for b in schema["anyOf"]]
            return st.one_of([self.node(b) for b in branches])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        kind = schema.get("type")
        maker = {
            "object": self._object,
            "array": self._array,
            "string": self._string,
            "integer": self._integer,
            "number": self._number,
            "boolean": lambda s: st.booleans(),
        }[kind]
        return maker(schema)

    @staticmethod
    def _only(rest: dict, branches: list[dict], chosen: int) -> dict:
        """``rest`` with branch ``chosen``'s required properties and none of the others'."""
        banned = {p for i, b in enumerate(branches) if i != chosen for p in b["required"]}
        properties = {k: v for k, v in rest.get("properties", {}).items() if k not in banned}
        required = set(rest.get("required", [])) | set(branches[chosen]["required"])
        return {**rest, "properties": properties, "required": sorted(required)}

    def _conditional(self, schema: dict, doc: dict) -> st.SearchStrategy[Json]:
        # Only the shape we export: if {properties: {P: {const: V}}} then/else (not) required Q.
        [(prop, test)] = schema["if"]["properties"].items()
        [wanted] = schema["then"]["required"]
        if doc.get(prop) == test["const"]:
            if wanted in doc:
                return st.just(doc)
            value = self.node(schema["properties"][wanted])
            return value.map(lambda v: {**doc, wanted: v})
        return st.just({k: v for k, v in doc.items() if k != wanted})

    @staticmethod
    def _merge_required(rest: dict, branch: dict) -> dict:
        return {**rest, "required": sorted(set(rest.get("required", [])) | set(branch["required"]))}

    def _object(self, schema: dict) -> st.SearchStrategy[Json]:
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        fixed = {k: self.node(v) for k, v in props.items() if k in required}
        optional = {k: self.node(v) for k, v in props.items() if k not in required}
        return st.fixed_dictionaries(fixed, optional=optional)

    def _array(self, schema: dict) -> st.SearchStrategy[Json]:
        low = schema.get("minItems", 0)
        high = min(schema.get("maxItems", low + 3), low + 3)
        return st.lists(self.node(schema["items"]), min_size=low, max_size=high)

    def _string(self, schema: dict) -> st.SearchStrategy[Json]:
        low, high = schema.get("minLength", 0), schema.get("maxLength", 40)
        if schema.get("format") == "date-time":
            return _date_times
        if "pattern" in schema:
            strategy = st.from_regex(schema["pattern"], fullmatch=True, alphabet=_TEXT)
            longest = schema.get("maxLength", 10**6)
            return strategy.filter(lambda s: low <= len(s) <= longest)
        return st.text(_TEXT, min_size=low, max_size=min(high, low + 20))

    @staticmethod
    def _integer(schema: dict) -> st.SearchStrategy[Json]:
        return st.integers(schema.get("minimum"), schema.get("maximum"))

    @staticmethod
    def _number(schema: dict) -> st.SearchStrategy[Json]:
        return st.floats(
            schema.get("minimum"), schema.get("maximum"), allow_nan=False, allow_infinity=False
        ) | st.integers(  # integers in a number: the binary64 bounds stand for "unbounded"
            math.ceil(max(schema.get("minimum", -(10**9)), -(10**9))),
            math.floor(min(schema.get("maximum", 10**9), 10**9)),
        )


_offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
_date_times = st.datetimes(timezones=_offsets).map(
    lambda value: value.isoformat().replace("+00:00", "Z")
)


def documents(schema: dict) -> st.SearchStrategy[Json]:
    """Valid documents for the root ``schema``."""
    return SchemaStrategies(schema).document()


@functools.cache
def type_documents(name: str) -> st.SearchStrategy[Json]:
    """Valid documents of the registered type ``name``: one strategy per type, built once
    (hypothesis caches what it learns about a strategy on the object, so a test drawing
    from a fresh one per example pays for that every time)."""
    return documents(type_schema(name))


#: Any JSON value (for mutations).
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(_TEXT, max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(_TEXT, max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
