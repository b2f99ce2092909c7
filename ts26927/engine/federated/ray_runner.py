"""The UEs' work as Ray tasks (the optional ``distributed`` extra: ``pip install
'ts26927[distributed]'``).

* Data: each UE's shard is put in the object store once, when the runner starts; a task
  gets its shard by reference, so no round ships data again.
* Model: the broadcast model is put once per round and shared by every task of the round.
* Reports: tasks run side by side; the driver takes their results in the order of the
  devices asked (:mod:`.runners`), one at a time, so finished results wait in the object
  store, not in driver memory, and the server folds updates in a fixed order.
* Faults: a task whose worker dies (``ray.exceptions.WorkerCrashedError``, and the other
  errors Ray raises for a lost worker or node) gives the UE's failure report
  (:func:`.runners.worker_failure`); tasks are not retried, as a UE that dropped out does
  not train the same round again. Tasks not finished by the round's wall-clock timeout
  are cancelled and their UEs dropped (None: the server records the deadline).

A local Ray instance is started unless ``address`` names a cluster (``ray://host:10001`` or
``auto``); a runner that started Ray shuts it down on :meth:`RayRunner.close`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from typing import Any

from ts26927.errors import MissingExtraError
from ts26927.models.federated.model_update import ModelUpdateInformation
from ts26927.models.messages.federated import (
    EvaluationReport,
    EvaluationRequest,
    TrainingReport,
    TrainingRequest,
)

from . import runners
from .client import Behaviour
from .data import Dataset
from .runners import ClientSpec


def _ray() -> Any:
    try:
        import ray
    except ImportError as error:
        raise MissingExtraError("distributed", "ray", "the Ray backend") from error
    return ray


def _train_task(
    spec: ClientSpec, shard: Dataset, model: ModelUpdateInformation, request: TrainingRequest
) -> TrainingReport | None:
    if spec.behaviour is Behaviour.CRASHING:
        os._exit(1)  # the worker process dies mid-round, as a real one can
    return runners.train(spec, shard, model, request)


class RayRunner:
    """Every UE's work as a Ray task; see the module docstring."""

    def __init__(
        self,
        clients: Sequence[ClientSpec],
        shards: Sequence[Dataset],
        *,
        address: str | None = None,
        num_cpus: int | None = None,
    ) -> None:
        ray = self._ray = _ray()
        self._started = not ray.is_initialized()
        if self._started:
            ray.init(
                address=address,
                num_cpus=None if address else num_cpus,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
            )
        self.clients = {c.device: c for c in clients}
        self.shards = {c.device: ray.put(s) for c, s in zip(clients, shards, strict=True)}
        self._train = ray.remote(max_retries=0)(_train_task)
        self._evaluate = ray.remote(max_retries=0)(runners.evaluate)

    def train(
        self,
        devices: Sequence[str],
        model: ModelUpdateInformation,
        request: TrainingRequest,
        round_timeout_s: float | None,
    ) -> Iterator[tuple[str, TrainingReport | None]]:
        ray = self._ray
        model_ref = ray.put(model)
        refs = [
            self._train.remote(self.clients[d], self.shards[d], model_ref, request) for d in devices
        ]
        deadline = None if round_timeout_s is None else time.monotonic() + round_timeout_s
        for index, (device, ref) in enumerate(zip(devices, refs, strict=True)):
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _ = ray.wait([ref], timeout=remaining)
            if not ready:
                ray.cancel(ref, force=True)
                yield device, None
                continue
            try:
                report = ray.get(ref)
            except _lost_worker_errors(ray) as error:
                report = runners.worker_failure(request, error)
            refs[index] = None  # the driver keeps no finished result
            yield device, report

    def evaluate(
        self, devices: Sequence[str], model: ModelUpdateInformation, request: EvaluationRequest
    ) -> Iterator[tuple[str, EvaluationReport]]:
        ray = self._ray
        model_ref = ray.put(model)
        refs = [
            self._evaluate.remote(self.clients[d], self.shards[d], model_ref, request)
            for d in devices
        ]
        for device, ref in zip(devices, refs, strict=True):
            yield device, ray.get(ref)

    def close(self) -> None:
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()


def _lost_worker_errors(ray: Any) -> tuple[type[BaseException], ...]:
    """The errors Ray raises when the process or node running a task is gone."""
    exceptions = ray.exceptions
    names = ("WorkerCrashedError", "NodeDiedError", "LocalRayletDiedError", "ActorDiedError")
    return tuple(getattr(exceptions, n) for n in names if hasattr(exceptions, n))
