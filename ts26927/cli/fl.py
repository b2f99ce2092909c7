"""Federated learning subcommands: ``fl simulate``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

from ts26927.cli.common import EXIT_OK, EXIT_USAGE
from ts26927.engine.federated.data import Partition
from ts26927.engine.federated.runners import STRAGGLE_S
from ts26927.engine.federated.server import Aggregator
from ts26927.engine.federated.simulation import (
    Backend,
    RoundRecord,
    SimulationConfig,
    SimulationReport,
    simulate,
)
from ts26927.errors import MissingExtraError


def _progress(total: int) -> Any:
    def show(record: RoundRecord) -> None:
        done = round(20 * record.round_number / total)
        bar = "#" * done + "." * (20 - done)
        sys.stderr.write(
            f"\rround {record.round_number:>3}/{total} [{bar}] accuracy {record.accuracy:5.1f}%"
        )
        if record.round_number == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def report_dict(report: SimulationReport) -> dict[str, Any]:
    config = asdict(report.config)
    config["partition"] = report.config.partition.value
    config["aggregator"] = report.config.aggregator.value
    config["backend"] = report.config.backend.value
    return {
        "config": config,
        "initialAccuracy": report.initial_accuracy,
        "finalAccuracy": report.final_accuracy,
        "ineligible": report.ineligible,
        "flowSteps": report.flow_steps,
        "modelSha256": report.model_sha256,
        "rounds": [
            {
                "round": r.round_number,
                "accuracy": r.accuracy,
                "loss": r.loss,
                "evaluatedAccuracy": r.evaluated_accuracy,
                "contributors": r.contributors,
                "aggregated": r.aggregated,
                "excluded": [
                    {
                        "device": e.device,
                        "reason": e.reason,
                        "detail": e.detail,
                        "removed": e.removed,
                    }
                    for e in r.excluded
                ],
            }
            for r in report.rounds
        ],
    }


def cmd_simulate(args: argparse.Namespace) -> int:
    try:
        config = SimulationConfig(
            clients=args.clients,
            rounds=args.rounds,
            partition=Partition(args.partition),
            byzantine=args.byzantine,
            silent=args.silent,
            failing=args.failing,
            stragglers=args.stragglers,
            crashing=args.crashing,
            aggregator=Aggregator(args.aggregator),
            min_clients=args.min_clients,
            target_accuracy=args.target,
            seed=args.seed,
            min_samples=args.min_samples,
            backend=Backend(args.backend),
            address=args.address,
            round_timeout_s=args.round_timeout,
        )
        if config.clients < 1 or config.rounds < 1:
            raise ValueError("clients and rounds must be at least 1")
        if config.address is not None and config.backend is not Backend.RAY:
            raise ValueError("--address needs --backend ray")
        if config.round_timeout_s is not None and not config.round_timeout_s > 0:
            raise ValueError("--round-timeout must be positive")
        show = not args.json and sys.stderr.isatty()
        report = simulate(config, _progress(config.rounds) if show else None)
    except (ValueError, MissingExtraError) as error:
        print(f"ts26927 fl simulate: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(report_dict(report), indent=2))
        return EXIT_OK
    print(f"initial accuracy {report.initial_accuracy:.1f}%")
    for r in report.rounds:
        evaluated = (
            ""
            if r.evaluated_accuracy is None
            else (f", devices evaluated the previous model at {r.evaluated_accuracy:.1f}%")
        )
        print(
            f"round {r.round_number:>3}: accuracy {r.accuracy:5.1f}% "
            f"({r.contributors} update(s) aggregated{evaluated})"
        )
        for e in r.excluded:
            note = "removed from the process" if e.removed else "left out of this round"
            print(f"           {e.device}: {e.reason} — {e.detail} ({note})")
    for device in report.ineligible:
        print(f"ineligible: {device}")
    print(
        f"final accuracy {report.final_accuracy:.1f}% after {len(report.rounds)} round(s); "
        f"{report.flow_steps} steps checked against the 5.2.4.2 flow"
    )
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``fl simulate``."""
    fl = sub.add_parser("fl", help="distributed/federated learning")
    actions = fl.add_subparsers(dest="action", required=True)
    p = actions.add_parser("simulate", help="run federated rounds over simulated UEs")
    p.add_argument("--clients", type=int, default=10)
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--partition", choices=[p.value for p in Partition], default="iid")
    p.add_argument("--byzantine", type=int, default=0, help="devices sending garbage")
    p.add_argument("--silent", type=int, default=0, help="devices that never answer")
    p.add_argument("--failing", type=int, default=0, help="devices reporting failures")
    p.add_argument(
        "--stragglers",
        type=int,
        default=0,
        help=f"devices answering only after {STRAGGLE_S:g} s (wall clock)",
    )
    p.add_argument(
        "--crashing", type=int, default=0, help="devices whose worker dies in their first round"
    )
    p.add_argument("--aggregator", choices=[a.value for a in Aggregator], default="fedavg")
    p.add_argument("--min-clients", type=int, default=2)
    p.add_argument("--target", type=float, default=None, help="stop at this accuracy (%%)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--min-samples",
        type=int,
        default=10,
        help="eligibility: the minimum number of local samples (default 10)",
    )
    p.add_argument(
        "--backend",
        choices=[b.value for b in Backend],
        default=Backend.INPROCESS.value,
        help="where the devices' training runs: this process, or Ray tasks (needs "
        "pip install 'ts26927[distributed]'); the same seed gives the same model on both",
    )
    p.add_argument(
        "--address",
        default=None,
        help="Ray cluster to join (ray://host:10001, or auto); default: a local instance",
    )
    p.add_argument(
        "--round-timeout",
        type=float,
        default=None,
        metavar="S",
        help="wall-clock seconds a round waits for the devices; later answers are dropped",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_simulate)
