"""`juesuan extract` read from the template itself (juesuan.audit.template_extract): no reader written.

* The third template of test_template_audit (written there, no Python added) reads back what it writes of
  departments it has never seen: synthetic ones (juesuan synth), their every stated figure equal to what
  their own data gives, worked out by the workbook (Figures), not by the extractor.
* The national template reads the sample's published text (a real report, written by hand) into the
  figures that data/2025 holds from the sample's own tables: every amount it states, each line of
  五（三） by its name, and last year's figures from the changes, equal to data/2024 (what the text implies).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.audit.extract import extract
from juesuan.audit.template_extract import read_figures
from juesuan.cli import main
from juesuan.data.figures import Figures
from juesuan.data.loading import load_year
from juesuan.data.synth import write_synthetic
from juesuan.data.template import load_template
from juesuan.report.report import load_report
from test_template_audit import PUBLISHED, as_published, write_third

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SYNTHETIC = 3


@pytest.fixture(scope="module")
def third_folder(tmp_path_factory):
    return write_third(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "data"
    made = write_synthetic(out, SYNTHETIC, [2021, 2022], seed=11)
    return out, [d.id for d in made]


def test_the_third_template_reads_back_departments_it_has_never_seen(third_folder, synthetic):
    out, ids = synthetic
    template = load_template(third_folder)
    assert template.example == ("pzh-swzzb", 2022)  # its sentences come from the seed department, not these
    for department in ids:
        text = as_published(load_report(department, 2022, out, template=third_folder))
        now = Figures(load_year(out, 2022, only=department).departments[department])
        before = Figures(load_year(out, 2021, only=department).departments[department])
        _, read = read_figures(text, template, DATA, 2022)
        expected = {("total", ""): now.value("total"), ("income_total", ""): now.value("income_total"),
                    ("expenditure_total", ""): now.value("expenditure_total"),
                    ("gpb.total", ""): now.value("gpb.total"),
                    ("three_public.total", ""): now.value("three_public.total"),
                    ("three_public_budget.total", ""): now.value("three_public_budget.total"),
                    **{("gpb.actual", code): v for code, v in now.by_code("gpb.actual").items()}}
        assert {k: read.amounts.get(k) for k in expected} == expected, department
        assert read.previous[("total", "")] == before.value("total")
        assert read.conflicts == []


def test_the_national_template_reads_the_sample_s_published_text_into_its_tables_figures():
    ex = extract(PUBLISHED.read_text(encoding="utf-8"), "putuo-wenlv", 2025, template="national", data_dir=DATA)
    data = load_year(DATA, 2025, only="putuo-wenlv").departments["putuo-wenlv"].amounts
    # Every amount read is the one the sample's own tables (and typed text) give: data/2025.
    differing = {k: (v, data[k]) for k, v in ex.amounts.items() if k in data and data[k] != v}
    assert differing == {}
    # 五（三）'s 24 lines, each found by its printed 类/款/项 names: its budget and its actual; lines 12 and 13
    # drop the 为 of 支出决算为 (test_sample_fidelity.DEFECTS): no sentence of the template reads them, and they
    # are listed as not read, with their line.
    lines = [code for (item, code) in ex.amounts if item == "gpb.budget" and len(code) == 7]
    assert len(lines) == 22 and set(lines) >= {"2070101", "2080801", "2210203"}
    assert not {"2079903", "2079999"} & set(lines)  # lines 12 and 13
    assert all(("gpb.actual", code) in ex.amounts for code in lines)
    unread = [u["text"] for u in ex.unread]
    assert any(u.startswith("12、") and "支出决算2349.56万元" in u for u in unread)
    assert any(u.startswith("13、") and "支出决算20.00万元" in u for u in unread)
    assert ex.amounts[("gpb.budget", "2070101")] == Decimal("511.66")  # 行政运行: 年初预算为511.66万元
    # Last year's figures, from 增加/减少 and the amount of each change, are what data/2024 holds.
    previous = load_year(DATA, 2024, only="putuo-wenlv").departments["putuo-wenlv"].amounts
    assert ex.previous and all(previous[k] == v for k, v in ex.previous.items() if k in previous)
    assert {k: ex.previous[k] for k in (("fiscal_total", ""), ("gpb.total", ""), ("admin_operating", ""))} == \
        {k: previous[k] for k in (("fiscal_total", ""), ("gpb.total", ""), ("admin_operating", ""))}
    # Its words: what each line was used for, the reasons, the functions.
    assert ex.text["uses"]["2070101"] == "维持局本部日常运转发生的人员和公用支出"
    assert len(ex.text["functions"]) >= 10


def test_a_text_of_another_year_reads_as_its_own_year():
    """The sentences are the example's (2025) rendering; the sample with its years moved on by one reads as a
    2026 text: the same figures, last year's as 2025's (once it looped forever on rows of a year before last)."""
    moved = PUBLISHED.read_text(encoding="utf-8").replace("2025", "2026").replace("2024", "2025")
    as_2025 = extract(PUBLISHED.read_text(encoding="utf-8"), "putuo-wenlv", 2025, template="national", data_dir=DATA)
    as_2026 = extract(moved, "putuo-wenlv", 2026, template="national", data_dir=DATA)
    assert as_2026.amounts == as_2025.amounts and as_2026.previous == as_2025.previous
    a_year_earlier = {"2026": "2025", "2025": "2024"}
    assert {a_year_earlier[d["field"][:4]] + d["field"][4:] for d in as_2026.derived} == \
        {d["field"] for d in as_2025.derived}


@pytest.mark.parametrize("named", [["--template", "national"], []])
def test_extract_with_the_national_template_from_the_command_line(tmp_path, capsys, named):
    """Named, or recognised from the text's own part headings (第二部分 部门决算表, 第三部分 …决算情况说明)."""
    code = main(["extract", str(PUBLISHED), "--department", "putuo-wenlv", "--year", "2025", "--out",
                 str(tmp_path)] + named)
    assert code in (0, 1)  # 1: fields the text does not give (listed, never guessed)
    amounts = load_year(tmp_path, 2025, only="putuo-wenlv").departments["putuo-wenlv"].amounts
    assert amounts[("gpb.budget", "2070101")] == Decimal("511.66")
    names = (tmp_path / "2025" / "function_names.csv").read_text(encoding="utf-8")
    assert "2070101,行政运行" in names
    assert "已写入" in capsys.readouterr().out


def test_without_the_template_s_example_department_extract_says_so_in_one_line(tmp_path, capsys):
    """The sentences are written from the template's example department: a data folder without it (an
    installed juesuan, say) is one located line and exit 2, nothing written."""
    code = main(["extract", str(PUBLISHED), "--department", "putuo-wenlv", "--year", "2025", "--out",
                 str(tmp_path / "out"), "--template", "national", "--data", str(tmp_path / "empty")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "example" in err[0] and "putuo-wenlv" in err[0]
    assert not (tmp_path / "out").exists()
