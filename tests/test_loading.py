"""The loader reads exactly what files say, and names file, department, field and expectation."""
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.errors import DataErrors
from juesuan.data.loading import load_year
from juesuan.report.report import load_report
from juesuan.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_seed_department_loads_as_exact_decimals():
    data = load_year(DATA, 2022)
    assert data.errors == []
    dept = data.departments["pzh-swzzb"]
    assert dept.amounts[("income.general_budget", "")] == Decimal("1759.16")
    assert isinstance(dept.amounts[("income.other", "")], Decimal)


def test_totals_are_computed_not_stored():
    report = load_report("pzh-swzzb", 2022, DATA)
    f = report.current
    assert f.stated("total") is None
    assert f.value("total") == Decimal("1848.70")
    assert f.value("fiscal_total") == Decimal("1848.48")
    assert f.value("three_public.total") == Decimal("6.82")


def test_partial_comparison_year_is_said_plainly(capsys):
    assert main(["validate", "--data", str(DATA), "--year", "2022"]) == 0
    out = capsys.readouterr().out
    assert "2021年的数据不完整" in out and "收、支总计" in out


@pytest.mark.parametrize("old, new, fragment", [
    ("income.other,,0.22", "income.other,,\"0,22\"", "income.other 的 amount：应为不带千位分隔符的数字"),
    ("income.other,,0.22", "income.other,,0.22万元", "不带单位的万元数"),
    ("income.other,,0.22", "income.other,,0.225", "最多两位小数"),
    ("income.other,,0.22", "income.other,,-0.22", "不能为负"),
    ("gpb.actual,20132,", "gpb.actual,299,", "gpb.actual 的 code：应为功能分类科目编码：3位的类"),
    ("income.other,,0.22", "income.others,,0.22", "item：应为data/README.md 中列出的项目"),
])
def test_bad_amount_rows_are_located(data_copy, capsys, old, new, fragment):
    replace_in(data_copy / "2022" / "amounts.csv", old, new)
    assert main(["validate", "--data", str(data_copy), "--year", "2022"]) == 1
    out = capsys.readouterr().out
    assert fragment in out
    assert re.search(r"amounts.csv 第\d+行：部门 pzh-swzzb：", out)


def test_totals_that_do_not_tie_out_are_errors(data_copy):
    replace_in(data_copy / "2022" / "amounts.csv", "expenditure.basic,,1692.80", "expenditure.basic,,1692.90")
    with pytest.raises(DataErrors) as caught:
        load_report("pzh-swzzb", 2022, data_copy)
    message = str(caught.value)
    assert "收、支总计 (total)" in message and "1,848.8" in message


def test_a_reason_is_required_where_the_report_gives_one(data_copy):
    replace_in(data_copy / "2022" / "text" / "pzh-swzzb.yaml", "  admin_operating_change: 财政部门对单位预算指标的压缩\n", "")
    with pytest.raises(DataErrors) as caught:
        load_report("pzh-swzzb", 2022, data_copy)
    assert "reasons.admin_operating_change" in str(caught.value)


def test_gbk_and_bom_files_are_read(data_copy):
    path = data_copy / "2022" / "departments.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("gbk"))
    units = data_copy / "2022" / "units.csv"
    units.write_bytes(b"\xef\xbb\xbf" + units.read_bytes())
    report = load_report("pzh-swzzb", 2022, data_copy)
    assert report.current.name == "攀枝花市委组织部"
    assert len(report.current.units) == 2


def test_unknown_department_is_named(capsys):
    assert main(["report", "--data", str(DATA), "--year", "2022", "--department", "nope", "--quiet"]) == 2
    assert "部门 nope" in capsys.readouterr().err
