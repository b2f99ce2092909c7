"""``ts26927 bench fl-scale``: many simulated UEs, in-process versus Ray, driver memory.

Each configuration (backend x number of clients) runs ``fl simulate``'s engine on the digits
model in a fresh Python process (``python -m ts26927.bench.fl_scale BACKEND CLIENTS ROUNDS``),
so peak memory is that configuration's own: the driver's peak resident set
(``ru_maxrss``) at the end, beside the same figure right after the imports. Ray's workers
are other processes: only the driver is measured, which is what must not grow with the
number of clients beyond its registry (one :class:`~ts26927.engine.federated.runners.
ClientSpec` and one flow session per client; the sessions keep no messages).

* ``wall_s``: the simulation's wall time (Ray: including starting a local instance);
* ``driver_peak_mb`` / ``driver_start_mb``: peak RSS at the end / after the imports, MB;
* ``memory_per_client_kb``: the growth of the driver's peak from the fewest to the most
  clients, per added client;
* targets: at the most clients the driver's peak is at most twice that at the fewest, per
  backend; both backends give the same global model (its SHA-256) at every size.
"""

from __future__ import annotations

import importlib.util
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

BYTES_PER_MB = 1024 * 1024  # ru_maxrss is in KiB on Linux
CLIENTS = (100, 1000)
ROUNDS = 5
BACKENDS = ("inprocess", "ray")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / BYTES_PER_MB


def measure(backend: str, clients: int, rounds: int) -> dict[str, Any]:
    """One configuration, in this process (called in a fresh one by :func:`run`)."""
    from ts26927.engine.federated.simulation import Backend, SimulationConfig, simulate

    start_mb = _peak_mb()
    started = time.perf_counter()
    report = simulate(
        SimulationConfig(
            clients=clients, rounds=rounds, min_samples=1, backend=Backend(backend), seed=0
        )
    )
    return {
        "wall_s": round(time.perf_counter() - started, 3),
        "driver_start_mb": round(start_mb, 1),
        "driver_peak_mb": round(_peak_mb(), 1),
        "final_accuracy": report.final_accuracy,
        "ineligible": len(report.ineligible),
        "model_sha256": report.model_sha256,
    }


def _in_fresh_process(backend: str, clients: int, rounds: int) -> dict[str, Any]:
    command = [sys.executable, "-m", __name__, backend, str(clients), str(rounds)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{backend} with {clients} clients failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(
    clients: Sequence[int] = CLIENTS,
    rounds: int = ROUNDS,
    backends: Sequence[str] = BACKENDS,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    fewest, most = min(clients), max(clients)
    runs: dict[str, Any] = {}
    for backend in backends:
        if backend == "ray" and importlib.util.find_spec("ray") is None:
            runs[backend] = {"skipped": "Ray is not installed (pip install 'ts26927[distributed]')"}
            progress("ray: skipped, not installed")
            continue
        runs[backend] = {}
        for n in clients:
            progress(f"{backend}: {n} clients, {rounds} rounds")
            runs[backend][str(n)] = _in_fresh_process(backend, n, rounds)
    measured = {b: r for b, r in runs.items() if "skipped" not in r}
    per_client = {
        b: round(
            (r[str(most)]["driver_peak_mb"] - r[str(fewest)]["driver_peak_mb"])
            * 1024
            / max(1, most - fewest),
            2,
        )
        for b, r in measured.items()
    }
    targets = {
        f"{b}_driver_peak_at_{most}_le_2x_at_{fewest}": r[str(most)]["driver_peak_mb"]
        <= 2 * r[str(fewest)]["driver_peak_mb"]
        for b, r in measured.items()
    }
    if len(measured) > 1:
        digests = {n: {r[str(n)]["model_sha256"] for r in measured.values()} for n in clients}
        targets["same_model_on_every_backend"] = all(len(d) == 1 for d in digests.values())
    return {
        "model": "digits MLP 64-32-10 (2410 parameters), IID shares of 1437 training images",
        "clients": list(clients),
        "rounds": rounds,
        "runs": runs,
        "memory_per_client_kb": per_client,
        "ratios": {
            f"{b}_driver_peak_{most}_over_{fewest}": round(
                r[str(most)]["driver_peak_mb"] / r[str(fewest)]["driver_peak_mb"], 3
            )
            for b, r in measured.items()
        },
        "targets": targets,
    }


def _main(argv: list[str]) -> int:
    backend, clients, rounds = argv[0], int(argv[1]), int(argv[2])
    print(json.dumps(measure(backend, clients, rounds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
