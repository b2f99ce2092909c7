"""Published 3GPP KPI figures for AI/ML model transfer, to compare clause 7 traffic with.

The rows are those of 3GPP TS 22.261 V20.5.0 (2025-12), clause 7.10 "KPIs for AI/ML model
transfer in 5GS": tables 7.10.1-1 to 7.10.1-3 (direct network connection) and 7.10.2-1 to
7.10.2-3 (direct device connection). Since Rel-19 the clause has these two sub-clauses, so the
Rel-18 numbers 7.10-1 to 7.10-3 no longer exist. Of the per-use-case tables of TR 22.874
(where these KPIs come from) we could read only the clause 5.2 table (enhanced media
recognition) in a citable form; :mod:`.comparison` uses the feature map shapes it gives.

Each figure keeps its published text and a normalised number in one unit per quantity, with
the factor from :data:`UNIT_FACTORS`: times in ms, sizes in bytes, rates in Mbit/s,
availability and reliability in %. Prefixes are decimal (1 MByte = 10**6 bytes, 1 Gbit/s =
1000 Mbit/s), as the tables' own arithmetic shows: 0.27 MByte in 15 ms is the 144 Mbit/s of
table 7.10.1-1 only with decimal megabytes. Empty cells and "TBD" are ``None``.

The tables name no model, input size or frame rate; only table 7.10.2-1 states a bit depth.
So :func:`rows_for_model` finds no row for any embedded model today: the fields are there for
sources that do name one, and no model is inferred where the table is silent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

TS_22_261 = "3GPP TS 22.261"
TS_22_261_VERSION = "V20.5.0 (2025-12)"


class Kind(StrEnum):
    """The TR 22.874 family a row belongs to (TR 26.927 clause 4 keeps the same three)."""

    SPLIT = "split"
    DISTRIBUTION = "distribution"
    FEDERATED = "federated"


class Quantity(StrEnum):
    """What a figure measures; each has one normalised unit."""

    TIME = "ms"
    SIZE = "bytes"
    RATE = "Mbit/s"
    PERCENT = "%"


class Direction(StrEnum):
    """Which link a figure is about."""

    UPLINK = "UL"
    DOWNLINK = "DL"
    DEVICE = "direct device connection"


# Published unit -> (quantity, factor to the normalised unit). Case matters: MB is bytes.
UNIT_FACTORS: dict[str, tuple[Quantity, float]] = {
    "ms": (Quantity.TIME, 1.0),
    "s": (Quantity.TIME, 1000.0),
    "kByte": (Quantity.SIZE, 1e3),
    "MByte": (Quantity.SIZE, 1e6),
    "Mbyte": (Quantity.SIZE, 1e6),
    "MB": (Quantity.SIZE, 1e6),
    "kbit/s": (Quantity.RATE, 1e-3),
    "Mbit/s": (Quantity.RATE, 1.0),
    "Gbit/s": (Quantity.RATE, 1e3),
    "Mbps": (Quantity.RATE, 1.0),
    "Gbps": (Quantity.RATE, 1e3),
    "Mbyte/s": (Quantity.RATE, 8.0),  # bytes to bits
    "%": (Quantity.PERCENT, 1.0),
}

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_UNITS = "|".join(re.escape(u) for u in sorted(UNIT_FACTORS, key=len, reverse=True))
_FIGURE = re.compile(
    rf"^\s*(?P<at_most>≤)?\s*{_NUMBER}(?:\s*[\u2013\-~]\s*{_NUMBER})?\s*"
    rf"(?P<unit>{_UNITS})(?![A-Za-z])(?P<rest>.*)$"
)


@dataclass(frozen=True)
class Figure:
    """One published cell: its text and its value in the normalised unit."""

    published: str
    quantity: Quantity
    low: float
    high: float
    at_most: bool
    qualifier: str

    @property
    def value(self) -> float:
        """The limit the cell sets: the upper end of a range ("2-3 s" gives 3000 ms)."""
        return self.high

    @property
    def unit(self) -> str:
        return self.quantity.value


def parse_figure(published: str, quantity: Quantity) -> Figure:
    """``published`` ("≤ 1.28 Gbps", "2-3 s", "0.27 MByte") normalised; text after the unit
    ("/frame", "(see note 1)") is kept as the qualifier."""
    match = _FIGURE.match(published)
    if match is None:
        raise ValueError(f"not a published figure: {published!r}")
    unit_quantity, factor = UNIT_FACTORS[match["unit"]]
    if unit_quantity is not quantity:
        raise ValueError(f"{published!r} is a {unit_quantity.name}, expected {quantity.name}")
    low = float(match[2].replace(",", ".")) * factor
    high = float(match[3].replace(",", ".")) * factor if match[3] else low
    return Figure(published, quantity, low, high, bool(match["at_most"]), match["rest"].strip())


def _fig(text: str | None, quantity: Quantity) -> Figure | None:
    return None if text is None else parse_figure(text, quantity)


@dataclass(frozen=True)
class LinkKpi:
    """The figures a row gives for one link."""

    direction: Direction
    latency: Figure | None = None
    data_rate: Figure | None = None
    payload: Figure | None = None
    availability: Figure | None = None
    reliability: Figure | None = None

    def figures(self) -> tuple[Figure, ...]:
        cells = (self.latency, self.data_rate, self.payload, self.availability, self.reliability)
        return tuple(f for f in cells if f is not None)

    @property
    def implied_rate_mbps(self) -> float | None:
        """Payload over latency in Mbit/s: the rate that moves one payload within the
        latency budget (None unless both are given)."""
        if self.payload is None or self.latency is None:
            return None
        return self.payload.value * 8 / (self.latency.value / 1000.0) / 1e6


def link(
    direction: Direction,
    latency: str | None = None,
    data_rate: str | None = None,
    payload: str | None = None,
    availability: str | None = None,
    reliability: str | None = None,
) -> LinkKpi:
    """A :class:`LinkKpi` from the published cell texts."""
    return LinkKpi(
        direction,
        _fig(latency, Quantity.TIME),
        _fig(data_rate, Quantity.RATE),
        _fig(payload, Quantity.SIZE),
        _fig(availability, Quantity.PERCENT),
        _fig(reliability, Quantity.PERCENT),
    )


@dataclass(frozen=True)
class PublishedTable:
    """Where rows come from: spec, version, clause, table number and title, and its notes."""

    source: str
    version: str | None
    clause: str
    number: str
    title: str
    kind: Kind
    notes: tuple[str, ...] = ()

    @property
    def citation(self) -> str:
        version = f" {self.version}" if self.version else ""
        return f"{self.source}{version}, clause {self.clause}, table {self.number}"


@dataclass(frozen=True)
class PublishedModel:
    """The model a row describes, only as far as the table states it."""

    name: str | None = None
    input_size: str | None = None
    bit_depth: int | None = None


@dataclass(frozen=True)
class PublishedKpi:
    """One table row: its use case (the Remarks column) and its figures per link."""

    table: PublishedTable
    use_case: str
    links: tuple[LinkKpi, ...]
    model: PublishedModel = field(default_factory=PublishedModel)
    frame_rate_fps: float | None = None
    other_columns: tuple[tuple[str, str], ...] = ()
    assumptions: str = ""

    @property
    def kind(self) -> Kind:
        return self.table.kind

    def on(self, direction: Direction) -> LinkKpi | None:
        """The figures for one link, if the row gives any."""
        return next((k for k in self.links if k.direction is direction), None)

    def figures(self) -> tuple[Figure, ...]:
        return tuple(f for k in self.links for f in k.figures())


_CSA_NOTE = (
    "Communication service availability relates to the service interfaces, and reliability "
    "relates to a given system entity. One or more retransmissions of network layer packets "
    "can take place in order to satisfy the reliability requirement."
)


def _ts_22_261(clause: str, number: str, title: str, kind: Kind, *notes: str) -> PublishedTable:
    return PublishedTable(TS_22_261, TS_22_261_VERSION, clause, number, title, kind, notes)


T_SPLIT_NET = _ts_22_261(
    "7.10.1",
    "7.10.1-1",
    "KPI Table of split AI/ML inference between UE and Network Server/Application function",
    Kind.SPLIT,
    f"NOTE 1: {_CSA_NOTE}",
)
T_DOWNLOAD_NET = _ts_22_261(
    "7.10.1",
    "7.10.1-2",
    "KPI Table of AI/ML model downloading",
    Kind.DISTRIBUTION,
    "NOTE 1: 512Mbit/s concerns AI/ML models having a payload size below 64 MB. "
    "TBD for larger payload sizes.",
    f"NOTE 2: {_CSA_NOTE}",
)
T_FL_NET = _ts_22_261(
    "7.10.1",
    "7.10.1-3",
    "KPI Table of Federated Learning between UE and Network Server/Application function",
    Kind.FEDERATED,
)
T_SPLIT_DEV = _ts_22_261(
    "7.10.2",
    "7.10.2-1",
    "KPI Table of Split AI/ML operation between AI/ML endpoints for AI inference by "
    "leveraging direct device connection",
    Kind.SPLIT,
    "NOTE 1: The KPIs in the table apply to UL data transmission in case of indirect "
    "network connection.",
)
T_SHARE_DEV = _ts_22_261(
    "7.10.2",
    "7.10.2-2",
    "KPI Table of AI/ML model/data distribution and sharing by leveraging direct device connection",
    Kind.DISTRIBUTION,
    "NOTE 1: The KPIs in the table apply to data transmission using direct device connection.",
    "NOTE 2: The AI/ML model data distribution is for a specific application service",
)
T_FL_DEV = _ts_22_261(
    "7.10.2",
    "7.10.2-3",
    "KPI Table of Distributed/Federated Learning by leveraging direct device connection",
    Kind.FEDERATED,
    "NOTE 1: The KPIs in the table apply to both UL and DL data transmission in case of "
    "indirect network connection.",
)

_UL, _DL, _DEV = Direction.UPLINK, Direction.DOWNLINK, Direction.DEVICE
_ONE_S_BOTH = "The latency column is 'Max allowed DL or UL end-to-end latency'; we give it to both."

PUBLISHED_KPIS: tuple[PublishedKpi, ...] = (
    # Table 7.10.1-1: uplink and downlink columns; blank cells stay None.
    PublishedKpi(
        T_SPLIT_NET,
        "Split AI/ML image recognition",
        (
            link(_UL, "15 ms", "144 Mbit/s", "0.27 MByte", "99.999 %", "99.9 %"),
            link(_DL, reliability="99.999 %"),
        ),
        assumptions="The payload is the intermediate data sent per inference; the table "
        "names no model, input size or frame rate.",
    ),
    PublishedKpi(
        T_SPLIT_NET,
        "Enhanced media recognition",
        (
            link(_UL, "100 ms", "1.5 Mbit/s"),
            link(_DL, "100 ms", "150 Mbit/s", "1.5 MByte/frame"),
        ),
        assumptions="The DL payload is per frame; the frame rate is not stated.",
    ),
    PublishedKpi(
        T_SPLIT_NET,
        "Split control for robotics",
        (link(_UL, data_rate="4.7 Mbit/s"), link(_DL, "12 ms", "320 Mbit/s", "40 kByte")),
    ),
    # Table 7.10.1-2: every latency is 1 s; the payload column is "Model size".
    PublishedKpi(
        T_DOWNLOAD_NET,
        "AI/ML model distribution for image recognition",
        (link(_DL, "1s", "1.1Gbit/s", "138MByte", "99.999 %", "99.9 %"),),
        assumptions="Reliability is 99.9% for data transmission of model weight factors and "
        "99.999% for data transmission of model topology; the weights' figure is kept.",
    ),
    PublishedKpi(
        T_DOWNLOAD_NET,
        "AI/ML model distribution for speech recognition",
        (link(_DL, "1s", "640Mbit/s", "80MByte", "99.999 %"),),
    ),
    PublishedKpi(
        T_DOWNLOAD_NET,
        "Real time media editing with on-board AI inference",
        (link(_DL, "1s", "512Mbit/s(see note 1)", "64MByte"),),
        other_columns=(
            ("# of downloaded AI/ML models", "Parallel download of up to 50 AI/ML models"),
        ),
        assumptions="NOTE 1: the rate holds for models below 64 MB.",
    ),
    PublishedKpi(
        T_DOWNLOAD_NET,
        "AI model management as a Service",
        (link(_DL, "1s", payload="536MByte"),),
        other_columns=(("User density", "up to 5000~10000/km2 in an urban area"),),
    ),
    PublishedKpi(
        T_DOWNLOAD_NET,
        "AI/ML based Automotive Networked Systems",
        (link(_DL, "1s", "22Mbit/s", "2.4MByte", "99.999 %"),),
    ),
    PublishedKpi(
        T_DOWNLOAD_NET,
        "Shared AI/ML model monitoring",
        (link(_DL, "1s", payload="500MByte"),),
    ),
    PublishedKpi(
        T_DOWNLOAD_NET,
        "Media quality enhancement",
        (link(_DL, "3s", "450Mbit/s", "170MByte"),),
    ),
    # Table 7.10.1-3: separate DL and UL rates and packet sizes, one latency column.
    PublishedKpi(
        T_FL_NET,
        "Uncompressed Federated Learning for image recognition",
        (link(_DL, "1s", "1.0Gbit/s", "132MByte"), link(_UL, "1s", "1.0Gbit/s", "132MByte")),
        assumptions=_ONE_S_BOTH,
    ),
    PublishedKpi(
        T_FL_NET,
        "Compressed Federated Learning for image/video processing",
        (link(_DL, "1s", "80.88Mbit/s", "10Mbyte"), link(_UL, "1s", "80.88Mbit/s", "10Mbyte")),
        assumptions=f"{_ONE_S_BOTH} Communication service availability: TBD.",
    ),
    PublishedKpi(
        T_FL_NET,
        "Data Transfer Disturbance in Multi-agent multi-device ML Operations",
        (link(_DL, "1s", payload="10MByte"), link(_UL, "1s", payload="10MByte")),
        assumptions=f"{_ONE_S_BOTH} Both data rates: TBD.",
    ),
    # Table 7.10.2-1: direct device connection.
    PublishedKpi(
        T_SPLIT_DEV,
        "Proximity-based work task offloading for Remote driving, AR displaying/gaming, "
        "remote-controlled robotics, video recognition and One-shot object recognition",
        (link(_DEV, "10\u2013100 ms", "≤ 720 Mbps", "≤ 1.5 Mbyte for each frame"),),
        assumptions="The payload column is 'Payload size (Intermediate data size)'.",
    ),
    PublishedKpi(
        T_SPLIT_DEV,
        "Local AI/ML model split on factory robots",
        (
            link(
                _DEV,
                "10 ms",
                "≤ 1.28 Gbps",
                "≤ 1.6 MByte (8 bits data format)",
                "99.999 %",
                "99.99 %",
            ),
        ),
        model=PublishedModel(bit_depth=8),
        other_columns=(("Service area dimension", "900 m2 (30 m x 30 m)"),),
        assumptions="Intermediate data in an 8-bit data format.",
    ),
    PublishedKpi(
        T_SPLIT_DEV,
        "Local AI/ML model split on factory robots",
        (link(_DEV, "10 ms", "≤ 1.5 Gbps", "≤ 6.4 Mbyte (32 bits data format)"),),
        model=PublishedModel(bit_depth=32),
        assumptions="Intermediate data in a 32-bit data format. The service area, availability "
        "and reliability cells of this row are blank in the source; they may be merged with "
        "the 8-bit row's in the original, but are not copied here. The table gives 1.5 Gbps "
        "although 6.4 MByte in 10 ms would need 5.12 Gbit/s; kept as published.",
    ),
    # Table 7.10.2-2.
    PublishedKpi(
        T_SHARE_DEV,
        "AI Model Transfer Management through Direct Device Connection",
        (link(_DEV, "1s", "≤ 1.92 Gbit/s", "≤ 240 MByte", "99.9 %"),),
    ),
    PublishedKpi(
        T_SHARE_DEV,
        "transfer learning for trajectory prediction",
        (link(_DEV, "3s", "≤ 81.33 Mbyte/s", "≤ 244 MByte"),),
        assumptions="The rate is published in Mbyte/s; normalised x8 to Mbit/s.",
    ),
    # Table 7.10.2-3: payload, latency, rate, reliability.
    PublishedKpi(
        T_FL_DEV,
        "Direct device connection assisted Federated Learning (Uncompressed model)",
        (link(_DEV, "2-3 s", "≤ 528 Mbit/s", "132 MByte"),),
    ),
    PublishedKpi(
        T_FL_DEV,
        "Asynchronous Federated Learning via direct device connection",
        (link(_DEV, "1 s", "≤ 220 Mbit/s", "≤ 50 MByte", reliability="99.99%"),),
        assumptions="The source we read prints both remarks in the first row's cell and "
        "leaves this row's blank; we read the second remark as this row's.",
    ),
)


def rows_of_kind(kind: Kind) -> tuple[PublishedKpi, ...]:
    """The rows of one family: split, distribution or federated."""
    return tuple(r for r in PUBLISHED_KPIS if r.kind is kind)


def rows_in_table(number: str) -> tuple[PublishedKpi, ...]:
    """The rows of one table, by its published number ("7.10.1-1")."""
    return tuple(r for r in PUBLISHED_KPIS if r.table.number == number)


def model_key(name: str) -> str:
    """A name reduced to lower-case letters and digits: "VGG-19" and "vgg19" are one."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def rows_for_model(name: str) -> tuple[PublishedKpi, ...]:
    """Rows whose stated model is ``name`` (an embedded model name such as ``resnet50``)."""
    key = model_key(name)
    return tuple(
        r for r in PUBLISHED_KPIS if r.model.name is not None and model_key(r.model.name) == key
    )
