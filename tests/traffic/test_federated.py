"""Federated learning: round volumes from the real update arrays; group = N x per UE."""

from __future__ import annotations

import numpy as np
import pytest

from ts26927.engine.embedded.zoo import embedded_model
from ts26927.engine.federated import mlp
from ts26927.engine.federated.parameters import update_information
from ts26927.engine.onnxtools import codecs
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.models.tensors import ElementDataType
from ts26927.traffic.federated import (
    FlScenario,
    digits_mlp,
    encoded_bytes,
    fl_traffic,
    onnx_weights,
)

SCENARIO = FlScenario(ues=5, rounds=3, deadline_s=2.0, chains=("NONE", "FLOAT16", "INT8+ZSTD"))


def test_the_digits_update_is_really_trained() -> None:
    model = digits_mlp(SCENARIO)
    initial = mlp.initial_parameters(0)
    assert list(model.update) == list(initial)
    assert any(not np.array_equal(model.update[n], initial[n]) for n in initial)


def test_round_volumes_per_ue_and_group() -> None:
    model = digits_mlp(SCENARIO)
    result = fl_traffic(model, SCENARIO)
    raw = sum(a.nbytes for a in model.global_parameters.values())
    assert result.parameters * 4 == raw == result.downlink_raw_bytes
    wire = len(update_information(model.global_parameters, "digits").to_json().encode())
    assert result.downlink_wire_bytes == wire > raw  # base64 JSON costs more than raw
    assert result.downlink_unicast_bytes == 5 * raw
    assert result.downlink_shared_bytes == raw
    assert result.downlink_total_unicast_bytes == 3 * 5 * raw
    assert result.downlink_required_mbps * 1e6 * 2.0 == pytest.approx(raw * 8)
    by_chain = {u.chain: u for u in result.uplink}
    assert by_chain["NONE"].bytes_per_ue == raw
    assert by_chain["FLOAT16"].bytes_per_ue == raw // 2
    for figures in result.uplink:
        assert figures.bytes_per_ue is not None and figures.required_mbps is not None
        assert figures.group_bytes == 5 * figures.bytes_per_ue
        assert figures.total_bytes == 3 * 5 * figures.bytes_per_ue
        assert figures.required_mbps * 1e6 * 2.0 == pytest.approx(figures.bytes_per_ue * 8)


def test_encoded_sizes_are_the_codec_payloads() -> None:
    update = digits_mlp(SCENARIO).update
    chain = CodecChain.parse("INT8+ZSTD")
    expected = sum(
        codecs.encode_tensor(n, a, ElementDataType.FLOAT, chain).payload.nbytes
        for n, a in update.items()
    )
    assert encoded_bytes(update, chain) == expected
    assert encoded_bytes(update, CodecChain.parse("INT8")) == sum(a.size for a in update.values())


def test_an_onnx_model_counts_its_float_weights() -> None:
    model = onnx_weights(embedded_model("digits"), "digits-onnx")
    result = fl_traffic(model, SCENARIO)
    weights = [t for t in embedded_model("digits").graph.initializer if t.data_type == 1]
    assert result.parameters == sum(int(np.prod(t.dims)) for t in weights)
    assert result.downlink_raw_bytes == 4 * result.parameters


@pytest.mark.parametrize("kwargs", [{"ues": 0}, {"rounds": 0}, {"epochs": 0}, {"deadline_s": 0.0}])
def test_bad_scenarios_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        FlScenario(**kwargs)  # type: ignore[arg-type]
