"""How close the IUT's numbers must be to the suite's own.

Where the suite can compute exactly what a correct implementation computes — the whole
model's output, or the second sub-model run on the very unit the test system sent — the
IUT must match it up to float rounding (another runtime may order operations otherwise).
Where the IUT itself applied a lossy codec, its decoded tensors must lie within the
codec's own error of the true ones.
"""

from __future__ import annotations

import numpy as np

from ts26927.models.intermediate_data import CompressionAlgorithm

from .registry import CheckFailed

#: Relative difference allowed where the suite computed the exact expectation.
LOSSLESS_TOLERANCE = 1e-5
#: FLOAT16 keeps 11 significant bits: a relative error of at most 2**-11 (we allow 2**-10).
FLOAT16_RELATIVE = 2.0**-10
#: INT8 keeps 255 levels over the tensor's range: at most a step of max|x|/127 (symmetric,
#: the coarser of the usual schemes), allowed in full.
INT8_STEPS = 127.0


def close(got: np.ndarray, want: np.ndarray, what: str) -> None:
    _same_kind(got, want, what)
    if not want.size:  # nothing to compare (and no largest magnitude to scale by)
        return
    scale = max(float(np.max(np.abs(want))), 1e-12)
    error = float(np.max(np.abs(got - want))) / scale
    if error > LOSSLESS_TOLERANCE:
        raise CheckFailed(f"{what}: relative difference {error:.2e} > {LOSSLESS_TOLERANCE}")


def within_codec(
    got: np.ndarray, want: np.ndarray, algorithms: list[CompressionAlgorithm], what: str
) -> None:
    """``got`` is ``want`` after the chain's precision reduction (or exactly, without)."""
    _same_kind(got, want, what)
    if not want.size:  # nothing to compare
        return
    error = np.abs(got.astype(np.float64) - want.astype(np.float64))
    peak = float(np.max(np.abs(want)))
    if CompressionAlgorithm.INT8 in algorithms:
        allowed = np.full(want.shape, peak / INT8_STEPS * 1.01 + 1e-12)
    elif CompressionAlgorithm.FLOAT16 in algorithms:
        allowed = np.abs(want.astype(np.float64)) * FLOAT16_RELATIVE + 6.1e-5 * 2.0**-10
    else:
        allowed = np.full(want.shape, max(peak, 1e-12) * LOSSLESS_TOLERANCE)
    if np.any(error > allowed):
        worst = float(np.max(error - allowed))
        raise CheckFailed(
            f"{what}: differs from the true values by more than the codec allows "
            f"(worst excess {worst:.3g})"
        )


def _same_kind(got: np.ndarray, want: np.ndarray, what: str) -> None:
    if got.shape != want.shape:
        raise CheckFailed(f"{what}: shape {list(got.shape)}, expected {list(want.shape)}")
    if got.dtype != want.dtype:
        raise CheckFailed(f"{what}: element type {got.dtype}, expected {want.dtype}")
    if not np.all(np.isfinite(got)):
        raise CheckFailed(f"{what}: holds NaN or infinity")
