"""The second real department: 上海市普陀区文化和旅游局's 2025 figures in data/2025, and 2024's in data/2024.

data/2025 is what `juesuan import --as-published` makes of the fixture workbook (tests/fixtures/
putuo_wenlv_2025/, read from the published text); data/2024 is what that text implies of 2024
(text_facts.yaml). Checked here:

* the import, run again into an empty folder, writes exactly data/2025's files (a reproduction check: the
  committed files are its output; the figures themselves are checked beside it, against the text);
* the figures against the published text's own words (第三部分), by hand;
* `juesuan validate` passes 2025 and says each defect of the published tables: the ones
  tests/test_putuo_workbook.py works out by hand (PUBLISHED_FAILURES), as the reader locates them;
* 2024 against text_facts.yaml and the changes the text states;
* the subtotal rule behind it: a printed 类/款 within its rounding residue (尾差) of its rows is kept as
  printed; one further off is an error, said once, and its rows count.
"""
from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from juesuan import cli
from juesuan.data.figures import Figures, change_between
from juesuan.data.importer import plan_import
from juesuan.data.loading import DepartmentFigures, has_reports, latest_year, load_year, year_settings
from juesuan.errors import DataError
from juesuan.data.money import rounding_residue
from juesuan.data.validation import rounding_differences, tie_outs
from juesuan.data.year_check import validation_problems

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURE = ROOT / "tests" / "fixtures" / "putuo_wenlv_2025"
WORKBOOK = FIXTURE / "putuo_wenlv_2025.xlsx"
DEPT = "putuo-wenlv"
D = Decimal


@pytest.fixture(scope="module")
def figures() -> Figures:
    return Figures(load_year(DATA, 2025).departments[DEPT])


@pytest.fixture(scope="module")
def previous() -> Figures:
    return Figures(load_year(DATA, 2024).departments[DEPT])


# What data/2025 holds beyond the nine tables: what the text states (五（三）'s budgets and actuals by 项, and its
# total budget; 八's budgets; 国内/外事接待; 机关运行经费; 政府采购), typed from published.txt.
FROM_THE_TEXT = {"gpb.actual", "gpb.budget", "gf.budget", "three_public.reception_domestic",
                 "three_public.reception_foreign", "admin_operating", "procurement.goods", "procurement.works",
                 "procurement.services", "procurement.sme_reserved", "procurement.small_micro_reserved",
                 "procurement.sme_awarded", "procurement.small_micro_awarded", "procurement.sme_awarded_other"}


def test_data_2025_is_what_the_import_writes_and_what_the_text_states(tmp_path):
    target = tmp_path / "data"
    (target / "2025").mkdir(parents=True)
    cli.main(["import", str(WORKBOOK), "--department", DEPT, "--year", "2025", "--data", str(target), "--as-published"])
    for name in ("function_names.csv", "economic_names.csv", "departments.csv", f"provenance/{DEPT}.yaml"):
        assert (target / "2025" / name).read_bytes() == (DATA / "2025" / name).read_bytes(), name
    imported = (target / "2025" / "amounts.csv").read_text(encoding="utf-8").splitlines()
    held = (DATA / "2025" / "amounts.csv").read_text(encoding="utf-8").splitlines()
    assert held[:len(imported)] == imported  # the import's rows first, as it wrote them
    typed = [line.split(",") for line in held[len(imported):]]
    assert {item for _, item, _, _ in typed} == FROM_THE_TEXT
    # 五（三）'s 24 lines (published.txt lines 420-531), each with its budget and its actual.
    assert sum(1 for _, item, code, _ in typed if item == "gpb.budget" and code) == 24
    assert sum(1 for _, item, code, _ in typed if item == "gpb.actual" and code) == 24


# 第三部分 of the published text (published.txt), each with its line.
STATED_IN_THE_TEXT = {
    "total": "26591.08",               # line 389 收入支出总计
    "income_total": "26538.47",        # line 392 本年收入合计
    "fiscal_income": "26538.47",       # line 392 财政拨款收入
    "expenditure_total": "26538.47",   # line 395 本年支出合计
    "expenditure.basic": "9800.36",    # line 395 基本支出
    "expenditure.project": "16738.11",  # line 396 项目支出
    "fiscal_total": "26538.47",        # line 399 财政拨款收入支出总计
    "gpb.total": "24535.67",           # line 404 一般公共预算财政拨款支出
    "gpb_basic.total": "9800.36",      # line 536 基本支出
    "gpb_basic.personnel": "8055.07",  # line 537 人员经费
    "gpb_basic.public": "1745.29",     # line 539 公用经费
    "three_public_budget.total": "11.49",  # line 549 年初预算
    "three_public.total": "3.04",      # line 550 支出决算
    "three_public.abroad": "0",        # line 551
    "three_public.vehicle": "2.64",    # line 552
    "three_public.reception": "0.40",  # line 553
    "income.government_fund": "2002.80",  # line 612 政府性基金预算财政拨款收入
}
# 五（二）, lines 412-417: 一般公共预算财政拨款支出 by 类.
GPB_BY_CLASS = {"207": "17127.62", "208": "1493.32", "210": "370.37", "215": "4948.72", "221": "595.64"}


@pytest.mark.parametrize("key", sorted(STATED_IN_THE_TEXT))
def test_each_figure_is_the_text_s(figures, key):
    assert figures.value(key) == D(STATED_IN_THE_TEXT[key])


def test_spending_by_class_is_the_text_s(figures):
    assert figures.by_code("gpb.actual") == {code: D(v) for code, v in GPB_BY_CLASS.items()}
    # 八, lines 617-628: 政府性基金 by 项 (2.80 地方旅游开发项目补助, 2,000.00 其他国有土地使用权出让…)
    assert figures.leaves("gf.actual") == {"2070904": D("2.80"), "2121999": D("2000.00")}
    assert figures.function_name("2121999") == "其他国有土地使用权出让收入对应专项债务收入安排的支出"


def test_validate_passes_and_says_each_defect_of_the_published_tables(capsys):
    assert cli.main(["validate", "--year", "2025"]) == 0
    out = capsys.readouterr().out
    defects = [line for line in out.splitlines() if "公开表不符" in line]
    cells = {re.search(r"(公开0\d表![A-Z]+\d+(?:、[A-Z]+\d+)*)（", line).group(1) for line in defects}
    # PUBLISHED_FAILURES of test_putuo_workbook.py, a row already wrong not blamed again in its 款 or 类
    # (20701 of 02 and 03), and 05's two surviving rows (its pages are missing from the text).
    assert cells == {"公开02表!C7、D7", "公开03表!C8", "公开03表!C12", "公开05表!C5、D5、E5", "公开06表!F4",
                     "公开06表!F32", "公开08表!E5、G5"}
    assert len(defects) == 7
    # The subtotals kept as printed, each within the 尾差 of its rows (hand sums in test_putuo_workbook.py; 02's
    # 20701 of 财政拨款收入 14,758.06 against its 11 项, lines 131-143: 457.86 + 3,070.63 + 1,700.57 + 1,605.19
    # + 4,540.23 + 38.39 + 17.99 + 841.30 + 14.96 + 2,047.66 + 423.29 = 14,758.07).
    residues = [line for line in out.splitlines() if "尾差：" in line]
    assert len(residues) == 6
    assert any("expenditure.basic 20701：7,374.19，其下各项之和 7,374.18" in line for line in residues)
    assert any("income.fiscal 20701：14,758.06，其下各项之和 14,758.07" in line for line in residues)
    assert any("gpb_basic.economic 302：1,708.26，其下各款之和 1,708.25" in line for line in residues)
    assert any("gpb_basic.economic 310：37.03，其下各款之和 37.02" in line for line in residues)
    assert "通过：" in out
    # 五（三）'s lines and total: their 尾差 against the tables' classes, said too.
    assert any("gpb.actual 207：17,127.62，其下各款、项之和 17,127.63" in line for line in residues)
    assert any("gpb.budget：27,780.16，各类之和 27,780.13（合计）" in line for line in residues)


def test_2025_is_a_report_year_in_the_national_template():
    assert year_settings(DATA, 2025) == {"template": "national"}
    assert has_reports(DATA, 2025) and not has_reports(DATA, 2024)
    assert latest_year(DATA) == 2025


def test_a_figures_only_year_has_no_reports(tmp_path):
    shutil.copytree(DATA / "2025", tmp_path / "2025")
    (tmp_path / "2025" / "year.yaml").write_text("figures_only: true\n", encoding="utf-8")
    assert not has_reports(tmp_path, 2025)
    with pytest.raises(DataError, match="不出报告"):
        cli._report_year_departments(type("Args", (), {"year": "2025", "data": tmp_path, "department": None})(), "报告")
    problems, notes, _ = validation_problems(tmp_path, 2025)
    assert problems == [] and "2025年只有数字（year.yaml：figures_only），不出报告" in notes[DEPT]


def test_2024_is_what_the_text_implies():
    facts = yaml.safe_load((FIXTURE / "text_facts.yaml").read_text(encoding="utf-8"))["facts"]
    implied = {fact["id"]: D(fact["implied_2024"]) for fact in facts}
    held = Figures(load_year(DATA, 2024).departments[DEPT])
    assert held.value("total") == implied["收入支出总计"]
    assert held.value("fiscal_total") == implied["财政拨款收入支出总计"]
    assert held.value("gpb.total") == implied["一般公共预算财政拨款支出"]
    assert held.value("three_public.total") == implied["三公经费财政拨款支出"]
    assert held.value("three_public.abroad") == implied["因公出国（境）费"]
    assert held.value("three_public.vehicle") == implied["公务用车购置及运行维护费"]
    assert held.value("three_public.reception") == implied["公务接待费"]
    assert held.value("admin_operating") == implied["机关运行经费"]


# The changes 第三部分 states (line): the 2025 figures less 2024's give them back.
STATED_CHANGES = {
    "total": "8487.88",               # line 389 增加
    "fiscal_total": "8487.88",        # line 400 增加
    "gpb.total": "6485.08",           # line 407 增加
    "three_public.total": "19.66",    # line 557 减少
    "three_public.vehicle": "20.06",  # line 559 减少
    "three_public.reception": "0.40",  # line 559 增加
}


@pytest.mark.parametrize("key", sorted(STATED_CHANGES))
def test_the_changes_the_text_states(figures, previous, key):
    assert change_between(figures, previous, key).amount == D(STATED_CHANGES[key])


# ---------------------------------------------------------------- the subtotal rule, by hand


def department(rows: dict[tuple[str, str], str]) -> Figures:
    return Figures(DepartmentFigures("demo", 2025, "示例部门", "示例",
                                     amounts={k: D(v) for k, v in rows.items()},
                                     function_names={"20701": "文化和旅游", "2070101": "行政运行",
                                                     "2070104": "图书馆"}))


def test_the_rounding_residue_is_half_a_fen_for_each_figure():
    assert rounding_residue(1) == D("0.010")   # a total and its one part, each off by up to 0.005
    assert rounding_residue(2) == D("0.015")   # so 0.01 between a total and two parts is rounding; 0.02 is not
    assert rounding_residue(11) == D("0.060")


def test_a_subtotal_within_its_residue_is_kept_as_printed():
    f = department({("gpb.actual", "207"): "10.01", ("gpb.actual", "20701"): "10.01",
                    ("gpb.actual", "2070101"): "4.00", ("gpb.actual", "2070104"): "6.00"})
    assert f.amount_at("gpb.actual", "20701") == D("10.01")   # printed: 4.00 + 6.00 = 10.00, 尾差 0.01
    assert f.amount_at("gpb.actual", "207") == D("10.01")
    assert f.value("gpb.total") == D("10.01")
    assert tie_outs(f) == []
    assert rounding_differences(f) == ["gpb.actual 20701：10.01，其下各项之和 10（20701 文化和旅游），差0.01"
                                       "（2行各自四舍五入的尾差）"]


def test_a_subtotal_beyond_its_residue_is_one_error_and_its_rows_count():
    f = department({("gpb.actual", "207"): "10.00", ("gpb.actual", "20701"): "10.02",
                    ("gpb.actual", "2070101"): "4.00", ("gpb.actual", "2070104"): "6.00"})
    assert f.amount_at("gpb.actual", "20701") == D("10.00")   # 0.02 > 0.015: the rows, not the subtotal
    assert f.value("gpb.total") == D("10.00")
    errors = tie_outs(f)
    assert [e.field for e in errors] == ["gpb.actual 20701"]
    assert "其下各项之和 10（" in errors[0].message and "'10.02'" in errors[0].message


def test_year_settings_are_one_kind_each(tmp_path):
    (tmp_path / "2025").mkdir()
    marker = tmp_path / "2025" / "year.yaml"
    marker.write_text("comparison_only: true\nfigures_only: true\n", encoding="utf-8")
    with pytest.raises(DataError, match="只设其一"):
        year_settings(tmp_path, 2025)
    marker.write_text("figures_only: yes please\n", encoding="utf-8")
    with pytest.raises(DataError, match="true 或 false"):
        year_settings(tmp_path, 2025)


def test_without_as_published_the_sample_is_refused_and_nothing_written(tmp_path, capsys):
    target = tmp_path / "data"
    (target / "2025").mkdir(parents=True)
    assert cli.main(["import", str(WORKBOOK), "--department", DEPT, "--year", "2025", "--data", str(target)]) == 1
    assert "共7个问题：未写入任何文件" in capsys.readouterr().out
    assert [p for p in target.rglob("*") if p.is_file()] == []


def test_the_provenance_records_the_defects_and_where_each_figure_came_from():
    record = yaml.safe_load((DATA / "2025" / "provenance" / f"{DEPT}.yaml").read_text(encoding="utf-8"))
    assert len(record["published_defects"]) == 7
    cells = {(r.get("item"), r.get("code")): r["cell"] for r in record["rows"] if r["file"] == "amounts.csv"}
    assert cells[("gpb.actual", "207")] == "公开04表!E11"  # 05 lists two of its classes: 04 gives them all
    assert cells[("gpb.basic", "")] == "公开05表!D5"
    assert cells[("expenditure.basic", "20701")] == "公开03表!D7"
    assert cells[("income.fiscal", "207")] == "公开02表!D6" and cells[("gf.project", "212")] == "公开08表!G9"
    assert cells[("three_public_budget.vehicle_operation", "")] == "公开07表!I7"
    # What has no place in the model: 05's row 207 (合计, 基本支出, 项目支出) under a 合计 that is not the sum of the
    # classes listed (the text keeps two of 05's rows): the model holds 05's columns as their 合计 alone.
    assert record["not_stored"] == {"公开05表": 3}


# The figures the import now stores beside the totals, against the published tables (published.txt, by line).
FISCAL_INCOME_BY_CLASS = {  # 02's 财政拨款收入, lines 129-174
    "207": "17130.42", "20701": "14758.06", "2070101": "457.86", "20709": "2.80", "20799": "2369.56",
    "208": "1493.32", "20805": "1460.16", "20808": "33.16", "210": "370.37", "212": "2000.00", "215": "4948.72",
    "221": "595.64", "2210201": "403.71", "2210203": "191.93"}


def test_the_figures_stored_beside_the_totals_are_the_published_tables(figures):
    for code, amount in FISCAL_INCOME_BY_CLASS.items():
        assert figures.amount_at("income.fiscal", code) == D(amount), code
    # 26,538.47 (line 128) = 17,130.42 + 1,493.32 + 370.37 + 2,000.00 + 4,948.72 + 595.64 = 财政拨款收入 in all
    assert figures.value("income.fiscal") == D("26538.47") == figures.value("fiscal_income")
    # 08, lines 358-370: every class of 政府性基金 is 项目支出 (its 基本支出 is blank: no row)
    assert figures.leaves("gf.project") == {"2070904": D("2.80"), "2121999": D("2000.00")}
    assert figures.detail("gf.basic") == {}
    # 07, line 343: 公务用车购置费 预算数 0, 运行维护费 预算数 9.38, making up the 9.38 of 小计
    assert figures.value("three_public_budget.vehicle_purchase") == 0
    assert figures.value("three_public_budget.vehicle_operation") == D("9.38") == figures.value(
        "three_public_budget.vehicle")
    # 01 (line 114, blank) and 04 (lines 275-278, blank by fund): not given
    assert figures.value("non_fiscal_balance_used") is None and figures.value("balance_distribution") is None
    assert figures.by_code("carryover.begin_fiscal") == {} == figures.by_code("carryover.end_fiscal")


def test_validation_of_the_year_finds_nothing_else():
    problems, notes, names = validation_problems(DATA, 2025)
    assert problems == [] and names == {DEPT: "上海市普陀区文化和旅游局"}
    plan = plan_import(WORKBOOK, DEPT, 2025, DATA, as_published=True)
    assert plan.added == [] and plan.replaced == []  # data/2025 already holds every figure the workbook gives
