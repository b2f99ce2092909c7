"""Checks of the UE side of adaptive model delivery (5.2.2.2.2), against what the test
system (playing the network) listed and delivered: the UE asks for an adaptive model its
manifest lists, updates the level it holds, runs each level, and its refined model is the
full model bit for bit.

Ground truth: the suite rebuilds each level's model from the packages it delivered (and the
UE accepted), runs it on the case's sample, and hashes the full model file it encoded the
chain from. None of it comes from the UE.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ts26927.bindings.attachments import bytes_to_array, require
from ts26927.engine.delivery.progressive import ProgressiveModel
from ts26927.engine.onnxtools.digest import sha256
from ts26927.engine.onnxtools.loading import load_model
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.errors import Ts26927Error

from ..builders.adaptive_delivery import network_model, requested
from ..builders.registry import sample
from ..context import CaseContext, CaseDataError, Record
from ..fixtures.models import model_fixture
from .registry import CheckFailed, check, message_of
from .tolerance import close


def _variants(ctx: CaseContext) -> dict[str, dict[str, Any]]:
    """The variants of the manifest the test system announced (step 1)."""
    return {v["variantIdentifier"]: v for v in ctx.message("1")["models"][0]["variants"]}


def _model(ctx: CaseContext) -> str:
    return str(ctx.message("1")["models"][0]["aiModelInformation"]["modelIdentifier"])


def _delivered(ctx: CaseContext) -> list[Record]:
    """The packages the test system delivered and the UE did not refuse, in order."""
    return ctx.all("6", "TS")


def level_truth(ctx: CaseContext) -> tuple[int, bool, np.ndarray]:
    """The level the UE holds (0: the base), whether it is the last, and that level's
    output on the case's sample, from the packages delivered so far."""
    delivered = _delivered(ctx)
    if not delivered:
        raise CaseDataError(f"{ctx.case_id}: no package has been delivered")
    progressive = ProgressiveModel(require(delivered[0].attachments, "model", "step 6"))
    for record in delivered[1:]:
        progressive.apply(require(record.attachments, "model", "step 6"))
    fixture = model_fixture(str(ctx.params["model"]))
    runner = Runner(progressive.to_model(), label=f"level {progressive.level}")
    output = next(iter(runner.run({fixture.input_name: sample(ctx)}).values()))
    return progressive.level, progressive.complete, output


@check("adaptive-ue-request")
def _request(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """Step 3: the UE asks for an adaptive model the manifest lists — a variant usable on its
    own that heads a chain of updates — of the model it lists."""
    message = message_of(record)
    if message.get("modelIdentifier") != _model(ctx):
        raise CheckFailed(f"model {message.get('modelIdentifier')!r} is not the manifest's")
    variants = _variants(ctx)
    wanted = message.get("variantIdentifier")
    variant = variants.get(wanted)  # type: ignore[arg-type]
    if variant is None:
        raise CheckFailed(f"variant {wanted!r} is not in the manifest ({sorted(variants)})")
    if variant.get("updateOf") is not None:
        raise CheckFailed(f"{wanted!r} is an update of {variant['updateOf']!r}, not a model")
    if not any(v.get("updateOf") == wanted for v in variants.values()):
        raise CheckFailed(f"{wanted!r} is not an adaptive model: no update refines it")


@check("adaptive-ue-session")
def _session(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """Step 5: the delivery session is for the model, and for the variant the UE asked for
    last when it names one."""
    message = message_of(record)
    if message.get("modelIdentifier") != _model(ctx):
        raise CheckFailed(f"model {message.get('modelIdentifier')!r} is not the manifest's")
    named = message.get("variantIdentifier")
    if named is not None and named != requested(ctx):
        raise CheckFailed(f"the session is for {named!r}; the UE asked for {requested(ctx)!r}")


@check("adaptive-ue-handover")
def _handover(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """Step 7: the inference engine gets the package just delivered (its SHA-256 and
    variant)."""
    message = message_of(record)
    delivered = message_of(_delivered(ctx)[-1])
    if message.get("sha256") != delivered["sha256"]:
        raise CheckFailed("the SHA-256 handed over is not the delivered package's")
    named = message.get("variantIdentifier")
    if named is not None and named != delivered["variantIdentifier"]:
        raise CheckFailed(f"variant {named!r} handed over; {delivered['variantIdentifier']!r} came")


@check("adaptive-ue-update-request")
def _update_request(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """Step 11: the update asked for refines the variant the UE holds (the last delivered),
    as the manifest lists it."""
    message = message_of(record)
    if message.get("modelIdentifier") != _model(ctx):
        raise CheckFailed(f"model {message.get('modelIdentifier')!r} is not the manifest's")
    held = message_of(_delivered(ctx)[-1])["variantIdentifier"]
    if message.get("fromVariant") != held:
        raise CheckFailed(f"fromVariant {message.get('fromVariant')!r}; the UE holds {held!r}")
    target = _variants(ctx).get(message.get("toVariant"))  # type: ignore[arg-type]
    if target is None or target.get("updateOf") != held:
        raise CheckFailed(f"{message.get('toVariant')!r} is not a listed update of {held!r}")


@check("adaptive-ue-applied")
def _applied(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """Step 12: the model the UE runs after the update (the ``model`` attachment) computes
    the new level's output; after the last level it is the full model, bit for bit."""
    data = require(record.attachments, "model", f"step {record.step}")
    level, complete, want = level_truth(ctx)
    if complete:
        full = sha256(network_model(str(ctx.params["model"])).full)
        if sha256(data) != full:
            raise CheckFailed("the refined model is not the full model bit for bit (SHA-256)")
    try:
        runner = Runner(load_model(data), label="the UE's refined model")
        got = next(iter(runner.run({next(iter(runner.inputs)): sample(ctx)}).values()))
    except Ts26927Error as error:
        raise CheckFailed(f"the refined model does not run: {error}") from None
    close(got, want, f"the refined model's output at level {level}")


@check("adaptive-ue-output")
def _output(ctx: CaseContext, record: Record, args: dict[str, Any]) -> None:
    """Step 10: the inference output (the ``output`` attachment) is the output of the model
    at the level the UE holds."""
    got = bytes_to_array(require(record.attachments, "output", f"step {record.step}"))
    level, _, want = level_truth(ctx)
    close(got, want, f"inference output at level {level}")
