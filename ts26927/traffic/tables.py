"""Traffic results as JSON documents and as flat CSV rows (one header, one row per line).

Field names state their units: ``Bytes``, ``Mbps`` (Mbit/s), ``Ms``, ``S``, ``Flop``,
``Flops``. Per-frame-rate and per-link-rate figures are keyed by the rate in JSON and become
one column per rate in CSV (``uplinkMbpsAt30fps``, ``deliveryS@50Mbps``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from ts26927.traffic.distribution import DistributionTraffic
from ts26927.traffic.federated import FlTraffic
from ts26927.traffic.split import SplitTraffic

Row = dict[str, Any]


def _rate(value: float) -> str:
    """A rate as a key: ``30`` for 30.0, ``7.5`` for 7.5."""
    return f"{value:g}"


def split_json(result: SplitTraffic) -> dict[str, Any]:
    s = result.scenario
    return {
        "model": result.model,
        "inputs": result.inputs,
        "direction": "UPLINK (UE runs the head, the network the tail)",
        "inferenceTimeModel": "FLOP / FLOPS",
        "scenario": {
            "fps": list(s.fps),
            "codecChains": list(s.chains),
            "ueFlops": s.ue_flops,
            "networkFlops": s.network_flops,
            "uplinkMbps": s.uplink_mbps,
            "oneWayLatencyMs": s.latency_ms,
            "budgetMs": s.budget_ms,
        },
        "wholeFlop": result.whole_flop,
        "wholeParameterBytes": result.whole_parameter_bytes,
        "splitPoints": [
            {
                "splitPoint": p.number,
                "name": p.name,
                "opType": p.op_type,
                "tensors": list(p.tensors),
                "rawBytes": p.raw_bytes,
                "rawUplinkMbps": {_rate(f): v for f, v in p.raw_uplink_mbps.items()},
                "ueFlop": p.ue_flop,
                "networkFlop": p.network_flop,
                "ueComputeShare": p.ue_compute_share,
                "ueParameterBytes": p.ue_parameter_bytes,
                "uePeakActivationBytes": p.ue_peak_activation_bytes,
                "ueInferenceMs": p.ue_ms,
                "networkInferenceMs": p.network_ms,
                "codecs": [
                    {
                        "chain": c.chain,
                        "unitBytesMean": c.unit_bytes_mean,
                        "unitBytesMax": c.unit_bytes_max,
                        "uplinkMbps": {_rate(f): v for f, v in c.uplink_mbps.items()},
                        "fitsUplink": {_rate(f): v for f, v in c.fits_uplink.items()},
                        "transferMs": c.transfer_ms,
                        "totalMs": c.total_ms,
                        "meetsBudget": c.meets_budget,
                        **({"refused": c.refused} if c.refused else {}),
                    }
                    for c in p.codecs
                ],
            }
            for p in result.points
        ],
    }


def split_rows(result: SplitTraffic) -> list[Row]:
    """One row per (split point, codec chain)."""
    rows = []
    for p in result.points:
        for c in p.codecs:
            row: Row = {
                "model": result.model,
                "splitPoint": p.number,
                "name": p.name,
                "opType": p.op_type,
                "rawBytes": p.raw_bytes,
                "ueComputeShare": p.ue_compute_share,
                "ueParameterBytes": p.ue_parameter_bytes,
                "ueInferenceMs": p.ue_ms,
                "networkInferenceMs": p.network_ms,
                "chain": c.chain,
                "unitBytesMean": c.unit_bytes_mean,
                "unitBytesMax": c.unit_bytes_max,
            }
            for fps in result.scenario.fps:
                row[f"uplinkMbpsAt{_rate(fps)}fps"] = c.uplink_mbps.get(fps)
                row[f"fitsUplinkAt{_rate(fps)}fps"] = c.fits_uplink.get(fps)
            row |= {
                "transferMs": c.transfer_ms,
                "totalMs": c.total_ms,
                "meetsBudget": c.meets_budget,
            }
            rows.append(row)
    return rows


def distribution_json(result: DistributionTraffic) -> dict[str, Any]:
    s = result.scenario
    return {
        "model": result.model,
        "direction": "DOWNLINK",
        "scenario": {"linkMbps": list(s.link_mbps), "deadlineS": s.deadline_s, "ues": s.ues},
        "variants": [
            {
                "variant": v.identifier,
                "format": v.data_format,
                "precision": v.precision,
                "updateOf": v.update_of,
                "burstBytes": v.burst_bytes,
                "bytesToUse": v.bytes_to_use,
                "accuracy": v.accuracy,
                "requiredMbps": v.required_mbps,
                "deliveryS": {_rate(r): t for r, t in v.delivery_s.items()},
                "unicastBytes": v.unicast_bytes,
                "sharedBytes": v.shared_bytes,
            }
            for v in result.variants
        ],
    }


def distribution_rows(result: DistributionTraffic) -> list[Row]:
    rows = []
    for v in distribution_json(result)["variants"]:
        delivery = v.pop("deliveryS")
        row: Row = {"model": result.model, **v}
        for rate, seconds in delivery.items():
            row[f"deliveryS@{rate}Mbps"] = seconds
        rows.append(row)
    return rows


def fl_json(result: FlTraffic) -> dict[str, Any]:
    s = result.scenario
    return {
        "model": result.model,
        "update": result.update_source,
        "scenario": {
            "ues": s.ues,
            "rounds": s.rounds,
            "roundDeadlineS": s.deadline_s,
            "epochs": s.epochs,
            "codecChains": list(s.chains),
        },
        "parameters": result.parameters,
        "downlink": {
            "rawBytesPerUe": result.downlink_raw_bytes,
            "wireBytesPerUe": result.downlink_wire_bytes,
            "unicastBytesPerRound": result.downlink_unicast_bytes,
            "sharedBytesPerRound": result.downlink_shared_bytes,
            "unicastBytesAllRounds": result.downlink_total_unicast_bytes,
            "requiredMbps": result.downlink_required_mbps,
        },
        "uplink": {
            "wireBytesPerUe": result.uplink_wire_bytes,
            "codecs": [
                {
                    "chain": u.chain,
                    "bytesPerUe": u.bytes_per_ue,
                    "groupBytesPerRound": u.group_bytes,
                    "groupBytesAllRounds": u.total_bytes,
                    "requiredMbps": u.required_mbps,
                    **({"refused": u.refused} if u.refused else {}),
                }
                for u in result.uplink
            ],
        },
    }


def fl_rows(result: FlTraffic) -> list[Row]:
    """One row per uplink codec chain, with the (uncompressed) downlink on each."""
    doc = fl_json(result)
    downlink = {f"downlink{k[0].upper()}{k[1:]}": v for k, v in doc["downlink"].items()}
    return [
        {
            "model": result.model,
            **{k: v for k, v in doc["scenario"].items() if k != "codecChains"},
            "parameters": result.parameters,
            **downlink,
            "uplinkWireBytesPerUe": result.uplink_wire_bytes,
            **{f"uplink{k[0].upper()}{k[1:]}": v for k, v in codec.items() if k != "refused"},
        }
        for codec in doc["uplink"]["codecs"]
    ]


def to_csv(rows: Sequence[Row]) -> str:
    """CSV text (RFC 4180, ``\\n`` line ends); empty cells for None."""
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return out.getvalue()
