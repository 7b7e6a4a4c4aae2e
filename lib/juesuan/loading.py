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

from . import catalogue
from .errors import DataError, has_control_characters
from .money import MAX_AMOUNT_TEXT, within_bound

DEPARTMENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
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
}
REQUIRED_FILES = ("departments", "amounts")


def read_text_file(path: Path) -> str:
    """Text as saved by people: UTF-8 (with or without BOM), or GBK/GB18030 from Excel."""
    try:
        raw = Path(path).read_bytes()
    except IsADirectoryError:
        raise DataError(path, None, "file", "a file, not a folder", "a folder") from None
    except OSError as exc:
        raise DataError(path, None, "file", "a readable file", exc.strerror or type(exc).__name__) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(path, None, "encoding",
                        "text in UTF-8 or GB18030/GBK (in Excel: Save As 'CSV UTF-8'), not UTF-16 'Unicode Text'",
                        "UTF-16") from None
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DataError(path, None, "encoding",
                        "text in UTF-8 or GB18030/GBK (in Excel: Save As 'CSV UTF-8')",
                        f"undecodable bytes at offset {exc.start}") from None


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
        raise DataError(path, None, "header", "a header line: " + ",".join(columns), "an empty file")
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
        raise DataError(path, None, "CSV", "comma-separated cells, a cell holding a comma or a quote in double quotes",
                        str(exc), line) from None
    records = [(line, _trim_empty_tail(cells, len(columns))) for line, cells in records if any(cells)]
    if not records:
        raise DataError(path, None, "header", "a header line: " + ",".join(columns), "an empty file")
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


def _bad_row(path: Path, columns: list[str], line: int, cells: list[str]) -> DataError:
    department = cells[0] if cells and DEPARTMENT_ID.fullmatch(cells[0]) else None
    if columns[-1] == "amount" and len(cells) == len(columns) + 1 \
            and re.fullmatch(r"\d{1,3}", cells[-2]) and re.fullmatch(r"\d{3}(\.\d*)?", cells[-1]):
        typed = f"{cells[-2]},{cells[-1]}"
        return DataError(path, department, "amount",
                         "a plain number without thousands separators (1848.70, not 1,848.70)", typed, line)
    return DataError(path, department, "cells",
                     f"{len(columns)} cells ({','.join(columns)}); a cell holding a comma goes in double quotes",
                     f"{len(cells)} cells", line)


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
        return "an amount in 万元 (write 0 when there is none)"
    if "," in text or "，" in text:
        return "a plain number without thousands separators (1848.70, not 1,848.70)"
    if "万" in text or "元" in text:
        return "a plain number in 万元 without a unit (1848.7, not 1848.7万元)"
    if text.startswith(("-", "－", "(")):
        return "an amount of zero or more 万元"
    if AMOUNT.fullmatch(text):
        return f"an amount of at most {MAX_AMOUNT_TEXT} 万元 (10^12; a larger figure is a typo)"
    if re.fullmatch(r"[0-9]+\.[0-9]{3,}", text):
        return "an amount in 万元 with at most two decimals"
    if any("０" <= c <= "９" or c == "．" for c in text):
        return "an amount in half-width digits (1848.7, not １８４８．７)"
    if re.fullmatch(r"[0-9.]+[eE][+-]?[0-9]+", text):
        return "a plain number, not scientific notation (1848.7, not 1.8487E+03)"
    return "an amount in 万元, such as 1848.7 or 0"


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
        raise DataError(data_dir, None, "year folders", "at least one folder data/<year>/ (e.g. data/2022)",
                        "none")
    return years[-1]


def is_comparison_only(data_dir: Path, year: int) -> bool:
    """A year kept only to compare with (figures taken from a later year's text): see data/README.md."""
    marker = year_folder(data_dir, year) / "year.yaml"
    if not marker.exists():
        return False
    try:
        settings = yaml.load(read_text_file(marker), Loader=TextLoader) or {}  # noqa: S506 -- a SafeLoader
    except yaml.YAMLError as exc:
        raise DataError(marker, None, "YAML", "well-formed YAML such as 'comparison_only: true'",
                        _yaml_problem(exc), line=_yaml_line(exc)) from None
    if not isinstance(settings, dict):
        raise DataError(marker, None, "YAML", "a mapping such as 'comparison_only: true'", settings)
    unknown = [str(key) for key in settings if key not in YEAR_SETTINGS]
    if unknown:
        raise DataError(marker, None, unknown[0], "only the setting " + ", ".join(YEAR_SETTINGS), unknown[0])
    if not isinstance(settings.get("comparison_only", False), bool):
        raise DataError(marker, None, "comparison_only", "true or false", settings["comparison_only"])
    return settings.get("comparison_only", False)


YEAR_SETTINGS = ("comparison_only",)


def report_years(data_dir: Path) -> list[int]:
    return [y for y in available_years(data_dir) if not is_comparison_only(data_dir, y)]


def check_year(data_dir: Path, year: int) -> None:
    if year not in YEAR_RANGE:
        raise DataError(data_dir, None, "year", f"a year from {YEAR_RANGE.start} to {YEAR_RANGE.stop - 1}", year)


def _stray_year_folders(data_dir: Path, year: int) -> list[DataError]:
    """Folders that look meant as a year but would be passed over.

    A folder whose name is all digits must be a year in range (1899, 2202 and
    20221 are typos). The year and its comparison year must be named by the
    year alone: a `2021年` or `FY2021` beside no `2021` would leave the report
    silently without its comparisons.
    """
    data_dir = Path(data_dir)
    errors = []
    wanted = {year: "the report year", year - 1: f"the comparison year of {year}"}
    for path in sorted(data_dir.iterdir()) if data_dir.is_dir() else []:
        if not path.is_dir() or path.name.startswith("."):
            continue
        name = path.name
        if name.isascii() and name.isdigit():
            if int(name) not in YEAR_RANGE:
                errors.append(DataError(path, None, "folder name",
                                        f"a year from {YEAR_RANGE.start} to {YEAR_RANGE.stop - 1}", name))
            continue
        match = YEARISH.search(name)
        if match and int(match.group(1)) in wanted and not (data_dir / match.group(1)).is_dir():
            named = match.group(1)
            errors.append(DataError(path, None, "folder name",
                                    f"a folder named {named}, the year alone ({wanted[int(named)]})", name))
    return errors


def load_year(data_dir: Path, year: int, only: str | None = None) -> YearData:
    """Read every file of data/<year>/; problems are collected, not raised.

    With `only`, rows of other departments are skipped unread: a report of one
    department in a city of hundreds does not parse the hundreds.
    """
    check_year(data_dir, year)
    folder = year_folder(data_dir, year)
    errors: list[DataError] = _stray_year_folders(data_dir, year)
    frames: dict[str, pd.DataFrame] = {}
    if not folder.is_dir():
        if errors:
            raise errors[0]
        raise DataError(folder, None, "folder", f"a folder of data for {year}", "no such folder")
    try:
        is_comparison_only(data_dir, year)  # a broken year.yaml is a problem of the year, said with the others
    except DataError as exc:
        errors.append(exc)
    for key, (filename, columns) in FILES.items():
        path = folder / filename
        empty = pd.DataFrame(columns=columns + ["_line"])
        if not path.exists():
            if key in REQUIRED_FILES:
                errors.append(DataError(path, None, "file", f"{filename} with columns {','.join(columns)}",
                                        "no such file"))
            frames[key] = empty
            continue
        try:
            frame, row_errors = read_csv_rows(path, columns)
        except DataError as exc:
            errors.append(exc)
            frames[key] = empty
            continue
        if only:
            frame = frame[frame["department_id"] == only]
            row_errors = [e for e in row_errors if e.department in (only, None)]
        errors.extend(row_errors)
        frames[key] = frame

    departments = _read_departments(folder, year, frames["departments"], errors)
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
                                    "figures for every department listed in departments.csv", "no rows"))
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
            errors.append(DataError(path, None, "file name", "<department_id>.yaml", path.name))
        elif path.stem not in departments:
            errors.append(DataError(path, path.stem, "file name",
                                    "text/<department_id>.yaml of a department listed in departments.csv",
                                    path.name))


def _read_departments(folder, year, frame, errors) -> dict[str, DepartmentFigures]:
    path = folder / "departments.csv"
    departments: dict[str, DepartmentFigures] = {}
    for index, row in frame.iterrows():
        rownum = _row_number(row, index)
        dept_id = row["department_id"]
        if not DEPARTMENT_ID.fullmatch(dept_id):
            errors.append(DataError(path, dept_id or None, "department_id",
                                    "letters, digits, '-' or '_' (at most 64, no path or control characters)",
                                    dept_id, rownum))
            continue
        if dept_id in departments:
            errors.append(DataError(path, dept_id, "department_id", "each department listed once",
                                    "a duplicate row", rownum))
            continue
        for column in ("name", "short_name"):
            if bad_name(row[column]):
                errors.append(DataError(path, dept_id, column,
                                        f"a name of 1 to {MAX_NAME_CHARS} characters on one line, "
                                        "without control characters", row[column], rownum))
        departments[dept_id] = DepartmentFigures(dept_id, year, row["name"], row["short_name"] or row["name"])
        departments[dept_id].sources["departments"] = path
    return departments


def _row_number(row, index) -> int:
    """The line in the file (header is line 1), also when rows were filtered."""
    if "_line" in row.index:
        return int(row["_line"])
    return int(row["index"]) + 2 if "index" in row.index else index + 2


def _department_of(path, row, rownum, departments, errors) -> DepartmentFigures | None:
    dept_id = row["department_id"]
    if dept_id not in departments:
        errors.append(DataError(path, dept_id or None, "department_id",
                                "a department listed in departments.csv", dept_id, rownum))
        return None
    return departments[dept_id]


def _check_code(path, dept, item, code, vocabulary, rownum, errors) -> bool:
    """A coded item takes a code from its vocabulary, or none for its total."""
    if vocabulary is None:
        if code:
            errors.append(DataError(path, dept.department_id, f"code of {item}", "an empty code", code, rownum))
            return False
        return True
    known = catalogue.CODE_VOCABULARIES[vocabulary]
    if code and code not in known:
        sample = ", ".join(list(known)[:4])
        errors.append(DataError(path, dept.department_id, f"code of {item}",
                                f"a {vocabulary} code such as {sample}", code, rownum))
        return False
    return True


def _read_amounts(path, frame, departments, errors):
    for index, row in frame.iterrows():
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
                                    "an item named in data/README.md, such as income.general_budget", item, rownum))
            continue
        if not _check_code(path, dept, item, code, vocabulary, rownum, errors):
            continue
        value = parse_amount(text)
        if value is None:
            errors.append(DataError(path, dept.department_id, f"amount of {item}{' ' + code if code else ''}",
                                    describe_bad_amount(text), text, rownum))
            continue
        if (item, code) in dept.amounts:
            errors.append(DataError(path, dept.department_id, f"{item}{' ' + code if code else ''}",
                                    "one row per item and code", "a duplicate row", rownum))
            continue
        dept.amounts[(item, code)] = value
        dept.sources["amounts"] = path


def _read_counts(path, frame, departments, errors):
    for index, row in frame.iterrows():
        rownum = _row_number(row, index)
        dept = _department_of(path, row, rownum, departments, errors)
        if dept is None:
            continue
        item, code, text = row["item"], row["code"], row["count"]
        if item not in catalogue.COUNT_ITEMS:
            errors.append(DataError(path, dept.department_id, "item",
                                    "a count named in data/README.md, such as vehicles_held", item, rownum))
            continue
        if not _check_code(path, dept, item, code, catalogue.COUNT_ITEMS[item][1], rownum, errors):
            continue
        if not COUNT.fullmatch(text) or int(text) > MAX_COUNT:
            errors.append(DataError(path, dept.department_id, f"count of {item}{' ' + code if code else ''}",
                                    f"a whole number from 0 to {MAX_COUNT:,}", text, rownum))
            continue
        if (item, code) in dept.counts:
            errors.append(DataError(path, dept.department_id, f"{item}{' ' + code if code else ''}",
                                    "one row per item and code", "a duplicate row", rownum))
            continue
        dept.counts[(item, code)] = int(text)
        dept.sources["counts"] = path


def _read_breakdowns(path, frame, departments, errors):
    for index, row in frame.iterrows():
        rownum = _row_number(row, index)
        dept = _department_of(path, row, rownum, departments, errors)
        if dept is None:
            continue
        item, label, text = row["item"], row["label"], row["amount"]
        if item not in catalogue.AMOUNT_ITEMS:
            errors.append(DataError(path, dept.department_id, "item", "an amount item of amounts.csv", item, rownum))
            continue
        if bad_name(label, 200):
            errors.append(DataError(path, dept.department_id, "label",
                                    "a label of 1 to 200 characters on one line, without control characters",
                                    label, rownum))
            continue
        value = parse_amount(text)
        if value is None:
            errors.append(DataError(path, dept.department_id, f"amount of {item} {label}",
                                    describe_bad_amount(text), text, rownum))
            continue
        parts = dept.breakdowns.setdefault(item, [])
        if any(existing == label for existing, _ in parts):
            errors.append(DataError(path, dept.department_id, f"{item} {label}", "one row per item and label",
                                    "a duplicate row", rownum))
            continue
        parts.append((label, value))
        dept.sources["breakdowns"] = path


def _read_units(path, frame, departments, errors):
    for index, row in frame.iterrows():
        rownum = _row_number(row, index)
        dept = _department_of(path, row, rownum, departments, errors)
        if dept is None:
            continue
        if row["unit_kind"] not in catalogue.UNIT_KINDS:
            errors.append(DataError(path, dept.department_id, "unit_kind", "one of " + "、".join(catalogue.UNIT_KINDS),
                                    row["unit_kind"], rownum))
            continue
        if bad_name(row["unit_name"]):
            errors.append(DataError(path, dept.department_id, "unit_name",
                                    f"a name of 1 to {MAX_NAME_CHARS} characters on one line, "
                                    "without control characters", row["unit_name"], rownum))
            continue
        if any(unit.name == row["unit_name"] for unit in dept.units):
            errors.append(DataError(path, dept.department_id, f"unit_name {row['unit_name']}",
                                    "each unit listed once", "a duplicate row", rownum))
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
                None, None, "an alias (*name); write the text out instead", event.start_mark)
        if self._depth >= self.MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"lists or fields nested more than {self.MAX_DEPTH} deep", self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int)) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the field {key!r} a second time (give each field once)", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    return str(getattr(exc, "problem", None) or "a syntax error")


def _yaml_line(exc: yaml.YAMLError) -> int | None:
    mark = getattr(exc, "problem_mark", None)
    return mark.line + 1 if mark else None


# The shape of text/<id>.yaml (data/README.md): "text" is one piece of text,
# ["text"] a list of them, and a dict the fields it may hold.
TEXT = "text"
TEXTS = ["text"]
TEXT_OR_TEXTS = "text or list of texts"
TEXT_SCHEMA = {
    "duties": [{"title": TEXT, "items": TEXTS}],
    "reasons": {
        "total_change": TEXT, "fiscal_change": TEXT, "gpb_change": TEXT,
        "gpb_budget": {code: TEXT for code in catalogue.FUNCTION_CLASSES},
        "three_public_against_budget": TEXT,
        "abroad_change": TEXT, "vehicle_change": TEXT, "reception_change": TEXT,
        "admin_operating_change": TEXT,
    },
    "covers": {"personnel": TEXTS, "public": TEXTS, "vehicle_operation": TEXT, "reception_domestic": TEXT,
               "vehicles_other_use": TEXT},
    "performance": {"overall_summary": TEXT, "special_summary": TEXT},
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
        errors.append(DataError(path, dept.department_id, "YAML", "well-formed YAML", _yaml_problem(exc),
                                line=_yaml_line(exc)))
        return
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        errors.append(DataError(path, dept.department_id, "YAML", "a mapping of fields (duties:, reasons:, …)",
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
    """data/glossary.yaml, the standard 名词解释 for a department whose text gives none; [] when absent.

    Read like a department's text (UTF-8 or GBK, plain YAML); its first problem is raised as a DataError.
    """
    path = Path(data_dir) / "glossary.yaml"
    if not path.exists():
        return []
    try:
        loaded = yaml.load(read_text_file(path), Loader=TextLoader)  # noqa: S506 -- a SafeLoader
    except yaml.YAMLError as exc:
        raise DataError(path, None, "YAML", "well-formed YAML: a list of {term, definition}",
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
        hint = " (put text that reads yes/no/true/false in quotes)" if isinstance(value, bool) else ""
        fail(("a text or a list of paragraphs" if schema == TEXT_OR_TEXTS else "a text") + hint,
             _shape_name(value))
    elif isinstance(schema, list):
        if not isinstance(value, list):
            fail("a list (lines starting with '- ')", _shape_name(value))
            return
        for i, item in enumerate(value):
            _check_text_shape(path, dept_id, item, schema[0], f"{where}[{i}]", errors)
        if schema == TEXTS and where.endswith("items") and not value:
            fail("at least one item", "an empty list")
    elif isinstance(schema, dict):
        if not isinstance(value, dict):
            fail("fields " + ", ".join(list(schema)[:6]) + ("…" if len(schema) > 6 else ""), _shape_name(value))
            return
        for key, sub in value.items():
            inner = f"{where}.{key}" if where else str(key)
            if key not in schema:
                known = ", ".join(list(schema)[:12]) + ("…" if len(schema) > 12 else "")
                errors.append(DataError(path, dept_id, inner,
                                        f"a field named in data/README.md ({known})", str(key)))
                continue
            _check_text_shape(path, dept_id, sub, schema[key], inner, errors)
        parent = where.split("[")[0]
        for key in REQUIRED_KEYS.get(parent, ()) if where.endswith("]") else ():
            if value.get(key) in (None, "", []):
                errors.append(DataError(path, dept_id, f"{where}.{key}", "a value", "nothing"))


def _shape_name(value) -> str:
    if isinstance(value, dict):
        return "fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return str(value).lower()
    return type(value).__name__


def _check_text_sizes(path, dept_id, value, where, errors):
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARS:
            errors.append(DataError(path, dept_id, where or "text",
                                    f"at most {MAX_TEXT_CHARS:,} characters", f"{len(value):,} characters"))
    elif isinstance(value, dict):
        for key, sub in value.items():
            _check_text_sizes(path, dept_id, sub, f"{where}.{key}" if where else str(key), errors)
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            _check_text_sizes(path, dept_id, sub, f"{where}[{i}]", errors)
