"""Three years or more of a department's data add 图8, the multi-year trend; gaps stay gaps."""
import io
import shutil
import warnings
from decimal import Decimal as D
from pathlib import Path

import pytest

from juesuan.report.report import load_report

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def three_years(tmp_path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copytree(DATA / "2022", data / "2020")  # a full year two years back
    return data


def test_two_years_give_no_trend():
    report = load_report("pzh-swzzb", 2022, DATA)
    assert not report.has_trend
    assert report.section("trend").strip() == ""


def test_three_years_give_a_trend_with_gaps_for_partial_years(three_years):
    report = load_report("pzh-swzzb", 2022, three_years)
    assert report.has_trend
    years, series = report.trend()
    assert years == [2020, 2021, 2022]
    assert series["收、支总计"] == [D("1848.70"), D("2029.81"), D("1848.70")]
    assert series["基本支出"] == [D("1692.80"), None, D("1692.80")]   # 2021 states totals only
    assert "2020年至2022年" in report.section("trend")
    assert "近年变动趋势" in report.toc()


def test_trend_chart_plots_the_series_without_warnings(three_years):
    report = load_report("pzh-swzzb", 2022, three_years)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = report.chart(8)
        figure.savefig(io.BytesIO(), format="png")
    data = figure.juesuan_data
    assert data["caption"].startswith("图8：")
    assert data["series"]["“三公”经费"] == [D("6.82"), D("7.26"), D("6.82")]
    assert len(figure.axes) == 2  # "三公" on a scale of its own
    assert [line.get_label() for line in figure.axes[1].get_lines()] == ["“三公”经费"]
    assert all(ax.get_ylim()[0] == 0 for ax in figure.axes)
    lines = figure.axes[0].get_lines()
    assert [round(y, 2) for y in lines[0].get_ydata()] == [1848.7, 2029.81, 1848.7]
