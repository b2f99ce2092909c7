"""Test-system fixtures of adaptive model delivery (5.2.2.2.2), both ways.

Against a network IUT, the test system plays the UE: it picks the base of the adaptive
chain from the manifest, keeps the model it rebuilds package by package (with the
library's own decoder) and runs it, then asks for the next precision level. Against a UE
IUT, it plays the network: a manifest of the model fixture cut into packages by the
library's encoder (stored uncompressed, which the format allows, so that a UE needs no
zstd), the identification, and each package the UE asks for — intact, altered in transit,
or listed for another base on purpose."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cache
from typing import Any

from ts26927.bindings.attachments import require
from ts26927.engine.delivery.encoder import (
    AdaptiveEncoding,
    AdaptiveOptions,
    canonical,
    encode_adaptive,
)
from ts26927.engine.delivery.metadata import onnx_release
from ts26927.engine.delivery.package import MAGIC, read_package
from ts26927.engine.delivery.progressive import ProgressiveModel
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.models.messages.adaptive import (
    AdaptivePackageHeader,
    ModelManifest,
    PackageSection,
    SectionCompression,
)
from ts26927.models.units import BYTES_PER_MB

from ..context import CaseContext, CaseDataError, IutDataFault
from ..fixtures.models import model_fixture
from .registry import Built, builder, sample

KEY = "adaptive-model"


def chain(ctx: CaseContext) -> list[dict[str, Any]]:
    """The adaptive model's variants in refinement order, from the manifest (step 1)."""
    entries = [e for e in ctx.message("1")["models"] if e.get("adaptive")]
    if not entries:
        raise CaseDataError(f"{ctx.case_id}: the manifest lists no adaptive model")
    variants = entries[0]["variants"]
    ordered = [
        next(
            v
            for v in variants
            if v.get("updateOf") is None and v.get("dataFormat", {}).get("name") != "ONNX"
        )
    ]
    while nxt := [v for v in variants if v.get("updateOf") == ordered[-1]["variantIdentifier"]]:
        ordered.append(nxt[0])
    return ordered


def model_of(ctx: CaseContext) -> str:
    return ctx.message("1")["models"][0]["aiModelInformation"]["modelIdentifier"]


def progressive(ctx: CaseContext) -> ProgressiveModel:
    """The UE's model: built from the base package, refined by every update since."""
    held: ProgressiveModel | None = ctx.cache.get(KEY)
    deliveries = [r for r in ctx.records if r.step == "6" and r.by == "IUT"]
    applied = ctx.cache.get(KEY + "/applied", 0)
    for record in deliveries[applied:]:
        data = require(record.attachments, "model", "step 6")
        if held is None:
            held = ProgressiveModel(data)
        else:
            held.apply(data)
    ctx.cache[KEY], ctx.cache[KEY + "/applied"] = held, len(deliveries)
    if held is None:
        raise CaseDataError(f"{ctx.case_id}: no package has been delivered")
    return held


@builder("adaptive/request")
def _request(ctx: CaseContext) -> Built:
    """The UE asks for the base of the adaptive model the manifest (1) lists."""
    return {
        "modelIdentifier": model_of(ctx),
        "variantIdentifier": chain(ctx)[0]["variantIdentifier"],
    }, {}


@builder("adaptive/session")
def _session(ctx: CaseContext) -> Built:
    """The UE sets up a delivery session for the variant it asked for."""
    wanted = ctx.message("3")["variantIdentifier"]
    for record in reversed(ctx.records):
        if record.step == "11":
            wanted = record.message["toVariant"]  # type: ignore[index]
            break
    return {
        "deliverySessionId": "d-1",
        "modelIdentifier": model_of(ctx),
        "variantIdentifier": wanted,
    }, {}


@builder("adaptive/handover")
def _handover(ctx: CaseContext) -> Built:
    """The UE's access function hands the delivered package on (digest and variant)."""
    delivered = ctx.message("6")
    return {
        "modelIdentifier": delivered["modelIdentifier"],
        "sha256": delivered["sha256"],
        "variantIdentifier": delivered["variantIdentifier"],
    }, {}


@builder("adaptive/output")
def _output(ctx: CaseContext) -> Built:
    """The UE runs the model it rebuilt from the packages so far on its sample; the outputs are
    described."""
    runner = Runner(progressive(ctx).to_model(), label="adaptive model")
    outputs = runner.run({next(iter(runner.inputs)): sample(ctx)})
    return {
        "sequenceNumber": 0,
        "outputs": [
            {"name": n, "tensorShape": list(a.shape), "tensorElementDataType": "FLOAT"}
            for n, a in outputs.items()
        ],
    }, {}


@builder("adaptive/update-request")
def _update_request(ctx: CaseContext) -> Built:
    """The UE asks for the next precision level after the one it holds."""
    held = ctx.message("6")["variantIdentifier"]
    ids = [v["variantIdentifier"] for v in chain(ctx)]
    if ids.index(held) + 1 >= len(ids):
        raise CaseDataError(f"{ctx.case_id}: {held} is already the last level")
    return {
        "modelIdentifier": model_of(ctx),
        "fromVariant": held,
        "toVariant": ids[ids.index(held) + 1],
    }, {}


# -- the network's side, against a UE IUT ------------------------------------------------
#: The chains the test system holds: the one its manifest lists, and another encoding of
#: the same model (other quantization steps) whose packages apply to another base.
_LISTED, _FOREIGN = "listed", "foreign"
_CHAIN_OPTIONS = {_LISTED: AdaptiveOptions(), _FOREIGN: AdaptiveOptions(base_sqnr_db=None)}
_SUFFIXES = {"INT4": "int4", "INT8": "int8", "INT16": "int16", "FLOAT32": "fp32"}


@dataclass(frozen=True)
class NetworkModel:
    """What the test system's repository holds of one model fixture: the full model file and
    the packages of each chain, with every section and header stored uncompressed."""

    name: str
    full: bytes
    onnx_version: str
    chains: dict[str, list[tuple[str, bytes]]]
    """Chain name -> (precision, package bytes), base first."""

    def by_sha256(self) -> dict[str, bytes]:
        packages = {sha256(data): data for chain in self.chains.values() for _, data in chain}
        return packages | {sha256(self.full): self.full}


@cache
def network_model(name: str) -> NetworkModel:
    """The model fixture ``name`` cut into adaptive packages by the library's encoder, then
    re-stored without compression (the package format allows NONE for every part)."""
    fixture = model_fixture(name)
    full_model = canonical(fixture.model, name)
    chains = {
        chain: uncompressed(encode_adaptive(full_model, name, options))
        for chain, options in _CHAIN_OPTIONS.items()
    }
    return NetworkModel(name, full_model.SerializeToString(), onnx_release(full_model), chains)


def uncompressed(encoding: AdaptiveEncoding) -> list[tuple[str, bytes]]:
    """The chain's packages with header and sections stored as they decode; each update
    names its (re-stored) parent's SHA-256."""
    out: list[tuple[str, bytes]] = []
    for level in encoding.levels:
        header, sections = read_package(level.data, level.precision.value, 2**31)
        fields = header.model_dump(exclude={"sections"})
        if out:
            fields["parent_sha256"] = sha256(out[-1][1])
        entries = [
            PackageSection(
                kind=s.kind,
                plane=s.plane,
                compression=SectionCompression.NONE,
                length=s.raw_length,
                raw_length=s.raw_length,
            )
            for s in header.sections
        ]
        text = AdaptivePackageHeader.model_validate({**fields, "sections": entries})
        encoded = text.to_json().encode()
        payloads = [bytes(sections[(s.kind, s.plane)]) for s in header.sections]
        data = b"".join(
            [struct.pack("<8sII", MAGIC, len(encoded), len(encoded)), encoded, *payloads]
        )
        out.append((level.precision.value, data))
    return out


def _variant_id(name: str, precision: str | None) -> str:
    return f"{name}-{_SUFFIXES[precision] if precision else 'full'}"


def _manifest(name: str, swap_update: str | None = None) -> dict[str, Any]:
    """The manifest of the model fixture ``name``: its full model file and its adaptive
    chain; with ``swap_update``, that update lists the other chain's package instead."""
    held = network_model(name)
    package_format = {"name": "TS26927_ADAPTIVE_PACKAGE", "version": "1"}
    location = f"https://repository.test.example/{name}/"
    full_id = _variant_id(name, None)
    variants: list[dict[str, Any]] = [
        {
            "variantIdentifier": full_id,
            "precision": "FLOAT32",
            "modelSize": len(held.full) / BYTES_PER_MB,
            "location": location + full_id,
            "sha256": sha256(held.full),
            "dataFormat": {"name": "ONNX", "version": held.onnx_version},
        }
    ]
    previous: str | None = None
    listed, foreign = held.chains[_LISTED], held.chains[_FOREIGN]
    for (precision, data), (_, other) in zip(listed, foreign, strict=True):
        variant_id = _variant_id(name, precision)
        data = other if variant_id == swap_update else data
        variant: dict[str, Any] = {
            "variantIdentifier": variant_id,
            "precision": precision,
            "modelSize": len(data) / BYTES_PER_MB,
            "location": location + variant_id,
            "sha256": sha256(data),
            "dataFormat": package_format,
        }
        if previous is not None:
            variant |= {"updateOf": previous, "composition": "ADDITIVE"}
        variants.append(variant)
        previous = variant_id
    entry = {
        "aiModelInformation": {
            "modelIdentifier": name,
            "modelSize": len(held.full) / BYTES_PER_MB,
            "formatFramework": [{"name": "ONNX", "version": held.onnx_version}],
        },
        "adaptive": True,
        "variants": variants,
    }
    return ModelManifest.model_validate(
        {"manifestId": "ts-manifest-1", "models": [entry]}
    ).to_wire()


def _fixture_name(ctx: CaseContext) -> str:
    return str(ctx.params["model"])


@builder("adaptive-network/manifest")
def _net_manifest(ctx: CaseContext) -> Built:
    """The network announces the model fixture as an adaptive model (INT8 base, INT16 and
    FLOAT32 updates) beside its full model file."""
    return _manifest(_fixture_name(ctx)), {}


@builder("adaptive-network/manifest-foreign-update")
def _net_manifest_foreign(ctx: CaseContext) -> Built:
    """The network misbehaves: its manifest lists, as the update of the INT8 base, the INT16
    package of another encoding of the model (it updates another base)."""
    name = _fixture_name(ctx)
    return _manifest(name, swap_update=_variant_id(name, "INT16")), {}


def requested(ctx: CaseContext) -> str:
    """The variant the UE asked for last: its request (3) or precision update (11)."""
    for record in reversed(ctx.records):
        if record.by == "IUT" and record.step == "3":
            return str(record.message["variantIdentifier"])  # type: ignore[index]
        if record.by == "IUT" and record.step == "11":
            return str(record.message["toVariant"])  # type: ignore[index]
    raise CaseDataError(f"{ctx.case_id}: the UE has requested nothing yet")


@builder("adaptive-network/identification")
def _net_identification(ctx: CaseContext) -> Built:
    """The network identifies the variant the UE requested (3) in its repository."""
    request = ctx.message("3")
    return {
        "modelIdentifier": request["modelIdentifier"],
        "variantIdentifier": request["variantIdentifier"],
    }, {}


@builder("adaptive-network/package")
def _net_package(ctx: CaseContext) -> Built:
    """The network delivers the package the UE requested last, as its own manifest (1)
    lists it: the bytes with that SHA-256, their size and digest."""
    wanted = requested(ctx)
    listed = {v["variantIdentifier"]: v for v in ctx.message("1")["models"][0]["variants"]}
    if wanted not in listed:
        raise IutDataFault(requested_step(ctx), f"{wanted!r} is not a variant of the manifest")
    data = network_model(_fixture_name(ctx)).by_sha256()[listed[wanted]["sha256"]]
    message = {
        "modelIdentifier": _fixture_name(ctx),
        "size": len(data),
        "sha256": sha256(data),
        "variantIdentifier": wanted,
    }
    session = [r for r in ctx.records if r.by == "IUT" and r.step == "5"]
    if session:
        message["deliverySessionId"] = session[-1].message["deliverySessionId"]  # type: ignore[index]
    return message, {"model": data}


@builder("adaptive-network/package-tampered")
def _net_package_tampered(ctx: CaseContext) -> Built:
    """The network misbehaves: the last byte of the package (refinement data) changes in
    transit; size and SHA-256 still announce the intact package."""
    message, attachments = _net_package(ctx)
    data = bytearray(attachments["model"])
    data[-1] ^= 0x01
    return message, {"model": bytes(data)}


def requested_step(ctx: CaseContext) -> str:
    """The step of the UE's last request (3 or 11), where an unlisted variant is its fault."""
    for record in reversed(ctx.records):
        if record.by == "IUT" and record.step in ("3", "11"):
            return record.step
    return "3"
