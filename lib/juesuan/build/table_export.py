"""A department's nine public tables (公开01–09表) as an .xlsx, laid out as a finance office files them.

The content of each table is defined once, in `tables.py` (`public_tables`): this module only lays
those frames out with openpyxl, one sheet per table (named 公开01表 … 公开09表):

* the title, bold and merged across the table, with 公开0N表 at its right; under it
  编制单位：<部门全称>, the year and 单位：万元;
* the header: a column named 收入… / 支出… in a two-sided table (01, 04) is printed under a merged
  收入 / 支出 cell; the others are one row;
* codes as text (201 stays "201", never a number); a 款 or 项, or a sub-item of 07, indented with
  the cell's own indent (`Alignment(indent=…)`) rather than the leading U+3000 of the frame, so that
  the cell holds the name exactly as the 科目 list spells it (searchable, sortable, matchable by a
  formula or a reader) while Excel still shows the level;
* amounts as numbers written exactly (the Decimal's own digits go into the file), `#,##0.00`;
  rates `0.00`; blank cells blank;
* frozen panes under the header, columns as wide as their text, A4 landscape fitted to the page
  width, the header rows repeated on every printed page;
* for a table without data, its 本表无数据 note under it.

The same figures give the same bytes: the workbook's created/modified times are a constant, and
the zip entries carry a fixed date.
"""
from __future__ import annotations

import datetime
import io
import re
import unicodedata
import zipfile
from copy import copy
from decimal import Decimal
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.writer.excel import ExcelWriter

from juesuan.build.export import check_department_id
from juesuan.files import write_atomic
from juesuan.data.figures import Figures
from juesuan.report.tables import PublicTable, public_tables

__all__ = ["AMOUNT_FORMAT", "RATE_FORMAT", "FIXED_TIME", "workbook_bytes", "write_tables", "table_path"]

AMOUNT_FORMAT = "#,##0.00"
RATE_FORMAT = "0.00"
#: What the workbook says of when it was made: a constant, so that the same data gives the same file.
FIXED_TIME = datetime.datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

SIDES = ("收入", "支出")
INDENT = "\u3000"

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TITLE_FONT = Font(bold=True, size=16)
_HEADER_FONT = Font(bold=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def table_path(out_dir: Path, year: int, department_id: str) -> Path:
    """Where a department's tables go: <out>/<year>/<id>.xlsx, beside its report."""
    return Path(out_dir) / str(year) / f"{check_department_id(department_id)}.xlsx"


#: Headers as the national tables print them, where the frame's own word differs: the reader of
#: workbooks (`workbook.py`) finds a column by these words. 08/09's 本年支出 is the 合计 of 基本 + 项目.
HEADER_WORDS = {"本年支出": "本年支出合计"}


def _layout(table: PublicTable) -> tuple[list[str], list[str | None], list[str]]:
    """The frame's columns to print, with (group row, lower row) of their header.

    01 and 04 print 收入 and 支出 side by side: 收入 over 项目 and 决算数, 支出 over its own; their
    支出 side names each class without a code column, as the national 总表 do (the codes are in 05).
    02, 03 and 06 name their rows under 项目, split into 科目编码 and 科目名称 as the national tables
    do (the frames' rows, 合计 or 人员经费/公用经费, have no code: that column stays blank).
    """
    if table.number == "公开07表":
        wide = across(table.frame)
        return list(wide.columns), [g for g, _ in wide.columns], [leaf for _, leaf in wide.columns]
    columns = [str(c) for c in table.frame.columns]
    if all(c.startswith(SIDES) for c in columns) and {c[:2] for c in columns} == set(SIDES):
        columns = [c for c in columns if not _is_code(c)]
        return columns, [c[:2] for c in columns], [c[2:] for c in columns]
    if columns[:2] == ["科目编码", "科目名称"] and table.number in ("公开02表", "公开03表", "公开06表"):
        return columns, ["项目", "项目"] + [None] * (len(columns) - 2), [HEADER_WORDS.get(c, c) for c in columns]
    if columns[0] == "项目" and table.number in ("公开02表", "公开03表", "公开06表"):
        groups = ["项目", "项目"] + [None] * (len(columns) - 1)
        return [CODE_COLUMN, *columns], groups, ["科目编码", "科目名称", *columns[1:]]
    return columns, [None] * len(columns), [HEADER_WORDS.get(c, c) for c in columns]


#: An empty code column printed before a table's 项目 (02, 03, 06): their rows carry no code.
CODE_COLUMN = "科目编码"


def across(frame: pd.DataFrame) -> pd.DataFrame:
    """07 as the national table prints it: one row, each item's 预算数 / 决算数 / 完成预算 side by side.

    The frame's rows (合计, 1.因公出国（境）费, 2.公务用车购置及运行维护费 with its indented parts, …)
    become columns named (item, leaf): an item with parts gets 小计预算数, 小计决算数 …, a part its own
    name with 决算数. Every figure of the frame is there once, in the frame's order, blanks left out.
    """
    names = [str(n) for n in frame.iloc[:, 0]]
    columns: list[tuple[str, str]] = []
    values: list[object] = []
    group, subtotalled = "", False
    for i, name in enumerate(names):
        level, text = _split_indent(name)
        has_parts = i + 1 < len(names) and names[i + 1].startswith(INDENT)
        if level == 0:
            group, subtotalled = text, _ORDINAL_ITEM.sub("", text) in SUBTOTALLED
        for column in frame.columns[1:]:
            value = frame.iloc[i][column]
            if value is None:
                continue
            if level and subtotalled:
                leaf = _ORDINAL.sub("", text) + str(column)
            elif level:  # 国内接待费, 外事接待费: beside their item, under their own name
                columns.append((_ORDINAL.sub("", text), str(column)))
                values.append(value)
                continue
            else:
                leaf = ("小计" if has_parts and subtotalled else "") + str(column)
            columns.append((group, leaf))
            values.append(value)
    return pd.DataFrame([values], columns=pd.MultiIndex.from_tuples(columns))


_ORDINAL = re.compile(r"^（\d+）")
_ORDINAL_ITEM = re.compile(r"^\d+[.、]")
#: The item whose own figures the national 07 prints as 小计 over its parts (购置费, 运行维护费);
#: 公务接待费 keeps its own 预算数/决算数, its parts (国内, 外事) beside them.
SUBTOTALLED = {"公务用车购置及运行维护费"}


def _is_rate(column: str) -> bool:
    return "完成预算" in column  # 完成预算（%）, and 07's 小计完成预算（%）


def _is_code(column: str) -> bool:
    return column.endswith("编码")


def _text_width(text: str) -> int:
    """Columns of a fixed-width font a text takes: a Chinese character two, others one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _amount_text(value: Decimal) -> str:
    return f"{value:,.2f}"


def _split_indent(text: str) -> tuple[int, str]:
    """'　　行政运行' → (2, '行政运行')."""
    stripped = text.lstrip(INDENT)
    return len(text) - len(stripped), stripped


class _CellLooks:
    """Each look a cell of a table can have, styled on its first cell and copied by id to the rest.

    Setting a cell's border or alignment makes openpyxl look the style object up in the workbook's
    list of styles, hashing it whole (every side, every colour) for every cell; a cell's style is
    only its ids into those lists (``_style``, which openpyxl's own worksheet copy copies the same
    way). The ids belong to one workbook: one of these per workbook.
    """

    def __init__(self) -> None:
        self._ids = {}

    def apply(self, cell, look: tuple, style) -> None:
        ids = self._ids.get(look)
        if ids is None:
            style(cell)
            self._ids[look] = copy(cell._style)
        else:
            cell._style = copy(ids)


def _boxed(cell) -> None:
    cell.border = _BOX


def _header_style(cell) -> None:
    cell.font, cell.alignment, cell.border = _HEADER_FONT, _CENTER, _BOX


def _amount_style(number_format: str):
    def style(cell) -> None:
        cell.border, cell.number_format, cell.alignment = _BOX, number_format, Alignment(horizontal="right")
    return style


def _code_style(cell) -> None:
    cell.border, cell.number_format, cell.alignment = _BOX, "@", Alignment(horizontal="left")


def _name_style(level: int):
    def style(cell) -> None:
        cell.border, cell.alignment = _BOX, Alignment(horizontal="left", indent=level * 2 if level else 0)
    return style


def _sheet(book: Workbook, table: PublicTable, department: str, year: int, styles: _CellLooks) -> None:
    ws = book.create_sheet(table.number)
    frame = table.frame
    columns, groups, names = _layout(table)
    width = len(columns)
    last = get_column_letter(width)
    widths = [0] * width

    # Title: merged across all but the last column, which holds 公开0N表 on the right.
    ws.cell(1, 1, table.title).font = _TITLE_FONT
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    if width > 2:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width - 1)
    number = ws.cell(1, width, table.number)
    number.alignment = Alignment(horizontal="right", vertical="center")
    ws.row_dimensions[1].height = 30

    ws.cell(2, 1, f"编制单位：{department}")
    ws.cell(2, width, "单位：万元").alignment = Alignment(horizontal="right")
    if width >= 3:
        ws.cell(2, (width + 1) // 2, f"{year}年度").alignment = Alignment(horizontal="center")

    # Header: one row, or two where 收入 / 支出 each span their columns.
    top = 3
    header_last = top + 1 if any(groups) else top
    start = 0
    while start < width:
        end = start
        group = groups[start]
        if group is not None:
            while end + 1 < width and groups[end + 1] == group:
                end += 1
            cell = ws.cell(top, start + 1, group)
            if end > start:  # 收入 / 支出 / 项目 over the columns they hold
                ws.merge_cells(start_row=top, start_column=start + 1, end_row=top, end_column=end + 1)
            for c in range(start, end + 1):
                styles.apply(ws.cell(header_last, c + 1, names[c]), ("header",), _header_style)
        else:
            cell = ws.cell(top, start + 1, names[start])
            if header_last > top:  # a header of one column stands over both rows
                ws.merge_cells(start_row=top, start_column=start + 1, end_row=header_last, end_column=start + 1)
                styles.apply(ws.cell(header_last, start + 1), ("blank",), _boxed)
        styles.apply(cell, ("header",), _header_style)
        for c in range(start, end + 1):
            widths[c] = max(widths[c], min(_text_width(names[c]), 24))
        for c in range(start + 1, end + 1):
            styles.apply(ws.cell(top, c + 1), ("blank",), _boxed)
        start = end + 1

    # Rows.
    r = header_last
    if table.number == "公开07表":
        rows = across(frame)
    else:  # the columns printed, a code column added where there is none
        rows = frame.reindex(columns=columns)
    for values in rows.itertuples(index=False):
        r += 1
        for c, (column, value) in enumerate(zip(columns, values)):
            column = column[1] if isinstance(column, tuple) else column
            cell = ws.cell(r, c + 1)
            if value is None or (isinstance(value, str) and value == "") or (
                    isinstance(value, float) and value != value):
                styles.apply(cell, ("blank",), _boxed)
                continue
            if isinstance(value, Decimal):
                # The Decimal itself: openpyxl writes its digits (str), so the file holds 1520.71 exactly.
                cell.value = value
                number_format = RATE_FORMAT if _is_rate(column) else AMOUNT_FORMAT
                styles.apply(cell, ("amount", number_format), _amount_style(number_format))
                widths[c] = max(widths[c], len(_amount_text(value)))
            elif _is_code(column):
                cell.value = str(value)
                cell.data_type = "s"
                styles.apply(cell, ("code",), _code_style)
                widths[c] = max(widths[c], len(str(value)))
            else:
                level, text = _split_indent(str(value))
                cell.value = text
                styles.apply(cell, ("name", level), _name_style(level))
                widths[c] = max(widths[c], _text_width(text) + 2 * level * 2)
    body_last = r

    if table.note:
        r += 1
        # 注：… ends the table for a reader, as the national tables' notes under them do.
        ws.cell(r, 1, f"注：{table.note}")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        ws.cell(r, 1).alignment = Alignment(horizontal="left", wrap_text=False)

    for c, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(c + 1)].width = max(w, 8) + 3

    ws.freeze_panes = f"A{header_last + 1}"
    ws.print_title_rows = f"{top}:{header_last}"
    ws.print_area = f"A1:{last}{r}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    del body_last


def build_workbook(figures: Figures) -> Workbook:
    """The department's nine tables as an openpyxl Workbook (one sheet per table)."""
    book = Workbook()
    book.remove(book.active)
    name = figures.name
    styles = _CellLooks()
    for table in public_tables(figures):
        _sheet(book, table, name, figures.year, styles)
    book.properties.creator = "juesuan"
    book.properties.lastModifiedBy = None
    book.properties.title = f"{name}{figures.year}年度部门决算公开表"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    return book


def workbook_bytes(figures: Figures) -> bytes:
    """The .xlsx file's bytes: the same figures give the same bytes."""
    return stable_xlsx_bytes(build_workbook(figures))


def stable_xlsx_bytes(book: Workbook) -> bytes:
    """A workbook's .xlsx bytes with no time of writing in them (its properties' dates are the caller's)."""
    raw = io.BytesIO()
    with _FixedTimeArchive(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()  # unlike save_workbook, keeps properties.modified as set
    return raw.getvalue()


class _FixedTimeArchive(zipfile.ZipFile):
    """A zip whose every entry carries one fixed date and mode, whatever time or file it is written from.

    openpyxl writes most parts with ``writestr`` (stamped with the current time) and each worksheet with
    ``write`` from a temporary file (stamped with that file's mtime and mode): both come here, so the
    archive is written once, in openpyxl's order, rather than written and then copied with new dates.
    """

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        entry = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o600 << 16
        super().writestr(entry, data)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes())


def write_tables(figures: Figures, out_dir: Path) -> Path:
    """Write <out>/<year>/<id>.xlsx atomically (a temporary file renamed over it) and return its path."""
    path = table_path(out_dir, figures.year, figures.department_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, workbook_bytes(figures))
