"""Is a department's report up to date? A small manifest per built report says.

After a report is built the batch writes ``out_dir/<year>/.build/<id>.json``:
a hash of everything the report was built from, and the size and mtime of the
files it wrote. A later run skips the department when the hash is the same
and the files are still as written. Each PDF or Word file made from the report
is recorded with a key of its own (:func:`format_key`: the report's hash and
what else makes that format, see :func:`juesuan.build.formats.made_with`): a format
asked for that is missing, changed or made otherwise is made again from the
kept HTML (:func:`stale`). The hash covers:

* **data**: that department's rows of each CSV file (``departments``, ``units``,
  ``amounts``, ``counts``, ``breakdowns``) and its ``text/<id>.yaml``, in every
  year folder up to the report's year (the report reads the year before for its
  comparisons, and older years for trends); per year folder also its header
  lines, ``year.yaml``, any row that names no valid department (it may be an
  error that concerns every department) and which files exist; and
  ``data_dir/glossary.yaml`` (the default 名词解释). A change in another
  department's rows does not touch this one;
* **notebook**: the report notebook's bytes;
* **library**: every file of the ``juesuan`` package (code, templates, fonts,
  HTML template), the versions of the packages that shape the output, Python's
  version and the kernelspec;
* **parameters**: department, name, year, data folder, where the notebook is kept.

Reading a CSV that cannot be parsed puts its whole bytes into everyone's hash.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sys
from functools import cached_property
from importlib import metadata
from pathlib import Path

from juesuan.resources import PACKAGE_DIR
from juesuan.ids import DEPARTMENT_ID

FORMAT = 1
BUILD_DIR = ".build"
CSV_FILES = ("departments.csv", "units.csv", "amounts.csv", "counts.csv", "breakdowns.csv")
YEAR_FILES = ("year.yaml", "function_names.csv", "economic_names.csv")
#: Packages whose version can change a report's bytes.
OUTPUT_PACKAGES = ("papermill", "nbclient", "nbconvert", "nbformat", "ipykernel", "ipython", "jupyter_client",
                   "matplotlib", "matplotlib-inline", "seaborn", "pandas", "numpy", "jinja2", "pyyaml",
                   "mistune", "pygments", "pillow", "bleach", "beautifulsoup4", "uharfbuzz")


def _sha(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(len(chunk).to_bytes(8, "little"))
        h.update(chunk)
    return h.hexdigest()


def _decode(raw: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return None


def library_fingerprint() -> str:
    """Every file of the package (not caches), by path and content."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        rel = path.relative_to(PACKAGE_DIR).as_posix().encode()
        h.update(_sha(rel, path.read_bytes()).encode())
    return h.hexdigest()


def environment_fingerprint(kernel_name: str) -> str:
    versions = {}
    for name in OUTPUT_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    try:
        from juesuan.build.kernel import KernelSpecManager

        spec = KernelSpecManager().get_kernel_spec(kernel_name).to_dict()
    except Exception:  # noqa: BLE001 -- no kernel here (a Dask client): its workers have one
        spec = None
    return _sha(json.dumps({"python": sys.version, "packages": versions, "kernelspec": spec},
                           sort_keys=True, ensure_ascii=False).encode())


class _YearRows:
    """One year folder, split by department: hashes of each department's rows and text."""

    def __init__(self, folder: Path, wanted: set[str]):
        self.folder = folder
        self.rows: dict[str, hashlib._Hash] = {}
        common = hashlib.sha256()
        for name in YEAR_FILES:  # files of the whole year: every department's report reads all of them
            path = folder / name
            common.update(_sha(name.encode(), path.read_bytes() if path.is_file() else b"-").encode())
        for name in CSV_FILES:
            path = folder / name
            if not path.is_file():
                common.update(_sha(name.encode(), b"absent").encode())
                continue
            raw = path.read_bytes()
            text = _decode(raw)
            try:
                if text is None:
                    raise csv.Error("undecodable")
                records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
            except csv.Error:
                common.update(_sha(name.encode(), raw).encode())  # let the loader say what is wrong
                continue
            common.update(_sha(name.encode(), b"present").encode())
            for line, cells in enumerate(records, start=1):
                key = cells[0].strip() if cells else ""
                encoded = json.dumps([name, cells], ensure_ascii=False).encode()
                if line == 1:
                    common.update(encoded)                     # the header
                elif key in wanted:
                    self.rows.setdefault(key, hashlib.sha256()).update(encoded)
                elif not any(c.strip() for c in cells):
                    continue                                   # a blank line
                elif not DEPARTMENT_ID.fullmatch(key):
                    common.update(encoded)                     # a row that names no department
        self.common = common.hexdigest()

    def department(self, d_id: str) -> str:
        rows = self.rows.get(d_id)
        text = self.folder / "text" / f"{d_id}.yaml"
        return _sha(self.common.encode(), (rows.hexdigest() if rows else "-").encode(),
                    text.read_bytes() if text.is_file() else b"-")


class Fingerprints:
    """What the reports of one batch are built from; :meth:`inputs` gives one department's."""

    def __init__(self, *, data_dir: Path, year: int, notebook: Path, kernel_name: str,
                 department_ids: list[str], template: Path | None = None):
        self.data_dir = Path(data_dir)
        self.template_folder = Path(template) if template is not None else None
        self.year = year
        self.notebook_path = Path(notebook)
        self.kernel_name = kernel_name
        self.wanted = set(department_ids)

    @cached_property
    def library(self) -> str:
        return library_fingerprint()

    @cached_property
    def environment(self) -> str:
        return environment_fingerprint(self.kernel_name)

    @cached_property
    def notebook(self) -> str:
        return _sha(self.notebook_path.read_bytes())

    @cached_property
    def years(self) -> dict[int, _YearRows]:
        folders = {}
        if self.data_dir.is_dir():
            for path in sorted(self.data_dir.iterdir()):
                if path.is_dir() and path.name.isdigit() and int(path.name) <= self.year:
                    folders[int(path.name)] = _YearRows(path, self.wanted)
        return folders

    @cached_property
    def template(self) -> str:
        """A template folder named for the batch (outside the package, so not in `library`): every file of it."""
        if self.template_folder is None:
            return "-"
        files = sorted(p for p in self.template_folder.rglob("*") if p.is_file())
        return _sha(*(f"{p.relative_to(self.template_folder).as_posix()}:{_sha(p.read_bytes())}".encode()
                      for p in files))

    @cached_property
    def glossary(self) -> str:
        path = self.data_dir / "glossary.yaml"
        return _sha(path.read_bytes() if path.is_file() else b"-")

    def data(self, d_id: str) -> str:
        """The hash of what the data holds for ``d_id`` (which must be among ``department_ids``)."""
        return _sha(self.glossary.encode(),
                    *(f"{year}:{rows.department(d_id)}".encode() for year, rows in self.years.items()))

    def inputs(self, d_id: str, name: str, *, output: str) -> dict:
        parts = {
            "data": self.data(d_id),
            "notebook": self.notebook,
            "library": self.library,
            "environment": self.environment,
            "template": self.template,
            "parameters": _sha(json.dumps(
                {"department": d_id, "name": name, "year": self.year, "data_dir": str(self.data_dir),
                 "notebook": str(self.notebook_path), "output": output, "kernel": self.kernel_name},
                sort_keys=True, ensure_ascii=False).encode()),
        }
        parts["key"] = _sha(json.dumps(parts, sort_keys=True).encode())
        return parts


def path(year_dir: Path, d_id: str) -> Path:
    return Path(year_dir) / BUILD_DIR / f"{d_id}.json"


def _stamp(p: Path) -> list[int]:
    st = os.stat(p)
    return [st.st_size, st.st_mtime_ns]


def record(year_dir: Path, d_id: str, inputs: dict, html: Path, notebook: Path, name: str | None = None,
           tables: Path | None = None, formats: dict[str, Path] | None = None,
           carried: dict[str, dict] | None = None) -> Path:
    """The manifest of a built report; with ``tables``, its ``<id>.xlsx`` is one of the outputs checked, and so
    is each file of ``formats`` (format -> path), with its key from ``inputs["formats"]``; ``carried`` keeps
    records of formats made before from the same inputs (:func:`formats_still_valid`)."""
    outputs = {"html": _stamp(html), "notebook": _stamp(notebook)}
    if tables is not None:
        outputs["tables"] = _stamp(tables)
    inputs = {**inputs, "formats": {**{f: r["key"] for f, r in (carried or {}).items()}, **inputs.get("formats", {})}}
    entry = {"format": FORMAT, "department": d_id, "name": name, "inputs": inputs, "outputs": outputs,
             "formats": dict(carried or {})}
    return _write_entry(year_dir, d_id, entry, formats or {})


def formats_still_valid(year_dir: Path, d_id: str, inputs: dict) -> dict[str, dict]:
    """The recorded formats of a report that were made from these same inputs and are still as written:
    a rebuild of the report that does not make them again leaves them, as they say the same thing."""
    year_dir = Path(year_dir)
    try:
        entry = json.loads(path(year_dir, d_id).read_text(encoding="utf-8"))
        if entry.get("format") != FORMAT or entry["inputs"]["key"] != inputs["key"]:
            return {}
        valid = {}
        for fmt, recorded in (entry.get("formats") or {}).items():
            try:
                if recorded["output"] == _stamp(year_dir / f"{d_id}.{fmt}"):
                    valid[fmt] = recorded
            except OSError:
                pass
        return valid
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def add_formats(year_dir: Path, d_id: str, inputs: dict, formats: dict[str, Path]) -> Path:
    """Record formats made from a report already recorded (the rest of its entry stays)."""
    entry = json.loads(path(year_dir, d_id).read_text(encoding="utf-8"))
    if entry.get("inputs", {}).get("key") != inputs["key"]:
        raise ValueError(f"the manifest of {d_id} was written for other inputs")
    entry["inputs"]["formats"] = {**entry["inputs"].get("formats", {}), **inputs.get("formats", {})}
    entry.setdefault("formats", {})
    return _write_entry(year_dir, d_id, entry, formats)


def _write_entry(year_dir: Path, d_id: str, entry: dict, formats: dict[str, Path]) -> Path:
    from juesuan.files import write_atomic

    for fmt, file in formats.items():
        entry["formats"][fmt] = {"key": entry["inputs"]["formats"][fmt], "output": _stamp(file)}
    target = path(year_dir, d_id)
    target.parent.mkdir(exist_ok=True)
    return write_atomic(target, json.dumps(entry, indent=1, sort_keys=True) + "\n")


def format_key(inputs: dict, fmt: str, made_with: str) -> str:
    """What a PDF or Word file of the report is made from: the report's own key, the format and ``made_with``."""
    return _sha(inputs["key"].encode(), fmt.encode(), made_with.encode())


def forget(year_dir: Path, d_id: str) -> None:
    path(year_dir, d_id).unlink(missing_ok=True)


def up_to_date(year_dir: Path, d_id: str, inputs: dict, tables: bool = False,
               formats: dict[str, str] | None = None) -> bool:
    """Built from the same inputs, and every output still as the build left them (see :func:`stale`)."""
    return stale(year_dir, d_id, inputs, tables=tables, formats=formats) == set()


def stale(year_dir: Path, d_id: str, inputs: dict, tables: bool = False,
          formats: dict[str, str] | None = None) -> set[str] | None:
    """What of a report must be made again: None for all of it (run the notebook), else the formats to make
    from its kept HTML (format -> key asked for, as :func:`format_key` gives), an empty set when nothing.

    The report needs running when its inputs changed, its HTML or notebook is not as the build left it, a
    failed run left ``<id>.failed.ipynb`` or, with ``tables``, its ``<id>.xlsx`` is missing or changed (a
    manifest written without it too). A format is made again when it is not recorded, was made from another
    key, or its file is missing or changed.
    """
    year_dir = Path(year_dir)
    try:
        entry = json.loads(path(year_dir, d_id).read_text(encoding="utf-8"))
        whole = (entry.get("format") == FORMAT
                 and entry["inputs"]["key"] == inputs["key"]
                 and entry["outputs"]["html"] == _stamp(year_dir / f"{d_id}.html")
                 and entry["outputs"]["notebook"] == _stamp(year_dir / f"{d_id}.ipynb")
                 and (not tables or entry["outputs"]["tables"] == _stamp(year_dir / f"{d_id}.xlsx"))
                 and not (year_dir / f"{d_id}.failed.ipynb").exists())
        if not whole:
            return None
        made = entry.get("formats") or {}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    todo = set()
    for fmt, key in (formats or {}).items():
        recorded = made.get(fmt)
        try:
            if not isinstance(recorded, dict) or recorded.get("key") != key \
                    or recorded.get("output") != _stamp(year_dir / f"{d_id}.{fmt}"):
                todo.add(fmt)
        except OSError:
            todo.add(fmt)
    return todo


def some_report_must_run(year_dir: Path, notebook: Path, department_ids: list[str] | None = None) -> bool:
    """A first look, before the data is read: will a report of ``year_dir`` surely run its notebook again?

    True when ``year_dir`` holds no manifest (of ``department_ids``, when given: one of them has none), or one
    was written for another library or notebook than now, or a failed run left its notebook; False says
    nothing for sure (the data may have changed: :func:`stale` tells, once it is read).
    """
    year_dir = Path(year_dir)
    manifests = ([path(year_dir, d) for d in department_ids] if department_ids
                 else [m for m in sorted((year_dir / BUILD_DIR).glob("*.json")) if m.stem != INDEX])
    failed = ([year_dir / f"{d}.failed.ipynb" for d in department_ids] if department_ids
              else list(year_dir.glob("*.failed.ipynb")))
    if not manifests or any(f.exists() for f in failed):
        return True
    library, notebook_sha = library_fingerprint(), _sha(Path(notebook).read_bytes())
    for manifest in manifests:
        try:
            inputs = json.loads(manifest.read_text(encoding="utf-8"))["inputs"]
            if inputs["library"] != library or inputs["notebook"] != notebook_sha:
                return True
        except (OSError, ValueError, KeyError, TypeError):
            return True
    return False


def reports_present(year_dir: Path) -> tuple[dict[str, str | None], list[str]]:
    """What ``year_dir`` holds, whichever runs built it: the index lists all of it.

    Returns the built reports, id -> the name recorded with them (``None`` in
    manifests written before names were), each with its manifest, ``<id>.html``
    and ``<id>.ipynb``; and the ids of failed runs that left ``<id>.failed.ipynb``.
    """
    year_dir = Path(year_dir)
    built: dict[str, str | None] = {}
    for manifest in sorted((year_dir / BUILD_DIR).glob("*.json")):
        try:
            entry = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        d_id = entry.get("department") if isinstance(entry, dict) else None
        if (d_id != manifest.stem or not DEPARTMENT_ID.fullmatch(d_id)
                or not (year_dir / f"{d_id}.html").is_file() or not (year_dir / f"{d_id}.ipynb").is_file()):
            continue
        name = entry.get("name")
        built[d_id] = name if isinstance(name, str) and name else None
    failed = sorted(p.name[:-len(".failed.ipynb")] for p in year_dir.glob("*.failed.ipynb"))
    return built, [d for d in failed if DEPARTMENT_ID.fullmatch(d) and d not in built]


# --------------------------------------------------------------------------
# The year's index page: rewritten only when what it shows may have changed

INDEX = "index"


def index_key(year: int, entries: list[dict], fingerprints: Fingerprints) -> str:
    """What the index shows: its entries, and each listed department's data (its key figures).

    Every listed id must be among the ``department_ids`` of ``fingerprints``."""
    return _sha(json.dumps({
        "format": FORMAT, "year": year, "entries": entries,
        "data": [fingerprints.data(e["id"]) for e in entries],
        "library": fingerprints.library, "environment": fingerprints.environment,
        "data_dir": str(fingerprints.data_dir),
    }, sort_keys=True, ensure_ascii=False).encode())


def index_up_to_date(year_dir: Path, key: str) -> bool:
    return up_to_date_file(year_dir, INDEX, key, Path(year_dir) / "index.html")


def record_index(year_dir: Path, key: str) -> None:
    from juesuan.files import write_atomic

    target = path(year_dir, INDEX)
    target.parent.mkdir(exist_ok=True)
    entry = {"format": FORMAT, "key": key, "index": _stamp(Path(year_dir) / "index.html")}
    write_atomic(target, json.dumps(entry, indent=1, sort_keys=True) + "\n")


def up_to_date_file(year_dir: Path, name: str, key: str, output: Path) -> bool:
    try:
        entry = json.loads(path(year_dir, name).read_text(encoding="utf-8"))
        return entry.get("format") == FORMAT and entry["key"] == key and entry["index"] == _stamp(output)
    except (OSError, ValueError, KeyError, TypeError):
        return False
