"""Run the report notebook once per department, in parallel, and export the results.

For year ``Y`` and department ``D`` the batch leaves in ``out_dir/Y/``:

* ``D.ipynb``: the executed notebook (kernelspec ``juesuan``), and
* ``D.html``: the offline report without code (see :mod:`juesuan.build.export`),
* ``D.xlsx`` (with ``tables=True``, as ``juesuan report`` asks): its nine public tables as a workbook
  (see :mod:`juesuan.build.table_export`), made here from the data, which needs no kernel,
* ``D.pdf`` and ``D.docx`` (with ``formats`` naming them): the same report as a PDF to publish
  (:mod:`juesuan.build.pdf`) and a Word document (:mod:`juesuan.build.word`), made by the worker from the HTML,
* ``.build/D.json``: what the report was built from (see :mod:`juesuan.build.manifest`),

or, when the run fails, ``D.failed.ipynb``: the notebook as far as it got,
with papermill's error markers, for debugging. ``index.html`` lists both
kinds. Every file is written atomically, by the batch's own process.

Departments run ``workers`` at a time, each worker on a kernel it keeps warm
(:mod:`juesuan.build.engine`), or on a Dask cluster (``scheduler=``). A department
whose report is up to date (same data rows, texts, notebook, library) is
skipped unless ``force``; one whose report is up to date but lacks a format
asked for (or whose PDF or Word file is older than the Chromium or the
reference .docx it would be made with now) gets that format made from its
kept HTML, without running the notebook again. A department that fails does
not stop the others.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import time
from contextlib import nullcontext
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Callable, Iterable

from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from juesuan.build import engine as _engine
from juesuan.ids import DEPARTMENT_ID
from juesuan.build.kept_notebook import (KERNEL_DISPLAY_NAME, KERNEL_NAME, first_line,  # noqa: F401 -- part of the batch's API
                            fix_output_metadata, reason_for)
from juesuan.build import manifest as _manifest
from juesuan.build.lean_imports import skip_uri_syntax_grammar
from juesuan.errors import DataError, DataErrors

# nbformat, papermill, nbconvert (juesuan.build.export) and jupyter_client are
# imported where they are used: together they take seconds to import, and a
# re-run with nothing to build needs none of them.

__all__ = [
    "KERNEL_DISPLAY_NAME",
    "KERNEL_NAME",
    "BatchResult",
    "BuiltReport",
    "FailedReport",
    "WorkerPool",
    "build_reports",
    "check_department_id",
    "default_workers",
]

log = logging.getLogger(__name__)

#: The Jupyter kernel the kept notebooks name (``make setup`` registers it for
#: JupyterLab); the batch starts it on its own interpreter (:mod:`juesuan.build.kernel`).

#: A cell running longer than this (seconds) fails its department instead of
#: hanging the whole batch.
CELL_TIMEOUT_S = 600


@dataclass(frozen=True)
class BuiltReport:
    id: str
    name: str
    html: Path
    notebook: Path
    #: The other formats of the report that are there, by name ("pdf", "docx").
    files: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class FailedReport:
    id: str
    name: str
    #: First line of the error, e.g. ``"ValueError: no data for 001"``.
    reason: str
    #: The executed notebook kept for debugging, if the run got to write it.
    notebook: Path | None


@dataclass
class BatchResult:
    year: int
    built: list[BuiltReport] = field(default_factory=list)
    failed: list[FailedReport] = field(default_factory=list)
    #: Up to date since an earlier build: not run again.
    skipped: list[BuiltReport] = field(default_factory=list)
    index: Path | None = None
    seconds: float = 0.0
    #: Peak memory of one worker (its process plus its kernel), in MB, as the workers report it.
    peak_worker_mb: float = 0.0
    #: Seconds the workers spent on each step, summed over this run's reports: "notebook", "html", "pdf", "docx".
    step_seconds: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no department's report failed."""
        return not self.failed

    def summary(self) -> str:
        """A few lines for the terminal: counts, the index, each failure and why."""
        lines = [f"{self.year}年度：已生成报告 {len(self.built)} 份，失败 {len(self.failed)} 个，"
                 f"未变跳过 {len(self.skipped)} 份。"]
        if self.index is not None:
            lines.append(f"索引：{self.index}")
        for f in self.failed:
            where = f"（执行记录：{f.notebook}）" if f.notebook else ""
            lines.append(f"失败 {f.id} {f.name}：{f.reason}{where}")
        return "\n".join(lines)


_SAFE_YEAR = range(1000, 10000)


def check_department_id(department_id: object) -> str:
    """:func:`juesuan.build.export.check_department_id` (same rule; its module is imported only to complain)."""
    if isinstance(department_id, str) and DEPARTMENT_ID.fullmatch(department_id):
        return department_id
    from juesuan.build.export import check_department_id as check

    return check(department_id)


def _check_year(year: object) -> int:
    if isinstance(year, int) and not isinstance(year, bool) and year in _SAFE_YEAR:
        return year
    from juesuan.build.export import _check_year as check

    return check(year)


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _remove_interrupted_writes(year_dir: Path) -> None:
    """A killed run can leave the hidden temporary file of a write it never renamed: never a report, always debris."""
    for leftover in [*year_dir.glob(".*.tmp"), *year_dir.glob(".build/.*.tmp")]:
        leftover.unlink(missing_ok=True)


def build_reports(
    year: int,
    departments: Iterable[tuple[str, str]],
    *,
    data_dir: Path,
    out_dir: Path,
    notebook: Path,
    progress: bool = True,
    workers: int | None = None,
    force: bool = False,
    scheduler: str | object | None = None,
    engine: str = "warm",
    max_runs_per_kernel: int = _engine.MAX_RUNS_PER_KERNEL,
    on_result: Callable[[_engine.Rendered], None] | None = None,
    tables: bool = False,
    formats: Iterable[str] = ("html",),
    reference_doc: Path | None = None,
    template: Path | None = None,
    pool: WorkerPool | None = None,
) -> BatchResult:
    """Execute ``notebook`` for each ``(id, display name)`` and export it.

    Each department runs with the parameters ``department`` (str, as given),
    ``year`` (int) and ``data_dir`` (absolute path), in a ``juesuan`` kernel
    started in the notebook's folder. ``workers`` departments run at once
    (default: one per core), each worker on one warm kernel
    (:mod:`juesuan.build.engine`); ``engine="fresh"`` starts a new kernel per
    report instead, as papermill does by itself. With ``scheduler`` (a Dask
    scheduler address, or a ``distributed.Client``) the departments run on
    that cluster instead of local processes.

    A department whose report is up to date is skipped (see
    :mod:`juesuan.build.manifest`), unless ``force``. A department that fails does
    not stop the others: it is recorded in :attr:`BatchResult.failed` with the
    first line of its error. Finally ``out_dir/<year>/index.html`` is written.

    With ``tables`` (as ``juesuan report`` asks), each built department's nine tables are written
    beside its report as ``<id>.xlsx``, from ``data_dir`` (:mod:`juesuan.build.table_export`), here in the
    batch's process: no kernel is needed for them. The manifest records the file, so that a missing
    or changed ``<id>.xlsx`` makes the department out of date.

    ``formats`` names what is written of each report: ``"html"`` always (the
    others are made from it), ``"pdf"`` and ``"docx"`` as asked (see
    :mod:`juesuan.build.formats`); ``reference_doc`` is the .docx whose styles the
    Word files take (default: the report template's). The manifest records each
    format with what it was made from; a run without ``"pdf"`` or ``"docx"``
    that rebuilds a report removes that report's older PDF or Word file, which
    would no longer say the same thing. ``template``: a report template folder
    the notebook renders with (its ``template`` parameter) instead of the
    year's; its files count among each report's inputs. ``pool``: local workers
    already started for this notebook (:class:`WorkerPool`, which the caller
    closes), used instead of starting them here when there is work for them.

    Raises ``ValueError`` before running anything if an id is not
    :data:`juesuan.ids.DEPARTMENT_ID` or appears twice, a format is unknown or the
    reference .docx cannot be read, and ``RuntimeError`` if the ``juesuan``
    kernel is not installed or the PDF is asked for without Chromium.
    """
    started = time.perf_counter()
    skip_uri_syntax_grammar()  # before anything imports nbformat (juesuan.build.lean_imports)
    year = _check_year(year)
    departments = [(check_department_id(d_id), str(name)) for d_id, name in departments]
    seen: set[str] = set()
    for d_id, _ in departments:
        if d_id in seen:
            raise ValueError(f"department id {d_id!r} is listed twice")
        seen.add(d_id)
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ValueError(f"workers must be a whole number of at least 1, not {workers!r}")
    if engine not in _engine.ENGINES:
        raise ValueError(f"engine must be one of {', '.join(map(repr, _engine.ENGINES))}, not {engine!r}")
    from juesuan.build import formats as _formats

    extra = _formats.extra_formats(formats)
    reference = _formats.reference_bytes(reference_doc) if "docx" in extra else None

    notebook = Path(notebook).resolve()
    data_dir = Path(data_dir).resolve()
    if not notebook.is_file():
        raise FileNotFoundError(f"找不到报告笔记本：{notebook}")
    if not data_dir.is_dir():
        raise FileNotFoundError(f"找不到数据文件夹：{data_dir}")
    if scheduler is None:
        _check_kernel()
        if "pdf" in extra:
            _formats.check_pdf_engine()

    year_dir = Path(out_dir) / str(year)
    year_dir.mkdir(parents=True, exist_ok=True)
    _remove_interrupted_writes(year_dir)
    result = BatchResult(year=year)

    notebook_json = notebook.read_text(encoding="utf-8")
    present, earlier_failures = _manifest.reports_present(year_dir)  # the index lists these too
    fingerprints = _manifest.Fingerprints(
        data_dir=data_dir, year=year, notebook=notebook, kernel_name=KERNEL_NAME,
        department_ids=[d for d, _ in departments] + [*present, *earlier_failures], template=template)
    jobs: list[tuple[_engine.Job, dict]] = []
    all_inputs: dict[str, dict] = {}
    made_with = _formats.made_with(extra, reference, local=scheduler is None)
    for d_id, name in departments:
        inputs = all_inputs[d_id] = fingerprints.inputs(d_id, name, output=str(year_dir / f"{d_id}.ipynb"))
        inputs["formats"] = {f: _manifest.format_key(inputs, f, made_with[f]) for f in extra}
        stale = None if force else _manifest.stale(year_dir, d_id, inputs, tables=tables, formats=inputs["formats"])
        if stale is not None and not stale:
            result.skipped.append(_built(year_dir, d_id, name))
            continue
        kept_html = None
        if stale:  # the report is up to date; only these formats are missing or out of date
            try:
                kept_html = (year_dir / f"{d_id}.html").read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                stale = None
        jobs.append((_engine.Job(
            year=year, department=d_id, name=name, data_dir=str(data_dir),
            notebook=str(notebook), notebook_json=notebook_json,
            # Absolute: a worker (on Dask, another machine) writes paths relative to these.
            output_path=os.path.abspath(year_dir / f"{d_id}.ipynb"),
            failed_path=os.path.abspath(year_dir / f"{d_id}.failed.ipynb"),
            title=f"{name}{year}年度部门决算", timeout=CELL_TIMEOUT_S,
            kernel_name=KERNEL_NAME, max_runs=max_runs_per_kernel, engine=engine,
            library=fingerprints.library,
            formats=tuple(sorted(stale)) if stale else extra, reference_doc=reference, html=kept_html,
            template=str(Path(template).resolve()) if template is not None else None,
        ), inputs))

    names = dict(departments)
    by_id = {job.department: (job, inputs) for job, inputs in jobs}

    def keep(rendered: _engine.Rendered) -> None:
        job, inputs = by_id[rendered.department]
        outcome = _keep(rendered, job, names[job.department], year_dir, inputs, tables=tables)
        if isinstance(outcome, BuiltReport):
            result.built.append(outcome)
        else:
            result.failed.append(outcome)
            log.warning("部门 %s（%s）报告失败：%s", outcome.id, outcome.name, outcome.reason)
        result.peak_worker_mb = max(result.peak_worker_mb, rendered.peak_mb)
        for step, seconds in rendered.steps.items():
            result.step_seconds[step] = result.step_seconds.get(step, 0.0) + seconds
        if on_result is not None:
            on_result(rendered)

    with (
        logging_redirect_tqdm(),  # warnings print above the bar, not through it
        tqdm(total=len(departments), initial=len(result.skipped), desc="部门报告", unit="个",
             disable=not progress) as bar,
    ):
        def done(rendered: _engine.Rendered) -> None:
            keep(rendered)
            bar.set_postfix_str(rendered.department, refresh=False)
            bar.update(1)

        todo = [job for job, _ in jobs]
        ahead = _IndexAhead(data_dir, year, year_dir, list(names)) if todo else None
        if not todo:
            pass
        elif scheduler is not None:
            _run_on_dask(scheduler, todo, done)
        else:
            early = pool if pool is not None and pool.serves(notebook, fingerprints.library) else None
            _run_locally(todo, workers or default_workers(), done, max_runs_per_kernel,
                         executor=early.executor if early is not None else None)
    if pool is not None:
        pool.release()  # its workers stop their kernels while this process writes the index

    order = {d_id: i for i, (d_id, _) in enumerate(departments)}
    for reports in (result.built, result.failed, result.skipped):
        reports.sort(key=lambda r: order[r.id])
    entries = _year_entries(year_dir, result, names, order)
    key = _manifest.index_key(year, entries, fingerprints)
    if force or not _manifest.index_up_to_date(year_dir, key):
        result.index = _write_index(Path(out_dir), year, entries, data_dir,
                                    ahead.summaries() if ahead is not None else None)
        _manifest.record_index(year_dir, key)
    else:
        result.index = year_dir / "index.html"  # the same departments, figures and library as last time
    result.seconds = time.perf_counter() - started
    return result


def _year_entries(year_dir: Path, result: BatchResult, names: dict[str, str], order: dict[str, int]) -> list[dict]:
    """The index's entries: every report in ``year_dir`` (with its manifest), whichever run built it,
    this run's failures and earlier ones that left ``<id>.failed.ipynb``; this run's departments first,
    in its order, then the others by id (the page puts them in the data's order where it can)."""
    built, earlier_failures = _manifest.reports_present(year_dir)
    failed = {f.id: f.reason for f in result.failed}
    entries = [{"id": d, "name": names.get(d) or name or d} for d, name in built.items() if d not in failed]
    entries += [{"id": d, "name": names.get(d, d), "error": reason} for d, reason in failed.items()]
    entries += [{"id": d, "name": names.get(d, d), "error": _earlier_failure(year_dir / f"{d}.failed.ipynb")}
                for d in earlier_failures if d not in failed]
    return sorted(entries, key=lambda e: (order.get(e["id"], len(order)), e["id"]))


def _earlier_failure(path: Path) -> str:
    """Why an earlier run failed, as its kept notebook records it (the error of the failing cell)."""
    import json

    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        for cell in cells:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    text = f"{output.get('ename')}: {first_line(output.get('evalue', ''))}"
                    if cell.get("execution_count") is not None:
                        text += f"（单元格 In [{cell['execution_count']}]）"
                    return text
    except (OSError, ValueError, AttributeError):
        pass
    return f"此前的生成失败（执行记录：{path.name}）"


def _in_display_order(entries: list[dict], data_dir: Path, year: int) -> list[dict]:
    """The year's departments in the order of its departments.csv, with the names the data gives them;
    a report whose department the data no longer holds stays listed (its files are still there) and says so."""
    from juesuan.data.loading import list_departments

    try:
        departments = list_departments(data_dir, year)
    except Exception:  # noqa: BLE001 -- unreadable data: the ids' order, the recorded names
        return entries
    if not departments:  # no departments.csv to go by: nothing says a department was removed
        return entries
    order = {d: i for i, d in enumerate(departments)}
    shown = []
    for entry in entries:
        entry = dict(entry)
        if entry["id"] in departments:
            entry["name"] = departments[entry["id"]]
        else:
            entry["name"] = f"{entry['name']}（数据中已无此部门）"
        shown.append(entry)
    return sorted(shown, key=lambda e: (e["id"] not in order, order.get(e["id"], 0), e["id"]))


class _IndexAhead(threading.Thread):
    """While the reports run: the index's modules imported (nbconvert, matplotlib: most of its cost) and the
    key figures of the departments it may list worked out (:func:`juesuan.report.overview.summaries`: the
    reports already in the year's folder and this run's), which do not depend on how the reports fare; the
    page itself is written once they are all done. The batch's own process mostly waits for its workers
    meanwhile."""

    def __init__(self, data_dir: Path, year: int, year_dir: Path, departments: list[str]):
        super().__init__(daemon=True, name="juesuan-index-ahead")
        self.data_dir, self.year, self.year_dir, self.departments = data_dir, year, year_dir, departments
        self._summaries = None
        self.start()

    def run(self) -> None:
        try:
            import juesuan.build.export  # noqa: F401
            from juesuan.report.overview import summaries

            present = _manifest.reports_present(self.year_dir)[0]  # read here, not before the first report
            self._summaries = summaries(self.data_dir, self.year, [*present, *self.departments])
        except Exception:  # noqa: BLE001 -- the index works them out itself, and says what is wrong
            self._summaries = None

    def summaries(self):
        self.join()
        return self._summaries


def _write_index(out_dir: Path, year: int, entries: list[dict], data_dir: Path, summaries=None) -> Path:
    """The index with each department's key figures; without them if the data cannot give them."""
    from juesuan.build.export import write_index

    entries = _in_display_order(entries, data_dir, year)
    try:
        return write_index(out_dir, year, entries, data_dir=data_dir, summaries=summaries)
    except Exception as exc:  # noqa: BLE001 -- the list of reports matters more than the figures
        log.warning("index without key figures: %s", first_line(exc))
        return write_index(out_dir, year, entries)


def _built(year_dir: Path, d_id: str, name: str) -> BuiltReport:
    from juesuan.build.formats import EXTRA_FORMATS

    files = {f: year_dir / f"{d_id}.{f}" for f in EXTRA_FORMATS if (year_dir / f"{d_id}.{f}").is_file()}
    return BuiltReport(id=d_id, name=name, html=year_dir / f"{d_id}.html", notebook=year_dir / f"{d_id}.ipynb",
                       files=files)


def _keep(rendered: _engine.Rendered, job: _engine.Job, name: str, year_dir: Path,
          inputs: dict, tables: bool = False) -> BuiltReport | FailedReport:
    """Write what a worker rendered (atomically), or record why it failed."""
    from juesuan.files import write_atomic
    from juesuan.build.formats import EXTRA_FORMATS

    d_id = job.department
    html_path = year_dir / f"{d_id}.html"
    nb_path = year_dir / f"{d_id}.ipynb"
    tables_path = year_dir / f"{d_id}.xlsx"
    failed_path = year_dir / f"{d_id}.failed.ipynb"
    format_paths = {f: year_dir / f"{d_id}.{f}" for f in EXTRA_FORMATS}
    if job.html is not None:  # only formats of a report that stays as it is
        return _keep_formats(rendered, job, name, year_dir, inputs, tables)
    if rendered.ok:
        try:
            # A format not made this time stays only if it was made from these same inputs (a --force run).
            carried = {f: r for f, r in _manifest.formats_still_valid(year_dir, d_id, inputs).items()
                       if f not in rendered.files}
            write_atomic(nb_path, rendered.notebook_json)
            write_atomic(html_path, rendered.html)
            for fmt, path in format_paths.items():
                if fmt in rendered.files:
                    write_atomic(path, rendered.files[fmt])
                elif fmt not in carried:
                    path.unlink(missing_ok=True)  # made from the report as it was: it would say something else
            if tables:
                _write_tables(job, tables_path)
            failed_path.unlink(missing_ok=True)  # left over from an earlier failed run
            _manifest.record(year_dir, d_id, inputs, html_path, nb_path, name=name,
                             tables=tables_path if tables else None,
                             formats={f: format_paths[f] for f in rendered.files}, carried=carried)
            return _built(year_dir, d_id, name)
        except (OSError, DataErrors) as exc:
            rendered = _engine.Rendered(department=d_id, ok=False, reason=reason_for(exc),
                                        notebook_json=rendered.notebook_json)

    # Outputs of an earlier successful run would now be stale.
    _manifest.forget(year_dir, d_id)
    for stale in (html_path, nb_path, tables_path, *format_paths.values()):
        stale.unlink(missing_ok=True)
    kept = None
    if rendered.notebook_json is not None:
        try:
            kept = write_atomic(failed_path, rendered.notebook_json)
        except OSError as exc:
            log.warning("could not keep the failed notebook of %s: %s", d_id, exc)
    if kept is None:
        failed_path.unlink(missing_ok=True)
    return FailedReport(id=d_id, name=name, reason=rendered.reason or "原因不明的错误", notebook=kept)


def _keep_formats(rendered: _engine.Rendered, job: _engine.Job, name: str, year_dir: Path,
                  inputs: dict, tables: bool) -> BuiltReport | FailedReport:
    """The formats made from a kept report: written beside it, its manifest extended; the report itself stays."""
    from juesuan.files import write_atomic

    d_id = job.department
    paths = {f: year_dir / f"{d_id}.{f}" for f in job.formats}
    if rendered.ok:
        try:
            for fmt, path in paths.items():
                write_atomic(path, rendered.files[fmt])
            _manifest.add_formats(year_dir, d_id, inputs, paths)
            return _built(year_dir, d_id, name)
        except (OSError, KeyError, ValueError) as exc:
            rendered = _engine.Rendered(department=d_id, ok=False, reason=reason_for(exc))
    for path in paths.values():
        path.unlink(missing_ok=True)  # what it held was made from the report before, or with another Chromium
    return FailedReport(id=d_id, name=name, reason=rendered.reason or "原因不明的错误", notebook=None)


def _write_tables(job: _engine.Job, path: Path) -> Path:
    """The department's nine tables beside its report, from the data the report was built from."""
    from juesuan.files import write_atomic
    from juesuan.report.report import load_figures
    from juesuan.build.table_export import workbook_bytes

    return write_atomic(path, workbook_bytes(load_figures(Path(job.data_dir), job.department, job.year)))


def _failure(job: _engine.Job, exc: BaseException) -> _engine.Rendered:
    return _engine.Rendered(department=job.department, ok=False, reason=reason_for(exc))


def _run_locally(jobs: list[_engine.Job], workers: int, done: Callable[[_engine.Rendered], None],
                 max_runs: int = _engine.MAX_RUNS_PER_KERNEL, executor: ProcessPoolExecutor | None = None) -> None:
    """`workers` processes, each keeping one warm kernel (also for one worker: this process keeps none);
    the processes of ``executor`` (a :class:`WorkerPool`'s, left open) if given, for the first attempt."""
    workers = min(workers, len(jobs))
    pending = list(jobs)
    for attempt in (1, 2):  # a worker that dies (killed, out of memory) breaks the pool: retry once
        if not pending:
            return
        unfinished: list[_engine.Job] = []
        given = executor if attempt == 1 else None
        # spawn, not fork: the parent may hold threads (tqdm, zmq) that fork would copy half-way.
        # (Not max_tasks_per_child: on Python 3.11 the pool can hang when a worker retires.)
        with (nullcontext(given) if given is not None else
              ProcessPoolExecutor(max_workers=min(workers, len(pending)), mp_context=get_context("spawn"),
                                  initializer=_quiet_worker)) as pool:
            futures = {pool.submit(_engine.render_department, job): job for job in pending}
            remaining = set(futures)
            while remaining:
                finished, remaining = wait(remaining, return_when=FIRST_COMPLETED)
                for future in finished:
                    job = futures.pop(future)  # with its result (two pages): memory stays flat
                    try:
                        done(future.result())
                    except BrokenProcessPool as exc:
                        if attempt == 1:
                            unfinished.append(job)
                        else:
                            done(_failure(job, exc))
                    except Exception as exc:  # noqa: BLE001
                        done(_failure(job, exc))
        pending = unfinished


def _quiet_worker() -> None:
    logging.getLogger("papermill").setLevel(logging.WARNING)
    logging.getLogger("traitlets").setLevel(logging.ERROR)


class WorkerPool:
    """The batch's local worker processes, started before it has its jobs, each warming its kernel up at once.

    ``juesuan report`` starts them before it lists and validates the year and works out what is out of
    date, so that the workers' start (a process each, a kernel each, its imports) overlaps that work
    instead of following it. Each worker starts the kernel the batch's reports of ``notebook`` will take
    (:func:`juesuan.build.engine.warm_worker_kernel`); a kernel that fails to start is started again by
    the first report, which says why. Use it as a context manager (its processes end when it closes)
    and pass it to :func:`build_reports`, which uses it for the same notebook and library.
    """

    def __init__(self, workers: int, notebook: Path, *, max_runs: int = _engine.MAX_RUNS_PER_KERNEL):
        from juesuan.build.manifest import library_fingerprint

        self.workers = workers
        self.notebook = Path(notebook).resolve()
        self.library = library_fingerprint()
        self.executor = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                            initializer=_warm_worker,
                                            initargs=(str(self.notebook), self.library, max_runs))
        # ProcessPoolExecutor starts a process for each task submitted while none is idle: one each, now.
        for _ in range(workers):
            self.executor.submit(int)
        # Kept to wait for at close(): after shutdown(wait=False) the executor forgets them.
        self._processes = list((self.executor._processes or {}).values())

    def serves(self, notebook: Path, library: str) -> bool:
        """Were its kernels warmed up for this notebook and library?"""
        return Path(notebook).resolve() == self.notebook and library == self.library

    def release(self) -> None:
        """No more work for it: its workers begin to end (their kernels too); :meth:`close` waits for them."""
        self.executor.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Its workers ended (each stops its kernel as it ends), waited for."""
        self.executor.shutdown(wait=True, cancel_futures=True)
        for process in self._processes:
            process.join(timeout=60)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _warm_worker(notebook: str, library: str, max_runs: int) -> None:
    """A :class:`WorkerPool` worker's start: quiet logs, its kernel started and warmed up (never raises:
    an initializer that raises breaks the whole pool)."""
    _quiet_worker()
    try:
        _engine.warm_worker_kernel(notebook, library, max_runs=max_runs)
    except Exception as exc:  # noqa: BLE001
        log.warning("the worker's kernel did not start ahead of its reports: %s", first_line(exc))


def _run_on_dask(scheduler, jobs: list[_engine.Job], done: Callable[[_engine.Rendered], None]) -> None:
    """The same jobs as Dask futures: ``client.map`` then ``as_completed``."""
    from distributed import Client, as_completed

    own_client = not isinstance(scheduler, Client)
    client = Client(scheduler) if own_client else scheduler
    try:
        token = f"{os.getpid()}-{time.time_ns()}"
        futures = client.map(_engine.render_department, jobs, pure=False,
                             key=[f"juesuan-report-{job.year}-{job.department}-{token}" for job in jobs])
        job_of = {future.key: job for future, job in zip(futures, jobs)}
        for future in as_completed(futures):
            job = job_of[future.key]
            try:
                done(future.result())
            except Exception as exc:  # noqa: BLE001 -- a lost worker, a task that could not run
                done(_failure(job, exc))
            future.release()
    finally:
        if own_client:
            client.close()


def _check_kernel() -> None:
    """The kernel runs on this interpreter (:mod:`juesuan.build.kernel`): it needs ipykernel here, nothing registered."""
    from jupyter_client.kernelspec import NoSuchKernel

    from juesuan.build.kernel import KernelSpecManager

    try:
        KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except (NoSuchKernel, ImportError) as exc:
        raise RuntimeError(
            f"Jupyter kernel {KERNEL_NAME!r} cannot run on {sys.executable} ({type(exc).__name__}: {exc}); "
            "reinstall juesuan with its dependencies (`make setup`, or pip install juesuan)"
        ) from None
