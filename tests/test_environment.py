"""Declared dependencies: what lib/juesuan imports, pyproject.toml, requirements.lock and environment.yml agree.

* every third-party module the package imports belongs to a distribution that
  pyproject.toml declares, pinned exactly (``==``);
* requirements.lock (the whole environment, made by ``make lock`` from
  pyproject.toml) holds every declared pin at the same version, and the
  packages it says it holds for juesuan are exactly the declared ones;
* the Makefile installs from that lock, environment.yml (conda) too;
* and the environment these tests run in is the lock's.
"""
import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lib" / "juesuan"
LOCK = ROOT / "requirements.lock"
# Distributions installed for what they are, not imported under a name of their own.
NOT_IMPORTED = {"dask", "numpy", "jinja2", "nbclient", "ipykernel", "jupyterlab", "papermill"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def split_pin(requirement: str) -> tuple[str, str]:
    name, _, version = requirement.partition("==")
    return canonical(name.split("[")[0].strip()), version.strip()


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def declared() -> list[str]:
    p = project()
    return p["dependencies"] + [r for group in p["optional-dependencies"].values() for r in group]


def pyproject_pins() -> dict[str, str]:
    return dict(split_pin(r) for r in declared())


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith((" ", "#", "-")):
            name, version = split_pin(line)
            pins[name] = version
    return pins


def lock_direct() -> set[str]:
    """The packages the lock says it holds because pyproject.toml asks for them."""
    direct, current = set(), None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#", "-")):
            current = split_pin(line)[0]
        elif "juesuan (pyproject.toml)" in line and current:
            direct.add(current)
    return direct


def imported_modules() -> dict[str, set[str]]:
    """Top-level modules imported anywhere in lib/juesuan (also inside functions), by the files importing them."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "juesuan":
                    found.setdefault(top, set()).add(path.relative_to(ROOT).as_posix())
    return found


# ---- pyproject.toml


def test_every_requirement_is_pinned_exactly():
    for requirement in declared():
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+(\[[A-Za-z0-9_,\-]+\])?==[0-9][A-Za-z0-9.+!\-]*", requirement), \
            f"{requirement} is not pinned exactly"


def test_the_import_scan_sees_the_imports():
    modules = imported_modules()
    # Imported only inside functions: the walk must go there too.
    assert {"pandas", "yaml", "uharfbuzz", "zmq", "psutil", "IPython", "traitlets"} <= set(modules)
    assert "os" not in modules and "juesuan" not in modules


def test_every_imported_module_is_a_declared_dependency():
    distributions = metadata.packages_distributions()
    pins = pyproject_pins()
    missing = []
    for module, files in sorted(imported_modules().items()):
        owners = distributions.get(module)
        assert owners, f"{module} (imported by {', '.join(sorted(files))}) is not installed"
        if not any(canonical(d) in pins for d in owners):
            missing.append(f"{module} ({' or '.join(owners)}), imported by {', '.join(sorted(files))}")
    assert not missing, "imported but not declared in [project].dependencies: " + "; ".join(missing)


def test_runtime_dependencies_are_not_only_test_extras():
    runtime = {split_pin(r)[0] for r in project()["dependencies"]}
    distributions = metadata.packages_distributions()
    for module in imported_modules():
        assert any(canonical(d) in runtime for d in distributions[module]), \
            f"{module} is imported by the package but declared only as a test extra"


def test_nothing_declared_that_is_neither_imported_nor_known_to_be_needed():
    distributions = metadata.packages_distributions()
    imported = {canonical(d) for m in imported_modules() for d in distributions.get(m, [])}
    unused = {split_pin(r)[0] for r in project()["dependencies"]} - imported - NOT_IMPORTED
    assert not unused, f"declared but never imported (or add to NOT_IMPORTED, saying why): {sorted(unused)}"


# ---- requirements.lock


def test_lock_says_how_to_regenerate_it():
    head = LOCK.read_text(encoding="utf-8").splitlines()[:3]
    assert any("make lock" in line and "uv pip compile pyproject.toml" in line for line in head), head


def test_lock_holds_every_declared_pin():
    lock = lock_pins()
    wrong = {name: (version, lock.get(name)) for name, version in pyproject_pins().items() if lock.get(name) != version}
    assert not wrong, f"pyproject.toml pin vs requirements.lock (run `make lock`): {wrong}"


def test_lock_holds_for_juesuan_exactly_what_pyproject_declares():
    assert lock_direct() == set(pyproject_pins()), "run `make lock`"


def test_lock_pins_everything_exactly():
    text = LOCK.read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith((" ", "#")):
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][A-Za-z0-9.+!\-]*", line), line


def test_makefile_installs_the_lock_then_the_project_alone():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    stamp_rule = re.search(r"^\$\(STAMP\):(.*)$", makefile, re.M).group(1)
    assert "$(LOCK)" in stamp_rule and "pyproject.toml" in stamp_rule
    assert re.search(r"^LOCK\s*:=\s*requirements\.lock$", makefile, re.M)
    assert "pip install --quiet -r $(LOCK)" in makefile
    assert "--no-deps" in makefile and "-e '.[test]'" not in makefile


def test_this_environment_is_the_lock():
    wrong = {}
    for name, version in lock_pins().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (version, installed)
    assert not wrong, f"locked vs installed (`make setup` re-creates .venv from the lock): {wrong}"


# ---- environment.yml


def environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def test_environment_yml_installs_the_lock():
    env = environment()
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert pip_section == ["-r requirements.lock", "-e ."]
    conda_packages = [d for d in env["dependencies"] if isinstance(d, str)]
    assert sorted(conda_packages) == ["pip", "python=3.11"], "pins belong in the lock, not in conda's section"


def test_environment_python_matches_requires_python_and_the_lock():
    env = environment()
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    version = python.split("=")[1]
    assert project()["requires-python"] == ">=" + version
    assert f"--python-version {version}" in LOCK.read_text(encoding="utf-8").splitlines()[1]
