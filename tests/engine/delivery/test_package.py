from __future__ import annotations

import json
import struct

import cramjam
import numpy as np
import pytest

from ts26927.engine.delivery.encoder import AdaptiveEncoding
from ts26927.engine.delivery.package import MAGIC, Section, read_header, read_package, write_package
from ts26927.errors import PackageError
from ts26927.models.messages.adaptive import SectionKind

_FIXED = struct.Struct("<8sII")
FIELDS = {"model_identifier": "m", "level": 1, "elements": 4, "parent_sha256": "a" * 64}


def _package(sections: list[Section] | None = None) -> bytes:
    sections = sections or [Section(SectionKind.RESIDUAL, 0, np.arange(4, dtype=np.int8))]
    return write_package(FIELDS, sections, 3)


def _rebuild(header: dict, body: bytes, *, compress: bool = False) -> bytes:
    text = json.dumps(header).encode()
    stored = bytes(cramjam.zstd.compress(text)) if compress else text
    return _FIXED.pack(MAGIC, len(stored), len(text)) + stored + body


def _parts(data: bytes) -> tuple[dict, bytes]:
    header, offset = read_header(data, "p")
    return header.to_wire(), data[offset:]


def test_round_trip_compresses_what_shrinks_and_stores_the_rest() -> None:
    runs = np.zeros(10_000, np.uint8)
    noise = np.random.default_rng(0).integers(0, 256, 10_000).astype(np.uint8)
    data = _package([Section(SectionKind.EXACT, 0, runs), Section(SectionKind.EXACT, 1, noise)])
    header, sections = read_package(data, "p", 10**6)
    assert [s.compression.value for s in header.sections] == ["ZSTD", "NONE"]
    assert bytes(sections[(SectionKind.EXACT, 0)]) == runs.tobytes()
    assert bytes(sections[(SectionKind.EXACT, 1)]) == noise.tobytes()
    assert header.parent_sha256 == "a" * 64


@pytest.mark.parametrize(
    ("mutate", "where", "reason"),
    [
        (lambda d: d[:10], "start", "shorter than the fixed header"),
        (lambda d: b"NOTAPKG!" + d[8:], "start", "not an adaptive model package"),
        (lambda d: d[:20], "header", "truncated"),
        (lambda d: d[:-1], "sections", "truncated"),
        (lambda d: d + b"\0", "sections", "follow the last section"),
        (lambda d: _FIXED.pack(MAGIC, 5, 2) + d[16:], "header", "more than it decodes to"),
        (lambda d: _FIXED.pack(MAGIC, 1, 2**30) + d[16:], "header", "over"),
    ],
)
def test_malformed_packages_are_refused_with_the_place(mutate, where: str, reason: str) -> None:
    with pytest.raises(PackageError) as caught:
        read_package(mutate(_package()), "p", 10**6)
    assert caught.value.where == where and reason in caught.value.reason


def test_a_header_that_is_not_the_type_names_the_property() -> None:
    header, body = _parts(_package())
    header["level"] = -1
    with pytest.raises(PackageError, match=r"header /level"):
        read_package(_rebuild(header, body), "p", 10**6)
    with pytest.raises(PackageError, match=r"header"):
        read_package(_FIXED.pack(MAGIC, 3, 3) + b"{x]" + body, "p", 10**6)


def test_format_version_section_twice_and_decoded_size_are_checked() -> None:
    header, body = _parts(_package())
    with pytest.raises(PackageError, match="format version 2"):
        read_package(_rebuild({**header, "formatVersion": 2}, body), "p", 10**6)
    twice = {**header, "sections": header["sections"] * 2}
    with pytest.raises(PackageError, match="listed twice"):
        read_package(_rebuild(twice, body * 2), "p", 10**6)
    with pytest.raises(PackageError, match="over the limit of 3"):
        read_package(_package(), "p", 3)


def test_a_compressed_header_is_read_and_a_broken_one_refused() -> None:
    header, body = _parts(_package())
    parsed, _ = read_package(_rebuild(header, body, compress=True), "p", 10**6)
    assert parsed.model_identifier == "m"
    broken = _rebuild(header, body, compress=True)
    broken = broken[:16] + b"\0" * 4 + broken[20:]
    with pytest.raises(PackageError, match="header"):
        read_package(broken, "p", 10**6)


def test_stored_and_zstd_sections_must_hold_their_declared_size() -> None:
    header, body = _parts(_package())
    header["sections"][0]["rawLength"] = 5
    with pytest.raises(PackageError, match="declares 5"):
        read_package(_rebuild(header, body), "p", 10**6)
    packed = bytes(cramjam.zstd.compress(bytes(100)))
    zstd = {
        **header,
        "sections": [
            {
                "kind": "EXACT",
                "plane": 0,
                "compression": "ZSTD",
                "length": len(packed),
                "rawLength": 50,
            }
        ],
    }
    with pytest.raises(PackageError, match="section EXACT/0"):
        read_package(_rebuild(zstd, packed), "p", 10**6)


def test_every_package_of_the_classifier_reads_back(digits_chain: AdaptiveEncoding) -> None:
    for level in digits_chain.levels:
        header, sections = read_package(level.data, "p", 10**7)
        assert header.level == level.index
        assert header.model_identifier == "digits"
        assert all(s.nbytes for s in sections.values())


def test_a_deeply_nested_header_is_refused_not_raised() -> None:
    _, body = _parts(_package())
    deep = b"[" * 100_000
    with pytest.raises(PackageError, match="header"):
        read_package(_FIXED.pack(MAGIC, len(deep), len(deep)) + deep + body, "p", 10**6)
