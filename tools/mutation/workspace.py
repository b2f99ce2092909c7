"""Temporary copies of the repository, where mutants are applied and their tests run.

The working tree is never edited: a crash or an interrupt can only leave a mutant behind in a
temporary folder, which is removed on exit.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .ast_mutator import Mutant, apply

CACHE_DIR_VARIABLE = "TS26927_CACHE_DIR"
# mutmut switches mutants inside one copy of the sources (MUTANT_UNDER_TEST), which the build
# cache's key cannot see: its runs go without the cache.
NO_CACHE = {"TS26927_NO_CACHE": "1"}

ROOT = Path(__file__).resolve().parents[2]
# What a copy needs when git cannot list the files (an unpacked archive, say).
_FALLBACK = ("ts26927", "tests", "docs", "pyproject.toml")


def project_files(root: Path = ROOT) -> list[str]:
    """The files of the working tree: tracked or new, not ignored (uncommitted edits count)."""
    try:
        listing = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        listing = "\0".join(
            str(p.relative_to(root))
            for top in _FALLBACK
            for p in ([root / top] if (root / top).is_file() else (root / top).rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts
        )
    return sorted(name for name in listing.split("\0") if name and (root / name).is_file())


# Process groups of the commands running now, so an interrupt can end them all (they run in
# sessions of their own: a timeout must be able to kill a command and everything it started).
_RUNNING: set[int] = set()
_LOCK = threading.Lock()


def kill_all() -> None:
    """End every command still running (after an interrupt, from the main thread)."""
    with _LOCK:
        groups = list(_RUNNING)
    for group in groups:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)


@dataclass(frozen=True)
class Outcome:
    """How a command ended in a workspace."""

    returncode: int
    timed_out: bool
    seconds: float
    output: str  # stdout
    errors: str  # stderr

    @property
    def text(self) -> str:
        return self.output + self.errors


class Workspace:
    """A temporary copy of the project; ``apply`` and ``restore`` touch only the copy."""

    def __init__(
        self, root: Path = ROOT, files: Sequence[str] | None = None, cache: Path | None = None
    ) -> None:
        self.files = list(project_files(root) if files is None else files)
        self.path = Path(tempfile.mkdtemp(prefix="ts26927-mutation-"))
        # The engine's build cache (engine/embedded/build_cache.py), shared by a snapshot's
        # clones: its key hashes the engine's sources, so a mutant of them builds afresh, and
        # a mutant elsewhere (a check) reads what the clean run built instead of re-training.
        self.cache = cache or self.path / ".build-cache"
        # The sources as copied: mutants are found in and applied to this snapshot, even if
        # the working tree changes meanwhile.
        self._pristine: dict[str, str] = {}
        for name in self.files:
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, target)

    def clone(self) -> Workspace:
        """Another copy of this snapshot (one per parallel worker)."""
        return Workspace(self.path, self.files, self.cache)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    def cleanup(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def original(self, relative: str) -> str:
        if relative not in self._pristine:
            self._pristine[relative] = (self.path / relative).read_text(encoding="utf-8")
        return self._pristine[relative]

    def apply(self, mutant: Mutant) -> None:
        """Write the mutant into the copy of its file."""
        self._write(mutant.path, apply(self.original(mutant.path), mutant))

    def restore(self, relative: str) -> None:
        self._write(relative, self.original(relative))

    def _write(self, relative: str, text: str) -> None:
        target = self.path / relative
        target.write_text(text, encoding="utf-8")
        # A same-size edit within the same second could otherwise be served from a stale .pyc.
        Path(importlib.util.cache_from_source(str(target))).unlink(missing_ok=True)

    def environment(
        self, extra: dict[str, str] | None = None, *, python_path: Path | None = None
    ) -> dict[str, str]:
        """The environment for commands in the copy: its package shadows the installed one."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(python_path or self.path), *filter(None, [env.get("PYTHONPATH")])]
        )
        env[CACHE_DIR_VARIABLE] = str(self.cache)
        env.update(extra or {})
        return env

    def run(
        self,
        command: Sequence[str],
        *,
        timeout: float | None,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> Outcome:
        """Run ``command``; on timeout the whole process group is killed."""
        start = time.monotonic()
        process = subprocess.Popen(
            list(command),
            cwd=cwd or self.path,
            env=env or self.environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        with _LOCK:
            _RUNNING.add(process.pid)
        try:
            output, errors = process.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, errors = process.communicate()
            timed_out = True
        except BaseException:  # an interrupt: the group is in a session of its own
            os.killpg(process.pid, signal.SIGKILL)
            raise
        finally:
            with _LOCK:
                _RUNNING.discard(process.pid)
        return Outcome(
            process.returncode,
            timed_out,
            time.monotonic() - start,
            output.decode(errors="replace"),
            errors.decode(errors="replace"),
        )

    def pytest(
        self, tests: Sequence[str], *, timeout: float | None, env: dict[str, str] | None = None
    ) -> Outcome:
        """The tests (paths or node ids), stopping at the first failure; ``env`` adds to the
        environment (for the plugins: see pytest_order.py and pytest_reach.py)."""
        command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
        command += ["-p", "tools.mutation.pytest_order", "-p", "tools.mutation.pytest_reach"]
        command += list(tests)
        return self.run(command, timeout=timeout, env=self.environment(env))

    def selftest(
        self,
        *,
        timeout: float | None,
        cases: Path | None = None,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> Outcome:
        """``ts26927 conformance selftest --json`` with the copy's package (on ``cases``, a
        folder of case files, when given)."""
        command = [
            sys.executable,
            "-c",
            "import sys; from ts26927.cli import main; sys.exit(main(sys.argv[1:]))",
            "conformance",
            "selftest",
            "--json",
            *(["--cases", str(cases)] if cases else []),
        ]
        return self.run(command, timeout=timeout, cwd=cwd, env=env)
