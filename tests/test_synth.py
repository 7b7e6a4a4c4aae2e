"""juesuan synth: synthetic departments that pass validation, in a mix of kinds, never into data/."""
from __future__ import annotations

import csv
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from juesuan.data import synth
from juesuan.cli import main
from juesuan.report.report import load_report
from juesuan.data.synth import check_target, parse_years, write_synthetic

ROOT = Path(__file__).resolve().parents[1]
YEARS = [2020, 2021, 2022]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "data"
    assert main(["synth", "--departments", "30", "--years", "2020-2022", "--out", str(out), "--seed", "7"]) == 0
    return out


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def amounts(data: Path, year: int) -> dict[str, dict[tuple[str, str], Decimal]]:
    by_dept: dict[str, dict] = {}
    for row in rows(data / str(year) / "amounts.csv"):
        by_dept.setdefault(row["department_id"], {})[(row["item"], row["code"])] = Decimal(row["amount"])
    return by_dept


@pytest.mark.parametrize("year", YEARS)
def test_every_year_passes_validation(data, year, capsys):
    assert main(["validate", "--data", str(data), "--year", str(year)]) == 0
    out = capsys.readouterr().out
    assert f"中{year}年的30个部门，数据全部有效" in out
    assert "error:" not in out


def test_every_report_can_be_written(data):
    # validate builds every report's context; load_report is what the notebook calls.
    for dept in rows(data / "2022" / "departments.csv")[:10]:
        report = load_report(dept["department_id"], 2022, data)
        assert report.previous is not None
        assert "合成" in report.markdown()


def test_layout_is_that_of_data(data):
    assert sorted(p.name for p in data.iterdir()) == ["2020", "2021", "2022", "glossary.yaml"]
    for year in YEARS:
        folder = data / str(year)
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            ["departments.csv", "units.csv", "amounts.csv", "counts.csv", "breakdowns.csv", "text"])
        assert not (folder / "year.yaml").exists()  # every year is a full report year
        ids = [r["department_id"] for r in rows(folder / "departments.csv")]
        assert sorted(p.stem for p in (folder / "text").iterdir()) == sorted(ids)
    glossary = yaml.safe_load((data / "glossary.yaml").read_text(encoding="utf-8"))
    assert all({"term", "definition"} <= set(entry) for entry in glossary)


def test_every_id_and_name_says_synthetic(data):
    for year in YEARS:
        for row in rows(data / str(year) / "departments.csv"):
            assert re.fullmatch(r"synth-\d{4}", row["department_id"])
            assert row["name"].startswith("合成") and row["name"].endswith("（测试数据）")
            assert row["short_name"].startswith("合成")
        for row in rows(data / str(year) / "units.csv"):
            assert row["unit_name"].startswith("合成") and "测试数据" in row["unit_name"]
        for text in (data / str(year) / "text").iterdir():
            assert "not a real department" in text.read_text(encoding="utf-8").splitlines()[0]


def test_amounts_are_plain_two_decimal_figures(data):
    for year in YEARS:
        for row in rows(data / str(year) / "amounts.csv"):
            assert re.fullmatch(r"\d+\.\d{2}", row["amount"]), row
        for row in rows(data / str(year) / "breakdowns.csv"):
            assert re.fullmatch(r"\d+\.\d{2}", row["amount"]), row
        for row in rows(data / str(year) / "counts.csv"):
            assert re.fullmatch(r"\d+", row["count"]), row


def test_the_mix_of_kinds_is_present(data):
    current = amounts(data, 2022)
    main_classes = set()
    for figures in current.values():
        gpb = {code: v for (item, code), v in figures.items() if item == "gpb.actual"}
        main_classes.add(max(gpb, key=gpb.get))
    assert len(main_classes) >= 8, main_classes
    with_fund = [d for d, f in current.items() if any(item == "gf.actual" for item, _ in f)]
    assert 0 < len(with_fund) < len(current)
    assert all(current[d][("income.government_fund", "")] > 0 for d in with_fund)
    abroad = [d for d, f in current.items() if f[("three_public.abroad", "")] > 0]
    assert 0 < len(abroad) < len(current)
    with_capital = [d for d, f in current.items() if any(item == "sc.actual" for item, _ in f)]
    assert 0 < len(with_capital) < len(current)
    breakdowns = {r["department_id"] for r in rows(data / "2022" / "breakdowns.csv")}
    assert 0 < len(breakdowns) < len(current)


def test_some_departments_have_a_year_without_change(data):
    by_year = {year: amounts(data, year) for year in YEARS}
    unchanged = [(d, year) for year in YEARS[1:] for d in by_year[year]
                 if by_year[year][d] == by_year[year - 1][d]]
    assert unchanged
    changed = [(d, year) for year in YEARS[1:] for d in by_year[year]
               if by_year[year][d] != by_year[year - 1][d]]
    assert len(changed) > len(unchanged)
    # An unchanged year needs no reason for a change; a changed one gives them.
    d, year = unchanged[0]
    reasons = yaml.safe_load((data / str(year) / "text" / f"{d}.yaml").read_text(encoding="utf-8")).get("reasons", {})
    assert not {"total_change", "fiscal_change", "gpb_change", "admin_operating_change"} & set(reasons)
    d, year = changed[0]
    reasons = yaml.safe_load((data / str(year) / "text" / f"{d}.yaml").read_text(encoding="utf-8"))["reasons"]
    assert "total_change" in reasons


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_figures(tmp_path):
    write_synthetic(tmp_path / "a", 12, [2021, 2022], seed=3)
    write_synthetic(tmp_path / "b", 12, [2021, 2022], seed=3)
    write_synthetic(tmp_path / "c", 12, [2021, 2022], seed=4)
    assert file_bytes(tmp_path / "a") == file_bytes(tmp_path / "b")
    a, c = file_bytes(tmp_path / "a"), file_bytes(tmp_path / "c")
    assert a["2022/amounts.csv"] != c["2022/amounts.csv"]
    assert a["2022/departments.csv"] == c["2022/departments.csv"]


def test_a_department_does_not_depend_on_how_many_are_made(tmp_path):
    write_synthetic(tmp_path / "few", 3, [2022], seed=1)
    write_synthetic(tmp_path / "many", 8, [2022], seed=1)
    few = amounts(tmp_path / "few", 2022)
    many = amounts(tmp_path / "many", 2022)
    assert few == {d: many[d] for d in few}


def test_rewriting_a_smaller_set_leaves_no_stale_texts(tmp_path):
    write_synthetic(tmp_path, 6, [2022])
    write_synthetic(tmp_path, 2, [2022])
    assert sorted(p.name for p in (tmp_path / "2022" / "text").iterdir()) == ["synth-0001.yaml", "synth-0002.yaml"]


def test_refuses_the_projects_data_folder(tmp_path):
    before = file_bytes(ROOT / "data")
    for target in (ROOT / "data", ROOT / "data" / "synth", ROOT / "data" / "2022"):
        with pytest.raises(ValueError, match="不写入"):
            write_synthetic(target, 2, [2022])
        assert main(["synth", "--departments", "2", "--years", "2022", "--out", str(target)]) == 2
    assert file_bytes(ROOT / "data") == before
    assert not (ROOT / "data" / "synth").exists()


def test_refuses_a_folder_of_real_departments(tmp_path):
    real = tmp_path / "city"
    shutil.copytree(ROOT / "data" / "2022", real / "2022", ignore=shutil.ignore_patterns("published", "extracted"))
    before = file_bytes(real)
    with pytest.raises(ValueError, match="pzh-swzzb"):
        write_synthetic(real, 2, [2022])
    assert file_bytes(real) == before


def test_refuses_the_data_folder_of_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="不写入"):
        check_target(Path("data"))
    assert not (tmp_path / "data").exists()


def test_years_and_counts_are_checked():
    assert parse_years("2020-2022") == [2020, 2021, 2022]
    assert parse_years("2022") == [2022]
    for bad in ("2022-2020", "20x", "1999-2000"):
        with pytest.raises(ValueError):
            parse_years(bad)
    with pytest.raises(ValueError):
        synth.generate(0, [2022])
    with pytest.raises(ValueError):
        synth.generate(2, [2020, 2022])  # not consecutive
