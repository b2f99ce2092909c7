"""Network mutants of generic AI/ML model delivery (5.2.2.2.1): the reference network that
skips, reorders or misstates its steps, describes the selected model wrongly (2), or
delivers (5) other bytes than it announces."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ts26927.bindings.base import Output
from ts26927.engine.onnxtools.digest import sha256

from ..mutants import (
    Mutant,
    MutantSpec,
    _corrupt,
    _edit,
    _message,
    _renamed_input,
    _size_off_by_one,
    _skip,
    _swap_first_two,
    _true_digest,
    _without_accuracy,
)


# -- the model selected (2) -------------------------------------------------------------
def _fraction_accuracy(output: Output) -> Output:
    info = dict(output.message["aiModelInformation"])  # type: ignore[index]
    info["accuracy"] = info["accuracy"] / 100  # a fraction where the TR wants %
    return _message(output, aiModelInformation=info)


def _described(change: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[Output], Output]:
    def edit(output: Output) -> Output:
        info = dict((output.message or {})["aiModelInformation"])
        return _message(output, aiModelInformation=change(info))

    return edit


def _foreign_format(info: dict[str, Any]) -> dict[str, Any]:
    return {**info, "formatFramework": [{"name": "TENSORFLOW_LITE", "version": "2.13.0"}]}


def _size_in_kb(info: dict[str, Any]) -> dict[str, Any]:
    return {**info, "modelSize": info["modelSize"] * 1000}


def _parameter_bytes(info: dict[str, Any]) -> dict[str, Any]:
    return {**info, "numberOfParameters": info["numberOfParameters"] * 4}


def _undescribed(output: Output) -> Output:
    message = {k: v for k, v in (output.message or {}).items() if k != "aiModelInformation"}
    return Output(output.step, message, output.attachments)


# -- the model delivered (5) ------------------------------------------------------------
def _digest_of_other_bytes(output: Output) -> Output:
    return _message(output, sha256=sha256(b"another model"))


def _truncated_model(output: Output) -> Output:
    data = output.attachments["model"]
    return _true_digest(output, data[: len(data) // 2])


MUTANTS: tuple[MutantSpec, ...] = (
    MutantSpec(
        "skips-step",
        "never identifies the model in the repository (step 3)",
        lambda: Mutant(_skip("3")),
        "5.2.2.2.1-model-delivery-001",
        "3",
    ),
    MutantSpec(
        "out-of-order",
        "answers step 3 before step 2",
        lambda: Mutant(_swap_first_two),
        "5.2.2.2.1-model-delivery-001",
        "2",
    ),
    MutantSpec(
        "wrong-unit",
        "states accuracy as a fraction, not in %",
        lambda: Mutant(_edit("2", _fraction_accuracy)),
        "5.2.2.2.1-model-delivery-001",
        "2",
    ),
    MutantSpec(
        "corrupt-model",
        "delivers model bytes that do not match the SHA-256",
        lambda: Mutant(_edit("5", _corrupt("model"))),
        "5.2.2.2.1-model-delivery-001",
        "5",
    ),
    MutantSpec(
        "accepts-out-of-order",
        "accepts a delivery session before the trigger",
        lambda: Mutant(lax=True),
        "5.2.2.2.1-model-delivery-002",
        "4",
    ),
    MutantSpec(
        "accepts-malformed",
        "accepts a trigger without a session id",
        lambda: Mutant(lax=True),
        "5.2.2.2.1-model-delivery-003",
        "1",
    ),
    MutantSpec(
        "ue-trusts-any-model",
        "a UE that hands unverified model bytes to its inference engine",
        lambda: Mutant(lax=True),
        "5.2.2.2.1-model-delivery-005",
        "5",
    ),
    # One defect for each way a semantic check fails, where a case can reach it.
    MutantSpec(
        "announces-wrong-size",
        "delivers the model under a size one byte off",
        lambda: Mutant(_edit("5", _size_off_by_one)),
        "5.2.2.2.1-model-delivery-001",
        "5",
    ),
    MutantSpec(
        "announces-wrong-digest",
        "delivers the true model bytes under the SHA-256 of other bytes",
        lambda: Mutant(_edit("5", _digest_of_other_bytes)),
        "5.2.2.2.1-model-delivery-001",
        "5",
    ),
    MutantSpec(
        "corrupt-model-true-digest",
        "delivers a truncated model under its own (true) size and SHA-256",
        lambda: Mutant(_edit("5", _truncated_model)),
        "5.2.2.2.1-model-delivery-001",
        "5",
    ),
    MutantSpec(
        "delivers-other-input",
        "delivers a model whose input is not the model's (true size and SHA-256)",
        lambda: Mutant(_edit("5", _renamed_input)),
        "5.2.2.2.1-model-delivery-001",
        "5",
    ),
    MutantSpec(
        "selects-foreign-format",
        "selects a model in a format the UE does not support",
        lambda: Mutant(_edit("2", _described(_foreign_format))),
        "5.2.2.2.1-model-delivery-001",
        "2",
    ),
    MutantSpec(
        "omits-model-information",
        "selects a model without describing it",
        lambda: Mutant(_edit("2", _undescribed)),
        "5.2.2.2.1-model-delivery-001",
        "2",
    ),
    MutantSpec(
        "model-size-in-kb",
        "announces the model size in KB where the TR wants MB",
        lambda: Mutant(_edit("2", _described(_size_in_kb))),
        "5.2.2.2.1-model-delivery-001",
        "2",
    ),
    MutantSpec(
        "counts-parameter-bytes",
        "announces the bytes of the parameters as their number",
        lambda: Mutant(_edit("2", _described(_parameter_bytes))),
        "5.2.2.2.1-model-delivery-001",
        "2",
    ),
    MutantSpec(
        "omits-model-accuracy",
        "describes the model without its accuracy to a service with an accuracy floor",
        lambda: Mutant(_edit("2", _described(_without_accuracy))),
        "5.2.2.2.1-model-delivery-001",
        "2",
    ),
    MutantSpec(
        "identifies-another-model",
        "identifies (3) another model than it selected (2)",
        lambda: Mutant(_edit("3", lambda o: _message(o, modelIdentifier="another-model"))),
        "5.2.2.2.1-model-delivery-001",
        "3",
    ),
)
