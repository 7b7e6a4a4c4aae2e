"""`juesuan extract` of the seed's template: data files bootstrapped from a published report, read by the
template's own sentences (template_extract; no reader of the seed's is written by hand).

Round trip: the seed extracted, validated, reported, and audited against what was extracted leaves
exactly the seed's own contradictions, the same findings as against data/. The workbook's own report
extracts back to data/ exactly. What the text does not give is listed, never guessed.
"""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from juesuan.audit.audit import audit_text
from juesuan.cli import main
from juesuan.data.year_check import validation_problems
from juesuan.audit.extract import extract, write
from juesuan.data.loading import load_year
from juesuan.report.report import load_report

from seed_text import markdown_to_text, seed_path
from test_audit import ENGLISH, SEED_FINDINGS, variant_data

DATA = Path(__file__).resolve().parents[1] / "data"
SEED = seed_path()


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory, seed_text) -> Path:
    out = tmp_path_factory.mktemp("extracted")
    assert main(["extract", str(SEED), "--department", "pzh-swzzb", "--year", "2022", "--out", str(out),
                 "--name", "攀枝花市委组织部"]) == 0
    return out


def _key(f):
    return f.line, f.rule, f.severity, f.published, f.expected


def test_round_trip_leaves_exactly_the_seeds_own_contradictions(extracted, seed_text):
    problems, _, departments = validation_problems(extracted, 2022)
    assert problems == [] and list(departments) == ["pzh-swzzb"]
    report = load_report("pzh-swzzb", 2022, extracted)
    findings = audit_text(seed_text, report)
    assert [(f.line, f.rule, f.severity) for f in findings] == SEED_FINDINGS
    against_data = audit_text(seed_text, load_report("pzh-swzzb", 2022, DATA))
    assert [_key(f) for f in findings] == [_key(f) for f in against_data]


def test_a_line_named_by_its_class_and_kuan_is_keyed_by_the_kuan(seed_text):
    """五（三）'s line 72 names 一般公共服务组织事务支出: class 201's 组织事务 (款 20132, as data/2022 keeps it), not
    the class: the 类 row 201 that 五（二） states is their total, no row of its own."""
    ex = extract(seed_text, "pzh-swzzb", 2022)
    assert ex.amounts[("gpb.actual", "20132")] == ex.amounts[("gpb.budget", "20132")] == Decimal("1520.71")
    assert ex.function_names == {"20132": "组织事务"}
    assert ("gpb.actual", "201") not in ex.amounts


def test_the_extracted_report_audits_clean_against_its_own_rendering(extracted):
    report = load_report("pzh-swzzb", 2022, extracted)
    assert audit_text(markdown_to_text(report.markdown()), report) == []


def test_figures_come_from_the_primary_statements(extracted):
    amounts = load_year(extracted, 2022).departments["pzh-swzzb"].amounts
    # budgets from each item's own completion rate, not from the total's 90.50% (which 6.82 ÷ 7.54 = 90.45% is not)
    assert amounts[("three_public_budget.reception", "")] == Decimal("1.87")
    assert amounts[("three_public_budget.vehicle", "")] == Decimal("5.67")
    assert amounts[("three_public_budget.abroad", "")] == 0
    previous = load_year(extracted, 2021).departments["pzh-swzzb"].amounts
    # last year's items from the items' own changes; no 三公 total from the published 减少0.43
    assert previous[("three_public.reception", "")] == Decimal("1.59")
    assert ("three_public.total", "") not in previous
    assert previous[("total", "")] == Decimal("2029.81")
    record = yaml.safe_load((extracted / "2022" / "extracted" / "pzh-swzzb.yaml").read_text(encoding="utf-8"))
    assert record["extraction_missing"] == []
    # 1.15 / 1.87 = 61.497…% rounds to 61.50%; 1.15 / 1.86 = 61.83% and 1.15 / 1.88 = 61.17% do not
    reception = next(d for d in record["extraction_derived"]
                     if d["field"] == "2022/amounts.three_public_budget.reception")
    assert reception["from"] == "第93行：1.15 ÷ 1.87 = 61.50%，1.87是唯一能得出61.50%的精确到分的数"
    explanations = [d["from"] for d in record["extraction_derived"]] + [a["why"] for a in record["extraction_assumed"]]
    assert [e for e in explanations if ENGLISH.search(e)] == []
    # 0 spent, 完成预算0%: a budget of 0 as the template writes it, or a budget left unspent; two kinds of unit
    # counted, not named unit by unit
    assumed = {a["field"] for a in record["extraction_assumed"]}
    assert assumed == {"2022/amounts.three_public_budget.abroad", "units.unit_kind"}
    derived = {d["field"] for d in record["extraction_derived"]}
    assert {"2022/amounts.carryover.begin", "2022/amounts.carryover.begin_fiscal",
            "2022/amounts.three_public_budget.reception", "2021/amounts.total",
            "2021/amounts.three_public.abroad"} <= derived


def test_our_own_report_extracts_back_to_data():
    report = load_report("pzh-swzzb", 2022, DATA)
    ex = extract(markdown_to_text(report.markdown()), "pzh-swzzb", 2022)
    source = load_year(DATA, 2022).departments["pzh-swzzb"]
    assert ex.missing == []
    assert ex.amounts == source.amounts
    assert ex.counts == source.counts
    assert ex.breakdowns == source.breakdowns
    assert ex.units == [(u.name, u.kind) for u in source.units]
    assert ex.text == source.text
    assert ex.previous == load_year(DATA, 2021).departments["pzh-swzzb"].amounts


def test_other_figures_extract_back_and_an_unfixed_budget_is_missing(tmp_path):
    data = variant_data(tmp_path, "busy")
    report = load_report("pzh-swzzb", 2022, data)
    ex = extract(markdown_to_text(report.markdown()), "pzh-swzzb", 2022)
    source = load_year(data, 2022).departments["pzh-swzzb"]
    # 1,520.71 at 完成预算95.04% with 决算数小于预算数: budgets from 1,599.99 to 1,600.15 all give it
    assert [m["field"] for m in ex.missing] == ["2022/amounts.gpb.budget.20132"]
    assert ex.amounts == {k: v for k, v in source.amounts.items() if k != ("gpb.budget", "20132")}
    assert ex.counts == source.counts
    unused = {"admin_operating_change"}   # 机关运行经费 is 持平: the report gives no reason, nor does the text
    assert ex.text["reasons"] == {k: v for k, v in source.text["reasons"].items() if k not in unused}
    assert ex.previous == load_year(data, 2021).departments["pzh-swzzb"].amounts


def test_what_the_text_does_not_give_is_listed_not_guessed(tmp_path, seed_text, capsys):
    text = seed_text.replace("国内公务接待5批次，34人次（不包括陪同人员），共计支出1.15万元，", "")
    text = text.replace("公务接待费支出1.15万元，完成预算61.50%。", "公务接待费支出1.15万元。")
    path = tmp_path / "published.txt"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(path), "--department", "pzh-swzzb", "--year", "2022", "--out", str(out)]) == 1
    printed = capsys.readouterr().out.splitlines()
    missing = [line for line in printed if line.startswith("缺少：")]
    assert any("counts.reception_domestic.batches" in line and "文中未写明国内公务接待批次" in line for line in missing)
    assert any("amounts.three_public_budget.reception" in line and "文中未写明公务接待费预算数" in line
               for line in missing)
    counts = (out / "2022" / "counts.csv").read_text(encoding="utf-8")
    amounts = (out / "2022" / "amounts.csv").read_text(encoding="utf-8")
    assert "reception_domestic.batches" not in counts and "three_public_budget.reception" not in amounts
    record = yaml.safe_load((out / "2022" / "extracted" / "pzh-swzzb.yaml").read_text(encoding="utf-8"))
    assert {m["field"] for m in record["extraction_missing"]} == {
        "counts.reception_domestic.batches", "counts.reception_domestic.people",
        "amounts.three_public_budget.reception"}
    assert [m["why"] for m in record["extraction_missing"] if ENGLISH.search(m["why"])] == []
    problems, _, _ = validation_problems(out, 2022)
    assert any("reception_domestic.batches" in p.message for p in problems)


def test_a_budget_the_rate_does_not_fix_is_missing(seed_text):
    text = seed_text.replace("支出决算为1,520.71万元，完成预算100%。",
                             "支出决算为1,520.71万元，完成预算100%。决算数小于预算数的主要原因是项目结余。")
    ex = extract(text, "pzh-swzzb", 2022)
    assert ("gpb.budget", "20132") not in ex.amounts
    assert [m["field"] for m in ex.missing] == ["2022/amounts.gpb.budget.20132"]
    # 1,520.71 / 1,520.72 = 99.9993% and 1,520.71 / 1,520.73 = 99.9987% both round to 100%: more than one budget
    assert ex.missing[0]["why"].startswith("第72行：1,520.71 ÷ 100%：有")
    assert "1,520.72、1,520.73" in ex.missing[0]["why"] and ex.missing[0]["why"].endswith("无法确定一般公共预算财政拨款支出预算数")
    assert ex.text["reasons"]["gpb_budget"] == {"20132": "项目结余"}


def test_the_name_without_a_title_line_is_an_assumption(seed_text):
    ex = extract(seed_text, "pzh-swzzb", 2022)
    assert ex.name == ex.short_name == "市委组织部"
    assert any(a["field"] == "departments.name" for a in ex.assumed)
    titled = extract("攀枝花市委组织部2022年度部门决算\n" + seed_text, "pzh-swzzb", 2022)
    assert titled.name == "攀枝花市委组织部"
    assert not any(a["field"] == "departments.name" for a in titled.assumed)


def test_other_departments_rows_are_kept_and_a_full_previous_year_is_not_touched(tmp_path, seed_text):
    out = tmp_path / "data"
    shutil.copytree(DATA, out)
    shutil.rmtree(out / "2021")
    (out / "2021").mkdir()
    shutil.copy(DATA / "2022" / "departments.csv", out / "2021" / "departments.csv")
    (out / "2021" / "amounts.csv").write_text("department_id,item,code,amount\npzh-swzzb,admin_operating,,1\n",
                                              encoding="utf-8")
    ex = extract(seed_text, "copy-of-seed", 2022, name="复制部门")
    write(ex, out)
    year = load_year(out, 2022)
    assert set(year.departments) == {"pzh-swzzb", "copy-of-seed"}
    assert year.departments["copy-of-seed"].amounts == year.departments["pzh-swzzb"].amounts
    assert (out / "2021" / "amounts.csv").read_text(encoding="utf-8").count("\n") == 2   # left as it was
    write(ex, out)   # again: replaced, not doubled
    rows = (out / "2022" / "amounts.csv").read_text(encoding="utf-8")
    assert rows.count("copy-of-seed") == rows.count("pzh-swzzb") == 41


@pytest.mark.parametrize("args", [
    ["extract", "nope.txt", "--department", "pzh-swzzb", "--year", "2022"],
    ["extract", str(SEED), "--department", "../etc", "--year", "2022"],
    ["extract", str(SEED), "--department", "pzh-swzzb", "--year", "1800"],
])
def test_cli_errors_exit_two_with_one_line(tmp_path, capsys, args):
    assert main(args + ["--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_extract_never_overwrites_a_departments_data(tmp_path, capsys):
    """`--out data` once rewrote the seed's own files from its published text: a folder that already holds the
    department is refused, one line, nothing written."""
    out = tmp_path / "data"
    shutil.copytree(DATA, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert main(["extract", str(SEED), "--department", "pzh-swzzb", "--year", "2022", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "extract 不覆盖已有的数据" in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
