"""The binary container of one level of an adaptive model: header, then sections.

Layout (integers little-endian)::

    offset 0   magic "TS26927P" (8 bytes)
    offset 8   stored header length S (uint32)
    offset 12  decoded header length D (uint32); S < D: the header is zstd-compressed
    offset 16  header: UTF-8 JSON of AdaptivePackageHeader (S bytes stored)
    then       the sections, back to back, in header order, each ``length`` bytes

The header is compressed when that makes it shorter: for a small model, a few hundred
bytes of JSON are a visible share of each package. Reading checks everything before it
decompresses anything: magic, header lengths, the header against its type, the format
version, that the sections exactly fill the rest (a truncated package or trailing bytes are
refused), no section listed twice, and every declared size against the caller's limit.
Each section then decompresses into exactly its declared size.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cramjam
import numpy as np
import onnx
from pydantic import ValidationError

from ts26927.engine.onnxtools import codecs
from ts26927.errors import PackageError
from ts26927.models import wire_errors, wire_json
from ts26927.models.messages.adaptive import (
    AdaptivePackageHeader,
    PackageSection,
    SectionCompression,
    SectionKind,
)

MAGIC = b"TS26927P"
FORMAT_VERSION = 1
#: Largest decoded header: enough for a million quantization steps.
MAX_HEADER_BYTES = 64 * 2**20
_FIXED = struct.Struct("<8sII")

SectionKey = tuple[SectionKind, int]
_FLOAT = onnx.TensorProto.FLOAT
_EXTERNAL = onnx.TensorProto.EXTERNAL


@dataclass(frozen=True)
class Section:
    """One section to write: what it holds, its byte plane and its uncompressed bytes."""

    kind: SectionKind
    plane: int
    raw: bytes | np.ndarray
    zstd_level: int | None = None
    """Overrides the package's zstd level for this section."""

    def raw_bytes(self) -> memoryview:
        if isinstance(self.raw, np.ndarray):
            return memoryview(np.ascontiguousarray(self.raw)).cast("B")
        return memoryview(self.raw)


def refined_tensors(model: onnx.ModelProto) -> list[onnx.TensorProto]:
    """The tensors a package refines: the main graph's float32 initializers of two or more
    elements, in graph order (in a skeleton, exactly those waiting for their data)."""
    return [
        t
        for t in model.graph.initializer
        if t.data_type == _FLOAT and math.prod(t.dims) >= 2 and t.data_location != _EXTERNAL
    ]


def write_package(fields: dict[str, Any], sections: Sequence[Section], zstd_level: int) -> bytes:
    """A package from its header fields (all but ``sections``) and its sections.

    Each section is zstd-compressed, or stored as is when that is not smaller.
    """
    entries: list[PackageSection] = []
    payloads: list[bytes | memoryview] = []
    for section in sections:
        raw = section.raw_bytes()
        level = section.zstd_level or zstd_level
        packed = cramjam.zstd.compress(raw, level=level) if raw.nbytes else b""
        use_zstd = 0 < len(packed) < raw.nbytes
        payload: bytes | memoryview = bytes(packed) if use_zstd else raw
        entries.append(
            PackageSection(
                kind=section.kind,
                plane=section.plane,
                compression=SectionCompression.ZSTD if use_zstd else SectionCompression.NONE,
                length=len(payload),
                raw_length=raw.nbytes,
            )
        )
        payloads.append(payload)
    header = AdaptivePackageHeader.model_validate(
        {**fields, "format_version": FORMAT_VERSION, "sections": entries}
    )
    text = header.to_json().encode()
    packed_text = cramjam.zstd.compress(text, level=19)
    stored = bytes(packed_text) if len(packed_text) < len(text) else text
    return b"".join([_FIXED.pack(MAGIC, len(stored), len(text)), stored, *payloads])


def read_header(data: bytes | memoryview, label: str) -> tuple[AdaptivePackageHeader, int]:
    """The validated header and the offset of the first section."""
    view = memoryview(data)
    if view.nbytes < _FIXED.size:
        raise PackageError(label, "start", f"{view.nbytes} bytes is shorter than the fixed header")
    magic, stored, length = _FIXED.unpack_from(view)
    if magic != MAGIC:
        raise PackageError(label, "start", f"not an adaptive model package (magic {magic!r})")
    if length > MAX_HEADER_BYTES:
        raise PackageError(label, "header", f"decodes to {length} bytes, over {MAX_HEADER_BYTES}")
    if stored > length:
        raise PackageError(label, "header", f"stores {stored} bytes, more than it decodes to")
    end = _FIXED.size + stored
    if end > view.nbytes:
        raise PackageError(label, "header", f"truncated: {stored} bytes declared, fewer present")
    text = bytes(view[_FIXED.size : end])
    if stored < length:
        try:
            text = bytes(codecs.decompress("ZSTD", memoryview(text), length))
        except ValueError as error:
            raise PackageError(label, "header", str(error)) from None
    try:
        header = AdaptivePackageHeader.from_json(text)
    except ValidationError as error:
        issue = wire_errors.issues(_loose_json(text), error)[0]
        raise PackageError(label, f"header {issue.pointer or '/'}", issue.reason) from None
    if header.format_version != FORMAT_VERSION:
        raise PackageError(
            label, "header", f"format version {header.format_version} is not supported"
        )
    return header, end


def read_package(
    data: bytes | memoryview, label: str, max_decoded_bytes: int
) -> tuple[AdaptivePackageHeader, dict[SectionKey, memoryview]]:
    """The header and every section decompressed, after all checks."""
    view = memoryview(data)
    header, offset = read_header(view, label)
    declared = sum(s.length for s in header.sections)
    present = view.nbytes - offset
    if declared > present:
        raise PackageError(
            label, "sections", f"truncated: {declared} bytes declared, {present} present"
        )
    if declared < present:
        raise PackageError(label, "sections", f"{present - declared} bytes follow the last section")
    decoded = sum(s.raw_length for s in header.sections)
    if decoded > max_decoded_bytes:
        raise PackageError(
            label, "sections", f"decode to {decoded} bytes, over the limit of {max_decoded_bytes}"
        )
    sections: dict[SectionKey, memoryview] = {}
    for section in header.sections:
        key = (section.kind, section.plane)
        where = f"section {section.kind.value}/{section.plane}"
        if key in sections:
            raise PackageError(label, where, "listed twice")
        payload = view[offset : offset + section.length]
        offset += section.length
        if section.compression is SectionCompression.NONE:
            if section.length != section.raw_length:
                raise PackageError(
                    label, where, f"stored {section.length} bytes but declares {section.raw_length}"
                )
            sections[key] = payload
            continue
        try:
            sections[key] = codecs.decompress("ZSTD", payload, section.raw_length)
        except ValueError as error:
            raise PackageError(label, where, str(error)) from None
    return header, sections


def _loose_json(text: bytes) -> Any:
    try:
        return wire_json.loads(text)
    except wire_json.JsonTextError:
        return None
