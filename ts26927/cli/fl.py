"""Federated learning subcommands: ``fl simulate``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

from ts26927.cli.common import EXIT_OK, EXIT_USAGE
from ts26927.engine.federated.data import Partition
from ts26927.engine.federated.server import Aggregator
from ts26927.engine.federated.simulation import (
    RoundRecord,
    SimulationConfig,
    SimulationReport,
    simulate,
)


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
    return {
        "config": config,
        "initialAccuracy": report.initial_accuracy,
        "finalAccuracy": report.final_accuracy,
        "ineligible": report.ineligible,
        "flowSteps": report.flow_steps,
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
            aggregator=Aggregator(args.aggregator),
            min_clients=args.min_clients,
            target_accuracy=args.target,
            seed=args.seed,
        )
        if config.clients < 1 or config.rounds < 1:
            raise ValueError("clients and rounds must be at least 1")
        show = not args.json and sys.stderr.isatty()
        report = simulate(config, _progress(config.rounds) if show else None)
    except ValueError as error:
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
    p.add_argument("--aggregator", choices=[a.value for a in Aggregator], default="fedavg")
    p.add_argument("--min-clients", type=int, default=2)
    p.add_argument("--target", type=float, default=None, help="stop at this accuracy (%%)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_simulate)
