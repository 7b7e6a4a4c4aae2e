"""The narrative: computed wording, and text from data shown as text, never as markup."""
import re
import shutil
from pathlib import Path

import pytest

from juesuan.report.narrative import escape_markdown
from juesuan.report.report import load_report
from juesuan.data.template import load_template

SECTIONS = [s.key for s in load_template('sichuan').sections]

DATA = Path(__file__).resolve().parents[1] / "data"


def test_every_section_renders_without_leftover_template_syntax():
    report = load_report("pzh-swzzb", 2022, DATA)
    for key in SECTIONS:
        text = report.section(key)
        assert text.strip() or key == "trend"  # 图8 needs three years of data
        for residue in ("{{", "}}", "{%", "None", "增加/减少", "增长/下降", "XX"):
            assert residue not in text, (key, residue)


def test_part_two_has_all_ten_sections_in_order():
    text = load_report("pzh-swzzb", 2022, DATA).markdown()
    numbers = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
    positions = [text.index(f"### {n}、", text.index("第二部分")) for n in numbers]
    assert positions == sorted(positions)
    for part in ("第一部分 部门概况", "第二部分", "第三部分 名词解释", "第四部分 附件"):
        assert f"## {part}" in text


def test_no_comparison_year_says_so(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.rmtree(data / "2021")
    report = load_report("pzh-swzzb", 2022, data)
    text = report.section("overview")
    assert "2021年无可比数据" in text
    assert "减少" not in text


def test_hostile_text_is_escaped(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "2022" / "text" / "pzh-swzzb.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "财政部门对单位预算指标的压缩", "'<script>alert(1)</script>[点我](javascript:alert(2)){{ 7*7 }}'")
    path.write_text(text, encoding="utf-8")
    section = load_report("pzh-swzzb", 2022, data).section("other")
    assert "<script>" not in section
    assert "&lt;script&gt;" in section
    assert "\\[点我\\]" in section          # no Markdown link can form
    assert "{{ 7\\*7 }}" in section          # shown, not evaluated


@pytest.mark.parametrize("raw, escaped", [("a*b", "a\\*b"), ("[x](y)", "\\[x\\](y)"), ("$1$", "\\$1\\$")])
def test_escape_markdown(raw, escaped):
    assert escape_markdown(raw) == escaped


CHINESE_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
SECTION = re.compile(r"^([一二三四五六七八九十]+)、")
SUBSECTION = re.compile(r"^（([一二三四五六七八九十]+)）")


def test_headings_are_numbered_in_sequence_at_every_level():
    """第一部分…第四部分; 一、二、… within each part; （一）（二）… within each section, restarting each time."""
    text = load_report("pzh-swzzb", 2022, DATA).markdown()
    parts, sections, subsections = [], [], []
    for line in text.splitlines():
        hashes = len(line) - len(line.lstrip("#"))
        title = line[hashes:].strip()
        if hashes == 2:
            parts.append(title.split(" ")[0])
            sections = []
        elif hashes >= 3 and SECTION.match(title):
            sections.append(SECTION.match(title).group(1))
            assert sections == CHINESE_NUMERALS[:len(sections)], title
            subsections = []
        elif hashes >= 3 and SUBSECTION.match(title):
            subsections.append(SUBSECTION.match(title).group(1))
            assert subsections == CHINESE_NUMERALS[:len(subsections)], title
    assert parts == ["第一部分", "第二部分", "第三部分", "第四部分"]
