"""Held sentence by sentence against the published report, ours says the same, except where the
published text contradicts its own figures, uses the wrong base, or leaves template words unfilled.

Every such place is listed here with the published value and the value that follows from data/.
The lists are exact: a place missing from them fails, and so does a listed place that is gone.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from juesuan.report.report import load_report
from juesuan.data.template import load_template

CHART_CAPTIONS = {n: c.caption for n, c in load_template('sichuan').charts.items()}

from seed_text import (CHART_CAPTION, HEADING_NUMBER, chart_captions, markdown_to_text, normalise,
                       seed_lines, sentences)

DATA = Path(__file__).resolve().parents[1] / "data"

# (published fragment, what the figures give, why)
CONTRADICTIONS = [
    ("占本年支出合计的99.98%", "占本年支出合计的99.99%",
     "1,848.48 / 1,848.7 = 99.988%, which rounds half up to 99.99%; the published figure is truncated"),
    ("一般公共预算支出决算数为1，848.48，完成预算", "一般公共预算支出决算数为1，848.48万元，完成预算",
     "an amount without its unit 万元"),
    ("人员经费1517.61万元", "人员经费1，517.61万元", "one number format: thousands separated"),
    ("完成预算90.50%", "完成预算90.45%",
     "6.82 / (0 + 5.67 + 1.87) = 90.45%, the item budgets implied by the items' own completion rates "
     "(0%, 100%, 61.50%); no budget in whole fen gives 90.50%"),
    ("较上年减少0.43万元，下降6.06%", "较上年减少0.44万元，下降6.06%",
     "2021 = 0 + 5.67 + 1.59 = 7.26 (the items' own 2021 figures); 7.26 - 6.82 = 0.44, and 6.06% is 0.44 / 7.26"),
    ("公务用车购置及运行维护费支出决算5.67万元，占0.31%", "公务用车购置及运行维护费支出决算5.67万元，占83.14%",
     "the share of a 三公 item is of the 三公 total 6.82, not of 本年支出合计 1,848.7"),
    ("公务接待费支出决算1.15万元，占0.06%", "公务接待费支出决算1.15万元，占16.86%",
     "the share of a 三公 item is of the 三公 total 6.82, not of 本年支出合计 1,848.7"),
    ("因公出国（境）支出决算比2021年增加/减少0万元，增长/下降0%", "因公出国（境）支出决算与2021年持平",
     "template residue: alternatives left unchosen; 0 on 0 is 持平"),
    ("下降2.79%主要原因是", "下降2.79%，主要原因是", "a missing comma between two clauses"),
    ("2023年市委组织部部门整体绩效评价报告", "2022年市委组织部部门整体绩效评价报告",
     "the attachment evaluates 2022, the year of these accounts"),
    ("下属非独立核算单位2个，其中参照公务员法管理的事业单位1个，全额拨款事业单位1个",
     "下属二级预算单位2个，其中行政单位0个，参照公务员法管理的事业单位1个，其他事业单位1个",
     "the units are counted by the same kinds as in Part 1 (二、机构设置)"),
    ("主要包括：市委组织部、市委组织部党员教育中心、市干部人事档案服务中心",
     "主要包括：市委组织部、党员教育中心、攀枝花市干部人事档案服务中心",
     "the units under the names Part 1 gives them"),
    ("2022年部门财政拨款收入1848.48万元", "2022年部门财政拨款收入1，848.48万元", "one number format: thousands separated"),
    ("2022年部门财政拨款支出1848.48万元", "2022年部门财政拨款支出1，848.48万元", "one number format: thousands separated"),
]

# Headings whose published number breaks the sequence: heading -> (published, ours).
NUMBERING = {
    "收入支出决算总体情况说明": ("1、", "一、"),
    "收入决算情况说明": ("2、", "二、"),
    "支出决算情况说明": ("3、", "三、"),
    "国有资本经营预算支出决算情况说明": ("9、", "九、"),
    "其他重要事项的情况说明": ("10、", "十、"),
    "名词解释": ("第3部分", "第三部分"),
    "部门（单位）基本情况": ("1、", "一、"),
    "机构组成。": ("（1）", "（一）"),
    "机构职能和人员概况。": ("（2）", "（二）"),
    "年度主要工作任务。": ("（3）", "（三）"),
    "部门整体支出绩效目标。": ("（4）", "（四）"),
    "部门整体履职绩效分析。": ("（2）", "（二）"),
    "自评质量。": ("（4）", "（四）"),
    "存在问题。": ("（2）", "（二）"),
    "人员概况。": ("2、", "2."),  # the seed's third level is "1." everywhere else
}

# Half-width punctuation in Chinese text (the comparison folds it; the report writes full width).
HALF_WIDTH = {"主要用于以下方面:", "一般公共服务组织事务支出: 支出决算", "卫生健康支出:支出决算",
              "社会保障和就业支出: 支出决算", "住房保障支出: 支出决算", "5.67万元,完成预算", "(无)"}


@pytest.fixture(scope="module")
def ours() -> str:
    report = load_report("pzh-swzzb", 2022, DATA)
    return "\n".join(normalise(line) for line in markdown_to_text(report.markdown()).splitlines())


@pytest.fixture(scope="module")
def published() -> list[str]:
    return seed_lines()


def test_every_published_sentence_is_ours_or_a_listed_contradiction(ours, published):
    unexplained = []
    for line in published:
        if CHART_CAPTION.match(line):
            continue
        for sentence in sentences(line):
            if sentence in ours:
                continue
            if not any(normalise(fragment) in sentence for fragment, _, _ in CONTRADICTIONS):
                unexplained.append(sentence)
    assert unexplained == []


@pytest.mark.parametrize("published_fragment, computed, why", CONTRADICTIONS, ids=[c[0][:16] for c in CONTRADICTIONS])
def test_each_contradiction_is_in_the_seed_and_corrected_in_ours(ours, published, published_fragment, computed, why):
    seed = "\n".join(normalise(line) for line in published)
    assert normalise(published_fragment) in seed, "listed, but not in the published text"
    assert normalise(published_fragment) not in ours, "ours repeats the published error"
    assert normalise(computed) in ours, "ours does not say what the figures give"


def _heading_numbers(lines: list[str]) -> dict[str, str]:
    numbers = {}
    for line in lines:
        compact = re.sub(r"\s+", "", line.replace("\u3000", " "))
        match = HEADING_NUMBER.match(compact)
        if match:
            numbers.setdefault(compact[match.end():], match.group(1))
    return numbers


def test_heading_numbering_defects_are_exactly_the_listed_ones(published):
    report = load_report("pzh-swzzb", 2022, DATA)
    our_headings = {}
    for line in markdown_to_text(report.markdown()).splitlines():
        compact = re.sub(r"\s+", "", line)
        match = HEADING_NUMBER.match(compact)
        if match and (compact.endswith(("说明", "情况", "。")) or "部分" in match.group(1)):
            our_headings.setdefault(compact[match.end():], match.group(1))
    found = {}
    for heading, number in _heading_numbers(published).items():
        ours_number = our_headings.get(heading)
        if ours_number is not None and ours_number != number:
            found[heading] = (number, ours_number)
    assert found == NUMBERING


def test_half_width_punctuation_in_the_seed_is_exactly_the_listed_places(published):
    text = "\n".join(published)
    for place in HALF_WIDTH:
        assert place in text
    cjk_half = re.findall(r"[\u4e00-\u9fff）][,:;]|[,:;(][\u4e00-\u9fff（]|\([\u4e00-\u9fff]+\)", text)
    listed = "".join(HALF_WIDTH)
    assert all(hit in listed for hit in cjk_half), cjk_half


def test_chart_captions_and_kinds_are_the_published_ones(published):
    captions = chart_captions(published)
    assert sorted(captions) == list(range(1, 8))
    for number, (caption, kind) in captions.items():
        assert CHART_CAPTIONS[number] == caption
    bars = {n for n, (_, kind) in captions.items() if kind == "柱状图"}
    assert bars == {1, 4, 5}
