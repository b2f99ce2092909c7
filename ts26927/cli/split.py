"""Split inference subcommands: ``split models``, ``split analyze``, ``split run``."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any

from ts26927.cli.argtypes import positive_int
from ts26927.cli.common import EXIT_INVALID, EXIT_OK, exit_code
from ts26927.engine.embedded.inputs import deterministic_inputs
from ts26927.engine.embedded.zoo import LIGHT, embedded_names, resolve
from ts26927.engine.onnxtools import analysis as analysis_module
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.runtime import Runner
from ts26927.engine.split.extraction import SplitExtractor
from ts26927.engine.split.pipeline import SplitPipeline, compare
from ts26927.errors import (
    CodecError,
    EngineError,
    ModelLoadError,
    UnknownModelError,
    UnknownSplitPointError,
)
from ts26927.models.split_configuration import SplitTopology

#: Head and tail must reproduce the whole model to this relative difference (fp32).
TOLERANCE = 1e-5
_USAGE_ERRORS = (ModelLoadError, UnknownModelError, UnknownSplitPointError, CodecError)


def cmd_models(args: argparse.Namespace) -> int:
    for name in embedded_names():
        kind = "model-zoo topology (onnx package)" if name in LIGHT else "trained classifier"
        print(f"{name:<14} {kind}")
    return EXIT_OK


def cmd_analyze(args: argparse.Namespace) -> int:
    try:
        model, label = resolve(args.model)
        result = analysis_module.analyze(model, label=label, bindings=_bindings(args.dim))
    except EngineError as error:
        return _fail("split analyze", error)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
        return EXIT_OK
    _print_table(result)
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    try:
        chain = CodecChain.parse(args.codec)
        random_weights = args.random_weights or args.model in LIGHT
        model, label = resolve(args.model, random_weights=random_weights, seed=args.seed)
        analysis = analysis_module.analyze(model, label=label, bindings=_bindings(args.dim))
        sub = SplitExtractor(model, analysis).extract(args.at)
        inputs = deterministic_inputs(analysis, seed=args.seed)
        whole = Runner(model, label=f"{label} whole")
        pipeline = SplitPipeline(
            sub, label=label, topology=SplitTopology(args.topology), chain=chain
        )
        expected = whole.run(inputs)  # first runs warm both sides up
        result = pipeline.run(inputs)
        whole_times, split_results = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            whole.run(inputs)
            whole_times.append(time.perf_counter() - start)
            split_results.append(pipeline.run(inputs))
        difference = compare(expected, result.outputs)
    except EngineError as error:
        return _fail("split run", error)
    median = statistics.median
    report: dict[str, Any] = {
        "model": label,
        "splitPoint": sub.candidate.split_point_information().to_wire(),
        "topology": args.topology,
        "codec": chain.name,
        "transfers": [
            {"what": t.what, "direction": t.direction.value, "bytes": t.nbytes}
            for t in result.transfers
        ],
        "maxAbsDiff": difference.max_abs,
        "maxRelDiff": difference.max_rel,
        "intermediateBytes": {"raw": result.raw_bytes, "unit": result.unit.nbytes},
        "timingsMs": {
            "whole": median(whole_times) * 1000,
            "head": median(r.head_s for r in split_results) * 1000,
            "encode": median(r.encode_s for r in split_results) * 1000,
            "decode": median(r.decode_s for r in split_results) * 1000,
            "tail": median(r.tail_s for r in split_results) * 1000,
            "split": median(r.total_s for r in split_results) * 1000,
        },
    }
    passed = chain.lossy or difference.max_rel <= TOLERANCE
    report["equal"] = difference.max_rel <= TOLERANCE
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_run(report, chain)
    return EXIT_OK if passed else EXIT_INVALID


def _fail(command: str, error: EngineError) -> int:
    print(f"ts26927 {command}: {error}", file=sys.stderr)
    return exit_code(error, _USAGE_ERRORS)


def _dim(value: str) -> tuple[str, int]:
    name, _, size = value.partition("=")
    if not name or not size.isdecimal() or int(size) < 1:
        raise argparse.ArgumentTypeError(f"expected NAME=SIZE with SIZE >= 1, not {value!r}")
    return name, int(size)


def _bindings(values: list[tuple[str, int]] | None) -> dict[str, int]:
    return dict(values or [])


def _si(value: float | None, unit: str) -> str:
    """``value`` with a decimal prefix: 8.22 GFLOP, 37.6 kB."""
    if value is None:
        return "?"
    for factor, prefix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return f"{value / factor:.3g} {prefix}{unit}"
    return f"{value:.3g} {unit}"


def _print_table(result: analysis_module.SplitAnalysis) -> None:
    whole = result.whole
    dims = ", ".join(f"{k}={v}" for k, v in result.bindings.items()) or "none"
    print(f"model {result.label}: {len(result.candidates)} split points (dynamic dims: {dims})")
    for tensor in result.inputs:
        print(f"  input  {tensor.name} {tensor.element} {list(tensor.dims or [])}")
    print(
        f"  whole: {whole.parameters} parameters ({_si(whole.parameter_bytes, 'B')}), "
        f"{_si(whole.macs, 'MAC')}, {_si(whole.flops, 'FLOP')}"
    )
    if result.uncosted:
        print(f"  not in the compute estimates: {', '.join(result.uncosted)}")
    header = (
        f"{'id':>5} {'name':<24} {'op':<18} {'flag':<5} {'KB':>10} "
        f"{'head params':>11} {'head FLOP':>11} {'tail params':>11} {'tail FLOP':>11}  tensors"
    )
    print(header)
    for c in result.candidates:
        size = "?" if c.size_kb is None else f"{c.size_kb:.3f}"
        tensors = "; ".join(
            f"{t.name} {t.element}[{'x'.join(map(str, t.shape or t.dims or []))}]"
            for t in c.crossing
        )
        print(
            f"{c.identifier:>5} {c.name[:24]:<24} {c.op_type[:18]:<18} AFTER {size:>10} "
            f"{_si(c.head.parameter_bytes, 'B'):>11} {_si(c.head.flops, 'FLOP'):>11} "
            f"{_si(c.tail.parameter_bytes, 'B'):>11} {_si(c.tail.flops, 'FLOP'):>11}  {tensors}"
        )


def _print_run(report: dict[str, Any], chain: CodecChain) -> None:
    point = report["splitPoint"]
    print(
        f"{report['model']}: split point {point['splitPointIdentifier']} "
        f"({point.get('splitPointName', '')}), {report['topology']}, codec {chain.name}"
    )
    verdict = "equal" if report["equal"] else ("lossy" if chain.lossy else "DIFFERENT")
    print(
        f"  whole vs head+tail: max abs diff {report['maxAbsDiff']:.3e}, "
        f"max rel diff {report['maxRelDiff']:.3e} ({verdict}, tolerance {TOLERANCE:g})"
    )
    sizes = report["intermediateBytes"]
    print(f"  intermediate data: {sizes['raw']} bytes raw, {sizes['unit']} bytes as a unit")
    for transfer in report["transfers"]:
        print(f"  transfer {transfer['what']}: {transfer['bytes']} bytes {transfer['direction']}")
    timings = ", ".join(f"{k} {v:.2f}" for k, v in report["timingsMs"].items())
    print(f"  median ms: {timings}")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``split`` command and its subcommands to the ``ts26927`` parser."""
    split = sub.add_parser("split", help="split inference on ONNX models (clause 5.1, 6.6.3)")
    actions = split.add_subparsers(dest="split_command", required=True)

    p = actions.add_parser("models", help="list the embedded models")
    p.set_defaults(func=cmd_models)

    p = actions.add_parser("analyze", help="list every candidate split point of a model")
    p.add_argument("model", metavar="MODEL", help="ONNX file, or an embedded model name")
    p.add_argument("--json", action="store_true", help="print the analysis as JSON")
    p.add_argument(
        "--dim", action="append", type=_dim, metavar="NAME=SIZE", help="bind a dynamic dim"
    )
    p.set_defaults(func=cmd_analyze)

    p = actions.add_parser(
        "run",
        help="run whole vs head+tail at one split point and compare",
        description="Embedded model-zoo topologies run with deterministic random weights.",
    )
    p.add_argument("model", metavar="MODEL", help="ONNX file, or an embedded model name")
    p.add_argument("--at", required=True, metavar="ID", help="split point identifier or name")
    p.add_argument("--codec", default="NONE", metavar="C", help="codec chain, e.g. INT8+ZSTD")
    p.add_argument(
        "--topology",
        default=SplitTopology.UE_SOURCE_UE_FIRST.value,
        choices=[t.value for t in SplitTopology],
        help="clause 5.1.2 topology",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the input (and weights)")
    p.add_argument("--repeat", type=positive_int, default=3, help="timed runs (median reported)")
    p.add_argument(
        "--random-weights", action="store_true", help="give a model file seeded random weights"
    )
    p.add_argument(
        "--dim", action="append", type=_dim, metavar="NAME=SIZE", help="bind a dynamic dim"
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_run)
