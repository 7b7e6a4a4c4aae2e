"""`juesuan export-tables`: the nine public tables as an .xlsx, read back with pandas, openpyxl and the
project's own workbook reader."""
from __future__ import annotations

import io
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.writer.excel import ExcelWriter
import pandas as pd
import pytest

from juesuan import cli
from juesuan.errors import DataErrors
from juesuan.report.report import load_figures
from juesuan.build.table_export import AMOUNT_FORMAT, RATE_FORMAT, across, build_workbook, workbook_bytes, write_tables
from juesuan.report.tables import public_tables
from juesuan.data.workbook import read_workbook

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
DEPT, YEAR = "pzh-swzzb", 2022
CENT = Decimal("0.01")
#: 收入/支出 over 01's and 04's columns, 项目 over 科目编码/科目名称 in 02, 03, 06, each item over 07's.
TWO_HEADER_ROWS = ("公开01表", "公开02表", "公开03表", "公开04表", "公开06表", "公开07表")


def _exact(value) -> Decimal:
    return Decimal(repr(value)).quantize(CENT)


@pytest.fixture(scope="module")
def figures():
    return load_figures(DATA, DEPT, YEAR)


@pytest.fixture(scope="module")
def exported(figures, tmp_path_factory):
    return write_tables(figures, tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def sheets(exported):
    return pd.read_excel(exported, sheet_name=None, header=None, dtype=object)


@pytest.fixture(scope="module")
def book(exported):
    return openpyxl.load_workbook(exported)


def _body(sheet: pd.DataFrame, table) -> list[list]:
    """The data rows under the header (title, 编制单位 and a header of one row or two), without a 注."""
    start = 4 if table.number in TWO_HEADER_ROWS else 3
    rows = sheet.iloc[start:].values.tolist()
    return [r for r in rows if not (isinstance(r[0], str) and r[0].startswith("注："))]


def test_one_sheet_per_table_titled(figures, sheets):
    tables = public_tables(figures)
    assert list(sheets) == [t.number for t in tables]
    for t in tables:
        sheet = sheets[t.number]
        assert sheet.iloc[0, 0] == t.title and sheet.iloc[0, sheet.shape[1] - 1] == t.number
        assert sheet.iloc[1, 0] == f"编制单位：{figures.name}"
        assert sheet.iloc[1, sheet.shape[1] - 1] == "单位：万元"


def test_every_figure_exact(figures, sheets):
    """Every Decimal of every frame is in its cell, read back exactly; blanks blank; names and codes as text."""
    for t in public_tables(figures):
        body = _body(sheets[t.number], t)
        if t.number == "公开07表":
            expected = [list(across(t.frame).iloc[0])]
        else:
            frame = t.frame
            if t.number in ("公开01表", "公开04表"):
                frame = frame[[c for c in frame.columns if not c.endswith("编码")]]
            if t.number in ("公开02表", "公开03表", "公开06表") and frame.columns[0] != "科目编码":
                frame = frame.reindex(columns=["科目编码", *frame.columns])  # an empty code column before 项目
            expected = frame.values.tolist()
        assert len(body) == len(expected), t.number
        for got_row, want_row in zip(body, expected):
            for got, want in zip(got_row, want_row):
                if isinstance(want, Decimal):
                    assert isinstance(got, (int, float)), (t.number, got, want)
                    assert _exact(got) == want, (t.number, got, want)
                elif want is None or want == "" or (isinstance(want, float) and want != want):
                    assert got is None or got != got, (t.number, got)
                else:
                    assert isinstance(got, str) and got == str(want).lstrip("\u3000"), (t.number, got, want)


def test_codes_stay_text(book):
    ws = book["公开05表"]
    codes = [ws.cell(r, 1) for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value]
    assert [c.value for c in codes] == ["201", "20132", "208", "210", "221"]
    assert all(c.data_type == "s" for c in codes)


def test_formats_panes_and_print_setup(book, figures):
    for t in public_tables(figures):
        ws = book[t.number]
        header_rows = 2 if t.number in TWO_HEADER_ROWS else 1
        assert ws.freeze_panes == f"A{3 + header_rows}"
        assert ws.print_title_rows == f"$3:${2 + header_rows}"
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert int(ws.page_setup.fitToWidth) == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws["A1"].font.bold and any(str(r) .startswith("A1:") for r in ws.merged_cells.ranges)
        numbers = [c for row in ws.iter_rows(min_row=3 + header_rows) for c in row
                   if isinstance(c.value, (int, float))]
        assert numbers
        for cell in numbers:
            header = "".join(str(ws.cell(r, cell.column).value or "") for r in range(3, 3 + header_rows))
            assert cell.number_format == (RATE_FORMAT if "完成预算" in header else AMOUNT_FORMAT), (t.number, header)
    # 01's 收入 / 支出 each merged over their columns
    assert {str(r) for r in book["公开01表"].merged_cells.ranges} >= {"A3:B3", "C3:D3"}


def test_empty_tables_say_so(sheets, figures):
    tables = {t.number: t for t in public_tables(figures)}
    for number in ("公开08表", "公开09表"):
        sheet = sheets[number]
        notes = [v for v in sheet.iloc[:, 0] if isinstance(v, str) and v.startswith("注：")]
        assert notes == [f"注：{tables[number].note}"] and "本表无数据" in notes[0]
    assert not any(isinstance(v, str) and "本表无数据" in v for v in sheets["公开05表"].iloc[:, 0])


def test_same_bytes_twice(figures, exported):
    assert workbook_bytes(figures) == exported.read_bytes() == workbook_bytes(load_figures(DATA, DEPT, YEAR))


def test_written_once_as_openpyxl_writes_it_with_a_fixed_date(figures, exported):
    """Each zip entry carries 1980-01-01 and mode 600, whatever the time or the worksheets' temporary files.

    Oracle: openpyxl's own writing of the same workbook into a plain zip (entries stamped with the time of
    writing), then copied entry by entry, in its order, under the fixed date: the same bytes.
    """
    with zipfile.ZipFile(exported) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {info.external_attr >> 16 for info in archive.infolist()} == {0o600}
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(build_workbook(figures), archive).save()
    copied = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(copied, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    assert exported.read_bytes() == copied.getvalue()


@pytest.fixture(scope="module")
def xiang_data(tmp_path_factory):
    """The seed with 项 detail: 20132 as two 项 rows, named in function_names.csv."""
    root = tmp_path_factory.mktemp("xiang") / "data"
    shutil.copytree(DATA, root)
    amounts = root / "2022" / "amounts.csv"
    text = amounts.read_text(encoding="utf-8")
    assert "pzh-swzzb,gpb.actual,20132,1520.71\n" in text
    amounts.write_text(text.replace("pzh-swzzb,gpb.actual,20132,1520.71\n",
                                    "pzh-swzzb,gpb.actual,2013201,1400.71\npzh-swzzb,gpb.actual,2013202,120\n"),
                       encoding="utf-8")
    names = root / "2022" / "function_names.csv"
    names.write_text(names.read_text(encoding="utf-8") + "2013201,行政运行\n2013202,一般行政管理事务\n",
                     encoding="utf-8")
    return root


def test_levels_indented(xiang_data, tmp_path):
    path = write_tables(load_figures(xiang_data, DEPT, YEAR), tmp_path)
    ws = openpyxl.load_workbook(path)["公开05表"]
    rows = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value}
    assert list(rows) == ["201", "20132", "2013201", "2013202", "208", "210", "221"]
    assert [rows[c].value for c in ("201", "20132", "2013201")] == ["一般公共服务支出", "组织事务", "行政运行"]
    assert [rows[c].alignment.indent for c in ("201", "20132", "2013201", "2013202")] == [0, 2, 4, 4]
    assert _exact(ws.cell(next(r for r in range(4, 20) if ws.cell(r, 1).value == "2013202"), 4).value) == Decimal("120.00")


def test_the_projects_reader_reads_the_export_clean_to_the_same_figures(exported, figures):
    """The export is what `juesuan import` takes: read by juesuan.data.workbook (titles, headers, tie-outs, the checks
    between tables), it gives no problem, no stray cell, and each table's 合计 as the frames of tables.py hold it."""
    book = read_workbook(exported, department=DEPT)
    assert book.unplaced == [] and sorted(book.tables) == [f"{n:02d}" for n in range(1, 10)]
    tables = {t.number[2:4]: t.frame for t in public_tables(figures)}
    totals = {(tid, column): value for tid, side, key, _name, column, value, _cell in book.figures() if key == "合计"}
    assert totals[("02", "total")] == tables["02"]["本年收入合计"].iloc[0] == Decimal("1759.38")
    assert totals[("03", "basic")] == tables["03"]["基本支出"].iloc[0] == Decimal("1692.80")
    assert totals[("05", "total")] == Decimal("1848.48") and totals[("05", "basic")] == Decimal("1692.58")


def test_cli(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["export-tables", "--data", str(DATA), "--year", "2022", "--out", str(out)]) == 0
    assert (out / "2022" / f"{DEPT}.xlsx").read_bytes() == workbook_bytes(load_figures(DATA, DEPT, YEAR))
    assert not list((out / "2022").glob(".*.tmp"))
    assert "已写入1个部门" in capsys.readouterr().out
    assert cli.main(["export-tables", "--data", str(DATA), "--department", "nope", "--out", str(out)]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_cli_invalid_department_listed(xiang_data, tmp_path, capsys):
    amounts = xiang_data / "2022" / "amounts.csv"
    bad = tmp_path / "data"
    shutil.copytree(xiang_data, bad)
    text = (bad / "2022" / "amounts.csv").read_text(encoding="utf-8")
    (bad / "2022" / "amounts.csv").write_text(text.replace(",gpb_basic.public,,174.97", ",gpb_basic.public,,abc"),
                                              encoding="utf-8")
    assert amounts.exists()
    out = tmp_path / "out"
    assert cli.main(["export-tables", "--data", str(bad), "--year", "2022", "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert f"部门 {DEPT}" in printed and "gpb_basic.public" in printed and "未写入" in printed
    assert not (out / "2022" / f"{DEPT}.xlsx").exists()


def test_batch_keeps_the_tables_beside_the_report(tmp_path):
    """What the batch's parent does with a rendered report: the .xlsx beside it, in its manifest; a missing
    .xlsx makes the report out of date (rebuilt); the index links it. (No kernel: the rendering is given.)"""
    from juesuan.build import batch, engine
    from juesuan.build import manifest
    from juesuan.build.export import write_index

    year_dir = tmp_path / "2022"
    year_dir.mkdir()
    job = engine.Job(year=YEAR, department=DEPT, name="攀枝花市委组织部", data_dir=str(DATA), notebook="nb.ipynb",
                     notebook_json="{}", output_path=str(year_dir / f"{DEPT}.ipynb"),
                     failed_path=str(year_dir / f"{DEPT}.failed.ipynb"), title="t")
    inputs = {"key": "k"}
    rendered = engine.Rendered(department=DEPT, ok=True, notebook_json="{}", html="<html></html>")
    kept = batch._keep(rendered, job, "攀枝花市委组织部", year_dir, inputs, tables=True)
    assert isinstance(kept, batch.BuiltReport)
    tables = year_dir / f"{DEPT}.xlsx"
    assert tables.read_bytes() == workbook_bytes(load_figures(DATA, DEPT, YEAR))
    assert manifest.up_to_date(year_dir, DEPT, inputs, tables=True)
    page = write_index(tmp_path, YEAR, [{"id": DEPT, "name": "攀枝花市委组织部"}]).read_text(encoding="utf-8")
    assert f'href="{DEPT}.xlsx"' in page
    tables.unlink()
    assert not manifest.up_to_date(year_dir, DEPT, inputs, tables=True)
    assert manifest.up_to_date(year_dir, DEPT, inputs)  # a batch not asked for tables (a fixture notebook)
    page = write_index(tmp_path, YEAR, [{"id": DEPT, "name": "攀枝花市委组织部"}]).read_text(encoding="utf-8")
    assert ".xlsx" not in page
    # a failed run leaves no stale tables
    tables.write_bytes(b"old")
    batch._keep(engine.Rendered(department=DEPT, ok=False, reason="x"), job, "攀枝花市委组织部", year_dir, inputs,
                tables=True)
    assert not tables.exists()
