"""`juesuan import`: a read workbook of the nine tables → the department's rows of data/<year>/.

One job: map every figure of a `workbook.Workbook` that the data model holds to
its row (file, item, code), with the cell it came from; check the tables'
totals against what the model computes from those rows; compare with what
data/<year>/ already holds for the department; then write amounts.csv,
function_names.csv, departments.csv and provenance/<id>.yaml, or nothing.

Everything is decided before the first byte is written (`plan_import`); a
problem anywhere — in the workbook, between its tables, against the existing
data, in a data file that would be rewritten — raises DataErrors listing every
one, and data/ is left as it was. Each file is then written whole through a
temporary file renamed over it (`files.write_atomic`).

Tables 02, 03, 05, 08 and 09 are written by function code and 06 by economic
code (`CODED`): each column's finest rows, a row with rows beneath it being
their subtotal. A figure that follows from the ones written (a row total, a
subtotal, 06's 人员经费/公用经费 columns by class, a 完成预算 rate) is checked,
by the reader or against the model, and counts as used. What is left, a figure
the model has no place for (a column's classes where, read as published, its
合计 is not their sum), is counted per table in `Plan.not_stored`, never
dropped silently.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
import yaml

from juesuan.data import catalogue
from juesuan.errors import DataError, DataErrors
from juesuan.files import write_atomic
from juesuan.data.figures import Figures, is_hierarchical
from juesuan.data.formatting import format_amount
from juesuan.data.loading import (DEPARTMENT_ID, FILES, DepartmentFigures, bad_name, check_year, parse_amount, read_csv_rows)
from juesuan.data.money import ZERO, rounding_residue
from juesuan.data.standard_tables import normalise
from juesuan.data.validation import tie_outs
from juesuan.data.workbook import Workbook, checked_rate, read_workbook

NOT_STORED = "表内数字，数据模型中无处存放"

# Items the import writes. A coded item is a list (its family: all its codes); three_public.reception is
# stated as the total of 公开07表 (which does not split 国内/外事), so its family holds its two parts too.
FAMILIES = {
    "three_public.reception": ("three_public.reception", "three_public.reception_domestic",
                               "three_public.reception_foreign"),
}
#: 公开07表: column key -> item (决算数 to three_public, 预算数 to three_public_budget).
THREE_PUBLIC = {
    "abroad.actual": "three_public.abroad",
    "vehicle_purchase.actual": "three_public.vehicle_purchase",
    "vehicle_operation.actual": "three_public.vehicle_operation",
    "reception.actual": "three_public.reception",
    "abroad.budget": "three_public_budget.abroad",
    "vehicle.budget": "three_public_budget.vehicle",
    "reception.budget": "three_public_budget.reception",
    "vehicle_purchase.budget": "three_public_budget.vehicle_purchase",
    "vehicle_operation.budget": "three_public_budget.vehicle_operation",
}
#: Table totals the model computes from the rows written: (table, side, row key, column) -> model key.
DERIVED = {
    ("01", "收入", "income_total", "amount"): "income_total",
    ("01", "收入", "total", "amount"): "total",
    ("01", "支出", "expenditure_total", "amount"): "expenditure_total",
    ("01", "支出", "total", "amount"): "total",
    ("02", "", "合计", "total"): "income_total",
    ("02", "", "合计", "fiscal"): "fiscal_income",
    ("03", "", "合计", "total"): "expenditure_total",
    ("04", "收入", "income_total", "amount"): "fiscal_income",
    ("04", "收入", "total", "amount"): "fiscal_total",
    ("04", "支出", "expenditure_total", "total"): "fiscal_expenditure",
    ("04", "支出", "expenditure_total", "general_budget"): "gpb.total",
    ("04", "支出", "expenditure_total", "government_fund"): "gf.total",
    ("04", "支出", "expenditure_total", "state_capital"): "sc.total",
    ("04", "支出", "total", "total"): "fiscal_total",
    ("05", "", "合计", "total"): "gpb.total",
    ("05", "", "合计", "budget"): "gpb.budget_total",
    ("05", "", "合计", "basic"): "gpb_basic.total",
    ("07", "", "", "total.actual"): "three_public.total",
    ("07", "", "", "total.budget"): "three_public_budget.total",
    ("07", "", "", "vehicle.actual"): "three_public.vehicle",
    ("07", "", "", "reception.actual"): "three_public.reception",
    ("08", "", "合计", "total"): "gf.total",
    ("09", "", "合计", "total"): "sc.total",
}
#: 04's 支出 columns by fund, and 08/09: the function item each gives by class.
FUND_ITEMS = {"general_budget": "gpb.actual", "government_fund": "gf.actual", "state_capital": "sc.actual"}
FUNDS = ("general_budget", "government_fund", "state_capital")
#: The columns written by code: (table, column key, item). Each column's finest rows are written; a row with
#: rows beneath it is their subtotal (checked by the reader, computed by the model). 02's 财政拨款收入 is
#: `income.fiscal` where the table does not split it into its three funds, and their subtotal where it does.
CODED = (
    ("05", "total", "gpb.actual"), ("05", "budget", "gpb.budget"),
    ("05", "basic", "gpb.basic"), ("05", "project", "gpb.project"),
    *((tid, column, f"{fund}.{column if column != 'total' else 'actual'}")
      for tid, fund in (("08", "gf"), ("09", "sc"))
      for column in ("total", "carryover_begin", "income", "carryover_end", "basic", "project")),
    *(("02", key.split(".", 1)[1], key) for key in catalogue.INCOME_SOURCES),
    ("02", "fiscal", "income.fiscal"),
    *(("03", key.split(".", 1)[1], key) for key in catalogue.EXPENDITURE_KINDS),
    ("06", "amount", "gpb_basic.economic"),
)
#: Items whose finest rows are written even at 0: a class 05/08/09 lists is a statement (a budget needs its
#: spending row). The other coded items list the codes that have a figure (data/README.md: zero rows).
ZERO_ROWS = ("gpb.actual", "gpb.budget", "gf.actual", "sc.actual")
#: Row totals of the coded tables, stored when every column they add up is (the reader checked each row's sum):
#: (table, column, its parts; None: every other column of the table).
ROW_TOTALS = (("02", "fiscal", FUNDS), ("02", "total", None), ("03", "total", None))
STATED_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*年度")
UNIT_LINE = re.compile(r"^(?:编制单位|填报单位|编报单位|单位名称)[：:](.*)$")


@dataclass
class Claim:
    """A model row as the workbook gives it: its value, its cell, and other cells that give it too."""

    value: Decimal
    cell: str
    also: list[str] = field(default_factory=list)


@dataclass
class Mapped:
    """What a workbook gives of the model."""

    rows: dict[tuple[str, str], Claim]
    #: function item -> code -> (value, cell) at every level the table prints (subtotals included)
    levels: dict[str, dict[str, tuple[Decimal, str]]]
    #: 款/项 code -> (name, cell)
    names: dict[str, tuple[str, str]]
    #: economic 款 code -> (name, cell)
    economic_names: dict[str, tuple[str, str]]
    not_stored: dict[str, int]
    not_stored_nonzero: dict[str, int]
    #: the published tables' own defects, where the workbook is read as published
    defects: list[DataError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Change:
    file: str
    item: str
    code: str
    old: str | None
    new: str | None
    cell: str | None


@dataclass
class Plan:
    """What an import would write; `write()` writes it."""

    department: str
    year: int
    folder: Path
    workbook: Path
    sha256: str
    files: dict[Path, str]
    added: list[Change]
    replaced: list[Change]
    removed: list[Change]
    kept: int
    names_added: list[tuple[str, str]]
    economic_names_added: list[tuple[str, str]]
    department_added: tuple[str, str] | None
    not_stored: dict[str, int]
    not_stored_nonzero: dict[str, int]
    unplaced: list[tuple[str, str]]
    notes: list[str]
    checked: list[str]
    #: the published tables' own defects, recorded (an import `as_published`)
    defects: list[DataError] = field(default_factory=list)

    def write(self) -> list[Path]:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "provenance").mkdir(exist_ok=True)
        for path, text in self.files.items():
            write_atomic(path, text)
        return list(self.files)


# ---------------------------------------------------------------- the workbook's figures


def map_workbook(wb: Workbook, department: str | None = None, *, as_published: bool = False) -> Mapped:
    """Every figure of the workbook that the model holds, as (item, code) rows with their cells.

    A figure printed in two tables (01's and 04's 一般公共预算财政拨款收入) must agree; a total the model
    computes (本年收入合计, 05's 合计…) must equal what it computes from the rows: DataErrors otherwise.

    `as_published` (a workbook read with its defects, `read_workbook(…, as_published=True)`): every level a
    table prints is written (a subtotal is kept as printed, its 尾差 beside its rows); a column whose 合计 is
    further from its classes than rounding explains lists only some of them, so its 合计 is written instead
    of its classes (04 gives each fund by class); a printed total the model computes otherwise is a defect,
    listed in `Mapped.defects`, not a refusal.
    """
    problems: list[DataError] = []
    defects: list[DataError] = list(wb.defects)
    notes: list[str] = []

    def disagree(error: DataError) -> None:
        (defects if as_published else problems).append(error)
    file = wb.path.name
    rows: dict[tuple[str, str], Claim] = {}
    used: set[str] = set()

    def claim(item: str, code: str, value: Decimal, cell: str, where: str) -> None:
        used.add(cell)
        held = rows.get((item, code))
        if held is None:
            rows[(item, code)] = Claim(value, cell)
        elif held.value != value:
            problems.append(DataError(file, department, f"{cell}（{where}）",
                                      f"与 {held.cell} 的同一数字 {held.value} 相同（{item}{' ' + code if code else ''}）",
                                      str(value)))
        else:
            held.also.append(cell)

    def refuse(cell: str, expected: str, got: str) -> None:
        problems.append(DataError(file, department, cell, expected, got))

    def fig(tid: str, key: str, side: str, column: str):
        table = wb.tables.get(tid)
        row = table.row(key, side) if table else None
        return row.values.get(column) if row else None

    # 01 and 04: fixed lines.
    for tid in ("01", "04"):
        for row in wb.tables[tid].rows:
            amount = row.values.get("amount")
            if row.key in catalogue.OPTIONAL_LINES and amount is not None:
                used.add(amount.cell)  # 使用非财政拨款结余, 结余分配: a blank line is not given
                if not amount.blank:
                    claim(row.key, "", amount.value, amount.cell, f"公开{tid}表 {row.name}")
            elif tid == "04" and row.key.startswith(tuple(f"{k}." for k in catalogue.FUND_SPLIT)):
                _fund_lines(row, claim, used, refuse)
            elif row.side == "收入" and row.key in catalogue.AMOUNT_ITEMS and amount is not None:
                claim(row.key, "", amount.value, amount.cell, f"公开{tid}表 {row.name}")
            elif amount is not None and tid == "01" and row.side == "支出" and row.key == "carryover.end":
                claim("carryover.end", "", amount.value, amount.cell, f"公开01表 {row.name}")
            elif amount is not None and tid == "01" and row.side == "支出" and row.key in catalogue.EXPENDITURE_KINDS:
                claim(row.key, "", amount.value, amount.cell, f"公开01表 {row.name}")
            elif tid == "04" and row.side == "支出" and row.key == "carryover.end_fiscal":
                total = row.values.get("total")
                if total is not None:
                    claim("carryover.end_fiscal", "", total.value, total.cell, f"公开04表 {row.name}")
                _fund_lines(row, claim, used, refuse)
    # 02 and 03: their 合计 rows, the sources' and kinds' totals (their rows by class follow).
    for key, figure in (wb.tables["02"].row("合计") or _NoRow).values.items():
        if f"income.{key}" in catalogue.INCOME_SOURCES:
            claim(f"income.{key}", "", figure.value, figure.cell, f"公开02表 合计 {key}")
    for key, figure in (wb.tables["03"].row("合计") or _NoRow).values.items():
        if f"expenditure.{key}" in catalogue.EXPENDITURE_KINDS:
            claim(f"expenditure.{key}", "", figure.value, figure.cell, f"公开03表 合计 {key}")

    # 02, 03, 05, 06, 08, 09: rows by code at every level; the finest are written, the others are their
    # subtotals (and the 合计 row theirs), checked by the reader. A column the table does not print is not
    # given by code at all (`levels` leaves the item out: rows already in data/ stay).
    levels: dict[str, dict[str, tuple[Decimal, str]]] = {}
    names: dict[str, tuple[str, str]] = {}
    economic_names: dict[str, tuple[str, str]] = {}
    stored: dict[str, set[str]] = {}  # table -> columns written by code
    for tid, column, item in CODED:
        table = wb.tables[tid]
        if column not in table.columns.get("", {}):
            continue
        if item == "income.fiscal" and set(FUNDS) & set(table.columns[""]):
            continue  # the subtotal of the fund columns beside it (ROW_TOTALS)
        stored.setdefault(tid, set()).add(column)
        coded = {r.key: r for r in table.rows if r.key.isdigit()}
        given = {code: r.values[column] for code, r in coded.items() if column in r.values}
        total = table.row("合计")
        total = total.values.get(column) if total is not None else None
        classes = [f.value for code, f in given.items() if len(code) == 3]
        if as_published and total is not None and not total.blank and \
                abs(total.value - sum(classes, ZERO)) > rounding_residue(len(classes)):
            if item in catalogue.CODED_ONLY:  # its 合计 is the model's own total of other items (DERIVED)
                notes.append(f"公开{tid}表 {column}：合计 {total.cell} {_amount_text(total.value)} 不是所列各类之和 "
                             f"{_amount_text(sum(classes, ZERO))}：表中的类不全，不写入")
                continue
            notes.append(f"公开{tid}表 {column}：合计 {total.cell} {_amount_text(total.value)} 不是所列各类之和 "
                         f"{_amount_text(sum(classes, ZERO))}：表中的类不全，只写入合计")
            claim(item, "", total.value, total.cell, f"公开{tid}表 合计 {column}")
            continue
        levels[item] = {code: (f.value, f.cell) for code, f in given.items()}
        for code, figure in given.items():
            used.add(figure.cell)
            if not as_published and any(other != code and other.startswith(code) for other in given):
                continue
            if figure.value != 0 or item in ZERO_ROWS:
                claim(item, code, figure.value, figure.cell, f"公开{tid}表 {code} {coded[code].name}")
        if total is not None:
            used.add(total.cell)  # Σ类, checked by the reader
    for tid, column, parts in ROW_TOTALS:
        columns = wb.tables[tid].columns.get("", {})
        if column not in columns or not all(p in stored.get(tid, ()) for p in (parts or set(columns) - {column})):
            continue  # e.g. 02's 财政拨款收入 not split into its three funds: not held by class
        stored[tid].add(column)
        for r in wb.tables[tid].rows:
            if column in r.values and (r.key.isdigit() or r.is_total):
                used.add(r.values[column].cell)
    for tid in ("05", "08", "09", "02", "03", "06"):  # a name's cell: the fiscal tables' first
        into, what = (economic_names, "经济分类") if tid == "06" else (names, "功能分类")
        for r in wb.tables[tid].rows:
            if not r.key.isdigit() or len(r.key) == 3:
                continue  # a 类 is named by the catalogue
            name = r.name.strip()
            if r.key in into and into[r.key][0] != name:
                problems.append(DataError(file, department, f"{r.cell}（公开{tid}表 科目名称）",
                                          f"与 {into[r.key][1]} 的同一{what}科目 {r.key} 名称相同“{into[r.key][0]}”",
                                          name))
            into.setdefault(r.key, (name, r.cell))
    # A fund whose own table (05, 08, 09) lists only some of its classes: 04 gives it by class.
    for column, item in FUND_ITEMS.items():
        if item in levels:
            continue
        rows04 = {r.key.split(".", 1)[1]: r.values[column] for r in wb.tables["04"].rows
                  if r.side == "支出" and r.key.startswith("function.") and column in r.values}
        levels[item] = {code: (f.value, f.cell) for code, f in rows04.items() if f.value}
        for code, figure in rows04.items():
            if figure.value:
                claim(item, code, figure.value, figure.cell, f"公开04表 {code} {column}")
    for tid, item in (("08", "income.government_fund"), ("09", "income.state_capital")):
        figure = fig(tid, "合计", "", "income")
        if figure is not None:
            claim(item, "", figure.value, figure.cell, f"公开{tid}表 合计 本年收入")

    # 06: 人员经费 and 公用经费, from its total lines (written beside the classes: validate checks they agree);
    # without them the model works them out from the classes written (301 + 303; 302, 310 and the other classes), and where it
    # has none of those rows (all 0, or not listed), they are written as 0.
    t06 = wb.tables["06"]
    written = [code for (item, code) in rows if item == "gpb_basic.economic"]
    for key, item, classes in (("personnel_total", "gpb_basic.personnel", catalogue.PERSONNEL_CLASSES),
                               ("public_total", "gpb_basic.public", catalogue.PUBLIC_CLASSES)):
        line = next((r for r in t06.rows if r.key == key and "amount" in r.values), None)
        if line is not None:
            claim(item, "", line.values["amount"].value, line.values["amount"].cell, f"公开06表 {line.name}")
            continue
        if any(code[:3] in classes for code in written):
            continue
        parts = [r.values["amount"] for r in t06.rows if r.key in classes and "amount" in r.values]
        if parts:
            for p in parts:
                used.add(p.cell)
            claim(item, "", sum((p.value for p in parts), ZERO), "+".join(p.cell for p in parts), "公开06表")
        else:
            claim(item, "", ZERO, f"{t06.where}（表中无此类）", "公开06表")

    # 07: one row.
    row07 = wb.tables["07"].rows[0] if wb.tables["07"].rows else None
    values07 = row07.values if row07 else {}
    split = {"reception_domestic.actual", "reception_foreign.actual"} <= set(values07)
    for column, item in THREE_PUBLIC.items():
        if column in values07 and not (split and column == "reception.actual"):
            f = values07[column]
            if item in catalogue.OPTIONAL_LINES and f.blank:
                used.add(f.cell)  # the vehicle budgets apart, left blank: not given
                continue
            claim(item, "", f.value, f.cell, f"公开07表 {column}")
    for column, item in (("reception_domestic.actual", "three_public.reception_domestic"),
                         ("reception_foreign.actual", "three_public.reception_foreign")):
        if split:  # 国内 and 外事 printed apart: written apart, their total (checked by the reader) is the model's
            f = values07[column]
            claim(item, "", f.value, f.cell, f"公开07表 {column}")
    if "vehicle.actual" in values07 and not {"vehicle_purchase.actual", "vehicle_operation.actual"} & set(values07):
        f = values07["vehicle.actual"]  # no split printed: the total, as a comparison year states it
        claim("three_public.vehicle", "", f.value, f.cell, "公开07表 公务用车购置及运行维护费")

    # Figures that follow from the ones written, each checked by the reader: 06's 人员经费 and 公用经费 columns by
    # class (the class says which), 05's and 07's 完成预算（%） (决算数 over 预算数).
    for tid, table in wb.tables.items():
        for row in table.rows:
            for column, figure in row.values.items():
                if tid == "06" and column in ("personnel", "public") or checked_rate(row, column):
                    used.add(figure.cell)

    # Totals: what the model computes from the rows must be what the tables print.
    model = Figures(DepartmentFigures(department or "import", 0, "", "",
                                      amounts={k: c.value for k, c in rows.items()}))
    for (tid, side, key, column), total in DERIVED.items():
        figure = fig(tid, key, side, column)
        if figure is None:
            continue
        used.add(figure.cell)
        expected = model.value(total)
        if expected is None:
            expected = ZERO
        if figure.value != expected and not (as_published and figure.blank):
            disagree(DataError(file, department, f"{figure.cell}（公开{tid}表 {column}）",
                                      f"由各表写入数据的数字算出的{catalogue.item_name(total)} {expected}"
                                      f"（{total}；表间不一致，或含数据模型中无处存放的项目）", str(figure.value)))
    for row in wb.tables["04"].rows:
        if row.side != "支出" or not row.key.startswith("function."):
            continue
        code = row.key.split(".", 1)[1]
        total = ZERO
        for column, item in FUND_ITEMS.items():
            expected = model.amount_at(item, code) or ZERO
            total += expected
            figure = row.values.get(column)
            if figure is not None:
                used.add(figure.cell)
                if figure.value != expected:
                    disagree(DataError(file, department, f"{figure.cell}（公开04表 {row.name} {column}）",
                                              f"公开05/08/09表中类 {code} 之和 {expected}", str(figure.value)))
        figure = row.values.get("total")
        if figure is not None:
            used.add(figure.cell)
            if figure.value != total:
                disagree(DataError(file, department, f"{figure.cell}（公开04表 {row.name} 合计）",
                                          f"公开05/08/09表中类 {code} 之和 {total}", str(figure.value)))
    # 04's 总计 by fund (支出方): the fund's spending and its part of 年末财政拨款结转和结余, where the data knows
    # that part (split by fund, or 0 in all); otherwise the reader's sum (本年支出合计 + 年末, by column) stands.
    grand = wb.tables["04"].row("total", "支出")
    for fund in FUNDS:
        figure = grand.values.get(fund) if grand is not None else None
        if figure is None:
            continue
        used.add(figure.cell)
        end = model.fund_part("carryover.end_fiscal", fund)
        if end is None or (as_published and figure.blank):
            continue
        expected = model.report_value(FUND_ITEMS[fund].replace(".actual", ".total")) + end
        if figure.value != expected:
            disagree(DataError(file, department, f"{figure.cell}（公开04表 {grand.name} {fund}）",
                               f"本年支出 + 年末财政拨款结转和结余中的{catalogue.FUNDS[fund]} {expected}",
                               str(figure.value)))
    # 01's 支出 by class (where it lists the classes): 03's rows by kind, where 03 gives them all by class.
    if "total" in stored.get("03", ()):
        for row in wb.tables["01"].rows:
            figure = row.values.get("amount")
            if row.side != "支出" or not row.key.startswith("function.") or figure is None:
                continue
            code = row.key.split(".", 1)[1]
            expected = sum((model.amount_at(kind, code) or ZERO for kind in catalogue.EXPENDITURE_KINDS), ZERO)
            used.add(figure.cell)
            if figure.value != expected:
                disagree(DataError(file, department, f"{figure.cell}（公开01表 {row.name}）",
                                          f"公开03表中类 {code} 各项支出之和 {expected}", str(figure.value)))
    if problems:
        raise DataErrors(problems)

    not_stored: Counter = Counter()
    nonzero: Counter = Counter()
    for tid, _side, _key, _name, _column, value, cell in wb.figures():
        if cell not in used:
            not_stored[tid] += 1
            nonzero[tid] += value != 0
    return Mapped(rows, levels, names, economic_names, dict(sorted(not_stored.items())), dict(sorted(nonzero.items())),
                  defects, notes)


class _NoRow:
    values: dict = {}


def _fund_lines(row, claim, used, refuse) -> None:
    """04's carry-overs by fund: the three lines under 年初 (and, in some layouts, under 年末) and the fund columns of
    年末's row, each a part of `carryover.begin_fiscal` or `.end_fiscal` coded by its fund. A blank or 0 part is no
    row (the parts list the funds that carry something over). A fund's line holds nothing in another fund's column."""
    key, _, line_fund = row.key.rpartition(".") if row.key.count(".") == 2 else (row.key, "", "")
    for column, figure in row.values.items():
        used.add(figure.cell)
        if line_fund and column in catalogue.FUNDS and column != line_fund:
            if figure.value:
                refuse(f"{figure.cell}（公开04表 {row.name} {column}）",
                       f"空白或 0（这一行是{catalogue.FUNDS[line_fund]}的结转和结余）", str(figure.value))
            continue
        fund = line_fund or column
        if fund in catalogue.FUNDS and figure.value:
            claim(key, fund, figure.value, figure.cell, f"公开04表 {row.name} {column}")


def _text_cells(wb: Workbook):
    """Every text cell of the sheets that hold the tables: (sheet, row, column, text, the row's cells)."""
    with wb.path.open("rb") as handle:
        engine = "openpyxl" if handle.read(4) == b"PK\x03\x04" else "xlrd"
    sheets = sorted({t.sheet for t in wb.tables.values()})
    frames = pd.read_excel(wb.path, sheet_name=sheets, header=None, dtype=object, engine=engine)
    for sheet in sheets:
        for r, row in enumerate(frames[sheet].values.tolist()):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    yield sheet, r, c, value, row


def department_name(wb: Workbook) -> tuple[str, str] | None:
    """The 编制单位 line over the tables: (name, cell), or None; DataErrors when the tables name two."""
    from juesuan.data.workbook import address

    found: dict[str, str] = {}
    for sheet, r, c, value, row in _text_cells(wb):
        m = UNIT_LINE.match(normalise(value))
        if not m:
            continue
        name = value.split("：" if "：" in value else ":", 1)[1].strip()
        where = address(sheet, r, c)
        if not name:
            rest = [(k, v) for k, v in enumerate(row[c + 1:], c + 1) if isinstance(v, str) and v.strip()]
            if not rest:
                continue
            name, where = rest[0][1].strip(), address(sheet, r, rest[0][0])
        found.setdefault(name, where)
    if len(found) > 1:
        listed = "、".join(f"{n}（{w}）" for n, w in found.items())
        raise DataErrors([DataError(wb.path.name, None, "编制单位", "各表的编制单位相同（或用 --name 指定部门全称）",
                                    listed)])
    return next(iter(found.items()), None)


def check_stated_year(wb: Workbook, year: int, department: str) -> None:
    """A year the tables state over them (a `2024年度` line, or one in a title) must be --year: the wrong
    year's workbook is the easiest mistake to make and the hardest to see in the figures."""
    from juesuan.data.workbook import address

    stated = [(int(m.group(1)), address(sheet, r, c)) for sheet, r, c, value, _ in _text_cells(wb)
              for m in [STATED_YEAR.search(normalise(value))] if m]
    wrong = [(y, where) for y, where in stated if y != year]
    if wrong:
        shown = "、".join(f"{where} {y}年度" for y, where in wrong[:3]) + ("等" if len(wrong) > 3 else "")
        raise DataErrors([DataError(wb.path.name, department, "--year",
                                    f"与工作簿表头所写的年度相同（--year {year}）", shown)])


# ---------------------------------------------------------------- the data folder


def _csv_text(columns: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def _read(path: Path, key: str, problems: list[DataError]) -> tuple[list[list[str]], list[int]]:
    """A data file the import rewrites, as rows of cells and their lines; any row it cannot read is a
    problem (rewriting the file would lose it)."""
    columns = FILES[key][1]
    if not path.exists():
        return [], []
    try:
        frame, errors = read_csv_rows(path, columns)
    except DataError as exc:
        problems.append(exc)
        return [], []
    problems.extend(errors)
    return frame[columns].values.tolist(), [int(n) for n in frame["_line"]]


def _amount_text(value: Decimal) -> str:
    return format_amount(value).replace(",", "")


ORDER = {key: i for i, key in enumerate(list(catalogue.AMOUNT_ITEMS) + list(catalogue.COMPOSITES))}


def _family(item: str) -> str:
    for head, members in FAMILIES.items():
        if item in members:
            return head
    return item


def _existing_at(existing: Figures, item: str, code: str) -> Decimal | None:
    """An item's amount at a code as the rows already held give it, as the model reads them
    (`Figures.amount_at`); None when they only give it coarser (not comparable here); 0 when they give nothing there."""
    rows = existing.detail(item)
    if any(c.startswith(code) for c in rows):
        return existing.amount_at(item, code)
    if any(code.startswith(c) for c in rows):
        return None
    return ZERO


def _merge_names(given: dict[str, tuple[str, str]], existing: dict[str, tuple[str, int]], path: Path,
                 workbook: Path, department: str, problems: list[DataError]) -> list[tuple[str, str]]:
    """The 款/项 names to add to `path` (function_names.csv or economic_names.csv); a code it already names
    otherwise is a problem (the file is shared by the year's departments: the import never rewrites a name)."""
    added = []
    for code, (label, cell) in sorted(given.items()):
        if code not in existing:
            if bad_name(label):
                problems.append(DataError(workbook.name, department, f"{cell}（科目名称）",
                                          "1 至 100 个字符的单行名称", label))
            added.append((code, label))
        elif existing[code][0] != label:
            problems.append(DataError(path, None, f"{code} 的 name",
                                      f"工作簿 {cell} 的“{label}”（{path.name} 为全年各部门共用，"
                                      f"导入不改写已有的名称：请核对后改正其一）",
                                      existing[code][0], row=existing[code][1]))
    return added


def plan_import(workbook: str | Path, department: str, year: int, data_dir: str | Path, *, replace: bool = False,
                name: str | None = None, short_name: str | None = None, as_published: bool = False) -> Plan:
    """Read the workbook and decide what to write; DataErrors (nothing written) on any problem.

    `as_published`: the tables' own defects (sums they print that do not hold) are recorded in the provenance
    file and the figures kept as printed, instead of refused (`map_workbook`)."""
    workbook, data_dir = Path(workbook), Path(data_dir)
    check_year(data_dir, year)
    if not DEPARTMENT_ID.fullmatch(department):
        raise DataErrors([DataError(workbook.name, None, "--department",
                                    "由字母、数字、'-' 或 '_' 组成的部门编号（至多64个字符）", department)])
    wb = read_workbook(workbook, department, as_published=as_published)
    check_stated_year(wb, year, department)
    mapped = map_workbook(wb, department, as_published=as_published)
    folder = data_dir / str(year)
    problems: list[DataError] = []
    paths = {key: folder / FILES[key][0] for key in ("amounts", "function_names", "economic_names", "departments")}
    amounts, amount_lines = _read(paths["amounts"], "amounts", problems)
    names_rows, name_lines = _read(paths["function_names"], "function_names", problems)
    economic_rows, economic_lines = _read(paths["economic_names"], "economic_names", problems)
    departments, _ = _read(paths["departments"], "departments", problems)
    if problems:
        raise DataErrors(problems)

    # ---- departments.csv
    listed = {row[0]: row for row in departments}
    department_added = None
    notes = list(wb.notes) + mapped.notes
    unit = department_name(wb)
    if department not in listed:
        full = name or (unit[0] if unit else None)
        if not full:
            raise DataErrors([DataError(paths["departments"], department, "name",
                                        f"部门 {department} 的全称：工作簿中没有“编制单位：…”一行，请用 --name 指定",
                                        "没有")])
        short = short_name or full
        for what, text in (("--name", full), ("--short-name", short)):
            if bad_name(text):
                problems.append(DataError(paths["departments"], department, what,
                                          "1 至 100 个字符的单行名称，不含控制字符", text))
        department_added = (full, short)
    elif unit and unit[0] != listed[department][1]:
        notes.append(f"工作簿的编制单位“{unit[0]}”（{unit[1]}）与 departments.csv 中的名称“{listed[department][1]}”"
                     "不同：departments.csv 未改动")

    # ---- function_names.csv and economic_names.csv: add the 款/项 names; a code named otherwise is a conflict.
    existing_names = {row[0]: (row[1], line) for row, line in zip(names_rows, name_lines)}
    existing_economic = {row[0]: (row[1], line) for row, line in zip(economic_rows, economic_lines)}
    names_added = _merge_names(mapped.names, existing_names, paths["function_names"], workbook, department, problems)
    economic_added = _merge_names(mapped.economic_names, existing_economic, paths["economic_names"], workbook, department,
                                  problems)

    # ---- amounts.csv: compare with the department's rows, then merge.
    held: dict[tuple[str, str], tuple[Decimal, int]] = {}  # (item, code) -> (amount, line)
    for row, line in zip(amounts, amount_lines):
        if row[0] != department:
            continue
        value = parse_amount(row[3])
        if value is None:
            problems.append(DataError(paths["amounts"], department, f"{row[1]} {row[2]}".strip() + " 的 amount",
                                      "可读的金额（导入前请先修正）", row[3], row=line))
            continue
        held[(row[1], row[2])] = (value, line)
    if problems:
        raise DataErrors(problems)

    conflicts: list[Change] = []
    conflicting_families: set[str] = set()
    checked: list[str] = []
    drop: set[tuple[str, str]] = set()
    add: dict[tuple[str, str], Claim] = {}
    produced = {_family(item) for item, _ in mapped.rows} | set(mapped.levels)
    for family in sorted(produced, key=lambda k: ORDER.get(k, 999)):
        if family in mapped.levels:
            # By code (the rows without a code, the totals of income.* and expenditure.*, follow below).
            wrote = {code: c for (item, code), c in mapped.rows.items() if item == family and code}
            given = mapped.levels[family]
            old = {code: v for (item, code), (v, _) in held.items() if item == family and code}
            existing = Figures(DepartmentFigures("existing", 0, "", "",
                                                 amounts={(family, c): v for c, v in old.items()}))
            differ = []
            for code in sorted(set(old) | set(wrote)):
                if code in given:
                    new, cell = given[code]
                elif any(code.startswith(c) for c in given):
                    continue
                else:
                    new, cell = ZERO, None
                was = _existing_at(existing, family, code)
                if was is not None and was != new and old:
                    differ.append(Change("amounts.csv", family, code, _amount_text(was), _amount_text(new), cell))
            if differ:
                conflicts += differ
                conflicting_families.add(family)
                if replace:
                    drop |= {(family, code) for code in old}
                    add.update({(family, code): c for code, c in wrote.items()})
            else:
                add.update({(family, code): c for code, c in wrote.items()
                            if not any(o.startswith(code) for o in old)})
        members = FAMILIES.get(family, (family,))
        # An item by function or economic code compares here its row without a code only.
        plain = lambda item, code: not code or not is_hierarchical(item)  # noqa: E731
        claims = {(item, code): c for (item, code), c in mapped.rows.items()
                  if _family(item) == family and plain(item, code)}
        old_rows = {k: v for k, (v, _) in held.items() if _family(k[0]) == family and plain(*k)}
        for key, c in claims.items():
            item, code = key
            if key in old_rows:
                was = old_rows[key]
            elif item == "three_public.vehicle_purchase" and any(k[0] == item for k in old_rows):
                was = sum((v for k, v in old_rows.items() if k[0] == item), ZERO)  # by vehicle type
            elif len(members) > 1 and old_rows:
                was = sum(old_rows.values(), ZERO)  # 国内 + 外事
            else:
                add[key] = c  # absent: added
                continue
            if was == c.value:
                if key not in old_rows:
                    held_as = "、".join(f"{i} {k}".strip() for i, k in sorted(old_rows))
                    checked.append(f"{item}{' ' + code if code else ''}（{c.cell}）{_amount_text(c.value)} "
                                   f"= 现有明细行 {held_as} 之和：明细行保留")
                continue
            conflicts.append(Change("amounts.csv", item, code, _amount_text(was), _amount_text(c.value), c.cell))
            conflicting_families.add(family)
            if replace:
                drop |= set(old_rows)
                add.update(claims)
    if conflicts and not replace:
        problems += [DataError(paths["amounts"], department, f"{c.item}{' ' + c.code if c.code else ''}",
                               f"工作簿 {c.cell} 的 {c.new}" if c.cell else f"{c.new}（工作簿中没有这一科目）",
                               c.old, row=held[(c.item, c.code)][1] if (c.item, c.code) in held else None)
                     for c in conflicts]
        problems.append(DataError(paths["amounts"], department, "导入",
                                  "与现有数据相同的数字：以上各行现有数据与工作簿不同，均未写入；确认以工作簿为准时加 --replace",
                                  f"{len(conflicts)}处不同"))
    if problems:
        raise DataErrors(problems)

    # The department as it would be: its tie-outs must not get worse.
    before = _department(department, year, folder, {k: v for k, (v, _) in held.items()}, existing_names,
                         existing_economic)
    after_amounts = {k: v for k, (v, _) in held.items() if k not in drop}
    after_amounts.update({k: c.value for k, c in add.items()})
    all_names = {code: label for code, (label, _) in existing_names.items()} | dict(names_added)
    all_economic = {code: label for code, (label, _) in existing_economic.items()} | dict(economic_added)
    after = _department(department, year, folder, after_amounts, all_names, all_economic)
    old_messages = {e.message for e in tie_outs(before)} if held else set()
    worse = [e for e in tie_outs(after) if e.message not in old_messages]
    if worse:
        raise DataErrors(worse)

    # ---- the files' new content
    files: dict[Path, str] = {}
    new_rows = [[department, item, code, _amount_text(c.value)]
                for (item, code), c in sorted(add.items(), key=lambda kv: (ORDER.get(kv[0][0], 999), kv[0][1]))
                if (item, code) not in held or (item, code) in drop]
    replaced_keys = {(item, code) for item, code in add if (item, code) in held and (item, code) in drop}
    kept_rows = [row for row in amounts if not (row[0] == department and (row[1], row[2]) in drop)]
    last = max((i for i, row in enumerate(kept_rows) if row[0] == department), default=len(kept_rows) - 1)
    merged = kept_rows[:last + 1] + new_rows + kept_rows[last + 1:]
    if merged != amounts:
        files[paths["amounts"]] = _csv_text(FILES["amounts"][1], merged)
    if names_added:
        files[paths["function_names"]] = _csv_text(FILES["function_names"][1],
                                                   names_rows + [[c, n] for c, n in names_added])
    if economic_added:
        files[paths["economic_names"]] = _csv_text(FILES["economic_names"][1],
                                                   economic_rows + [[c, n] for c, n in economic_added])
    if department_added:
        files[paths["departments"]] = _csv_text(FILES["departments"][1],
                                                departments + [[department, *department_added]])

    digest = hashlib.sha256(workbook.read_bytes()).hexdigest()
    written = {k: c for k, c in mapped.rows.items() if k in add or (k in held and held[k][0] == c.value)}
    record = {
        "department_id": department,
        "year": year,
        "workbook": workbook.name,
        "sha256": digest,
        "rows": [
            {"file": "amounts.csv", "item": item, "code": code, "amount": _amount_text(c.value), "cell": c.cell,
             **({"also": c.also} if c.also else {})}
            for (item, code), c in sorted(written.items(), key=lambda kv: (ORDER.get(kv[0][0], 999), kv[0][1]))
        ] + [
            {"file": "function_names.csv", "code": code, "name": label, "cell": mapped.names[code][1]}
            for code, (label, _) in sorted(mapped.names.items())
        ] + [
            {"file": "economic_names.csv", "code": code, "name": label, "cell": mapped.economic_names[code][1]}
            for code, (label, _) in sorted(mapped.economic_names.items())
        ] + _department_record(department_added, unit, name, listed.get(department), folder, department),
    }
    if checked:
        record["checked"] = checked
    if mapped.defects:
        record["published_defects"] = [e.message for e in mapped.defects]
    if mapped.not_stored:
        record["not_stored"] = {f"公开{tid}表": n for tid, n in mapped.not_stored.items()}
    if wb.unplaced:
        record["unplaced"] = [f"{where} {value}" for where, value in wb.unplaced]
    header = (f"# juesuan import：{department} {year}年写入的每一行数字来自工作簿 {workbook.name} 的哪个单元格"
              "（见 data/README.md 的 provenance 一节）。\n")
    files[folder / "provenance" / f"{department}.yaml"] = header + yaml.safe_dump(
        record, allow_unicode=True, sort_keys=False, width=100000, default_flow_style=False)

    return Plan(
        department=department, year=year, folder=folder, workbook=workbook, sha256=digest, files=files,
        added=[Change("amounts.csv", r[1], r[2], None, r[3], add[(r[1], r[2])].cell) for r in new_rows
               if (r[1], r[2]) not in replaced_keys],
        replaced=[c for c in conflicts] if replace else [],
        removed=[Change("amounts.csv", item, code, _amount_text(held[(item, code)][0]), None, None)
                 for item, code in sorted(drop - set(add))],
        kept=sum(1 for k in held if k not in drop),
        names_added=names_added, economic_names_added=economic_added, department_added=department_added,
        not_stored=mapped.not_stored, not_stored_nonzero=mapped.not_stored_nonzero,
        unplaced=list(wb.unplaced), notes=notes, checked=checked, defects=mapped.defects)


def _department_record(added: tuple[str, str] | None, unit: tuple[str, str] | None, name: str | None,
                       listed: list[str] | None, folder: Path, department: str) -> list[dict]:
    """provenance's departments.csv row: where the name added comes from; for a department already listed,
    what the previous import recorded of that same name (or the workbook's 编制单位 where it is that name),
    so that importing the same workbook again rewrites the same record."""
    if added:
        return [{"file": "departments.csv", "name": added[0], "cell": unit[1] if unit and not name else "--name"}]
    try:
        previous = yaml.safe_load((folder / "provenance" / f"{department}.yaml").read_text(encoding="utf-8"))
        kept = [r for r in previous["rows"] if r.get("file") == "departments.csv" and r.get("name") == listed[1]]
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        kept = []
    if kept:
        return kept[:1]
    if unit and unit[0] == listed[1]:
        return [{"file": "departments.csv", "name": listed[1], "cell": unit[1]}]
    return []


def _department(department: str, year: int, folder: Path, amounts: dict, names: dict, economic: dict) -> Figures:
    label = lambda n: n[0] if isinstance(n, tuple) else n  # noqa: E731
    source = DepartmentFigures(department, year, department, department, amounts=dict(amounts),
                               function_names={c: label(n) for c, n in names.items()},
                               economic_names={c: label(n) for c, n in economic.items()})
    source.sources["amounts"] = folder / FILES["amounts"][0]
    return Figures(source)


def import_workbook(workbook: str | Path, department: str, year: int, data_dir: str | Path, **options) -> Plan:
    """Plan and write: the department's rows of data/<year>/ from the workbook, or DataErrors and nothing written."""
    plan = plan_import(workbook, department, year, data_dir, **options)
    plan.write()
    return plan
