"""The arithmetic of traffic figures: sizes, rates, times and volumes, in the TR's units.

Units: sizes in bytes; rates in Mbit/s (1 Mbit = 10**6 bit, decimal as in 3GPP KPI tables)
or kbit/s (10**3 bit); times in ms or s; compute in FLOP and FLOPS (FLOP per second).
Pure functions, no I/O: every other traffic module computes its rates here.
"""

from __future__ import annotations

BITS_PER_BYTE = 8
BITS_PER_KBIT = 1_000
BITS_PER_MBIT = 1_000_000
MS_PER_S = 1_000.0


def bits(size_bytes: float) -> float:
    return size_bytes * BITS_PER_BYTE


def mbps_to_kbps(mbps: float) -> float:
    return mbps * (BITS_PER_MBIT / BITS_PER_KBIT)


def kbps_to_mbps(kbps: float) -> float:
    return kbps * (BITS_PER_KBIT / BITS_PER_MBIT)


def stream_rate_mbps(size_bytes: float, fps: float) -> float:
    """Rate of a stream that sends ``size_bytes`` per frame at ``fps`` frames per second."""
    return bits(size_bytes) * fps / BITS_PER_MBIT


def transfer_ms(size_bytes: float, rate_mbps: float) -> float:
    """Serialisation time of ``size_bytes`` at ``rate_mbps`` (no latency, no overhead)."""
    _positive("rate_mbps", rate_mbps)
    return bits(size_bytes) / (rate_mbps * BITS_PER_MBIT) * MS_PER_S


def delivery_s(size_bytes: float, rate_mbps: float) -> float:
    """Seconds to deliver ``size_bytes`` at ``rate_mbps``."""
    return transfer_ms(size_bytes, rate_mbps) / MS_PER_S


def rate_for_deadline_mbps(size_bytes: float, deadline_s: float) -> float:
    """The rate that delivers ``size_bytes`` in exactly ``deadline_s`` seconds."""
    _positive("deadline_s", deadline_s)
    return bits(size_bytes) / deadline_s / BITS_PER_MBIT


def inference_ms(flop: float, flops: float) -> float:
    """Inference time under the compute model used here: work / speed = FLOP / FLOPS.

    An idealised model (no memory-bound layers, no framework overhead): it scales with the
    work the analysis counts, so it compares split points, not devices.
    """
    _positive("flops", flops)
    return flop / flops * MS_PER_S


def unicast_bytes(size_bytes: float, ues: int) -> float:
    """One copy per UE: ``ues`` separate deliveries."""
    return size_bytes * ues


def shared_bytes(size_bytes: float, ues: int) -> float:
    """One multicast/broadcast delivery reaches every UE (``ues`` >= 1): one copy."""
    if ues < 1:
        raise ValueError(f"ues must be at least 1, not {ues}")
    return float(size_bytes)


def _positive(name: str, value: float) -> None:
    if not value > 0:
        raise ValueError(f"{name} must be positive, not {value}")
