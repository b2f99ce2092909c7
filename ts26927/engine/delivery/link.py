"""An in-process link between a delivery function and a receiver, with injected faults.

It moves segments from :class:`~.transfer.DeliveryFunction` to
:class:`~.transfer.ModelReceiver` the way a real client would: it opens a session
(``resumeFromOffset`` after an interruption), reads segments, refetches a chunk that failed
its digest, and gives up with :class:`~ts26927.errors.TransferError` after too many
failures. Faults are deterministic so that tests and demos can break a delivery on
purpose: the link may break at given byte offsets (once each), and alter one byte of given
chunks on their first transmission. Time is simulated from the bit rate; nothing sleeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ts26927.engine.delivery.transfer import DeliveryFunction, ModelReceiver
from ts26927.errors import ChunkIntegrityError, TransferError

DEFAULT_SEGMENT_SIZE = 64 * 1024


@dataclass(frozen=True)
class Faults:
    """What goes wrong on the link."""

    interrupt_at: tuple[int, ...] = ()
    """Byte offsets at which the connection breaks, once each."""
    corrupt_chunks: frozenset[int] = frozenset()
    """Chunks one byte of which is altered on their first transmission."""


@dataclass
class TransferReport:
    """What a delivery took."""

    sessions: int = 0
    interruptions: int = 0
    refetched_chunks: list[int] = field(default_factory=list)
    bytes_sent: int = 0
    seconds: float | None = None
    """Simulated transfer time at the link's bit rate."""


class Link:
    """Carries one delivery; a new one per delivery."""

    def __init__(
        self,
        *,
        segment_size: int = DEFAULT_SEGMENT_SIZE,
        bit_rate_bps: float | None = None,
        faults: Faults | None = None,
        max_failures: int = 16,
    ) -> None:
        if segment_size < 1:
            raise ValueError("segment_size must be at least 1")
        self.segment_size = segment_size
        self.bit_rate_bps = bit_rate_bps
        self.faults = faults or Faults()
        self.max_failures = max_failures
        self._interrupts = sorted(set(self.faults.interrupt_at))
        self._corrupt = set(self.faults.corrupt_chunks)

    def fetch(
        self, server: DeliveryFunction, receiver: ModelReceiver, session_id: str
    ) -> TransferReport:
        """Deliver everything; every (re)established session uses ``session_id`` + a count."""
        report = TransferReport()
        failures = 0
        while not receiver.complete:
            report.sessions += 1
            setup = receiver.resume_setup(f"{session_id}-{report.sessions}")
            offset = server.open(setup)
            broken = False
            while not receiver.complete and not broken:
                data = server.read(offset, self.segment_size)
                data, broken = self._cut(offset, data)
                data = self._damage(offset, data, receiver.chunk_size)
                report.bytes_sent += len(data)
                try:
                    receiver.receive(offset, data)
                except ChunkIntegrityError as error:
                    report.refetched_chunks.append(error.index)
                    failures += 1
                    if failures > self.max_failures:
                        raise TransferError(
                            setup.delivery_session_id, f"too many bad chunks ({error})"
                        ) from None
                offset = receiver.resume_offset
            if broken:
                report.interruptions += 1
                failures += 1
                if failures > self.max_failures:
                    raise TransferError(setup.delivery_session_id, "the link keeps breaking")
        if self.bit_rate_bps:
            report.seconds = 8.0 * report.bytes_sent / self.bit_rate_bps
        return report

    def _cut(self, offset: int, data: bytes) -> tuple[bytes, bool]:
        for point in self._interrupts:
            if offset < point <= offset + len(data):
                self._interrupts.remove(point)
                return data[: point - offset], True
        return data, False

    def _damage(self, offset: int, data: bytes, chunk_size: int) -> bytes:
        if not data:
            return data
        first, last = offset // chunk_size, (offset + len(data) - 1) // chunk_size
        for chunk in range(first, last + 1):
            if chunk in self._corrupt:
                self._corrupt.discard(chunk)
                position = max(chunk * chunk_size, offset) - offset
                damaged = bytearray(data)
                damaged[position] ^= 0xFF
                data = bytes(damaged)
        return data
