"""Benchmark subcommands: ``bench split``, ``bench fl``, ``bench fl-scale``,
``bench delivery``, ``bench conformance``, ``bench hostile``, ``bench http``."""

from __future__ import annotations

import argparse
import json
import sys

from ts26927.bench import conformance as conformance_bench
from ts26927.bench import delivery as delivery_bench
from ts26927.bench import fl as fl_bench
from ts26927.bench import fl_scale as fl_scale_bench
from ts26927.bench import hostile as hostile_bench
from ts26927.bench import http as http_bench
from ts26927.bench import split as split_bench
from ts26927.cli.argtypes import positive_int
from ts26927.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from ts26927.engine.embedded.zoo import LIGHT
from ts26927.errors import EngineError


def cmd_split(args: argparse.Namespace) -> int:
    def progress(message: str) -> None:
        if not args.quiet:
            print(f"bench split: {message}", file=sys.stderr, flush=True)

    try:
        result = split_bench.run(
            model_name=args.model,
            seed=args.seed,
            stride=args.stride,
            repeat=args.repeat,
            progress=progress,
        )
    except EngineError as error:
        print(f"ts26927 bench split: {error}", file=sys.stderr)
        return EXIT_USAGE
    return _emit(result, as_json=args.json)


def cmd_fl(args: argparse.Namespace) -> int:
    def progress(message: str) -> None:
        if not args.quiet:
            print(f"bench fl: {message}", file=sys.stderr, flush=True)

    return _emit(
        fl_bench.run(clients=args.clients, seed=args.seed, progress=progress), as_json=args.json
    )


def cmd_fl_scale(args: argparse.Namespace) -> int:
    def progress(message: str) -> None:
        if not args.quiet:
            print(f"bench fl-scale: {message}", file=sys.stderr, flush=True)

    if len(set(args.clients)) < 2:
        print("ts26927 bench fl-scale: --clients needs two or more sizes", file=sys.stderr)
        return EXIT_USAGE
    result = fl_scale_bench.run(
        clients=sorted(set(args.clients)),
        rounds=args.rounds,
        backends=args.backend,
        progress=progress,
    )
    return _emit(result, as_json=args.json)


def cmd_conformance(args: argparse.Namespace) -> int:
    def progress(message: str) -> None:
        if not args.quiet:
            print(f"bench conformance: {message}", file=sys.stderr, flush=True)

    return _emit(conformance_bench.run(repeat=args.repeat, progress=progress), as_json=args.json)


def cmd_delivery(args: argparse.Namespace) -> int:
    def progress(message: str) -> None:
        if not args.quiet:
            print(f"bench delivery: {message}", file=sys.stderr, flush=True)

    result = delivery_bench.run(
        seed=args.seed, repeat=args.repeat, progress=progress, large=args.model
    )
    return _emit(result, as_json=args.json)


def cmd_hostile(args: argparse.Namespace) -> int:
    def progress(message: str) -> None:
        if not args.quiet:
            print(f"bench hostile: {message}", file=sys.stderr, flush=True)

    return _emit(hostile_bench.run(progress=progress), as_json=args.json)


def cmd_http(args: argparse.Namespace) -> int:
    def progress(message: str) -> None:
        if not args.quiet:
            print(f"bench http: {message}", file=sys.stderr, flush=True)

    result = http_bench.run(
        clients=args.clients, sessions_per_client=args.sessions_per_client, progress=progress
    )
    return _emit(result, as_json=args.json)


def _emit(result: dict, *, as_json: bool) -> int:
    """Print a benchmark result; exit 1 when a target does not hold."""
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            if isinstance(value, dict):
                print(f"{key}:")
                for name, item in value.items():
                    print(f"  {name}: {item}")
            else:
                print(f"{key}: {value}")
    return EXIT_OK if all(result["targets"].values()) else EXIT_INVALID


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``bench`` command and its subcommands to the ``ts26927`` parser."""
    bench = sub.add_parser("bench", help="benchmarks that print JSON (exit 1 if a target fails)")
    actions = bench.add_subparsers(dest="bench_command", required=True)
    p = actions.add_parser("split", help="split inference engine on ResNet50 (a few minutes)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--model",
        default=split_bench.MODEL,
        choices=sorted(LIGHT),
        help="model-zoo topology (default resnet50, the one the targets are set for)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the weights and input")
    p.add_argument(
        "--stride",
        type=positive_int,
        default=1,
        help="measure every N-th split point (default all)",
    )
    p.add_argument("--repeat", type=positive_int, default=3, help="timed runs per split point")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_split)

    p = actions.add_parser("fl", help="federated aggregation of ResNet50-sized updates")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--clients", type=positive_int, default=20, help="updates to aggregate")
    p.add_argument("--seed", type=int, default=0, help="seed of the update values")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_fl)

    p = actions.add_parser(
        "fl-scale", help="FL simulation at 100 and 1000 clients, in-process vs Ray: time, memory"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--clients",
        type=positive_int,
        nargs="+",
        default=list(fl_scale_bench.CLIENTS),
        help="simulated UEs per run (default 100 1000)",
    )
    p.add_argument("--rounds", type=positive_int, default=fl_scale_bench.ROUNDS, help="rounds")
    p.add_argument(
        "--backend",
        nargs="+",
        choices=fl_scale_bench.BACKENDS,
        default=list(fl_scale_bench.BACKENDS),
        help="backends to measure (default both; Ray is skipped, visibly, if not installed)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_fl_scale)

    p = actions.add_parser("delivery", help="adaptive model packages vs zstd of the weights")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--model",
        default="resnet50",
        choices=sorted(LIGHT),
        help="the large model (default resnet50, the one the targets are set for)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the weights")
    p.add_argument("--repeat", type=positive_int, default=3, help="timed runs")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_delivery)

    p = actions.add_parser(
        "hostile", help="hostile documents up to the size cap: time and peak memory of validate"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_hostile)

    p = actions.add_parser(
        "http", help="the REST binding's server in its own process under concurrent clients"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--clients", type=positive_int, default=50, help="concurrent clients")
    p.add_argument(
        "--sessions-per-client",
        type=positive_int,
        default=4,
        help="split-inference sessions each client runs",
    )
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_http)

    p = actions.add_parser("conformance", help="the whole conformance suite in process")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--repeat", type=positive_int, default=3, help="timed runs of the suite")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_conformance)
