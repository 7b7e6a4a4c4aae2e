"""`juesuan audit`: a published text held against the figures in data/.

The seed's own contradictions (tests/test_fidelity.py lists them) are all found, each with the
value the figures give; the workbook's own report audits clean; a number changed anywhere in
the seed is caught at its line; and the appendix 与已公开文本的核对 lists the findings, escaped.
"""
from __future__ import annotations

import difflib
import json
import re
import shutil
from pathlib import Path

import pytest

from juesuan.audit.audit import RULE_LABELS, audit_text, published_check
from juesuan.cli import main
from juesuan.report.report import load_report

from seed_text import BOOKMARK, HEADING_NUMBER, markdown_to_text, normalise, seed_path
from test_fidelity import CONTRADICTIONS, NUMBERING

DATA = Path(__file__).resolve().parents[1] / "data"
PUBLISHED = DATA / "2022" / "published" / "pzh-swzzb.txt"

# Every finding on the seed: (line, rule, severity). The audit reads the seed by its template's own sentences
# (template_audit): a number that differs is "number", a sentence reworded "wording" (an error where its
# numbers differ too), a sentence left out "missing", a heading numbered otherwise "numbering". Beyond
# test_fidelity's lists (CONTRADICTIONS, NUMBERING and the half-width punctuation, HALF_WIDTH), it finds: the
# 三公 shares adding up to 0.37% (line 86); the attachment's duty groups numbered 1、 and （11）–（13） where
# the report numbers them 1.–4. (136–151); the attachment leaving out the heading 1.职能职责 (136) and the
# fifth group of duties (reported where it would stand, before 2、人员概况 on 153).
#
# Against the hand-written rules' 42 findings (the audit before it was derived from the template; those rules
# are gone), 43: the same places, some under another rule —
# * 61 share → number (warning, explained "truncated"); 84 completion, change → number (warnings, "rounding");
#   86 share ×2 → number (errors); 89 residue → wording (error: its 0万元/0% are numbers the figures do not
#   give); 130 year → wording (error: 附件2023年 also lacks the template's colon, so the sentence is reworded,
#   with another number); 134 unit_kinds → wording (error), unit_names → wording (warning: names, no number);
#   151 omitted → 153 missing (where the fifth group would stand);
# * 66, 72–75, 90, 202 punctuation → half_width; 71 unit warning → unit note (a dropped 万元 is a tolerance,
#   as in the national template); 105 punctuation (a missing comma) → wording (warning): the template's own
#   punctuation is not a tolerance;
# * new: 136 missing — the attachment leaves out the heading 1.职能职责 that the template writes.
SEED_FINDINGS = [
    (40, "numbering", "warning"), (45, "numbering", "warning"), (50, "numbering", "warning"),
    (61, "number", "warning"),         # 99.98%: truncated, not rounded half up
    (66, "half_width", "note"),
    (71, "unit", "note"),              # 1,848.48 without 万元
    (72, "half_width", "note"), (73, "half_width", "note"), (74, "half_width", "note"),
    (75, "half_width", "note"),
    (79, "number_format", "note"),     # 1517.61
    (84, "number", "warning"),         # 90.50%: rounding of the displayed operands could explain it
    (84, "number", "warning"),         # 减少0.43万元: likewise
    (86, "number", "error"), (86, "number", "error"),  # 0.31%, 0.06%: shares of 本年支出合计
    (86, "sum", "error"),              # and so the shares add up to 0.37%
    (89, "wording", "error"),          # 增加/减少0万元，增长/下降0%
    (90, "half_width", "note"),
    (100, "numbering", "warning"), (103, "numbering", "warning"),
    (105, "wording", "warning"),       # 2.79%主要原因: the comma left out
    (115, "numbering", "warning"),     # 第3部分
    (130, "wording", "error"),         # 附件2023年…绩效评价报告
    (132, "numbering", "warning"), (133, "numbering", "warning"),
    (134, "wording", "error"),         # the units counted by other kinds
    (134, "wording", "warning"),       # and named otherwise
    (135, "numbering", "warning"),
    (136, "missing", "warning"),       # 1.职能职责
    (136, "numbering", "warning"),
    (147, "numbering", "warning"), (149, "numbering", "warning"), (151, "numbering", "warning"),
    (153, "missing", "warning"),       # the fifth group of duties
    (153, "numbering", "warning"), (155, "numbering", "warning"), (161, "numbering", "warning"),
    (179, "number_format", "note"), (181, "number_format", "note"),
    (192, "numbering", "warning"), (196, "numbering", "warning"), (201, "numbering", "warning"),
    (202, "half_width", "note"),
]
# By severity, as `juesuan audit` sums them up: 6 errors, 26 warnings, 11 notes.
COUNTS = "共发现43处问题：错误6处，警告26处，提示11处"


@pytest.fixture(scope="module")
def report():
    return load_report("pzh-swzzb", 2022, DATA)


@pytest.fixture(scope="module")
def seed() -> str:
    return seed_path().read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def findings(report, seed):
    return audit_text(seed, report)


def _line_of(seed: str, fragment: str) -> int:
    wanted = normalise(fragment)
    hits = [i for i, raw in enumerate(seed.splitlines(), 1)
            if wanted in normalise(re.sub(r"\[bookmark: [^\]]*\]", "", raw))]
    assert hits, f"{fragment} is not in the seed"
    return hits[0]


def normalise_line(raw: str) -> str:
    """A published line without its bookmarks and spaces, its heading number kept."""
    return re.sub(r"\s+", "", BOOKMARK.sub("", raw).replace("\u3000", " "))


def test_the_published_copy_in_data_is_the_seed(seed):
    assert PUBLISHED.read_text(encoding="utf-8") == seed


def test_our_own_report_audits_clean(report):
    text = markdown_to_text(report.markdown())
    assert audit_text(text, report) == []


def _set(path: Path, item: str, code: str, value: str) -> None:
    """Set (or add) one row of amounts.csv or counts.csv for the seed department."""
    lines = path.read_text(encoding="utf-8").splitlines()
    key = f"pzh-swzzb,{item},{code},"
    for i, line in enumerate(lines):
        if line.startswith(key):
            lines[i] = key + value
            break
    else:
        lines.append(key + value)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def variant_data(tmp_path: Path, name: str) -> Path:
    """data/ changed so that the report takes the template's other branches.

    busy: increases (one from nothing), 持平, a class under its budget, a 政府性基金 class, a vehicle bought,
    foreign receptions, procurement, equipment. alone: no comparison year, no subordinate units.
    partial: the comparison year lacks two figures, money carried over, spending without a budget.
    """
    data = tmp_path / name
    shutil.copytree(DATA, data)
    year = data / "2022"
    amounts, counts, text = year / "amounts.csv", year / "counts.csv", year / "text" / "pzh-swzzb.yaml"
    reasons = ""
    if name == "busy":
        for item, code, value in [
                ("income.government_fund", "", "10"), ("expenditure.project", "", "165.90"), ("gf.actual", "212", "10"),
                ("gpb.budget", "20132", "1600"), ("three_public.vehicle_purchase", "sedan", "20"),
                ("three_public_budget.vehicle", "", "30"), ("three_public.reception_foreign", "", "0.5"),
                ("three_public.abroad", "", "2.5"), ("three_public_budget.abroad", "", "3"),
                ("admin_operating", "", "180"), ("gpb_basic.public", "", "180"), ("expenditure.basic", "", "1697.83"),
                ("income.other", "", "5.25"), ("procurement.goods", "", "12.3")]:
            _set(amounts, item, code, value)
        for item, code, value in [("vehicles_purchased", "sedan", "1"), ("vehicles_held", "sedan", "2"),
                                  ("vehicles_by_use", "other", "2"), ("reception_foreign.batches", "", "1"),
                                  ("reception_foreign.people", "", "3"), ("abroad.groups", "", "1"),
                                  ("abroad.people", "", "2"), ("equipment_over_1m", "", "1")]:
            _set(counts, item, code, value)
        reasons = "  gpb_budget:\n    '20132': 年中追加减少\n  abroad_change: 恢复出访\n  vehicle_change: 更新车辆\n"
    elif name == "alone":
        shutil.rmtree(data / "2021")
        (year / "units.csv").write_text("department_id,unit_name,unit_kind\n", encoding="utf-8")
    elif name == "partial":
        for item, value in [("carryover.end", "10"), ("carryover.begin", "99.32"), ("three_public.abroad", "2.5"),
                            ("three_public.vehicle_operation", "3.17")]:
            _set(amounts, item, "", value)
        previous = data / "2021" / "amounts.csv"
        previous.write_text("".join(line for line in previous.read_text(encoding="utf-8").splitlines(True)
                                    if "admin_operating" not in line and "three_public.abroad" not in line),
                            encoding="utf-8")
        reasons = "  vehicle_change: 少用车\n"
    text.write_text(text.read_text(encoding="utf-8").replace("reasons:\n", "reasons:\n" + reasons, 1),
                    encoding="utf-8")
    return data


@pytest.mark.parametrize("name", ["busy", "alone", "partial"])
def test_our_own_report_audits_clean_on_other_figures(tmp_path, name):
    report = load_report("pzh-swzzb", 2022, variant_data(tmp_path, name))
    text = markdown_to_text(report.markdown())
    branches = {"busy": ["增加2.5万元。", "与2021年持平", "决算数小于预算数", "城乡社区支出10万元，占100%", "轿车1辆、金额20万元",
                         "外事接待1批次"],
                "alone": ["2021年无可比数据", "无下属二级预算单位"],
                "partial": ["未安排预算", "结转结余10万元", "机关运行经费支出174.97万元，2021年无可比数据"]}[name]
    for words in branches:
        assert words in text
    assert audit_text(text, report) == []


def test_the_seed_gives_exactly_the_known_findings(findings):
    assert [(f.line, f.rule, f.severity) for f in findings] == SEED_FINDINGS


def _differing_part(published: str, computed: str) -> tuple[str, str]:
    """Where a listed contradiction's published and computed text differ, a number widened to the whole
    number and one character either side: what a finding must show of each (e.g. 占0.31%；/占83.14%；)."""
    changes = [op for op in difflib.SequenceMatcher(a=published, b=computed, autojunk=False).get_opcodes()
               if op[0] != "equal"]
    i1, i2, j1, j2 = changes[0][1], changes[-1][2], changes[0][3], changes[-1][4]

    def widen(text, start, end):
        while start > 0 and re.match(r"[\d.,，]", text[start - 1]):
            start -= 1
        while end < len(text) and re.match(r"[\d.,，%]", text[end]):
            end += 1
        return text[max(0, start - 1):end + 1]

    return widen(published, i1, i2), widen(computed, j1, j2)


@pytest.mark.parametrize("fragment, computed, why", CONTRADICTIONS, ids=[c[0][:16] for c in CONTRADICTIONS])
def test_each_listed_contradiction_is_found_with_the_figures_value(seed, findings, fragment, computed, why):
    line = _line_of(seed, fragment)
    wrong, right = _differing_part(normalise(fragment), normalise(computed))
    here = [f for f in findings if f.line == line]
    assert any(wrong in normalise(f.published) and right in normalise(f.expected) for f in here), \
        (line, wrong, right, [(f.published, f.expected) for f in here])


def test_the_differing_part_is_the_number_or_the_words():
    assert _differing_part("公务接待费支出决算1.15万元，占0.06%", "公务接待费支出决算1.15万元，占16.86%") == \
        ("占0.06%", "占16.86%")
    assert _differing_part("人员经费1517.61万元", "人员经费1，517.61万元") == ("费1517.61万", "费1，517.61万")
    assert _differing_part("下降2.79%主要原因是", "下降2.79%，主要原因是") == ("%主", "%，主")


@pytest.mark.parametrize("heading, numbers", NUMBERING.items(), ids=list(NUMBERING))
def test_each_misnumbered_heading_is_found(seed, findings, heading, numbers):
    published, ours = numbers
    lines = [i for i, raw in enumerate(seed.splitlines(), 1)
             if (m := HEADING_NUMBER.match(normalise_line(raw))) and m.group(1) == published
             and normalise_line(raw)[m.end():] == heading]
    assert lines, heading
    assert any(f.rule == "numbering" and f.published.startswith(published) and f.expected.startswith(ours)
               for f in findings if f.line in lines)


def test_findings_say_what_explains_them(findings):
    by = {(f.line, f.rule, f.published[-14:]): f for f in findings}
    at84 = [f for f in findings if f.line == 84]
    # 6.82 / 7.54 = 90.451%: 90.45%. With each displayed operand anywhere within its rounding to the fen
    # (6.815–6.825 over 7.535–7.545), the rate runs from 90.32% to 90.58%: 90.50% is among them.
    [completion] = [f for f in at84 if "90.45%" in f.expected]
    assert "完成预算90.45%" in completion.expected and completion.severity == "warning"
    assert completion.explained == "rounding"
    assert "6.82 ÷ 7.54" in completion.message and "90.32 至 90.58" in completion.message
    # |6.82 − 7.26| = 0.44; within the operands' rounding, 0.43 to 0.45.
    [change] = [f for f in at84 if "减少0.44万元" in f.expected]
    assert "减少0.44万元" in change.expected and change.explained == "rounding"
    assert "|6.82 − 7.26|" in change.message
    [share] = [f for f in findings if f.line == 86 and "占0.31%" in f.published]
    assert "占83.14%" in share.expected and share.severity == "error" and share.explained == ""
    [share_sum] = [f for f in findings if f.rule == "sum"]
    assert (share_sum.line, share_sum.published, share_sum.expected) == (86, "0% + 0.31% + 0.06% = 0.37%", "100%")
    # 1,848.48 / 1,848.7 = 99.988%: 99.99% rounded half up, 99.98% cut.
    [truncated] = [f for f in findings if f.line == 61]
    assert truncated.explained == "truncated" and "截尾" in truncated.message and "四舍五入为 99.99" in truncated.message
    [residue] = [f for f in findings if f.line == 89]
    assert residue.rule == "wording" and "与2021年持平" in residue.expected and "增加/减少0万元" in residue.published


def test_sections_name_where_the_finding_is(findings):
    sections = {f.line: f.section for f in findings}
    assert sections[84] == "three_public_total"
    assert sections[115] == "glossary"
    assert sections[179] == "attachment"


# ---------------------------------------------------------------- mutations
def _numbers(seed: str, first: str, last: str) -> list[tuple[int, int, str]]:
    """(line, offset, number) of every number between two lines (bookmarks excluded)."""
    lines = seed.splitlines()
    start = next(i for i, l in enumerate(lines) if first in l)
    end = next(i for i, l in enumerate(lines) if last in l and i > start)
    found = []
    for i in range(start, end + 1):
        raw = lines[i]
        masked = re.sub(r"\[bookmark: [^\]]*\]", lambda m: "#" * len(m.group(0)), raw)
        for m in re.finditer(r"\d+", masked):
            found.append((i + 1, m.end() - 1, raw))
    return found


def _mutations(seed: str) -> list[tuple[int, int]]:
    cases = _numbers(seed, "第二部分", "第3部分")                       # Part 2
    cases += _numbers(seed, "二、部门资金收支情况", "部门财政拨款结转结余")   # the attachment's restatements
    cases += _numbers(seed, "二、机构设置", "2. 攀枝花市干部人事档案服务中心")  # Part 1's counts
    cases += _numbers(seed, "（1） 机构组成", "截止2022年底")            # the attachment's units and staff
    return [(line, offset) for line, offset, _ in cases]


def _mutate(seed: str, line: int, offset: int, step: int = 1) -> tuple[str, str]:
    lines = seed.split("\n")
    raw = lines[line - 1]
    digit = raw[offset]
    new = str((int(digit) + step) % 10)
    lines[line - 1] = raw[:offset] + new + raw[offset + 1:]
    return "\n".join(lines), lines[line - 1]


SEED_TEXT = seed_path().read_text(encoding="utf-8")
MUTATIONS = _mutations(SEED_TEXT)


def test_the_mutations_cover_part_two_and_the_restatements():
    assert len(MUTATIONS) > 150
    assert len({line for line, _ in MUTATIONS}) > 50


@pytest.mark.parametrize("line, offset", MUTATIONS, ids=[f"L{l}@{o}" for l, o in MUTATIONS])
def test_a_number_changed_is_caught_at_its_line(report, findings, line, offset):
    before = {(f.rule, f.published, f.expected) for f in findings if f.line == line}
    text, changed = _mutate(SEED_TEXT, line, offset)
    after = {(f.rule, f.published, f.expected) for f in audit_text(text, report) if f.line == line}
    if not after - before:
        # the change corrected a published error (99.98% -> 99.99%): its finding is gone; another change is caught
        assert before - after, f"line {line} changed to {changed!r} and nothing new was found"
        text, changed = _mutate(SEED_TEXT, line, offset, step=2)
        after = {(f.rule, f.published, f.expected) for f in audit_text(text, report) if f.line == line}
        assert after - before, f"line {line} changed to {changed!r} and nothing new was found"


def test_numbers_in_the_departments_own_words_are_held_against_data_text(report):
    # The department's words (data/text/<id>.yaml) are part of the template's sentences: a number changed in
    # them makes the sentence another one, with another number (the old rules' text_number).
    text = SEED_TEXT.replace("全年举办读书班、主体班、中青班等82期", "全年举办读书班、主体班、中青班等83期")
    new = [f for f in audit_text(text, report) if f not in audit_text(SEED_TEXT, report)]
    assert [(f.rule, f.severity) for f in new] == [("wording", "error")]
    assert "83期" in new[0].published and "82期" in new[0].expected


# ---------------------------------------------------------------- the rules, one by one
def _audit(report, old: str, new: str):
    assert old in SEED_TEXT
    line = _line_of(SEED_TEXT, old)
    base = {(f.rule, f.published, f.expected) for f in audit_text(SEED_TEXT, report) if f.line == line}
    return [f for f in audit_text(SEED_TEXT.replace(old, new, 1), report)
            if f.line == line and (f.rule, f.published, f.expected) not in base]


def test_a_change_in_the_wrong_direction(report):
    # The template writes the branch the figures take (减少…下降): 增加…增长 is another sentence. Its numbers
    # are the same, so it is reported as words that differ (a warning), with the figures' sentence.
    new = _audit(report, "公务接待费支出决算比2021年减少0.44万元，下降27.67%", "公务接待费支出决算比2021年增加0.44万元，增长27.67%")
    assert [(f.rule, f.severity) for f in new] == [("wording", "warning")]
    assert "比2021年减少0.44万元，下降27.67%" in new[0].expected and "增加0.44万元，增长27.67%" in new[0].published


def test_持平_where_the_figures_changed(report):
    new = _audit(report, "公务接待费支出决算比2021年减少0.44万元，下降27.67%", "公务接待费支出决算与2021年持平")
    assert [(f.rule, f.severity) for f in new] == [("wording", "error")]
    assert "比2021年减少0.44万元，下降27.67%" in new[0].expected


def test_a_part_that_differs_from_the_figures(report):
    # Each part is held against its own figure (0.42): the old rules' sum of the parts is not needed to find it.
    new = _audit(report, "省级对口部门来攀考察0.42万元", "省级对口部门来攀考察0.52万元")
    assert [(f.rule, f.severity) for f in new] == [("number", "error")]
    assert "0.52" in new[0].published and "0.42" in new[0].expected


def test_a_quantity_restated_differently_is_held_against_the_figures(report):
    new = _audit(report, "2022年部门总体收入1,848.7万元", "2022年部门总体收入1,848.9万元")
    assert [(f.rule, f.severity) for f in new] == [("number", "error")]
    assert "1，848.9" in new[0].published and "1，848.7" in new[0].expected   # shown with full-width punctuation


def test_a_rate_rounding_could_explain_is_a_warning_and_one_it_cannot_an_error(report):
    # 6.82 / 7.54: 90.32%–90.58% within the operands' rounding to the fen.
    near = [f for f in _audit(report, "完成预算90.50%", "完成预算90.40%") if "完成预算90.45%" in f.expected]
    assert [(f.rule, f.severity, f.explained) for f in near] == [("number", "warning", "rounding")]
    far = [f for f in _audit(report, "完成预算90.50%", "完成预算91.50%") if "完成预算90.45%" in f.expected]
    assert [(f.rule, f.severity, f.explained) for f in far] == [("number", "error", "")]
    # An amount the figures hold is stated exactly: one fen off is an error.
    amount = _audit(report, "本年收入合计1,759.38万元", "本年收入合计1,759.39万元")
    assert [(f.rule, f.severity) for f in amount] == [("number", "error")]


def test_a_missing_unit_and_template_placeholders(report):
    assert [f.rule for f in _audit(report, "公用经费174.97万元", "公用经费174.97")] == ["unit"]
    new = _audit(report, "单价100万元以上专用设备0台（套）", "单价100万元以上专用设备XX台（套）")
    assert [(f.rule, f.severity) for f in new] == [("wording", "error")]
    assert "XX台" in new[0].published and "0台" in new[0].expected


def test_a_wrong_year_and_a_wrong_count(report):
    new = _audit(report, "2022年度收、支总计", "2021年度收、支总计")
    assert [(f.rule, f.severity) for f in new] == [("number", "error")] and "2022年度" in new[0].expected
    new = _audit(report, "国内公务接待5批次", "国内公务接待6批次")
    assert [(f.rule, f.severity) for f in new] == [("number", "error")]
    assert "国内公务接待6批次" in new[0].published and "国内公务接待5批次" in new[0].expected


def test_headings_out_of_sequence(report):
    new = _audit(report, "（二）政府采购支出情况", "（三）政府采购支出情况")
    assert [f.rule for f in new] == ["numbering"]
    assert new[0].published.startswith("（三）政府采购支出情况") and new[0].expected.startswith("（二）政府采购支出情况")


def test_a_chart_caption_against_the_manifest(report):
    new = _audit(report, "（图6：一般公共预算财政拨款支出决算结构）", "（图6：一般公共预算财政拨款支出结构）")
    assert [(f.rule, f.published, f.expected) for f in new] == \
        [("chart", "一般公共预算财政拨款支出结构", "一般公共预算财政拨款支出决算结构")]
    new = _audit(report, "（图6：一般公共预算财政拨款支出决算结构）（饼状图）", "（图6：一般公共预算财政拨款支出决算结构）（柱状图）")
    assert [(f.rule, f.published, f.expected) for f in new] == [("chart", "柱状图", "饼状图")]


def test_a_title_line_and_a_gbk_file(tmp_path, capsys, findings):
    text = "攀枝花市委组织部2022年度部门决算\n" + SEED_TEXT
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gb18030"))
    assert main(["audit", str(path), "--department", "pzh-swzzb", "--year", "2022", "--data", str(DATA),
                 "--format", "json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert [(r["line"] - 1, r["rule"]) for r in rows] == [(f.line, f.rule) for f in findings]
    wrong = "攀枝花市委组织部2021年度部门决算\n" + SEED_TEXT
    report = load_report("pzh-swzzb", 2022, DATA)
    [title] = [f for f in audit_text(wrong, report) if f.line == 1]
    assert title.rule == "number" and "2021年度" in title.published and "2022年度" in title.expected


# ---------------------------------------------------------------- the command
def test_cli_text_output_one_line_per_finding(capsys, findings):
    assert main(["audit", str(PUBLISHED), "--department", "pzh-swzzb", "--year", "2022", "--data", str(DATA)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == len(findings) + 1
    assert out[0].startswith(f"{PUBLISHED}:40：警告：numbering（overview）：公开文本「1、收入支出决算总体情况说明")
    assert any(line.startswith(f"{PUBLISHED}:84：警告：number（three_public_total）：") and "完成预算90.50%" in line
               and "完成预算90.45%" in line for line in out)
    assert out[-1] == COUNTS


def test_cli_json_output(capsys, findings):
    assert main(["audit", str(PUBLISHED), "--department", "pzh-swzzb", "--year", "2022", "--data", str(DATA),
                 "--format", "json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(findings)
    for row in rows:
        assert {"line", "section", "published", "expected", "rule", "message", "severity"} <= set(row)
        assert row["severity"] in ("error", "warning", "note") and row["rule"] in RULE_LABELS
    [row] = [r for r in rows if r["line"] == 84 and "90.45%" in r["expected"]]
    assert "90.45%" in row["expected"] and row["explained"] == "rounding"


# Three or more ASCII words in a row, as an English sentence has them. Field keys (three_public.total,
# gpb.actual:201), rule keys and paths (data/units.csv) are single tokens without spaces: they pass.
ENGLISH = re.compile(r"[A-Za-z]+(?:[ ,;'’-]+[A-Za-z]+){2,}")


def test_the_seeds_audit_says_everything_in_chinese(capsys):
    args = ["audit", str(PUBLISHED), "--department", "pzh-swzzb", "--year", "2022", "--data", str(DATA)]
    assert main(args) == 1
    text = capsys.readouterr().out
    assert main(args + ["--format", "json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(SEED_FINDINGS) and len(text.strip().splitlines()) == len(SEED_FINDINGS) + 1
    assert ENGLISH.findall(text) == []
    assert [row["message"] for row in rows if ENGLISH.search(row["message"])] == []
    for word in ("error", "warning", "note", "published", "figures give", "finding"):
        assert word not in text.replace(str(PUBLISHED), "")
    assert all(re.search(r"[\u4e00-\u9fff]", row["message"]) for row in rows)


def test_the_english_pattern_would_catch_a_sentence():
    assert ENGLISH.search("the figures give 90.45%, the text 90.50%")
    assert not ENGLISH.search("data/中没有gpb.actual:201的数据（text/pzh-swzzb.yaml）")


def test_cli_exit_zero_on_our_own_report(tmp_path, capsys, report):
    path = tmp_path / "ours.txt"
    path.write_text(markdown_to_text(report.markdown()), encoding="utf-8")
    assert main(["audit", str(path), "--department", "pzh-swzzb", "--year", "2022", "--data", str(DATA)]) == 0
    assert "未发现问题" in capsys.readouterr().out


@pytest.mark.parametrize("args", [
    ["audit", "nope.txt", "--department", "pzh-swzzb", "--year", "2022"],
    ["audit", str(PUBLISHED), "--department", "nobody", "--year", "2022"],
    ["audit", str(PUBLISHED), "--department", "pzh-swzzb", "--year", "1999"],
])
def test_cli_data_errors_exit_two_with_one_line(capsys, args):
    assert main(args + ["--data", str(DATA)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_cli_usage_errors_exit_two(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["audit", str(PUBLISHED), "--department", "pzh-swzzb", "--year", "2022", "--format", "xml"])
    assert exc.value.code == 2


# ---------------------------------------------------------------- the appendix
def test_the_appendix_lists_every_finding(report, findings):
    text = published_check(report)
    assert text.startswith("## 与已公开文本的核对")
    rows = [l for l in text.splitlines() if l.startswith("| ") and not l.startswith("| 行")]
    assert len(rows) == len(findings)
    [row] = [r for r in rows if r.startswith("| 84 | three\\_public\\_total |") and "完成预算90.45%" in r]
    assert "90.50%" in row and row.endswith("| 数字（可由尾数四舍五入解释） |")
    assert "共发现43处不一致：6处与数据矛盾" in text


def test_no_published_text_no_appendix(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.rmtree(data / "2022" / "published")
    assert published_check(load_report("pzh-swzzb", 2022, data)) is None


def test_the_appendix_escapes_the_published_text(tmp_path):
    # Markup in a published sentence the template also writes: the reworded sentence is shown, escaped.
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    hostile = SEED_TEXT.replace("公用经费174.97万元，主要包括：办公费", "公用经费174.97万元，主要包括：<script>x</script>|x|[点我](j){{ 7*7 }}办公费")
    (data / "2022" / "published" / "pzh-swzzb.txt").write_text(hostile, encoding="utf-8")
    text = published_check(load_report("pzh-swzzb", 2022, data))
    row = next(l for l in text.splitlines() if l.startswith("| 80 |"))
    assert "<script>" not in text and "&lt;script&gt;" in row
    assert "\\|x\\|" in row and "\\[点我\\]" in row
    assert row.count(" | ") == 4       # the pipes of the text make no extra cells
