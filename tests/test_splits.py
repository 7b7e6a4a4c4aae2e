"""What the nine tables print beside a figure the data holds whole, now in the data model too.

02's 财政拨款收入 by class (income.fiscal), 08/09's 基本支出 and 项目支出 by class (gf./sc.basic, .project), 04's
carry-overs by fund (carryover.begin_fiscal/end_fiscal coded general_budget…), 01's 使用非财政拨款结余 and 结余分配,
07's vehicle budgets apart: each ties out against its whole (hand arithmetic below), shows in the 公开表, and
reads back from the exported workbook. The bad inputs of tests/bad_inputs/ (fiscal_income_*, fund_*,
carryover_*, balance_distribution_*, vehicle_budgets_*) each give one line; these are the rules behind them.
"""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.data import catalogue
from juesuan.data.figures import Figures
from juesuan.data.loading import DepartmentFigures, load_year
from juesuan.report.report import load_figures
from juesuan.build.table_export import workbook_bytes
from juesuan.report.tables import public_tables
from juesuan.data.validation import REQUIRED_AMOUNTS, tie_outs
from juesuan.data.workbook import read_workbook

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
D = Decimal


def department(rows: dict[tuple[str, str], str]) -> Figures:
    return Figures(DepartmentFigures("demo", 2022, "示例部门", "示例", amounts={k: D(v) for k, v in rows.items()},
                                     function_names={"20701": "文化和旅游", "2070101": "行政运行",
                                                     "2070104": "图书馆"}))


def messages(f: Figures) -> list[str]:
    return [e.message.removeprefix("data/2022/") for e in tie_outs(f)]


# ---------------------------------------------------------------- 02's 财政拨款收入 by class

FISCAL = {("income.general_budget", ""): "100", ("income.government_fund", ""): "10",
          ("income.state_capital", ""): "0"}


def test_fiscal_income_by_class_adds_up_to_the_three_fiscal_sources():
    # 60 + 50 = 110 = 100 + 10 + 0
    f = department({**FISCAL, ("income.fiscal", "201"): "60", ("income.fiscal", "212"): "50"})
    assert tie_outs(f) == [] and f.value("income.fiscal") == D("110") == f.value("fiscal_income")
    # 60 + 49 = 109: one line, naming the sum and the fiscal income it must be
    f = department({**FISCAL, ("income.fiscal", "201"): "60", ("income.fiscal", "212"): "49"})
    assert messages(f) == ["amounts.csv：部门 demo：income.fiscal：应为各类之和等于财政拨款收入 110（income.general_budget + "
                           "income.government_fund + income.state_capital），实为 '109'"]


def test_fiscal_income_by_class_is_its_funds_where_they_are_split_too():
    split = {("income.general_budget", "201"): "60", ("income.general_budget", "212"): "40",
             ("income.government_fund", "212"): "10"}
    # 212: 40 + 10 = 50
    assert tie_outs(department({**FISCAL, **split, ("income.fiscal", "201"): "60",
                                ("income.fiscal", "212"): "50"})) == []
    # 212 given as 51 and 201 as 59: each class named once, the sum in all (still 110) not again
    f = department({**FISCAL, **split, ("income.fiscal", "201"): "59", ("income.fiscal", "212"): "51"})
    assert [e.field for e in tie_outs(f)] == ["income.fiscal 212", "income.fiscal 201"]
    assert "应为一般公共预算财政拨款收入 + 政府性基金预算财政拨款收入 50（212 城乡社区支出），实为 '51'" in messages(f)[0]
    # By 项: 2070101 off by 1 is named at its 项; its 款 and 类, off only because of it, are not.
    f = department({("income.general_budget", ""): "10", ("income.government_fund", ""): "0",
                    ("income.state_capital", ""): "0",
                    ("income.general_budget", "2070101"): "4", ("income.general_budget", "2070104"): "6",
                    ("income.fiscal", "2070101"): "5", ("income.fiscal", "2070104"): "5"})
    assert [e.field for e in tie_outs(f)] == ["income.fiscal 2070104", "income.fiscal 2070101"]


def test_fiscal_income_by_class_is_no_less_than_a_fund_split_where_another_is_not():
    # 政府性基金 10 not split by class: 212's 财政拨款收入 50 holds 一般公共预算 40 and some of the 10.
    f = department({**FISCAL, ("income.general_budget", "201"): "60", ("income.general_budget", "212"): "40",
                    ("income.fiscal", "201"): "60", ("income.fiscal", "212"): "50"})
    assert tie_outs(f) == []
    f = department({**FISCAL, ("income.general_budget", "201"): "70", ("income.general_budget", "212"): "30",
                    ("income.fiscal", "201"): "60", ("income.fiscal", "212"): "50"})
    assert messages(f) == ["amounts.csv：部门 demo：income.fiscal 201：应为不少于一般公共预算财政拨款收入 70"
                           "（201 一般公共服务支出），实为 '60'"]


def test_table_02_prints_fiscal_income_and_the_total_by_class():
    """The sample (data/2025) holds 02's 财政拨款收入 by class; its other sources are 0, so 本年收入合计 by class is
    财政拨款收入 (published.txt lines 129-130: 207 17,130.42 17,130.42; 20701 14,758.06 14,758.06)."""
    frame = {t.number: t for t in public_tables(Figures(load_year(DATA, 2025).departments["putuo-wenlv"]))}[
        "公开02表"].frame
    rows = {code: (total, fiscal) for code, total, fiscal in zip(frame["科目编码"], frame["本年收入合计"],
                                                                 frame["财政拨款收入"])}
    assert rows[""] == (D("26538.47"), D("26538.47"))
    assert rows["207"] == (D("17130.42"), D("17130.42")) and rows["20701"] == (D("14758.06"), D("14758.06"))
    assert rows["2070101"] == (D("457.86"), D("457.86"))


def test_a_class_total_is_blank_where_a_source_with_income_is_not_given_by_class(tmp_path):
    """The seed's 其他收入 0.22 has no class: 02 cannot say a class's 本年收入合计, and leaves it blank."""
    data = seed_with(tmp_path, "pzh-swzzb,income.fiscal,20132,1431.39\npzh-swzzb,income.fiscal,208,187.83\n"
                               "pzh-swzzb,income.fiscal,210,0.36\npzh-swzzb,income.fiscal,221,139.58\n")
    frame = tables(data)["公开02表"].frame
    first = frame.iloc[1]
    assert (first["科目编码"], first["财政拨款收入"], first["本年收入合计"]) == ("201", D("1431.39"), None)
    assert frame.iloc[0]["本年收入合计"] == D("1759.38")


# ---------------------------------------------------------------- 08/09 by kind

def test_fund_spending_by_kind_makes_up_its_class():
    gf = {("gf.actual", "212"): "10", ("gf.actual", "229"): "5"}
    # 212: 2 + 8 = 10; 229: 项目支出 only, 5 ≤ 5
    assert tie_outs(department({**gf, ("gf.basic", "212"): "2", ("gf.project", "212"): "8",
                                ("gf.project", "229"): "5"})) == []
    f = department({**gf, ("gf.basic", "212"): "2", ("gf.project", "212"): "7"})
    assert messages(f) == ["amounts.csv：部门 demo：gf.basic/gf.project 212：应为基本支出 + 项目支出 = "
                           "政府性基金预算财政拨款支出 10（212 城乡社区支出），实为 '9'"]
    f = department({("sc.actual", "223"): "3", ("sc.project", "223"): "4"})
    assert messages(f) == ["amounts.csv：部门 demo：sc.basic/sc.project 223：应为项目支出 不超过国有资本经营预算财政拨款支出 3"
                           "（223 国有资本经营预算支出），实为 '4'"]


def test_table_08_prints_basic_and_project_by_class():
    """The sample's 08 (published.txt lines 358-370): every class is 项目支出, 207 2.80 and 212 2,000.00."""
    frame = tables(DATA, "putuo-wenlv", 2025)["公开08表"].frame
    assert list(frame.columns) == ["科目编码", "科目名称", "年初结转和结余", "本年收入", "本年支出", "基本支出", "项目支出",
                                   "年末结转和结余"]
    rows = {code: (spent, basic, project) for code, spent, basic, project in
            zip(frame["科目编码"], frame["本年支出"], frame["基本支出"], frame["项目支出"])}
    assert rows["207"] == (D("2.80"), 0, D("2.80")) and rows["2121999"] == (D("2000"), 0, D("2000"))
    assert rows[""] == (D("2002.80"), 0, D("2002.80"))


# ---------------------------------------------------------------- 04's carry-overs by fund

SEED_FISCAL = {("income.general_budget", ""): "1759.16", ("income.government_fund", ""): "0",
               ("income.state_capital", ""): "0", ("gpb.actual", "201"): "1848.48",
               ("carryover.begin_fiscal", ""): "89.32", ("carryover.end_fiscal", ""): "0"}


def test_a_carry_over_by_fund_is_a_split_of_its_total_row():
    # The seed's 89.32 all 一般公共预算: 89.32 + 1,759.16 − 1,848.48 = 0, its 年末 (0 in all: 0 for each fund).
    f = department({**SEED_FISCAL, ("carryover.begin_fiscal", "general_budget"): "89.32"})
    assert tie_outs(f) == []
    assert f.fund_part("carryover.begin_fiscal", "general_budget") == D("89.32")
    assert f.fund_part("carryover.begin_fiscal", "state_capital") == 0  # not listed: nothing carried
    assert f.fund_part("carryover.end_fiscal", "general_budget") == 0   # 0 in all
    assert department(SEED_FISCAL).fund_part("carryover.begin_fiscal", "general_budget") is None  # not split
    # Parts of 89 beside a total of 89.32: one line; the total, not the parts, is the carry-over everywhere else.
    f = department({**SEED_FISCAL, ("carryover.begin_fiscal", "general_budget"): "80",
                    ("carryover.begin_fiscal", "government_fund"): "9"})
    assert f.value("carryover.begin_fiscal") == D("89.32")
    assert messages(f) == ["amounts.csv：部门 demo：年初财政拨款结转和结余 (carryover.begin_fiscal)：应为其各组成部分之和 89，"
                           "实为 '89.32'"]


def test_each_fund_carries_over():
    # 9.32 put under 政府性基金: 一般公共预算 80 + 1,759.16 − 1,848.48 = −9.32 and 政府性基金 9.32 + 0 − 0, both
    # against a 年末 of 0: one line naming both.
    f = department({**SEED_FISCAL, ("carryover.begin_fiscal", "general_budget"): "80",
                    ("carryover.begin_fiscal", "government_fund"): "9.32"})
    assert [e.field for e in tie_outs(f)] == ["carryover.end_fiscal general_budget/government_fund"]
    # 2 of 政府性基金 carried in, 8 received, 10 spent on 212, nothing left: it carries over; so does 08's row.
    gf = {**SEED_FISCAL, ("carryover.begin_fiscal", ""): "91.32", ("income.government_fund", ""): "8",
          ("carryover.begin_fiscal", "general_budget"): "89.32", ("carryover.begin_fiscal", "government_fund"): "2",
          ("gf.actual", "212"): "10", ("gf.income", "212"): "8", ("gf.carryover_begin", "212"): "2"}
    assert tie_outs(department(gf)) == []
    # 08's row carrying 3 in and 1 out ties out by itself, but 04 says 2 of 政府性基金 was carried in.
    f = department({**gf, ("gf.carryover_begin", "212"): "3", ("gf.carryover_end", "212"): "1"})
    assert messages(f) == ["amounts.csv：部门 demo：gf.carryover_begin：应为各类之和等于表04的年初财政拨款结转和结余中的"
                           "政府性基金预算财政拨款 2（carryover.begin_fiscal government_fund），实为 '3'"]


def test_the_total_row_stays_required():
    assert {"carryover.begin_fiscal", "carryover.end_fiscal"} <= set(REQUIRED_AMOUNTS)
    assert not set(catalogue.OPTIONAL_LINES) & set(REQUIRED_AMOUNTS)
    assert "income.fiscal" not in REQUIRED_AMOUNTS and "gf.basic" not in REQUIRED_AMOUNTS
    # Its parts alone are no total: the carry-over is not known without its row.
    f = department({("carryover.begin_fiscal", "general_budget"): "89.32"})
    assert f.value("carryover.begin_fiscal") is None


def test_table_04_prints_the_funds(tmp_path):
    """Split by fund: 04's three lines under 年初 and a column per fund on its 支出 side (the seed's 1,848.48 all
    一般公共预算; 89.32 + 1,759.16 = 1,848.48)."""
    data = seed_with(tmp_path, "pzh-swzzb,carryover.begin_fiscal,general_budget,89.32\n")
    frame = tables(data)["公开04表"].frame
    income = dict(zip(frame["收入项目"], frame["收入决算数"]))
    assert income["\u3000一般公共预算财政拨款"] == D("89.32") and income["\u3000政府性基金预算财政拨款"] == 0
    assert list(frame.columns)[-4:] == ["支出合计", "支出一般公共预算财政拨款", "支出政府性基金预算财政拨款",
                                        "支出国有资本经营预算财政拨款"]
    total = frame[frame["支出项目"] == "总计"].iloc[0]
    assert (total["支出合计"], total["支出一般公共预算财政拨款"], total["支出政府性基金预算财政拨款"]) == (
        D("1848.48"), D("1848.48"), 0)
    # Not split (the seed as it is): 04 as it always was.
    assert "支出合计" not in tables(DATA)["公开04表"].frame.columns


# ---------------------------------------------------------------- 01's two lines, 07's vehicle budgets

def test_the_lines_of_01_enter_the_totals(tmp_path):
    """收、支总计 = 本年收入合计 1,759.38 + 使用非财政拨款结余 1 + 年初 89.32 = 1,849.70
    = 本年支出合计 1,848.70 + 结余分配 1 + 年末 0."""
    data = seed_with(tmp_path, "pzh-swzzb,non_fiscal_balance_used,,1\npzh-swzzb,balance_distribution,,1\n")
    f = load_figures(data, "pzh-swzzb", 2022)
    assert tie_outs(f) == [] and f.value("total") == D("1849.70")
    frame = tables(data)["公开01表"].frame
    income = dict(zip(frame["收入项目"], frame["收入决算数"]))
    spending = dict(zip(frame["支出项目"], frame["支出决算数"]))
    assert income["使用非财政拨款结余"] == D("1") and income["总计"] == D("1849.70")
    assert spending["结余分配"] == D("1") and spending["总计"] == D("1849.70")
    # Without them (the seed), 01 has neither line.
    assert "使用非财政拨款结余" not in set(tables(DATA)["公开01表"].frame["收入项目"])


def test_the_vehicle_budgets_apart_make_up_their_budget():
    whole = {("three_public_budget.vehicle", ""): "9.38"}
    # The sample (published.txt line 343): 购置费 0 + 运行维护费 9.38 = 9.38; one alone counts the other as 0.
    assert tie_outs(department({**whole, ("three_public_budget.vehicle_purchase", ""): "0",
                                ("three_public_budget.vehicle_operation", ""): "9.38"})) == []
    assert tie_outs(department({**whole, ("three_public_budget.vehicle_operation", ""): "9.38"})) == []
    f = department({**whole, ("three_public_budget.vehicle_operation", ""): "9.83"})
    assert messages(f) == ["amounts.csv：部门 demo：公务用车购置及运行维护费预算数 (three_public_budget.vehicle)：应为公务用车购置费预算数 0"
                           " + 公务用车运行维护费预算数 9.83 = 9.83，实为 '9.38'"]


def test_table_07_prints_the_vehicle_budgets_apart():
    frame = tables(DATA, "putuo-wenlv", 2025)["公开07表"].frame
    rows = {name.strip("\u3000"): (budget, actual) for name, budget, actual in
            zip(frame["项目"], frame["预算数"], frame["决算数"])}
    assert rows["（1）公务用车购置费"] == (D("0"), D("0")) and rows["（2）公务用车运行维护费"] == (D("9.38"), D("2.64"))
    assert tables(DATA)["公开07表"].frame.iloc[3]["预算数"] is None  # the seed gives no budget apart


# ---------------------------------------------------------------- the export shows them, the reader reads them

def test_the_export_carries_every_split_to_the_reader(tmp_path):
    rows = ("pzh-swzzb,non_fiscal_balance_used,,1\npzh-swzzb,balance_distribution,,1\n"
            "pzh-swzzb,carryover.begin_fiscal,general_budget,89.32\n"
            "pzh-swzzb,income.fiscal,20132,1431.39\npzh-swzzb,income.fiscal,208,187.83\n"
            "pzh-swzzb,income.fiscal,210,0.36\npzh-swzzb,income.fiscal,221,139.58\n"
            "pzh-swzzb,three_public_budget.vehicle_purchase,,0\npzh-swzzb,three_public_budget.vehicle_operation,,5.67\n")
    data = seed_with(tmp_path, rows)
    book = tmp_path / "tables.xlsx"
    book.write_bytes(workbook_bytes(load_figures(data, "pzh-swzzb", 2022)))
    wb = read_workbook(book)
    assert wb.unplaced == []
    figure = {(tid, side, key, column): value for tid, side, key, _name, column, value, _cell in wb.figures()}
    assert figure[("01", "收入", "non_fiscal_balance_used", "amount")] == D("1")
    assert figure[("01", "支出", "balance_distribution", "amount")] == D("1")
    assert figure[("04", "收入", "carryover.begin_fiscal.general_budget", "amount")] == D("89.32")
    assert figure[("04", "支出", "total", "general_budget")] == D("1848.48")
    assert figure[("02", "", "201", "fiscal")] == D("1431.39")
    assert figure[("07", "", "", "vehicle_operation.budget")] == D("5.67")


# ---------------------------------------------------------------- helpers

def seed_with(tmp_path: Path, rows: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("published"))
    amounts = data / "2022" / "amounts.csv"
    amounts.write_text(amounts.read_text(encoding="utf-8") + rows, encoding="utf-8")
    return data


def tables(data: Path, department_id: str = "pzh-swzzb", year: int = 2022) -> dict:
    return {t.number: t for t in public_tables(load_figures(data, department_id, year))}


@pytest.mark.parametrize("item", ["income.fiscal", "gf.basic", "gf.project", "sc.basic", "sc.project"])
def test_the_new_by_class_items_are_function_coded(item):
    assert catalogue.AMOUNT_ITEMS[item][1] == "function"
