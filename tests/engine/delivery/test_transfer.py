from __future__ import annotations

import hashlib
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ts26927.engine.delivery.link import Faults, Link
from ts26927.engine.delivery.transfer import (
    DeliveryFunction,
    ModelReceiver,
    Progress,
    describe_delivery,
)
from ts26927.engine.onnxtools.limits import ModelLimits
from ts26927.errors import ChunkIntegrityError, IntegrityError, TransferError
from ts26927.models.messages.common import DeliverySessionSetup, ModelDataDelivery

DATA = os.urandom(10_000)


def _described(chunk_size: int = 1000, data: bytes = DATA) -> ModelDataDelivery:
    return describe_delivery(
        data, "m", variant_identifier="m-full", chunk_size=chunk_size, delivery_session_id="d-1"
    )


def test_the_description_carries_whole_and_chunk_digests() -> None:
    description = _described(3000)
    assert description.size == len(DATA)
    assert description.sha256 == hashlib.sha256(DATA).hexdigest()
    assert description.chunks is not None
    assert description.chunks.chunk_sha256[-1] == hashlib.sha256(DATA[9000:]).hexdigest()
    assert len(description.chunks.chunk_sha256) == 4
    assert ModelDataDelivery.from_wire(description.to_wire()) == description


@given(st.lists(st.integers(1, 2500), min_size=1, max_size=40), st.integers(1, 4000))
@settings(max_examples=50)
def test_any_segmentation_yields_the_same_data(cuts: list[int], chunk_size: int) -> None:
    receiver = ModelReceiver(_described(chunk_size))
    offset, index = 0, 0
    while not receiver.complete:
        length = cuts[index % len(cuts)]
        receiver.receive(offset, DATA[offset : offset + length])
        offset, index = receiver.resume_offset, index + 1
    assert receiver.result() == DATA


def test_a_corrupted_chunk_is_dropped_whole_and_the_verified_prefix_kept() -> None:
    receiver = ModelReceiver(_described(1000))
    receiver.receive(0, DATA[:2500])
    damaged = bytearray(DATA[2500:3200])
    damaged[0] ^= 1  # byte 2500, in chunk 2
    with pytest.raises(ChunkIntegrityError) as caught:
        receiver.receive(2500, bytes(damaged))
    assert (caught.value.index, caught.value.offset) == (2, 2000)
    assert receiver.resume_offset == 2000 and receiver.progress.verified_chunks == 2
    receiver.receive(2000, DATA[2000:])
    assert receiver.result() == DATA


def test_segments_out_of_place_are_refused_and_change_nothing() -> None:
    receiver = ModelReceiver(_described())
    receiver.receive(0, DATA[:1500])
    for offset, data, reason in [
        (1400, DATA[1400:1600], "byte 1500 is next"),
        (1600, DATA[1600:1700], "byte 1500 is next"),
        (1500, DATA[1500:] + b"x", "ends at byte 10001"),
    ]:
        with pytest.raises(TransferError, match=reason):
            receiver.receive(offset, data)
        assert receiver.resume_offset == 1500
    with pytest.raises(TransferError, match="1500 of 10000 bytes"):
        receiver.result()
    receiver.receive(1500, DATA[1500:])
    with pytest.raises(TransferError, match="already received"):
        receiver.receive(10_000, b"")


def test_progress_is_reported() -> None:
    seen: list[Progress] = []
    receiver = ModelReceiver(_described(4000), on_progress=seen.append)
    for start in range(0, 10_000, 3000):
        receiver.receive(start, DATA[start : start + 3000])
    assert [p.received for p in seen] == [3000, 6000, 9000, 10_000]
    assert [p.verified_chunks for p in seen] == [0, 1, 2, 3]
    assert seen[-1].fraction == 1.0 and seen[0].fraction == 0.3


def test_descriptions_that_do_not_hold_together_are_refused() -> None:
    good = _described(1000)
    assert good.chunks is not None
    few = good.model_copy(
        update={
            "chunks": good.chunks.model_copy(update={"chunk_sha256": good.chunks.chunk_sha256[:-1]})
        }
    )
    with pytest.raises(TransferError, match="9 chunk digests for 10000 bytes"):
        ModelReceiver(few)
    with pytest.raises(TransferError, match="no data"):
        ModelReceiver(good.model_copy(update={"size": 0}))
    with pytest.raises(TransferError, match="more than the limit of 5000"):
        ModelReceiver(good, limits=ModelLimits(max_model_bytes=5000))
    with pytest.raises(TransferError, match="chunk size"):
        describe_delivery(DATA, "m", chunk_size=0)


def test_the_whole_digest_is_checked_even_when_every_chunk_matches() -> None:
    wrong = _described().model_copy(update={"sha256": "0" * 64})
    receiver = ModelReceiver(wrong)
    receiver.receive(0, DATA)
    with pytest.raises(IntegrityError, match="whole data"):
        receiver.result()


def test_without_chunks_the_whole_data_is_one_chunk() -> None:
    description = _described().model_copy(update={"chunks": None})
    receiver = ModelReceiver(description)
    receiver.receive(0, DATA[:100])
    with pytest.raises(ChunkIntegrityError):
        receiver.receive(100, DATA[100:-1] + b"?")
    assert receiver.resume_offset == 0


def test_the_delivery_function_checks_session_setups() -> None:
    server = DeliveryFunction(DATA, _described())
    setup = DeliverySessionSetup(delivery_session_id="d-1", model_identifier="m")
    assert server.open(setup) == 0
    assert server.open(setup.model_copy(update={"resume_from_offset": 4321})) == 4321
    for change, reason in [
        ({"model_identifier": "x"}, "serves model m, not x"),
        ({"variant_identifier": "m-int8"}, "serves variant m-full"),
        ({"resume_from_offset": 10_001}, "cannot resume from byte 10001"),
    ]:
        with pytest.raises(TransferError, match=reason):
            server.open(setup.model_copy(update=change))
    with pytest.raises(TransferError, match="not the size described"):
        DeliveryFunction(DATA[:-1], _described())
    with pytest.raises(TransferError, match="no data at byte"):
        server.read(10_001, 5)


def test_the_link_resumes_after_interruptions_and_refetches_bad_chunks() -> None:
    description = _described(1000)
    receiver = ModelReceiver(description)
    link = Link(
        segment_size=700,
        bit_rate_bps=8000.0,
        faults=Faults(interrupt_at=(1234, 5000), corrupt_chunks=frozenset({3, 7})),
    )
    opened: list[DeliverySessionSetup] = []
    server = DeliveryFunction(DATA, description)
    original = server.open

    def record(setup: DeliverySessionSetup) -> int:
        opened.append(setup)
        return original(setup)

    server.open = record  # type: ignore[method-assign]
    report = link.fetch(server, receiver, "d-1")
    assert receiver.result() == DATA
    assert report.sessions == 3 and report.interruptions == 2
    assert report.refetched_chunks == [3, 7]
    assert [s.resume_from_offset for s in opened] == [None, 1234, 5000]
    assert [s.delivery_session_id for s in opened] == ["d-1-1", "d-1-2", "d-1-3"]
    assert report.bytes_sent > len(DATA)
    assert report.seconds == pytest.approx(report.bytes_sent / 1000.0)


def test_the_link_gives_up_when_failures_keep_coming() -> None:
    description = _described(1000)
    faults = Faults(interrupt_at=tuple(range(100, 10_000, 100)))
    with pytest.raises(TransferError, match="keeps breaking"):
        Link(faults=faults, max_failures=5).fetch(
            DeliveryFunction(DATA, description), ModelReceiver(description), "d"
        )
    corrupt = Faults(corrupt_chunks=frozenset(range(10)))
    with pytest.raises(TransferError, match="too many bad chunks"):
        Link(segment_size=500, faults=corrupt, max_failures=3).fetch(
            DeliveryFunction(DATA, description), ModelReceiver(description), "d"
        )
    with pytest.raises(ValueError, match="segment_size"):
        Link(segment_size=0)
