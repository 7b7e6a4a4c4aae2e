"""The national template reproduces the sample: 上海市普陀区文化和旅游局's 2025 report, from data/2025.

Its 第三部分 and 第四部分 are held sentence by sentence against the published text
(tests/fixtures/putuo_wenlv_2025/published.txt, the PDF's text: soft line breaks, page markers and the
spaces a PDF extraction puts around numbers are not words, so they are dropped on both sides). Every
sentence is the same, except where the published text is wrong: each such place is listed below with
the published fragment, what the figures give, and why (hand arithmetic from the published figures).
The list is exact both ways: an unlisted difference fails, and so does a listed one that is gone.
第一部分 is held the same way; 第二部分, the nine tables, is the data itself (tests/test_sample_department.py).
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from juesuan.report.narrative import markdown_to_text
from juesuan.report.report import load_report

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "tests" / "fixtures" / "putuo_wenlv_2025" / "published.txt"

# (published fragment, what the figures give, why)
DEFECTS = [
    ("社会保障和就业支出（类）1493.32万元，占6.08%", "社会保障和就业支出（类）1493.32万元，占6.09%",
     "1,493.32 / 24,535.67 = 6.0864%, which rounds half up to 6.09%"),
    ("年初预算为0万元，支出决算2349.56万元。", "年初预算为0万元，支出决算为2349.56万元。",
     "五（三） line 12 drops the 为 that the other 22 lines write"),
    ("年初预算为20.00万元，支出决算20.00万元。", "年初预算为20.00万元，支出决算为20.00万元。",
     "五（三） line 13 drops the 为 too"),
    ("社会保障和就业支出(类)行政事业单位养老支出(款)其他行政事业单位养老支出(项)",
     "社会保障和就业支出（类）行政事业单位养老支出（款）其他行政事业单位养老支出（项）",
     "五（三） line 18: half-width brackets among full-width text"),
    ("主要用于文化产业扶持及文化事业扶持。", "主要用于：文化产业扶持及文化事业扶持。",
     "五（三） line 22 drops the colon after 主要用于 that the other lines write"),
    ("公务用车购置及运行维护费支出决算为2.64万元，完成预算的28.15%", "公务用车购置及运行维护费支出决算为2.64万元，完成预算的28.14%",
     "2.64 / 9.38 (its budget, 公开07表) = 28.1450%, which rounds half up to 28.14%"),
    ("公务接待费支出决算增加0.40万元，增长100%。", "公务接待费支出决算增加0.40万元。",
     "2024's 公务接待费 was 0 (0.40 − the stated 增加 0.40): a growth from nothing has no rate"),
    ("国内公务接待支出0.40万（含外宾", "国内公务接待支出0.40万元（含外宾", "an amount without its unit 万元 (万 alone)"),
    ("政府性基金预算财政拨款收入2002.80万元，支出收入2002.80万元", "政府性基金预算财政拨款收入2002.80万元，支出2002.80万元",
     "the 2,002.80 after 收入 is the spending (公开08表 2.80 + 2,000.00): 支出收入 is a slip"),
    ("决算数大于预算数的主要原因年中新增", "决算数大于预算数的主要原因：年中新增",
     "八 line 1 drops the colon after 主要原因 that every other line writes"),
    ("其中:因公出国（境）费反映", "其中：因公出国（境）费反映", "a half-width colon among full-width text (名词解释 十)"),
]


def words(text: str) -> str:
    return re.sub(r"\s+", "", text)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=。)", text) if s]


def published_part(first: str, last: str | None) -> list[str]:
    """The published text from the body's heading `first` to `last` (the table of contents names them too)."""
    lines = [line for line in PUBLISHED.read_text(encoding="utf-8").splitlines()
             if not line.startswith(("=== PAGE", "#"))]
    start = [i for i, line in enumerate(lines) if line.startswith(first)][-1]
    end = next((i for i in range(start + 1, len(lines)) if last and lines[i].startswith(last)), len(lines))
    return sentences(words("".join(lines[start:end])))


@pytest.fixture(scope="module")
def report():
    return load_report("putuo-wenlv", 2025, ROOT / "data")


def ours(report, first: str, last: str | None) -> list[str]:
    keys = [s.key for s in report.template.sections]
    stop = keys.index(last) if last else len(keys)
    return sentences(words("".join(markdown_to_text(report.section(k)) for k in keys[keys.index(first):stop])))


def differences(published: list[str], computed: list[str]) -> list[tuple[str, str]]:
    matcher = difflib.SequenceMatcher(a=published, b=computed, autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            out.append(("".join(published[i1:i2]), "".join(computed[j1:j2])))
    return out


def test_the_report_is_in_the_national_template(report):
    assert report.template.name == "national"
    assert report.tables_heading == "第二部分 上海市普陀区文化和旅游局2025年度部门决算表"


def test_parts_three_and_four_read_as_published_but_for_its_defects(report):
    found = differences(published_part("第三部分", None), ours(report, "overview", None))
    used = set()
    for published, computed in found:
        fixed = published
        for wrong, right, _ in DEFECTS:
            if wrong in fixed:
                fixed = fixed.replace(wrong, right)
                used.add(wrong)
        assert fixed == computed, f"an unlisted difference:\n published: {published}\n ours:      {computed}"
    assert used == {wrong for wrong, _, _ in DEFECTS}, "listed defects no longer found: " + str(
        {wrong for wrong, _, _ in DEFECTS} - used)


def test_part_one_reads_as_published(report):
    """The words of 第一部分 (its table of units read row by row: 序号, 单位名称, 备注 is blank)."""
    # 第一部分 runs to the first table's title (the PDF prints no 第二部分 heading over the tables).
    published = "".join(published_part("第一部分", "上海市普陀区文化和旅游局 2025 年度部门决算表")).replace("序号单位名称备注", "")
    computed = "".join(ours(report, "part1", "overview"))
    computed = re.sub(r"\|---\|---\|---\|", "", computed).replace("|", "").replace("序号单位名称备注", "")
    # The PDF's table wraps the fifth unit's name around its number: 上海市普陀区图书馆（…少年 / 5 / 儿童图书馆）.
    published = published.replace("上海市普陀区图书馆（上海市普陀区少年5儿童图书馆）", "5上海市普陀区图书馆（上海市普陀区少年儿童图书馆）")
    assert published.replace("(", "（").replace(")", "）") == computed


def test_every_listed_defect_is_a_fragment_of_the_published_text():
    text = words("".join(line for line in PUBLISHED.read_text(encoding="utf-8").splitlines()
                         if not line.startswith("=== PAGE")))
    for wrong, right, why in DEFECTS:
        assert wrong in text, wrong
        assert wrong != right and why
