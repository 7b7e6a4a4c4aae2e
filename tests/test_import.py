"""`juesuan import`: a workbook of the nine tables into data/<year>/, everything or nothing.

Every test writes into a copy of data/ under tmp_path, never into the repository's data/.
The workbooks are those of tests/bad_workbooks/ (see its _make_workbooks.py), and one made
here from the seed's own 公开表 (`juesuan.report.tables.public_tables`), written plainly with openpyxl.
"""
from __future__ import annotations

import csv
import hashlib
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml

from juesuan import cli
from juesuan.data.figures import Figures
from juesuan.build.table_export import workbook_bytes
from juesuan.data.importer import import_workbook, plan_import
from juesuan.data.loading import load_year
from juesuan.data.synth import write_synthetic
from juesuan.report.tables import public_tables
from juesuan.data.validation import tie_outs
from juesuan.data.workbook import read_workbook

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
BOOKS = ROOT / "tests" / "bad_workbooks"
CASES = dict(line.split("\t", 1) for line in (BOOKS / "expected.tsv").read_text(encoding="utf-8").splitlines())
SEED = "pzh-swzzb"
D = Decimal


@pytest.fixture
def data(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("published"))
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def rows(data: Path, department: str, year: int = 2022) -> dict[tuple[str, str], Decimal]:
    with (data / str(year) / "amounts.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {(r["item"], r["code"]): D(r["amount"]) for r in csv.DictReader(handle) if r["department_id"] == department}


def run(*argv) -> int:
    return cli.main(["import", *map(str, argv)])


# ---------------------------------------------------------------- the good workbooks


def test_the_two_layouts_import_to_the_same_rows(tmp_path):
    results = []
    for book in ("good_per_sheet.xlsx", "good_one_sheet.xlsx"):
        target = tmp_path / book / "data"
        shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("published"))
        import_workbook(BOOKS / book, "demo", 2022, target)
        results.append(rows(target, "demo"))
    assert results[0] == results[1]
    got = results[0]
    assert got[("income.general_budget", "")] == D("1163.19") and got[("income.government_fund", "")] == D("5")
    assert got[("carryover.begin", "")] == D("10") and got[("carryover.end_fiscal", "")] == D("10")
    assert got[("expenditure.basic", "")] == D("1142.94") and got[("expenditure.project", "")] == D("25.25")
    # 05 and 08 at 项 level: only the finest rows are written (the 类 and 款 rows are their subtotals).
    assert {k: v for k, v in got.items() if k[0] == "gpb.actual"} == {
        ("gpb.actual", "2013201"): D("1100.50"), ("gpb.actual", "2013202"): D("20.25"),
        ("gpb.actual", "2080505"): D("30.10"), ("gpb.actual", "2210201"): D("12.34")}
    assert {k: v for k, v in got.items() if k[0] == "gf.actual"} == {("gf.actual", "2120899"): D("5")}
    assert got[("gpb_basic.personnel", "")] == D("1112.94") and got[("gpb_basic.public", "")] == D("30")
    # 07: no purchase by vehicle type and no 国内/外事 split in the table: their totals.
    assert got[("three_public.vehicle_purchase", "")] == D("0")
    assert got[("three_public.reception", "")] == D("0.4")
    assert got[("three_public_budget.vehicle", "")] == D("5")
    # Other departments' rows stay as they were.
    assert rows(tmp_path / "good_per_sheet.xlsx" / "data", SEED) == rows(DATA, SEED)


def by_code(got: dict, item: str) -> dict[str, Decimal]:
    return {code: v for (i, code), v in got.items() if i == item and code}


def test_the_good_workbooks_give_their_detail_by_code(tmp_path):
    """Figures of _make_workbooks.py (ITEMS, ECONOMIC), by hand: each 项's 基本/项目 is its 03 and (by fund) its
    05 or 08 row; a 0 (a blank cell) is no row; 06 by 款, named in economic_names.csv."""
    for book in ("good_per_sheet.xlsx", "good_one_sheet.xlsx"):
        target = tmp_path / book / "data"
        shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("published"))
        import_workbook(BOOKS / book, "demo", 2022, target)
        got = rows(target, "demo")
        assert by_code(got, "expenditure.basic") == {"2013201": D("1100.50"), "2080505": D("30.10"),
                                                     "2210201": D("12.34")}
        assert by_code(got, "expenditure.project") == {"2013202": D("20.25"), "2120899": D("5.00")}
        for kind in ("remit_superior", "operating", "subsidy_subordinate"):
            assert not by_code(got, f"expenditure.{kind}") and got[(f"expenditure.{kind}", "")] == 0
        assert by_code(got, "gpb.basic") == {"2013201": D("1100.50"), "2080505": D("30.10"), "2210201": D("12.34")}
        assert by_code(got, "gpb.project") == {"2013202": D("20.25")}
        assert by_code(got, "gf.income") == {"2120899": D("5")}
        assert not by_code(got, "gf.carryover_begin") and not by_code(got, "gf.carryover_end")
        assert not any(by_code(got, f"sc.{k}") for k in ("actual", "income", "carryover_begin", "carryover_end"))
        # 02 gives 财政拨款收入 by class, not its three funds: the sources stay totals (上级补助… are all blank), and
        # 财政拨款收入 by class is income.fiscal at its 项 (each 项's 基本 + 项目 of ITEMS: 1,100.50 + 0, 0 + 20.25…).
        assert not any(by_code(got, source) for source in (
            "income.general_budget", "income.government_fund", "income.state_capital", "income.superior_subsidy",
            "income.business", "income.operating", "income.subordinate_remittance", "income.other"))
        assert by_code(got, "income.fiscal") == {"2013201": D("1100.50"), "2013202": D("20.25"), "2080505": D("30.10"),
                                                 "2120899": D("5.00"), "2210201": D("12.34")}
        # 08's 基本支出 is blank, its 项目支出 the 5.00 of 2120899; 04's carry-overs are all 一般公共预算 (its lines
        # 一、 under 年初 and 年末: 10.00); 07's 运行维护费 budget 5.00 with 购置费's left blank (not given).
        assert not by_code(got, "gf.basic") and by_code(got, "gf.project") == {"2120899": D("5")}
        assert by_code(got, "carryover.begin_fiscal") == by_code(got, "carryover.end_fiscal") == {
            "general_budget": D("10")}
        assert got[("three_public_budget.vehicle_operation", "")] == D("5")
        assert ("three_public_budget.vehicle_purchase", "") not in got
        assert by_code(got, "gpb_basic.economic") == {"30101": D("1000.00"), "30102": D("100.60"),
                                                      "30302": D("12.34"), "30201": D("20.00"), "30211": D("10.00")}
        # Its 人员经费合计 and 公用经费合计 lines are written too, and agree with 301 + 303 and 302 (+ 310).
        assert got[("gpb_basic.personnel", "")] == D("1112.94") and got[("gpb_basic.public", "")] == D("30")
        assert (target / "2022" / "economic_names.csv").read_text(encoding="utf-8") == (
            "code,name\n30101,基本工资\n30102,津贴补贴\n30201,办公费\n30211,差旅费\n30302,退休费\n")
        # What validate would still say of the department is what the tables do not give (budgets by 项,
        # 机关运行经费, counts, texts): every figure written ties out.
        year = load_year(target, 2022)
        assert not [e for e in year.errors if e.department in ("demo", None)]
        assert tie_outs(Figures(year.departments["demo"])) == []


def test_importing_the_same_workbook_again_changes_nothing(data, capsys):
    import_workbook(BOOKS / "good_per_sheet.xlsx", "demo", 2022, data)
    before = snapshot(data)
    run(BOOKS / "good_per_sheet.xlsx", "--department", "demo", "--year", 2022, "--data", data)
    assert "新增 0 行、替换 0 处、删除 0 行" in capsys.readouterr().out
    assert snapshot(data) == before
    # The other layout of the same figures: the same rows, only provenance (its cells) rewritten.
    run(BOOKS / "good_one_sheet.xlsx", "--department", "demo", "--year", 2022, "--data", data)
    after = snapshot(data)
    assert {k for k in after if after[k] != before[k]} == {"2022/provenance/demo.yaml"}


def split_income(path: Path) -> Path:
    """good_per_sheet.xlsx with 02's 财政拨款收入 split: 一般公共预算 and 政府性基金 columns (the 5.00 of
    2120899 in the second), no 上级补助收入 column."""
    book = openpyxl.load_workbook(BOOKS / "good_per_sheet.xlsx")
    ws = book["公开02表"]
    ws["D3"], ws["E3"] = "一般公共预算财政拨款收入", "政府性基金预算财政拨款收入"
    for r in range(6, 20):
        if ws.cell(r, 1).value in ("212", "21208", "2120899"):
            ws.cell(r, 4).value, ws.cell(r, 5).value = None, 5
    ws["D6"], ws["E6"] = 1163.19, 5
    book.save(path)
    return path


def test_02_split_into_its_funds_gives_income_by_class(data, tmp_path):
    plan = import_workbook(split_income(tmp_path / "split.xlsx"), "demo", 2022, data)
    got = rows(data, "demo")
    assert by_code(got, "income.general_budget") == {"2013201": D("1100.5"), "2013202": D("20.25"),
                                                     "2080505": D("30.1"), "2210201": D("12.34")}
    assert by_code(got, "income.government_fund") == {"2120899": D("5")}
    assert got[("income.general_budget", "")] == D("1163.19")  # the total row, beside its classes
    assert "02" not in plan.not_stored  # its 本年收入合计 by class is the sum of what is written
    record = yaml.safe_load((data / "2022" / "provenance" / "demo.yaml").read_text(encoding="utf-8"))
    cells = {(r.get("item"), r.get("code")): r["cell"] for r in record["rows"]}
    assert cells[("income.government_fund", "2120899")] == "公开02表!E16"
    assert tie_outs(Figures(load_year(data, 2022).departments["demo"])) == []


@pytest.mark.parametrize("book", ["good_per_sheet.xlsx", "good_one_sheet.xlsx", "good_06_by_kind.xlsx"])
def test_every_figure_of_the_tables_is_held_or_checked(data, book):
    """Nothing the good workbooks print is left out: 01's 使用非财政拨款结余 and 结余分配 (blank: not given), 02's
    财政拨款收入 and 本年收入合计 by class, 04's carry-overs by fund, 07's vehicle budgets apart, 08/09's 基本支出 and
    项目支出 by class are held; 06's 人员经费/公用经费 columns by class follow from the class (checked)."""
    plan = plan_import(BOOKS / book, "demo", 2022, data)
    assert plan.not_stored == {} and plan.not_stored_nonzero == {}


def test_06_split_by_kind_imports_as_the_classes_alone(tmp_path):
    """good_06_by_kind.xlsx is good_per_sheet.xlsx with 06's classes split into 人员经费 and 公用经费 columns:
    the same rows (the split follows from each class)."""
    results = []
    for book in ("good_per_sheet.xlsx", "good_06_by_kind.xlsx"):
        target = tmp_path / book / "data"
        shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("published"))
        import_workbook(BOOKS / book, "demo", 2022, target)
        results.append(rows(target, "demo"))
    assert results[0] == results[1]


def test_function_names_are_merged_and_the_department_listed(data):
    before = (data / "2022" / "function_names.csv").read_text(encoding="utf-8")
    import_workbook(BOOKS / "good_per_sheet.xlsx", "demo", 2022, data)
    after = (data / "2022" / "function_names.csv").read_text(encoding="utf-8")
    assert after.startswith(before)  # 20132,组织事务 kept, the new codes added under it
    assert "2013201,行政运行\n" in after and "22102,住房改革支出\n" in after and after.count("20132,") == 1
    departments = (data / "2022" / "departments.csv").read_text(encoding="utf-8")
    assert departments.splitlines()[-1] == "demo,合成示例局（测试数据）,合成示例局（测试数据）"
    assert departments.startswith((DATA / "2022" / "departments.csv").read_text(encoding="utf-8"))
    data_year = load_year(data, 2022)
    assert not [e for e in data_year.errors if e.department in ("demo", None)]


def test_provenance_names_every_row_with_its_cell(data):
    import_workbook(BOOKS / "good_per_sheet.xlsx", "demo", 2022, data)
    record = yaml.safe_load((data / "2022" / "provenance" / "demo.yaml").read_text(encoding="utf-8"))
    assert record["workbook"] == "good_per_sheet.xlsx"
    assert record["sha256"] == hashlib.sha256((BOOKS / "good_per_sheet.xlsx").read_bytes()).hexdigest()
    wb = read_workbook(BOOKS / "good_per_sheet.xlsx")
    by_row = {(r["file"], r.get("item"), r.get("code")): r for r in record["rows"]}
    assert {(i, c) for f, i, c in by_row if f == "amounts.csv"} == set(rows(data, "demo"))
    assert by_row[("amounts.csv", "gpb.actual", "2013201")]["cell"] == wb.tables["05"].row("2013201").values["total"].cell
    general = by_row[("amounts.csv", "income.general_budget", "")]
    assert general["cell"] == wb.tables["01"].row("income.general_budget", "收入").values["amount"].cell
    assert wb.tables["04"].row("income.general_budget", "收入").values["amount"].cell in general["also"]
    assert by_row[("function_names.csv", None, "2013201")]["cell"] == "公开05表!A9"
    assert by_row[("departments.csv", None, None)]["cell"] == "公开01表!A2"
    assert "not_stored" not in record  # every figure of the tables is held or checked
    assert by_row[("amounts.csv", "income.fiscal", "2120899")]["cell"] == "公开02表!D16"
    assert by_row[("amounts.csv", "gf.project", "2120899")]["cell"] == "公开08表!G9"
    assert by_row[("amounts.csv", "carryover.begin_fiscal", "general_budget")]["cell"] == "公开04表!B31"
    # 年末 by fund: its row's 一般公共预算 column, and the line 一、 under it (合计 and its own column) print it too.
    end = by_row[("amounts.csv", "carryover.end_fiscal", "general_budget")]
    assert end["cell"] == "公开04表!E30" and end["also"] == ["公开04表!D31", "公开04表!E31"]
    assert by_row[("amounts.csv", "three_public_budget.vehicle_operation", "")]["cell"] == "公开07表!I7"
    # The new rows by code, each with its cell.
    assert by_row[("amounts.csv", "gpb.basic", "2013201")]["cell"] == "公开05表!D9"
    assert by_row[("amounts.csv", "gpb.project", "2013202")]["cell"] == "公开05表!E10"
    assert by_row[("amounts.csv", "expenditure.basic", "2080505")]["cell"] == "公开03表!D13"
    assert by_row[("amounts.csv", "gf.income", "2120899")]["cell"] == "公开08表!D9"
    assert by_row[("amounts.csv", "gpb_basic.economic", "30211")]["cell"] == "公开06表!F7"
    assert by_row[("economic_names.csv", None, "30211")] == {"file": "economic_names.csv", "code": "30211",
                                                             "name": "差旅费", "cell": "公开06表!D7"}


# ---------------------------------------------------------------- refusals leave data/ as it was


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_workbook_writes_nothing(case, data, capsys):
    before = snapshot(data)
    assert run(BOOKS / f"{case}.xlsx", "--department", "demo", "--year", 2022, "--data", data) == 1
    out = capsys.readouterr().out
    assert CASES[case] in out and "未写入任何文件" in out
    assert snapshot(data) == before


def test_a_differing_figure_is_refused_with_its_line_and_replace_takes_the_workbook(data, capsys):
    import_workbook(BOOKS / "good_per_sheet.xlsx", "demo", 2022, data)
    amounts = data / "2022" / "amounts.csv"
    amounts.write_text(amounts.read_text(encoding="utf-8").replace("demo,gpb.actual,2013201,1100.5",
                                                                   "demo,gpb.actual,2013201,1100"), encoding="utf-8")
    with (data / "2022" / "counts.csv").open("a", encoding="utf-8") as handle:
        handle.write("demo,abroad.groups,,0\n")
    line = amounts.read_text(encoding="utf-8").splitlines().index("demo,gpb.actual,2013201,1100") + 1
    before = snapshot(data)
    assert run(BOOKS / "good_per_sheet.xlsx", "--department", "demo", "--year", 2022, "--data", data) == 1
    out = capsys.readouterr().out
    assert (f"amounts.csv 第{line}行：部门 demo：gpb.actual 2013201：应为工作簿 公开05表!C9 的 1100.5，实为 '1100'"
            in out)
    assert "未写入任何文件" in out and snapshot(data) == before

    code = run(BOOKS / "good_per_sheet.xlsx", "--department", "demo", "--year", 2022, "--data", data, "--replace")
    out = capsys.readouterr().out
    assert code == 1  # written; the year still lacks the department's texts and counts, listed
    assert "已替换：amounts.csv gpb.actual 2013201：1100 → 1100.5（公开05表!C9）" in out
    assert "报告还缺" in out and "text/demo.yaml" in out
    assert rows(data, "demo")[("gpb.actual", "2013201")] == D("1100.5")
    assert rows(data, SEED) == rows(DATA, SEED)
    assert "demo,abroad.groups,,0" in (data / "2022" / "counts.csv").read_text(encoding="utf-8")


def test_a_figure_by_code_that_differs_is_refused_and_replace_takes_the_workbook(data, capsys):
    import_workbook(BOOKS / "good_per_sheet.xlsx", "demo", 2022, data)
    amounts = data / "2022" / "amounts.csv"
    text = amounts.read_text(encoding="utf-8")
    # Held at a coarser level (款 20132 rather than its 项): compared at that level.
    text = text.replace("demo,gpb.basic,2013201,1100.5\n", "demo,gpb.basic,20132,1000\n")
    text = text.replace("demo,gpb_basic.economic,30211,10\n", "demo,gpb_basic.economic,30211,11\n")
    amounts.write_text(text, encoding="utf-8")
    before = snapshot(data)
    assert run(BOOKS / "good_per_sheet.xlsx", "--department", "demo", "--year", 2022, "--data", data) == 1
    out = capsys.readouterr().out
    assert "gpb.basic 20132：应为工作簿 公开05表!D8 的 1100.5，实为 '1000'" in out
    assert "gpb_basic.economic 30211：应为工作簿 公开06表!F7 的 10，实为 '11'" in out
    assert "2处不同" in out and snapshot(data) == before
    run(BOOKS / "good_per_sheet.xlsx", "--department", "demo", "--year", 2022, "--data", data, "--replace")
    out = capsys.readouterr().out
    assert "已删除：amounts.csv gpb.basic 20132 = 1000" in out
    got = rows(data, "demo")
    assert by_code(got, "gpb.basic") == {"2013201": D("1100.5"), "2080505": D("30.1"), "2210201": D("12.34")}
    assert got[("gpb_basic.economic", "30211")] == D("10")


def test_an_economic_name_already_named_otherwise_is_a_conflict(data, capsys):
    (data / "2022" / "economic_names.csv").write_text("code,name\n30201,办公费\n30211,差旅费用\n", encoding="utf-8")
    before = snapshot(data)
    assert run(BOOKS / "good_per_sheet.xlsx", "--department", "demo", "--year", 2022, "--data", data) == 1
    out = capsys.readouterr().out
    assert "economic_names.csv 第3行：全部部门：30211 的 name：应为工作簿 公开06表!D7 的“差旅费”" in out
    assert snapshot(data) == before


def test_a_function_name_already_named_otherwise_is_a_conflict(data, capsys):
    names = data / "2022" / "function_names.csv"
    names.write_text("code,name\n20132,组织事务\n2013201,行政运行费\n", encoding="utf-8")
    before = snapshot(data)
    assert run(BOOKS / "good_per_sheet.xlsx", "--department", "demo", "--year", 2022, "--data", data) == 1
    out = capsys.readouterr().out
    assert "function_names.csv 第3行：全部部门：2013201 的 name：应为工作簿 公开05表!A9 的“行政运行”" in out
    assert "实为 '行政运行费'" in out
    assert snapshot(data) == before


def test_without_a_unit_line_the_name_is_required(data, tmp_path, capsys):
    book = openpyxl.load_workbook(BOOKS / "good_per_sheet.xlsx")
    for ws in book.worksheets:
        ws["A2"] = None  # 编制单位：…
    path = tmp_path / "no_unit.xlsx"
    book.save(path)
    before = snapshot(data)
    assert run(path, "--department", "demo", "--year", 2022, "--data", data) == 1
    assert "请用 --name 指定" in capsys.readouterr().out and snapshot(data) == before
    run(path, "--department", "demo", "--year", 2022, "--data", data, "--name", "示例局", "--short-name", "示例")
    assert (data / "2022" / "departments.csv").read_text(encoding="utf-8").splitlines()[-1] == "demo,示例局,示例"


def test_an_existing_department_keeps_its_name(data, capsys):
    with (data / "2022" / "departments.csv").open("a", encoding="utf-8") as handle:
        handle.write("demo,示例局,示例局\n")
    run(BOOKS / "good_per_sheet.xlsx", "--department", "demo", "--year", 2022, "--data", data)
    out = capsys.readouterr().out
    assert "与 departments.csv 中的名称“示例局”不同：departments.csv 未改动" in out
    assert (data / "2022" / "departments.csv").read_text(encoding="utf-8").count("demo,") == 1


def test_dry_run_writes_nothing_and_a_missing_workbook_is_exit_2(data, capsys):
    before = snapshot(data)
    assert run(BOOKS / "good_per_sheet.xlsx", "--department", "demo", "--year", 2022, "--data", data,
               "--dry-run") == 0
    out = capsys.readouterr().out
    assert "将新增：amounts.csv gpb.actual 2013201 = 1100.5（公开05表!C9）" in out and "未写入任何文件" in out
    assert snapshot(data) == before
    assert run(BOOKS / "nothing.xlsx", "--department", "demo", "--year", 2022, "--data", data) == 2
    assert snapshot(data) == before


# ---------------------------------------------------------------- the seed's own nine tables


def _seed_workbook(path: Path) -> None:
    """The seed's nine tables as `juesuan export-tables` files them (juesuan.build.table_export): what a department
    whose data is the seed's would send. The round trip import(export(d)) then gives back d's rows."""
    path.write_bytes(workbook_bytes(Figures(load_year(DATA, 2022).departments[SEED])))


# What the nine tables do not carry of the seed's rows: written by the clerk, not by the import.
NOT_IN_THE_TABLES = {"admin_operating", "procurement.goods", "procurement.works", "procurement.services"}
# ...and what they carry only as a total: 公务用车购置费 without the vehicle type, 公务接待费 without 国内/外事.
AS_A_TOTAL = {"three_public.vehicle_purchase": "three_public.vehicle_purchase"}


# ...and what the workbook made by _seed_workbook gives that the seed's rows do not: 02, 03, 05 and 06 in
# detail, worked out by hand from the seed (gpb.actual 20132 1520.71 = 1364.81 基本 + 155.90 项目; 03's 20132
# adds the 0.22 of 其他收入 to 基本支出; 人员经费 1517.61 and 公用经费 174.97 as 301 and 302).
SEED_DETAIL: dict = {}  # the export carries the data's own detail only


def test_the_seed_s_nine_tables_import_back_to_its_rows(tmp_path):
    book = tmp_path / "pzh-swzzb-2022.xlsx"
    _seed_workbook(book)
    empty = tmp_path / "empty"
    (empty / "2022").mkdir(parents=True)
    import_workbook(book, SEED, 2022, empty)
    seed = rows(DATA, SEED)
    expected: dict[tuple[str, str], Decimal] = {}
    for (item, code), value in seed.items():
        if item in NOT_IN_THE_TABLES:
            continue
        key = (AS_A_TOTAL[item], "") if item in AS_A_TOTAL else (item, code)
        expected[key] = expected.get(key, D(0)) + value
    assert rows(empty, SEED) == expected | SEED_DETAIL
    assert (empty / "2022" / "function_names.csv").read_text(encoding="utf-8") == "code,name\n20132,组织事务\n"
    assert "pzh-swzzb,攀枝花市委组织部,攀枝花市委组织部" in (empty / "2022" / "departments.csv").read_text(encoding="utf-8")


def expected_from_the_tables(held: dict[tuple[str, str], Decimal]) -> dict[tuple[str, str], Decimal]:
    """A department's rows as the nine tables carry them (NOT_IN_THE_TABLES left out, AS_A_TOTAL summed)."""
    expected: dict[tuple[str, str], Decimal] = {}
    for (item, code), value in held.items():
        if item in NOT_IN_THE_TABLES:
            continue
        key = (AS_A_TOTAL[item], "") if item in AS_A_TOTAL else (item, code)
        expected[key] = expected.get(key, D(0)) + value
    return expected


def test_synthetic_departments_import_back_to_their_rows(tmp_path):
    """import(export(d)) == d for synthetic departments, among them what the tables print beside the totals
    (synth._splits): 02's 财政拨款收入 by class, 04's carry-overs by fund, 08/09's 基本/项目支出 by class, 01's
    使用非财政拨款结余 and 结余分配, 07's vehicle budgets apart. Every figure of the export is held or checked."""
    made = tmp_path / "synth"
    write_synthetic(made, 12, [2022], seed=11)
    items: set[tuple[str, bool]] = set()
    for department, source in load_year(made, 2022).departments.items():
        book = tmp_path / f"{department}.xlsx"
        book.write_bytes(workbook_bytes(Figures(source)))
        target = tmp_path / department
        (target / "2022").mkdir(parents=True)
        plan = import_workbook(book, department, 2022, target)
        assert plan.not_stored == {} and plan.unplaced == [], department
        expected = expected_from_the_tables(rows(made, department))
        assert rows(target, department) == expected, department
        items |= {(item, bool(code)) for item, code in expected}
    new = {("income.fiscal", True), ("gf.basic", True), ("gf.project", True), ("sc.project", True),
           ("carryover.begin_fiscal", True), ("carryover.end_fiscal", True), ("non_fiscal_balance_used", False),
           ("balance_distribution", False), ("three_public_budget.vehicle_purchase", False),
           ("three_public_budget.vehicle_operation", False)}
    assert new <= items, new - items


def test_the_seed_s_tables_into_the_seed_s_data_change_no_figure(tmp_path, data, capsys):
    book = tmp_path / "pzh-swzzb-2022.xlsx"
    _seed_workbook(book)
    before = snapshot(data)
    assert run(book, "--department", SEED, "--year", 2022, "--data", data) == 0
    out = capsys.readouterr().out
    # The total of 公务用车购置费 in 07 agrees with the seed's rows by vehicle type, which stay.
    assert "核对：three_public.vehicle_purchase" in out
    after = snapshot(data)
    assert {k for k in after if after[k] != before.get(k)} == {"2022/provenance/pzh-swzzb.yaml"}
    # amounts.csv: the seed's rows as they were; `juesuan validate` passes (exit 0 above).
    assert rows(data, SEED) == rows(DATA, SEED) | SEED_DETAIL
    old_lines = before["2022/amounts.csv"].decode().splitlines()
    new_lines = after["2022/amounts.csv"].decode().splitlines()
    assert [line for line in new_lines if line in old_lines] == old_lines
    # Importing it again changes nothing.
    assert run(book, "--department", SEED, "--year", 2022, "--data", data) == 0
    assert "新增 0 行、替换 0 处、删除 0 行" in capsys.readouterr().out and snapshot(data) == after


def test_a_workbook_of_another_year_is_refused(tmp_path, data, capsys):
    """The seed's tables, as export-tables files them, state 2022年度 over each table (公开01表!B2 …)."""
    book = tmp_path / "seed.xlsx"
    _seed_workbook(book)
    before = snapshot(data)
    assert run(book, "--department", "other", "--year", 2021, "--data", data) == 1
    out = capsys.readouterr().out
    assert "--year：应为与工作簿表头所写的年度相同（--year 2021），实为 '公开01表!B2 2022年度" in out
    assert snapshot(data) == before
