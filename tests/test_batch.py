"""juesuan.build.batch: one papermill run per department, exported and indexed.

One batch over the fixture notebook (tests/fixtures/tiny_report.ipynb) is run
once for the whole module (a kernel start costs about two seconds per
department); the tests below inspect what it left behind. Needs the Jupyter
kernel ``juesuan`` (on this interpreter: :mod:`juesuan.build.kernel`).
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import nbformat
import pytest

from juesuan.build import batch
from juesuan.build.batch import BatchResult, build_reports

from test_export import assert_offline

FIXTURE = Path(__file__).parent / "fixtures" / "tiny_report.ipynb"
YEAR = 2022
DEPARTMENTS = [
    ("pzh-swzzb", "攀枝花市委组织部"),
    ("broken", "<b>坏</b>&部门"),  # the fixture raises for this id
    ("001", "零零一局"),          # must arrive as the str "001", not the int 1
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("batch")
    data_dir = base / "data"
    data_dir.mkdir()
    out_dir = base / "outputs"
    year_dir = out_dir / str(YEAR)
    year_dir.mkdir(parents=True)
    # Leftovers of an earlier run that this run must not leave stale:
    (year_dir / "broken.html").write_text("old report of a department that now fails")
    (year_dir / "broken.ipynb").write_text("{}")
    (year_dir / "pzh-swzzb.failed.ipynb").write_text("{}")

    # Watch the scratch area too: nothing may be left behind there either.
    scratch = base / "tmp"
    scratch.mkdir()
    saved_tempdir, tempfile.tempdir = tempfile.tempdir, str(scratch)
    try:
        result = build_reports(
            YEAR, DEPARTMENTS, data_dir=data_dir, out_dir=out_dir,
            notebook=FIXTURE, progress=False,
        )
    finally:
        tempfile.tempdir = saved_tempdir
    return {"result": result, "out": out_dir, "year_dir": year_dir,
            "data_dir": data_dir, "scratch": scratch}


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------
# The batch as a whole


def test_a_failing_department_does_not_stop_the_others(run):
    result: BatchResult = run["result"]
    assert [r.id for r in result.built] == ["pzh-swzzb", "001"]
    assert [f.id for f in result.failed] == ["broken"]
    assert not result.ok


def test_failure_reason_is_the_first_line_of_the_error(run):
    (failure,) = run["result"].failed
    assert failure.name == "<b>坏</b>&部门"
    assert failure.reason.startswith("ValueError: 没有 <broken> 的数据 & 更多")
    assert "\n" not in failure.reason and "第二行" not in failure.reason


def test_files_left_in_the_year_folder(run):
    names = sorted(p.name for p in run["year_dir"].iterdir())
    assert names == sorted([
        "index.html",
        "pzh-swzzb.html", "pzh-swzzb.ipynb",
        "001.html", "001.ipynb",
        "broken.failed.ipynb",
        ".build",  # the manifests of the built reports (juesuan.build.manifest)
    ])  # no temp files, no stale broken.html, no stale pzh-swzzb.failed.ipynb
    assert sorted(p.name for p in (run["year_dir"] / ".build").iterdir()) == ["001.json", "index.json", "pzh-swzzb.json"]
    assert list(run["scratch"].iterdir()) == []
    result = run["result"]
    assert result.index == run["year_dir"] / "index.html"
    assert {r.html for r in result.built} == {run["year_dir"] / f"{i}.html" for i in ("pzh-swzzb", "001")}


def test_failed_notebook_is_kept_for_debugging(run):
    (failure,) = run["result"].failed
    assert failure.notebook == run["year_dir"] / "broken.failed.ipynb"
    nb = nbformat.read(failure.notebook, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert [e.ename for e in errors] == ["ValueError"]
    assert nb.metadata.kernelspec.name == "juesuan"


@pytest.mark.parametrize("name", ["pzh-swzzb.ipynb", "001.ipynb", "broken.failed.ipynb"])
def test_kept_notebooks_name_the_juesuan_kernel(run, name):
    # The fixture itself says python3; papermill #856 would keep that.
    assert json.loads(read(FIXTURE))["metadata"]["kernelspec"]["name"] == "python3"
    nb = json.loads(read(run["year_dir"] / name))
    assert nb["metadata"]["kernelspec"]["name"] == "juesuan"
    assert nb["metadata"]["kernelspec"]["display_name"] == "Python (juesuan)"
    nbformat.validate(nbformat.reads(json.dumps(nb), as_version=4))


def test_parameters_arrive_with_their_types(run):
    nb = nbformat.read(run["year_dir"] / "001.ipynb", as_version=4)
    params = nb.metadata.papermill.parameters
    # Paths as seen from the kept notebook's folder: no absolute path of this machine, and it re-runs there.
    assert params.keys() == {"department", "year", "data_dir"}
    assert params["department"] == "001" and params["year"] == YEAR
    assert not Path(params["data_dir"]).is_absolute()
    assert (run["year_dir"] / params["data_dir"]).resolve() == run["data_dir"].resolve()
    assert nb.metadata.papermill.output_path == "001.ipynb"
    # The fixture asserts isinstance(department, str); the report shows "001".
    assert "部门编码 <strong>001</strong>" in read(run["year_dir"] / "001.html")


# --------------------------------------------------------------------------
# The exported reports


@pytest.mark.parametrize("dept_id", ["pzh-swzzb", "001"])
def test_report_html_has_no_code(run, dept_id):
    html = read(run["year_dir"] / f"{dept_id}.html")
    for code in ("CODE_ONLY_MARKER", "assert isinstance", "import matplotlib",
                 "plt.subplots", "display(Markdown", 'if department == "broken"',
                 "Defaults; papermill injects", 'department = "', "In&nbsp;[", "Out["):
        assert code not in html, code
    # Nor the injected parameters: the absolute data_dir never leaks.
    assert str(run["data_dir"].resolve()) not in html
    assert "../data" not in html


@pytest.mark.parametrize("dept_id", ["pzh-swzzb", "001"])
def test_report_html_content(run, dept_id):
    html = read(run["year_dir"] / f"{dept_id}.html")
    assert re.search(r'<html[^>]*\blang="zh-CN"', html)
    name = dict(DEPARTMENTS)[dept_id]
    assert f"<title>{name}{YEAR}年度部门决算</title>" in html
    assert "2022年度收入支出决算总体情况" in html and "1300.00 万元" in html
    assert "第一部分 部门概况" in html
    assert re.search(r'<img[^>]+src="data:image/png;base64,iVBORw0KGgo', html)
    assert 'alt="图1 收入构成"' in html
    assert_offline(html)


# --------------------------------------------------------------------------
# The index


def test_index_links_built_and_lists_failed(run):
    html = read(run["year_dir"] / "index.html")
    assert '<a href="pzh-swzzb.html">攀枝花市委组织部</a>' in html
    assert '<a href="001.html">零零一局</a>' in html
    assert 'href="broken.html"' not in html
    assert "&lt;b&gt;坏&lt;/b&gt;&amp;部门" in html and "<b>" not in html
    assert "ValueError: 没有 &lt;broken&gt; 的数据 &amp; 更多" in html
    assert_offline(html)
    # Departments keep their given order.
    assert html.index("pzh-swzzb.html") < html.index("001.html")


# --------------------------------------------------------------------------
# Checks made before any kernel starts


def test_bad_department_id_is_rejected_before_running(tmp_path):
    with pytest.raises(ValueError, match=re.escape("'../evil'")):
        build_reports(YEAR, [("ok", "好"), ("../evil", "坏")], data_dir=tmp_path,
                      out_dir=tmp_path / "out", notebook=FIXTURE, progress=False)
    assert not (tmp_path / "out").exists()


def test_duplicate_department_id_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="'a1'"):
        build_reports(YEAR, [("a1", "甲"), ("a1", "乙")], data_dir=tmp_path,
                      out_dir=tmp_path / "out", notebook=FIXTURE, progress=False)


def test_missing_kernel_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "KERNEL_NAME", "juesuan-no-such-kernel")
    with pytest.raises(RuntimeError, match="juesuan-no-such-kernel"):
        build_reports(YEAR, [("a1", "甲")], data_dir=tmp_path,
                      out_dir=tmp_path / "out", notebook=FIXTURE, progress=False)


def test_progress_bar_and_empty_batch(tmp_path, capsys):
    result = build_reports(YEAR, [], data_dir=tmp_path, out_dir=tmp_path / "out",
                           notebook=FIXTURE, progress=True)
    assert "部门报告" in capsys.readouterr().err
    assert result.ok and result.built == [] and result.failed == []
    assert result.index.is_file()

    build_reports(YEAR, [], data_dir=tmp_path, out_dir=tmp_path / "out2",
                  notebook=FIXTURE, progress=False)
    assert "部门报告" not in capsys.readouterr().err


def test_summary_names_each_failure(run):
    text = run["result"].summary()
    assert "已生成报告 2 份，失败 1 个" in text
    assert "broken" in text and "ValueError" in text
    assert str(run["year_dir"] / "index.html") in text


def test_ok_property():
    assert BatchResult(year=YEAR).ok
    failed = batch.FailedReport(id="x", name="x", reason="boom", notebook=None)
    assert not BatchResult(year=YEAR, failed=[failed]).ok
