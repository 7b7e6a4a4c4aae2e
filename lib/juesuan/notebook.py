"""What the report notebook's cells call to show things: no figures are computed here."""
from __future__ import annotations

import html
import io
from pathlib import Path

from IPython.display import Image, Markdown, display

from .loading import latest_year, load_year
from .narrative import escape_markdown


def show(markdown: str) -> None:
    display(Markdown(markdown))


def show_chart(figure) -> None:
    """Show a chart as a PNG with its caption (图N：…) as alt text.

    The PNG is rendered here rather than left to a matplotlib display hook, so
    it shows the same in JupyterLab, under papermill and in the HTML export,
    whatever backend is active, and leaves no stray `<Figure …>` text.
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    caption = getattr(figure, "juesuan_data", {}).get("caption")
    display(Image(data=buffer.getvalue(), format="png"),
            metadata={"image/png": {"alt": caption}} if caption else None)


def departments_table(data_dir: str | Path, year: int | None = None) -> str:
    """The departments an analyst can choose from, as a Markdown table."""
    data_dir = Path(data_dir)
    year = year or latest_year(data_dir)
    data = load_year(data_dir, year)
    rows = [f"| `{d.department_id}` | {escape_markdown(html.escape(d.name))} |" for d in data.departments.values()]
    return "\n".join([f"{year}年可选部门：", "", "| department | 部门 |", "|---|---|", *rows])


def show_tables(report) -> None:
    """第五部分: each public table with its number, title, unit and, when empty, 本表无数据."""
    from .report import TABLES_HEADING

    show(f"## {TABLES_HEADING}")
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
    styler = table.styler()
    return {"text/html": styler._repr_html_(), "text/plain": styler.to_string(delimiter="\t")}


def show_trend(report) -> None:
    """图8, the multi-year trend, where the data holds three years or more; otherwise nothing."""
    if report.has_trend:
        show(report.section("trend"))
        show_chart(report.chart(8))


def show_published_check(report) -> None:
    """The appendix 与已公开文本的核对, where data/<year>/published/<id>.txt holds the published text."""
    appendix = report.published_check()
    if appendix:
        show(appendix)
