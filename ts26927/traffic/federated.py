"""Federated learning (clause 5.2.4): the volume of one round and what a round deadline needs.

Per round each UE receives the global model (downlink) and sends its update (uplink): the
federated engine sends full parameters, as clause 6.6.6.5 model update information. Sizes:

* raw: the parameters' float32 bytes;
* wire: the byte length of the 6.6.6.5 message as JSON (parameters base64-encoded), as the
  engine serialises it;
* per codec chain: the update's tensors through the intermediate data codecs
  (:func:`~ts26927.engine.onnxtools.codecs.encode_tensor`; FLOAT16, INT8 per tensor, and
  lossless ZSTD and friends), the sum of the encoded payload lengths. The federated engine has
  no update compression of its own; these are what such a compression would send, computed
  on the real update arrays.

The update is real where the engine trains the model: for ``digits`` the 64-32-10 MLP of the
federated engine trained for the given epochs on one UE's IID share of the digits data. For
other models it is the model's float32 weights (a full-model update has exactly their shape).

Group figures: the downlink by unicast is N copies, by a shared (multicast/broadcast)
delivery one; the uplink is always N updates. The rates needed for a round deadline are each
leg alone within the deadline (bytes x 8 / deadline): training time is not counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import onnx
from onnx import numpy_helper

from ts26927.engine.federated import data as fl_data
from ts26927.engine.federated import mlp
from ts26927.engine.federated.parameters import Parameters, update_information
from ts26927.engine.onnxtools import codecs
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.dtypes import from_numpy
from ts26927.errors import CodecRangeError
from ts26927.traffic import rates

DEFAULT_CHAINS = ("NONE", "FLOAT16", "INT8", "ZSTD", "INT8+ZSTD")
_FLOAT = onnx.TensorProto.FLOAT


@dataclass(frozen=True)
class FlScenario:
    ues: int = 10
    rounds: int = 10
    deadline_s: float = 10.0
    """Round deadline, s."""
    epochs: int = 1
    chains: tuple[str, ...] = DEFAULT_CHAINS

    def __post_init__(self) -> None:
        for name in ("ues", "rounds", "epochs"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}")
        if not self.deadline_s > 0:
            raise ValueError(f"deadline_s must be positive, not {self.deadline_s}")
        for chain in self.chains:
            CodecChain.parse(chain)


@dataclass(frozen=True)
class FlModel:
    """The global model and one UE's update, as named float32 arrays."""

    name: str
    global_parameters: Parameters
    update: Parameters
    source: str


@dataclass(frozen=True)
class UplinkFigures:
    chain: str
    bytes_per_ue: int | None
    group_bytes: int | None
    """N UEs, one round."""
    total_bytes: int | None
    """N UEs, every round."""
    required_mbps: float | None
    refused: str | None = None


@dataclass(frozen=True)
class FlTraffic:
    model: str
    update_source: str
    scenario: FlScenario
    parameters: int
    downlink_raw_bytes: int
    downlink_wire_bytes: int
    downlink_unicast_bytes: int
    """N UEs, one round."""
    downlink_shared_bytes: int
    downlink_total_unicast_bytes: int
    """N UEs, every round."""
    downlink_required_mbps: float
    uplink_wire_bytes: int
    uplink: tuple[UplinkFigures, ...]


def digits_mlp(scenario: FlScenario, *, seed: int = 0) -> FlModel:
    """The federated engine's MLP and one UE's real update (trained on its IID share)."""
    initial = mlp.initial_parameters(seed)
    train, _ = fl_data.digits(seed=seed)
    share = fl_data.partition(train, scenario.ues, fl_data.Partition.IID, seed=seed)[0]
    update = mlp.train(
        initial, share, epochs=scenario.epochs, batch_size=32, learning_rate=0.1, seed=seed
    )
    source = (
        f"the federated engine's 64-32-10 MLP trained {scenario.epochs} epoch(s) on one UE's "
        f"IID share ({len(share)} digits images)"
    )
    return FlModel("digits", initial, update, source)


def onnx_weights(model: onnx.ModelProto, name: str) -> FlModel:
    """An ONNX model's float32 weights as both the global model and a full-model update."""
    params = {
        t.name: numpy_helper.to_array(t) for t in model.graph.initializer if t.data_type == _FLOAT
    }
    return FlModel(name, params, params, "the model's float32 weights (full-model update)")


def fl_traffic(model: FlModel, scenario: FlScenario) -> FlTraffic:
    n, r = scenario.ues, scenario.rounds
    downlink = _raw(model.global_parameters)
    downlink_wire = wire_bytes(model.global_parameters, model.name)
    same = model.update is model.global_parameters  # a full-model update: serialise once
    uplink = [_uplink(model.update, CodecChain.parse(c), scenario) for c in scenario.chains]
    return FlTraffic(
        model=model.name,
        update_source=model.source,
        scenario=scenario,
        parameters=sum(a.size for a in model.global_parameters.values()),
        downlink_raw_bytes=downlink,
        downlink_wire_bytes=downlink_wire,
        downlink_unicast_bytes=int(rates.unicast_bytes(downlink, n)),
        downlink_shared_bytes=int(rates.shared_bytes(downlink, n)),
        downlink_total_unicast_bytes=int(rates.unicast_bytes(downlink, n)) * r,
        downlink_required_mbps=rates.rate_for_deadline_mbps(downlink, scenario.deadline_s),
        uplink_wire_bytes=downlink_wire if same else wire_bytes(model.update, model.name),
        uplink=tuple(uplink),
    )


def wire_bytes(params: Parameters, model_id: str) -> int:
    """Byte length of the clause 6.6.6.5 model update information carrying ``params``."""
    return len(update_information(params, model_id).to_json().encode())


def encoded_bytes(params: Parameters, chain: CodecChain) -> int:
    """Sum of the encoded payload lengths of every parameter through ``chain``."""
    total = 0
    for name, array in params.items():
        element = from_numpy(array.dtype)
        if element is None:
            raise ValueError(f"parameter {name}: {array.dtype} is not a tensor type")
        data = np.ascontiguousarray(array)
        total += codecs.encode_tensor(name, data, element, chain).payload.nbytes
    return total


def _raw(params: Parameters) -> int:
    return sum(a.nbytes for a in params.values())


def _uplink(update: Parameters, chain: CodecChain, scenario: FlScenario) -> UplinkFigures:
    try:
        size = encoded_bytes(update, chain)
    except CodecRangeError as error:
        return UplinkFigures(chain.name, None, None, None, None, refused=str(error))
    group = int(rates.unicast_bytes(size, scenario.ues))
    return UplinkFigures(
        chain=chain.name,
        bytes_per_ue=size,
        group_bytes=group,
        total_bytes=group * scenario.rounds,
        required_mbps=rates.rate_for_deadline_mbps(size, scenario.deadline_s),
    )
