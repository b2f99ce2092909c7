"""Rendering: PNG and SVG that carry the figure's data digest and data, byte for byte
reproducible."""

from __future__ import annotations

import base64
import importlib.util
import io
import sys
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from tests.traffic.test_figures import distribution_result, fl_result, split_result
from ts26927.errors import MissingExtraError
from ts26927.traffic import plots
from ts26927.traffic.figures import (
    FigureData,
    delivery_figure,
    fl_figure,
    split_data_figure,
    split_latency_figure,
)

#: The `plots` extra (part of `dev`); the tests of what happens without it run either way.
needs_matplotlib = pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is None, reason="matplotlib is not installed"
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DC = "{http://purl.org/dc/elements/1.1/}"

FIGURES: dict[str, Callable[[], FigureData]] = {
    "split-data": lambda: split_data_figure(split_result()),
    "split-latency": lambda: split_latency_figure(split_result()),
    "delivery-time": lambda: delivery_figure(distribution_result()),
    "fl-volume": lambda: fl_figure(fl_result()),
}


@pytest.fixture(scope="module", params=list(FIGURES))
def figure(request: pytest.FixtureRequest) -> FigureData:
    return FIGURES[request.param]()


@needs_matplotlib
def test_png_carries_the_digest_and_is_reproducible(figure: FigureData) -> None:
    content = plots.render(figure, "png")
    assert content.startswith(PNG_SIGNATURE)
    assert plots.embedded_digest(content) == figure.digest
    assert plots.embedded_data(content) == figure.to_json()
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "PNG"
        assert image.text["Description"] == plots.description(figure)
        assert image.text["Title"] == figure.title
        assert "Software" not in image.text  # no matplotlib version in the bytes
    assert plots.render(figure, "png") == content


@needs_matplotlib
def test_svg_is_xml_carrying_the_digest_and_is_reproducible(figure: FigureData) -> None:
    content = plots.render(figure, "svg")
    root = ET.fromstring(content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert plots.embedded_digest(content) == figure.digest
    assert plots.embedded_data(content) == figure.to_json()
    assert root.findtext(f".//{DC}description") == plots.description(figure)
    assert root.find(f".//{DC}date") is None  # no date: the bytes do not change with the day
    assert plots.render(figure, "svg") == content


def test_embedded_data_that_does_not_decode_is_none() -> None:
    figure = FIGURES["fl-volume"]()
    text = plots.description(figure).encode()
    packed = text.split(b"zlib ")[1].rstrip(b".")
    assert plots.embedded_data(b"<svg/>") is None
    assert plots.embedded_data(text.replace(packed, b"bm90IHpsaWI=")) is None  # not zlib
    assert plots.embedded_data(text.replace(packed, packed[:-12])) is None  # truncated
    bomb = base64.b64encode(zlib.compress(b"[" + b" " * (plots.MAX_DATA_BYTES + 1) + b"]"))
    assert plots.embedded_data(text.replace(packed, bomb)) is None
    deep = base64.b64encode(zlib.compress(b"[" * 100_000))
    assert plots.embedded_data(text.replace(packed, deep)) is None


@needs_matplotlib
def test_write_renders_each_format_into_the_directory(tmp_path: Path) -> None:
    figure = FIGURES["fl-volume"]()
    directory = tmp_path / "new" / "plots"
    written = plots.write(figure, directory)
    assert written == [directory / "fl-volume.png", directory / "fl-volume.svg"]
    for path in written:
        assert plots.embedded_digest(path.read_bytes()) == figure.digest
    assert plots.write(figure, directory, formats=["svg"]) == [directory / "fl-volume.svg"]


@pytest.mark.parametrize("fmt", ["pdf", "PNG", ""])
def test_an_unknown_format_is_refused(fmt: str) -> None:
    with pytest.raises(ValueError, match="png, svg"):
        plots.render(FIGURES["fl-volume"](), fmt)


def test_without_matplotlib_rendering_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` fails
    with pytest.raises(MissingExtraError) as raised:
        plots.render(FIGURES["fl-volume"](), "png")
    assert (raised.value.extra, raised.value.package) == ("plots", "matplotlib")
    assert "pip install 'ts26927[plots]'" in str(raised.value)


def test_bytes_without_a_digest_have_none() -> None:
    assert plots.embedded_digest(b"<svg/>") is None
    assert plots.embedded_digest(PNG_SIGNATURE + bytes(range(256))) is None
    assert plots.embedded_digest(b"ts26927 figure data sha256 " + b"0" * 64) == "0" * 64
