"""`juesuan audit PUBLISHED` with no data: the sentence checks (sentence_audit), on the two published texts.

Expected values are hand arithmetic on the figures the texts print (and the sample's 公开07表), and the
defects tests/test_sample_fidelity.py (DEFECTS) and tests/test_audit.py (SEED_FINDINGS) list by hand from the
data; never this code's own output.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from juesuan.audit.audit import audit_file
from juesuan.audit.standalone_audit import audit_published

from test_sample_fidelity import DEFECTS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SAMPLE = ROOT / "tests" / "fixtures" / "putuo_wenlv_2025" / "published.txt"
SEED = DATA / "2022" / "published" / "pzh-swzzb.txt"
SENTENCE_RULES = {"amount", "number", "change", "change_rate", "restated", "sum"}


def line_of(path: Path, fragment: str, after: int = 0) -> int:
    """The (1-based) line of the text that prints `fragment` (spaces as the PDF's text puts them ignored)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if n > after and fragment in line.replace(" ", ""))


def sentence_findings(outcome) -> set[tuple[int, str, str, str]]:
    return {(f.line, f.rule, f.severity, f.published) for f in outcome.findings if f.rule in SENTENCE_RULES}


@pytest.fixture(scope="module")
def sample():
    return audit_published(SAMPLE, data_dir=DATA)


@pytest.fixture(scope="module")
def sample_with_data():
    return audit_file(SAMPLE, "putuo-wenlv", 2025, DATA)


def test_the_sample_s_number_findings_without_data(sample):
    # DEFECTS[0]: 1,493.32 / 24,535.67 = 6.0864% → 6.09%; 6.08 is the value cut, not rounded: a warning.
    # DEFECTS[5]: 2.64 / 9.38 (the vehicle budget, only in 公开07表) = 28.1450% → 28.14%; 2.635…2.645 over
    #   9.375…9.385 gives 28.08%…28.21%: rounding of the printed figures could give 28.15: a warning.
    # DEFECTS[6]: 公务接待费 0.40, 增加 0.40: last year 0.40 − 0.40 = 0, and a growth from 0 has no rate.
    assert DEFECTS[0][0].endswith("占6.08%") and "28.15%" in DEFECTS[5][0] and "增长100%" in DEFECTS[6][0]
    assert sentence_findings(sample) == {
        (line_of(SAMPLE, "占6.08%"), "number", "warning", "6.08%"),
        (line_of(SAMPLE, "完成预算的28.15%"), "number", "warning", "28.15%"),
        (line_of(SAMPLE, "增长100%"), "change_rate", "error", "100%"),
    }
    explained = {f.published: f.explained for f in sample.findings if f.rule == "number"}
    assert explained == {"6.08%": "truncated", "28.15%": "rounding"}
    rounding = next(f for f in sample.findings if f.published == "28.15%")
    assert "28.08 至 28.21" in rounding.message and "公开07表" in rounding.message


def test_the_sample_s_amounts_all_agree_with_its_own_tables(sample):
    ran = next(name for name in sample.ran if name.startswith("正文所述金额与报告本身的表"))
    assert int(ran.rsplit("：", 1)[1].removesuffix("处")) > 20
    assert not [f for f in sample.findings if f.rule in ("amount", "restated")]


def test_the_sample_with_data_and_without(sample, sample_with_data):
    """Without data, the sample's findings are those of the audit against data/2025 (an independent path: the
    template rendered from the department's data). The numbers are the sentence checks' (same lines; the
    增长100% found at its 100% where the with-data audit faults its sentence, which starts the line before);
    the wording, punctuation and unit findings are the template rendered from the figures the report's own
    tables and text give (rendered_audit): the same, at the same lines, with the same published and expected
    words — the dropped 为 of 五（三） lines 12–13 included (read leniently), the missing colons, the
    half-width brackets, 0.40万."""
    numbers = {"number", "change", "change_rate"}
    with_data = {(f.line, f.rule, f.severity, f.published, f.expected) for f in sample_with_data
                 if f.rule not in numbers and not (f.rule == "wording" and f.severity == "error")}
    without = {(f.line, f.rule, f.severity, f.published, f.expected) for f in sample.findings
               if f.rule not in numbers | {"table_sum"}}
    assert without == with_data and len(with_data) == 18
    assert {rule for _, rule, *_ in with_data} == {"wording", "half_width", "unit"}
    dropped_wei = line_of(SAMPLE, "支出决算2349.56")
    assert (dropped_wei, "wording", "warning", "年初预算为0万元，支出决算2349.56万元。",
            "年初预算为0万元，支出决算为2349.56万元。") in without
    # the numbers: 6.08% and 28.15% at their lines; 增长100% as a sentence the figures do not allow (with data,
    # reported where that sentence starts, the line before the 100%)
    numbers_with_data = {(f.line, f.rule) for f in sample_with_data if f.rule == "number"} | \
        {(f.line, f.rule) for f in sample_with_data if f.rule == "wording" and f.severity == "error"}
    assert numbers_with_data == {(line_of(SAMPLE, "占6.08%"), "number"), (line_of(SAMPLE, "完成预算的28.15%"), "number"),
                                 (line_of(SAMPLE, "增长100%") - 1, "wording")}
    assert len(sentence_findings(sample)) == len(numbers_with_data)
    assert not any("正文措辞、标点、单位与模板" in why for why in sample.not_run)
    # what the text lacks is listed: last year's figures, given only through the changes the text states
    # (each change is then the very figure it was read from), and the counts of domestic receptions, which
    # the text states only summed with the foreign ones (公务接待2批次、24人次): that sentence is not checked
    assert any(why.startswith("增减额：") and "2024年" in why for why in sample.not_run)
    assert any("只由所核对的句子本身得出的数字" in why and "2024年收、支总计" in why for why in sample.not_run)
    lacking = next(why for why in sample.not_run if "reception_domestic.batches" in why)
    assert f"第{line_of(SAMPLE, '公务接待2批次')}行" in lacking
    assert any("缺“为”" in name and str(dropped_wei) in name for name in sample.ran)


def test_a_text_of_another_year_is_read_as_its_own_year(tmp_path):
    """The sentences are the example's (2025) rendering; a text of 2026 names last year 2025, not 2024."""
    moved = tmp_path / "2026.txt"
    moved.write_text(SAMPLE.read_text(encoding="utf-8").replace("2025", "2026").replace("2024", "2025"),
                     encoding="utf-8")
    outcome = audit_published(moved, data_dir=DATA)
    changes = next(why for why in outcome.not_run if why.startswith("增减额："))
    assert "2025年收、支总计" in changes and "2024年" not in changes


def test_an_amount_changed_in_the_text_is_held_against_the_table_and_against_itself(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    # 人员经费 8,055.07 is 公开06表's 人员经费合计; the second 公务用车 2.64 (the shares) restates the first.
    assert text.count("经费 8055.07 万元") == 1 and text.count("决算 0 万元，占 0%；公务用车购置及运行维护费支出决算 2.64") == 1
    changed = tmp_path / "changed.txt"
    changed.write_text(text.replace("经费 8055.07 万元", "经费 8056.07 万元")
                       .replace("决算 0 万元，占 0%；公务用车购置及运行维护费支出决算 2.64",
                                "决算 0 万元，占 0%；公务用车购置及运行维护费支出决算 2.46"), encoding="utf-8")
    findings = audit_published(changed, data_dir=DATA).findings
    personnel = line_of(changed, "经费8056.07万元")
    [amount] = [f for f in findings if f.rule == "amount" and f.line == personnel]
    assert amount.severity == "error" and amount.expected == "8055.07" and "公开06表" in amount.message
    vehicle = line_of(changed, "公务用车购置及运行维护费支出决算2.46")
    [restated] = [f for f in findings if f.rule == "restated"]
    assert restated.line == vehicle and restated.expected == "2.64"
    assert f"第{line_of(SAMPLE, '出决算为2.64万元')}行" in restated.message


@pytest.fixture(scope="module")
def seed_alone():
    """The seed audited without its data (the slowest call here: both tests below read it, neither changes it)."""
    return audit_published(SEED, data_dir=DATA)


def test_the_seed_s_self_contradictions_without_data(seed_alone):
    outcome = seed_alone
    # line 61: 1,848.48 / 1,848.70 = 99.988% → 99.99%; printed 99.98, the value cut (as with data).
    # line 86: 三公 6.82 = 0 + 5.67 + 1.15; 5.67 / 6.82 = 83.14%, 1.15 / 6.82 = 16.86%, printed 0.31% and
    #   0.06% (as with data), and 0% + 0.31% + 0.06% = 0.37%, not 100% (as with data).
    # line 84: 6.82 万元, 减少 0.43 万元, 下降 6.06%: last year 6.82 + 0.43 = 7.25 and 0.43 / 7.25 = 5.93%; even
    #   0.435 / 7.245 is 6.00%: the three printed figures cannot all hold. (With data, the figures put the fault
    #   on the 0.43 — last year was 7.26, a change of 0.44 — a warning; without them the rate is what fails.)
    assert sentence_findings(outcome) == {
        (61, "number", "warning", "99.98%"),
        (84, "number", "error", "6.06%"),
        (86, "number", "error", "0.31%"),
        (86, "number", "error", "0.06%"),
        (86, "sum", "error", "0% + 0.31% + 0.06% = 0.37%"),
    }
    # 90.50% (line 84) and 61.50% (93) need the 三公 budgets, which the text (no tables) never states; the
    # with-data 84 change warning needs last year's figure
    lacking = next(why for why in outcome.not_run if "所需数字正文与表中都没有" in why)
    assert "第84行 90.50%" in lacking and "第93行 61.50%" in lacking
    assert any("报告未印出可读的公开表" in why for why in outcome.not_run)


def test_the_seed_s_words_without_data_are_those_found_with_data(seed_alone):
    """The seed alone: the template rendered from what its text states (template_extract reads it whole: its
    units, duties, attachment, last year from the changes) finds every finding of words the audit against
    data/2022 finds (an independent path: the template rendered from the department's own data) — each
    heading misnumbered, the sentences left out, the half-width colons, the thousands separators, the reworded
    sentences — at the same lines with the same published and expected words."""
    alone = seed_alone
    with_data = audit_file(SEED, "pzh-swzzb", 2022, DATA)
    numbers = SENTENCE_RULES
    expected = {(f.line, f.rule, f.severity, f.published, f.expected) for f in with_data if f.rule not in numbers}
    found = {(f.line, f.rule, f.severity, f.published, f.expected) for f in alone.findings if f.rule not in numbers}
    assert found == expected
    # test_audit.SEED_FINDINGS' misnumbered headings and left-out sentences among them (by hand from the text)
    assert {(136, "missing"), (153, "missing"), (115, "numbering"), (192, "numbering")} <= \
        {(line, rule) for line, rule, *_ in found}
    assert not any("无法渲染模板" in why for why in alone.not_run)


def test_without_the_template_s_example_the_sentence_checks_say_why(tmp_path):
    outcome = audit_published(SAMPLE, data_dir=tmp_path)
    assert not [f for f in outcome.findings if f.rule != "table_sum"]
    assert any("示例部门 putuo-wenlv" in why for why in outcome.not_run)
    assert not [name for name in outcome.ran if name.startswith("正文")]


def test_partial_data_runs_what_it_can_and_says_where_each_figure_came_from(tmp_path, capsys):
    """A department whose data holds its amounts only (no counts, no words): the full audit cannot run (its
    report needs them); the audit runs with those amounts first, the tables' and the text's after. (The
    department is the sample's under another id, beside the template's example, which stays whole.)"""
    import shutil

    from juesuan import cli

    partial = tmp_path / "data"
    shutil.copytree(DATA, partial, ignore=shutil.ignore_patterns("published", "outputs"))
    for year in (2025, 2024):
        for name in ("departments.csv", "amounts.csv"):
            path = partial / str(year) / name
            text = path.read_text(encoding="utf-8")
            rows = [line.replace("putuo-wenlv,", "pt-partial,", 1) for line in text.splitlines()
                    if line.startswith("putuo-wenlv,")]
            path.write_text(text.rstrip("\n") + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert cli.main(["audit", str(SAMPLE), "--department", "pt-partial", "--year", "2025", "--data",
                     str(partial)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "数据不全" in out[0] and "pt-partial" in out[0]
    rendered = next(line for line in out if line.startswith("已核对：正文逐句与模板核对"))
    from_data = int(rendered.split("数据 ", 1)[1].split(" 项", 1)[0])
    rows_2025 = (DATA / "2025" / "amounts.csv").read_text(encoding="utf-8").count("\nputuo-wenlv,")
    rows_2024 = (DATA / "2024" / "amounts.csv").read_text(encoding="utf-8").count("\nputuo-wenlv,")
    assert from_data == rows_2025 + rows_2024  # every amount data holds, this year's and last year's
    # last year's figures are data's now: no longer listed as given only by the changes
    assert not any("只由所核对的句子本身得出" in line and "2024年收、支总计" in line for line in out)
    # the wording, punctuation and unit findings of the audit with full data are there (12 half-width notes)
    assert sum(1 for line in out if "：提示：半角标点" in line) == 12
