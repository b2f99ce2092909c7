"""Codec chains: names, refusals, and round trips exact or within the stated error."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ts26927.engine.onnxtools.codecs import CodecChain, stated_error
from ts26927.engine.onnxtools.dtypes import from_numpy
from ts26927.engine.split.pipeline import describe_intermediate
from ts26927.engine.split.unit import decode_unit, encode_unit
from ts26927.errors import CodecChainError, CodecNotSupportedError, CodecRangeError
from ts26927.models.intermediate_data import CompressionAlgorithm, DataDirection

CHAINS = [
    "NONE",
    "SNAPPY",
    "LZ4",
    "ZSTD",
    "FLOAT16",
    "INT8",
    "FLOAT16+SNAPPY",
    "FLOAT16+LZ4",
    "FLOAT16+ZSTD",
    "INT8+SNAPPY",
    "INT8+LZ4",
    "INT8+ZSTD",
]


def _round_trip(arrays: dict[str, np.ndarray], chain: CodecChain) -> dict[str, np.ndarray]:
    unit = encode_unit(describe_intermediate(arrays, DataDirection.UPSTREAM), arrays, chain)
    return decode_unit(unit.to_bytes()).tensors


@pytest.mark.parametrize("name", CHAINS)
def test_chain_names_are_the_values_joined_by_plus(name: str) -> None:
    chain = CodecChain.parse(name)
    assert chain.name == name
    assert [a.value for a in chain.algorithms] == name.split("+")
    assert CodecChain.parse(name.lower()) == chain
    assert CodecChain.parse(chain.algorithms) == chain
    assert chain.lossy == name.startswith(("FLOAT16", "INT8"))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("ZSTD+INT8", "precision reduction .* comes first"),
        ("INT8+FLOAT16", "precision reduction"),
        ("NONE+ZSTD", "NONE cannot be combined"),
        ("ZSTD+LZ4", "at most one codec"),
        ("ZSTD+ZSTD", "appears twice"),
        ("", "not a list of compression algorithm names"),
        ("INT8+", "not a list"),
        ("zip!", "not a list"),
    ],
)
def test_malformed_chains_are_refused(spec: str, message: str) -> None:
    with pytest.raises(CodecChainError, match=message):
        CodecChain.parse(spec)


@pytest.mark.parametrize("spec", ["FC_VCM", "INT8+FC_VCM", "NEW_CODEC", "FLOAT16+BROTLI"])
def test_declared_but_unavailable_algorithms_are_not_supported(spec: str) -> None:
    with pytest.raises(CodecNotSupportedError, match="not supported by this implementation"):
        CodecChain.parse(spec)


_SHAPES = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=9)


@st.composite
def _float_arrays(draw: st.DrawFn) -> np.ndarray:
    dtype = draw(st.sampled_from([np.float32, np.float64, np.float16]))
    width = 16 if dtype is np.float16 else 32
    elements = st.floats(-6e4, 6e4, allow_nan=False, width=width)
    return draw(hnp.arrays(dtype, _SHAPES, elements=elements))


_OTHER = st.one_of(
    hnp.arrays(st.sampled_from([np.int8, np.int32, np.int64, np.uint8, np.uint16]), _SHAPES),
    hnp.arrays(np.bool_, _SHAPES),
)


@settings(max_examples=60)
@given(_float_arrays(), _OTHER, st.sampled_from(CHAINS))
def test_round_trips_are_exact_or_within_the_stated_error(
    floats: np.ndarray, other: np.ndarray, spec: str
) -> None:
    chain = CodecChain.parse(spec)
    arrays = {"features": floats, "indices": other}
    unit = encode_unit(describe_intermediate(arrays, DataDirection.UPSTREAM), arrays, chain)
    decoded = decode_unit(unit.to_bytes())
    got = decoded.tensors
    assert got["features"].dtype == floats.dtype and got["features"].shape == floats.shape
    # Precision reductions never touch non-float tensors.
    np.testing.assert_array_equal(got["indices"], other)
    assert got["indices"].dtype == other.dtype
    if not chain.lossy or (chain.precision == "FLOAT16" and floats.dtype == np.float16):
        np.testing.assert_array_equal(got["features"], floats)
        return
    payload = decoded.header.payloads[0]
    bound = stated_error(floats, payload.compression_algorithms[0], payload.quantization)
    error = np.abs(got["features"].astype(np.float64) - floats.astype(np.float64))
    assert np.all(error <= bound), float(np.max(error - bound))


def test_int8_keeps_zeros_exact_and_uses_the_full_range() -> None:
    relu = np.maximum(np.random.default_rng(0).standard_normal((4, 64)), 0).astype(np.float32)
    unit = encode_unit(
        describe_intermediate({"r": relu}, DataDirection.UPSTREAM),
        {"r": relu},
        CodecChain.parse("INT8"),
    )
    quantization = unit.header.payloads[0].quantization
    assert quantization is not None and quantization.zero_point == -128
    assert quantization.scale == pytest.approx(float(relu.max()) / 255)
    restored = decode_unit(unit.to_bytes()).tensors["r"]
    np.testing.assert_array_equal(restored[relu == 0], 0)


def test_float16_overflow_and_int8_non_finite_are_refused() -> None:
    big = np.array([1.0, 7e4], np.float32)
    with pytest.raises(CodecRangeError, match=r"tensor 'big': cannot apply FLOAT16"):
        _round_trip({"big": big}, CodecChain.parse("FLOAT16"))
    bad = np.array([1.0, np.nan], np.float32)
    with pytest.raises(CodecRangeError, match=r"tensor 'bad': cannot apply INT8.*NaN"):
        _round_trip({"bad": bad}, CodecChain.parse("INT8"))
    # Infinities are representable in half precision and pass unchanged.
    inf = np.array([np.inf, -1.0], np.float32)
    np.testing.assert_array_equal(_round_trip({"i": inf}, CodecChain.parse("FLOAT16"))["i"], inf)


def test_none_is_zero_copy_both_ways() -> None:
    array = np.arange(4096, dtype=np.float32).reshape(64, 64)
    unit = encode_unit(
        describe_intermediate({"a": array}, DataDirection.UPSTREAM),
        {"a": array},
        CodecChain.parse("NONE"),
    )
    payload = unit.parts[-2]  # the last part is the CRC-32 trailer
    assert np.shares_memory(np.frombuffer(payload, np.float32), array)
    received = bytearray(unit.to_bytes())
    decoded = decode_unit(received).tensors["a"]
    np.testing.assert_array_equal(decoded, array)
    assert np.shares_memory(decoded, np.frombuffer(received, np.uint8))


def test_big_endian_input_is_sent_little_endian() -> None:
    array = np.arange(6, dtype=">f4").reshape(2, 3)
    assert from_numpy(array.dtype) is not None
    decoded = _round_trip({"a": array}, CodecChain.parse("NONE"))["a"]
    np.testing.assert_array_equal(decoded, array)
    assert decoded.dtype == np.dtype("<f4")


def test_lossless_codecs_shrink_redundant_data() -> None:
    zeros = np.zeros((256, 256), np.float32)
    for name in ("SNAPPY", "LZ4", "ZSTD"):
        arrays = {"z": zeros}
        unit = encode_unit(
            describe_intermediate(arrays, DataDirection.UPSTREAM), arrays, CodecChain.parse(name)
        )
        assert unit.header.payloads[0].payload_length < zeros.nbytes / 20
        assert unit.header.payloads[0].compression_algorithms == [CompressionAlgorithm(name)]
