"""A model delivery session: chunked transfer with per-chunk and whole-data integrity.

Theory of operation. The AI Model Delivery Function describes the data it serves in a
:class:`~ts26927.models.messages.common.ModelDataDelivery`: size, SHA-256 of the whole,
and the SHA-256 of each chunk. The AI Model Access Function's :class:`ModelReceiver` takes
segments of any length, each starting exactly where the received data ends (its
:attr:`~ModelReceiver.resume_offset`). Whenever a chunk is complete its digest is checked:
a good chunk joins the verified prefix, which nothing ever changes again; a bad one is
dropped whole — which of its segments was corrupt cannot be known — and the receiver goes
back to that chunk's start, from where it is fetched again. After an interruption, a new
session resumes from :attr:`~ModelReceiver.resume_offset` (``resumeFromOffset``), which may
lie inside a chunk. :meth:`ModelReceiver.result` hands out the data only when all of it
arrived and the whole digest matches. No I/O here: :mod:`.link` moves the bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from ts26927.engine.onnxtools.limits import ModelLimits
from ts26927.errors import ChunkIntegrityError, IntegrityError, TransferError
from ts26927.models.messages.common import (
    ChunkInformation,
    DeliverySessionSetup,
    ModelDataDelivery,
    ModelSubset,
)

#: 1 MiB: small enough to refetch cheaply, large enough that digests are a tiny overhead.
DEFAULT_CHUNK_SIZE = 1 << 20


@dataclass(frozen=True)
class Progress:
    """How far a delivery got."""

    received: int
    total: int
    verified_chunks: int
    chunks: int

    @property
    def fraction(self) -> float:
        return self.received / self.total if self.total else 1.0


def describe_delivery(
    data: bytes,
    model_identifier: str,
    *,
    variant_identifier: str | None = None,
    subset: ModelSubset = ModelSubset.WHOLE,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    delivery_session_id: str | None = None,
) -> ModelDataDelivery:
    """The description of ``data`` that a receiver verifies it against."""
    if chunk_size < 1:
        raise TransferError(delivery_session_id or model_identifier, "chunk size must be >= 1")
    digests = [
        hashlib.sha256(data[start : start + chunk_size]).hexdigest()
        for start in range(0, len(data), chunk_size)
    ]
    return ModelDataDelivery(
        model_identifier=model_identifier,
        subset=subset,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        variant_identifier=variant_identifier,
        delivery_session_id=delivery_session_id,
        chunks=ChunkInformation(chunk_size=chunk_size, chunk_sha256=digests) if digests else None,
    )


class DeliveryFunction:
    """The network side of one delivery session: serves the bytes it described."""

    def __init__(self, data: bytes, description: ModelDataDelivery) -> None:
        if len(data) != description.size:
            raise TransferError(_name(description), "the data is not the size described")
        self.data = data
        self.description = description

    def open(self, setup: DeliverySessionSetup) -> int:
        """Accept a session setup (step 4/5); returns the offset the data is served from."""
        mine = self.description
        name = setup.delivery_session_id
        if setup.model_identifier != mine.model_identifier:
            raise TransferError(
                name, f"serves model {mine.model_identifier}, not {setup.model_identifier}"
            )
        wanted = setup.variant_identifier
        if wanted is not None and wanted != mine.variant_identifier:
            raise TransferError(name, f"serves variant {mine.variant_identifier}, not {wanted}")
        offset = setup.resume_from_offset or 0
        if offset > mine.size:
            raise TransferError(name, f"cannot resume from byte {offset} of {mine.size}")
        return offset

    def read(self, offset: int, length: int) -> bytes:
        """Up to ``length`` bytes from ``offset``."""
        if not 0 <= offset <= len(self.data) or length < 0:
            raise TransferError(_name(self.description), f"no data at byte {offset}")
        return self.data[offset : offset + length]


class ModelReceiver:
    """The AI Model Access Function's side of a delivery: assembles and verifies."""

    def __init__(
        self,
        description: ModelDataDelivery,
        *,
        limits: ModelLimits | None = None,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> None:
        self.description = description
        self.name = _name(description)
        limit = (limits or ModelLimits()).max_model_bytes
        size = description.size
        if size == 0:
            raise TransferError(self.name, "describes no data")
        if size > limit:
            raise TransferError(self.name, f"{size} bytes is more than the limit of {limit}")
        chunks = description.chunks
        self.chunk_size = chunks.chunk_size if chunks is not None else size
        self.digests = chunks.chunk_sha256 if chunks is not None else [description.sha256]
        expected = -(-size // self.chunk_size)
        if len(self.digests) != expected:
            raise TransferError(
                self.name,
                f"{len(self.digests)} chunk digests for {size} bytes in chunks of "
                f"{self.chunk_size}; {expected} expected",
            )
        self._buffer = bytearray()
        self._verified = 0
        self.on_progress = on_progress

    @property
    def resume_offset(self) -> int:
        """Where the next segment must start (the bytes received so far)."""
        return len(self._buffer)

    @property
    def complete(self) -> bool:
        return self._verified == len(self.digests)

    @property
    def progress(self) -> Progress:
        return Progress(len(self._buffer), self.description.size, self._verified, len(self.digests))

    def resume_setup(self, delivery_session_id: str) -> DeliverySessionSetup:
        """The setup that resumes this delivery in a new session."""
        offset = self.resume_offset
        return DeliverySessionSetup(
            delivery_session_id=delivery_session_id,
            model_identifier=self.description.model_identifier,
            subset=self.description.subset,
            variant_identifier=self.description.variant_identifier,
            resume_from_offset=offset or None,
        )

    def receive(self, offset: int, data: bytes) -> Progress:
        """Take a segment; raises (keeping every verified chunk) if it is refused."""
        size = self.description.size
        if self.complete:
            raise TransferError(self.name, "all data was already received")
        if offset != len(self._buffer):
            raise TransferError(
                self.name, f"segment starts at byte {offset}; byte {len(self._buffer)} is next"
            )
        if offset + len(data) > size:
            raise TransferError(self.name, f"segment ends at byte {offset + len(data)} of {size}")
        view = memoryview(data)
        while view.nbytes:
            index = len(self._buffer) // self.chunk_size
            start = index * self.chunk_size
            end = min(size, start + self.chunk_size)
            take = min(view.nbytes, end - len(self._buffer))
            self._buffer += view[:take]
            view = view[take:]
            if len(self._buffer) == end:
                self._verify(index, start, end)
        progress = self.progress
        if self.on_progress is not None:
            self.on_progress(progress)
        return progress

    def result(self) -> bytes:
        """The data, once complete and its whole digest checked."""
        if not self.complete:
            raise TransferError(
                self.name, f"{len(self._buffer)} of {self.description.size} bytes received"
            )
        data = bytes(self._buffer)
        actual = hashlib.sha256(data).hexdigest()
        if actual != self.description.sha256:
            raise IntegrityError(f"{self.name}, whole data", self.description.sha256, actual)
        return data

    def _verify(self, index: int, start: int, end: int) -> None:
        actual = hashlib.sha256(self._buffer[start:end]).hexdigest()  # a copy: may shrink
        if actual != self.digests[index]:
            del self._buffer[start:]
            raise ChunkIntegrityError(self.name, index, start, self.digests[index], actual)
        self._verified = index + 1


def _name(description: ModelDataDelivery) -> str:
    what = description.variant_identifier or description.model_identifier
    session = description.delivery_session_id
    return f"{session} ({what})" if session else what
