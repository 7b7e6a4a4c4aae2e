"""Charts a reader can read: no two texts overlap (boxes from the figure's own renderer), every slice
has its share written beside it, 图8 comes after 图1–图7. Seed data, synthetic data, small and equal values."""
from __future__ import annotations

import itertools
from decimal import Decimal as D
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.patches import Wedge  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from juesuan.report import charts  # noqa: E402
from juesuan.data.loading import load_year  # noqa: E402
from juesuan.report.report import load_report
from juesuan.data.template import load_template

SECTIONS = [s.key for s in load_template('sichuan').sections]  # noqa: E402
from juesuan.data.synth import write_synthetic  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"


def texts(fig) -> list[tuple[str, object]]:
    """Every visible, non-blank text with its box as drawn, in pixels (an annotation's text, not its leader line)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    found = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return [(t.get_text(), Text.get_window_extent(t, renderer)) for t in found]


def assert_no_overlap(fig, name: str = "") -> None:
    for (a, box_a), (b, box_b) in itertools.combinations(texts(fig), 2):
        assert not box_a.overlaps(box_b), f"{name}: {a!r} overlaps {b!r}"
    frame = fig.bbox
    for text, box in texts(fig):
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, \
            f"{name}: {text!r} is cut off"


def assert_every_slice_labelled(fig) -> None:
    wedges = [p for ax in fig.axes for p in ax.patches if isinstance(p, Wedge)]
    data = fig.juesuan_data
    shares = [share for label, share in zip(data["labels"], (row[2] for row in data["legend"]))]
    inside = [t.get_text() for t in fig.findobj(Text) if t.get_gid() == "juesuan-wedge-label"]
    outside = [t.get_text() for t in fig.findobj(Text) if t.get_gid() == "juesuan-wedge-outside-label"]
    assert len(wedges) == len(shares)
    assert sorted(inside + outside) == sorted(shares)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("synth") / "data"
    write_synthetic(data, 3, [2020, 2021, 2022], seed=0)
    return data


def test_the_seed_reports_charts(tmp_path):
    report = load_report("pzh-swzzb", 2022, DATA)
    for number in range(1, 8):
        fig = report.chart(number)
        assert_no_overlap(fig, f"图{number}")
        if fig.juesuan_data["kind"] == "pie" and fig.juesuan_data["drawn"]:
            assert_every_slice_labelled(fig)
    fig2 = report.chart(2)  # 其他收入 0.22万元 is 0.01%: a sliver, labelled outside on a leader line
    outside = [t for t in fig2.findobj(Text) if t.get_gid() == "juesuan-wedge-outside-label"]
    assert [t.get_text() for t in outside] == ["0.01%"] and outside[0].arrow_patch is not None


def test_synthetic_reports_charts_and_trends(synthetic):
    for department in load_year(synthetic, 2022).departments:
        report = load_report(department, 2022, synthetic)
        assert report.has_trend
        for number in range(1, 9):
            fig = report.chart(number)
            assert_no_overlap(fig, f"{department} 图{number}")
            if fig.juesuan_data["kind"] == "pie" and fig.juesuan_data["drawn"]:
                assert_every_slice_labelled(fig)


def test_close_figures_in_a_trend_keep_their_labels_apart():
    """The issue's case: 9,733.75 and 9,667.29 a hair apart, at every year; and equal series."""
    fig = charts.trend_lines(8, "近年收支及“三公”经费变动趋势", [2019, 2020, 2021, 2022], [
        {"收、支总计": [D("9733.75"), D("9800"), D("9700"), D("100")],
         "财政拨款收、支总计": [D("9667.29"), D("9790"), D("9699.99"), D("100")],
         "基本支出": [D("9600"), D("9795"), D("9650"), D("99.5")],
         "项目支出": [D("133.75"), D("5"), D("50"), D("0.5")]},
        {"“三公”经费": [D("6.82"), D("6.82"), D("6.81"), D("0")]}])
    assert_no_overlap(fig, "close trend")
    labels = [t.get_text() for t in fig.findobj(Text) if t.get_gid() == "juesuan-point-label"]
    assert "9,733.75" in labels and "9,667.29" in labels
    same = charts.trend_lines(8, "近年收支及“三公”经费变动趋势", [2020, 2021, 2022], [
        {"收、支总计": [D("1848.7"), D("2029.81"), D("1848.7")],
         "财政拨款收、支总计": [D("1848.7"), D("2029.81"), D("1848.7")]}, {"“三公”经费": [D(0), D(0), D(0)]}])
    assert_no_overlap(same, "equal series")
    labels = [t.get_text() for t in same.findobj(Text) if t.get_gid() == "juesuan-point-label"]
    assert labels.count("2,029.81") == 1  # a series equal to another is drawn dashed, labelled once


@pytest.mark.parametrize("items", [
    [("财政拨款收入", D("9800"), D("98")), ("事业收入", D("1"), D("0.01")), ("经营收入", D("2"), D("0.02")),
     ("其他收入", D("100"), D("1")), ("上级补助收入", D("97"), D("0.97"))],
    [(f"项目{i}", D("0.01"), D("0.01")) for i in range(8)] + [("大项", D("9999.92"), D("99.92"))],
    [("甲", D("1"), D("33.33")), ("乙", D("1"), D("33.33")), ("丙", D("1"), D("33.34"))],
    [("甲", D("5"), D("5")), ("乙", D("5"), D("5")), ("丙", D("90"), D("90"))],
])
def test_small_and_equal_slices_are_all_labelled_without_overlap(items):
    fig = charts.pie_structure(2, "收入决算结构图", items)
    assert_no_overlap(fig, str(items[0]))
    assert_every_slice_labelled(fig)


def test_bars_and_ranking_with_equal_and_tiny_values():
    for fig in (charts.bar_comparison(1, "收、支决算总计变动情况图", ["2021年", "2022年"], [D("1848.7"), D("1848.7")]),
                charts.bar_comparison(5, "测试", ["2021年", "2022年"], [D("0.01"), D("123456.78")]),
                charts.ranking_bars("各部门", ["甲部门", "乙部门", "丙部门"], [D("1"), D("1"), D("99999.99")])):
        assert_no_overlap(fig)


def test_the_trend_comes_after_figures_1_to_7_in_reading_order():
    keys = list(SECTIONS)
    assert keys.index("trend") > keys.index("three_public_items")
    assert keys.index("trend") < keys.index("glossary")
    import json

    cells = json.loads((DATA.parent / "notebooks" / "department_report.ipynb").read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells]
    assert sources.index("show_trend(report)") > sources.index("show_chart(report.chart(7))")
