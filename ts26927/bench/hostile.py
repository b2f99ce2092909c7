"""Hostile documents up to the size cap: each is validated by ``ts26927 validate`` in a
process of its own, and the wall time and peak memory of that process are measured.

Target (per document): refused or accepted within ``TIME_LIMIT_S`` and with a peak resident
memory of at most ``MEMORY_FACTOR`` times the document's size plus ``MEMORY_ALLOWANCE_MB``
— the baseline being the same command on a small valid document, measured in the same run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ts26927.validation import MAX_DOCUMENT_BYTES

TIME_LIMIT_S = 10.0
MEMORY_FACTOR = 10
MEMORY_ALLOWANCE_MB = 150.0

#: Runs the command in this interpreter and prints its own peak resident memory (kB). The
#: peak is the address space's high-water mark (VmHWM), which starts afresh at exec; the
#: rusage maximum would not, as Linux carries it over from the parent that forked the probe.
_PROBE = (
    "import sys\n"
    "from ts26927.cli import main\n"
    "try:\n"
    "    code = main(sys.argv[1:])\n"
    "except SystemExit as stop:\n"
    "    code = stop.code\n"
    "with open('/proc/self/status') as status:\n"
    "    peak = next(line.split()[1] for line in status if line.startswith('VmHWM'))\n"
    "sys.stderr.write(f'\\nPEAK_KB {peak}\\n')\n"
    "raise SystemExit(code)\n"
)


def _repeated(item: bytes, cap: int) -> Callable[[], bytes]:
    """A JSON array of ``item`` repeated to just under ``cap`` bytes (built when asked)."""
    count = (cap - 2 - len(item)) // (len(item) + 1)
    return lambda: b"[" + (item + b",") * count + item + b"]"


def _documents(cap: int) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """name -> (type, maker of the document's bytes), each up to ``cap`` bytes; made one at a
    time so that the bench process itself stays small."""
    wrong_items = {"modelId": "m", "parameters": [{"name": "x"}] * ((2 * 10**6) // 16)}
    return {
        "baseline (a valid document)": ("AiModelInformation", lambda: b'{"modelIdentifier": "m"}'),
        "63 MB of empty objects": ("AiModelInformation", _repeated(b"{}", cap)),
        "63 MB of numbers": ("AiModelInformation", _repeated(b"1", cap)),
        "2 MB of wrong parameter items": (
            "ModelUpdateInformation",
            lambda: json.dumps(wrong_items).encode(),
        ),
        "63 MB of nesting": ("AiModelInformation", lambda: b"[" * (cap - 1)),
        "an overflowing number": (
            "AiModelInformation",
            lambda: b'{"modelIdentifier": "m", "accuracy": 1e400}',
        ),
    }


def _measure(type_name: str, data: bytes, folder: Path) -> dict[str, Any]:
    path = folder / "doc.json"
    path.write_bytes(data)
    begun = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "validate", type_name, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.perf_counter() - begun
    peak = next(
        (int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_KB")),
        0,
    )
    lines = len(done.stdout.splitlines())
    return {
        "bytes": len(data),
        "exitCode": done.returncode,
        "seconds": round(seconds, 3),
        "peakMB": round(peak / 1024, 1),
        "outputLines": lines,
        "traceback": "Traceback" in done.stderr,
    }


def run(progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    cap = MAX_DOCUMENT_BYTES - 1024
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, (type_name, make) in _documents(cap).items():
            if progress:
                progress(name)
            results[name] = _measure(type_name, make(), Path(folder))
    baseline = results["baseline (a valid document)"]["peakMB"]
    targets: dict[str, bool] = {}
    for name, result in results.items():
        allowed = MEMORY_FACTOR * result["bytes"] / 2**20 + MEMORY_ALLOWANCE_MB
        result["peakOverBaselineMB"] = round(result["peakMB"] - baseline, 1)
        targets[f"{name}: within {TIME_LIMIT_S:g} s"] = result["seconds"] <= TIME_LIMIT_S
        targets[f"{name}: peak <= {MEMORY_FACTOR} x size + {MEMORY_ALLOWANCE_MB:g} MB"] = (
            result["peakMB"] <= allowed
        )
        targets[f"{name}: no traceback, exit 0-2"] = not result["traceback"] and result[
            "exitCode"
        ] in (0, 1, 2)
    return {"documents": results, "baselinePeakMB": baseline, "targets": targets}
