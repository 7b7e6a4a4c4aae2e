"""The kept notebook of a report run (a function of its inputs alone) and the one line saying why a run failed.

Shared by the batch (`batch`) and the worker that runs the notebooks (`engine`), which import it, never each other.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable

from juesuan.errors import DataError, DataErrors

#: The Jupyter kernel the notebooks run on: this interpreter (juesuan.build.kernel), whatever is registered.
KERNEL_NAME = "juesuan"
KERNEL_DISPLAY_NAME = "Python (juesuan)"


def first_line(message: object) -> str:
    """The first non-blank line of ``message``, stripped (``""`` if none)."""
    for line in str(message).splitlines():
        if line.strip():
            return line.strip()
    return ""


#: What papermill and nbclient record about when a run happened (never the same twice).
_RUN_TIMES = ("start_time", "end_time", "duration")
#: ipykernel names a cell's code <tmp>/ipykernel_<pid>/<hash>.py in warnings and tracebacks.
_KERNEL_TMP = re.compile(r"(?:/[^\s/:\"'<>]+)*/ipykernel_\d+/")


def fix_output_metadata(nb, *, final_path: str | Path, input_path: str | Path | None = None,
                        source_ids: Iterable[str] = ()):
    """Make the kept notebook a function of its inputs alone, in place, and return ``nb``.

    The same data built twice (warm kernel or papermill's fresh one, today or
    next month, here or in another folder at the same depth) gives the same
    bytes, so what differs from run to run is normalised here, when writing:

    * papermill's times (notebook and cells) and nbclient's ``execution``
      timestamps are dropped;
    * paths are written relative to the kept notebook's folder: its own
      ``output_path`` is its file name, ``input_path`` and the ``data_dir``
      parameter (in ``metadata.papermill.parameters`` and in the injected
      cell, which papermill's translator writes again) lead from there, so the
      kept notebook re-runs from its folder (JupyterLab's working folder);
    * a warning's or traceback's file name in the kernel's temporary folder
      (``/tmp/ipykernel_<pid>/<hash>.py``) loses the folder, which names the
      machine's temporary folder and the kernel's process id:
      ``ipykernel/<hash>.py`` (the hash is of the cell's code);
    * cells that papermill adds (the injected parameters, the error markers of
      a failed run) get ids from their tag and place instead of random ones;
      so does any cell whose id is not in ``source_ids`` (the input notebook's).
    """
    # papermill #856: the kernel_name passed in is not written into the
    # output's kernelspec. Tools that re-run the kept notebook (nbval, Lab)
    # must pick the project's kernel.
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": KERNEL_DISPLAY_NAME,
        "language": "python",
    }
    folder = Path(final_path).parent
    pm = nb.metadata.get("papermill")
    relative_parameters = None
    if pm is not None:
        for key in _RUN_TIMES:
            pm.pop(key, None)
        pm["output_path"] = Path(final_path).name  # not the scratch file
        if input_path is not None:
            pm["input_path"] = _relative(input_path, folder)  # not a worker's copy
        parameters = pm.get("parameters")
        if parameters:
            # In the order of the notebook's JSON (sorted keys), whether ``nb`` was read back from a file or not.
            relative_parameters = {k: _relative(v, folder) if isinstance(v, str) and os.path.isabs(v) else v
                                   for k, v in sorted(parameters.items())}
            pm["parameters"] = relative_parameters
    source_ids = set(source_ids)
    used: set[str] = set()
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        cell_pm = cell.metadata.get("papermill")
        if cell_pm is not None:
            for key in _RUN_TIMES:
                cell_pm.pop(key, None)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                output["text"] = _KERNEL_TMP.sub("ipykernel/", output["text"])
            elif output.get("output_type") == "error":
                output["traceback"] = [_KERNEL_TMP.sub("ipykernel/", line) for line in output["traceback"]]
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and relative_parameters is not None:
            from papermill.translators import translate_parameters

            cell.source = translate_parameters(KERNEL_NAME, "python", relative_parameters, "Parameters")
        if "id" in cell and (cell.id not in source_ids or cell.id in used):
            cell.id = f"{tags[0] if tags else cell.cell_type}-{index}"[:64]
        if "id" in cell:
            used.add(cell.id)
    return nb


def _relative(path: str | Path, folder: Path) -> str:
    """``path`` as seen from ``folder``, with forward slashes (as it is where none leads there)."""
    try:
        return Path(os.path.relpath(Path(path), folder)).as_posix()
    except ValueError:  # another drive (Windows)
        return Path(path).as_posix()


def reason_for(exc: BaseException) -> str:
    """One line saying why a department failed."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        if exc.ename in ("DataErrors", "DataError") and exc.evalue:
            text = first_line(exc.evalue)  # already a located line in Chinese: the class name adds nothing
        else:
            text = f"{exc.ename}: {first_line(exc.evalue)}" if exc.evalue else exc.ename
        if exc.exec_count is not None:
            text += f"（单元格 In [{exc.exec_count}]）"
        return text
    message = first_line(exc)
    if isinstance(exc, (DataError, DataErrors)) and message:
        return message
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
