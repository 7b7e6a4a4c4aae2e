"""What the report notebook's cells call to show things: no figures are computed here."""
from __future__ import annotations

import html
import os
from pathlib import Path

from IPython.display import Image, Markdown, display

from juesuan.data.loading import latest_year, load_year
from juesuan.report.narrative import escape_markdown


#: The report notebook, and its folder in the repository (where an editable install's package finds it).
REPORT_NOTEBOOK = "department_report.ipynb"
REPOSITORY_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def notebook_folder() -> Path:
    """The folder of the notebook this kernel runs, as well as it can be known.

    * JupyterLab (any Jupyter server) tells its kernels the notebook's path
      (``JPY_SESSION_NAME``); its folder is also the kernel's working folder.
    * papermill says nothing to the kernel and starts it in the caller's
      folder (unless ``--cwd``): a working folder that holds the report
      notebook is taken to be its folder; otherwise the report notebook is the
      repository's, ``notebooks/`` beside this package, wherever papermill was
      started from.
    * The batch starts the kernel in the notebook's folder (and passes an
      absolute ``data_dir`` anyway).
    """
    session = os.environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb") and Path(session).is_file():
        return Path(session).resolve().parent
    here = Path.cwd()
    if (here / REPORT_NOTEBOOK).is_file():
        return here
    if (REPOSITORY_NOTEBOOKS / REPORT_NOTEBOOK).is_file():
        return REPOSITORY_NOTEBOOKS
    return here


def data_folder(data_dir: str | Path) -> Path:
    """``data_dir`` as an absolute path: a relative one is taken from the notebook's folder, never from
    wherever the kernel happened to start (see :func:`notebook_folder`)."""
    path = Path(data_dir).expanduser()
    return path if path.is_absolute() else Path(os.path.normpath(notebook_folder() / path))


def show(markdown: str) -> None:
    display(Markdown(markdown))


def show_chart(figure) -> None:
    """Show a chart as a PNG with its caption (图N：…) as alt text.

    The PNG is rendered here rather than left to a matplotlib display hook, so
    it shows the same in JupyterLab, under papermill and in the HTML export,
    whatever backend is active, and leaves no stray `<Figure …>` text.
    """
    from juesuan.report.charts import png_bytes

    caption = getattr(figure, "juesuan_data", {}).get("caption")
    display(Image(data=png_bytes(figure), format="png"),
            metadata={"image/png": {"alt": caption}} if caption else None)


def departments_table(data_dir: str | Path, year: int | None = None) -> str:
    """The departments an analyst can choose from, as a Markdown table."""
    data_dir = data_folder(data_dir)
    year = year or latest_year(data_dir)
    data = load_year(data_dir, year)
    rows = [f"| `{d.department_id}` | {escape_markdown(html.escape(d.name))} |" for d in data.departments.values()]
    return "\n".join([f"{year}年可选部门：", "", "| department | 部门 |", "|---|---|", *rows])


def show_tables(report) -> None:
    """第五部分: each public table with its number, title, unit and, when empty, 本表无数据."""
    show(f"## {report.tables_heading}")
    for table in report.tables():
        show(f"#### {table.number}　{table.title}\n\n单位：万元")
        display(table_bundle(table), raw=True)
        if table.note:
            show(table.note)


def table_bundle(table) -> dict[str, str]:
    """A 公开表 as display data: the Styler's own HTML, and the same figures as plain text.

    Displaying the Styler itself would also write its repr as text/plain,
    ``<pandas.io.formats.style.Styler at 0x7f…>``: a memory address, different
    in every run, in the kept notebook.
    """
    return {"text/html": table.styler()._repr_html_(), "text/plain": table.plain_text()}


def show_trend(report) -> None:
    """图8, the multi-year trend, where the data holds three years or more; otherwise nothing."""
    if report.has_trend:
        show(report.section("trend"))
        show_chart(report.chart(8))


def show_published_check(report) -> None:
    """The appendix 与已公开文本的核对, where data/<year>/published/<id>.txt holds the published text."""
    from juesuan.audit.audit import published_check

    appendix = published_check(report)
    if appendix:
        show(appendix)
