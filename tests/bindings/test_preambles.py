"""The harness protocol's catalogue of preamble states: a preamble naming an unknown state
or parameter, or a value of the wrong JSON type, is refused by name."""

from __future__ import annotations

import pytest

from ts26927.bindings.preambles import MODEL_SHA256, STATES, preamble_state
from ts26927.errors import PreambleError


@pytest.mark.parametrize(
    ("state", "params", "message"),
    [
        ("repository/digits", {}, "unknown preamble state"),
        ("model-repository", {}, "model is required"),
        ("model-repository", {"model": "digits", "colour": "red"}, "unknown parameter 'colour'"),
        ("model-repository", {"model": 7}, "must be a JSON string"),
        ("federated-learning", {"flModel": "digits-mlp", "trainingRounds": True,
                                "deviceProfile": {}}, "must be a JSON integer"),
    ],
)  # fmt: skip
def test_bad_preambles_are_refused(state: str, params: dict, message: str) -> None:
    with pytest.raises(PreambleError, match=message):
        preamble_state(state).check(params)


def test_the_model_digest_is_a_parameter_of_every_state() -> None:
    for state in STATES:
        params = {p.name: _value(p.kind) for p in state.params if p.required}
        state.check({**params, MODEL_SHA256: "0" * 64})


def _value(kind: str) -> object:
    return {"string": "x", "integer": 1, "boolean": True, "object": {}}[kind]
