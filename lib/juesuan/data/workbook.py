"""Read a department's workbook of the nine standard tables (.xlsx or .xls), every figure with its cell.

`read_workbook(path)` finds each table by its title and header words
(`standard_tables`), anywhere on any visible sheet, several per sheet allowed;
works out its header block (merged cells filled from their top-left value);
names its columns by header words, never by position; reads its rows (codes in
one column or split into 类/款/项 columns, amounts as numbers or as text with
thousands separators, blank = 0) as exact Decimals, each with its address
(`Sheet!B7`); then checks the tables' own tie-outs, and then the figures two
tables both print (`_check_between`: each disagreement one line naming both
cells, `公开04表!E5 与 公开05表!C7`; a row already wrong in its own table is not
blamed again). Any problem — the file,
a table, a cell — is one located DataError in Chinese; they are all raised
together as DataErrors and nothing is returned, so an import that fails
writes nothing.

An .xlsx is read through pandas (openpyxl engine), then opened once more by
openpyxl for what pandas does not give: merged ranges, hidden sheets and
formulas without a value. An .xls is read by xlrd alone, in one opening
(`formatting_info=True` for merged ranges; sheet visibility), its cells turned
into what pandas' xlrd engine gives (integral numbers as int, dates as
datetime) but for one thing: an error value (#DIV/0!, #REF!) is kept as its
text, to be refused as an amount, where pandas turns it into a blank that
would read as 0. (pandas 3 also deprecates its xlrd engine.)
"""
from __future__ import annotations

import io
import math
import re
import struct
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import openpyxl
import pandas as pd
import xlrd
from openpyxl.utils import get_column_letter

from juesuan.data.catalogue import PERSONNEL_CLASSES, PUBLIC_CLASSES
from juesuan.errors import DataError, DataErrors
from juesuan.data.money import CENT, MAX_AMOUNT, MAX_AMOUNT_TEXT, ZERO, completion
from juesuan.data.standard_tables import (ECONOMIC, FUNCTION, LINES, META, NOTE, SINGLE, TABLES, TOTAL_LABELS, Column,
                              Side, Table, label_of, normalise)

#: Refused before opening: a table of nine final-accounts tables is well under 1 MB; past 20 MB the
#: file holds something else (pictures, an export of the whole ledger), and parsing it would take
#: minutes and gigabytes (openpyxl keeps every cell in memory, twice).
MAX_WORKBOOK_BYTES = 20 * 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An .xlsx saved with a password is an OLE2 container holding the encrypted zip in a stream of this
# name (MS-OFFCRYPTO); its directory entry is stored as UTF-16LE.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

# Amounts typed as text: 1234.5, 1,234.50, with spaces around; nothing else (no units, no full-width digits).
AMOUNT_TEXT = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", re.ASCII)  # not １２３: \d alone takes full-width digits
# Typed for "nothing" in published tables; read as 0 like a blank cell.
NIL_TEXT = {"-", "—", "－", "--", "——"}
# Excel's error values, as an .xls stores them (xlrd.error_text_from_code) and as an .xlsx shows them.
ERROR_TEXT = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}
# Float noise from Excel's own sums (1.1+2.2 is cached as 3.3000000000000003) is far below this;
# a figure further than this from whole fen (12.345) is refused, not rounded.
FLOAT_NOISE = Decimal("0.000001")

FUNCTION_CODE = re.compile(r"\d{3}|\d{5}|\d{7}", re.ASCII)
ECONOMIC_CODE = re.compile(r"\d{3}|\d{5}", re.ASCII)
CODE_AND_NAME = re.compile(r"(\d{3,7})\s*(\S.*)?")
LEVEL = {3: "类", 5: "款", 7: "项"}


@dataclass(frozen=True)
class Figure:
    """One amount in 万元 and the cell it was read from (`Sheet!D12`; blank cells read as 0 keep their address)."""

    value: Decimal
    cell: str
    #: Nothing printed in the cell (read as 0): a column left blank on every row beneath a total was not
    #: given at that detail, rather than given as 0.
    blank: bool = False


@dataclass
class Row:
    """One row of a table.

    `key`: the class code (`2070101`, `30101`) of a FUNCTION/ECONOMIC row, the line key of a fixed line
    (`income.general_budget`, `function.207` on 01's 支出 side, `personnel_total` in 06), `合计` for a
    total row, `` for the one row of 07. `side`: 收入/支出 for the two halves of 01 and 04, else ``.
    """

    key: str
    name: str
    side: str
    cell: str
    values: dict[str, Figure] = field(default_factory=dict)
    #: which of the side-by-side blocks it was read from (06 prints two or three), counting from 0
    block: int = 0

    @property
    def is_total(self) -> bool:
        return self.key == "合计"


@dataclass
class FoundTable:
    spec: Table
    sheet: str
    title_cell: str
    #: column key -> column letter, per side ('' for one-sided tables)
    columns: dict[str, dict[str, str]]
    rows: list[Row] = field(default_factory=list)

    def row(self, key: str, side: str = "") -> Row | None:
        for row in self.rows:
            if row.key == key and row.side == side:
                return row
        return None

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.title_cell}"


@dataclass
class Workbook:
    path: Path
    tables: dict[str, FoundTable]
    #: cells holding a number that no table column took: (address, value as written)
    unplaced: list[tuple[str, str]]
    #: what was not read and why (hidden sheets, titles without a table)
    notes: list[str]
    #: sums the tables print that do not hold, read as published (`read_workbook(…, as_published=True)`)
    defects: list[DataError] = field(default_factory=list)

    def figures(self):
        """Every figure: (table id, side, row key, row name, column key, Decimal, cell)."""
        for table_id, table in sorted(self.tables.items()):
            for row in table.rows:
                for key, fig in row.values.items():
                    yield table_id, row.side, row.key, row.name, key, fig.value, fig.cell


class _Problems:
    """Collects the located problems of one workbook."""

    def __init__(self, path: Path, department: str | None):
        self.file = path.name
        self.department = department
        self.errors: list[DataError] = []

    def add(self, field_: str, expected: str, got: object = None, *, rounding: tuple[Decimal, int] | None = None) -> None:
        """`rounding`: for a sum that does not hold, (largest difference, number of printed parts), so that a
        reader of published tables can tell a 尾差 (`money.rounding_residue`) from a wrong sum."""
        error = DataError(self.file, self.department, field_, expected, got)
        error.rounding = rounding
        self.errors.append(error)

    def fail(self, field_: str, expected: str, got: object = None) -> DataErrors:
        self.add(field_, expected, got)
        return DataErrors(self.errors)


# ---------------------------------------------------------------- opening


def _engine(path: Path, problems: _Problems) -> str:
    """Which of pandas' engines reads this file, from its first bytes (not its name), or one line why none."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise problems.fail("工作簿", "可读的 .xlsx 或 .xls 文件", exc.strerror or "无法读取") from None
    if not path.is_file():
        raise problems.fail("工作簿", "可读的 .xlsx 或 .xls 文件", "不是文件") from None
    if size > MAX_WORKBOOK_BYTES:
        raise problems.fail("工作簿", f"不超过 {MAX_WORKBOOK_BYTES // (1024 * 1024)} MB 的工作簿（九张决算表远小于此；"
                                   "请删去图片和无关工作表后另存）", f"{size / (1024 * 1024):.1f} MB")
    if path.suffix.lower() not in (".xlsx", ".xls", ".xlsm"):
        raise problems.fail("工作簿", "扩展名为 .xlsx 或 .xls 的 Excel 工作簿", path.suffix or "无扩展名")
    with path.open("rb") as handle:
        head = handle.read(8)
        if head.startswith(OLE2_MAGIC):
            handle.seek(0)
            if ENCRYPTED_PACKAGE in handle.read():
                raise problems.fail("工作簿", "未加密的工作簿（请在 Excel 中取消“用密码进行加密”后另存）",
                                    "已加密")
            return "xlrd"
    if head.startswith(ZIP_MAGIC):
        return "openpyxl"
    if size == 0:
        raise problems.fail("工作簿", "Excel 工作簿", "空文件")
    sample = head
    kind = "文本文件（如 CSV 改了扩展名）" if all(b >= 9 for b in sample) else "无法识别的文件内容"
    raise problems.fail("工作簿", "Excel 工作簿（.xlsx 或 .xls；CSV 请在 Excel 中打开后另存为 .xlsx）", kind)


@dataclass
class _Sheet:
    name: str
    grid: list[list[object]]
    hidden: bool
    #: (row, col) of a cell inside a merged range (not its top-left) -> (row, col) of the top-left
    merged: dict[tuple[int, int], tuple[int, int]]
    #: (row, col) -> formula, for formulas whose value was never computed and saved
    uncached: dict[tuple[int, int], str]


def _open(path: Path, engine: str, problems: _Problems) -> list[_Sheet]:
    """Every sheet's cells (through pandas) with its metadata (through the same engine)."""
    broken = f"完好的 {'.xlsx' if engine == 'openpyxl' else '.xls'} 工作簿（文件已损坏或不完整，请重新导出）"
    if engine == "xlrd":
        return _open_xls(path, problems, broken)
    try:
        frames = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine=engine)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, TypeError, AttributeError,
            IndexError, AssertionError) as exc:
        # openpyxl raises whatever its parser meets in a damaged file; any of them is this one line.
        raise problems.fail("工作簿", broken, type(exc).__name__) from None

    sheets: list[_Sheet] = []
    try:
        if engine == "openpyxl":
            # Not read-only: merged ranges and sheet states are only there in the full model.
            book = openpyxl.load_workbook(path, data_only=False)
            for ws in book.worksheets:
                merged = {}
                for rng in ws.merged_cells.ranges:
                    for r in range(rng.min_row - 1, rng.max_row):
                        for c in range(rng.min_col - 1, rng.max_col):
                            if (r, c) != (rng.min_row - 1, rng.min_col - 1):
                                merged[(r, c)] = (rng.min_row - 1, rng.min_col - 1)
                formulas = {(cell.row - 1, cell.column - 1): str(cell.value)
                            for row in ws.iter_rows() for cell in row if cell.data_type == "f"}
                sheets.append(_Sheet(ws.title, [], ws.sheet_state != "visible", merged, formulas))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, TypeError, AttributeError,
            IndexError, AssertionError) as exc:
        raise problems.fail("工作簿", broken, type(exc).__name__) from None

    for sheet in sheets:
        frame = frames.get(sheet.name)
        grid = [] if frame is None else [[None if _blank(v) else v for v in row] for row in frame.itertuples(index=False)]
        sheet.grid = grid
        # A formula whose value was never computed (written by a program, never opened in Excel) reads as
        # blank: taken as 0 it would be a silent wrong figure. Keep only those without a value.
        sheet.uncached = {rc: f for rc, f in sheet.uncached.items() if _cell(grid, *rc) is None}
    return sheets


def _open_xls(path: Path, problems: _Problems, broken: str) -> list[_Sheet]:
    """Every sheet of an .xls: its cells, merged ranges and visibility, from one opening by xlrd."""
    try:
        # xlrd writes its warnings (a file size not a whole number of sectors…) to a log: not to our stdout.
        book = xlrd.open_workbook(str(path), formatting_info=True, logfile=io.StringIO())
        sheets = []
        for ws in book.sheets():
            merged = {}
            for rlo, rhi, clo, chi in ws.merged_cells:
                for r in range(rlo, rhi):
                    for c in range(clo, chi):
                        if (r, c) != (rlo, clo):
                            merged[(r, c)] = (rlo, clo)
            grid = [[_xls_value(book, ws.cell_type(r, c), ws.cell_value(r, c)) for c in range(ws.ncols)]
                    for r in range(ws.nrows)]
            # An .xls always stores a formula's last value: nothing can be uncached.
            sheets.append(_Sheet(ws.name, grid, ws.visibility != 0, merged, {}))
    except xlrd.biffh.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise problems.fail("工作簿", "未加密的工作簿（请在 Excel 中取消密码后另存）", "已加密") from None
        raise problems.fail("工作簿", broken, str(exc)) from None
    except (KeyError, OSError, ValueError, EOFError, TypeError, AttributeError, IndexError, AssertionError,
            struct.error) as exc:
        # xlrd raises whatever its parser meets in a damaged file; any of them is this one line.
        raise problems.fail("工作簿", broken, type(exc).__name__) from None
    return sheets


def _xls_value(book, kind: int, value):
    """One .xls cell as pandas' xlrd engine gives it, but an error value kept as its text (#DIV/0!)."""
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, f"#错误{value}")
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_NUMBER:
        return int(value) if math.isfinite(value) and value == int(value) else value
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(value, book.datemode)
        except (OverflowError, ValueError):
            return value
    return None if _blank(value) else value


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and not value.strip()


def _cell(grid, r: int, c: int):
    if 0 <= r < len(grid) and 0 <= c < len(grid[r]):
        return grid[r][c]
    return None


def address(sheet: str, r: int, c: int) -> str:
    """A1 notation, with the sheet: 公开03表!D12."""
    return f"{sheet}!{get_column_letter(c + 1)}{r + 1}"


# ---------------------------------------------------------------- amounts


class _BadAmount(ValueError):
    pass


def amount(value) -> Decimal:
    """A cell's amount in 万元 as an exact Decimal of whole fen; blank and dashes are 0.

    Numbers from Excel arrive as float: their shortest repr is taken (0.1 stays 0.1), rounded half up to
    the fen only when what is left is float noise; text may carry thousands separators.
    """
    if _blank(value):
        return ZERO.quantize(CENT)
    if isinstance(value, bool):
        raise _BadAmount("数字")
    if isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        exact = Decimal(repr(value))
        result = exact.quantize(CENT, rounding=ROUND_HALF_UP)
        if abs(exact - result) > FLOAT_NOISE:
            raise _BadAmount("最多两位小数的金额（万元，精确到分）")
    elif isinstance(value, str):
        text = value.strip()
        if text in NIL_TEXT:
            return ZERO.quantize(CENT)
        if text in ERROR_TEXT:
            raise _BadAmount("金额（这是 Excel 公式的错误值：请改正公式，或填入金额后另存）")
        if not AMOUNT_TEXT.fullmatch(text):
            raise _BadAmount("金额（数字，如 1234.50 或 1,234.50；空白为 0）")
        try:
            result = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise _BadAmount("金额") from None
        if result != result.quantize(CENT, rounding=ROUND_HALF_UP):
            raise _BadAmount("最多两位小数的金额（万元，精确到分）")
    else:
        raise _BadAmount("金额（数字；日期、公式错误值等不是金额）")
    if result < 0:
        raise _BadAmount("不小于 0 的金额")
    if result > MAX_AMOUNT:
        raise _BadAmount(f"不超过 {MAX_AMOUNT_TEXT} 万元的金额")
    return result.quantize(CENT)


def _looks_numeric(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return not _blank(value)
    return isinstance(value, str) and bool(AMOUNT_TEXT.fullmatch(value.strip()))


def _code_text(value) -> str | None:
    """A class code as text, whether typed as text ('2070101') or stored as a number (2070101.0)."""
    if isinstance(value, bool) or _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise(value)


# ---------------------------------------------------------------- finding tables


def _title_at(text: str) -> Table | None:
    """The table whose title this cell is (the longest title contained wins: 财政拨款收入支出决算总表
    holds 收入支出决算总表), or None for a cell that only mentions one (a note, a table of contents line)."""
    norm = label_of(text)
    for table in TABLES:
        for number in table.numbers:
            norm = norm.replace(number, "")
    best, length = None, 0
    for table in TABLES:
        for title in table.titles:
            t = normalise(title)
            if t in norm and len(t) > length:
                best, length = table, len(t)
    if best is None or NOTE.match(norm) or len(norm) > length + 30:
        return None
    return best


@dataclass
class _Region:
    spec: Table
    sheet: _Sheet
    title: tuple[int, int]
    end: int  # first row not belonging to it


def _header_words(table: Table) -> set[str]:
    words = set()
    for side in table.sides:
        words.update(normalise(w) for w in side.label_words)
        for column in side.columns:
            for alternative in column.words:
                words.update(normalise(w) for w in alternative)
    return words


def _row_has_data_mark(table: Table, row: list, first_col: int) -> bool:
    """A row that is data, not header: it holds a number, or (tables with labels) begins with a code,
    a 合计 or a line label."""
    cells = [v for v in row if not _blank(v)]
    if any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in cells):
        return True
    # Amounts typed as text: with a separator or decimals, so that a code typed as text is not one.
    if any(isinstance(v, str) and _looks_numeric(v) and ("," in v or "." in v) for v in cells):
        return True
    if table.rows == SINGLE:
        return False
    lead = _cell([row], 0, first_col)
    if _blank(lead):
        return False
    text = label_of(lead)
    if text in TOTAL_LABELS or re.fullmatch(r"\d{3,7}.*", text):
        return True
    if table.rows == LINES:
        return any(text in map(normalise, line.labels) for side in table.sides for line in side.lines)
    return False


# ---------------------------------------------------------------- reading one table


@dataclass
class _SideLayout:
    spec: Side
    label: int | None = None         # label column (LINES) or name column (codes)
    code: int | None = None          # code column
    split: dict[str, int] = field(default_factory=dict)  # 类/款/项 columns
    columns: dict[str, int] = field(default_factory=dict)


def _read_table(region: _Region, problems: _Problems, consumed: set, unplaced: list) -> FoundTable | None:
    spec, sheet, grid = region.spec, region.sheet, region.sheet.grid
    t_row, t_col = region.title
    label = f"公开{spec.id}表"
    words = _header_words(spec)

    # Header start: the first row under the title (past 编制单位, 单位：万元 …) holding a header word.
    start = None
    for r in range(t_row + 1, min(region.end, t_row + 8)):
        cells = [normalise(v) for v in grid[r] if not _blank(v)] if r < len(grid) else []
        if any(any(w and w in c for w in words) for c in cells) and not all(META.match(c) for c in cells):
            start = r
            break
    if start is None:
        return None  # a title without a table under it (a table of contents, a cover): noted by the caller
    width = max((len(grid[r]) for r in range(start, min(region.end, len(grid)))), default=0)
    first_col = min((c for c in range(width) if not _blank(_cell(grid, start, c))), default=0)
    stop = start + 1
    while stop < min(region.end, start + 4, len(grid)) and not _row_has_data_mark(spec, grid[stop], first_col):
        stop += 1
    header_rows = range(start, stop)

    # Each header cell's text, a merged range giving its value to every cell it covers.
    def header_cell(r, c):
        v = _cell(grid, r, c)
        if _blank(v) and (r, c) in sheet.merged:
            v = _cell(grid, *sheet.merged[(r, c)])
        return None if _blank(v) else normalise(v)

    header = [[header_cell(r, c) for c in range(width)] for r in header_rows]
    if not any(sheet.merged.get((r, c)) for r in header_rows for c in range(width)):
        # No merges saved (a program's export): "a value then blanks" across a group, as over 预算数 决算数.
        # A group ends where a row above starts a new cell (公务接待费 after 公务用车…).
        original = [list(row) for row in header]
        for i, row in enumerate(header[:-1]):
            for c in range(1, width):
                if row[c] is None and row[c - 1] is not None and original[-1][c] is not None \
                        and all(original[k][c] is None for k in range(i)):
                    row[c] = row[c - 1]
    texts = []
    for c in range(width):
        parts = []
        for row in header:
            if row[c] and (not parts or parts[-1] != row[c]):
                parts.append(row[c])
        texts.append("".join(parts))
    for r in header_rows:
        for c in range(width):
            consumed.add((sheet.name, r, c))

    # Sides: each label (or code) column starts one.
    layouts: list[_SideLayout] = []
    side_specs = list(spec.sides)
    for c, text in enumerate(texts):
        if not text:
            continue
        current = layouts[-1] if layouts else None
        side_spec = current.spec if current else side_specs[0]
        # The lowest header cell says most about its column (决算数 under 人员经费 in 06, 科目编码 under
        # 项目): it decides first, the whole column's words only when it alone names nothing.
        last = next((row[c] for row in reversed(header) if row[c]), "")
        is_split = last in ("类", "款", "项") and spec.rows in (FUNCTION, ECONOMIC)
        is_code = ("编码" in last or "代码" in last) and spec.rows in (FUNCTION, ECONOMIC)
        is_name = "名称" in last or (spec.rows == LINES and last == "项目")
        figure_key = None if (is_split or is_code or is_name) else (
            _match_column(side_spec, last) or _match_column(side_spec, text))
        if is_split or is_code or (is_name and spec.rows == LINES):
            opens = (current is None or (is_split and last == "类") or (is_code and not is_split)
                     or (spec.rows == LINES) or current.columns)
            if is_split and current is not None and last != "类" and not current.columns:
                opens = False
            if opens:
                if current is not None and not spec.repeating and spec.rows != LINES:
                    problems.add(f"{address(sheet.name, start, c)}（{label} 表头）",
                                 "每张表只有一栏科目编码", texts[c])
                    return None
                index = len(layouts)
                if index >= len(side_specs) and not spec.repeating:
                    problems.add(f"{address(sheet.name, start, c)}（{label} 表头）",
                                 f"{len(side_specs)}组“项目”栏", f"第{index + 1}组")
                    return None
                layouts.append(_SideLayout(side_specs[min(index, len(side_specs) - 1)]))
                current = layouts[-1]
            if is_split:
                current.split[last] = c
            elif is_code:
                current.code = c
            else:
                current.label = c
        elif is_name and current is not None:
            current.label = c
        elif figure_key:
            if current is None:
                layouts.append(_SideLayout(side_specs[0]))
                current = layouts[-1]
            if figure_key in current.columns:
                other = get_column_letter(current.columns[figure_key] + 1)
                problems.add(f"{address(sheet.name, start, c)}（{label} 表头）",
                             f"栏目“{side_spec.name}{spec.column(figure_key).name}”只出现一次",
                             f"又见于 {other} 列")
                return None
            current.columns[figure_key] = c
    if not layouts or not any(layout.columns for layout in layouts):
        problems.add(f"{address(sheet.name, start, first_col)}（{label} 表头）",
                     f"{spec.label}的表头（金额栏如 {_example_columns(spec)}）", "找不到金额栏")
        return None
    if spec.rows != SINGLE:
        for layout in layouts:
            if layout.label is None and layout.code is None and not layout.split:
                problems.add(f"{address(sheet.name, start, first_col)}（{label} 表头）",
                             "“科目编码”“科目名称”或“项目”栏", "找不到")
                return None

    found = FoundTable(spec, sheet.name, f"{get_column_letter(t_col + 1)}{t_row + 1}",
                       {layout.spec.name: {k: get_column_letter(c + 1) for k, c in layout.columns.items()}
                        for layout in layouts})
    placed_cols = {c for layout in layouts for c in (*layout.columns.values(), *layout.split.values(),
                                                     *(x for x in (layout.label, layout.code) if x is not None))}

    # Rows: up to the next 注/说明 line, two blank rows, or the next table's title.
    blank_run = 0
    used_lines: dict[str, set[str]] = {}
    single_seen = False
    rows_with_codes, coded_rows_expected = 0, 0
    first_bad_code = None
    errors_before = len(problems.errors)
    for r in range(stop, region.end):
        row = grid[r] if r < len(grid) else []
        cells = [v for v in row if not _blank(v)]
        if not cells:
            blank_run += 1
            if blank_run >= 2:
                break
            continue
        blank_run = 0
        lead = next(normalise(v) for v in row if not _blank(v))
        if NOTE.match(lead):
            break
        for c, v in enumerate(row):
            if not _blank(v) and c not in placed_cols and _looks_numeric(v):
                unplaced.append((address(sheet.name, r, c), str(v)))
                consumed.add((sheet.name, r, c))
        for block, layout in enumerate(layouts):
            result = _read_row(found, layout, sheet, r, used_lines, problems)
            if result is None:
                continue
            if result == "bad-code":
                coded_rows_expected += 1
                if first_bad_code is None:
                    first_bad_code = (r, layout)
                continue
            if spec.rows == SINGLE:
                if single_seen:
                    problems.add(f"{address(sheet.name, r, first_col)}（{label}）", f"{spec.label}只有一行数字",
                                 "第二行")
                    continue
                single_seen = True
            if spec.rows in (FUNCTION, ECONOMIC) and result.key not in TOTAL_LABELS and result.key.isdigit():
                rows_with_codes += 1
            result.block = block
            found.rows.append(result)
            for c in (*layout.columns.values(), layout.code, layout.label, *layout.split.values()):
                if c is not None:
                    consumed.add((sheet.name, r, c))
    if first_bad_code is not None:
        r, layout = first_bad_code
        c = layout.code if layout.code is not None else min(layout.split.values(), default=layout.label or 0)
        if rows_with_codes == 0:
            # Not one code where the header says codes are: the header and the data are one column apart
            # (or the code column is missing). One line for the table, not one per row.
            head = layout.code if layout.code is not None else c
            del problems.errors[errors_before:]  # the rows' own complaints all follow from this one
            problems.add(f"{address(sheet.name, start, head)}（{label} 表头）",
                         f"科目编码栏下是科目编码（表头与数据是否错位一列？）",
                         _cell(grid, r, c))
        else:
            problems.add(f"{address(sheet.name, r, c)}（{label} 科目编码）",
                         "3、5 或 7 位科目编码" if spec.rows == FUNCTION else "3 或 5 位经济分类科目编码",
                         _cell(grid, r, c))
    return found


def _example_columns(spec: Table) -> str:
    return "、".join(c.name for c in spec.sides[0].columns[:3])


def _match_column(side: Side, text: str) -> str | None:
    """The key of the column whose words this header text holds most specifically (None: no column)."""
    best, score, tie = None, 0, False
    for column in side.columns:
        for alternative in column.words:
            if all(normalise(w) in text for w in alternative):
                s = sum(len(normalise(w)) for w in alternative)
                if s > score:
                    best, score, tie = column.key, s, False
                elif s == score and column.key != best:
                    tie = True
    return None if tie else best


def _read_row(found: FoundTable, layout: _SideLayout, sheet: _Sheet, r: int, used_lines: dict,
              problems: _Problems):
    """One side of one row: a Row, None (nothing there), or 'bad-code' (text where a code should be)."""
    spec = found.spec
    grid = sheet.grid
    label = f"公开{spec.id}表"
    raw = {key: _cell(grid, r, c) for key, c in layout.columns.items()}
    has_figures = any(not _blank(v) and normalise(v) not in NIL_TEXT for v in raw.values())

    def figures() -> dict[str, Figure] | None:
        values, ok = {}, True
        for key, c in layout.columns.items():
            where = address(sheet.name, r, c)
            try:
                values[key] = Figure(amount(raw[key]), where, _blank(raw[key]))
            except _BadAmount as exc:
                problems.add(f"{where}（{label} {_side_prefix(layout)}{spec.column(key).name}）", str(exc), raw[key])
                ok = False
        return values if ok else None

    name = _cell(grid, r, layout.label) if layout.label is not None else None
    name_text = None if _blank(name) else str(name).strip()
    where_label = address(sheet.name, r, layout.label if layout.label is not None else
                          (layout.code if layout.code is not None else min(layout.split.values(), default=0)))

    if spec.rows == SINGLE:
        if not has_figures:
            return None
        values = figures()
        return None if values is None else Row("", "", "", address(sheet.name, r, min(layout.columns.values())), values)

    if spec.rows == LINES:
        if name_text is None:
            if has_figures:
                problems.add(f"{where_label}（{label} {_side_prefix(layout)}项目）", "金额所在行的项目名称", "空白")
            return None
        text = label_of(name_text)
        used = used_lines.setdefault(layout.spec.name, set())
        line = next((ln for ln in layout.spec.lines if ln.key not in used and text in map(normalise, ln.labels)), None)
        if line is None:
            if has_figures:
                problems.add(f"{where_label}（{label} {_side_prefix(layout)}项目）",
                             f"{spec.label}的项目之一（如 {layout.spec.lines[0].labels[0]}）", name_text)
            return None
        used.add(line.key)
        values = figures()
        return None if values is None else Row(line.key, name_text, layout.spec.name, where_label, values)

    # FUNCTION / ECONOMIC: the code from one column or from 类/款/项 columns.
    code_cell = _cell(grid, r, layout.code) if layout.code is not None else None
    code = _code_text(code_cell)
    if layout.split:
        parts = {}
        for level, c in layout.split.items():
            part = _code_text(_cell(grid, r, c))
            if part is not None and part.isdigit():
                part = part.zfill(3 if level == "类" else 2)
            parts[level] = part
        if parts.get("类") and not (parts.get("类") or "").isdigit():
            code = parts["类"]  # 合计 or a name typed in the 类 column
        elif any(parts.values()):
            code = "".join(p for p in (parts.get("类"), parts.get("款"), parts.get("项")) if p)
        where_label = address(sheet.name, r, min(layout.split.values()))
    elif layout.code is not None:
        where_label = address(sheet.name, r, layout.code)
    if code is not None and name_text is None:
        # 2070101 行政运行 in one cell
        m = CODE_AND_NAME.fullmatch(str(code_cell).strip()) if code_cell is not None else None
        if m and m.group(2):
            code, name_text = m.group(1), m.group(2).strip()
    totals = {normalise(t) for t in TOTAL_LABELS}
    if (code in totals) or (code is None and name_text is not None and normalise(name_text) in totals):
        values = figures()
        return None if values is None else Row("合计", name_text or code, "", where_label, values)
    if code is None:
        if name_text is None:
            if has_figures:
                problems.add(f"{where_label}（{label} 科目编码）", "金额所在行的科目编码和名称", "空白")
            return None
        line = next((ln for ln in layout.spec.lines if normalise(name_text) in map(normalise, ln.labels)), None)
        if line is not None:
            values = figures()
            return None if values is None else Row(line.key, name_text, "", where_label, values)
        if has_figures:
            problems.add(f"{where_label}（{label} 科目编码）", "金额所在行的科目编码", f"空白（科目名称 {name_text}）")
        return None
    pattern = FUNCTION_CODE if spec.rows == FUNCTION else ECONOMIC_CODE
    if not pattern.fullmatch(code) and name_text is None:
        # A line such as 人员经费合计, written across the code and name cells (the code cell holding it).
        line = next((ln for ln in layout.spec.lines if normalise(code) in map(normalise, ln.labels)), None)
        if line is not None:
            values = figures()
            return None if values is None else Row(line.key, code, "", where_label, values)
    if not pattern.fullmatch(code):
        return "bad-code"
    if name_text is None:
        problems.add(f"{address(sheet.name, r, layout.label) if layout.label is not None else where_label}"
                     f"（{label} 科目名称）", f"科目 {code} 的名称", "空白")
        return None
    values = figures()
    return None if values is None else Row(code, name_text, "", where_label, values)


def _side_prefix(layout: _SideLayout) -> str:
    return f"{layout.spec.name}方 " if layout.spec.name else ""


# ---------------------------------------------------------------- tie-outs


def _check(found: FoundTable, problems: _Problems, suspect: set[int]) -> None:
    """The table's own tie-outs; a row already found wrong is not blamed again in a sum it belongs to.

    `suspect` collects the ids of the rows that failed a check, for the checks between tables too.
    """
    spec = found.spec
    label = f"公开{spec.id}表"

    # Row totals: each column with parts = Σ its parts present on the row (a missing parent passes its
    # parts up: 一般公共预算 … add into 合计 when 财政拨款收入 is not printed).
    for row in found.rows:
        for side in spec.sides:
            if side.name != row.side:
                continue
            present = {c.key: c for c in side.columns if c.key in row.values and not c.rate}
            groups: dict[str, list[str]] = {}
            for key, column in present.items():
                parent = column.part_of
                while parent is not None and parent not in present:
                    parent = _parent_of(side, parent)
                if parent is not None:
                    groups.setdefault(parent, []).append(key)
            for parent, parts in groups.items():
                if all(row.values[p].blank for p in parts):
                    continue  # the row gives its total only, not split into these columns
                if parent == "total" and row.key.isdigit() and row.values[parent].blank:
                    continue  # a class's total left blank: not every column is given by class (02's 财政拨款收入 alone)
                total = sum((row.values[p].value for p in parts), ZERO)
                if row.values[parent].value != total:
                    names = "+".join(side_column(side, p).name for p in parts)
                    what = " ".join(x for x in (label, row.name, side_column(side, parent).name) if x)
                    problems.add(f"{row.values[parent].cell}（{what}）",
                                 f"{names} = {total}", str(row.values[parent].value),
                                 rounding=(abs(row.values[parent].value - total),
                                           sum(1 for p in parts if not row.values[p].blank)))
                    suspect.add(id(row))

    _check_rates(found, problems)
    if spec.rows == ECONOMIC:  # first: a row split against its class is named, not the 类 it adds into
        _check_economic_split(found, problems, suspect)
    if spec.rows in (FUNCTION, ECONOMIC):
        _check_classes(found, problems, suspect)
    if spec.rows == LINES:
        _check_lines(found, problems, suspect)


def rate_of(key: str) -> tuple[str, str] | None:
    """The 决算数 and 预算数 columns a 完成预算（%） column is worked out from: 05's `completion` from `total` and
    `budget`, 07's `vehicle.completion` from `vehicle.actual` and `vehicle.budget`."""
    if key == "completion":
        return "total", "budget"
    if key.endswith(".completion"):
        item = key.removesuffix(".completion")
        return f"{item}.actual", f"{item}.budget"
    return None


def checked_rate(row: Row, key: str) -> bool:
    """Whether a rate on this row is one the reader checks: its 决算数 and 预算数 are printed beside it."""
    parts = rate_of(key)
    return parts is not None and all(p in row.values for p in parts)


def _check_rates(found: FoundTable, problems: _Problems) -> None:
    """Each printed 完成预算（%） is 决算数 / 预算数 of its row, rounded half up to 0.01 (money.completion): a rate the
    data does not hold, since it follows from the two. Blank is not printed; spending without a budget has no rate."""
    label = f"公开{found.spec.id}表"
    for row in found.rows:
        for key, figure in row.values.items():
            if figure.blank or not checked_rate(row, key):
                continue
            actual, budget = (row.values[k].value for k in rate_of(key))
            expected = completion(actual, budget)
            if expected != figure.value:
                what = " ".join(x for x in (label, row.name, found.spec.column(key).name) if x)
                problems.add(f"{figure.cell}（{what}）", "空白（有支出而未安排预算）" if expected is None else
                             f"决算数 {actual} / 预算数 {budget} = {expected}", str(figure.value))


def _check_economic_split(found: FoundTable, problems: _Problems, suspect: set[int]) -> None:
    """06's 人员经费 and 公用经费 columns, where a layout prints them beside each class: they follow from the class
    (人员经费 301 and 303; 公用经费 302, 310 and any other class), so on each row one holds the whole 决算数 and the
    other nothing. Its total lines are by definition one or the other; 合计 is its classes' sum (checked above)."""
    label = f"公开{found.spec.id}表"
    for row in found.rows:
        if not {"personnel", "public"} & set(row.values) or id(row) in suspect:
            continue
        if row.key.isdigit():
            kind = "personnel" if row.key[:3] in PERSONNEL_CLASSES else "public"
        elif row.key in ("personnel_total", "public_total"):
            kind = row.key.removesuffix("_total")
        else:
            continue
        whole = row.values.get("amount")
        for key in ("personnel", "public"):
            figure = row.values.get(key)
            if figure is None:
                continue
            expected = (whole.value if whole is not None else figure.value) if key == kind else ZERO
            if figure.value != expected:
                rule = ("301、303 为人员经费" if kind == "personnel" else "302、310 等其余各类为公用经费")
                problems.add(f"{figure.cell}（{label} {row.name} {found.spec.column(key).name}）",
                             f"{expected}（{rule}）", str(figure.value))
                suspect.add(id(row))
                break


def _parent_of(side: Side, key: str) -> str | None:
    for column in side.columns:
        if column.key == key:
            return column.part_of
    return None


def side_column(side: Side, key: str) -> Column:
    return next(c for c in side.columns if c.key == key)


def _sum_line(found: FoundTable, total: Row, parts: list[Row], what: str, problems: _Problems,
              suspect: set[int]) -> None:
    """total = Σ parts in every column: one line naming every column that differs."""
    if id(total) in suspect or any(id(p) in suspect for p in parts):
        return
    label = f"公开{found.spec.id}表"
    wrong = []
    side = next(s for s in found.spec.sides if s.name == total.side)
    rates = {c.key for c in side.columns if c.rate}
    for key, fig in total.values.items():
        if key in rates:
            continue  # a 完成预算 rate is not a sum of its rows'
        given = [p.values[key] for p in parts if key in p.values]
        if all(g.blank for g in given):
            continue  # a total printed without its parts (none listed, or all left blank): not given at that detail
        expected = sum((g.value for g in given), ZERO)
        if fig.value != expected:
            wrong.append((key, fig, expected, sum(1 for g in given if not g.blank)))
    if wrong:
        side = next(s for s in found.spec.sides if s.name == total.side)
        cells = "、".join(f.cell.split("!")[1] for _, f, _, _ in wrong)
        sheet = wrong[0][1].cell.split("!")[0]
        problems.add(f"{sheet}!{cells}（{label} {total.name} {'、'.join(side_column(side, k).name for k, _, _, _ in wrong)}）",
                     f"{what} = " + "、".join(str(e) for _, _, e, _ in wrong),
                     "、".join(str(f.value) for _, f, _, _ in wrong),
                     rounding=max(((abs(f.value - e), n) for _, f, e, n in wrong), key=lambda d: d[0]))
        suspect.add(id(total))


def _check_classes(found: FoundTable, problems: _Problems, suspect: set[int]) -> None:
    label = f"公开{found.spec.id}表"
    by_code: dict[str, Row] = {}
    parent_above: dict[int, str] = {}
    current = {3: None, 5: None}
    block = 0
    # A block read top to bottom (06's blocks side by side are read across, row by row).
    for row in sorted(found.rows, key=lambda r: r.block):
        if row.block != block:
            block, current = row.block, {3: None, 5: None}
        if not row.key.isdigit():
            continue
        if row.key in by_code:
            problems.add(f"{row.cell}（{label} 科目编码）", f"科目 {row.key} 只列一次",
                         f"又见于 {by_code[row.key].cell}")
            suspect.add(id(row))
            continue
        by_code[row.key] = row
        n = len(row.key)
        if n == 3:
            current = {3: row.key, 5: None}
        elif n == 5:
            current[5] = row.key
        parent_above[id(row)] = current[3] if n == 5 else current[5]
    # Each 款/项 belongs to the class its code starts with; that class must be in the table, and the row
    # must sit under it (a 项 copied under the wrong 类 breaks both the sums and the reading).
    orphans = False
    for code, row in by_code.items():
        n = len(code)
        if n == 3:
            continue
        parent = code[:n - 2]
        level, parent_level = LEVEL.get(n, "款"), LEVEL.get(n - 2, "类")
        if found.spec.rows == ECONOMIC:
            level, parent_level = "款", "类"
        if parent not in by_code:
            problems.add(f"{row.cell}（{label} 科目编码）",
                         f"{level} {code} 所属的{parent_level} {parent} 也在表中", "没有这一行")
            suspect.add(id(row))
            orphans = True
        elif parent_above.get(id(row)) != parent:
            problems.add(f"{row.cell}（{label} 科目编码）",
                         f"{level} {code} 列在{parent_level} {parent} 之下",
                         f"列在{parent_level} {parent_above.get(id(row))} 之下")
            suspect.add(id(row))
    for code, row in by_code.items():
        children = [r for c, r in by_code.items() if len(c) == len(code) + 2 and c.startswith(code)]
        if children:
            what = f"{'各款' if len(code) == 3 else '各项'}之和"
            _sum_line(found, row, children, what, problems, suspect)
    classes = [r for c, r in by_code.items() if len(c) == 3]
    for row in found.rows:
        if row.is_total and not orphans:  # with a class missing, 合计 cannot be judged: said once above
            _sum_line(found, row, classes, "各类之和", problems, suspect)
    if found.spec.rows == ECONOMIC:
        for key, codes, what in (("personnel_total", ("301", "303"), "301+303"),
                                 ("public_total", tuple(c for c in by_code if len(c) == 3 and c in PUBLIC_CLASSES),
                                  "302、310 等其余各类之和")):
            line = next((r for r in found.rows if r.key == key), None)
            if line is not None:
                parts = [by_code[c] for c in codes if c in by_code]
                # 06's blocks carry one 决算数 column each; a line reads the one of its own block.
                _sum_amount(found, line, parts, what, problems, suspect)


def _sum_amount(found, line: Row, parts: list[Row], what: str, problems: _Problems, suspect: set[int]) -> None:
    if id(line) in suspect or any(id(p) in suspect for p in parts):
        return
    fig = line.values.get("amount")
    given = [p.values["amount"] for p in parts if "amount" in p.values]
    if fig is None or all(g.blank for g in given):
        return  # 人员经费/公用经费 without the classes beneath them
    expected = sum((g.value for g in given), ZERO)
    if fig.value != expected:
        problems.add(f"{fig.cell}（公开{found.spec.id}表 {line.name}）", f"{what} = {expected}", str(fig.value),
                     rounding=(abs(fig.value - expected), sum(1 for g in given if not g.blank)))
        suspect.add(id(line))


def _check_lines(found: FoundTable, problems: _Problems, suspect: set[int]) -> None:
    spec = found.spec

    def rows_for(pattern: str) -> list[Row]:
        side, _, key = pattern.partition(".")
        if key.endswith("*"):
            return [r for r in found.rows if r.side == side and r.key.startswith(key[:-1])]
        return [r for r in found.rows if r.side == side and r.key == key]

    for check in spec.sums:
        totals = rows_for(check.total)
        if not totals:
            continue
        total = totals[0]
        parts = [r for p in check.parts for r in rows_for(p)]
        if id(total) in suspect or any(id(p) in suspect for p in parts):
            continue
        if check.parts and len(check.parts) == 1 and not check.parts[0].endswith("*") \
                and check.parts[0].split(".")[0] != total.side:
            # 收入总计 = 支出总计: the other side's one column against this side's total column.
            other = rows_for(check.parts[0])
            if not other:
                continue
            mine = total.values.get(check.column or "amount")
            theirs = other[0].values.get("amount")
            if mine and theirs and mine.value != theirs.value:
                problems.add(f"{mine.cell}（公开{spec.id}表 支出方{total.name}）",
                             f"等于收入方{other[0].name}（{theirs.cell}）{theirs.value}", str(mine.value))
                suspect.add(id(total))
            continue
        _sum_line(found, total, parts, "+".join(p.split(".", 1)[1] .rstrip(".*") for p in check.parts)
                  .replace("income", "各项收入").replace("function", "各类支出"), problems, suspect)


# ---------------------------------------------------------------- between the tables


@dataclass
class _Term:
    """One side of a comparison between two tables: the sum of some figures of one table.

    A class the table does not list is a term of no figures (0), `absent` naming it; it stands on the table's
    total row (`rows`), since 合计 = Σ类 is what makes a missing class mean 0. A term is not judged when
    one of its `rows` already failed a check: one mistake, one line.
    """

    table: FoundTable
    figures: list[Figure]
    rows: list[Row]
    what: str
    absent: str | None = None

    @property
    def value(self) -> Decimal:
        return sum((f.value for f in self.figures), ZERO)

    @property
    def cells(self) -> str:
        if self.absent:
            return f"公开{self.table.spec.id}表（{self.absent}）"
        sheet = self.figures[0].cell.split("!")[0]
        return f"{sheet}!" + "+".join(f.cell.split("!")[1] for f in self.figures)

    @property
    def shown(self) -> str:
        return f"没有{self.absent} 这一行" if self.absent else str(self.value)


def _term(table: FoundTable | None, key: str | tuple[str, ...], column: str, side: str = "") -> _Term | None:
    """The figures of `column` on the row(s) `key` (a key or several, summed); None when none is there."""
    if table is None or column not in table.columns.get(side, {}):
        return None
    rows = [r for k in ((key,) if isinstance(key, str) else key) for r in table.rows
            if r.key == k and r.side == side and column in r.values]
    if not rows:
        return None
    name = table.spec.column(column).name
    what = "+".join(r.name for r in rows) + ("" if table.spec.rows == ECONOMIC else f" {name}")
    return _Term(table, [r.values[column] for r in rows], rows, what)


def _class_term(table: FoundTable, code: str, column: str, side: str = "") -> _Term | None:
    """Class `code` of `column`: its row (a 类 row of a coded table, or the line function.CODE of 01/04), or,
    when the table does not list it, 0 standing on the table's total row."""
    key = code if table.spec.rows == FUNCTION else f"function.{code}"
    found = _term(table, key, column, side)
    if found is not None or column not in table.columns.get(side, {}):
        return found
    if table.spec.rows != FUNCTION and not any(r.key.startswith("function.") and r.side == side for r in table.rows):
        return None  # an 01 that lists the kinds of expenditure, not the classes
    total = table.row("合计" if table.spec.rows == FUNCTION else "expenditure_total", side)
    if total is None:
        return None
    return _Term(table, [], [total], f"类 {code}", absent=f"类 {code}")


def _agree(problems: _Problems, suspect: set[int], a: _Term | None, b: _Term | None) -> bool | None:
    """True when the two terms are equal, False when not (said in one line naming both), None: not judged."""
    if a is None or b is None or (a.absent and b.absent):
        return None
    if any(id(r) in suspect for r in (*a.rows, *b.rows)):
        return None
    if a.value == b.value:
        return True
    parts = max(len(a.figures), len(b.figures))
    problems.add(f"{a.cells} 与 {b.cells}（公开{a.table.spec.id}表 {a.what} 与 公开{b.table.spec.id}表 {b.what}）",
                 "两表相同", f"{a.shown} 与 {b.shown}",
                 # one figure printed twice must be the same; a sum of figures against one may differ by 尾差
                 rounding=(abs(a.value - b.value), parts) if parts > 1 else None)
    return False


def _agree_group(problems: _Problems, suspect: set[int], parts, total=None) -> None:
    """Each pair of `parts`, then the pair of totals only if every part agreed: a part that differs makes its
    total differ too, and that is the same mistake."""
    results = [_agree(problems, suspect, a, b) for a, b in parts]
    if total is not None and False not in results:
        _agree(problems, suspect, *total)


def _classes(*terms: tuple[FoundTable | None, str]) -> list[str]:
    """The 类 codes any of these tables lists (coded tables: 类 rows; 01/04: function lines), in code order."""
    codes = set()
    for table, side in terms:
        if table is None:
            continue
        for row in table.rows:
            if row.side != side:
                continue
            if table.spec.rows == FUNCTION and len(row.key) == 3 and row.key.isdigit():
                codes.add(row.key)
            elif row.key.startswith("function."):
                codes.add(row.key.split(".", 1)[1])
    return sorted(codes)


def _check_between(found: dict[str, FoundTable], problems: _Problems, suspect: set[int]) -> None:
    """The figures two tables both print, each pair where both tables (and rows and columns) are there.

    01's income lines = 02's 合计 row; 01's 本年支出合计 and its classes (or kinds) = 03's 合计 row and 类 rows;
    01's 财政拨款 income lines = 04's; 04's expenditure by class, fund by fund = 05 (一般公共预算), 08
    (政府性基金), 09 (国有资本经营), with 08's and 09's income and carry-overs; 06's 人员经费 + 公用经费 =
    05's 合计 基本支出. (07's 合计 = its items and 小计 = 购置 + 运行 are its own row checks.)
    """
    t = {n: found.get(n) for n in ("01", "02", "03", "04", "05", "06", "08", "09")}
    FUNDS = ("general_budget", "government_fund", "state_capital")

    # 01 and 02: income by source.
    if t["01"] and t["02"]:
        parts = []
        for column in t["02"].columns.get("", {}):
            if column == "total":
                continue
            lines = tuple(f"income.{f}" for f in FUNDS) if column == "fiscal" else f"income.{column}"
            parts.append((_term(t["01"], lines, "amount", "收入"), _term(t["02"], "合计", column)))
        _agree_group(problems, suspect, parts,
                     (_term(t["01"], "income_total", "amount", "收入"), _term(t["02"], "合计", "total")))

    # 01 and 03: expenditure by class (or by kind, where 01 lists kinds).
    if t["01"] and t["03"]:
        parts = [(_class_term(t["01"], code, "amount", "支出"), _class_term(t["03"], code, "total"))
                 for code in _classes((t["01"], "支出"), (t["03"], ""))]
        parts += [(_term(t["01"], f"expenditure.{column}", "amount", "支出"), _term(t["03"], "合计", column))
                  for column in t["03"].columns.get("", {}) if column != "total"]
        _agree_group(problems, suspect, parts,
                     (_term(t["01"], "expenditure_total", "amount", "支出"), _term(t["03"], "合计", "total")))

    # 01 and 04: the three kinds of 财政拨款 income.
    if t["01"] and t["04"]:
        _agree_group(problems, suspect, [(_term(t["01"], f"income.{f}", "amount", "收入"),
                                          _term(t["04"], f"income.{f}", "amount", "收入")) for f in FUNDS])

    # 04 and 05, 08, 09: each fund's expenditure by class; 08 and 09 also their income and carry-overs.
    for fund, other in zip(FUNDS, ("05", "08", "09")):
        if not (t["04"] and t[other]):
            continue
        parts = [(_class_term(t["04"], code, fund, "支出"), _class_term(t[other], code, "total"))
                 for code in _classes((t["04"], "支出"), (t[other], ""))]
        _agree_group(problems, suspect, parts,
                     (_term(t["04"], "expenditure_total", fund, "支出"), _term(t[other], "合计", "total")))
        if other != "05":
            end = _term(t["04"], "carryover.end_fiscal", fund, "支出") \
                or _term(t["04"], f"carryover.end_fiscal.{fund}", "total", "支出")
            _agree_group(problems, suspect, [
                (_term(t["04"], f"income.{fund}", "amount", "收入"), _term(t[other], "合计", "income")),
                (_term(t["04"], f"carryover.begin_fiscal.{fund}", "amount", "收入"),
                 _term(t[other], "合计", "carryover_begin")),
                (end, _term(t[other], "合计", "carryover_end")),
            ])

    # 06 and 05: 基本支出 of 一般公共预算 = 人员经费 + 公用经费 (or 06's 合计, or its classes).
    if t["06"] and t["05"]:
        six = t["06"]
        basic = _term(six, ("personnel_total", "public_total"), "amount")
        if basic is None or len(basic.rows) < 2:
            basic = _term(six, "合计", "amount") or _term(
                six, tuple(r.key for r in six.rows if len(r.key) == 3 and r.key.isdigit()), "amount")
        _agree(problems, suspect, basic, _term(t["05"], "合计", "basic"))


# ---------------------------------------------------------------- the workbook


def read_workbook(path: str | Path, department: str | None = None, *, as_published: bool = False) -> Workbook:
    """Read and check a workbook of the nine tables; raise DataErrors listing every problem found.

    `as_published`: the tables as a department published them, defects and all: a sum they print that does
    not hold is listed in `Workbook.defects` instead of refused (a workbook that cannot be read still is)."""
    path = Path(path)
    problems = _Problems(path, department)
    engine = _engine(path, problems)
    sheets = _open(path, engine, problems)
    notes: list[str] = []
    visible = []
    for sheet in sheets:
        if sheet.hidden:
            # A hidden sheet often holds last year's tables or a working copy: never read as the table.
            notes.append(f"隐藏的工作表“{sheet.name}”未读取")
        else:
            visible.append(sheet)
    if not visible:
        raise problems.fail("工作簿", "至少一张可见的工作表", "全部隐藏")
    for sheet in visible:
        if sheet.uncached:
            cells = sorted(sheet.uncached)
            shown = "、".join(address(sheet.name, r, c).split("!")[1] for r, c in cells[:5])
            more = f"等{len(cells)}个" if len(cells) > 5 else ""
            problems.add(f"{sheet.name}!{shown}{more}（公式）",
                         "公式已计算的值（工作簿由程序生成、从未在 Excel 中保存；请在 Excel 中打开并保存后再导入）",
                         f"={sheet.uncached[cells[0]].lstrip('=')}，没有保存的值")
    if problems.errors:
        raise DataErrors(problems.errors)

    # Titles first, on every visible sheet, so that each table's rows stop at the next title.
    titles: list[tuple[_Sheet, int, int, Table]] = []
    for sheet in visible:
        for r, row in enumerate(sheet.grid):
            for c, v in enumerate(row):
                if isinstance(v, str):
                    table = _title_at(v)
                    if table is not None:
                        titles.append((sheet, r, c, table))
    found: dict[str, FoundTable] = {}
    consumed: set = set()
    unplaced: list[tuple[str, str]] = []
    for i, (sheet, r, c, table) in enumerate(titles):
        following = [tr for (s, tr, _, _) in titles[i + 1:] if s is sheet and tr > r]
        end = min(following, default=len(sheet.grid))
        consumed.add((sheet.name, r, c))
        before = len(problems.errors)
        result = _read_table(_Region(table, sheet, (r, c), end), problems, consumed, unplaced)
        if result is None:
            if len(problems.errors) == before:
                notes.append(f"{address(sheet.name, r, c)}“{sheet.grid[r][c]}”之下没有表格，未读取")
            continue
        if table.id in found:
            first = found[table.id]
            problems.add(f"{result.where}（公开{table.id}表）", f"{table.label}只出现一次",
                         f"又见于 {first.where}")
            continue
        found[table.id] = result
    missing = [t for t in TABLES if t.id not in found]
    if missing and not problems.errors:
        hidden = "".join(f"（{n}）" for n in notes if n.startswith("隐藏的工作表"))
        problems.add("工作簿", "九张决算表都在可见的工作表中（按表名和表头查找）",
                     "缺 " + "、".join(t.label for t in missing) + hidden)
    defects = _Problems(path, department) if as_published else problems
    if not problems.errors:
        suspect: set[int] = set()
        for table in found.values():
            _check(table, defects, suspect)
        _check_between(found, defects, suspect)
    if problems.errors:
        raise DataErrors(problems.errors)

    for sheet in visible:
        for r, row in enumerate(sheet.grid):
            for c, v in enumerate(row):
                if (sheet.name, r, c) not in consumed and _looks_numeric(v) and not _is_year(v):
                    unplaced.append((address(sheet.name, r, c), str(v)))
    return Workbook(path, found, sorted(set(unplaced), key=_address_order), notes,
                    defects.errors if as_published else [])


def _is_year(value) -> bool:
    """A year standing alone over a table (2024) is not an amount left over."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer() \
        and 2000 <= value <= 2100


def _address_order(item):
    where = item[0]
    sheet, _, cell = where.rpartition("!")
    m = re.fullmatch(r"([A-Z]+)(\d+)", cell)
    return (sheet, int(m.group(2)), len(m.group(1)), m.group(1)) if m else (sheet, 0, 0, cell)


# ---------------------------------------------------------------- tables read from elsewhere (a published report)


def read_grid(spec: Table, grid: list[list], source: str = "") -> tuple[FoundTable | None, list[DataError]]:
    """One table given as a grid of cells (its title in the first row, then its header and rows), read as a
    sheet named 公开NN表 holding it: how `published_tables` has the tables of a report's text read by the
    same rules as a workbook's. Returns the table (None when it cannot be read) and what could not be read."""
    sheet = _Sheet(f"公开{spec.id}表", grid, False, {}, {})
    problems = _Problems(Path(source or sheet.name), None)
    found = _read_table(_Region(spec, sheet, (0, 0), len(grid)), problems, set(), [])
    return found, problems.errors


def published_defects(found: dict[str, FoundTable], source: str = "") -> list[DataError]:
    """Every sum the tables print that does not hold, within each table and between them (as
    `read_workbook(…, as_published=True)` lists them), for tables however they were read."""
    defects = _Problems(Path(source or "公开表"), None)
    suspect: set[int] = set()
    for table in found.values():
        _check(table, defects, suspect)
    _check_between(found, defects, suspect)
    return defects.errors
