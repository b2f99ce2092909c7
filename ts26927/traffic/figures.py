"""What each traffic plot shows, as data: series of points, axes, reference lines.

A :class:`FigureData` is computed from a traffic result without any plotting library, so the
same object feeds the renderer (:mod:`.plots`), the generated docs page and its drift check:
its :attr:`~FigureData.digest` (SHA-256 of the canonical JSON) is written into every rendered
file, and a committed figure whose digest differs from the regenerated data is stale.

Values are rounded to :data:`SIGNIFICANT` significant digits: enough for any plot. (A
different CPU can still move a measured size of compressed units across a rounding boundary;
the drift check therefore compares numbers within a tolerance, see :mod:`.drift`.)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.errors import CodecError
from ts26927.traffic.distribution import DistributionTraffic
from ts26927.traffic.federated import FlTraffic
from ts26927.traffic.split import SplitTraffic

SIGNIFICANT = 4


def rounded(value: float | None) -> float | None:
    """``value`` to :data:`SIGNIFICANT` significant digits (None, 0 and non-finite values
    unchanged, as is a value within rounding of the largest float: rounding it up would
    overflow to infinity, which canonical JSON cannot carry)."""
    if value is None or value == 0 or not math.isfinite(value):
        return value
    result = float(f"{value:.{SIGNIFICANT - 1}e}")
    return result if math.isfinite(result) else value


@dataclass(frozen=True)
class Series:
    """One line or bar group: a label and (x, y) points; y None where there is no value."""

    label: str
    x: tuple[float, ...]
    y: tuple[float | None, ...]

    def __post_init__(self) -> None:
        if len(self.x) != len(self.y):
            raise ValueError(f"series {self.label!r}: {len(self.x)} x values, {len(self.y)} y")

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "x": list(self.x), "y": list(self.y)}


@dataclass(frozen=True)
class Line:
    """A horizontal reference line (a budget, a link rate, a deadline)."""

    label: str
    y: float

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "y": self.y}


@dataclass(frozen=True)
class Panel:
    """One set of axes. ``stacked`` draws the series as stacked bars, else as lines."""

    x_label: str
    y_label: str
    series: tuple[Series, ...]
    log_x: bool = False
    log_y: bool = False
    stacked: bool = False
    lines: tuple[Line, ...] = ()
    categories: tuple[str, ...] = ()
    """Tick labels when x is a category index (0, 1, ...), not a quantity."""

    def to_json(self) -> dict[str, Any]:
        return {
            "categories": list(self.categories),
            "xLabel": self.x_label,
            "yLabel": self.y_label,
            "logX": self.log_x,
            "logY": self.log_y,
            "stacked": self.stacked,
            "series": [s.to_json() for s in self.series],
            "lines": [line.to_json() for line in self.lines],
        }


@dataclass(frozen=True)
class FigureData:
    """A figure: a file stem, a title, its panels and where its numbers come from."""

    stem: str
    title: str
    panels: tuple[Panel, ...]
    source: str = ""
    """The model and measurement the figure plots (shown under it in the docs)."""
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "stem": self.stem,
            "title": self.title,
            "source": self.source,
            "notes": list(self.notes),
            "panels": [p.to_json() for p in self.panels],
        }

    def canonical(self) -> str:
        """The figure as canonical JSON (sorted keys, no spaces)."""
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()


def _points(values: list[float | None]) -> tuple[float | None, ...]:
    return tuple(rounded(v) for v in values)


def split_data_figure(result: SplitTraffic, *, stem: str = "split-data") -> FigureData:
    """Intermediate data per split point (raw and per codec chain) and the uplink rate each
    needs at every frame rate of the scenario, with the scenario's uplink rate."""
    points = result.points
    x = tuple(float(p.number) for p in points)
    sizes = [Series("raw", x, _points([p.raw_bytes for p in points]))]
    for index, chain in enumerate(result.scenario.chains):
        sizes.append(Series(chain, x, _points([p.codecs[index].unit_bytes_mean for p in points])))
    best = _best_chain(result)
    rates = [
        Series(f"raw at {fps:g} fps", x, _points([p.raw_uplink_mbps[fps] for p in points]))
        for fps in result.scenario.fps
    ]
    if best is not None:
        index = result.scenario.chains.index(best)
        rates += [
            Series(
                f"{best} at {fps:g} fps",
                x,
                _points([p.codecs[index].uplink_mbps.get(fps) for p in points]),
            )
            for fps in result.scenario.fps
        ]
    uplink = Line(f"uplink {result.scenario.uplink_mbps:g} Mbit/s", result.scenario.uplink_mbps)
    return FigureData(
        stem=stem,
        title=f"{result.model}: intermediate data and uplink rate per split point",
        panels=(
            Panel("split point", "bytes per inference", tuple(sizes), log_y=True),
            Panel("split point", "uplink Mbit/s", tuple(rates), log_y=True, lines=(uplink,)),
        ),
        source=f"{result.model}, measured on {result.inputs}",
        notes=(
            "Split point 0 sends the model's inputs, the last one its outputs; each codec "
            "size is the mean intermediate data unit over the samples, framing included.",
        ),
    )


def _best_chain(result: SplitTraffic) -> str | None:
    """The chain with the smallest total over the split points it can carry."""
    totals: dict[str, float] = {}
    for index, chain in enumerate(result.scenario.chains):
        sizes = [p.codecs[index].unit_bytes_mean for p in result.points]
        if sizes and all(s is not None for s in sizes):
            totals[chain] = sum(s for s in sizes if s is not None)
    return min(totals, key=lambda c: totals[c]) if totals else None


def split_latency_figure(
    result: SplitTraffic, chain: str | None = None, *, stem: str = "split-latency"
) -> FigureData:
    """UE inference + transfer + network inference per split point for one codec chain
    (default: the one with the smallest units), against the latency budget."""
    if chain:
        with contextlib.suppress(CodecError):  # an unknown chain is reported as not measured
            chain = CodecChain.parse(chain).name  # "int8+zstd" is INT8+ZSTD
    chain = chain or _best_chain(result) or result.scenario.chains[0]
    if chain not in result.scenario.chains:
        raise ValueError(f"codec chain {chain!r} was not measured: {list(result.scenario.chains)}")
    index = result.scenario.chains.index(chain)
    points = result.points
    x = tuple(float(p.number) for p in points)
    s = result.scenario
    stacks = (
        Series("UE inference", x, _points([p.ue_ms for p in points])),
        Series(
            f"transfer ({chain})",
            x,
            _points([p.codecs[index].transfer_ms for p in points]),
        ),
        Series("network inference", x, _points([p.network_ms for p in points])),
    )
    return FigureData(
        stem=stem,
        title=f"{result.model}: latency per split point ({chain})",
        panels=(
            Panel(
                "split point",
                "ms",
                stacks,
                stacked=True,
                lines=(Line(f"budget {s.budget_ms:g} ms", s.budget_ms),),
            ),
        ),
        source=f"{result.model}, measured on {result.inputs}",
        notes=(
            f"Inference time is FLOP / FLOPS (UE {s.ue_flops / 1e9:g} GFLOPS, network "
            f"{s.network_flops / 1e9:g} GFLOPS); transfer is the one-way latency "
            f"({s.latency_ms:g} ms) plus the mean unit at {s.uplink_mbps:g} Mbit/s.",
        ),
    )


def delivery_figure(result: DistributionTraffic, *, stem: str = "delivery-time") -> FigureData:
    """Delivery time of every model variant versus the link rate, with the deadline."""
    rates = tuple(sorted(result.scenario.link_mbps))
    series = tuple(
        Series(
            f"{v.identifier} ({v.bytes_to_use / 1e6:.3g} MB)",
            tuple(float(r) for r in rates),
            _points([v.delivery_s[r] for r in rates]),
        )
        for v in result.variants
    )
    deadline = result.scenario.deadline_s
    return FigureData(
        stem=stem,
        title=f"{result.model}: delivery time versus link rate",
        panels=(
            Panel(
                "link rate, Mbit/s",
                "delivery time, s",
                series,
                log_x=True,
                log_y=True,
                lines=(Line(f"deadline {deadline:g} s", deadline),),
            ),
        ),
        source=f"{result.model}: the delivery engine's variants, their bytes as delivered",
        notes=(
            "Bytes to use: an adaptive level needs every package from the base up to it; "
            "serialisation time only (no protocol overhead, no latency).",
        ),
    )


def fl_figure(result: FlTraffic, *, stem: str = "fl-volume") -> FigureData:
    """One UE's uplink per round through each codec chain beside the downlink raw size."""
    chains = [u.chain for u in result.uplink]
    x = tuple(float(i) for i in range(len(chains)))
    return FigureData(
        stem=stem,
        title=f"{result.model}: uplink per UE and round, by codec chain",
        panels=(
            Panel(
                "codec chain",
                "bytes per UE and round",
                (Series("uplink", x, _points([u.bytes_per_ue for u in result.uplink])),),
                stacked=True,
                lines=(Line("downlink (raw parameters)", float(result.downlink_raw_bytes)),),
                categories=tuple(chains),
            ),
        ),
        source=f"{result.model}: {result.update_source}",
    )
