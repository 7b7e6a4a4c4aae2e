"""Read one year of data from data/<year>/ and say exactly what is wrong with it.

Every figure is kept as the exact Decimal typed in the file. Problems are
collected per department, so one bad department never hides the others.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
import yaml

from . import catalogue
from .errors import DataError

DEPARTMENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
AMOUNT = re.compile(r"\d+(\.\d{1,2})?")
COUNT = re.compile(r"\d+")
MAX_TEXT_CHARS = 20_000
YEAR_RANGE = range(2000, 2101)

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
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DataError(path, None, "encoding", "text in UTF-8 or GB18030/GBK",
                        f"undecodable bytes at offset {exc.start}") from None


def read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    """A CSV as strings (never floats), with its expected header."""
    text = read_text_file(path)
    if not text.strip():
        raise DataError(path, None, "header", "a header line: " + ",".join(columns), "an empty file")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                            skipinitialspace=False)
    except (pd.errors.ParserError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[-1]
        raise DataError(path, None, "CSV", "comma-separated rows with the header's number of fields",
                        detail) from None
    header = [str(c).strip() for c in frame.columns]
    if header != columns:
        raise DataError(path, None, "header", ",".join(columns), ",".join(header))
    frame.columns = columns
    return frame.apply(lambda col: col.str.strip())


def parse_amount(text: str) -> Decimal | None:
    """'1848.7' -> Decimal('1848.7'); anything that is not a plain amount -> None."""
    return Decimal(text) if AMOUNT.fullmatch(text) else None


def describe_bad_amount(text: str) -> str:
    if "," in text or "，" in text:
        return "a plain number without thousands separators (1848.70, not 1,848.70)"
    if "万" in text or "元" in text:
        return "a plain number in 万元 without a unit (1848.7, not 1848.7万元)"
    if text.startswith("-"):
        return "an amount of zero or more 万元"
    if re.fullmatch(r"\d+\.\d{3,}", text):
        return "an amount in 万元 with at most two decimals"
    return "an amount in 万元, such as 1848.7 or 0"


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
        settings = yaml.safe_load(read_text_file(marker)) or {}
    except yaml.YAMLError:
        raise DataError(marker, None, "YAML", "well-formed YAML such as 'comparison_only: true'", "a syntax error")
    if not isinstance(settings, dict) or not isinstance(settings.get("comparison_only", False), bool):
        raise DataError(marker, None, "comparison_only", "true or false", settings)
    return settings.get("comparison_only", False)


def report_years(data_dir: Path) -> list[int]:
    return [y for y in available_years(data_dir) if not is_comparison_only(data_dir, y)]


def check_year(data_dir: Path, year: int) -> None:
    if year not in YEAR_RANGE:
        raise DataError(data_dir, None, "year", f"a year from {YEAR_RANGE.start} to {YEAR_RANGE.stop - 1}", year)


def load_year(data_dir: Path, year: int, only: str | None = None) -> YearData:
    """Read every file of data/<year>/; problems are collected, not raised.

    With `only`, rows of other departments are skipped unread: a report of one
    department in a city of hundreds does not parse the hundreds.
    """
    check_year(data_dir, year)
    folder = year_folder(data_dir, year)
    errors: list[DataError] = []
    frames: dict[str, pd.DataFrame] = {}
    if not folder.is_dir():
        raise DataError(folder, None, "folder", f"a folder of data for {year}", "no such folder")
    for key, (filename, columns) in FILES.items():
        path = folder / filename
        if not path.exists():
            if key in REQUIRED_FILES:
                errors.append(DataError(path, None, "file", f"{filename} with columns {','.join(columns)}",
                                        "no such file"))
            frames[key] = pd.DataFrame(columns=columns)
            continue
        try:
            frame = read_csv(path, columns)
            frames[key] = frame[frame["department_id"] == only].reset_index() if only else frame
        except DataError as exc:
            errors.append(exc)
            frames[key] = pd.DataFrame(columns=columns)

    departments = _read_departments(folder, year, frames["departments"], errors)
    for key, reader in (("amounts", _read_amounts), ("counts", _read_counts),
                        ("breakdowns", _read_breakdowns), ("units", _read_units)):
        reader(folder / FILES[key][0], frames[key], departments, errors)
    for dept in departments.values():
        _read_department_text(folder, dept, errors)
        if not dept.amounts:
            errors.append(DataError(folder / "amounts.csv", dept.department_id, "amounts",
                                    "figures for every department listed in departments.csv", "no rows"))
    return YearData(year, folder, departments, errors)


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
            if not row[column] or len(row[column]) > 100:
                errors.append(DataError(path, dept_id, column, "a name of 1 to 100 characters", row[column], rownum))
        departments[dept_id] = DepartmentFigures(dept_id, year, row["name"], row["short_name"] or row["name"])
        departments[dept_id].sources["departments"] = path
    return departments


def _row_number(row, index) -> int:
    """The line in the file (header is line 1), also when rows were filtered."""
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
        if not COUNT.fullmatch(text):
            errors.append(DataError(path, dept.department_id, f"count of {item}{' ' + code if code else ''}",
                                    "a whole number of zero or more", text, rownum))
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
        if not label or len(label) > 200:
            errors.append(DataError(path, dept.department_id, "label", "a label of 1 to 200 characters", label, rownum))
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
        if not row["unit_name"] or len(row["unit_name"]) > 100:
            errors.append(DataError(path, dept.department_id, "unit_name", "a name of 1 to 100 characters",
                                    row["unit_name"], rownum))
            continue
        dept.units.append(Unit(row["unit_name"], row["unit_kind"]))
        dept.sources["units"] = path


def _read_department_text(folder: Path, dept: DepartmentFigures, errors) -> None:
    path = folder / "text" / f"{dept.department_id}.yaml"
    if not path.exists():
        return
    try:
        loaded = yaml.safe_load(read_text_file(path))
    except DataError as exc:
        errors.append(DataError(path, dept.department_id, exc.field, exc.expected, exc.got))
        return
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        errors.append(DataError(path, dept.department_id, "YAML", "well-formed YAML",
                                f"{getattr(exc, 'problem', 'a syntax error')} at {where}"))
        return
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        errors.append(DataError(path, dept.department_id, "YAML", "a mapping of fields (duties:, reasons:, …)",
                                type(loaded).__name__))
        return
    _check_text_sizes(path, dept, loaded, "", errors)
    dept.text = loaded
    dept.sources["text"] = path


def _check_text_sizes(path, dept, value, where, errors):
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARS:
            errors.append(DataError(path, dept.department_id, where or "text",
                                    f"at most {MAX_TEXT_CHARS:,} characters", f"{len(value):,} characters"))
    elif isinstance(value, dict):
        for key, sub in value.items():
            _check_text_sizes(path, dept, sub, f"{where}.{key}" if where else str(key), errors)
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            _check_text_sizes(path, dept, sub, f"{where}[{i}]", errors)
