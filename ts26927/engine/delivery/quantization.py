"""Bit-incremental coding of float32 weights: integer levels that add bits, then exact bits.

Theory of operation. Each tensor gets one step ``s`` (a float32) on the grid of the *top*
integer depth ``B`` (e.g. 16 bits); its weights become codes ``q_B = round(w / s)``, bounded
so that every lower depth ``b`` fits ``b`` signed bits. The code at depth ``b`` is ``q_B``
rounded to the coarser grid, ``q_b = floor((q_B + 2^(k-1)) / 2^k)`` with ``k = B - b``, so
going up one level *adds bits*: ``q_b' = q_b * 2^(b'-b) + r`` with a residual ``r`` of
``b' - b`` bits. Every level is reconstructed the same way, ``float32(q_b * 2^k) * s``: one
IEEE-754 multiplication of exactly representable operands, so encoder and decoders compute
identical bits (round to nearest even, subnormals kept — no flush-to-zero).

The exact level carries, per weight, the distance between the original float32 and the top
integer level's reconstruction, counted in representable float32 values (the difference of
*ordered keys*, integers that sort like the floats), modulo 2^32 and zigzag-mapped so that a
small distance has zero high bytes. Adding it back yields the original bit pattern for every
float32 — ±0, subnormals, infinities and NaNs with any payload included.

Non-finite weights take no part in choosing the step; every integer level carries them
exactly as *exceptions* (index and bits), so e.g. a ``-inf`` attention mask stays a mask at
the lowest precision.
"""

from __future__ import annotations

import math

import numpy as np

_SIGN = np.uint32(0x80000000)
#: The smallest positive float32 (a subnormal): the finest step there can be.
_TINY = np.float32(np.finfo(np.float32).smallest_subnormal)


def max_code(base_depth: int, depth: int) -> int:
    """Largest code magnitude at ``depth`` when the chain starts at ``base_depth``."""
    return (2 ** (base_depth - 1) - 1) * 2 ** (depth - base_depth)


def tensor_step(
    weights: np.ndarray, base_depth: int, top_depth: int, base_sqnr_db: float | None
) -> np.float32:
    """The float32 step of one tensor on the ``top_depth`` grid.

    The base level's step is the larger of ``max|w| / (2^(b0-1) - 1)`` (the range of the
    base codes) and, with ``base_sqnr_db``, the step whose uniform rounding noise stays
    that far below the tensor's power: tensors whose values are evenly spread need no more.
    """
    finite = weights[np.isfinite(weights)].astype(np.float64)
    largest = float(np.max(np.abs(finite))) if finite.size else 0.0
    if largest == 0.0:
        return np.float32(1.0)  # all zeros (or non-finite): any step codes them as 0
    base = largest / (2 ** (base_depth - 1) - 1)
    if base_sqnr_db is not None:
        rms = math.sqrt(float(np.mean(np.square(finite))))
        base = max(base, rms * math.sqrt(12.0) * 10.0 ** (-base_sqnr_db / 20.0))
    step = np.float32(base / 2 ** (top_depth - base_depth))
    if step <= 0:
        return _TINY
    # Near the float32 maximum, the largest code times the step could overflow: then take
    # the largest step that cannot (a finer grid, never a coarser one).
    limit = np.float32(max_code(base_depth, top_depth))
    with np.errstate(over="ignore"):
        if not np.isfinite(step * limit):
            step = np.float32(float(np.finfo(np.float32).max) / float(limit))
            while not np.isfinite(step * limit):  # at most an ulp or two
                step = np.nextafter(step, np.float32(0))
    return step


def top_codes(weights: np.ndarray, step: np.float32, limit: int) -> np.ndarray:
    """``round(w / step)`` clipped to ``±limit`` as int32; non-finite weights get 0.

    Computed in float32: a code off by one at a tie only moves precision between levels,
    never exactness (the exact level is relative to what the codes reconstruct).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = np.multiply(weights, np.float32(1.0 / float(step)), dtype=np.float32)
    np.rint(scaled, out=scaled)
    scaled[~np.isfinite(scaled)] = 0.0
    np.clip(scaled, -limit, limit, out=scaled)
    return scaled.astype(np.int32)


def lower(codes: np.ndarray, shift: int) -> np.ndarray:
    """Codes rounded to a grid ``2^shift`` times coarser (round half up)."""
    if shift == 0:
        return codes.copy()
    out = codes + np.int32(1 << (shift - 1))
    out >>= shift
    return out


def residual(fine: np.ndarray, coarse: np.ndarray, shift: int) -> np.ndarray:
    """The ``shift`` low bits that turn ``coarse`` codes into ``fine`` ones (int32)."""
    out = coarse << shift
    np.subtract(fine, out, out=out)
    return out


def raise_codes(coarse: np.ndarray, added: np.ndarray, shift: int) -> np.ndarray:
    """Inverse of :func:`residual`: the finer codes."""
    return (coarse.astype(np.int32) << shift) + added.astype(np.int32)


def reconstruct(codes: np.ndarray, shift: int, steps: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Float32 weights of codes at a depth ``shift`` bits below the top, tensor by tensor.

    ``bounds`` holds the start of each tensor in the flat arrays and the total at the end.
    """
    out = np.empty(codes.shape, np.float32)
    scale = np.int32(1 << shift)
    for index, step in enumerate(steps):
        start, stop = int(bounds[index]), int(bounds[index + 1])
        top = (codes[start:stop] * scale).astype(np.float32)
        np.multiply(top, np.float32(step), out=out[start:stop])
    return out


def non_finite(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices (uint32) and bit patterns (uint32) of the non-finite weights."""
    where = np.flatnonzero(~np.isfinite(weights)).astype(np.uint32)
    return where, weights.view(np.uint32)[where]


def restore_exceptions(values: np.ndarray, indices: np.ndarray, bits: np.ndarray) -> None:
    """Put the non-finite weights back (in place)."""
    values.view(np.uint32)[indices] = bits


def ordered_key(values: np.ndarray) -> np.ndarray:
    """Unsigned integers that sort like the float32 values: negative values have all bits
    flipped, the others only the sign bit."""
    bits = values.view(np.uint32)
    mask = (bits.view(np.int32) >> 31).view(np.uint32)
    mask |= _SIGN
    mask ^= bits
    return mask


def from_ordered_key(keys: np.ndarray) -> np.ndarray:
    """Inverse of :func:`ordered_key`."""
    mask = ((~keys).view(np.int32) >> 31).view(np.uint32)
    mask |= _SIGN
    mask ^= keys
    return mask.view(np.float32)


def exact_residual(weights: np.ndarray, approximation: np.ndarray) -> np.ndarray:
    """Zigzag-mapped key distance (uint32) from ``approximation`` to ``weights``."""
    distance = ordered_key(weights)
    distance -= ordered_key(approximation)  # wraps modulo 2^32
    sign = (distance.view(np.int32) >> 31).view(np.uint32)
    distance <<= np.uint32(1)
    distance ^= sign
    return distance


def apply_exact(approximation: np.ndarray, zigzag: np.ndarray) -> np.ndarray:
    """Inverse of :func:`exact_residual`: the original float32 weights."""
    distance = zigzag >> np.uint32(1)
    sign = zigzag & np.uint32(1)
    np.negative(sign.view(np.int32), out=sign.view(np.int32))  # 0 or all ones
    distance ^= sign
    del sign
    keys = ordered_key(approximation)
    keys += distance  # wraps modulo 2^32
    return from_ordered_key(keys)


def to_planes(values: np.ndarray) -> list[np.ndarray]:
    """The little-endian byte planes of uint32 (4 planes) or int16 (2 planes) values."""
    width = values.dtype.itemsize
    as_bytes = values.astype(values.dtype.newbyteorder("<"), copy=False).view(np.uint8)
    grid = as_bytes.reshape(-1, width)
    return [np.ascontiguousarray(grid[:, plane]) for plane in range(width)]


def from_planes(planes: list[np.ndarray], dtype: np.dtype) -> np.ndarray:
    """Inverse of :func:`to_planes`, in native byte order."""
    little = np.dtype(dtype).newbyteorder("<")
    grid = np.empty((planes[0].size, len(planes)), np.uint8)
    for index, plane in enumerate(planes):
        grid[:, index] = plane
    return grid.reshape(-1).view(little).astype(np.dtype(dtype), copy=False)


def sqnr_db(
    reference: np.ndarray, approximation: np.ndarray, power: float | None = None
) -> float | None:
    """Signal-to-quantization-noise ratio in dB over the finite weights; None when they are
    reproduced exactly (the ratio is infinite). ``power``: the reference's, if known."""
    finite = np.isfinite(reference)
    if not finite.all():
        reference, approximation = reference[finite], approximation[finite]
    with np.errstate(over="ignore", invalid="ignore"):
        noise = np.subtract(reference, approximation, dtype=np.float32)
    error = _sum_of_squares(noise)
    if error == 0.0:
        return None
    # A non-zero error implies a non-zero weight: zeros are always coded exactly.
    signal = _sum_of_squares(reference) if power is None else power
    return 10.0 * math.log10(signal / error)


def signal_power(weights: np.ndarray) -> float:
    """Sum of the squares of the finite weights."""
    finite = np.isfinite(weights)
    return _sum_of_squares(weights if finite.all() else weights[finite])


def _sum_of_squares(values: np.ndarray, block: int = 1 << 16) -> float:
    # float64 over cache-sized blocks: no full-size float64 copy of the weights.
    total = 0.0
    for start in range(0, values.size, block):
        part = values[start : start + block].astype(np.float64)
        total += float(np.dot(part, part))
    return total
