"""AI model repository subcommands: ``models list``, ``models info``, ``models manifest``.

The repository holds the embedded models (the trained classifier and the model-zoo
topologies with deterministic weights); ``info`` and ``manifest`` also take ONNX files,
which are loaded with every safety check. A model is named by its identifier, by the
SHA-256 of its model file, or by a file path.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from ts26927.cli.common import EXIT_OK, exit_code
from ts26927.engine.delivery.embedded import embedded_repository
from ts26927.engine.delivery.repository import ModelRepository
from ts26927.errors import (
    EngineError,
    ExternalDataError,
    ModelLoadError,
    NotInRepositoryError,
    UnknownModelError,
)
from ts26927.models.messages.adaptive import ModelManifest
from ts26927.models.model_information import AiModelInformation

_USAGE_ERRORS = (ModelLoadError, UnknownModelError, NotInRepositoryError, ExternalDataError)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


def cmd_list(args: argparse.Namespace) -> int:
    repository = embedded_repository(seed=args.seed)
    try:
        rows = [repository.summary(identifier) for identifier in repository.identifiers()]
    except EngineError as error:
        return _fail("models list", error)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "modelIdentifier": r.identifier,
                        "kind": r.kind,
                        "numberOfParameters": r.parameters,
                        "computationalComplexity": r.macs,
                        "accuracy": r.accuracy,
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
        return EXIT_OK
    print(f"{'model':<14} {'parameters':>12} {'MAC':>10} {'accuracy':>9}  kind")
    for r in rows:
        accuracy = "-" if r.accuracy is None else f"{r.accuracy:.2f}%"
        parameters = "?" if r.parameters is None else f"{r.parameters:,}"
        print(f"{r.identifier:<14} {parameters:>12} {_si(r.macs):>10} {accuracy:>9}  {r.kind}")
    return EXIT_OK


def cmd_info(args: argparse.Namespace) -> int:
    repository = embedded_repository(seed=args.seed)
    try:
        identifier = _resolve(repository, args.model)
        information = repository.information(identifier)
        sha256 = repository.get(identifier).sha256
    except EngineError as error:
        return _fail("models info", error)
    if args.json:
        print(json.dumps(information.to_wire(), indent=2))
        return EXIT_OK
    _print_information(information, sha256)
    return EXIT_OK


def cmd_manifest(args: argparse.Namespace) -> int:
    repository = embedded_repository(seed=args.seed)
    try:
        chosen = [_resolve(repository, m) for m in args.models] or repository.identifiers()
        entries = []
        for identifier in chosen:
            if not args.json and sys.stderr.isatty():
                print(f"models manifest: encoding {identifier}", file=sys.stderr, flush=True)
            entries.append(repository.entry(identifier))
            repository.release(identifier)  # one model's weights in memory at a time
        manifest = ModelManifest(manifest_id="ts26927-repository", models=entries)
    except EngineError as error:
        return _fail("models manifest", error)
    if args.json:
        print(json.dumps(manifest.to_wire(), indent=2))
        return EXIT_OK
    _print_manifest(manifest)
    return EXIT_OK


def _resolve(repository: ModelRepository, spec: str) -> str:
    """An identifier for ``spec``: an existing file is added; else a name or a SHA-256."""
    path = Path(spec)
    if path.exists():
        stem = path.stem
        usable = _NAME.fullmatch(stem) and stem not in repository.identifiers()
        return repository.add(path, identifier=stem if usable else None)
    return repository.resolve(spec)


def _fail(command: str, error: EngineError) -> int:
    print(f"ts26927 {command}: {error}", file=sys.stderr)
    return exit_code(error, _USAGE_ERRORS)


def _si(value: float | None, unit: str = "") -> str:
    if value is None:
        return "?"
    for factor, prefix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return f"{value / factor:.3g} {prefix}{unit}".rstrip()
    return f"{value:.3g} {unit}".rstrip()


def _print_information(information: AiModelInformation, sha256: str) -> None:
    wire: dict[str, Any] = information.to_wire()
    print(f"model {information.model_identifier} (clause 6.6.2)")
    print(f"  sha256 of the model file: {sha256}")
    labels = {
        "numberOfParameters": ("number of parameters", ""),
        "modelSize": ("model size", " MB"),
        "inputSize": ("input size", " KB"),
        "outputSize": ("output size", " KB"),
        "accuracy": ("accuracy", " %"),
        "targetInferenceLatency": ("target inference latency", " ms"),
    }
    for key, (label, unit) in labels.items():
        if key in wire:
            print(f"  {label}: {wire[key]}{unit}")
    for framework in information.format_framework or []:
        print(f"  format/framework: {framework.name} {framework.version}")
    processing = information.processing_capabilities
    if processing is not None:
        print(f"  computational cost: {_si(processing.computational_cost, 'FLOP')}")
        print(f"  computational complexity: {_si(processing.computational_complexity, 'MAC')}")
        if processing.memory is not None:
            print(f"  memory: {processing.memory:.3f} MB")


def _print_manifest(manifest: ModelManifest) -> None:
    print(f"manifest {manifest.manifest_id}: {len(manifest.models)} model(s)")
    for entry in manifest.models:
        info = entry.ai_model_information
        kind = "adaptive" if entry.adaptive else "model file only"
        print(f"{info.model_identifier} ({kind})")
        for v in entry.variants:
            accuracy = "-" if v.accuracy is None else f"{v.accuracy:.2f}%"
            sqnr = "exact" if v.weight_sqnr is None else f"{v.weight_sqnr:.1f} dB"
            after = f" updates {v.update_of}" if v.update_of else ""
            print(
                f"  {v.variant_identifier:<24} {v.precision.value:<8} {v.model_size:>10.3f} MB "
                f"{accuracy:>8} {sqnr:>9}{after}"
            )


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``models`` command and its subcommands to the ``ts26927`` parser."""
    models = sub.add_parser("models", help="the AI model repository (clauses 5.2.2, 6.6.2)")
    actions = models.add_subparsers(dest="models_command", required=True)

    p = actions.add_parser("list", help="the models in the repository")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--seed", type=int, default=0, help="seed of the topologies' weights")
    p.set_defaults(func=cmd_list)

    p = actions.add_parser("info", help="a model's clause 6.6.2 information, computed from it")
    p.add_argument("model", metavar="MODEL", help="model name, SHA-256 of its file, or a path")
    p.add_argument("--json", action="store_true", help="print the AiModelInformation JSON")
    p.add_argument("--seed", type=int, default=0, help="seed of the topologies' weights")
    p.set_defaults(func=cmd_info)

    p = actions.add_parser(
        "manifest", help="the model manifest: variants, sizes, accuracy, updates (5.2.2.2.2)"
    )
    p.add_argument(
        "models",
        metavar="MODEL",
        nargs="*",
        help="models to list (default: all, which encodes every one; about a minute)",
    )
    p.add_argument("--json", action="store_true", help="print the ModelManifest JSON")
    p.add_argument("--seed", type=int, default=0, help="seed of the topologies' weights")
    p.set_defaults(func=cmd_manifest)
