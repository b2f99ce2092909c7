"""An on-disk cache for what the engine builds deterministically at first use.

Training the embedded digits classifier and measuring its split configurations take about
ten seconds, and every new process needs them: a harness started per case, a suite worker,
each CLI call. The results depend only on the engine's own sources and the numeric libraries
that computed them, so they are kept on disk, under a key that hashes exactly those:

* the entry's name;
* every ``.py`` file of the layers the engine is built from (``engine``, ``flows``,
  ``models``, ``errors``), by path and content: any edit builds afresh;
* the versions of Python, numpy, onnx, onnxruntime and scikit-learn, and the machine's
  architecture (floating-point results may differ across them).

Entries are ``.npz`` files of plain arrays, read with ``allow_pickle=False`` (loading one runs
no code), written to a temporary file and renamed into place (concurrent processes never see
half an entry). An entry that cannot be read or decoded is rebuilt and replaced; a folder that
cannot be written is skipped: the cache can only ever save time.

``TS26927_CACHE_DIR`` chooses the folder (default: the user's cache folder, from
platformdirs); ``TS26927_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import platform
import sys
import tempfile
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TypeVar

import numpy as np

T = TypeVar("T")

CACHE_DIR_VARIABLE = "TS26927_CACHE_DIR"
NO_CACHE_VARIABLE = "TS26927_NO_CACHE"

_PACKAGE = Path(__file__).resolve().parents[2]  # the ts26927 package folder
_HASHED_LAYERS = ("engine", "flows", "models", "errors")
_LIBRARIES = ("numpy", "onnx", "onnxruntime", "scikit-learn")
_KEY_ARRAY = "__cache_key__"


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is off."""
    if os.environ.get(NO_CACHE_VARIABLE, "") not in ("", "0"):
        return None
    chosen = os.environ.get(CACHE_DIR_VARIABLE)
    if chosen:
        return Path(chosen)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ts26927", appauthor=False))


def environment_digest(package: Path = _PACKAGE) -> str:
    """What every key hashes: the engine's layers' sources under ``package``, the libraries'
    versions, Python's and the architecture."""
    digest = hashlib.sha256()
    for layer in _HASHED_LAYERS:
        for path in sorted((package / layer).rglob("*.py")):
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    versions = [sys.version, platform.machine()]
    versions += [f"{name} {importlib.metadata.version(name)}" for name in _LIBRARIES]
    digest.update("\0".join(versions).encode())
    return digest.hexdigest()


@cache
def _present_digest() -> str:
    return environment_digest()  # once per process: the sources do not change under it


def cache_key(name: str) -> str:
    """The key of entry ``name`` under the present sources and libraries."""
    return hashlib.sha256(f"{name}\0{_present_digest()}".encode()).hexdigest()


def cached(
    name: str,
    build: Callable[[], T],
    encode: Callable[[T], Mapping[str, np.ndarray]],
    decode: Callable[[Mapping[str, np.ndarray]], T],
) -> T:
    """``build()``, or what an earlier process built and stored under the same key.

    ``encode`` turns the value into named arrays and ``decode`` turns them back; a stored
    entry that ``decode`` cannot read (damaged, truncated, of another layout) is rebuilt."""
    folder = cache_dir()
    if folder is None:
        return build()
    key = cache_key(name)
    path = folder / f"{name}-{key[:32]}.npz"
    with contextlib.suppress(Exception):  # any failure to read means: build it again
        with np.load(path, allow_pickle=False) as stored:
            arrays = {k: stored[k] for k in stored.files}
        if str(arrays.pop(_KEY_ARRAY)) == key:
            return decode(arrays)
    value = build()
    _store(folder, path, {**encode(value), _KEY_ARRAY: np.array(key)})
    return value


def _store(folder: Path, path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """Write the entry atomically; an unwritable folder leaves the cache without it."""
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.stem}-", suffix=".npz")
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, **arrays)  # type: ignore[arg-type]
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
