from __future__ import annotations

import typing
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BeforeValidator, ValidationError

from ts26927.models import units
from ts26927.models.base import TsModel
from ts26927.models.units import Base64Bytes, BitRate, DateTime, PositiveInt, Uinteger
from ts26927.trace import reachable_models


class _Probe(TsModel):
    rate: BitRate | None = None
    when: DateTime | None = None
    blob: Base64Bytes | None = None
    count: Uinteger | None = None
    dim: PositiveInt | None = None


@pytest.mark.parametrize(
    ("text", "bps"),
    [
        ("256 Kbps", 256_000),
        ("1.5 Mbps", 1_500_000),
        ("7 bps", 7),
        ("2 Gbps", 2e9),
        ("0.25 Tbps", 2.5e11),
    ],
)
def test_bit_rate_exposes_bits_per_second(text: str, bps: float) -> None:
    assert _Probe.from_wire({"rate": text}).rate.bps == bps


@pytest.mark.parametrize("text", ["256 kb/s", "256Kbps", "256 kbps", "-1 bps", "1e3 bps", ""])
def test_bit_rate_refuses_other_spellings(text: str) -> None:
    with pytest.raises(ValidationError, match="rate"):
        _Probe.from_wire({"rate": text})


@given(st.integers(0, 10**15))
def test_bit_rate_from_bps_round_trips(bps: int) -> None:
    assert BitRate.from_bps(bps).bps == pytest.approx(bps)


def test_bit_rate_from_bps_refuses_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        BitRate.from_bps(-1)


def test_date_time_keeps_offset_and_writes_utc_as_z() -> None:
    probe = _Probe.from_wire({"when": "2026-05-04T09:30:00+02:00"})
    assert probe.when == datetime(2026, 5, 4, 7, 30, tzinfo=UTC)
    assert probe.when.utcoffset() == timedelta(hours=2)
    assert _Probe(when=datetime(2026, 1, 1, tzinfo=UTC)).to_wire() == {
        "when": "2026-01-01T00:00:00Z"
    }


@pytest.mark.parametrize(
    "text",
    [
        "2026-05-04T09:30:00",
        "2026-05-04 09:30:00Z",
        "2026-02-30T00:00:00Z",
        "2026-05-04T09:30Z",
        "0000-01-01T00:00:00Z",
        "1717000000",
    ],
)
def test_date_time_refuses_non_rfc3339(text: str) -> None:
    with pytest.raises(ValidationError, match="when"):
        _Probe.from_wire({"when": text})


@given(st.datetimes(timezones=st.just(UTC)))
def test_date_time_round_trips(value: datetime) -> None:
    probe = _Probe(when=value)
    assert _Probe.from_json(probe.to_json()) == probe


@given(st.binary(max_size=64))
def test_base64_round_trips(blob: bytes) -> None:
    probe = _Probe(blob=blob)
    assert _Probe.from_json(probe.to_json()).blob == blob


@pytest.mark.parametrize("text", ["AAE", "AA=E", "!!!!", "AAE=\n"])
def test_base64_refuses_malformed(text: str) -> None:
    with pytest.raises(ValidationError, match="blob"):
        _Probe.from_wire({"blob": text})


def test_integers_accept_integral_floats_like_json_schema_but_not_bools_or_strings() -> None:
    assert _Probe.from_wire({"count": 3.0}).count == 3
    for bad in (True, "3", 3.5, -1):
        with pytest.raises(ValidationError, match="count"):
            _Probe.from_wire({"count": bad})
    with pytest.raises(ValidationError, match="dim"):
        _Probe.from_wire({"dim": 0})


def test_null_is_refused_on_the_wire_but_none_means_absent_in_python() -> None:
    with pytest.raises(ValidationError, match="null is not allowed"):
        _Probe.from_wire({"count": None})
    assert _Probe(count=None).to_wire() == {}


def _plain_ints(annotation: Any, metadata: Sequence[Any] = ()) -> int:
    """How many ``int`` in the annotation lack the validator that takes ``5.0`` as 5."""
    if typing.get_origin(annotation) is typing.Annotated:
        base, *more = typing.get_args(annotation)
        return _plain_ints(base, [*metadata, *more])
    if annotation is int:
        integral = any(
            isinstance(m, BeforeValidator) and m.func is units._integral for m in metadata
        )
        return 0 if integral else 1
    return sum(_plain_ints(arg) for arg in typing.get_args(annotation))


def test_every_integer_of_every_wire_type_accepts_what_json_schema_calls_an_integer() -> None:
    # JSON Schema's "integer" is any number with a zero fraction: 1.0 included.
    plain = [
        f"{name}.{field_name}"
        for name, (cls, _) in reachable_models().items()
        for field_name, field in cls.model_fields.items()
        if _plain_ints(field.annotation, field.metadata)
    ]
    assert plain == []
