"""A relative data_dir is taken from the notebook's folder, however the notebook is run."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from juesuan import notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "department_report.ipynb"


@pytest.fixture
def clean_env(monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)


def test_an_absolute_data_dir_is_kept(clean_env, tmp_path):
    assert notebook.data_folder(tmp_path) == tmp_path


def test_from_any_folder_the_default_is_the_repositorys_data(clean_env, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # papermill from /tmp: the caller's folder says nothing
    assert notebook.data_folder("../data") == ROOT / "data"
    monkeypatch.chdir(ROOT)  # papermill from the repository's root
    assert notebook.data_folder("../data") == ROOT / "data"


def test_a_working_folder_holding_the_notebook_is_its_folder(clean_env, tmp_path, monkeypatch):
    copy = tmp_path / "analyst" / "notebooks"
    copy.mkdir(parents=True)
    (copy / notebook.REPORT_NOTEBOOK).write_text(NOTEBOOK.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(copy)  # JupyterLab, papermill --cwd, the batch
    assert notebook.data_folder("../data") == tmp_path / "analyst" / "data"


def test_jupyterlab_names_the_notebook(clean_env, tmp_path, monkeypatch):
    mine = tmp_path / "work" / "my-report.ipynb"
    mine.parent.mkdir()
    mine.write_text("{}", encoding="utf-8")
    monkeypatch.setenv("JPY_SESSION_NAME", str(mine))
    monkeypatch.chdir(ROOT)
    assert notebook.data_folder("data") == tmp_path / "work" / "data"


def test_the_first_cell_says_so():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    intro = "".join(cells[0]["source"])
    assert "relative path is taken from this notebook's folder however the notebook is run" in intro
    assert 'data_dir = "../data"' in "".join(cells[1]["source"])


@pytest.mark.parametrize("where", ["root", "elsewhere"])
def test_papermill_runs_the_notebook_from_any_folder(where, tmp_path):
    """`papermill notebooks/department_report.ipynb out.ipynb` from the root, or with absolute paths from /tmp."""
    papermill = Path(sys.executable).with_name("papermill")
    out = tmp_path / "out.ipynb"
    source = "notebooks/department_report.ipynb" if where == "root" else str(NOTEBOOK)
    cwd = ROOT if where == "root" else tmp_path
    done = subprocess.run([str(papermill), source, str(out), "-k", "juesuan", "--no-progress-bar"],
                          cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={k: v for k, v in __import__("os").environ.items() if k != "JPY_SESSION_NAME"})
    assert done.returncode == 0, done.stderr[-2000:]
    executed = json.loads(out.read_text(encoding="utf-8"))
    texts = json.dumps(executed["cells"], ensure_ascii=False)
    assert "攀枝花市委组织部2022年度部门决算" in texts
