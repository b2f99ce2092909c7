"""``ts26927 traffic``: clause 7 traffic characteristics (split, distribution, fl)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from functools import partial
from pathlib import Path
from typing import Any

from ts26927.cli import traffic_plots
from ts26927.cli.argtypes import non_negative_float, positive_float, positive_int
from ts26927.cli.common import EXIT_OK, exit_code
from ts26927.engine.delivery.embedded import embedded_repository
from ts26927.engine.delivery.repository import ModelRepository
from ts26927.engine.embedded.zoo import DIGITS, LIGHT, embedded_names, resolve
from ts26927.engine.onnxtools.analysis import analyze
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.errors import (
    CodecError,
    EngineError,
    ModelLoadError,
    RepositoryError,
    UnknownModelError,
)
from ts26927.traffic import figures, tables
from ts26927.traffic.distribution import DistributionScenario, distribution_traffic
from ts26927.traffic.federated import FlScenario, digits_mlp, fl_traffic, onnx_weights
from ts26927.traffic.samples import DEFAULT_SAMPLES, samples
from ts26927.traffic.split import DEFAULT_CHAINS, SplitScenario, split_traffic

_USAGE_ERRORS = (ModelLoadError, UnknownModelError, CodecError, RepositoryError)
GIGA = 1e9


def cmd_split(args: argparse.Namespace) -> int:
    if (failed := traffic_plots.check("split", args, args.codec)) is not None:
        return failed
    try:
        scenario = SplitScenario(
            fps=tuple(args.fps),
            chains=tuple(args.codec),
            ue_flops=args.ue_gflops * GIGA,
            network_flops=args.network_gflops * GIGA,
            uplink_mbps=args.uplink_mbps,
            latency_ms=args.latency_ms,
            budget_ms=args.budget_ms,
        )
        model, label = resolve(args.model, random_weights=args.model in LIGHT, seed=args.seed)
        analysis = analyze(model, label=label)
        inputs = samples(analysis, count=args.samples, seed=args.seed)
        result = split_traffic(model, analysis, inputs, scenario)
    except EngineError as error:
        return _fail("split", error)
    builders = (
        figures.split_data_figure,
        partial(figures.split_latency_figure, chain=args.plot_chain),
    )
    if (failed := traffic_plots.write("split", args, result, builders)) is not None:
        return failed
    return _emit(args, tables.split_json(result), tables.split_rows(result), _print_split)


def cmd_distribution(args: argparse.Namespace) -> int:
    if (failed := traffic_plots.check("distribution", args)) is not None:
        return failed
    try:
        scenario = DistributionScenario(
            link_mbps=tuple(args.link_mbps), deadline_s=args.deadline_s, ues=args.ues
        )
        repository, identifier = _repository(args.model, args.seed)
        result = distribution_traffic(repository, identifier, scenario)
    except EngineError as error:
        return _fail("distribution", error)
    failed = traffic_plots.write("distribution", args, result, [figures.delivery_figure])
    if failed is not None:
        return failed
    return _emit(
        args, tables.distribution_json(result), tables.distribution_rows(result), _print_dist
    )


def cmd_fl(args: argparse.Namespace) -> int:
    if (failed := traffic_plots.check("fl", args)) is not None:
        return failed
    try:
        scenario = FlScenario(
            ues=args.ues,
            rounds=args.rounds,
            deadline_s=args.deadline_s,
            epochs=args.epochs,
            chains=tuple(args.codec),
        )
        if args.model == DIGITS:
            fl_model = digits_mlp(scenario, seed=args.seed)
        else:
            model, label = resolve(args.model, random_weights=args.model in LIGHT, seed=args.seed)
            fl_model = onnx_weights(model, label)
        result = fl_traffic(fl_model, scenario)
    except EngineError as error:
        return _fail("fl", error)
    if (failed := traffic_plots.write("fl", args, result, [figures.fl_figure])) is not None:
        return failed
    return _emit(args, tables.fl_json(result), tables.fl_rows(result), _print_fl)


def _repository(spec: str, seed: int) -> tuple[ModelRepository, str]:
    if spec in embedded_names():
        return embedded_repository(seed=seed, names=[spec]), spec
    model, _ = resolve(spec)  # a file; raises UnknownModelError for anything else
    repository = ModelRepository()
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", Path(spec).stem).lstrip("._-")[:200]
    return repository, repository.add(model, identifier=stem or None, kind=f"file {spec}")


def _emit(
    args: argparse.Namespace, document: dict[str, Any], rows: list[dict[str, Any]], human: Any
) -> int:
    if args.json:
        print(json.dumps(document, indent=2))
    elif args.csv:
        sys.stdout.write(tables.to_csv(rows))
    else:
        human(document)
    return EXIT_OK


def _fail(command: str, error: EngineError) -> int:
    print(f"ts26927 traffic {command}: {error}", file=sys.stderr)
    return exit_code(error, _USAGE_ERRORS)


# -- human tables ----------------------------------------------------------------------------
def _kb(value: float | None) -> str:
    return "-" if value is None else f"{value / 1000:.1f}"


def _print_split(doc: dict[str, Any]) -> None:
    s = doc["scenario"]
    fps = [f"{f:g}" for f in s["fps"]]
    print(
        f"{doc['model']}: {len(doc['splitPoints'])} cuts (0 = all in the network, last = all "
        f"on the UE); inputs: {doc['inputs']}"
    )
    print(
        f"  UE {s['ueFlops'] / GIGA:g} GFLOPS, network {s['networkFlops'] / GIGA:g} GFLOPS, "
        f"uplink {s['uplinkMbps']:g} Mbit/s + {s['oneWayLatencyMs']:g} ms, budget "
        f"{s['budgetMs']:g} ms; inference time = FLOP / FLOPS; sizes in kB (10^3 bytes)"
    )
    chains = s["codecChains"]
    rates = " ".join(f"Mb/s@{f}" for f in fps)
    print(
        f"{'pt':>4} {'name':<14} {'raw kB':>9} {'UE %':>6} {'UE MB':>7} {'UE ms':>8} "
        f"{'net ms':>7}  " + "  ".join(f"[{c}: kB {rates} ms ok]" for c in chains)
    )
    for p in doc["splitPoints"]:
        cells = []
        for c in p["codecs"]:
            if c.get("refused"):
                cells.append("refused")
                continue
            speeds = " ".join(f"{c['uplinkMbps'][f]:.2f}" for f in fps)
            mark = "yes" if c["meetsBudget"] else "no"
            cells.append(f"{_kb(c['unitBytesMean'])} {speeds} {c['totalMs']:.1f} {mark}")
        ue_mb = p["ueParameterBytes"]
        print(
            f"{p['splitPoint']:>4} {p['name'][:14]:<14} {_kb(p['rawBytes']):>9} "
            f"{p['ueComputeShare'] * 100:>6.1f} "
            f"{'-' if ue_mb is None else f'{ue_mb / 1e6:.2f}':>7} "
            f"{p['ueInferenceMs']:>8.2f} {p['networkInferenceMs']:>7.2f}  " + "  ".join(cells)
        )


def _print_dist(doc: dict[str, Any]) -> None:
    s = doc["scenario"]
    links = [f"{r:g}" for r in s["linkMbps"]]
    print(
        f"{doc['model']}: delivery within {s['deadlineS']:g} s to {s['ues']} UEs "
        "(bytes to use: every package up to the variant)"
    )
    print(
        f"{'variant':<22} {'format':<30} {'burst kB':>10} {'to use kB':>10} {'need Mb/s':>10} "
        + " ".join(f"{'s@' + r:>9}" for r in links)
        + f" {'unicast MB':>11} {'shared MB':>10}"
    )
    for v in doc["variants"]:
        times = " ".join(f"{v['deliveryS'][r]:>9.3f}" for r in links)
        print(
            f"{v['variant'][:22]:<22} {v['format'][:30]:<30} {_kb(v['burstBytes']):>10} "
            f"{_kb(v['bytesToUse']):>10} {v['requiredMbps']:>10.3f} {times} "
            f"{v['unicastBytes'] / 1e6:>11.2f} {v['sharedBytes'] / 1e6:>10.2f}"
        )


def _print_fl(doc: dict[str, Any]) -> None:
    s, down = doc["scenario"], doc["downlink"]
    print(f"{doc['model']}: {doc['parameters']} parameters; update: {doc['update']}")
    print(f"  {s['ues']} UEs, {s['rounds']} rounds, round deadline {s['roundDeadlineS']:g} s")
    print(
        f"  downlink per UE: {_kb(down['rawBytesPerUe'])} kB raw, "
        f"{_kb(down['wireBytesPerUe'])} kB as 6.6.6.5 JSON; per round "
        f"{_kb(down['unicastBytesPerRound'])} kB unicast, {_kb(down['sharedBytesPerRound'])} kB "
        f"shared; needs {down['requiredMbps']:.3f} Mbit/s"
    )
    print(f"  uplink per UE as 6.6.6.5 JSON: {_kb(doc['uplink']['wireBytesPerUe'])} kB")
    print(f"  {'chain':<12} {'kB/UE':>10} {'kB/round':>12} {'kB/all':>14} {'need Mb/s':>10}")
    for u in doc["uplink"]["codecs"]:
        if u.get("refused"):
            print(f"  {u['chain']:<12} refused: {u['refused']}")
            continue
        print(
            f"  {u['chain']:<12} {_kb(u['bytesPerUe']):>10} {_kb(u['groupBytesPerRound']):>12} "
            f"{_kb(u['groupBytesAllRounds']):>14} {u['requiredMbps']:>10.3f}"
        )


# -- argument types --------------------------------------------------------------------------
def _chain(value: str) -> str:
    try:
        return CodecChain.parse(value).name
    except CodecError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _common(p: argparse.ArgumentParser, default_model: str) -> None:
    p.add_argument(
        "--model",
        default=default_model,
        metavar="MODEL",
        help=f"embedded model ({', '.join(embedded_names())}) or ONNX file "
        f"(default {default_model}); zoo topologies get seeded random weights",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of weights and inputs (default 0)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print a JSON document")
    out.add_argument("--csv", action="store_true", help="print CSV rows")


def _codec_option(p: argparse.ArgumentParser, what: str) -> None:
    chains = " ".join(DEFAULT_CHAINS)
    p.add_argument(
        "--codec",
        type=_chain,
        nargs="+",
        default=list(DEFAULT_CHAINS),
        metavar="CHAIN",
        help=f"{what} (default {chains})",
    )


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``traffic`` command and its subcommands to the ``ts26927`` parser."""
    traffic = sub.add_parser(
        "traffic",
        help="clause 7 traffic characteristics computed from real models",
        description="Burst sizes, data rates and latency for split operation (7.3), model "
        "distribution (7.2) and federated learning, from real models. Rates in Mbit/s "
        "(10^6 bit/s), sizes in bytes, times in ms or s.",
    )
    actions = traffic.add_subparsers(dest="traffic_command", required=True)

    p = actions.add_parser(
        "split",
        help="intermediate data, uplink rates and latency per split point (7.3)",
        description="Per split point: intermediate data raw and per codec chain (measured "
        "through the intermediate data unit encoder on real inputs), uplink rate at each frame "
        "rate, the UE's share of compute and its weights, and UE inference + transfer + "
        "network inference (inference time = FLOP / FLOPS) against the budget.",
    )
    _common(p, "resnet50")
    p.add_argument(
        "--fps",
        type=positive_float,
        nargs="+",
        default=[30.0],
        help="frame rates, inferences per second (default 30)",
    )
    _codec_option(p, "codec chains")
    p.add_argument(
        "--ue-gflops", type=positive_float, default=100.0, help="UE compute, GFLOPS (default 100)"
    )
    p.add_argument(
        "--network-gflops",
        type=positive_float,
        default=10_000.0,
        help="network compute, GFLOPS (default 10000)",
    )
    p.add_argument(
        "--uplink-mbps", type=positive_float, default=50.0, help="uplink rate, Mbit/s (default 50)"
    )
    p.add_argument(
        "--latency-ms",
        type=non_negative_float,
        default=10.0,
        help="one-way uplink latency, ms (default 10)",
    )
    p.add_argument(
        "--budget-ms",
        type=positive_float,
        default=100.0,
        help="end-to-end latency budget, ms (default 100)",
    )
    p.add_argument(
        "--samples",
        type=positive_int,
        default=DEFAULT_SAMPLES,
        help=f"held-out digits or seeded inputs to measure on (default "
        f"{DEFAULT_SAMPLES}; image models use every sample photo)",
    )
    traffic_plots.add_option(p, "split-data, split-latency")
    p.add_argument(
        "--plot-chain",
        type=_chain,
        metavar="CHAIN",
        help="codec chain of the latency plot, one of --codec (default: of the chains that "
        "carry every split point, the one with the smallest units in total)",
    )
    p.set_defaults(func=cmd_split)

    p = actions.add_parser(
        "distribution",
        help="model size per variant, delivery rate and time, unicast vs shared (7.2)",
        description="Per deliverable variant (ONNX file, adaptive levels): burst size, bytes "
        "to use it, rate to deliver within the deadline, delivery time at each link rate, and "
        "the volume for N UEs by unicast and by one shared delivery.",
    )
    _common(p, DIGITS)
    p.add_argument(
        "--link-mbps",
        type=positive_float,
        nargs="+",
        default=[10.0, 50.0, 100.0, 1000.0],
        help="downlink rates, Mbit/s (default 10 50 100 1000)",
    )
    p.add_argument(
        "--deadline-s", type=positive_float, default=10.0, help="delivery deadline, s (default 10)"
    )
    p.add_argument("--ues", type=positive_int, default=100, help="number of UEs (default 100)")
    traffic_plots.add_option(p, "delivery-time")
    p.set_defaults(func=cmd_distribution)

    p = actions.add_parser(
        "fl",
        help="federated learning volume per round, per UE and per group",
        description="Per round: global model downlink and update uplink per UE and per group "
        "of N UEs, with the update through each codec chain, and the rate each leg needs to "
        "fit the round deadline. 'digits' is the federated engine's MLP with a really "
        "trained update; other models count their float32 weights as a full-model update.",
    )
    _common(p, DIGITS)
    p.add_argument("--ues", type=positive_int, default=10, help="UEs per round (default 10)")
    p.add_argument("--rounds", type=positive_int, default=10, help="rounds (default 10)")
    p.add_argument(
        "--deadline-s", type=positive_float, default=10.0, help="round deadline, s (default 10)"
    )
    p.add_argument(
        "--epochs",
        type=positive_int,
        default=1,
        help="local epochs of the digits update (default 1)",
    )
    _codec_option(p, "update codec chains")
    traffic_plots.add_option(p, "fl-volume")
    p.set_defaults(func=cmd_fl)
