"""Export executed report notebooks to offline, code-free HTML.

Three pieces:

* :func:`notebook_to_html` turns an executed notebook into a self-contained
  HTML page: no code, no prompts, no parameters cells, nothing loaded from
  the network (the template lives in ``html_template/`` next to this file).
* :func:`write_index` writes ``<out_dir>/<year>/index.html`` listing the
  year's department reports and the departments that failed.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Iterable, Mapping

import jinja2
import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from juesuan.resources import PACKAGE_DIR
from juesuan.files import write_atomic
from juesuan.ids import DEPARTMENT_ID
from juesuan.build.kept_notebook import first_line
from juesuan.build.webfont import embed_font

__all__ = [
    "REMOVED_CELL_TAGS",
    "TEMPLATE_DIR",
    "check_department_id",
    "first_line",
    "notebook_to_html",
    "write_index",
]

#: The nbconvert template directory (conf.json, index.html.j2, static/).
TEMPLATE_DIR = PACKAGE_DIR / "html_template"

#: Cells carrying one of these tags are dropped from the HTML entirely.
#: ``parameters`` holds the notebook's defaults, ``injected-parameters`` is
#: the cell papermill adds with the values of the run; ``analyst`` marks the
#: report notebook's cells meant for whoever runs it in JupyterLab (how to
#: use it, which departments exist); ``remove-cell`` is the usual Jupyter
#: convention for any other cell the reader should not see.
REMOVED_CELL_TAGS = frozenset({"parameters", "injected-parameters", "analyst", "remove-cell"})



def check_department_id(department_id: object) -> str:
    """Return ``department_id`` if it is safe as a file name, else raise.

    Ids come from data and end up in paths (``<id>.html``) and links, so
    only :data:`juesuan.ids.DEPARTMENT_ID` is accepted: no dots, slashes,
    spaces, or leading dash.
    """
    if not isinstance(department_id, str) or not DEPARTMENT_ID.fullmatch(department_id):
        raise ValueError(
            f"invalid department id {department_id!r}: ids must match "
            "[A-Za-z0-9][A-Za-z0-9_-]{0,63} (ASCII letters, digits, '_' and '-', "
            "not starting with '_' or '-', at most 64 characters)"
        )
    return department_id


def _check_year(year: object) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 1000 <= year <= 9999:
        raise ValueError(f"invalid year {year!r}: expected a four-digit int such as 2022")
    return year


# --------------------------------------------------------------------------
# Notebook -> HTML


class _ReportExporter(HTMLExporter):
    """nbconvert's HTML exporter, without validating the notebook again after each of its preprocessors.

    nbconvert validates the whole notebook against the schema after each of its thirteen preprocessors
    (which only drop cells here); every notebook the batch exports has just been validated as it was written
    or read (``nbformat.writes``, ``nbformat.read``), and thirteen more passes cost a sixth of the export.
    """

    def _validate_preprocessor(self, nbc, preprocessor):
        return None


@functools.lru_cache(maxsize=1)
def _exporter() -> HTMLExporter:
    """One configured exporter, reused: loading the templates costs time."""
    exporter = _ReportExporter(
        template_name=TEMPLATE_DIR.name,
        extra_template_basedirs=[str(TEMPLATE_DIR.parent)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=set(REMOVED_CELL_TAGS), enabled=True),
        enabled=True,
    )
    return exporter


def notebook_to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """Render an executed notebook as one offline HTML document.

    * every code cell's input and all In/Out prompts are hidden; outputs
      (Markdown, tables, figures) and Markdown cells are kept;
    * cells tagged ``parameters``, ``injected-parameters``, ``analyst`` or
      ``remove-cell`` are removed (see :data:`REMOVED_CELL_TAGS`);
    * the page is ``<html lang="zh-CN">`` with ``<title>`` set to ``title``
      (escaped) and a Chinese font stack;
    * nothing is loaded over the network: no require.js, MathJax, web
      fonts or CDN stylesheets. Images are inline ``data:`` URIs.

    ``nb`` is not modified.
    """
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, not {type(title).__name__}")
    resources = {"juesuan": {"title": title}}
    # nbconvert's preprocessors work on a deep copy, so the caller's notebook
    # keeps its parameters cells.
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return embed_font(body)


# --------------------------------------------------------------------------
# The year's index page


@functools.lru_cache(maxsize=1)
def _index_template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("year_index.html.j2")


def _stylesheet() -> str:
    return (TEMPLATE_DIR / "static" / "report.css").read_text(encoding="utf-8")


def write_index(out_dir: Path, year: int, entries: Iterable[Mapping[str, Any]],
                data_dir: Path | None = None, summaries: Mapping[str, Any] | None = None) -> Path:
    """Write ``out_dir/<year>/index.html`` and return its path.

    ``entries`` lists the year's departments in display order, one mapping
    each with:

    * ``"id"``: the department id (checked with :func:`check_department_id`);
      a built report is linked as ``<id>.html``, its PDF and Word document as ``<id>.pdf`` and ``<id>.docx``
      and its tables as ``<id>.xlsx`` where those files are there;
    * ``"name"``: the display name;
    * ``"error"`` (optional): for a department whose report failed, the
      reason (its first line is shown); absent or ``None`` for a built one.

    With ``data_dir``, each built department's row carries its key figures
    (收、支总计 and its change, 基本/项目 shares, "三公" and its change), the
    columns sort with a click, and a chart compares the largest departments.
    ``summaries``: those figures as :func:`juesuan.report.overview.summaries` gave
    them for ``data_dir`` and ``year`` (the batch works them out while its reports run);
    by default they are worked out here.

    Every name, id and error is HTML-escaped. Like the reports, the page is
    offline: the stylesheet, the sorting script, the chart and a subset of
    the font for its characters are inlined.
    """
    year = _check_year(year)
    year_dir = Path(out_dir) / str(year)
    built: list[dict[str, str | None]] = []
    failed: list[dict[str, str]] = []
    for entry in entries:
        dept_id = check_department_id(entry["id"])
        name = str(entry.get("name") or dept_id)
        error = entry.get("error")
        if error is None:
            tables = f"{dept_id}.xlsx"  # its nine tables, where the batch wrote them beside the report
            built.append({"id": dept_id, "name": name, "href": f"{dept_id}.html",
                          "formats": [{"href": f"{dept_id}.{fmt}", "label": label, "download": fmt != "pdf"}
                                      for fmt, label in INDEX_FORMATS if (year_dir / f"{dept_id}.{fmt}").is_file()],
                          "tables": tables if (year_dir / tables).is_file() else None})
        else:
            failed.append({"id": dept_id, "name": name, "error": first_line(error)})

    figures = _index_figures(data_dir, year, built, summaries) if data_dir is not None else {}
    html = _index_template().render(
        title=f"{year}年度部门决算公开",
        css=_stylesheet(),
        built=built,
        failed=failed,
        figures=figures,
        chart=_index_chart(figures, year) if figures else None,
    )
    year_dir.mkdir(parents=True, exist_ok=True)
    # Like a report, the index carries the font for its own characters: on a
    # machine without a Chinese font it would otherwise show boxes.
    return write_atomic(year_dir / "index.html", embed_font(html))


RANKED_DEPARTMENTS = 20
#: The other formats of a report the index links, where they are there, with their labels.
INDEX_FORMATS = (("pdf", "PDF"), ("docx", "Word"))


def _index_figures(data_dir: Path, year: int, built: list[dict[str, str]],
                   rows: Mapping[str, Any] | None = None) -> dict[str, dict[str, str]]:
    from juesuan.data.formatting import format_amount, format_percent
    from juesuan.report.overview import change_sort_key, describe_change, summaries

    if rows is None:
        rows = summaries(Path(data_dir), year, [entry["id"] for entry in built])
    out = {}
    for entry in built:
        row = rows.get(entry["id"])
        if row is None:
            continue
        out[entry["id"]] = {
            "total": format_amount(row.total), "total_key": str(row.total),
            "total_change": describe_change(row.total_change), "total_change_key": change_sort_key(row.total_change),
            "basic": format_percent(row.basic_share), "basic_key": str(row.basic_share),
            "project": format_percent(row.project_share), "project_key": str(row.project_share),
            "three_public": format_amount(row.three_public), "three_public_key": str(row.three_public),
            "three_public_change": describe_change(row.three_public_change),
            "three_public_change_key": change_sort_key(row.three_public_change),
            "_total": row.total, "_name": row.name,
        }
    return out


def _index_chart(figures: dict[str, dict[str, Any]], year: int) -> dict[str, str]:
    import base64

    from juesuan.report.charts import png_bytes, ranking_bars

    largest = sorted(figures.values(), key=lambda f: f["_total"], reverse=True)[:RANKED_DEPARTMENTS]
    caption = (f"{year}年度各部门收、支总计" if len(figures) <= RANKED_DEPARTMENTS
               else f"{year}年度收、支总计最大的{RANKED_DEPARTMENTS}个部门")
    figure = ranking_bars(caption, [f["_name"] for f in largest], [f["_total"] for f in largest])
    return {"png": base64.b64encode(png_bytes(figure)).decode("ascii"), "alt": caption}


