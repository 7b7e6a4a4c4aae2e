"""Reading a department's workbook of the nine tables (juesuan.data.workbook), good and bad.

The workbooks are in tests/bad_workbooks/, made by its _make_workbooks.py
(which documents each); `expected.tsv` holds, for each bad one, the fragment of
the one line it must be refused with.
"""
from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from juesuan.errors import DataErrors
from juesuan.data.standard_tables import BY_ID, TABLES
from juesuan.data.workbook import MAX_WORKBOOK_BYTES, amount, read_workbook

HERE = Path(__file__).resolve().parent / "bad_workbooks"
CASES = dict(line.split("\t", 1) for line in (HERE / "expected.tsv").read_text(encoding="utf-8").splitlines())


def refusal(path) -> str:
    with pytest.raises(DataErrors) as info:
        read_workbook(path, department="demo-dept")
    errors = info.value.errors
    assert len(errors) == 1, [e.message for e in errors]
    message = errors[0].message
    assert "\n" not in message and "Traceback" not in message
    return message


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_bad_workbook_is_one_located_line(case):
    message = refusal(HERE / f"{case}.xlsx")
    assert message.startswith(f"{case}.xlsx：部门 demo-dept：")
    assert CASES[case] in message


def test_there_are_at_least_fifteen_bad_workbooks():
    assert len(CASES) >= 15


def test_a_huge_workbook_is_refused_by_its_size_before_opening(tmp_path, monkeypatch):
    big = tmp_path / "部门决算.xlsx"
    with big.open("wb") as handle:  # 80 MB, sparse: nothing written to disk
        handle.truncate(80 * 1024 * 1024)
    monkeypatch.setattr(pd, "read_excel", lambda *a, **k: pytest.fail("opened a file over the limit"))
    message = refusal(big)
    assert "应为不超过 20 MB 的工作簿" in message and "实为 '80.0 MB'" in message
    assert MAX_WORKBOOK_BYTES == 20 * 1024 * 1024


def test_other_extensions_are_refused(tmp_path):
    ods = tmp_path / "tables.csv"
    ods.write_text("合计,1\n", encoding="utf-8")
    assert "扩展名为 .xlsx 或 .xls" in refusal(ods)


def figures(workbook):
    return {f[:5]: f[5] for f in workbook.figures()}


def test_the_two_layouts_read_to_the_same_figures():
    per_sheet = read_workbook(HERE / "good_per_sheet.xlsx")
    one_sheet = read_workbook(HERE / "good_one_sheet.xlsx")
    assert sorted(per_sheet.tables) == sorted(one_sheet.tables) == [t.id for t in TABLES]
    assert figures(per_sheet) == figures(one_sheet)
    assert len(figures(per_sheet)) > 400
    assert per_sheet.unplaced == [] and one_sheet.unplaced == []
    # The hidden sheet holds last year's 03 (with 99999 in it): noted, never read.
    assert one_sheet.notes == ["隐藏的工作表“2023年”未读取"]
    assert all(value != Decimal("99999") for value in figures(one_sheet).values())


def test_figures_keep_their_cells_and_are_exact():
    wb = read_workbook(HERE / "good_per_sheet.xlsx")
    t03 = wb.tables["03"]
    assert t03.columns[""] == {"total": "C", "basic": "D", "project": "E", "remit_superior": "F",
                               "operating": "G", "subsidy_subordinate": "H"}
    row = t03.row("2013201")
    assert row.name == "行政运行" and row.cell == "公开03表!A9"
    assert row.values["basic"].value == Decimal("1100.50") and row.values["basic"].cell == "公开03表!D9"
    assert row.values["project"].value == Decimal("0.00")  # blank is 0, and keeps its address
    assert t03.row("合计").values["total"].value == Decimal("1168.19")
    one = read_workbook(HERE / "good_one_sheet.xlsx")
    # Split 类/款/项 columns and text amounts "1,100.50" give the same code and the same Decimal.
    split_row = one.tables["03"].row("2013201")
    assert split_row.values["basic"].value == Decimal("1100.50")
    assert split_row.values["basic"].cell.startswith("决算表!F")
    # 01 and 04: two sides; 04's lines under 年初财政拨款结转和结余 repeat the income labels.
    t04 = wb.tables["04"]
    assert t04.row("income.general_budget", "收入").values["amount"].value == Decimal("1163.19")
    assert t04.row("carryover.begin_fiscal.general_budget", "收入").values["amount"].value == Decimal("10.00")
    assert t04.row("function.212", "支出").values["government_fund"].value == Decimal("5.00")
    # 06 in two blocks side by side, and its 人员经费合计 line.
    t06 = wb.tables["06"]
    assert t06.row("30211").values["amount"].cell == "公开06表!F7"
    assert t06.row("personnel_total").values["amount"].value == Decimal("1112.94")
    # 07: one row under a three-row header.
    assert wb.tables["07"].rows[0].values["vehicle_operation.actual"].value == Decimal("3.20")


def test_a_number_no_column_takes_is_listed_by_its_address(tmp_path):
    book = openpyxl.load_workbook(HERE / "good_per_sheet.xlsx")
    book["公开03表"]["K9"] = 42.5       # beside a table row, under no header
    book["公开09表"]["B30"] = "1,000"   # far below every table
    path = tmp_path / "extra.xlsx"
    book.save(path)
    wb = read_workbook(path)
    assert wb.unplaced == [("公开03表!K9", "42.5"), ("公开09表!B30", "1,000")]


def test_a_visible_table_is_read_and_a_hidden_copy_ignored(tmp_path):
    book = openpyxl.load_workbook(HERE / "good_per_sheet.xlsx")
    old = book.copy_worksheet(book["公开03表"])
    old.title = "上年"
    old["D9"] = 1.0  # last year's figure, which would break the tie-outs if it were read
    old.sheet_state = "hidden"
    path = tmp_path / "hidden.xlsx"
    book.save(path)
    wb = read_workbook(path)
    assert wb.notes == ["隐藏的工作表“上年”未读取"]
    assert wb.tables["03"].sheet == "公开03表"


@pytest.mark.parametrize("raw, expected", [
    (1100.5, "1100.50"), (0.1, "0.10"), (3.3000000000000003, "3.30"), (12, "12.00"),
    ("1,234.50", "1234.50"), (" 1234.5 ", "1234.50"), ("12,345,678.90", "12345678.90"),
    (None, "0.00"), ("", "0.00"), ("-", "0.00"), ("—", "0.00"),
])
def test_amounts_are_exact_decimals_of_whole_fen(raw, expected):
    value = amount(raw)
    assert isinstance(value, Decimal) and str(value) == expected


@pytest.mark.parametrize("raw", [12.345, "12.345", "1,23.4", "1 234", "１２３", "12万元", "1.2E3", -1.0, True,
                                 "1,000,000,000,000.01"])
def test_amounts_that_are_not_refused(raw):
    with pytest.raises(ValueError):
        amount(raw)


def test_every_table_has_titles_and_column_keys():
    assert [t.id for t in TABLES] == [f"0{n}" for n in range(1, 10)]
    assert {c.key for c in BY_ID["03"].sides[0].columns} == {
        "total", "basic", "project", "remit_superior", "operating", "subsidy_subordinate"}
    assert {"general_budget", "superior_subsidy", "subordinate_remittance"} <= {
        c.key for c in BY_ID["02"].sides[0].columns}
    assert os.path.exists(HERE / "_make_workbooks.py")


# ---------------------------------------------------------------- .xls (xls/README.md: converted by LibreOffice)

XLS = HERE / "xls"


@pytest.mark.parametrize("name", ["good_per_sheet", "good_one_sheet"])
def test_xls_reads_to_the_same_figures_and_cells_as_its_xlsx(name):
    xlsx = read_workbook(HERE / f"{name}.xlsx")
    xls = read_workbook(XLS / f"{name}.xls")
    assert list(xls.figures()) == list(xlsx.figures())
    assert len(list(xls.figures())) > 400
    assert xls.unplaced == xlsx.unplaced == []
    assert xls.notes == xlsx.notes
    assert {t: (f.sheet, f.title_cell, f.columns) for t, f in xls.tables.items()} == \
        {t: (f.sheet, f.title_cell, f.columns) for t, f in xlsx.tables.items()}


def test_xls_merged_headers_and_hidden_sheets_come_from_xlrd():
    from juesuan.data.workbook import _open, _Problems

    def sheets(path, engine):
        return {s.name: s for s in _open(path, engine, _Problems(path, None))}

    xlsx = sheets(HERE / "good_per_sheet.xlsx", "openpyxl")
    xls = sheets(XLS / "good_per_sheet.xls", "xlrd")
    assert list(xls) == list(xlsx)
    for name in xlsx:
        assert xls[name].merged == xlsx[name].merged, name  # every merged range, cell for cell
    # 07's three-row header: 公务用车购置及运行维护费 merged over six columns, 合计 over two rows and columns.
    assert xls["公开07表"].merged[(3, 9)] == (3, 4) and xls["公开07表"].merged[(4, 1)] == (3, 0)
    one = sheets(XLS / "good_one_sheet.xls", "xlrd")
    assert [(s.name, s.hidden) for s in one.values()] == [("决算表", False), ("2023年", True)]
    assert one["决算表"].merged == {}  # this layout merges nothing: the header words carry across


def test_xls_hidden_sheet_is_not_read_as_the_table():
    message = refusal(XLS / "hidden_sheet_old_table.xls")
    assert message.startswith("hidden_sheet_old_table.xls：部门 demo-dept：工作簿：")
    assert "缺 公开03表（支出决算表）（隐藏的工作表“公开03表”未读取）" in message


def test_xls_error_value_is_refused_at_its_cell_not_read_as_zero():
    message = refusal(XLS / "error_value.xls")
    assert "公开03表!D9（公开03表 基本支出）：应为金额（这是 Excel 公式的错误值" in message
    assert "实为 '#DIV/0!'" in message


def test_xls_damaged_is_one_line(tmp_path):
    cut = tmp_path / "cut.xls"
    cut.write_bytes((XLS / "good_per_sheet.xls").read_bytes()[:11000])
    assert "应为完好的 .xls 工作簿" in refusal(cut)


def test_xls_cells_become_what_pandas_gives_but_errors_stay_text():
    import datetime

    import xlrd

    from juesuan.data.workbook import _xls_value

    class Book:
        datemode = 0

    assert _xls_value(Book, xlrd.XL_CELL_NUMBER, 1100.5) == 1100.5
    assert type(_xls_value(Book, xlrd.XL_CELL_NUMBER, 2070101.0)) is int
    assert _xls_value(Book, xlrd.XL_CELL_TEXT, "1,100.50") == "1,100.50"
    assert _xls_value(Book, xlrd.XL_CELL_TEXT, "  ") is None and _xls_value(Book, xlrd.XL_CELL_EMPTY, "") is None
    assert _xls_value(Book, xlrd.XL_CELL_BOOLEAN, 1) is True
    assert _xls_value(Book, xlrd.XL_CELL_ERROR, 0x2A) == "#N/A"
    assert _xls_value(Book, xlrd.XL_CELL_DATE, 45292.0) == datetime.datetime(2024, 1, 1)


# ---------------------------------------------------------------- between the tables


def lines_of(path) -> list[str]:
    with pytest.raises(DataErrors) as info:
        read_workbook(path, department="demo-dept")
    return [e.message.split("：", 2)[2] for e in info.value.errors]


def test_a_class_one_table_does_not_list_is_its_zero_against_the_other(tmp_path):
    # 05 without class 221 (its 项 and 款 too), its 合计 lowered to match: 05 ties out on its own, but 04 gives
    # 221 12.34 of 一般公共预算, and 06 still counts that 12.34 (30302 退休费) in 基本支出: two disagreements.
    book = openpyxl.load_workbook(HERE / "good_per_sheet.xlsx")
    ws = book["公开05表"]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    for col in (3, 4):
        ws.cell(rows["合计"], col).value = float(Decimal(str(ws.cell(rows["合计"], col).value)) - Decimal("12.34"))
    ws.delete_rows(rows["221"], 3)
    path = tmp_path / "no_221.xlsx"
    book.save(path)
    assert lines_of(path) == [
        "公开04表!E24 与 公开05表（类 221）（公开04表 二十、住房保障支出 一般公共预算财政拨款 与 公开05表 类 221）："
        "应为两表相同，实为 '12.34 与 没有类 221 这一行'",
        "公开06表!C10+F10 与 公开05表!D6（公开06表 人员经费合计+公用经费合计 与 公开05表 合计 基本支出）："
        "应为两表相同，实为 '1142.94 与 1130.60'",
    ]


def test_a_row_already_wrong_in_its_table_is_not_blamed_again_between_tables(tmp_path):
    # 08's 合计 本年支出 left blank (as the putuo sample prints it): one line, its own sum, not a second one
    # against 04's 政府性基金 本年支出合计.
    book = openpyxl.load_workbook(HERE / "good_per_sheet.xlsx")
    ws = book["公开08表"]
    r = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "合计")
    ws.cell(r, 5).value = ws.cell(r, 7).value = None
    path = tmp_path / "blank_total.xlsx"
    book.save(path)
    assert lines_of(path) == ["公开08表!E6、G6（公开08表 合计 本年支出合计、项目支出）：应为各类之和 = 5.00、5.00，实为 '0.00、0.00'"]


def test_three_public_items_add_up_as_the_table_declares_them(tmp_path):
    # 07: 合计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费, 小计 = 购置费 + 运行维护费.
    book = openpyxl.load_workbook(HERE / "good_per_sheet.xlsx")
    book["公开07表"]["J7"] = 3.30  # 公务用车运行维护费 决算数: now 小计 3.20 ≠ 0 + 3.30
    path = tmp_path / "three_public.xlsx"
    book.save(path)
    (line,) = lines_of(path)
    assert line.startswith("公开07表!F7（公开07表 公务用车购置及运行维护费决算数）：应为公务用车购置费决算数+公务用车运行维护费决算数") and "= 3.30，实为 '3.20'" in line


def test_the_good_layouts_agree_between_tables_in_every_format():
    for path in (HERE / "good_per_sheet.xlsx", HERE / "good_one_sheet.xlsx", XLS / "good_per_sheet.xls",
                 XLS / "good_one_sheet.xls"):
        read_workbook(path)  # raises on any line


@pytest.mark.parametrize("off_by", ["0", "1.00"])
def test_an_01_listing_kinds_not_classes_is_held_against_03s_kinds(tmp_path, off_by):
    book = openpyxl.load_workbook(HERE / "good_per_sheet.xlsx")
    ws = book["公开01表"]
    for r in range(5, 29):  # the 24 class lines of the 支出 side
        ws.cell(r, 3).value = ws.cell(r, 4).value = None
    ws["C5"], ws["D5"] = "一、基本支出", float(Decimal("1142.94") + Decimal(off_by))
    ws["C6"], ws["D6"] = "二、项目支出", 25.25
    total = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == "本年支出合计")
    ws.cell(total, 4).value = float(Decimal("1168.19") + Decimal(off_by))
    ws.cell(total + 2, 4).value = float(Decimal("10.00") - Decimal(off_by))  # 年末结转和结余
    path = tmp_path / "kinds.xlsx"
    book.save(path)
    if off_by == "0":
        assert read_workbook(path).tables["01"].row("expenditure.basic", "支出").cell == "公开01表!C5"
    else:
        assert lines_of(path) == ["公开01表!D5 与 公开03表!D6（公开01表 一、基本支出 决算数 与 公开03表 合计 基本支出）："
                                  "应为两表相同，实为 '1143.94 与 1142.94'"]


# ---------------------------------------------------------------- what follows from the figures: checked, not held

def _seed_tables(path: Path) -> Path:
    from juesuan.data.figures import Figures
    from juesuan.data.loading import load_year
    from juesuan.build.table_export import workbook_bytes

    path.write_bytes(workbook_bytes(Figures(load_year(HERE.parents[1] / "data", 2022).departments["pzh-swzzb"])))
    return path


def test_each_printed_rate_is_its_actual_over_its_budget(tmp_path):
    """完成预算（%） = 决算数 / 预算数, rounded half up: the seed's "三公" 6.82 / 7.54 = 90.4509… → 90.45."""
    path = _seed_tables(tmp_path / "seed.xlsx")
    read_workbook(path)  # every rate of the export holds
    book = openpyxl.load_workbook(path)
    book["公开07表"]["C5"] = 90.44  # truncated, or mistyped
    book.save(path)
    assert lines_of(path) == ["公开07表!C5（公开07表 合计完成预算）：应为决算数 6.82 / 预算数 7.54 = 90.45，实为 '90.44'"]
    assert len(read_workbook(path, as_published=True).defects) == 1  # as published: recorded, not refused
    # Spending without a budget has no rate: 因公出国（境）费 of 2.50 against a budget of 0 (total rate left alone).
    book = openpyxl.load_workbook(_seed_tables(tmp_path / "abroad.xlsx"))
    ws = book["公开07表"]
    ws["E5"], ws["F5"], ws["B5"], ws["C5"] = 2.50, 100.0, 9.32, None
    book.save(tmp_path / "abroad.xlsx")
    assert lines_of(tmp_path / "abroad.xlsx") == [
        "公开07表!F5（公开07表 因公出国（境）费完成预算）：应为空白（有支出而未安排预算），实为 '100.00'"]


def test_06_split_by_kind_follows_the_class():
    """good_06_by_kind: 301 and 303 (and their 款) wholly 人员经费, 302 wholly 公用经费; a row split against its
    class is one line (economic_split_not_by_class in expected.tsv), or a recorded defect as published."""
    wb = read_workbook(HERE / "good_06_by_kind.xlsx")
    rows = {r.key: r.values for r in wb.tables["06"].rows}
    assert rows["30101"]["personnel"].value == Decimal("1000.00") and rows["30101"]["public"].blank
    assert rows["30211"]["public"].value == Decimal("10.00") and rows["30211"]["personnel"].blank
    defects = read_workbook(HERE / "economic_split_not_by_class.xlsx", as_published=True).defects
    assert [d.message.split("：", 2)[2] for d in defects] == [
        "公开06表!D10（公开06表 办公费 人员经费）：应为0（302、310 等其余各类为公用经费），实为 '20.00'"]
