"""Render :class:`~.figures.FigureData` as PNG and SVG with matplotlib.

matplotlib is the optional ``plots`` extra (``pip install 'ts26927[plots]'``; the ``dev`` and
``docs`` extras include it): it is imported on first use, and a missing install is a
:class:`~ts26927.errors.MissingExtraError` that names the extra. Figures are built with the
object API (no pyplot state) on the Agg canvas, so it needs no display; renders are
serialised by a lock because the reproducibility settings are matplotlib rc parameters, which
are process-wide.

Output is reproducible: SVG ids come from a fixed hash salt and no date is written. Every
file carries the figure's data digest and the data itself, as canonical JSON compressed with
zlib in base64 (SVG ``dc:description``, PNG ``Description`` text chunk); that is what the docs
drift check compares (see :mod:`.drift`): the bytes of a figure may change with the matplotlib
version, the data it shows may not, beyond the tolerance of a measurement.
"""

from __future__ import annotations

import base64
import io
import json
import re
import threading
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ts26927.errors import MissingExtraError
from ts26927.traffic.figures import FigureData, Panel

FORMATS = ("png", "svg")
_WIDTH_IN, _PANEL_HEIGHT_IN, _DPI = 8.0, 3.6, 110
_DIGEST = re.compile(r"ts26927 figure data sha256 ([0-9a-f]{64})")
# The data ends with a full stop: in a PNG the text chunk's CRC follows it directly, and
# its bytes may look like base64.
_DATA = re.compile(r"ts26927 figure data zlib ([A-Za-z0-9+/=]+)\.")
_RENDERING = threading.Lock()
#: Most bytes the embedded data may inflate to (a figure's data is a few kB).
MAX_DATA_BYTES = 4 * 1024 * 1024


def description(figure: FigureData) -> str:
    """The text every rendered file carries: the title, the data digest and the data."""
    packed = base64.b64encode(zlib.compress(figure.canonical().encode(), 9)).decode()
    return (
        f"{figure.title}. ts26927 figure data sha256 {figure.digest} "
        f"ts26927 figure data zlib {packed}."
    )


def embedded_digest(content: bytes) -> str | None:
    """The data digest a rendered PNG or SVG carries, or None."""
    match = _DIGEST.search(content.decode("latin-1"))
    return match[1] if match else None


def embedded_data(content: bytes) -> Any | None:
    """The figure data (JSON) a rendered PNG or SVG carries, or None when it carries none or
    none that decodes."""
    match = _DATA.search(content.decode("latin-1"))
    if not match:
        return None
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(base64.b64decode(match[1], validate=True), MAX_DATA_BYTES)
        if inflater.unconsumed_tail:
            return None
        return json.loads(raw)
    except (ValueError, zlib.error, RecursionError):
        return None


def render(figure: FigureData, fmt: str) -> bytes:
    """``figure`` as PNG or SVG bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"plot format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    mpl, figure_class, canvas_class = _matplotlib()
    buffer = io.BytesIO()
    with _RENDERING, mpl.rc_context({"svg.hashsalt": "ts26927", "svg.fonttype": "path"}):
        canvas_figure = figure_class(
            figsize=(_WIDTH_IN, _PANEL_HEIGHT_IN * len(figure.panels) + 0.6),
            layout="constrained",
        )
        canvas_class(canvas_figure)
        canvas_figure.suptitle(figure.title)
        axes = canvas_figure.subplots(len(figure.panels), 1, squeeze=False)[:, 0]
        for ax, panel in zip(axes, figure.panels, strict=True):
            _draw(ax, panel)
        canvas_figure.savefig(buffer, format=fmt, dpi=_DPI, metadata=_metadata(figure, fmt))
    return buffer.getvalue()


def write(figure: FigureData, directory: Path, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Render ``figure`` into ``directory`` as ``<stem>.<fmt>``; the paths written. Every
    format is rendered before anything is written, so a failure leaves no partial output."""
    rendered = {fmt: render(figure, fmt) for fmt in formats}
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt, content in rendered.items():
        path = directory / f"{figure.stem}.{fmt}"
        path.write_bytes(content)
        written.append(path)
    return written


def _metadata(figure: FigureData, fmt: str) -> dict[str, Any]:
    if fmt == "svg":
        return {"Date": None, "Description": description(figure), "Title": figure.title}
    return {"Description": description(figure), "Title": figure.title, "Software": None}


def _draw(ax: Any, panel: Panel) -> None:
    if panel.stacked:
        _bars(ax, panel)
    else:
        for series in panel.series:
            points = [(x, y) for x, y in zip(series.x, series.y, strict=True) if y is not None]
            if points:
                xs, ys = zip(*points, strict=True)
                ax.plot(xs, ys, marker=".", markersize=3, linewidth=1, label=series.label)
    for line in panel.lines:
        ax.axhline(line.y, color="black", linestyle="--", linewidth=0.8, label=line.label)
    if panel.log_x:
        ax.set_xscale("log")
    if panel.log_y:
        ax.set_yscale("log")
    if panel.categories:
        ax.set_xticks(range(len(panel.categories)), panel.categories)
    ax.set_xlabel(panel.x_label)
    ax.set_ylabel(panel.y_label)
    ax.grid(True, which="major", linewidth=0.3)
    ax.legend(fontsize="x-small", loc="best")


def _bars(ax: Any, panel: Panel) -> None:
    bottoms: dict[float, float] = {}
    for series in panel.series:
        # A point without a value (a chain that cannot carry it) is not drawn at all: a
        # zero-height bar would read as "costs nothing".
        points = [(x, y) for x, y in zip(series.x, series.y, strict=True) if y is not None]
        xs = [x for x, _ in points]
        heights = [y for _, y in points]
        base = [bottoms.get(x, 0.0) for x in xs]
        ax.bar(xs, heights, bottom=base, width=0.8, label=series.label)
        for x, h in points:
            bottoms[x] = bottoms.get(x, 0.0) + h


def _matplotlib() -> tuple[Any, Any, Any]:
    """matplotlib, its Figure and the Agg canvas; a missing or broken install names the extra."""
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise MissingExtraError("plots", "matplotlib", "drawing traffic plots") from error
    return matplotlib, Figure, FigureCanvasAgg
