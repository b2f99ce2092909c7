"""The build cache: built once, read back exactly, rebuilt when damaged, never in the way."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

from ts26927.engine.embedded import build_cache
from ts26927.engine.embedded.build_cache import cache_key, cached, environment_digest
from ts26927.engine.embedded.digits import _decode, _encode, digits_classifier
from ts26927.engine.split.service import _decode_measured, _encode_measured, digits_service


class Builder:
    """Counts its builds; the value is an array and a number."""

    def __init__(self) -> None:
        self.builds = 0

    def build(self) -> tuple[np.ndarray, float]:
        self.builds += 1
        return np.arange(6, dtype=np.float32).reshape(2, 3), 97.5

    @staticmethod
    def encode(value: tuple[np.ndarray, float]) -> dict[str, np.ndarray]:
        return {"tensor": value[0], "score": np.array(value[1])}

    @staticmethod
    def decode(arrays: Mapping[str, np.ndarray]) -> tuple[np.ndarray, float]:
        return arrays["tensor"], float(arrays["score"])

    def get(self, name: str = "entry") -> tuple[np.ndarray, float]:
        return cached(name, self.build, self.encode, self.decode)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TS26927_NO_CACHE", raising=False)
    monkeypatch.setenv("TS26927_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.npz"))


def test_built_once_then_read_back_exactly(folder: Path) -> None:
    builder = Builder()
    first = builder.get()
    second = Builder().get()  # another "process": nothing in memory
    assert builder.builds == 1
    assert second[0].dtype == np.float32 and np.array_equal(second[0], first[0])
    assert second[1] == 97.5
    [entry] = entries(folder)
    assert entry.name.startswith("entry-") and not list(folder.glob(".*"))  # no temporary left


def test_names_are_separate_entries(folder: Path) -> None:
    builder = Builder()
    builder.get("one"), builder.get("two"), builder.get("one")
    assert builder.builds == 2 and len(entries(folder)) == 2
    assert cache_key("one") != cache_key("two")


def test_turned_off_it_builds_every_time_and_writes_nothing(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TS26927_NO_CACHE", "1")
    builder = Builder()
    builder.get(), builder.get()
    assert builder.builds == 2 and not folder.exists()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(b"not a zip"), id="garbage"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:100]), id="truncated"),
        pytest.param(lambda p: p.write_bytes(b""), id="empty"),
        # A flipped byte in the stored array: the zip's CRC no longer matches.
        pytest.param(
            lambda p: p.write_bytes(
                (lambda b: b[:-200] + bytes([b[-200] ^ 0xFF]) + b[-199:])(p.read_bytes())
            ),
            id="flipped-byte",
        ),
    ],
)
def test_a_damaged_entry_is_rebuilt_and_replaced(folder: Path, damage) -> None:
    Builder().get()
    [entry] = entries(folder)
    damage(entry)
    builder = Builder()
    value = builder.get()
    assert builder.builds == 1 and value[1] == 97.5
    again = Builder()
    again.get()
    assert again.builds == 0  # the replacement reads back


def test_an_entry_of_another_layout_is_rebuilt(folder: Path) -> None:
    Builder().get()
    [entry] = entries(folder)
    key = np.load(entry)["__cache_key__"]
    np.savez(entry, other=np.zeros(3), __cache_key__=key)  # decode finds no "tensor"
    builder = Builder()
    assert builder.get()[1] == 97.5 and builder.builds == 1


def test_an_entry_under_another_key_is_not_used(folder: Path) -> None:
    Builder().get()
    [entry] = entries(folder)
    np.savez(entry, tensor=np.zeros((2, 3)), score=np.array(1.0), __cache_key__=np.array("x"))
    builder = Builder()
    assert builder.get()[1] == 97.5 and builder.builds == 1


def test_pickled_objects_are_never_loaded(folder: Path) -> None:
    Builder().get()
    [entry] = entries(folder)
    key = np.load(entry)["__cache_key__"]
    hostile = np.array([object()], dtype=object)
    np.savez(entry, tensor=hostile, score=np.array(1.0), __cache_key__=key)
    builder = Builder()
    value = builder.get()
    assert builder.builds == 1 and value[0].dtype == np.float32


def test_an_unwritable_folder_only_costs_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.delenv("TS26927_NO_CACHE", raising=False)
    monkeypatch.setenv("TS26927_CACHE_DIR", str(blocker / "cache"))
    builder = Builder()
    assert builder.get()[1] == 97.5 and builder.get()[1] == 97.5
    assert builder.builds == 2


def test_the_default_folder_is_the_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_cache_dir

    monkeypatch.delenv("TS26927_NO_CACHE", raising=False)
    monkeypatch.delenv("TS26927_CACHE_DIR", raising=False)
    assert build_cache.cache_dir() == Path(user_cache_dir("ts26927", appauthor=False))
    monkeypatch.setenv("TS26927_NO_CACHE", "0")  # "0" is not "off"
    assert build_cache.cache_dir() is not None


def test_the_key_follows_every_engine_source_and_nothing_else(tmp_path: Path) -> None:
    package = tmp_path / "ts26927"
    for layer in ("engine/split", "flows", "models", "errors", "conformance"):
        (package / layer).mkdir(parents=True)
        (package / layer / "a.py").write_text("x = 1\n")
    before = environment_digest(package)
    (package / "conformance" / "a.py").write_text("x = 2\n")  # above the engine: not hashed
    assert environment_digest(package) == before
    (package / "engine" / "split" / "a.py").write_text("x = 2\n")
    edited = environment_digest(package)
    assert edited != before
    shutil.move(package / "engine" / "split" / "a.py", package / "engine" / "split" / "b.py")
    assert environment_digest(package) not in (before, edited)  # a rename counts too


def test_the_classifier_and_its_measurements_round_trip_exactly() -> None:
    classifier = digits_classifier()
    back = _decode(_encode(classifier))
    assert back.model.SerializeToString() == classifier.model.SerializeToString()
    assert back.test_inputs.dtype == classifier.test_inputs.dtype
    assert np.array_equal(back.test_inputs, classifier.test_inputs)
    assert back.test_labels.dtype == np.int64
    assert np.array_equal(back.test_labels, classifier.test_labels)
    assert back.accuracy == classifier.accuracy
    measured = digits_service().measurements
    assert _decode_measured(_encode_measured(measured)) == measured


def test_a_measurement_without_labels_round_trips() -> None:
    from ts26927.engine.split.selection import Measurement

    measured = {("3", "NONE"): Measurement(accuracy=None, unit_bytes=120.0)}
    assert _decode_measured(_encode_measured(measured)) == measured
