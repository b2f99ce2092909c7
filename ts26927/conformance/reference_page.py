"""The harness reference page, generated from the suite's own registries: the capabilities
(ICS) and IXIT items an implementation declares, the preamble states it sets up, the data
fixtures, which test-system steps reach the harness, the in-band refusals, the builders
and the checks — so the docs can never drift from what the runner does."""

from __future__ import annotations

import json
from typing import Any

from ts26927.bindings.preambles import STATES
from ts26927.flows import FLOWS
from ts26927.flows.functions import Side
from ts26927.flows.table import Step

from . import feasibility
from .builders import BUILDERS
from .capabilities import CAPABILITIES
from .checks import CHECKS, tolerance
from .checks import delivery as delivery_checks
from .checks import federated as federated_checks
from .checks import split as split_checks
from .fixtures.export import PREDEFINED_SPLIT_POINTS
from .fixtures.models import fl_model_fixture, model_fixture, model_fixture_names
from .fixtures.profiles import SERVICE_REQUIREMENTS, UE_CAPABILITIES
from .ixit import ITEMS
from .refusals import IN_BAND_REFUSALS
from .suite import load_suite


def _cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _doc(function: Any) -> str:
    text = (function.__doc__ or "").strip()
    return _cell(text.split("\n\n")[0]) if text else "—"


def _capabilities() -> list[str]:
    cases = load_suite()
    lines = [
        "## Capabilities (ICS)",
        "",
        "Declare in `implementation.capabilities` of your answer to `start` what your "
        "implementation supports. A case whose applicability expression your capabilities "
        "do not satisfy is reported *not applicable*, never counted as a pass.",
        "",
        "| capability | TR clause | meaning | cases that need it |",
        "|---|---|---|---|",
    ]
    for capability in CAPABILITIES:
        using = [c.id for c in cases if capability.name in json.dumps(c.applicability)]
        lines.append(
            f"| `{capability.name}` | {capability.clause} | {_cell(capability.description)} | "
            f"{len(using)} |"
        )
    return lines


def _ixit() -> list[str]:
    lines = [
        "",
        "## IXIT: the choices the TR leaves open",
        "",
        "Declare them in `implementation.ixit` of your answer to `start`, e.g. "
        '`"ixit": {"federatedAggregation": "FEDAVG"}` (in process: '
        "`ImplementationInfo.ixit`). An item you leave out takes its default; an unknown "
        "item or a value out of range makes every case an *error*, naming the item.",
        "",
        "| item | TR | values | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for item in ITEMS:
        values = (
            ", ".join(f"`{v}`" for v in item.values)
            if item.values
            else f"a number in [{item.minimum:g}, {item.maximum:g}]"
        )
        lines.append(
            f"| `{item.name}` | {item.clause} | {values} | `{item.default}` | "
            f"{_cell(item.description)} |"
        )
    return lines


def _preambles() -> list[str]:
    lines = [
        "",
        "## Preamble states",
        "",
        '`setup` carries `state: {"state": NAME, "params": {...}}`: the configuration '
        "stage of the TR's workflows. Set the state up, or answer `refused` (the case is then "
        "*inconclusive*). Where `model` names a model fixture, the runner adds `modelSha256`, "
        "the SHA-256 of that fixture's exported ONNX file: refuse the setup if your copy "
        "differs.",
    ]
    for state in STATES:
        lines += [
            "",
            f"### `{state.name}` ({state.role} under test)",
            "",
            _cell(state.description),
            "",
            "| parameter | JSON type | required | meaning |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| `{p.name}` | {p.kind} | {'yes' if p.required else 'no'} | {_cell(p.description)} |"
            for p in state.params
        ]
    return lines


def _fixtures() -> list[str]:
    lines = [
        "",
        "## Fixtures",
        "",
        "`ts26927 conformance fixtures export DIR` writes every fixture below to `DIR`, with "
        "`manifest.json` listing each file's path, size and SHA-256. Cases name them in their "
        "preamble (`model`, `flModel`) and in their `fixtures` (`ueCapabilities`, "
        "`serviceRequirements`: what the test system sends as the UE's capabilities and the "
        "service's requirements). Arrays are NumPy `.npy` files (version 1, little-endian, C "
        "order); sample *i* of a model is `inputs[i:i+1]`, a batch of one.",
        "",
        "### Models",
        "",
        "| model | what | file | inputs | labels | predefined split points (after) |",
        "|---|---|---|---|---|---|",
    ]
    for name in model_fixture_names():
        fixture = model_fixture(name)
        labels = "—" if fixture.labels is None else f"`labels/{name}.npy`"
        points = ", ".join(f"`{t}`" for t in PREDEFINED_SPLIT_POINTS[name])
        lines.append(
            f"| `{name}` | {_cell(fixture.description)} | `models/{name}.onnx` | "
            f"`inputs/{name}.npy` {list(fixture.inputs.shape)} | {labels} | {points} |"
        )
    lines += [
        "",
        "The predefined split points are the provider's: each comes as "
        "`split-points/MODEL/N/first.onnx` and `second.onnx`, and the manifest gives its "
        "crossing `tensors` and their `bytes`, and per sub-model (`first`, `second`): "
        "`parameterBytes` (the weights it reads), `flops` (one inference, a MAC counted as "
        "two FLOPs), `largestTensorBytes` (its largest tensor: with the weights, the least "
        "memory it can run in) and `allTensorBytes` (every tensor it reads or writes: with "
        "the weights, the most it could need). An implementation may predefine other split "
        "points: the suite judges any cut by the tensors that cross it.",
        "",
    ]
    fl = fl_model_fixture()
    lines += [
        "### Federated learning model",
        "",
        f"`{fl.name}`: {_cell(fl.description)} Initial values: "
        f"`fl-models/{fl.name}/PARAMETER.npy`.",
        "",
    ]
    for title, kind, table in (
        ("UE capabilities", "ue-capabilities", UE_CAPABILITIES),
        ("Service requirements", "service-requirements", SERVICE_REQUIREMENTS),
    ):
        lines += [
            f"### {title}",
            "",
            f"Files `{kind}/NAME.json`.",
            "",
            "| name | what | document |",
            "|---|---|---|",
        ]
        lines += [
            f"| `{name}` | {_cell(text)} | `{_cell(json.dumps(doc))}` |"
            for name, (text, doc) in table.items()
        ]
        lines.append("")
    return lines


def _performer(step: Step, role: Side) -> str:
    if step.performed_by(role):
        return "the IUT reports it" + (" (its own internal step)" if step.is_action else "")
    if step.delivered_to(role):
        return "**delivered** to the harness"
    return "recorded only (internal to the test system's side)"


def _steps() -> list[str]:
    lines = [
        "",
        "## Which steps reach the harness",
        "",
        "The test system plays every function on the other side. Its steps whose receiver "
        "is on your side are **delivered** (`deliver`); its steps between its own functions "
        "(e.g. the UE's step 14, handing the sub-model to its inference engine) are recorded "
        "in the run's log but never sent. Your implementation reports every step *its* side "
        "performs, its internal ones (actions such as step 16 of federated learning) "
        "included, in `outputs`, in order. A step it performs without a test-system step "
        "before it (e.g. opening the intermediate data session, 17b) is fetched with "
        "`poll`.",
    ]
    cases = load_suite()
    for flow in FLOWS.values():
        roles = sorted({c.role.value for c in cases if c.flow == flow.id})
        if not roles:
            continue
        lines += [
            "",
            f"### {flow.id} ({flow.clause})",
            "",
            "| step | from → to | " + " | ".join(f"{r} under test" for r in roles) + " |",
            "|---|---|" + "---|" * len(roles),
        ]
        for step in flow.steps:
            cells = " | ".join(_performer(step, Side(r)) for r in roles)
            lines.append(
                f"| {step.id} | {_cell(step.sender.name)} → {_cell(step.receiver.name)} | {cells} |"
            )
    return lines


def _refusals() -> list[str]:
    lines = [
        "",
        "## Refusals in band",
        "",
        "Where a case expects you to refuse a test-system step, answer `refused`, or — where "
        "the TR defines one — the workflow's own negative response as the last step of "
        "your `outputs`. Either way the flow is then where it was before the refused step.",
        "",
        "| workflow | refused step | answered by step | with |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r.flow} | {r.refused} | {r.answer} | `{r.pointer.lstrip('/')}` = `{r.value}` |"
        for r in IN_BAND_REFUSALS
    ]
    return lines


def _builders_and_checks() -> list[str]:
    lines = [
        "",
        "## What the test system sends",
        "",
        "Each test-system step of a case names the builder of its message. Identifiers your "
        "implementation announced (models, split points, configurations, rounds, groups) are "
        "used as announced.",
        "",
        "| builder | what it sends |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {_doc(BUILDERS[name])} |" for name in sorted(BUILDERS)]
    lines += [
        "",
        "## Checks",
        "",
        "| check | what it requires |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {_doc(CHECKS[name])} |" for name in sorted(CHECKS)]
    constants = [
        (feasibility, "FLOP_SLACK"),
        (feasibility, "CODER_SLACK"),
        (feasibility, "ACCURACY_TOLERANCE"),
        (feasibility, "SIZE_TOLERANCE"),
        (feasibility, "FRAMING_ALLOWANCE"),
        (feasibility, "MEMORY_TOLERANCE"),
        (split_checks, "RAW_SIZE_TOLERANCE"),
        (delivery_checks, "MODEL_SIZE_TOLERANCE"),
        (delivery_checks, "PARAMETER_TOLERANCE"),
        (federated_checks, "AGGREGATE_RTOL"),
        (federated_checks, "AGGREGATE_ATOL"),
        (tolerance, "LOSSLESS_TOLERANCE"),
        (tolerance, "FLOAT16_RELATIVE"),
        (tolerance, "INT8_STEPS"),
    ]
    lines += [
        "",
        "### Bounds and tolerances",
        "",
        _cell(feasibility.__doc__),
        "",
        "| constant | value |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {getattr(module, name):g} |" for module, name in constants]
    return lines


def harness_reference_page() -> str:
    lines = [
        "# Harness reference",
        "",
        "Generated from the suite itself. The narrative is in [Harness programs]"
        "(../harness.md); the cases are on [Conformance cases](conformance.md).",
        "",
        *_capabilities(),
        *_ixit(),
        *_preambles(),
        *_fixtures(),
        *_steps(),
        *_refusals(),
        *_builders_and_checks(),
    ]
    return "\n".join(lines) + "\n"
