"""A few departments of a large year cost what they cost in a small one: ``juesuan report --department``
lists the year from departments.csv alone, and checks and sums up (for the index) the departments asked
for one by one, rather than reading every department's text.

Oracles: the whole year's own reading (load_year), check (validation_problems over the year) and key
figures (summaries over the year), restricted to the departments asked for.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import juesuan.data.loading as loading
from juesuan import cli
from juesuan.data.loading import list_departments, load_year, read_alone
from juesuan.data.synth import write_synthetic
from juesuan.data.year_check import validation_problems
from juesuan.report.overview import summaries

YEAR = 2022
TINY_NOTEBOOK = Path(__file__).resolve().parent / "fixtures" / "tiny_report.ipynb"
ASKED = (["synth-0002"], ["synth-0004", "synth-0001"], ["synth-0003"])


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """Twelve departments; 0002's text is not YAML, one of 0004's amounts is off by 1.00, 0007 is listed twice."""
    data = tmp_path_factory.mktemp("few") / "data"
    write_synthetic(data, 12, [2021, 2022], seed=5)
    folder = data / str(YEAR)
    (folder / "text" / "synth-0002.yaml").write_text("duties: [\n", encoding="utf-8")
    lines = (folder / "amounts.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith("synth-0004,gpb.actual,"))
    *key, amount = lines[row].rstrip("\n").split(",")
    lines[row] = ",".join([*key, f"{float(amount) + 1:.2f}"]) + "\n"
    (folder / "amounts.csv").write_text("".join(lines), encoding="utf-8")
    listing = (folder / "departments.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    twice = next(line for line in listing if line.startswith("synth-0007,"))
    (folder / "departments.csv").write_text("".join(listing) + twice, encoding="utf-8")
    return data


def test_the_listing_is_the_years_own(data):
    year = load_year(data, YEAR)
    assert list(list_departments(data, YEAR).items()) == [(d, f.name) for d, f in year.departments.items()]
    assert len(list_departments(data, YEAR)) == 12


def test_a_year_without_its_departments_csv_lists_none(tmp_path):
    (tmp_path / str(YEAR)).mkdir()
    assert list_departments(tmp_path, YEAR) == {} == load_year(tmp_path, YEAR).departments


@pytest.mark.parametrize("asked", ASKED, ids="+".join)
def test_the_problems_of_a_few_are_the_years_own(data, asked):
    assert read_alone(data, YEAR, asked)  # else this would compare the year's check with itself
    problems, notes, names = validation_problems(data, YEAR, departments=asked)
    all_problems, all_notes, all_names = validation_problems(data, YEAR)
    expected = [p for p in all_problems if p.department in asked or p.department is None]
    assert sorted(p.message for p in problems) == sorted(p.message for p in expected)
    assert notes == {d: n for d, n in all_notes.items() if d in asked}
    assert names == {d: n for d, n in all_names.items() if d in asked}


def test_the_broken_departments_are_found_alone(data):
    """The oracle's own sanity: the check of one department sees what is wrong with it."""
    assert any(p.department == "synth-0002" and "YAML" in p.message
               for p in validation_problems(data, YEAR, departments=["synth-0002"])[0])
    assert any(p.department == "synth-0004" for p in validation_problems(data, YEAR, departments=["synth-0004"])[0])
    assert not [p for p in validation_problems(data, YEAR, departments=["synth-0003"])[0]
                if p.department is not None]


@pytest.mark.parametrize("asked", ASKED, ids="+".join)
def test_the_key_figures_of_a_few_are_the_years_own(data, asked):
    everyone = summaries(data, YEAR)
    assert summaries(data, YEAR, asked) == {d: s for d, s in everyone.items() if d in asked}
    assert "synth-0003" in everyone and "synth-0004" not in everyone and "synth-0002" not in everyone


def test_most_of_the_year_is_read_with_the_year(data):
    assert not read_alone(data, YEAR, [f"synth-{n:04d}" for n in range(1, 5)])
    assert read_alone(data, YEAR, [f"synth-{n:04d}" for n in range(1, 4)])


def test_report_of_one_department_reads_no_other_departments_text(data, tmp_path, monkeypatch):
    """The batch's own process (the listing, the check, the index's figures) parses the texts of the
    department asked for only; the notebook's kernel is another process."""
    read = []
    own = loading._read_department_text

    def recording(folder, dept, errors):
        read.append(dept.department_id)
        return own(folder, dept, errors)

    monkeypatch.setattr(loading, "_read_department_text", recording)
    code = cli.main(["report", "--data", str(data), "--out", str(tmp_path / "out"), "--year", str(YEAR),
                     "--notebook", str(TINY_NOTEBOOK), "--department", "synth-0003", "--workers", "1", "--quiet"])
    assert code == 0
    assert (tmp_path / "out" / str(YEAR) / "synth-0003.html").is_file()
    assert read and set(read) == {"synth-0003"}
