from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.engine.delivery.models import float32_bits, weights_model
from ts26927.engine.delivery import quantization as qz
from ts26927.engine.delivery.chain import Chain
from ts26927.engine.delivery.encoder import AdaptiveOptions, encode_adaptive
from ts26927.engine.delivery.progressive import ProgressiveModel
from ts26927.models.messages.adaptive import Precision

#: Any float32 bit pattern: ±0, subnormals, ±inf, NaNs with any payload, normal values.
ANY_BITS = hnp.arrays(np.uint32, st.integers(1, 64), elements=st.integers(0, 2**32 - 1))
SPECIAL = np.array(
    [0.0, -0.0, np.inf, -np.inf, 1e-45, -1e-45, 1.1754942e-38, 3.4028235e38, -3.4028235e38],
    np.float32,
)


@st.composite
def weights(draw: st.DrawFn) -> np.ndarray:
    """Typical weights with special values mixed in, or arbitrary bit patterns."""
    size = draw(st.integers(2, 300))
    if draw(st.booleans()):
        return draw(hnp.arrays(np.uint32, size, elements=st.integers(0, 2**32 - 1))).view(
            np.float32
        )
    scale = draw(st.sampled_from([1e-30, 1e-3, 1.0, 1e30]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    values = (rng.standard_normal(size) * scale).astype(np.float32)
    specials = draw(st.lists(st.integers(0, size - 1), max_size=5))
    for index in specials:
        values[index] = SPECIAL[index % SPECIAL.size]
    if draw(st.booleans()):  # a NaN with a payload, sign set
        values[0] = np.uint32(0xFFC0_1234).view(np.float32)
    return values


@given(ANY_BITS, ANY_BITS)
def test_exact_residual_restores_every_bit_pattern(target: np.ndarray, start: np.ndarray) -> None:
    size = min(target.size, start.size)
    original, approximation = target[:size].view(np.float32), start[:size].view(np.float32)
    restored = qz.apply_exact(approximation, qz.exact_residual(original, approximation))
    np.testing.assert_array_equal(float32_bits(restored), target[:size])


@given(ANY_BITS)
def test_ordered_keys_sort_like_the_floats_and_invert(bits: np.ndarray) -> None:
    values = bits.view(np.float32)
    keys = qz.ordered_key(values)
    np.testing.assert_array_equal(float32_bits(qz.from_ordered_key(keys)), bits)
    numbers = values[~np.isnan(values)]
    ordered = numbers[np.argsort(qz.ordered_key(numbers))]
    assert np.all(ordered[:-1] <= ordered[1:])


def test_ordered_keys_put_minus_zero_just_below_plus_zero() -> None:
    keys = qz.ordered_key(np.array([-1.0, -0.0, 0.0, 1e-45, 1.0], np.float32)).astype(np.int64)
    assert list(np.diff(keys)) == [keys[1] - keys[0], 1, 1, keys[4] - keys[3]]
    assert np.all(np.diff(keys) > 0)


@given(hnp.arrays(np.int32, st.integers(1, 50), elements=st.integers(-32512, 32512)))
def test_adding_bits_restores_the_finer_codes(codes: np.ndarray) -> None:
    for shift in (4, 8, 12):
        coarse = qz.lower(codes, shift)
        added = qz.residual(codes, coarse, shift)
        assert added.min() >= -(2 ** (shift - 1)) and added.max() < 2 ** (shift - 1)
        np.testing.assert_array_equal(qz.raise_codes(coarse, added, shift), codes)


@given(hnp.arrays(np.int32, st.integers(1, 50), elements=st.integers(-32512, 32512)))
def test_lower_codes_fit_their_depth(codes: np.ndarray) -> None:
    base = qz.lower(codes, 8)
    assert base.min() >= -127 and base.max() <= 127


@given(weights())
@settings(max_examples=40)
def test_the_refinement_chain_is_bit_exact(values: np.ndarray) -> None:
    model = weights_model([values])
    encoding = encode_adaptive(model, "m")
    progressive = ProgressiveModel(encoding.levels[0].data)
    finite = np.isfinite(values)
    base = progressive.weights()
    # Non-finite weights are carried exactly from the base level on.
    np.testing.assert_array_equal(float32_bits(base[~finite]), float32_bits(values[~finite]))
    assert np.all(np.isfinite(base[finite]) | (np.abs(values[finite]) > 3e38))
    for level in encoding.levels[1:]:
        progressive.apply(level.data)
    np.testing.assert_array_equal(float32_bits(progressive.weights()), float32_bits(values))
    assert progressive.complete
    progressive.to_bytes()  # raises unless the rebuilt file is the original, byte for byte


@given(
    weights(),
    st.sampled_from(
        [
            (Precision.INT8, Precision.FLOAT32),
            (Precision.INT4, Precision.INT8, Precision.INT16, Precision.FLOAT32),
            (Precision.INT16, Precision.FLOAT32),
            (Precision.INT4, Precision.INT16, Precision.FLOAT32),
        ]
    ),
)
@settings(max_examples=20)
def test_every_chain_is_bit_exact(values: np.ndarray, chain: tuple[Precision, ...]) -> None:
    encoding = encode_adaptive(weights_model([values]), "m", AdaptiveOptions(chain=chain))
    progressive = ProgressiveModel(encoding.levels[0].data)
    for level in encoding.levels[1:]:
        progressive.apply(level.data)
    np.testing.assert_array_equal(float32_bits(progressive.weights()), float32_bits(values))


def test_each_integer_level_is_closer_than_the_one_below() -> None:
    rng = np.random.default_rng(3)
    values = rng.standard_normal(5000).astype(np.float32)
    encoding = encode_adaptive(weights_model([values]), "m", AdaptiveOptions(base_sqnr_db=None))
    sqnrs = [level.sqnr_db for level in encoding.levels]
    assert sqnrs[-1] is None  # exact
    assert 38 < sqnrs[0] < 45  # 8 bits over a range of about 4 standard deviations
    assert sqnrs[1] > sqnrs[0] + 40  # 8 more bits: about 48 dB more


def test_the_sqnr_target_coarsens_only_evenly_spread_tensors() -> None:
    rng = np.random.default_rng(4)
    spread = rng.standard_normal(5000).astype(np.float32)
    outlier = spread.copy()
    outlier[0] = 200.0  # range set by one value: 8 bits are needed for the rest
    plain = [qz.tensor_step(v, 8, 16, None) for v in (spread, outlier)]
    target = [qz.tensor_step(v, 8, 16, 30.0) for v in (spread, outlier)]
    assert target[0] > plain[0]
    assert target[1] == plain[1]


def test_steps_stay_usable_at_the_ends_of_the_float32_range() -> None:
    huge = np.array([3.4028235e38, -3.4028235e38], np.float32)
    step = qz.tensor_step(huge, 8, 16, None)
    assert np.isfinite(step * np.float32(qz.max_code(8, 16)))
    # Evenly spread huge values: the SQNR target alone would give a step that overflows.
    spread = np.tile(np.array([3e38, -3e38], np.float32), 50)
    step = qz.tensor_step(spread, 8, 16, 36.0)
    assert np.isfinite(step * np.float32(qz.max_code(8, 16)))
    assert step > np.float32(3e38 / qz.max_code(8, 16))
    assert qz.tensor_step(np.array([1e-45, 0.0], np.float32), 8, 16, None) > 0
    assert qz.tensor_step(np.array([np.nan, np.inf], np.float32), 8, 16, 36.0) == 1.0


def test_sqnr_is_none_when_exact_and_counts_finite_weights_only() -> None:
    values = np.array([1.0, 2.0, np.nan], np.float32)
    assert qz.sqnr_db(values, values.copy()) is None
    noisy = np.array([1.0, 2.1, 5.0], np.float32)
    expected = 10 * np.log10(5.0 / 0.01)
    assert abs(qz.sqnr_db(values, noisy) - expected) < 1e-3  # type: ignore[operator]


def test_byte_planes_round_trip() -> None:
    values = np.array([0, 1, 0xDEADBEEF, 2**32 - 1], np.uint32)
    planes = qz.to_planes(values)
    assert [p[2] for p in planes] == [0xEF, 0xBE, 0xAD, 0xDE]
    np.testing.assert_array_equal(qz.from_planes(planes, np.dtype(np.uint32)), values)
    signed = np.array([-300, 5, 32767], np.int16)
    np.testing.assert_array_equal(qz.from_planes(qz.to_planes(signed), np.dtype(np.int16)), signed)


def test_chains_are_validated() -> None:
    for bad in [
        (Precision.FLOAT32,),
        (Precision.INT16, Precision.INT8, Precision.FLOAT32),
        (Precision.INT8, Precision.FLOAT16, Precision.FLOAT32),
        (Precision.INT8, Precision.INT16),
    ]:
        try:
            Chain(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad} accepted")
    assert Chain((Precision.INT8, Precision.INT16, Precision.FLOAT32)).depths == (8, 16)
