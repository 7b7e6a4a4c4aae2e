"""The seed department's report, built as `make report` builds it: seven charts, every section, no code."""
import re
from pathlib import Path

import pytest

from juesuan.batch import build_reports
from juesuan.report import CHART_CAPTIONS, load_report

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def html(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("outputs")
    result = build_reports(2022, [("pzh-swzzb", "攀枝花市委组织部")], data_dir=ROOT / "data", out_dir=out,
                           notebook=ROOT / "notebooks" / "department_report.ipynb", progress=False)
    assert result.ok, result.summary()
    assert (out / "2022" / "pzh-swzzb.ipynb").exists()
    assert "pzh-swzzb.html" in (out / "2022" / "index.html").read_text(encoding="utf-8")
    return (out / "2022" / "pzh-swzzb.html").read_text(encoding="utf-8")


def test_seven_charts_with_their_captions(html):
    images = re.findall(r'<img[^>]*src="data:image/png;base64,[^"]+"[^>]*>', html)
    assert len(images) == 7
    for number in range(1, 8):  # 图8 needs three years of data; the seed has two
        assert f'alt="图{number}：{CHART_CAPTIONS[number]}"' in html
    assert "图8" not in html


def test_every_heading_of_the_report_is_there(html):
    report = load_report("pzh-swzzb", 2022, ROOT / "data")
    headings = re.findall(r"^#{1,4} (.+)$", report.markdown(), flags=re.M)
    assert len(headings) >= 30
    for heading in headings:
        assert re.sub(r"\\(.)", r"\1", heading) in html


def test_no_code_and_no_parameters_in_the_html(html):
    for code in ("load_report", "show_chart", "import ", "data_dir", "department =", "In&nbsp;["):
        assert code not in html


def test_the_public_tables_are_there(html):
    for number in range(1, 10):
        assert f"公开0{number}表" in html
    assert "本表无数据" in html


def test_nothing_is_fetched_from_the_internet(html):
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)


def test_every_character_of_the_report_is_in_its_embedded_font(html):
    from test_webfont import missing_characters

    assert "\u3000" in html  # 公开表 titles and indented rows
    assert missing_characters(html) == []
