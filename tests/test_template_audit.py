"""The audit read from the template itself (juesuan.audit.template_audit): no rule written for the template.

* The sample's published text against data/2025, in the national template: exactly the defects that
  tests/test_sample_fidelity.py lists by hand (DEFECTS), each at its line, and 第一部分's half-width
  list numbers (（一） printed (一)).
* Our own rendering of a report audits clean; one number changed in it is found, at its line.
* A third template, written here (three sections, reworded, numbered 1. 2. 3.), for the seed department:
  it renders, its own text audits clean, and a changed number in it is found, with no Python added.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from juesuan.report.narrative import markdown_to_text
from juesuan.report.report import load_report
from juesuan.audit.template_audit import audit_against_template
from test_sample_fidelity import DEFECTS

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "tests" / "fixtures" / "putuo_wenlv_2025" / "published.txt"


@pytest.fixture(scope="module")
def sample():
    return load_report("putuo-wenlv", 2025, ROOT / "data")


def as_published(report) -> str:
    """A report as a published text would give it: its words, one paragraph a line."""
    return "\n".join(markdown_to_text(report.section(s.key)) for s in report.template.sections)


def test_the_sample_s_defects_and_nothing_else(sample):
    findings = audit_against_template(PUBLISHED.read_text(encoding="utf-8"), sample)
    text = PUBLISHED.read_text(encoding="utf-8").splitlines()
    part_one = [f for f in findings if f.section == "一、主要职能"]
    rest = [f for f in findings if f.section != "一、主要职能"]
    # 第一部分: its ten duties numbered (一) … (十) with half-width brackets (lines 42-66).
    assert [(f.rule, f.severity) for f in part_one] == [("half_width", "note")] * 10
    # 第三、第四部分: one finding per listed defect, found at the published line that holds it.
    assert len(rest) == len(DEFECTS)
    for finding in rest:
        published = re.sub(r"\s+", "", "".join(text[finding.line - 1:finding.line + 3]))
        assert any(wrong[:6] in published or wrong[:6] in finding.published for wrong, _, _ in DEFECTS), finding
    numbers = {re.search(r"公开 (\S+)，按数据应为 (\S+)", f.message).groups() for f in rest if f.rule == "number"}
    assert numbers == {("6.08", "6.09"), ("28.15", "28.14")}
    assert sum(f.rule == "wording" for f in rest) == 6
    assert {f.rule for f in rest if f.severity == "note"} == {"half_width", "unit"}


def test_our_own_report_audits_clean_and_a_changed_number_is_found(sample):
    ours = as_published(sample)
    assert audit_against_template(ours, sample) == []
    changed = ours.replace("占本年支出合计的92.45%", "占本年支出合计的92.54%")
    assert changed != ours
    [finding] = audit_against_template(changed, sample)
    assert finding.rule == "number" and "92.54" in finding.published and "92.45" in finding.expected
    assert "92.54" in changed.splitlines()[finding.line - 1]


THIRD = {
    "template.yaml": """name: third
title: title.md.j2
sections:
  - {key: totals, file: totals.md.j2}
  - {key: spending, file: spending.md.j2}
  - {key: three_public, file: three_public.md.j2}
charts: {}
tables_heading: 附表
number_style: {thousands: false, trailing_zeros: true, whole_percent_bare: false}
notebook: third.ipynb
example: {department: pzh-swzzb, year: 2022}
""",
    "title.md.j2": "# {{ short }}{{ year }}年决算说明\n",
    "totals.md.j2": """## 1. 总体情况

{{ year }}年，本部门收支总计为{{ total.amount|amt }}万元，{% if total.change is none %}无上年数据{% else %}上年为{{ total.change.previous|amt }}万元{% endif %}。

本年收入{{ income.total|amt }}万元，财政拨款收入占{{ income.fiscal.share|pct }}。
""",
    "spending.md.j2": """## 2. 支出情况

本年支出{{ expenditure.total|amt }}万元，其中一般公共预算财政拨款支出{{ gpb.amount|amt }}万元。
{% for c in gpb.classes %}
按功能分类，{{ c.name }}为{{ c.amount|amt }}万元。
{% endfor %}
""",
    "three_public.md.j2": """## 3. “三公”经费

“三公”经费合计{{ tp.amount|amt }}万元，预算{{ tp.budget|amt }}万元。
""",
}


def write_third(parent: Path) -> Path:
    """The third template's folder, written under `parent`: a template is its files, nothing else."""
    folder = parent / "third"
    folder.mkdir()
    for name, text in THIRD.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def third(tmp_path_factory):
    return load_report("pzh-swzzb", 2022, ROOT / "data", template=write_third(tmp_path_factory.mktemp("templates")))


def test_a_third_template_renders_the_seed_in_its_words(third):
    text = as_published(third)
    # Hand figures of the seed (data/README.md): 收、支总计 1,848.7; 2021 2,029.81; 财政拨款收入 1,759.16 of
    # 本年收入合计 1,759.38 = 99.99%; its number style keeps two decimals (99.99%, 1848.70) and bare 100 as 100.00%.
    assert "2022年，本部门收支总计为1848.70万元，上年为2029.81万元。" in text
    assert "本年收入1759.38万元，财政拨款收入占99.99%。" in text
    assert "“三公”经费合计6.82万元，预算7.54万元。" in text
    assert text.splitlines()[0] == "1. 总体情况"


def test_a_third_template_audits_its_own_text_clean_and_finds_a_changed_number(third):
    text = as_published(third)
    assert audit_against_template(text, third) == []
    changed = text.replace("“三公”经费合计6.82万元", "“三公”经费合计6.28万元")
    [finding] = audit_against_template(changed, third)
    assert finding.rule == "number" and finding.section == "3.“三公”经费"
    assert "6.28" in finding.published and "6.82" in finding.expected


def test_a_template_folder_without_its_manifest_is_one_located_error(tmp_path):
    from juesuan.errors import DataError

    shutil.copytree(ROOT / "lib" / "juesuan" / "templates" / "national", tmp_path / "mine")
    (tmp_path / "mine" / "template.yaml").unlink()
    with pytest.raises(DataError, match="template.yaml"):
        load_report("pzh-swzzb", 2022, ROOT / "data", template=tmp_path / "mine")
