"""Bootstrap data/ from a published report: `juesuan extract`, for any template.

`juesuan extract PUBLISHED.txt --department ID --year Y --out DIR [--template NAME]`
reads the text by its template's own sentences (`template_extract`: the template
rendered from its example department with every value marked by the data row it
states), and writes:

    DIR/<Y>/departments.csv, units.csv, amounts.csv, counts.csv, breakdowns.csv,
           function_names.csv       the names of the 款 and 项 the text names
    DIR/<Y>/text/<ID>.yaml              the department's own words
    DIR/<Y-1>/departments.csv, amounts.csv, year.yaml (comparison_only: true)
                                        last year's figures, as the changes imply them
    DIR/<Y>/extracted/<ID>.yaml         what was not found, derived, assumed, or not read

Figures are taken as the text prints them, each where the template writes it;
last year's from the changes (增加/减少 give the sign), a budget from a completion
rate where the rate fixes it. Where the published text contradicts itself (a
total that is not the sum of its items), the parts are kept as printed and the
audit of the text against the extracted data reports the contradiction.

A field that the text does not give is never guessed: it is left out of the
files and listed under `extraction_missing` (and `juesuan validate` names
it too). A value the text does not state but that the template's logic fixes
is listed under `extraction_derived` with where it comes from; a choice the
text leaves open but the data files need is listed under `extraction_assumed`,
for a person to confirm; text no sentence of the template reads, under
`extraction_unread`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
import yaml

from juesuan.audit.published_source import read_source, recognise_template
from juesuan.audit.template_extract import extract_with_template
from juesuan.data import catalogue
from juesuan.data.formatting import format_amount
from juesuan.data.loading import DEPARTMENT_ID, FILES, YEAR_RANGE, read_csv, read_text_file
from juesuan.data.template import DEFAULT_TEMPLATE, load_template
from juesuan.errors import DataError


@dataclass
class Extraction:
    department_id: str
    year: int
    source: str = ""
    name: str | None = None
    short_name: str | None = None
    amounts: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    breakdowns: dict[str, list[tuple[str, Decimal]]] = field(default_factory=dict)
    units: list[tuple[str, str]] = field(default_factory=list)
    text: dict = field(default_factory=dict)
    previous: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    function_names: dict[str, str] = field(default_factory=dict)
    unread: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    derived: list[dict] = field(default_factory=list)
    assumed: list[dict] = field(default_factory=list)

    def miss(self, field_name: str, why: str) -> None:
        if not any(m["field"] == field_name for m in self.missing):
            self.missing.append({"field": field_name, "why": why})

    def derive(self, field_name: str, value, source: str) -> None:
        self.derived.append({"field": field_name, "value": _plain(value), "from": source})

    def assume(self, field_name: str, value, why: str) -> None:
        self.assumed.append({"field": field_name, "value": _plain(value), "why": why})


def _plain(value):
    if isinstance(value, Decimal):
        return format_amount(value).replace(",", "")
    return value


def extract(text: str, department: str, year: int, name: str | None = None, source: str = "",
            template: str | Path | None = None, data_dir: Path = Path("data"), sentences=None) -> Extraction:
    """Everything a published report gives for the data files, read by its template's own sentences
    (template_extract); `data_dir` holds the template's example department, whose rendering they come from
    (`sentences`: the template's sentences, where the caller has them already)."""
    if not DEPARTMENT_ID.fullmatch(department):
        raise DataError(source or "extract", department, "department_id",
                        "由字母、数字、'-' 或 '_' 组成的编号（至多64个字符）", department)
    if year not in YEAR_RANGE:
        raise DataError(source or "extract", department, "year",
                        f"{YEAR_RANGE.start} 至 {YEAR_RANGE.stop - 1} 之间的年度", year)
    ex = Extraction(department, year, source, name=name)
    extract_with_template(text, load_template(template or DEFAULT_TEMPLATE), Path(data_dir), ex, sentences)
    if ex.name is None and ex.short_name:
        ex.name = ex.short_name
        ex.assume("departments.name", ex.short_name, "文中没有部门全称（没有标题行），暂用正文中使用的简称；"
                  "可用--name指定全称")
    elif ex.name is None:
        ex.miss("departments.name", "文中没有部门名称（没有标题行）：可用 --name 指定全称")
    return ex


# ------------------------------------------------------------------ writing
def _amount_text(value: Decimal) -> str:
    return format_amount(value).replace(",", "")


def _merge_csv(path: Path, columns: list[str], department: str, rows: list[list[str]]) -> None:
    """Replace this department's rows of a data file, keeping every other department's."""
    frames = []
    if path.exists():
        existing = read_csv(path, columns)[columns]
        frames.append(existing[existing["department_id"] != department])
    frames.append(pd.DataFrame(rows, columns=columns, dtype=str))
    merged = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    path.parent.mkdir(parents=True, exist_ok=True)
    merged.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _merge_names(path: Path, names: dict[str, str]) -> Path:
    """The year's names of 款 and 项 codes (one file for every department): the text's added, others kept."""
    columns = FILES["function_names"][1]
    rows = read_csv(path, columns)[columns].values.tolist() if path.exists() else []
    merged = {str(code): str(name) for code, name in rows}
    merged.update(names)
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(sorted(merged.items()), columns=columns, dtype=str).to_csv(path, index=False, encoding="utf-8",
                                                                            lineterminator="\n")
    return path


def _dump_yaml(path: Path, data, header: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100000, default_flow_style=False)
    path.write_text(header + text, encoding="utf-8")


def _amount_rows(department: str, amounts: dict[tuple[str, str], Decimal]) -> list[list[str]]:
    order = {key: i for i, key in enumerate(list(catalogue.AMOUNT_ITEMS) + list(catalogue.COMPOSITES))}
    items = sorted(amounts.items(), key=lambda kv: (order.get(kv[0][0], 999), kv[0][1]))
    return [[department, item, code, _amount_text(value)] for (item, code), value in items]


def write(ex: Extraction, out: Path) -> list[Path]:
    """Write the data files under out/<year>/ (and out/<year-1>/); other departments' rows are kept."""
    out = Path(out)
    folder = out / str(ex.year)
    dept = ex.department_id
    written = []

    def csv(name: str, rows: list[list[str]]):
        filename, columns = FILES[name]
        path = folder / filename
        _merge_csv(path, columns, dept, rows)
        written.append(path)

    if ex.name:
        csv("departments", [[dept, ex.name, ex.short_name or ex.name]])
    csv("units", [[dept, name, kind] for name, kind in ex.units])
    csv("amounts", _amount_rows(dept, ex.amounts))
    order = {key: i for i, key in enumerate(catalogue.COUNT_ITEMS)}
    csv("counts", [[dept, item, code, str(n)] for (item, code), n in
                   sorted(ex.counts.items(), key=lambda kv: (order.get(kv[0][0], 999), kv[0][1]))])
    csv("breakdowns", [[dept, item, label, _amount_text(v)] for item, parts in ex.breakdowns.items()
                       for label, v in parts])
    if ex.function_names:
        written.append(_merge_names(folder / FILES["function_names"][0], ex.function_names))
    text_path = folder / "text" / f"{dept}.yaml"
    _dump_yaml(text_path, ex.text, f"# {ex.short_name or dept} {ex.year}年：部门自己的文字，由 `juesuan extract` 从 "
                                   f"{Path(ex.source).name or '公开文本'} 中提取。\n")
    written.append(text_path)

    previous_folder = out / str(ex.year - 1)
    marker = previous_folder / "year.yaml"
    previous_is_full = previous_folder.is_dir() and not (
        marker.exists() and (yaml.safe_load(marker.read_text(encoding="utf-8")) or {}).get("comparison_only"))
    if ex.previous and previous_is_full:
        ex.assumed.append({"field": f"{ex.year - 1}/amounts", "value": None,
                           "why": f"{previous_folder} 已有完整年度的数据：其中的数字保持不变"})
    elif ex.previous:
        previous_folder.mkdir(parents=True, exist_ok=True)
        if not marker.exists():
            marker.write_text(f"# {ex.year - 1}年仅作为{ex.year}年的比较年度：数字由{ex.year}年的公开文本推算"
                              f"（见 {ex.year}/extracted/）。\ncomparison_only: true\n",
                              encoding="utf-8")
            written.append(marker)
        if ex.name:
            path = previous_folder / "departments.csv"
            _merge_csv(path, FILES["departments"][1], dept, [[dept, ex.name, ex.short_name or ex.name]])
            written.append(path)
        path = previous_folder / "amounts.csv"
        _merge_csv(path, FILES["amounts"][1], dept, _amount_rows(dept, ex.previous))
        written.append(path)

    record = {
        "source": str(ex.source),
        "department_id": dept,
        "year": ex.year,
        "extraction_missing": ex.missing,
        "extraction_derived": ex.derived,
        "extraction_assumed": ex.assumed,
        "extraction_unread": ex.unread,
    }
    record_path = folder / "extracted" / f"{dept}.yaml"
    _dump_yaml(record_path, record, "# `juesuan extract` 未能找到的字段（extraction_missing：未写入数据文件，绝不猜测）、"
                                    "推算得出的字段（extraction_derived）和暂作假定的字段（extraction_assumed：须人工确认）。\n")
    written.append(record_path)
    return written


def extract_file(path: Path, department: str, year: int, out: Path, name: str | None = None,
                 template: str | Path | None = None, data_dir: Path = Path("data")) -> Extraction:
    from juesuan.audit.audit import read_published

    listing = Path(out) / str(year) / FILES["departments"][0]
    if listing.is_file() and any(line.split(",", 1)[0].strip() == department
                                 for line in read_text_file(listing).splitlines()[1:]):
        # A published text is a poorer source than the department's own data: never overwrite it unasked.
        raise DataError(listing, department, "--out",
                        "还没有该部门数据的文件夹（extract 不覆盖已有的数据；换一个 --out，或先移走该部门的行）",
                        "已有该部门")
    if template is None:
        # the template the text's own part headings show (第二部分 部门决算表 …), else the seed's
        template = recognise_template(read_source(path))
    ex = extract(read_published(path, department), department, year, name=name, source=str(path),
                 template=template, data_dir=data_dir)
    write(ex, out)
    return ex
