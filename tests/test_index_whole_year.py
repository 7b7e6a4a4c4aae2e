"""The index knows the whole year: whatever subset a run builds or skips, it lists every report in
outputs/<year>/ (with its manifest) and every failure still there, this run's or an earlier one's."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from juesuan.build import batch

from juesuan import cli
from juesuan.data.synth import write_synthetic

YEAR = 2022
DATA = Path(__file__).resolve().parents[1] / "data"


def failing_notebook(path: Path) -> Path:
    """A notebook as quick as can be: it fails for synth-0003, shows its department otherwise."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('department = "a"\nyear = 2022\ndata_dir = "."')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(
        'if department == "synth-0003":\n    raise ValueError("坏数据：" + department)\nprint(department)')]
    nb.metadata["kernelspec"] = {"name": "juesuan", "display_name": "Python (juesuan)", "language": "python"}
    nbformat.write(nb, path)
    return path


def listed(index: Path) -> dict[str, list]:
    """What a reader sees on the index: each report's link and name, each failure's name and reason."""
    page = index.read_text(encoding="utf-8")
    reports = re.search(r'<table class="reports" id="reports">.*?</table>', page, re.S).group(0)
    failed = re.search(r'<table class="reports failed">.*?</table>', page, re.S)
    return {
        "reports": re.findall(r'<a href="([^"]+)">([^<]+)</a>', reports),
        "rows": re.findall(r"<tr>.*?</tr>", reports, re.S),
        "failed": re.findall(r"<tr><td>.*?</tr>", failed.group(0), re.S) if failed else [],
        "summary": re.findall(r'<p class="summary">共.*?</p>', page, re.S),
    }


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    base = tmp_path_factory.mktemp("whole-year")
    data, out = base / "data", base / "out"
    write_synthetic(data, 3, [2021, 2022], seed=3)
    notebook = failing_notebook(base / "report.ipynb")

    def report(*options: str) -> int:
        return cli.main(["report", "--data", str(data), "--out", str(out), "--year", str(YEAR),
                         "--notebook", str(notebook), "--workers", "1", "--quiet", *options])

    assert report() == 1  # synth-0003 fails
    everything = listed(out / str(YEAR) / "index.html")
    return {"data": data, "out": out, "report": report, "all": everything}


def test_a_full_build_lists_every_department(city):
    shown = city["all"]
    assert [href for href, _ in shown["reports"]] == ["synth-0001.html", "synth-0002.html"]
    assert len(shown["failed"]) == 1 and "synth-0003" in shown["failed"][0] and "坏数据" in shown["failed"][0]


def test_building_one_department_keeps_the_others_on_the_index(city):
    assert city["report"]("--department", "synth-0001", "--force") == 0  # rebuilt, the index rewritten
    assert listed(city["out"] / str(YEAR) / "index.html") == city["all"]


def test_skipping_one_department_keeps_the_others_on_the_index(city):
    assert city["report"]("--department", "synth-0002") == 0  # up to date: skipped
    assert listed(city["out"] / str(YEAR) / "index.html") == city["all"]


def test_an_earlier_failure_stays_listed_with_its_reason(city):
    # The index is rewritten (forced) by a run that does not touch synth-0003:
    assert city["report"]("--department", "synth-0002", "--force") == 0
    failed = listed(city["out"] / str(YEAR) / "index.html")["failed"]
    assert len(failed) == 1 and "ValueError: 坏数据：synth-0003" in failed[0]


def test_a_report_without_its_manifest_is_not_listed(city, tmp_path):
    year_dir = city["out"] / str(YEAR)
    (year_dir / "stray-report.html").write_text("not built by juesuan", encoding="utf-8")
    assert city["report"]("--department", "synth-0001", "--force") == 0
    assert "stray-report" not in (year_dir / "index.html").read_text(encoding="utf-8")
    (year_dir / "stray-report.html").unlink()


def test_a_department_gone_from_the_data_stays_listed_and_says_so(tmp_path):
    page = batch._write_index(tmp_path, YEAR, [{"id": "gone-dept", "name": "旧部门"},
                                               {"id": "pzh-swzzb", "name": "pzh-swzzb"}], DATA)
    text = page.read_text(encoding="utf-8")
    assert 'href="gone-dept.html">旧部门（数据中已无此部门）<' in text
    assert 'href="pzh-swzzb.html">攀枝花市委组织部<' in text  # the data's name
    assert text.index("pzh-swzzb.html") < text.index("gone-dept.html")  # the data's departments first
