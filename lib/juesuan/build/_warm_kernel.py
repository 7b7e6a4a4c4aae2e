"""Kernel-side half of :mod:`juesuan.build.engine`: what a kept-warm kernel runs between reports.

The batch keeps one kernel per worker and runs the report notebook on it once
per department. Before each run, :func:`reset` puts the kernel back into the
state of a fresh kernel that has already imported the library: an empty user
namespace, ``In``/``Out`` emptied and the execution count back at 1 (so the
kept notebook numbers its cells as papermill's would), the working folder,
``sys.path``, environment variables, warning filters (and the "shown once"
registries) and matplotlib's rcParams as they were after warm-up. Modules stay
imported: that is the point.

:func:`warm_up` imports what the report notebook imports and installs
:class:`YearCache`, which keeps what ``juesuan.data.loading.load_year`` read, keyed
by the files' size and modification time, and hands out a fresh copy per call:
a report's cells read each year's files of the whole city several times, and
with a thousand departments re-parsing them per report dominates the run.

Nothing here runs in the batch's own process; it is imported inside the kernel.
"""
from __future__ import annotations

import copy
import io
import os
import pickle
import sys
import warnings
from pathlib import Path

_snapshot: dict | None = None

# Modules the report notebook imports; imported once per kernel.
WARM_MODULES = ("pandas", "yaml", "jinja2", "IPython.display", "matplotlib", "matplotlib.pyplot",
                "seaborn", "juesuan.data.loading", "juesuan.report.report", "juesuan.notebook", "juesuan.report.charts",
                "juesuan.report.tables", "nbformat", "juesuan.build.export", "papermill", "nbclient",
                "juesuan.build.kept_notebook", "juesuan.build._in_kernel")


def warm_up(cwd: str, cache: bool = True) -> None:
    """Import the library, install the year cache, and remember the state to reset to."""
    import importlib

    from juesuan.build.lean_imports import skip_uri_syntax_grammar

    skip_uri_syntax_grammar()  # nbformat is among WARM_MODULES
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # an optional module of an older library: the notebook will say so if it needs it
    if cache:
        install_year_cache()
    settle_collector()
    os.chdir(cwd)
    global _snapshot
    _snapshot = {
        "cwd": cwd,
        "path": list(sys.path),
        "environ": dict(os.environ),
        "filters": list(warnings.filters),
        "rc": _rc_params(),
    }
    reset()


#: The collector's first-generation threshold in a warm kernel (Python's default: 700).
FIRST_GENERATION_THRESHOLD = 10_000


def settle_collector() -> None:
    """Keep the cyclic garbage collector off what the warm-up made, which lives as long as the kernel.

    A warm kernel holds some 300,000 tracked objects (the library, pandas, matplotlib, nbconvert…): each
    full collection traversed them all (~0.2 s, one every few reports), for nothing, since they never
    become garbage. Frozen (``gc.freeze``), they are left out; a larger first generation makes the young
    collections rarer. A report's own cycles (its figures) are still collected, young.
    """
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(FIRST_GENERATION_THRESHOLD, *gc.get_threshold()[1:])


def _rc_params():
    mpl = sys.modules.get("matplotlib")
    return copy.deepcopy(dict(mpl.rcParams)) if mpl is not None else None


def reset() -> None:
    """Back to the state right after warm-up (see the module's doc)."""
    import gc

    ip = get_ipython()  # noqa: F821 -- defined inside an IPython kernel
    # IPython's reset ends with a full gc.collect() (about 0.1 s with pandas
    # and matplotlib loaded); the collector's own schedule is enough.
    collect, gc.collect = gc.collect, lambda *args, **kwargs: 0
    try:
        ip.reset(new_session=True)  # user namespace, In/Out, execution_count = 1
    finally:
        gc.collect = collect
    snap = _snapshot
    if snap is None:
        return
    os.chdir(snap["cwd"])
    sys.path[:] = snap["path"]
    if dict(os.environ) != snap["environ"]:
        os.environ.clear()
        os.environ.update(snap["environ"])
    # Restore the filters, and make every module forget which warnings it has
    # already shown ("default" shows a warning once per place): a fresh
    # kernel would show them again. Adding a filter bumps the version that the
    # per-module registries are checked against.
    warnings.filterwarnings("ignore", message="juesuan warm kernel reset")
    warnings.filters[:] = snap["filters"]
    mpl = sys.modules.get("matplotlib")
    if mpl is not None and snap["rc"] is not None:
        import matplotlib.pyplot as plt

        plt.close("all")
        if dict(mpl.rcParams) != snap["rc"]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                mpl.rcParams.update(snap["rc"])


def export_html(notebook_path: str, html_path: str, title: str) -> None:
    """The batch's export (juesuan.build.export.notebook_to_html) of an executed notebook, done here.

    The kernel already holds what the export needs (matplotlib and the font
    for the embedded subset); doing it in the worker process would load all
    of that a second time in every worker.
    """
    import nbformat

    from juesuan.build.export import notebook_to_html

    nb = nbformat.read(notebook_path, as_version=4)
    html = notebook_to_html(nb, title=title)
    Path(html_path).write_text(html, encoding="utf-8")


# --------------------------------------------------------------------------
# load_year, read once per change of its files


def _signature(folder: Path, only: str | None) -> tuple | None:
    """What load_year(folder, only) reads: its CSV files and texts, by size and mtime."""
    from juesuan.data.loading import FILES

    try:
        names = [FILES[key][0] for key in FILES]
        entries = []
        for name in names:
            try:
                st = os.stat(folder / name)
                entries.append((name, st.st_size, st.st_mtime_ns, st.st_ino))
            except FileNotFoundError:
                entries.append((name, None))
        text = folder / "text"
        if only is None:
            with os.scandir(text) as it:
                texts = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns, e.inode()) for e in it)
        else:
            try:
                st = os.stat(text / f"{only}.yaml")
                texts = [(st.st_size, st.st_mtime_ns, st.st_ino)]
            except FileNotFoundError:
                texts = [None]
        return (tuple(entries), tuple(texts))
    except OSError:
        return None  # no text folder, unreadable…: no caching, let load_year say what is wrong


class YearCache:
    """A wrapper of load_year that reads each (folder, year, only) once per change of its files.

    Each call returns a deep copy, so a caller that changes what it got
    cannot change what the next caller gets.
    """

    def __init__(self, load_year, max_entries: int = 64):
        self.load_year = load_year
        self.max_entries = max_entries
        self.entries: dict = {}
        self.hits = self.misses = 0

    def __call__(self, data_dir, year, only=None):
        from juesuan.data.loading import year_folder

        try:
            folder = Path(year_folder(data_dir, year))
            # Paths in what load_year returns are spelled as the caller spelled data_dir.
            key = (os.getcwd(), type(data_dir).__name__, str(data_dir), year, only)
            hash(key)
        except Exception:  # noqa: BLE001 -- let load_year raise its own error
            return self.load_year(data_dir, year, only)
        signature = _signature(folder, only)
        if signature is not None:
            hit = self.entries.get(key)
            if hit is not None and hit[0] == signature:
                self.hits += 1
                return hit[1].thaw()
        self.misses += 1
        data = self.load_year(data_dir, year, only)
        if signature is not None and signature == _signature(folder, only):
            if len(self.entries) >= self.max_entries:
                self.entries.pop(next(iter(self.entries)))
            self.entries[key] = (signature, _Frozen(data))
        return data


class _Pickler(pickle.Pickler):
    """Pickles everything but exceptions (DataError cannot be rebuilt from its args), kept by reference."""

    def __init__(self, file, shared: list):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.shared = shared

    def persistent_id(self, obj):
        if isinstance(obj, BaseException):
            self.shared.append(obj)
            return len(self.shared) - 1
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, shared: list):
        super().__init__(file)
        self.shared = shared

    def persistent_load(self, pid):
        return self.shared[pid]


class _Frozen:
    """What load_year returned, kept as bytes: each thaw() is a new, independent copy.

    Unpickling is several times faster than copy.deepcopy (a year of a
    thousand departments: about 0.05 s against 0.3 s).
    """

    def __init__(self, data):
        buffer = io.BytesIO()
        self.shared: list = []
        _Pickler(buffer, self.shared).dump(data)
        self.payload = buffer.getvalue()

    def thaw(self):
        return _Unpickler(io.BytesIO(self.payload), self.shared).load()


def _copy(data):
    """An independent copy (the errors, exceptions never changed, are shared)."""
    return _Frozen(data).thaw()


class RowsCache:
    """Each CSV file's rows read once per change of the file, and each department's rows found at once.

    With a thousand departments, reading a year's files to pick one department's rows out of them costs
    more than the department's report (benchmarks/README.md): a report's cells read two years of them.
    Here a file is read (``read_csv_rows``) once while its size, modification time and inode stay
    the same, and grouped by department once; a department's rows are then taken by position, in the
    file's order, with the row labels ``read_year``'s own narrowing gives (``loading.narrow_rows``).
    What is handed out is a new frame each time; the error objects are shared (never changed).
    """

    def __init__(self, max_files: int = 32):
        self.max_files = max_files
        self.files: dict = {}
        self.hits = self.misses = 0

    def __call__(self, path, columns, only):
        from juesuan.data.loading import read_csv_rows

        path = Path(path)
        try:
            st = os.stat(path)
            signature = (st.st_size, st.st_mtime_ns, st.st_ino, tuple(columns))
        except OSError:
            signature = None
        key = str(path.resolve()) if signature is not None else None
        entry = self.files.get(key) if key is not None else None
        if entry is None or entry["signature"] != signature:
            self.misses += 1
            frame, errors = read_csv_rows(path, columns)  # raises DataError for an unreadable file: not kept
            entry = {"signature": signature, "frame": frame, "errors": errors, "positions": None}
            if key is not None and signature == _stat_signature(path, columns):
                if len(self.files) >= self.max_files:
                    self.files.pop(next(iter(self.files)))
                self.files[key] = entry
        else:
            self.hits += 1
        frame, errors = entry["frame"], entry["errors"]
        if only is None:
            return frame.copy(), list(errors)
        if entry["positions"] is None:
            entry["positions"] = frame.groupby("department_id", sort=False).indices if len(frame) else {}
        positions = entry["positions"].get(only)
        if positions is None:
            from juesuan.data.loading import narrow_rows

            return narrow_rows(frame, errors, only)  # none of its rows: exactly what read_year's narrowing gives
        return frame.iloc[positions], [e for e in errors if e.department in (only, None)]


def _stat_signature(path: Path, columns) -> tuple | None:
    try:
        st = os.stat(path)
        return (st.st_size, st.st_mtime_ns, st.st_ino, tuple(columns))
    except OSError:
        return None


def install_year_cache() -> YearCache | None:
    """Have load_year answered by one YearCache, and its files' rows by one RowsCache, in this kernel only
    (loading.cache_years, loading.cache_rows)."""
    import juesuan.data.loading as loading

    loading.cache_rows(RowsCache())
    cache = YearCache(loading.read_year)
    loading.cache_years(cache)
    return cache
