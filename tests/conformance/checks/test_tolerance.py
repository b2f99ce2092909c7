"""How close the IUT's numbers must be, at the bounds: exact expectations within
``LOSSLESS_TOLERANCE`` of the largest magnitude, decoded tensors within their codec's own
error."""

from __future__ import annotations

import numpy as np
import pytest

from ts26927.conformance.checks import CheckFailed
from ts26927.conformance.checks.tolerance import LOSSLESS_TOLERANCE, close, within_codec
from ts26927.models.intermediate_data import CompressionAlgorithm as Codec

# The documented allowances, written out: a test that read them from the module would
# move with them.
FLOAT16_RELATIVE = 2.0**-10
INT8_STEPS = 127.0

WANT = np.array([[4.0, -2.0, 0.5, 0.0]], dtype=np.float32)
"""Largest magnitude 4: a relative difference is an absolute one divided by 4."""


def _off_by(relative: float, want: np.ndarray = WANT) -> np.ndarray:
    """``want`` with its first element moved by ``relative`` times its largest magnitude."""
    got = want.astype(np.float64)
    got.flat[0] += relative * float(np.max(np.abs(want)))
    return got.astype(want.dtype)


def test_the_lossless_tolerance_is_ten_parts_per_million() -> None:
    assert LOSSLESS_TOLERANCE == 1e-5


# -- close: exact expectations -----------------------------------------------------------
@pytest.mark.parametrize("relative", [0.0, 5e-6, -5e-6, 9e-6])
def test_close_passes_within_the_lossless_tolerance(relative: float) -> None:
    close(_off_by(relative), WANT, "output")


@pytest.mark.parametrize("relative", [2e-5, -2e-5, 1e-3, 0.5])
def test_close_fails_beyond_the_lossless_tolerance(relative: float) -> None:
    with pytest.raises(CheckFailed, match=r"output: relative difference .* > 1e-05"):
        close(_off_by(relative), WANT, "output")


def test_close_is_relative_to_the_largest_magnitude() -> None:
    # 2e-5 of the small element is far below 1e-5 of the largest one.
    got = WANT.copy()
    got[0, 2] *= 1 + 2e-5
    close(got, WANT, "output")
    # Scaled up a thousandfold, the same relative differences pass and fail alike.
    close(_off_by(5e-6, WANT * 1000), WANT * 1000, "output")
    with pytest.raises(CheckFailed, match=r"relative difference 2\.00e-05"):
        close(_off_by(2e-5, WANT * 1000), WANT * 1000, "output")


def test_close_on_zeros_allows_no_more_than_float_dust() -> None:
    zeros = np.zeros((2, 3), dtype=np.float32)
    close(zeros + np.float32(1e-18), zeros, "output")
    with pytest.raises(CheckFailed, match="relative difference"):
        close(zeros + np.float32(1e-16), zeros, "output")


def test_close_on_empty_tensors_passes() -> None:
    empty = np.zeros((1, 0), dtype=np.float32)
    close(empty, empty, "output")


@pytest.mark.parametrize(
    ("got", "reason"),
    [
        (WANT[:, :3], r"output: shape \[1, 3\], expected \[1, 4\]"),
        (WANT.reshape(4, 1), r"output: shape \[4, 1\], expected \[1, 4\]"),
        (WANT.astype(np.float64), "output: element type float64, expected float32"),
        (WANT.astype(np.float16), "output: element type float16, expected float32"),
        (np.where(WANT == 0, np.nan, WANT).astype(np.float32), "output: holds NaN or infinity"),
        (np.where(WANT == 0, np.inf, WANT).astype(np.float32), "output: holds NaN or infinity"),
    ],
)
def test_close_fails_on_another_kind_of_tensor(got: np.ndarray, reason: str) -> None:
    with pytest.raises(CheckFailed, match=reason):
        close(got, WANT, "output")
    with pytest.raises(CheckFailed, match=reason.replace("output", "tensor 'x'")):
        within_codec(got, WANT, [Codec.INT8], "tensor 'x'")


# -- within_codec: decoded tensors -------------------------------------------------------
@pytest.mark.parametrize("chain", [[], [Codec.NONE], [Codec.ZSTD], [Codec.LZ4, Codec.SNAPPY]])
def test_without_precision_reduction_the_lossless_tolerance_holds(chain: list[Codec]) -> None:
    within_codec(WANT.copy(), WANT, chain, "tensor 'x'")
    within_codec(_off_by(5e-6), WANT, chain, "tensor 'x'")
    with pytest.raises(CheckFailed, match="more than the codec allows"):
        within_codec(_off_by(2e-5), WANT, chain, "tensor 'x'")


def test_float16_keeps_eleven_significant_bits() -> None:
    within_codec(WANT.astype(np.float16).astype(np.float32), WANT, [Codec.FLOAT16], "x")
    values = np.linspace(-3.0, 7.0, 101, dtype=np.float32).reshape(1, -1)
    within_codec(values.astype(np.float16).astype(np.float32), values, [Codec.FLOAT16], "x")


@pytest.mark.parametrize(("relative", "passes"), [(0.9, True), (-0.9, True), (1.2, False)])
def test_float16_error_is_relative_to_each_element(relative: float, passes: bool) -> None:
    # The small element may move by its own share only, not by the largest one's.
    got = WANT.astype(np.float64)
    got[0, 2] *= 1 + relative * FLOAT16_RELATIVE
    got32 = got.astype(np.float32)
    if passes:
        within_codec(got32, WANT, [Codec.ZSTD, Codec.FLOAT16], "tensor 'x'")
    else:
        with pytest.raises(CheckFailed, match="tensor 'x': differs from the true values"):
            within_codec(got32, WANT, [Codec.FLOAT16, Codec.ZSTD], "tensor 'x'")


def test_float16_does_not_allow_an_int8_step() -> None:
    with pytest.raises(CheckFailed, match="worst excess"):
        within_codec(_off_by(0.5 / INT8_STEPS), WANT, [Codec.FLOAT16], "tensor 'x'")


def test_int8_allows_a_step_of_the_range() -> None:
    step = 4.0 / INT8_STEPS  # max|x| / 127
    quantized = (np.round(WANT / step) * step).astype(np.float32)
    within_codec(quantized, WANT, [Codec.INT8], "x")
    within_codec(_off_by(0.99 / INT8_STEPS), WANT, [Codec.INT8, Codec.LZ4], "x")
    with pytest.raises(CheckFailed, match="differs from the true values by more than the codec"):
        within_codec(_off_by(1.05 / INT8_STEPS), WANT, [Codec.INT8], "x")


def test_int8_wins_over_float16_in_a_chain() -> None:
    # INT8 after FLOAT16 loses the most: the coarser allowance applies.
    within_codec(_off_by(0.9 / INT8_STEPS), WANT, [Codec.FLOAT16, Codec.INT8], "x")


def test_within_codec_on_empty_tensors_passes() -> None:
    empty = np.zeros((0, 4), dtype=np.float32)
    for chain in ([], [Codec.FLOAT16], [Codec.INT8]):
        within_codec(empty, empty, chain, "x")


def test_exactly_the_lossless_tolerance_passes() -> None:
    want = np.array([1e5, 0.0])
    close(np.array([1e5 + 1.0, 0.0]), want, "x")  # 1 / 1e5: exactly 1e-5
    with pytest.raises(CheckFailed):
        close(np.array([1e5 + 1.01, 0.0]), want, "x")


def test_int8_allows_the_whole_step_and_one_percent() -> None:
    # A step is max|x| / 127, allowed with 1 % to spare for the scale's own rounding.
    within_codec(_off_by(1.005 / INT8_STEPS), WANT, [Codec.INT8], "x")
    with pytest.raises(CheckFailed):
        within_codec(_off_by(1.02 / INT8_STEPS), WANT, [Codec.INT8], "x")


def test_int8_of_zeros_is_exact_zeros() -> None:
    zeros = np.zeros((1, 4), dtype=np.float32)
    within_codec(zeros, zeros, [Codec.INT8], "x")


@pytest.mark.parametrize(("error", "passes"), [(4e-8, True), (7e-8, False)])
def test_float16_allows_the_smallest_subnormal_step_near_zero(error: float, passes: bool) -> None:
    # Below 2**-14 float16 steps by 2**-24 (about 6e-8): a tiny value may become zero.
    want = np.array([[error, 0.0]], dtype=np.float32)
    got = np.zeros_like(want)
    if passes:
        within_codec(got, want, [Codec.FLOAT16], "x")
    else:
        with pytest.raises(CheckFailed):
            within_codec(got, want, [Codec.FLOAT16], "x")


def test_without_precision_reduction_a_small_tensor_is_held_to_its_own_scale() -> None:
    small = np.array([[0.01, -0.005]], dtype=np.float32)
    within_codec(_off_by(0.5 * LOSSLESS_TOLERANCE, small), small, [Codec.ZSTD], "x")
    with pytest.raises(CheckFailed):
        within_codec(_off_by(50 * LOSSLESS_TOLERANCE, small), small, [Codec.ZSTD], "x")


def test_the_failure_names_the_worst_excess_over_the_allowance() -> None:
    want = np.array([1e5, 0.0])
    # allowed 1e5 * 1e-5 = 1 everywhere; the first element is 3 off: 2 over.
    with pytest.raises(CheckFailed, match=r"\(worst excess 2\)$"):
        within_codec(np.array([1e5 + 3.0, 0.0]), want, [], "x")
