"""The kernel-free render of benchmarks/batch.py: a report's cells run in this process, no kernel, no ZMQ.

A module of its own so that pool workers find these functions by name (the
in-process IPython shell replaces ``sys.modules["__main__"]``).
"""
from __future__ import annotations

import time
import types
from pathlib import Path

YEAR = 2022

_shell = None
#: Seconds spent making the embedded font subset, per report of this process (the font's share of the render).
_font_seconds = 0.0


def setup(notebook: str) -> None:
    global _shell, _cells
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell

    import juesuan.report.charts  # noqa: F401 -- warm: what the notebook imports
    import juesuan.report.report  # noqa: F401
    import juesuan.build.webfont as webfont
    from juesuan.build._warm_kernel import install_year_cache

    # The same year cache as the batch's kernels (each year's files parsed once per process): without it every
    # report would parse the whole year again, which at hundreds of departments is most of the render.
    install_year_cache()

    # embed_font looks font_subset up in its module at each call, so timing it there times every subset made.
    subset = webfont.font_subset

    def timed_subset(characters):
        global _font_seconds
        started = time.perf_counter()
        try:
            return subset(characters)
        finally:
            _font_seconds += time.perf_counter() - started

    webfont.font_subset = timed_subset

    # Its own __main__: by default the shell would run the cells in (and reset
    # away) the globals of this script, which a spawned process imports as __main__.
    _shell = InteractiveShell.instance(user_module=types.ModuleType("__main__"))
    _cells = nbformat.read(notebook, as_version=4)

    from juesuan.build._warm_kernel import settle_collector

    settle_collector()  # as a warm kernel does at the end of its warm-up: the comparison stays like for like


def kernel_free_render(job: tuple[str, str, str, str]) -> tuple[float, float]:
    """One report without a kernel: run the cells, keep their outputs, export, write.

    Returns (seconds, of which seconds making the font subset).
    """
    import copy

    global _font_seconds
    _font_seconds = 0.0

    import nbformat
    from IPython.utils.capture import capture_output

    from juesuan.build.engine import BATCH_SKIPPED_TAGS
    from juesuan.build.export import notebook_to_html
    from juesuan.files import write_atomic

    department, name, data_dir, out = job
    started = time.perf_counter()
    shell = _shell
    import gc

    collect, gc.collect = gc.collect, lambda *a, **k: 0  # as the warm kernel's reset: no full collection
    try:
        shell.reset(new_session=True)
    finally:
        gc.collect = collect
    shell.user_ns.update({"department": department, "year": YEAR, "data_dir": data_dir, "template": None})
    nb = copy.deepcopy(_cells)
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        # Not the parameters (set above), nor what the batch does not run either (the analyst's cells).
        if cell.cell_type != "code" or "parameters" in tags or tags & BATCH_SKIPPED_TAGS:
            continue
        with capture_output() as captured:
            result = shell.run_cell(cell.source, store_history=False)
        result.raise_error()
        cell.outputs = [nbformat.v4.new_output("display_data", data=o.data, metadata=o.metadata)
                        for o in captured.outputs]
        if captured.stdout:
            cell.outputs.insert(0, nbformat.v4.new_output("stream", name="stdout", text=captured.stdout))
    html = notebook_to_html(nb, title=f"{name}{YEAR}年度部门决算")
    write_atomic(Path(out) / f"{department}.ipynb", nbformat.writes(nb))
    write_atomic(Path(out) / f"{department}.html", html)
    return time.perf_counter() - started, _font_seconds
