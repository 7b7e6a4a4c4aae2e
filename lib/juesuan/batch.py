"""Run the report notebook once per department and export the results.

For year ``Y`` and department ``D`` the batch leaves in ``out_dir/Y/``:

* ``D.ipynb``: the executed notebook (kernelspec ``juesuan``), and
* ``D.html``: the offline report without code (see :mod:`juesuan.export`),

or, when the run fails, ``D.failed.ipynb``: the notebook as far as it got,
with papermill's error markers, for debugging. ``index.html`` lists both
kinds. Every file is written atomically.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import nbformat
import papermill
import zmq
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from papermill.exceptions import PapermillExecutionError
from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm
from traitlets.config import Config

from .export import (
    _check_year,
    check_department_id,
    first_line,
    notebook_to_html,
    write_atomic,
    write_index,
)

__all__ = [
    "KERNEL_DISPLAY_NAME",
    "KERNEL_NAME",
    "BatchResult",
    "BuiltReport",
    "FailedReport",
    "build_reports",
    "check_department_id",
]

log = logging.getLogger(__name__)

#: The Jupyter kernel the Makefile registers (``ipykernel install --sys-prefix
#: --name juesuan --display-name "Python (juesuan)"``).
KERNEL_NAME = "juesuan"
KERNEL_DISPLAY_NAME = "Python (juesuan)"

#: A cell running longer than this (seconds) fails its department instead of
#: hanging the whole batch.
CELL_TIMEOUT_S = 600


@dataclass(frozen=True)
class BuiltReport:
    id: str
    name: str
    html: Path
    notebook: Path


@dataclass(frozen=True)
class FailedReport:
    id: str
    name: str
    #: First line of the error, e.g. ``"ValueError: no data for 001"``.
    reason: str
    #: The executed notebook kept for debugging, if papermill got to write it.
    notebook: Path | None


@dataclass
class BatchResult:
    year: int
    built: list[BuiltReport] = field(default_factory=list)
    failed: list[FailedReport] = field(default_factory=list)
    index: Path | None = None

    @property
    def ok(self) -> bool:
        """True when every department's report was built."""
        return not self.failed

    def summary(self) -> str:
        """A few lines for the terminal: counts, the index, each failure."""
        lines = [f"{self.year}年度：已生成报告 {len(self.built)} 份，失败 {len(self.failed)} 个。"]
        if self.index is not None:
            lines.append(f"索引：{self.index}")
        for f in self.failed:
            where = f"（执行记录：{f.notebook}）" if f.notebook else ""
            lines.append(f"失败 {f.id} {f.name}：{f.reason}{where}")
        return "\n".join(lines)


def build_reports(
    year: int,
    departments: Iterable[tuple[str, str]],
    *,
    data_dir: Path,
    out_dir: Path,
    notebook: Path,
    progress: bool = True,
) -> BatchResult:
    """Execute ``notebook`` for each ``(id, display name)`` and export it.

    Each department runs in a fresh ``juesuan`` kernel with the parameters
    ``department`` (str, as given), ``year`` (int) and ``data_dir`` (absolute
    path), from the notebook's own folder. A department that fails does not
    stop the others: it is recorded in :attr:`BatchResult.failed` with the
    first line of its error. Finally ``out_dir/<year>/index.html`` is written.

    Raises ``ValueError`` before running anything if an id is not
    ``[A-Za-z0-9][A-Za-z0-9_-]*`` or appears twice, and ``RuntimeError`` if
    the ``juesuan`` kernel is not installed.
    """
    year = _check_year(year)
    departments = [(check_department_id(d_id), str(name)) for d_id, name in departments]
    seen: set[str] = set()
    for d_id, _ in departments:
        if d_id in seen:
            raise ValueError(f"department id {d_id!r} is listed twice")
        seen.add(d_id)

    notebook = Path(notebook).resolve()
    data_dir = Path(data_dir).resolve()
    if not notebook.is_file():
        raise FileNotFoundError(f"report notebook not found: {notebook}")
    if not data_dir.is_dir():
        raise FileNotFoundError(f"data folder not found: {data_dir}")
    _check_kernel()

    year_dir = Path(out_dir) / str(year)
    year_dir.mkdir(parents=True, exist_ok=True)
    result = BatchResult(year=year)

    # papermill saves its output after every cell; that half-written file
    # goes to a scratch folder outside out_dir. The kept copies are rewritten
    # from it with write_atomic.
    with (
        tempfile.TemporaryDirectory(prefix="juesuan-batch-") as scratch,
        logging_redirect_tqdm(),  # warnings print above the bar, not through it
        tqdm(departments, desc="部门报告", unit="个", disable=not progress) as bar,
    ):
        for d_id, name in bar:
            bar.set_postfix_str(d_id, refresh=False)
            outcome = _build_one(
                year, d_id, name,
                notebook=notebook, data_dir=data_dir, year_dir=year_dir,
                scratch=Path(scratch),
            )
            if isinstance(outcome, BuiltReport):
                result.built.append(outcome)
            else:
                result.failed.append(outcome)
                log.warning("部门 %s（%s）报告失败：%s", d_id, name, outcome.reason)

    entries = [{"id": r.id, "name": r.name} for r in result.built]
    entries += [{"id": f.id, "name": f.name, "error": f.reason} for f in result.failed]
    order = {d_id: i for i, (d_id, _) in enumerate(departments)}
    entries.sort(key=lambda e: order[e["id"]])
    result.index = write_index(Path(out_dir), year, entries)
    return result


def _build_one(
    year: int, d_id: str, name: str, *,
    notebook: Path, data_dir: Path, year_dir: Path, scratch: Path,
) -> BuiltReport | FailedReport:
    html_path = year_dir / f"{d_id}.html"
    nb_path = year_dir / f"{d_id}.ipynb"
    failed_path = year_dir / f"{d_id}.failed.ipynb"
    tmp_output = scratch / f"{d_id}.ipynb"

    try:
        papermill.execute_notebook(
            notebook,
            tmp_output,
            parameters={"department": d_id, "year": year, "data_dir": str(data_dir)},
            kernel_name=KERNEL_NAME,
            cwd=notebook.parent,
            progress_bar=False,
            execution_timeout=CELL_TIMEOUT_S,
            config=_kernel_config(),
        )
        nb = _read_output(tmp_output, final_path=nb_path)
        html = notebook_to_html(nb, title=f"{name}{year}年度部门决算")
        write_atomic(nb_path, nbformat.writes(nb))
        write_atomic(html_path, html)
    except Exception as exc:  # noqa: BLE001 -- one department must not stop the batch
        reason = _reason(exc)
        kept = None
        try:
            if tmp_output.exists():
                failed_nb = _read_output(tmp_output, final_path=failed_path)
                kept = write_atomic(failed_path, nbformat.writes(failed_nb))
        except Exception as keep_exc:  # noqa: BLE001
            log.warning("could not keep the failed notebook of %s: %s", d_id, keep_exc)
        # Outputs of an earlier successful run would now be stale.
        for stale in (html_path, nb_path):
            stale.unlink(missing_ok=True)
        if kept is None:
            failed_path.unlink(missing_ok=True)
        return FailedReport(id=d_id, name=name, reason=reason, notebook=kept)
    finally:
        tmp_output.unlink(missing_ok=True)

    failed_path.unlink(missing_ok=True)  # left over from an earlier failed run
    return BuiltReport(id=d_id, name=name, html=html_path, notebook=nb_path)


def _read_output(path: Path, *, final_path: Path) -> nbformat.NotebookNode:
    """Read papermill's output and fix what it records about the run."""
    nb = nbformat.read(path, as_version=4)
    # papermill #856: the kernel_name passed in is not written into the
    # output's kernelspec. Tools that re-run the kept notebook (nbval, Lab)
    # must pick the project's kernel.
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": KERNEL_DISPLAY_NAME,
        "language": "python",
    }
    pm = nb.metadata.get("papermill")
    if pm is not None:
        pm["output_path"] = str(final_path)  # not the scratch file
    return nb


def _reason(exc: BaseException) -> str:
    """One line saying why a department failed."""
    if isinstance(exc, PapermillExecutionError):
        text = f"{exc.ename}: {first_line(exc.evalue)}" if exc.evalue else exc.ename
        if exc.exec_count is not None:
            text += f"（单元格 In [{exc.exec_count}]）"
        return text
    message = first_line(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _kernel_config() -> Config:
    """Configuration for the kernel manager nbclient creates.

    ipykernel >= 7.4 warns on every start that TCP traffic is not encrypted;
    when pyzmq has CurveZMQ the manager can provision keys instead (the
    kernelspec ipykernel writes declares ``supported_encryption: curve``).
    """
    if zmq.has("curve"):
        return Config({"KernelManager": {"transport_encryption": "auto"}})
    return Config()


def _check_kernel() -> None:
    try:
        KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        raise RuntimeError(
            f"Jupyter kernel {KERNEL_NAME!r} is not installed; run `make setup` "
            f"(or: python -m ipykernel install --sys-prefix --name {KERNEL_NAME} "
            f'--display-name "{KERNEL_DISPLAY_NAME}")'
        ) from None
