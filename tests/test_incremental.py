"""Incremental batch (juesuan.build.manifest): a report is rebuilt when, and only when, what it is built from changed."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from juesuan.build import manifest
from juesuan.build.batch import build_reports
from juesuan.data.synth import write_synthetic

LEAK_CHECK = Path(__file__).parent / "fixtures" / "leak_check.ipynb"
YEAR = 2022
IDS = ["synth-0001", "synth-0002", "synth-0003"]


@pytest.fixture
def city(tmp_path):
    data = tmp_path / "data"
    write_synthetic(data, 4, [2021, 2022], seed=9)  # synth-0004 is in the data but never built here
    notebook = tmp_path / "nb" / "report.ipynb"
    notebook.parent.mkdir()
    shutil.copy(LEAK_CHECK, notebook)
    out = tmp_path / "out"

    def build(**options):
        ran: list[str] = []
        result = build_reports(YEAR, [(d, d) for d in IDS], data_dir=data, out_dir=out, notebook=notebook,
                               progress=False, workers=1, on_result=lambda r: ran.append(r.department), **options)
        assert result.ok, result.summary()
        assert sorted(r.id for r in result.built) == sorted(ran)
        assert sorted(r.id for r in result.built + result.skipped) == IDS
        return sorted(ran)

    assert build() == IDS
    return {"data": data, "notebook": notebook, "out": out, "year_dir": out / str(YEAR), "build": build}


def edit_row(path: Path, department: str, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(department + ",") and old in line:
            lines[i] = line.replace(old, new, 1)
            break
    else:
        raise AssertionError(f"no row of {department} with {old!r} in {path}")
    path.write_text("".join(lines), encoding="utf-8")


def test_nothing_changed_nothing_runs(city):
    index = city["year_dir"] / "index.html"
    before = index.stat().st_mtime_ns
    assert city["build"]() == []
    assert index.stat().st_mtime_ns == before  # same departments, same figures: the index is kept
    for d in IDS:
        entry = json.loads((city["year_dir"] / ".build" / f"{d}.json").read_text(encoding="utf-8"))
        assert entry["department"] == d and len(entry["inputs"]["key"]) == 64


def test_a_changed_row_rebuilds_only_its_department(city):
    edit_row(city["data"] / "2022" / "counts.csv", "synth-0002", "performance.overall_score,,",
             "performance.overall_score,,1")
    assert city["build"]() == ["synth-0002"]
    assert city["build"]() == []


def test_the_comparison_years_rows_count(city):
    edit_row(city["data"] / "2021" / "counts.csv", "synth-0003", "staff.administrative,,", "staff.administrative,,1")
    assert city["build"]() == ["synth-0003"]


def test_the_departments_text_counts(city):
    text = city["data"] / "2022" / "text" / "synth-0001.yaml"
    text.write_text(text.read_text(encoding="utf-8").replace("承办上级交办的其他事项", "承办交办事项"),
                    encoding="utf-8")
    assert city["build"]() == ["synth-0001"]


def test_a_department_outside_the_batch_does_not_count(city):
    edit_row(city["data"] / "2022" / "counts.csv", "synth-0004", "staff.administrative,,", "staff.administrative,,1")
    with (city["data"] / "2022" / "departments.csv").open("a", encoding="utf-8") as handle:
        handle.write("synth-0099,合成部门0099（测试数据）,合成第0099部门\n")
    assert city["build"]() == []


def test_the_header_the_glossary_and_a_row_of_no_department_count_for_everyone(city):
    glossary = city["data"] / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "- term: 新词\n  definition: 新的解释。\n",
                        encoding="utf-8")
    assert city["build"]() == IDS
    with (city["data"] / "2022" / "amounts.csv").open("a", encoding="utf-8") as handle:
        handle.write("../bad,income.other,,1\n")  # an error the loader reports for every department
    assert city["build"]() == IDS


def test_the_notebook_counts(city):
    nb = city["notebook"]
    nb.write_text(nb.read_text(encoding="utf-8").replace("泄漏检查", "泄漏检查（二）"), encoding="utf-8")
    assert city["build"]() == IDS


def test_the_library_counts(city, monkeypatch):
    monkeypatch.setattr(manifest, "library_fingerprint", lambda: "another library")
    assert city["build"]() == IDS


def test_library_fingerprint_covers_every_file_but_caches(tmp_path, monkeypatch):
    package = tmp_path / "juesuan"
    shutil.copytree(manifest.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(manifest, "PACKAGE_DIR", package)
    first = manifest.library_fingerprint()
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"cache")
    assert manifest.library_fingerprint() == first
    template = next((package / "templates").rglob("*.j2"))
    template.write_text(template.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert manifest.library_fingerprint() != first


def test_force_rebuilds_everything(city):
    assert city["build"](force=True) == IDS


def test_a_missing_or_touched_output_is_rebuilt(city):
    (city["year_dir"] / "synth-0001.html").unlink()
    page = city["year_dir"] / "synth-0002.ipynb"
    page.write_text(page.read_text(encoding="utf-8"), encoding="utf-8")  # same bytes, new mtime
    os.utime(page, ns=(1, 1))
    (city["year_dir"] / ".build" / "synth-0003.json").write_text("{broken", encoding="utf-8")
    assert city["build"]() == IDS


def test_a_failed_department_is_never_skipped(city, tmp_path):
    runs = []
    departments = [("broken", "坏"), ("synth-0001", "synth-0001")]
    for _ in range(2):
        result = build_reports(YEAR, departments, data_dir=city["data"], out_dir=city["out"],
                               notebook=city["notebook"], progress=False, workers=1,
                               on_result=lambda r: runs.append(r.department))
        assert [f.id for f in result.failed] == ["broken"]
        assert not (city["year_dir"] / ".build" / "broken.json").exists()
    assert runs == ["broken", "broken"]


def test_an_earlier_output_of_a_now_failing_department_is_removed_with_its_manifest(city):
    year_dir = city["year_dir"]
    shutil.copy(year_dir / "synth-0001.html", year_dir / "broken.html")
    shutil.copy(year_dir / ".build" / "synth-0001.json", year_dir / ".build" / "broken.json")
    build_reports(YEAR, [("broken", "坏")], data_dir=city["data"], out_dir=city["out"], notebook=city["notebook"],
                  progress=False, workers=1)
    assert not (year_dir / "broken.html").exists()
    assert not (year_dir / ".build" / "broken.json").exists()
    assert (year_dir / "broken.failed.ipynb").exists()


# juesuan report starts its workers before it reads the year when this first look says reports will surely run


def test_the_first_look_says_a_run_is_certain_only_when_it_is(city, monkeypatch):
    year_dir, notebook = city["year_dir"], city["notebook"]
    must_run = manifest.some_report_must_run
    assert not must_run(year_dir, notebook) and not must_run(year_dir, notebook, ["synth-0001"])
    assert must_run(year_dir, notebook, ["synth-0004"])  # never built
    assert must_run(city["out"] / "2023", notebook)  # nothing built that year
    other = notebook.with_name("other.ipynb")
    other.write_text(notebook.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert must_run(year_dir, other)
    (year_dir / "synth-0004.failed.ipynb").write_text("{}", encoding="utf-8")
    assert must_run(year_dir, notebook) and not must_run(year_dir, notebook, ["synth-0002"])
    (year_dir / "synth-0004.failed.ipynb").unlink()
    (year_dir / ".build" / "synth-0003.json").write_text("{broken", encoding="utf-8")
    assert must_run(year_dir, notebook) and must_run(year_dir, notebook, ["synth-0003"])
    (year_dir / ".build" / "synth-0003.json").unlink()
    monkeypatch.setattr(manifest, "library_fingerprint", lambda: "another library")
    assert must_run(year_dir, notebook)
