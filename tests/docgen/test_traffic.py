"""The traffic page: its commands reproduce its scenarios, its figures are drift-checked by
the data they plot."""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from ts26927 import docgen
from ts26927.cli import parser
from ts26927.docgen.traffic import traffic_figures, traffic_page
from ts26927.traffic import drift, plots
from ts26927.traffic.figures import FigureData
from ts26927.traffic.published import PUBLISHED_KPIS
from ts26927.traffic.report import DISTRIBUTION_SCENARIO, FL_SCENARIO, SPLIT_SCENARIO

ROOT = Path(__file__).parent.parent.parent
FIGURES = ROOT / "docs" / "reference" / "traffic"


@pytest.fixture(scope="module")
def page() -> str:
    return traffic_page()


def _commands(page: str) -> list[list[str]]:
    block = page.split("```\n", 2)[1]
    joined = block.replace("\\\n", " ")
    return [shlex.split(line)[1:] for line in joined.splitlines() if line.startswith("ts26927")]


def test_the_page_has_its_sections_and_every_figure(page: str) -> None:
    for heading in (
        "# Traffic characteristics (clause 7)",
        "## Split operation (7.3)",
        "## Model distribution (7.2)",
        "## Federated learning (5.2.4)",
        "## The published KPI rows",
        "## Compared with the published figures",
    ):
        assert heading in page
    for path, figure in traffic_figures().items():
        assert f"]({path})" in page
        assert figure.source and figure.source in page


def test_the_commands_on_the_page_reproduce_its_scenarios(page: str) -> None:
    split, distribution, fl_digits, fl_model = (parser().parse_args(c) for c in _commands(page))
    assert tuple(split.fps) == SPLIT_SCENARIO.fps
    assert tuple(split.codec) == SPLIT_SCENARIO.chains
    assert split.ue_gflops * 1e9 == SPLIT_SCENARIO.ue_flops
    assert split.network_gflops * 1e9 == SPLIT_SCENARIO.network_flops
    assert split.uplink_mbps == SPLIT_SCENARIO.uplink_mbps
    assert split.latency_ms == SPLIT_SCENARIO.latency_ms
    assert split.budget_ms == SPLIT_SCENARIO.budget_ms
    assert tuple(distribution.link_mbps) == DISTRIBUTION_SCENARIO.link_mbps
    assert distribution.deadline_s == DISTRIBUTION_SCENARIO.deadline_s
    assert distribution.ues == DISTRIBUTION_SCENARIO.ues
    for fl in (fl_digits, fl_model):
        assert (fl.ues, fl.rounds, fl.deadline_s) == (
            FL_SCENARIO.ues,
            FL_SCENARIO.rounds,
            FL_SCENARIO.deadline_s,
        )
        assert fl.epochs == FL_SCENARIO.epochs
        assert tuple(fl.codec) == FL_SCENARIO.chains
    assert (fl_digits.model, fl_model.model) == ("digits", split.model)


def test_every_published_row_is_on_the_page(page: str) -> None:
    table = page.split("## The published KPI rows", 1)[1].split("## Compared", 1)[0]
    rows = [line for line in table.splitlines() if re.match(r"\| 7\.10\.", line)]
    assert len(rows) == len(PUBLISHED_KPIS)


def test_committed_figures_carry_the_data_they_plot(page: str) -> None:
    for path, figure in traffic_figures().items():
        committed = plots.embedded_data((ROOT / "docs" / "reference" / path).read_bytes())
        assert committed is not None, path
        assert drift.data_difference(committed, figure.to_json()) is None, path


def _docs_with(tmp_path: Path, stem: str, figure: FigureData) -> Path:
    """A copy of the docs in which figure ``stem`` is rendered from ``figure``."""
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    (docs / "reference" / "traffic" / f"{stem}.svg").write_bytes(plots.render(figure, "svg"))
    return docs


def _scaled(figure: FigureData, factor: float) -> FigureData:
    """``figure`` with every measured y value multiplied by ``factor``."""
    panels = tuple(
        replace(panel, series=tuple(
            replace(s, y=tuple(None if y is None else y * factor for y in s.y))
            for s in panel.series
        ))
        for panel in figure.panels
    )  # fmt: skip
    return replace(figure, panels=panels)


def test_a_figure_measured_on_another_cpu_is_not_stale(tmp_path: Path) -> None:
    figure = traffic_figures()["traffic/split-data.svg"]
    other_cpu = _scaled(figure, 1.003)  # a few bytes more in every compressed unit
    assert other_cpu.digest != figure.digest
    assert docgen.figure_differences(_docs_with(tmp_path, "split-data", other_cpu)) == []


def test_a_page_measured_on_another_cpu_is_not_stale(tmp_path: Path, page: str) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    committed = docs / "reference" / "traffic.md"
    row = next(
        line for line in page.splitlines() if re.match(r"\| \d+ \| .* \| (yes|no) \|$", line)
    )
    cells = row.split(" | ")
    cells[4] = f"{float(cells[4].replace(',', '')) * 1.002:,.0f}"  # the unit bytes
    committed.write_text(page.replace(row, " | ".join(cells)))
    assert docgen.differences(docs) == []
    cells[4] = f"{float(cells[4].replace(',', '')) * 1.05:,.0f}"  # 5 %: another model
    committed.write_text(page.replace(row, " | ".join(cells)))
    assert any("traffic.md" in found for found in docgen.differences(docs))


def test_a_figure_of_other_data_a_missing_one_and_a_stray_one_are_reported(
    tmp_path: Path,
) -> None:
    figure = traffic_figures()["traffic/split-data.svg"]
    docs = _docs_with(tmp_path, "split-data", _scaled(figure, 1.05))
    figures = docs / "reference" / "traffic"
    (figures / "fl-volume.svg").unlink()
    (figures / "old.svg").write_text("<svg/>")
    (figures / "delivery-time.svg").write_text("<svg/>")
    found = "\n".join(docgen.figure_differences(docs))
    assert (
        "figure out of date: reference/traffic/split-data.svg plots other data (/panels/0/" in found
    )
    assert (
        "figure out of date: reference/traffic/delivery-time.svg plots other data (no data)"
        in found
    )
    assert "missing: reference/traffic/fl-volume.svg" in found
    assert "not generated by the models: reference/traffic/old.svg" in found
    assert docgen.differences(docs)  # the page check includes the figures
