"""Each template's notebook is made from its manifest: one output per section and per chart, in its order."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from juesuan.build.notebook_source import cell_sources
from juesuan.data.template import load_template, shipped_templates

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


@pytest.mark.parametrize("name", shipped_templates())
def test_the_committed_notebook_is_the_manifest_s(name):
    template = load_template(name)
    committed = json.loads((NOTEBOOKS / template.notebook).read_text(encoding="utf-8"))
    cells = [(c["cell_type"], "".join(c["source"]), c["metadata"].get("tags", [])) for c in committed["cells"]]
    assert cells == cell_sources(template)


def test_the_seed_s_cells_by_hand():
    """The seed's notebook, counted by hand from its manifest: 5 opening cells, 17 sections (the trend one
    cell with 图8), 图1–图7 each after its section, the tables and the published check."""
    sources = [source for _, source, _ in cell_sources(load_template("sichuan"))]
    assert len(sources) == 5 + 17 + 7 + 2
    assert sources.index("show_chart(report.chart(1))") == sources.index('show(report.section("overview"))') + 1
    assert sources[-2:] == ["show_tables(report)", "show_published_check(report)"]


def test_the_national_tables_follow_part_one():
    sources = [source for _, source, _ in cell_sources(load_template("national"))]
    assert sources.index("show_tables(report)") == sources.index('show(report.section("part1"))') + 1
    assert not any(s.startswith("show_chart(") for s in sources)  # the national template has no charts
