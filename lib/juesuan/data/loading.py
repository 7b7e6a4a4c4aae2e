"""Read one year of data from data/<year>/ and say exactly what is wrong with it.

Every figure is kept as the exact Decimal typed in the file. Problems are
collected per department, so one bad department never hides the others.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import yaml

from juesuan.data import catalogue
from juesuan.errors import DataError, has_control_characters
from juesuan.ids import DEPARTMENT_ID  # noqa: F401 -- also the importer's and extract's, from here
from juesuan.data.money import MAX_AMOUNT_TEXT, within_bound

# Half-width (ASCII) digits only: `\d` alone would also take ١٢٣ or １２３.
AMOUNT = re.compile(r"\d+(\.\d{1,2})?", re.ASCII)
COUNT = re.compile(r"\d{1,10}", re.ASCII)
MAX_COUNT = 10**9  # vehicles, people, projects: a larger count is a typo
MAX_TEXT_CHARS = 20_000
MAX_NAME_CHARS = 100
YEAR_RANGE = range(2000, 2101)
# A folder name that holds a year but is not just the year: 2021年, FY2021, "2021 ", 2021-final.
YEARISH = re.compile(r"(?<![0-9])([0-9]{4})(?![0-9])")

FILES = {
    "departments": ("departments.csv", ["department_id", "name", "short_name"]),
    "units": ("units.csv", ["department_id", "unit_name", "unit_kind"]),
    "amounts": ("amounts.csv", ["department_id", "item", "code", "amount"]),
    "counts": ("counts.csv", ["department_id", "item", "code", "count"]),
    "breakdowns": ("breakdowns.csv", ["department_id", "item", "label", "amount"]),
    # The names of the 款 (5-digit) and 项 (7-digit) function codes the year's rows use, as the tables print them.
    "function_names": ("function_names.csv", ["code", "name"]),
    # ...and of the 款 (5-digit) economic codes of table 06 (30101 基本工资…).
    "economic_names": ("economic_names.csv", ["code", "name"]),
}
#: Files of the whole year rather than of one department each (every row read, whatever `only` says).
YEAR_WIDE = ("function_names", "economic_names")
REQUIRED_FILES = ("departments", "amounts")


def read_text_file(path: Path) -> str:
    """Text as saved by people: UTF-8 (with or without BOM), or GBK/GB18030 from Excel."""
    try:
        raw = Path(path).read_bytes()
    except IsADirectoryError:
        raise DataError(path, None, "file", "一个文件，而不是文件夹", "文件夹") from None
    except OSError as exc:
        raise DataError(path, None, "file", "可读取的文件", exc.strerror or type(exc).__name__) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(path, None, "encoding",
                        "UTF-8 或 GB18030/GBK 编码的文本（Excel 中“另存为”选“CSV UTF-8（逗号分隔）”），而不是 UTF-16 的“Unicode 文本”",
                        "UTF-16") from None
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DataError(path, None, "encoding",
                        "UTF-8 或 GB18030/GBK 编码的文本（Excel 中“另存为”选“CSV UTF-8（逗号分隔）”）",
                        f"第{exc.start}字节起无法解码") from None


def read_csv_rows(path: Path, columns: list[str]) -> tuple[pd.DataFrame, list[DataError]]:
    """A CSV as strings (never floats), with its expected header, and the rows it could not read.

    Cells are stripped of surrounding spaces. Blank lines and rows of empty
    cells (as Excel leaves them) are skipped; so are empty cells past the last
    column. A row with another number of cells is reported with its line
    number and left out. The frame has a column `_line`: the line each row
    starts on (the header is line 1).
    """
    text = read_text_file(path)
    if not text.strip():
        raise DataError(path, None, "header", "表头行：" + ",".join(columns), "空文件")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    errors: list[DataError] = []
    try:
        while True:
            start = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                break
            records.append((start, [cell.strip() for cell in record]))
    except csv.Error as exc:
        line = reader.line_num or 1
        raise DataError(path, None, "CSV", "以半角逗号分隔的单元格；含逗号或引号的单元格用英文双引号括起",
                        str(exc), line) from None
    records = [(line, _trim_empty_tail(cells, len(columns))) for line, cells in records if any(cells)]
    if not records:
        raise DataError(path, None, "header", "表头行：" + ",".join(columns), "空文件")
    header_line, header = records[0]
    if header != columns:
        raise DataError(path, None, "header", ",".join(columns), ",".join(header), header_line)
    rows = []
    for line, cells in records[1:]:
        if len(cells) == len(columns):
            rows.append(cells + [line])
            continue
        errors.append(_bad_row(path, columns, line, cells))
    frame = pd.DataFrame(rows, columns=columns + ["_line"], dtype=object)
    return frame, errors


def _trim_empty_tail(cells: list[str], width: int) -> list[str]:
    while len(cells) > width and cells[-1] == "":
        cells = cells[:-1]
    return cells


FULL_WIDTH_SEPARATORS = "，；、\t"


def _bad_row(path: Path, columns: list[str], line: int, cells: list[str]) -> DataError:
    # A row typed with a Chinese input method separates its cells with full-width commas (or 、；): one long cell.
    split = re.split(f"[,{FULL_WIDTH_SEPARATORS}]", ",".join(cells))
    first = split[0].strip() if split else ""
    department = first if DEPARTMENT_ID.fullmatch(first) else None
    item = split[1].strip() if len(split) > 1 and columns[:2] == ["department_id", "item"] else None
    if len(cells) < len(columns) and len(split) >= len(columns):
        used = "".join(sorted({c for c in ",".join(cells) if c in FULL_WIDTH_SEPARATORS}))
        return DataError(path, department, "cells",
                         f"{len(columns)}个以半角逗号“,”分隔的单元格（{','.join(columns)}）：这一行用了全角的"
                         f"“{used}”分隔，请改为半角逗号（切换到英文输入法输入）", f"{len(cells)}个单元格", line,
                         item=item)
    if columns[-1] == "amount" and len(cells) == len(columns) + 1 \
            and re.fullmatch(r"\d{1,3}", cells[-2]) and re.fullmatch(r"\d{3}(\.\d*)?", cells[-1]):
        typed = f"{cells[-2]},{cells[-1]}"
        return DataError(path, department, "amount",
                         "不带千位分隔符的数字（写 1848.70，不写 1,848.70）", typed, line, item=item)
    return DataError(path, department, "cells",
                     f"{len(columns)}个单元格（{','.join(columns)}）；含逗号的单元格用英文双引号括起",
                     f"{len(cells)}个单元格", line, item=item)


def read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    """A CSV as strings (never floats), with its expected header; the first unreadable row is raised."""
    frame, errors = read_csv_rows(path, columns)
    if errors:
        raise errors[0]
    return frame


def parse_amount(text: str) -> Decimal | None:
    """'1848.7' -> Decimal('1848.7'); anything that is not a plain amount -> None."""
    if not AMOUNT.fullmatch(text):
        return None
    value = Decimal(text)
    return value if within_bound(value) else None


def describe_bad_amount(text: str) -> str:
    if not text:
        return "以万元为单位的金额（没有时写 0）"
    if "," in text or "，" in text:
        return "不带千位分隔符的数字（写 1848.70，不写 1,848.70）"
    if "万" in text or "元" in text:
        return "不带单位的万元数（写 1848.7，不写 1848.7万元）"
    if text.startswith(("-", "－", "(")):
        return "0 或正数的万元金额（不能为负）"
    if AMOUNT.fullmatch(text):
        return f"不超过 {MAX_AMOUNT_TEXT} 万元（10^12）的金额，更大的数是录入错误"
    if re.fullmatch(r"[0-9]+\.[0-9]{3,}", text):
        return "最多两位小数的万元金额"
    if any("０" <= c <= "９" or c == "．" for c in text):
        return "半角数字的金额（写 1848.7，不写 １８４８．７）"
    if re.fullmatch(r"[0-9.]+[eE][+-]?[0-9]+", text):
        return "普通写法的数字，不用科学计数法（写 1848.7，不写 1.8487E+03）"
    return "以万元为单位的金额，如 1848.7 或 0"


def bad_name(text: str, limit: int = MAX_NAME_CHARS) -> bool:
    """A name or label is 1 to `limit` characters on one line, with no control characters."""
    return not text or len(text) > limit or has_control_characters(text)


@dataclass
class Unit:
    name: str
    kind: str


@dataclass
class DepartmentFigures:
    """The figures of one department for one year, exactly as the files state them."""

    department_id: str
    year: int
    name: str
    short_name: str
    amounts: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    breakdowns: dict[str, list[tuple[str, Decimal]]] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    text: dict = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)
    #: The year's names of 款 and 项 codes (function_names.csv, economic_names.csv); 类 names are the catalogue's.
    function_names: dict[str, str] = field(default_factory=dict)
    economic_names: dict[str, str] = field(default_factory=dict)


@dataclass
class YearData:
    year: int
    folder: Path
    departments: dict[str, DepartmentFigures]
    errors: list[DataError]

    def errors_for(self, department_id: str) -> list[DataError]:
        return [e for e in self.errors if e.department in (department_id, None)]


def year_folder(data_dir: Path, year: int) -> Path:
    return Path(data_dir) / str(year)


def available_years(data_dir: Path) -> list[int]:
    data_dir = Path(data_dir)
    years = [int(p.name) for p in data_dir.iterdir()
             if p.is_dir() and p.name.isdigit() and int(p.name) in YEAR_RANGE] if data_dir.is_dir() else []
    return sorted(years)


def latest_year(data_dir: Path) -> int:
    """The latest year that has reports (comparison-only years have none)."""
    years = report_years(data_dir)
    if not years:
        raise DataError(data_dir, None, "year folders", "至少一个年度文件夹 data/<年度>/（如 data/2022）",
                        "没有")
    return years[-1]


def year_settings(data_dir: Path, year: int) -> dict[str, bool]:
    """data/<year>/year.yaml: which kind of year it is (see data/README.md); {} without the file."""
    marker = year_folder(data_dir, year) / "year.yaml"
    if not marker.exists():
        return {}
    try:
        settings = yaml.load(read_text_file(marker), Loader=TextLoader) or {}  # noqa: S506 -- a SafeLoader
    except yaml.YAMLError as exc:
        raise DataError(marker, None, "YAML", "格式正确的 YAML，如 'comparison_only: true'",
                        _yaml_problem(exc), line=_yaml_line(exc)) from None
    if not isinstance(settings, dict):
        raise DataError(marker, None, "YAML", "“设置: 值”的形式，如 'comparison_only: true'", settings)
    unknown = [str(key) for key in settings if key not in YEAR_SETTINGS]
    if unknown:
        raise DataError(marker, None, unknown[0], "只能有这些设置：" + ", ".join(YEAR_SETTINGS), unknown[0])
    for key, value in settings.items():
        if key in KINDS_OF_YEAR and not isinstance(value, bool):
            raise DataError(marker, None, key, "true 或 false", value)
    if "template" in settings and not isinstance(settings["template"], str):
        raise DataError(marker, None, "template", "内置报告模板的名称，如 national", settings["template"])
    if all(settings.get(key) for key in KINDS_OF_YEAR):
        raise DataError(marker, None, "year.yaml", "comparison_only 与 figures_only 只设其一", "两者都为 true")
    return settings


#: comparison_only: figures a later year's text states, kept to compare with (totals without parts allowed).
#: figures_only: a department's full figures, checked like any year's, whose reports are not written (yet).
#: template: the report template of the year's departments (a shipped template's name), the seed's by default.
YEAR_SETTINGS = ("comparison_only", "figures_only", "template")
KINDS_OF_YEAR = ("comparison_only", "figures_only")


def is_comparison_only(data_dir: Path, year: int) -> bool:
    """A year kept only to compare with (figures taken from a later year's text): see data/README.md."""
    return year_settings(data_dir, year).get("comparison_only", False)


def has_reports(data_dir: Path, year: int) -> bool:
    """Whether the year's departments get reports: not a comparison-only or a figures-only year."""
    settings = year_settings(data_dir, year)
    return not any(settings.get(key) for key in KINDS_OF_YEAR)


def report_years(data_dir: Path) -> list[int]:
    return [y for y in available_years(data_dir) if has_reports(data_dir, y)]


def check_year(data_dir: Path, year: int) -> None:
    if year not in YEAR_RANGE:
        raise DataError(data_dir, None, "year", f"{YEAR_RANGE.start} 至 {YEAR_RANGE.stop - 1} 之间的年度", year)


def _stray_year_folders(data_dir: Path, year: int) -> list[DataError]:
    """Folders that look meant as a year but would be passed over.

    A folder whose name is all digits must be a year in range (1899, 2202 and
    20221 are typos). The year and its comparison year must be named by the
    year alone: a `2021年` or `FY2021` beside no `2021` would leave the report
    silently without its comparisons.
    """
    data_dir = Path(data_dir)
    errors = []
    wanted = {year: "报告年度", year - 1: f"{year}年的比较年度"}
    for path in sorted(data_dir.iterdir()) if data_dir.is_dir() else []:
        if not path.is_dir() or path.name.startswith("."):
            continue
        name = path.name
        if name.isascii() and name.isdigit():
            if int(name) not in YEAR_RANGE:
                errors.append(DataError(path, None, "folder name",
                                        f"{YEAR_RANGE.start} 至 {YEAR_RANGE.stop - 1} 之间的年度", name))
            continue
        match = YEARISH.search(name)
        if match and int(match.group(1)) in wanted and not (data_dir / match.group(1)).is_dir():
            named = match.group(1)
            errors.append(DataError(path, None, "folder name",
                                    f"只用年度命名的文件夹 {named}（{wanted[int(named)]}）", name))
    return errors


#: What answers load_year in this process instead of reading the files (None: they are read). The warm
#: kernel sets one (`cache_years`) that reads each year once per change of its files.
_year_cache = None


_rows_cache = None


def cache_rows(cache) -> None:
    """Let `cache(path, columns, only)` give read_year each file's rows: what read_csv_rows(path, columns)
    gives, narrowed to the rows (and row errors) of department `only` when `only` is not None, as read_year
    narrows them. A cache keeps a file's rows while the file stays the same, and answers a department in
    time independent of the others. None: read and narrow the files each time again."""
    global _rows_cache
    _rows_cache = cache


def narrow_rows(frame: pd.DataFrame, errors: list[DataError], only: str) -> tuple[pd.DataFrame, list[DataError]]:
    """The rows of department `only`, and the row errors that are its or no department's (read_year's narrowing)."""
    return frame[frame["department_id"] == only], [e for e in errors if e.department in (only, None)]


def cache_years(cache) -> None:
    """Let `cache(data_dir, year, only)` answer every load_year of this process (it reads the files with
    `read_year` when it must). None: read them each time again."""
    global _year_cache
    _year_cache = cache


def load_year(data_dir: Path, year: int, only: str | None = None) -> YearData:
    """Read every file of data/<year>/; problems are collected, not raised.

    With `only`, rows of other departments are skipped unread: a report of one
    department in a city of hundreds does not parse the hundreds.
    """
    if _year_cache is not None:
        return _year_cache(data_dir, year, only)
    return read_year(data_dir, year, only)


def list_departments(data_dir: Path, year: int) -> dict[str, str]:
    """The departments data/<year>/departments.csv lists, id → name in its order, as load_year takes them;
    {} where the file cannot be read (load_year says why).

    Reads that one file: listing a year of a thousand departments parses none of their texts.
    """
    path = year_folder(data_dir, year) / FILES["departments"][0]
    columns = FILES["departments"][1]
    try:
        if _rows_cache is not None:
            frame, _ = _rows_cache(path, columns, None)
        else:
            frame, _ = read_csv_rows(path, columns)
    except (DataError, OSError):
        return {}
    return {d.department_id: d.name for d in _read_departments(path.parent, year, frame, []).values()}


def read_alone(data_dir: Path, year: int, departments) -> bool:
    """Whether reading these departments one by one (load_year's ``only``) is cheaper than reading the year;
    never for ``None`` (every department).

    A department read on its own costs about two and a half times its share of a whole year read at once
    (the year-wide files, each lookup; measured at a thousand departments: ~10 ms against ~4 ms): a few
    departments are read alone, more than a third of the year with the year.
    """
    return departments is not None and 3 * len(set(departments)) < len(list_departments(data_dir, year))


def read_year(data_dir: Path, year: int, only: str | None = None) -> YearData:
    """load_year's reading of the files, whatever cache answers load_year."""
    check_year(data_dir, year)
    folder = year_folder(data_dir, year)
    errors: list[DataError] = _stray_year_folders(data_dir, year)
    frames: dict[str, pd.DataFrame] = {}
    if not folder.is_dir():
        if errors:
            raise errors[0]
        raise DataError(folder, None, "folder", f"{year}年的数据文件夹", "不存在")
    try:
        year_settings(data_dir, year)  # a broken year.yaml is a problem of the year, said with the others
    except DataError as exc:
        errors.append(exc)
    for key, (filename, columns) in FILES.items():
        path = folder / filename
        empty = pd.DataFrame(columns=columns + ["_line"])
        if not path.exists():
            if key in REQUIRED_FILES:
                errors.append(DataError(path, None, "file", f"含列 {','.join(columns)} 的 {filename}",
                                        "文件不存在"))
            frames[key] = empty
            continue
        narrowed = only if only and key not in YEAR_WIDE else None
        try:
            if _rows_cache is not None:
                frame, row_errors = _rows_cache(path, columns, narrowed)
            else:
                frame, row_errors = read_csv_rows(path, columns)
                if narrowed is not None:
                    frame, row_errors = narrow_rows(frame, row_errors, narrowed)
        except DataError as exc:
            errors.append(exc)
            frames[key] = empty
            continue
        errors.extend(row_errors)
        frames[key] = frame

    function_names = _read_code_names(folder / FILES["function_names"][0], frames["function_names"], errors,
                                      catalogue.FUNCTION_CODE, catalogue.FUNCTION_CLASSES, "功能分类", "20132、2013201")
    economic_names = _read_code_names(folder / FILES["economic_names"][0], frames["economic_names"], errors,
                                      catalogue.ECONOMIC_CODE, catalogue.ECONOMIC_CLASSES, "经济分类", "30101、30201")
    departments = _read_departments(folder, year, frames["departments"], errors)
    for dept in departments.values():
        dept.function_names, dept.economic_names = function_names, economic_names
    # Without a readable departments.csv no row can be placed: that one error says it.
    listing = str(folder / FILES["departments"][0])
    listed = not any(e.file == listing and e.department is None for e in errors)
    if listed:
        for key, reader in (("amounts", _read_amounts), ("counts", _read_counts),
                            ("breakdowns", _read_breakdowns), ("units", _read_units)):
            reader(folder / FILES[key][0], frames[key], departments, errors)
    for dept in departments.values():
        _read_department_text(folder, dept, errors)
        unreadable = any(e.file == str(folder / "amounts.csv") and e.department is None for e in errors)
        if not dept.amounts and (folder / "amounts.csv").exists() and not unreadable:
            errors.append(DataError(folder / "amounts.csv", dept.department_id, "amounts",
                                    "departments.csv 中每个部门的金额行", "没有任何行"))
    if listed and not only:
        _orphan_texts(folder, departments, errors)
    return YearData(year, folder, departments, errors)


def _orphan_texts(folder: Path, departments, errors) -> None:
    """A text file is the words of a listed department: one for no department is a typo or a leftover."""
    text_dir = folder / "text"
    if not text_dir.is_dir():
        return
    for path in sorted(text_dir.iterdir()):
        if path.name.startswith("."):
            continue
        if path.suffix != ".yaml":
            errors.append(DataError(path, None, "file name", "<department_id>.yaml（以部门编号命名的 .yaml 文件）", path.name))
        elif path.stem not in departments:
            errors.append(DataError(path, path.stem, "file name",
                                    "departments.csv 中已列出部门的 text/<department_id>.yaml",
                                    path.name))


def _read_code_names(path, frame, errors, pattern, classes, kind: str, example: str) -> dict[str, str]:
    """款 and 项 names, by code; a 类 listed must carry the national name the catalogue gives it."""
    names: dict[str, str] = {}
    for index, row in _rows(frame):
        rownum = _row_number(row, index)
        code, name = row["code"], row["name"]
        if not pattern.fullmatch(code) or code[:3] not in classes:
            errors.append(DataError(path, None, "code", f"{kind}科目编码，前3位是已知的类（如 {example}）", code, rownum))
        elif bad_name(name):
            errors.append(DataError(path, None, f"{code} 的 name", f"1 至 {MAX_NAME_CHARS} 个字符的单行名称，不含控制字符",
                                    name, rownum))
        elif code in names:
            errors.append(DataError(path, None, f"code {code}", "每个编码只列一次", "重复的行", rownum))
        elif len(code) == 3 and name != classes[code]:
            errors.append(DataError(path, None, f"{code} 的 name", f"类 {code} 的全国统一名称“{classes[code]}”", name, rownum))
        else:
            names[code] = name
    return names


def _read_departments(folder, year, frame, errors) -> dict[str, DepartmentFigures]:
    path = folder / "departments.csv"
    departments: dict[str, DepartmentFigures] = {}
    for index, row in _rows(frame):
        rownum = _row_number(row, index)
        dept_id = row["department_id"]
        if not DEPARTMENT_ID.fullmatch(dept_id):
            errors.append(DataError(path, dept_id or None, "department_id",
                                    "由字母、数字、'-' 或 '_' 组成的编号（至多64个字符，不含路径或控制字符）",
                                    dept_id, rownum))
            continue
        if dept_id in departments:
            errors.append(DataError(path, dept_id, "department_id", "每个部门只列一次",
                                    "重复的行", rownum))
            continue
        for column in ("name", "short_name"):
            if bad_name(row[column]):
                errors.append(DataError(path, dept_id, column,
                                        f"1 至 {MAX_NAME_CHARS} 个字符的单行名称，"
                                        "不含控制字符", row[column], rownum))
        departments[dept_id] = DepartmentFigures(dept_id, year, row["name"], row["short_name"] or row["name"])
        departments[dept_id].sources["departments"] = path
    return departments


def _rows(frame):
    """(index, the row as a dict by column) of each of ``frame``'s rows.

    Not ``iterrows``: it builds a pandas Series per row, which made it most of the time it takes to read a
    year's amounts (``juesuan report`` reads the whole year before it hands out the first report).
    """
    columns = list(frame.columns)
    for index, values in zip(frame.index, frame.itertuples(index=False, name=None)):
        yield index, dict(zip(columns, values))


def _row_number(row, index) -> int:
    """The line in the file (header is line 1), also when rows were filtered."""
    if "_line" in row:
        return int(row["_line"])
    return int(row["index"]) + 2 if "index" in row else index + 2


def _department_of(path, row, rownum, departments, errors) -> DepartmentFigures | None:
    dept_id = row["department_id"]
    if dept_id not in departments:
        errors.append(DataError(path, dept_id or None, "department_id",
                                "departments.csv 中列出的部门", dept_id, rownum))
        return None
    return departments[dept_id]


CODE_KINDS = {"function": "功能分类科目编码：3位的类，或其下5位的款、7位的项", "vehicle": "车辆类型编码",
              "vehicle_use": "车辆用途编码", "economic": "经济分类科目编码：3位的类，或其下5位的款（名称写在 economic_names.csv）",
              "fund": "财政拨款的种类"}


def _code_hint(vocabulary: str, code: str) -> str:
    """What the code column takes; for a 款 or 项 code, what is missing (a known 类 above it, or its name)."""
    known = catalogue.CODE_VOCABULARIES[vocabulary]
    listed = "、".join(f"{c} {n}" for c, n in list(known.items())[:4 if vocabulary == "function" else None])
    hint = f"{CODE_KINDS[vocabulary]}，如 {listed}"
    if vocabulary == "function" and catalogue.FUNCTION_CODE.fullmatch(code) and len(code) > 3:
        level = catalogue.FUNCTION_LEVELS[len(code)]
        if code[:3] not in known:
            hint += f"；{code} 的前3位 {code[:3]} 不是已知的类"
        else:
            hint += (f"；{code} 是{level}级编码（属类 {code[:3]} {known[code[:3]]}），它的名称要写在本年度的 "
                     f"function_names.csv（一行：{code},{level}名称），或按类 {code[:3]} 合计填写")
    return hint


def _check_code(path, dept, item, code, vocabulary, rownum, errors) -> bool:
    """A coded item takes a code from its vocabulary, or none for its total."""
    if vocabulary is None:
        if code:
            errors.append(DataError(path, dept.department_id, f"{item} 的 code", "空的 code（此项目不分编码）", code, rownum,
                                    item=item))
            return False
        return True
    known = catalogue.CODE_VOCABULARIES[vocabulary]
    if not code and item in catalogue.CODED_ONLY:
        errors.append(DataError(path, dept.department_id, f"{item} 的 code", _code_hint(vocabulary, code)
                                + "（此项目只按功能分类填写，合计由 income.general_budget 等三项给出）", "空", rownum,
                                item=item))
        return False
    named_detail = (vocabulary == "function" and len(code) > 3 and code in dept.function_names
                    or vocabulary == "economic" and len(code) == 5 and code in dept.economic_names)
    if code and code not in known and not named_detail:
        errors.append(DataError(path, dept.department_id, f"{item} 的 code", _code_hint(vocabulary, code),
                                code, rownum, item=item))
        return False
    return True


def _read_amounts(path, frame, departments, errors):
    for index, row in _rows(frame):
        rownum = _row_number(row, index)
        dept = _department_of(path, row, rownum, departments, errors)
        if dept is None:
            continue
        item, code, text = row["item"], row["code"], row["amount"]
        if item in catalogue.AMOUNT_ITEMS:
            vocabulary = catalogue.AMOUNT_ITEMS[item][1]
        elif item in catalogue.COMPOSITES:
            vocabulary = None
        else:
            errors.append(DataError(path, dept.department_id, "item",
                                    "data/README.md 中列出的项目，如 income.general_budget", item, rownum))
            continue
        if not _check_code(path, dept, item, code, vocabulary, rownum, errors):
            continue
        value = parse_amount(text)
        if value is None:
            errors.append(DataError(path, dept.department_id, f"{item}{' ' + code if code else ''} 的 amount",
                                    describe_bad_amount(text), text, rownum, item=item))
            continue
        if (item, code) in dept.amounts:
            errors.append(DataError(path, dept.department_id, f"{item}{' ' + code if code else ''}",
                                    "每个项目和编码只有一行", "重复的行", rownum))
            continue
        dept.amounts[(item, code)] = value
        dept.sources["amounts"] = path


def _read_counts(path, frame, departments, errors):
    for index, row in _rows(frame):
        rownum = _row_number(row, index)
        dept = _department_of(path, row, rownum, departments, errors)
        if dept is None:
            continue
        item, code, text = row["item"], row["code"], row["count"]
        if item not in catalogue.COUNT_ITEMS:
            errors.append(DataError(path, dept.department_id, "item",
                                    "data/README.md 中列出的计数项目，如 vehicles_held", item, rownum))
            continue
        if not _check_code(path, dept, item, code, catalogue.COUNT_ITEMS[item][1], rownum, errors):
            continue
        if not COUNT.fullmatch(text) or int(text) > MAX_COUNT:
            errors.append(DataError(path, dept.department_id, f"{item}{' ' + code if code else ''} 的 count",
                                    f"0 至 {MAX_COUNT:,} 的整数", text, rownum))
            continue
        if (item, code) in dept.counts:
            errors.append(DataError(path, dept.department_id, f"{item}{' ' + code if code else ''}",
                                    "每个项目和编码只有一行", "重复的行", rownum))
            continue
        dept.counts[(item, code)] = int(text)
        dept.sources["counts"] = path


def _read_breakdowns(path, frame, departments, errors):
    for index, row in _rows(frame):
        rownum = _row_number(row, index)
        dept = _department_of(path, row, rownum, departments, errors)
        if dept is None:
            continue
        item, label, text = row["item"], row["label"], row["amount"]
        if item not in catalogue.AMOUNT_ITEMS:
            errors.append(DataError(path, dept.department_id, "item", "amounts.csv 中的金额项目", item, rownum))
            continue
        if bad_name(label, 200):
            errors.append(DataError(path, dept.department_id, "label",
                                    "1 至 200 个字符的单行标签，不含控制字符",
                                    label, rownum))
            continue
        value = parse_amount(text)
        if value is None:
            errors.append(DataError(path, dept.department_id, f"{item} {label} 的 amount",
                                    describe_bad_amount(text), text, rownum))
            continue
        parts = dept.breakdowns.setdefault(item, [])
        if any(existing == label for existing, _ in parts):
            errors.append(DataError(path, dept.department_id, f"{item} {label}", "每个项目和标签只有一行",
                                    "重复的行", rownum))
            continue
        parts.append((label, value))
        dept.sources["breakdowns"] = path


def _read_units(path, frame, departments, errors):
    for index, row in _rows(frame):
        rownum = _row_number(row, index)
        dept = _department_of(path, row, rownum, departments, errors)
        if dept is None:
            continue
        if row["unit_kind"] not in catalogue.UNIT_KINDS:
            errors.append(DataError(path, dept.department_id, "unit_kind", "以下之一：" + "、".join(catalogue.UNIT_KINDS),
                                    row["unit_kind"], rownum))
            continue
        if bad_name(row["unit_name"]):
            errors.append(DataError(path, dept.department_id, "unit_name",
                                    f"1 至 {MAX_NAME_CHARS} 个字符的单行名称，"
                                    "不含控制字符", row["unit_name"], rownum))
            continue
        if any(unit.name == row["unit_name"] for unit in dept.units):
            errors.append(DataError(path, dept.department_id, f"unit_name {row['unit_name']}",
                                    "每个单位只列一次", "重复的行", rownum))
            continue
        if row["unit_name"] in (dept.name, dept.short_name):
            # The report names the department's own office itself, before its units ("主要包括：市委组织部、…").
            errors.append(DataError(path, dept.department_id, "unit_name",
                                    "下属二级预算单位的名称；本部门机关不列在 units.csv（报告会先写出本部门）",
                                    row["unit_name"], rownum))
            continue
        dept.units.append(Unit(row["unit_name"], row["unit_kind"]))
        dept.sources["units"] = path


class TextLoader(yaml.SafeLoader):
    """YAML as people type it, without the parts that hide or multiply text.

    A key given twice is an error (plain YAML keeps the last one silently), and
    so are aliases (`*name`): a few lines of them can expand to gigabytes. So is
    nesting deeper than any field needs ([[[[…]]]] would exhaust the stack).
    """

    MAX_DEPTH = 16
    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "别名（*name）；请直接写出文字", event.start_mark)
        if self._depth >= self.MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"嵌套超过 {self.MAX_DEPTH} 层的列表或字段", self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):  # "? - a": unhashable, which plain PyYAML reports in its own words
                raise yaml.constructor.ConstructorError(
                    None, None, "列表或字段用作字段名（以“? ”开头）；字段名应是一段文字", key_node.start_mark)
            if not isinstance(key, (str, int)):
                continue
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"再次出现的字段 {key!r}（每个字段只写一次）", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    return str(getattr(exc, "problem", None) or "语法错误")


def _yaml_hint(exc: yaml.YAMLError) -> str:
    """How to fix the YAML mistakes people make: a colon or a leading special character inside plain text."""
    problem = _yaml_problem(exc)
    if "mapping values are not allowed" in problem:
        return ("：文字中有“: ”（半角冒号加空格）时，YAML 会把它当成新字段，"
                "请把整段文字放在英文双引号中，如 total_change: \"原因: 人员增加\"，或改用全角冒号“：”")
    if "found character" in problem and "cannot start any token" in problem:
        return "：以 @、`、%、* 等符号开头的文字请放在英文双引号中"
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return "：检查这一行和上一行的缩进（同一层的字段左对齐，列表项以 '- ' 开头），以及引号是否成对"
    return ""


def _yaml_line(exc: yaml.YAMLError) -> int | None:
    mark = getattr(exc, "problem_mark", None)
    return mark.line + 1 if mark else None


# The shape of text/<id>.yaml (data/README.md): "text" is one piece of text,
# ["text"] a list of them, and a dict the fields it may hold.
TEXT = "text"
TEXTS = ["text"]
TEXT_OR_TEXTS = "text or list of texts"


class _FunctionCodeKeys(dict):
    """Fields named by a function code at any level (reasons.gpb_budget.201, …20132, …2013201)."""

    def __contains__(self, key) -> bool:
        key = str(key)
        return bool(catalogue.FUNCTION_CODE.fullmatch(key)) and key[:3] in catalogue.FUNCTION_CLASSES

    def __getitem__(self, key):
        return TEXT


FUNCTION_CODE_KEYS = _FunctionCodeKeys({code: TEXT for code in catalogue.FUNCTION_CLASSES})
TEXT_SCHEMA = {
    "duties": [{"title": TEXT, "items": TEXTS}],
    "reasons": {
        "total_change": TEXT, "fiscal_change": TEXT, "gpb_change": TEXT,
        "gpb_budget": FUNCTION_CODE_KEYS,
        "three_public_against_budget": TEXT,
        "gpb_against_budget": TEXT, "gf_budget": FUNCTION_CODE_KEYS,
        "abroad_change": TEXT, "vehicle_change": TEXT, "reception_change": TEXT,
        "admin_operating_change": TEXT,
    },
    "covers": {"personnel": TEXTS, "public": TEXTS, "vehicle_operation": TEXT, "reception_domestic": TEXT,
               "vehicles_other_use": TEXT},
    "performance": {"overall_summary": TEXT, "special_summary": TEXT, "management": TEXT},
    # The national template's 第一部分 (主要职能, 部门决算单位构成) and what each 项 was used for (主要用于).
    "functions": TEXTS,
    "unit_scope": TEXT,
    "unit_names": TEXTS,
    "uses": FUNCTION_CODE_KEYS,
    "attachment": {key: TEXT_OR_TEXTS for key in (
        "annual_tasks", "performance_goals", "personnel_projects", "operating_projects", "special_projects",
        "overall_performance", "result_application", "evaluation_quality", "problems", "suggestions",
        "appendix_note")},
    "glossary": [{"term": TEXT, "definition": TEXT}],
}
REQUIRED_KEYS = {"duties": ("title", "items"), "glossary": ("term", "definition")}


def _read_department_text(folder: Path, dept: DepartmentFigures, errors) -> None:
    path = folder / "text" / f"{dept.department_id}.yaml"
    if not path.exists():
        return
    try:
        loaded = yaml.load(read_text_file(path), Loader=TextLoader)  # noqa: S506 -- a SafeLoader
    except DataError as exc:
        errors.append(DataError(path, dept.department_id, exc.field, exc.expected, exc.got, line=exc.line))
        return
    except yaml.YAMLError as exc:
        errors.append(DataError(path, dept.department_id, "YAML", "格式正确的 YAML" + _yaml_hint(exc), _yaml_problem(exc),
                                line=_yaml_line(exc)))
        return
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        errors.append(DataError(path, dept.department_id, "YAML", "“字段: 内容”形式的各字段（duties:、reasons:、…）",
                                type(loaded).__name__))
        return
    loaded = _string_keys(loaded)
    before = len(errors)
    _check_text_shape(path, dept.department_id, loaded, TEXT_SCHEMA, "", errors)
    _check_text_sizes(path, dept.department_id, loaded, "", errors)
    if len(errors) > before:
        return
    dept.text = loaded
    dept.sources["text"] = path


def load_glossary(data_dir: Path) -> list[dict]:
    """data/glossary.yaml: a data folder's own 名词解释, over its template's, for a department whose text gives
    none; [] when absent (the template's is used)."""
    return load_glossary_file(Path(data_dir) / "glossary.yaml")


def load_glossary_file(path: Path) -> list[dict]:
    """A glossary file, a list of {term, definition}; [] when absent.

    Read like a department's text (UTF-8 or GBK, plain YAML); its first problem is raised as a DataError.
    """
    if not path.exists():
        return []
    try:
        loaded = yaml.load(read_text_file(path), Loader=TextLoader)  # noqa: S506 -- a SafeLoader
    except yaml.YAMLError as exc:
        raise DataError(path, None, "YAML", "格式正确的 YAML：由 {term, definition} 组成的列表" + _yaml_hint(exc),
                        _yaml_problem(exc), line=_yaml_line(exc)) from None
    if loaded is None:
        return []
    errors: list[DataError] = []
    _check_text_shape(path, None, loaded, TEXT_SCHEMA["glossary"], "glossary", errors)
    if not errors:
        _check_text_sizes(path, None, loaded, "glossary", errors)
    if errors:
        raise errors[0]
    return loaded


def _string_keys(value):
    """`201:` in YAML is the int 201; the report looks fields up by the text '201'."""
    if isinstance(value, dict):
        return {str(k) if isinstance(k, int) and not isinstance(k, bool) else k: _string_keys(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_string_keys(v) for v in value]
    return value


def _is_text(value) -> bool:
    return isinstance(value, (str, int, float, date)) and not isinstance(value, bool)


def _check_text_shape(path, dept_id, value, schema, where, errors) -> None:
    """Each field holds what the report can print: text where text goes, lists where lists go."""
    def fail(expected, got):
        errors.append(DataError(path, dept_id, where or "text", expected, got))

    if value is None:
        return  # an empty field is an absent one
    if schema in (TEXT, TEXT_OR_TEXTS):
        if _is_text(value):
            return
        if schema == TEXT_OR_TEXTS and isinstance(value, list):
            for i, item in enumerate(value):
                _check_text_shape(path, dept_id, item, TEXT, f"{where}[{i}]", errors)
            return
        hint = "（读作 yes/no/true/false 的文字请加引号）" if isinstance(value, bool) else ""
        fail(("一段文字或若干段文字的列表" if schema == TEXT_OR_TEXTS else "一段文字") + hint,
             _shape_name(value))
    elif isinstance(schema, list):
        if not isinstance(value, list):
            fail("列表（每行以 '- ' 开头）", _shape_name(value))
            return
        for i, item in enumerate(value):
            _check_text_shape(path, dept_id, item, schema[0], f"{where}[{i}]", errors)
        if schema == TEXTS and where.endswith("items") and not value:
            fail("至少一项", "空列表")
    elif isinstance(schema, dict):
        if not isinstance(value, dict):
            fail("字段 " + ", ".join(list(schema)[:6]) + ("…" if len(schema) > 6 else ""), _shape_name(value))
            return
        for key, sub in value.items():
            inner = f"{where}.{key}" if where else str(key)
            if key not in schema:
                known = ", ".join(list(schema)[:12]) + ("…" if len(schema) > 12 else "")
                errors.append(DataError(path, dept_id, inner,
                                        f"data/README.md 中列出的字段（{known}）", str(key)))
                continue
            _check_text_shape(path, dept_id, sub, schema[key], inner, errors)
        parent = where.split("[")[0]
        for key in REQUIRED_KEYS.get(parent, ()) if where.endswith("]") else ():
            if value.get(key) in (None, "", []):
                errors.append(DataError(path, dept_id, f"{where}.{key}", "一个值", "空"))


def _shape_name(value) -> str:
    if isinstance(value, dict):
        return "若干字段"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, bool):
        return str(value).lower()
    return type(value).__name__


def _check_text_sizes(path, dept_id, value, where, errors):
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARS:
            errors.append(DataError(path, dept_id, where or "text",
                                    f"至多 {MAX_TEXT_CHARS:,} 个字符", f"{len(value):,}个字符"))
    elif isinstance(value, dict):
        for key, sub in value.items():
            _check_text_sizes(path, dept_id, sub, f"{where}.{key}" if where else str(key), errors)
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            _check_text_sizes(path, dept_id, sub, f"{where}[{i}]", errors)
