"""Generic (5.2.2.2.1) and adaptive (5.2.2.2.2) model delivery, end to end, step by step.

Every message the UE and the network exchange is accepted by a
:class:`~ts26927.flows.session.FlowSession` of the TR's workflow at its step, so a run
cannot drift from the call flow: select, deliver in chunks, verify, load in onnxruntime,
infer — and, adaptively, the precision update loop (steps 11, 5, 6, 7, 12) while the model
keeps serving. Reading of the TR: a session re-established after an interruption, and a
chunk fetched again, belong to the transfer of step 5 (generic) or 6 (adaptive) — a
client's range request — and are not new workflow steps.

A model switch during the service (5.2.2.1: a UE's memory or performance threshold, or
the network's decision) has no numbered steps in the TR; :func:`switch_model` delivers the
new model through the same verified delivery sessions and replaces the running one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ts26927.engine.delivery.access import (
    InferenceEngine,
    Received,
    describe_variant,
    handover_of,
    receive_variant,
    setup_for,
)
from ts26927.engine.delivery.evaluation import EvaluationSet
from ts26927.engine.delivery.link import DEFAULT_SEGMENT_SIZE, Faults, Link
from ts26927.engine.delivery.progressive import ProgressiveModel
from ts26927.engine.delivery.repository import ModelRepository
from ts26927.engine.delivery.selection import (
    DeliveryOption,
    DeliverySelection,
    SelectionRequest,
    select,
)
from ts26927.engine.delivery.transfer import DEFAULT_CHUNK_SIZE
from ts26927.engine.delivery.variants import PACKAGE_FORMAT
from ts26927.engine.onnxtools.dtypes import describe_arrays
from ts26927.engine.onnxtools.loading import load_model
from ts26927.errors import DeliverySelectionError
from ts26927.flows import FlowSession, get_flow
from ts26927.models.intermediate_data import IntermediateTensor
from ts26927.models.messages.adaptive import ModelManifest, PrecisionUpdateRequest
from ts26927.models.messages.common import (
    AiServiceTrigger,
    InferenceOutput,
    MediaData,
    ModelIdentification,
    ServiceKind,
)

Feeds = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class RunSettings:
    session_id: str = "ai-session-1"
    chunk_size: int = DEFAULT_CHUNK_SIZE
    segment_size: int = DEFAULT_SEGMENT_SIZE
    faults: Faults | None = None
    """Faults of every delivery's link (offsets relative to each delivery)."""
    bit_rate_bps: float | None = None
    updates: int | None = None
    """Adaptive: precision updates to apply (None: all)."""


@dataclass(frozen=True)
class LevelRecord:
    """One model the UE ran: delivered, verified, handed over, then measured."""

    variant: str
    received: Received
    accuracy: float | None
    outputs: list[dict[str, np.ndarray]]


@dataclass
class WorkflowRun:
    flow: FlowSession
    selection: DeliverySelection
    option: DeliveryOption
    engine: InferenceEngine = field(default_factory=InferenceEngine)
    levels: list[LevelRecord] = field(default_factory=list)

    @property
    def steps(self) -> list[str]:
        return [accepted.step.id for accepted in self.flow.history]


def run_generic(
    repository: ModelRepository,
    request: SelectionRequest,
    media: Sequence[Feeds],
    *,
    models: Sequence[str] | None = None,
    evaluation: EvaluationSet | None = None,
    settings: RunSettings | None = None,
) -> WorkflowRun:
    """Clause 5.2.2.2.1: the network selects a model file, delivers it, the UE infers."""
    settings = settings or RunSettings()
    flow = FlowSession(get_flow("model-delivery"))
    flow.accept(
        "1",
        AiServiceTrigger(
            service=ServiceKind.MODEL_DELIVERY,
            session_id=settings.session_id,
            service_requirement_information=request.service,
            ue_capability_information=request.ue,
        ),
    )
    manifest = repository.manifest(models, adaptive=False)
    selection, option = _select(manifest, replace(request, adaptive=False))
    run = WorkflowRun(flow, selection, option)
    flow.accept("2", option.selection())
    model = option.model_identifier
    flow.accept(
        "3",
        ModelIdentification(model_identifier=model, variant_identifier=option.variant_identifier),
    )
    received = _deliver(repository, option.variant_identifier, model, "4", "5", run, settings, 1)
    handover = handover_of(model, received.data, option.variant_identifier)
    engine = run.engine
    engine.load(load_model(received.data, limits=repository.limits), handover)
    flow.accept("6", handover)
    outputs = _infer(flow, engine, media, ("7", "8", "9"), 0)
    run.levels.append(_record(option.variant_identifier, received, engine, evaluation, outputs))
    return run


def run_adaptive(
    repository: ModelRepository,
    request: SelectionRequest,
    media: Sequence[Feeds],
    *,
    models: Sequence[str] | None = None,
    evaluation: EvaluationSet | None = None,
    settings: RunSettings | None = None,
) -> WorkflowRun:
    """Clause 5.2.2.2.2: the UE picks an adaptive model from the manifest, runs its base,
    then raises its precision update by update while inference goes on."""
    settings = settings or RunSettings()
    flow = FlowSession(get_flow("adaptive-model-delivery"))
    manifest = repository.manifest(models)
    flow.accept("1", manifest)
    selection, option = _select(manifest, replace(request, adaptive=True, roots_only=True))
    run = WorkflowRun(flow, selection, option)
    flow.accept("2")
    model, base = option.model_identifier, option.variant_identifier
    flow.accept("3", option.request())
    flow.accept("4", ModelIdentification(model_identifier=model, variant_identifier=base))
    received = _deliver(repository, base, model, "5", "6", run, settings, 1)
    progressive = ProgressiveModel(received.data, limits=repository.limits)
    handover = handover_of(model, received.data, base)
    engine = run.engine
    engine.load(progressive.to_model(), handover)
    flow.accept("7", handover)
    sequence = 0
    outputs = _infer(flow, engine, media, ("8", "9", "10"), sequence)
    run.levels.append(_record(base, received, engine, evaluation, outputs))
    current = base
    later = option.path.later
    for number, update in enumerate(later[: settings.updates], start=2):
        target = update.variant_identifier
        flow.accept(
            "11",
            PrecisionUpdateRequest(model_identifier=model, from_variant=current, to_variant=target),
        )
        received = _deliver(repository, target, model, "5", "6", run, settings, number)
        handover = handover_of(model, received.data, target)
        flow.accept("7", handover)
        progressive.apply(received.data)  # step 12: refused updates leave the model serving
        engine.load(progressive.to_model(), handover)
        flow.accept("12")
        sequence += len(media)
        outputs = _infer(flow, engine, media, ("8", "9", "10"), sequence)
        run.levels.append(_record(target, received, engine, evaluation, outputs))
        current = target
    return run


def switch_model(
    repository: ModelRepository,
    run: WorkflowRun,
    option: DeliveryOption,
    media: Sequence[Feeds],
    *,
    evaluation: EvaluationSet | None = None,
    settings: RunSettings | None = None,
) -> LevelRecord:
    """Replace the model ``run`` serves by ``option`` (an update plan's choice), delivering
    every package on its path; the old model serves until the new one is loaded."""
    settings = settings or RunSettings()
    model = option.model_identifier
    progressive: ProgressiveModel | None = None
    received: Received | None = None
    for number, variant in enumerate(option.path.steps, start=len(run.levels) + 1):
        target = repository.variant(model, variant.variant_identifier)
        session = f"{settings.session_id}-d{number}"
        server = describe_variant(target, model, session, settings.chunk_size)
        link = Link(
            segment_size=settings.segment_size,
            bit_rate_bps=settings.bit_rate_bps,
            faults=settings.faults,
        )
        received = receive_variant(server, variant.sha256, link, limits=repository.limits)
        if progressive is not None:
            progressive.apply(received.data)
        elif variant.data_format == PACKAGE_FORMAT:
            progressive = ProgressiveModel(received.data, limits=repository.limits)
    assert received is not None  # a path has at least its root
    if progressive is not None:
        new_model = progressive.to_model()
    else:  # a model file: usable on its own, nothing applies to it
        new_model = load_model(received.data, limits=repository.limits)
    run.engine.load(new_model, handover_of(model, received.data, option.variant_identifier))
    outputs = [run.engine.infer(feeds) for feeds in media]
    record = _record(option.variant_identifier, received, run.engine, evaluation, outputs)
    run.levels.append(record)
    return record


def _select(
    manifest: ModelManifest, request: SelectionRequest
) -> tuple[DeliverySelection, DeliveryOption]:
    selection = select(manifest, request)
    if selection.selected is None:
        reasons = "; ".join(
            f"{r.option.variant_identifier}: {', '.join(f.detail for f in r.failures)}"
            for r in selection.rejected
        )
        raise DeliverySelectionError("selection", f"no option fits ({reasons or 'none listed'})")
    return selection, selection.selected


def _deliver(
    repository: ModelRepository,
    variant_id: str,
    model: str,
    setup_step: str,
    data_step: str,
    run: WorkflowRun,
    settings: RunSettings,
    number: int,
) -> Received:
    variant = repository.variant(model, variant_id)
    session = f"{settings.session_id}-d{number}"
    server = describe_variant(variant, model, session, settings.chunk_size)
    setup = setup_for(variant, model, session)
    server.open(setup)
    run.flow.accept(setup_step, setup)
    run.flow.accept(data_step, server.description)
    link = Link(
        segment_size=settings.segment_size,
        bit_rate_bps=settings.bit_rate_bps,
        faults=settings.faults,
    )
    return receive_variant(server, variant.variant.sha256, link, limits=repository.limits)


def _infer(
    flow: FlowSession,
    engine: InferenceEngine,
    media: Sequence[Feeds],
    steps: tuple[str, str, str],
    first: int,
) -> list[dict[str, np.ndarray]]:
    source, infer, destination = steps
    results = []
    for number, feeds in enumerate(media, start=first):
        flow.accept(source, MediaData(sequence_number=number, inputs=_describe(feeds)))
        outputs = engine.infer(feeds)
        flow.accept(infer)
        flow.accept(
            destination, InferenceOutput(sequence_number=number, outputs=_describe(outputs))
        )
        results.append(outputs)
    return results


def _describe(arrays: Feeds) -> list[IntermediateTensor]:
    return describe_arrays(arrays)


def _record(
    variant: str,
    received: Received,
    engine: InferenceEngine,
    evaluation: EvaluationSet | None,
    outputs: list[dict[str, np.ndarray]],
) -> LevelRecord:
    accuracy = None if evaluation is None else evaluation.accuracy_of(engine.runner)
    return LevelRecord(variant, received, accuracy, outputs)
