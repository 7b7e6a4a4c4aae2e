"""The batch under faults: broken departments, and a batch killed with SIGKILL.

Runs the real report notebook (notebooks/department_report.ipynb, kernel
`juesuan`) over a copy of data/ where the seed department is cloned under new
ids (the `amounts.csv` rows, counts, units, breakdowns and text copied), some
of them broken on purpose. Only `juesuan.build.batch.build_reports` is called.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from juesuan.build.batch import build_reports
from juesuan.errors import DataErrors
from juesuan.report.report import load_report

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
NOTEBOOK = ROOT / "notebooks" / "department_report.ipynb"
YEAR = 2022
SEED = "pzh-swzzb"
CSV_FILES = ("departments.csv", "units.csv", "amounts.csv", "counts.csv", "breakdowns.csv")


def clone_department(data_dir: Path, new_id: str, name: str) -> None:
    """Copy the seed's rows (both years) and its text under `new_id`, with its own name."""
    for year in ("2022", "2021"):
        for filename in CSV_FILES:
            path = data_dir / year / filename
            if not path.exists():
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            copies = [new_id + line[len(SEED):] for line in lines[1:] if line.startswith(SEED + ",")]
            if filename == "departments.csv":
                copies = [f"{new_id},{name},{name}"]
            path.write_text("\n".join(lines + copies) + "\n", encoding="utf-8")
    shutil.copy(data_dir / "2022" / "text" / f"{SEED}.yaml", data_dir / "2022" / "text" / f"{new_id}.yaml")


def replace_row(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def make_data(base: Path, good: list[str], broken: bool) -> Path:
    data_dir = base / "data"
    data_dir.mkdir()
    for year in ("2022", "2021"):
        shutil.copytree(DATA / year, data_dir / year, ignore=shutil.ignore_patterns("published", "extracted"))
    for d_id in good:
        clone_department(data_dir, d_id, f"{d_id}部门")
    if broken:
        # Figures that do not tie out: 收、支总计 no longer equals 本年支出 + 年末结转.
        clone_department(data_dir, "bad-ties", "账不平部门")
        replace_row(data_dir / "2022" / "amounts.csv", "bad-ties,expenditure.basic,,1692.80",
                    "bad-ties,expenditure.basic,,1692.90")
        # A change with no reason given in the department's words.
        clone_department(data_dir, "bad-reason", "缺原因部门")
        replace_row(data_dir / "2022" / "text" / "bad-reason.yaml",
                    "  admin_operating_change: 财政部门对单位预算指标的压缩\n", "")
    return data_dir


TEMPORARY = re.compile(r"^\..+\.tmp$")  # write_atomic's hidden temp file, before its rename


def assert_only_complete_files(year_dir: Path, killed: bool = False) -> None:
    """Every file in the year folder is a whole report, notebook or index: nothing half-written.

    Right after a SIGKILL, the hidden temporary file of a write that was never renamed may remain
    (never under a report's name, never linked); the next run removes it, so otherwise there is none.
    """
    allowed = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_-]*)(\.html|\.ipynb|\.failed\.ipynb)$|^index\.html$")
    for path in year_dir.rglob("*"):
        if killed and path.is_file() and TEMPORARY.match(path.name):
            continue
        if path.is_dir():
            assert path.name == ".build", f"unexpected folder {path}"
            continue
        rel = path.relative_to(year_dir)
        if rel.parts[0] == ".build":  # the batch's record of what each report was built from
            assert path.suffix == ".json" and not path.name.startswith("."), f"temp file {rel}"
            json.loads(path.read_text(encoding="utf-8"))
            continue
        assert allowed.match(path.name), f"temp or stray file {rel}"
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html":
            assert text.rstrip().endswith("</html>"), f"half-written {rel}"
        else:
            nbformat.validate(nbformat.reads(text, as_version=4))


# ---------------------------------------------------------------- broken departments

GOOD = ["good-a", "good-b"]
BROKEN = {"bad-ties": "账不平部门", "bad-reason": "缺原因部门"}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("faults")
    data_dir = make_data(base, GOOD, broken=True)
    departments = [(SEED, "攀枝花市委组织部"), ("bad-ties", BROKEN["bad-ties"]), ("good-a", "good-a部门"),
                   ("bad-reason", BROKEN["bad-reason"]), ("good-b", "good-b部门")]
    out_dir = base / "outputs"
    result = build_reports(YEAR, departments, data_dir=data_dir, out_dir=out_dir, notebook=NOTEBOOK,
                           progress=False)
    return {"result": result, "data": data_dir, "year_dir": out_dir / str(YEAR)}


def first_error(data_dir: Path, d_id: str) -> str:
    """What the notebook's first cell raises for a broken department: the first of its errors."""
    with pytest.raises(DataErrors) as caught:
        load_report(d_id, YEAR, data_dir)
    return caught.value.errors[0].message


def test_every_good_department_is_built_despite_the_broken_ones(run):
    result, year_dir = run["result"], run["year_dir"]
    assert sorted(r.id for r in result.built) == sorted([SEED, *GOOD])
    for d_id, name in ((SEED, "攀枝花市委组织部"), *((g, f"{g}部门") for g in GOOD)):
        html = (year_dir / f"{d_id}.html").read_text(encoding="utf-8")
        assert f"{name}2022年度部门决算" in html and "收、支总计" in html
        assert (year_dir / f"{d_id}.ipynb").exists()
        assert not (year_dir / f"{d_id}.failed.ipynb").exists()
    assert not result.ok


def test_the_summary_names_each_failed_department_and_its_first_error(run):
    result = run["result"]
    assert sorted(f.id for f in result.failed) == sorted(BROKEN)
    summary = result.summary()
    for d_id, name in BROKEN.items():
        error = first_error(run["data"], d_id)
        (failure,) = [f for f in result.failed if f.id == d_id]
        assert error in failure.reason
        line = next(line for line in summary.splitlines() if d_id in line)
        assert name in line and error in line
    assert "部门 bad-ties：收、支总计 (total)" in summary
    assert "部门 bad-reason：reasons.admin_operating_change" in summary


def test_the_failing_notebook_is_kept_with_its_error(run):
    year_dir = run["year_dir"]
    for d_id in BROKEN:
        (failure,) = [f for f in run["result"].failed if f.id == d_id]
        assert failure.notebook == year_dir / f"{d_id}.failed.ipynb"
        nb = nbformat.read(failure.notebook, as_version=4)
        errors = [(cell, o) for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
                  if o.output_type == "error"]
        assert len(errors) == 1
        cell, output = errors[0]
        assert output.ename == "DataErrors"
        assert f"部门 {d_id}" in output.evalue
        assert "load_report(" in cell.source  # the cell that failed, as it was run
        assert not (year_dir / f"{d_id}.html").exists()
        assert not (year_dir / f"{d_id}.ipynb").exists()


def test_the_index_lists_the_failures_with_their_reasons(run):
    index = (run["year_dir"] / "index.html").read_text(encoding="utf-8")
    for d_id, name in BROKEN.items():
        assert name in index
        assert f'href="{d_id}.html"' not in index
    for d_id in (SEED, *GOOD):
        assert f'href="{d_id}.html"' in index
    assert "reasons.admin_operating_change" in index


def test_nothing_half_written_or_temporary_is_left(run):
    assert_only_complete_files(run["year_dir"])


# ---------------------------------------------------------------- killed mid-run

# Enough departments that a poller starved for a few seconds on a busy machine still kills the batch mid-run.
KILLED = [f"kill-{c}" for c in "abcdefgh"]

BATCH = textwrap.dedent("""
    import sys
    from pathlib import Path
    from juesuan.build.batch import build_reports
    data_dir, out_dir, notebook = map(Path, sys.argv[1:4])
    departments = [(d, d + "部门") for d in sys.argv[4:]]
    build_reports(2022, departments, data_dir=data_dir, out_dir=out_dir, notebook=notebook, progress=False)
""")


def test_a_batch_killed_mid_run_leaves_only_whole_files_and_a_rerun_finishes(tmp_path):
    data_dir = make_data(tmp_path, KILLED, broken=False)
    out_dir = tmp_path / "outputs"
    year_dir = out_dir / str(YEAR)
    log = tmp_path / "batch.log"
    scratch = tmp_path / "tmp"  # the batch's own temporary files, which a SIGKILL leaves behind
    scratch.mkdir()
    with open(log, "wb") as log_file:
        proc = subprocess.Popen([sys.executable, "-c", BATCH, str(data_dir), str(out_dir), str(NOTEBOOK), *KILLED],
                                stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
                                env={**os.environ, "TMPDIR": str(scratch)})
    try:
        deadline = time.monotonic() + 300
        while not list(year_dir.glob("*.html")):
            assert proc.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "no report appeared in 300 s"
            time.sleep(0.02)
    finally:
        # SIGKILL the batch and the processes of its session (its workers): no cleanup code runs.
        # (Kernels run in sessions of their own and exit when their parent is gone.)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    built = sorted(p.stem for p in year_dir.glob("*.html") if p.name != "index.html")
    assert 1 <= len(built) < len(KILLED), f"the kill came too late to test anything: {built}"
    assert not (year_dir / "index.html").exists()
    assert_only_complete_files(year_dir, killed=True)

    result = build_reports(YEAR, [(d, d + "部门") for d in KILLED], data_dir=data_dir, out_dir=out_dir,
                           notebook=NOTEBOOK, progress=False)
    assert result.ok, result.summary()
    assert sorted(r.id for r in result.built + getattr(result, "skipped", [])) == sorted(KILLED)
    for d_id in KILLED:
        assert (year_dir / f"{d_id}.html").exists() and (year_dir / f"{d_id}.ipynb").exists()
    index = (year_dir / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{d_id}.html"' in index for d_id in KILLED)
    assert_only_complete_files(year_dir)
