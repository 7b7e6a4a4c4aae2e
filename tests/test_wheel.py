"""`pip install .` (not editable) gives a juesuan that builds reports from any folder, on its own files.

The wheel is built from a copy of the sources (no build isolation: setuptools
comes from the lock, nothing is downloaded) and installed into a new venv with
no dependencies. The venv gets the project venv's site-packages by a .pth file:
a path listed there joins sys.path, but the .pth files inside it (the editable
install's finder, which points at lib/) are not read, so the only juesuan the
new venv can import is the wheel's. Then `juesuan report` runs from a folder
outside the repository, with nothing of the source tree on any path, and the
report must come out whole (so the notebook, templates, fonts and HTML template
are in the wheel) without naming the source tree anywhere.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPARTMENT = "pzh-swzzb"
YEAR = 2022
SOURCES = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "lib", "notebooks"]
PACKAGE_DATA = ["juesuan/notebooks/department_report.ipynb", "juesuan/notebooks/national_report.ipynb",
                "juesuan/fonts/NotoSansCJKsc-Regular.otf", "juesuan/templates/sichuan/template.yaml",
                "juesuan/templates/sichuan/title.md.j2", "juesuan/templates/sichuan/glossary.yaml",
                "juesuan/templates/national/template.yaml", "juesuan/templates/national/p3_05_gpb.md.j2",
                "juesuan/templates/appendix_published_check.md.j2", "juesuan/html_template/conf.json",
                "juesuan/html_template/static/report.css"]


def _clean_env(**extra) -> dict:
    """This environment without anything that could put the source tree or the project venv on a path."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "JUPYTER_PATH",
                        "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if p and not Path(p).resolve().is_relative_to(ROOT))
    env.update(extra)
    return env


def _run(args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".ipynb_checkpoints"))
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = base / "dist"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                  "--quiet", "--wheel-dir", dist, src], env=_clean_env(), cwd=base)
    assert built.returncode == 0, built.stderr
    wheel = next(dist.glob("juesuan-*.whl"))

    tmp_venv = base / "venv"
    venv.create(tmp_venv, with_pip=False)
    python = tmp_venv / "bin" / "python"
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip())
    # Before the wheel: no juesuan to import, even with the project venv's packages on the path.
    (site / "_juesuan_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    before = _run([python, "-c", "import juesuan"], env=_clean_env(), cwd=base)
    assert before.returncode != 0 and "No module named 'juesuan'" in before.stderr, before
    got = _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
                "--quiet", wheel], env=_clean_env(), cwd=base)
    assert got.returncode == 0, got.stderr
    return {"base": base, "wheel": wheel, "venv": tmp_venv, "python": python, "site": site}


@pytest.fixture(scope="module")
def report(installed):
    base = installed["base"]
    work = base / "elsewhere"
    work.mkdir()
    data = shutil.copytree(ROOT / "data", base / "city-data", ignore=shutil.ignore_patterns("published"))
    # nbconvert's templates are data files of the venv nbconvert is installed in: here the project's.
    env = _clean_env(JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"))
    run = _run([installed["venv"] / "bin" / "juesuan", "report", "--data", data, "--year", YEAR,
                "--department", DEPARTMENT, "--out", "out", "--quiet"], cwd=work, env=env)
    return {"run": run, "out": work / "out" / str(YEAR), "env": env, "work": work}


def test_the_wheel_carries_the_package_data(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    assert set(PACKAGE_DATA) <= names, sorted(set(PACKAGE_DATA) - names)
    assert not [n for n in names if n.startswith(("notebooks/", "lib/", "data/", "tests/"))]


def test_the_venv_imports_the_wheel_not_the_source_tree(installed, report):
    where = _run([installed["python"], "-c",
                  "import juesuan, juesuan.resources as r; print(juesuan.__file__); print(r.report_notebook())"],
                 env=report["env"], cwd=report["work"])
    assert where.returncode == 0, where.stderr
    package_file, notebook = where.stdout.split()
    assert Path(package_file).is_relative_to(installed["site"])
    assert Path(notebook) == installed["site"] / "juesuan" / "notebooks" / "department_report.ipynb"
    assert Path(notebook).read_bytes() == (ROOT / "notebooks" / "department_report.ipynb").read_bytes()


def test_the_installed_command_builds_the_report(report):
    run = report["run"]
    assert run.returncode == 0, run.stdout + run.stderr
    html = (report["out"] / f"{DEPARTMENT}.html").read_text(encoding="utf-8")
    charts = re.findall(r'<img[^>]*src="data:image/png;base64,[^"]+"', html)
    assert len(charts) == 7
    assert "@font-face" in html and "攀枝花市委组织部" in html
    assert (report["out"] / f"{DEPARTMENT}.ipynb").is_file()
    assert (report["out"] / "index.html").is_file()


def test_the_batch_kernel_is_the_venvs_own_python(installed, report):
    """No kernel registered in the new venv: the batch's `juesuan` kernel is its interpreter (juesuan.build.kernel)."""
    spec = _run([installed["python"], "-c",
                 "from juesuan.build.kernel import KernelSpecManager; print(KernelSpecManager().get_kernel_spec('juesuan').argv[0])"],
                env=report["env"], cwd=report["work"])
    assert spec.returncode == 0, spec.stderr
    assert spec.stdout.strip() == str(installed["python"])
    assert not (installed["venv"] / "share" / "jupyter" / "kernels").exists()


def test_the_kernel_ran_on_the_installed_package(installed, report):
    kept = report["out"] / f"{DEPARTMENT}.ipynb"
    # papermill's input_path, written relative to the kept notebook's folder (the same bytes wherever it is built)
    input_path = json.loads(kept.read_text(encoding="utf-8"))["metadata"]["papermill"]["input_path"]
    notebook = (kept.parent / input_path).resolve()
    assert notebook == (installed["site"] / "juesuan" / "notebooks" / "department_report.ipynb").resolve()


def test_nothing_built_names_the_source_tree(report):
    for path in report["out"].rglob("*"):
        if path.is_file():
            assert str(ROOT) not in path.read_text(encoding="utf-8", errors="replace"), path


def test_a_missing_data_folder_is_one_clear_line(installed, report):
    run = _run([installed["venv"] / "bin" / "juesuan", "report", "--year", YEAR], cwd=report["work"],
               env=report["env"])
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("错误：data：") and "可用 --data 文件夹 指定" in run.stderr, run.stderr
