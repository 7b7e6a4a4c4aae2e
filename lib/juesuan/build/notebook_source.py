"""A template's report notebook, its cells made from the template's manifest.

Analysts see one output per section and per chart, in the template's order: so each template has a
notebook of its own (`notebook:` in its manifest, in notebooks/), and this module writes its cells.
`juesuan notebook --template NAME` (re)writes it after the manifest changes; the tests check that every
shipped notebook's cells are exactly these. Running the cells (and keeping their outputs for nbval) is
left to Jupyter: `jupyter nbconvert --execute --inplace`.
"""
from __future__ import annotations

import hashlib

import nbformat

from juesuan.data.template import Template

ANALYST_NOTE = """# 部门决算公开报告 (department final-accounts report)

Set the parameters in the next cell and run all cells (Run ▸ Run All Cells):

- `department`: the department's id, the first column of `data/<year>/departments.csv` (`juesuan list` prints them all);
- `year`: the year of the final accounts; the previous year's data, where `data/` holds it, gives the comparisons;
- `data_dir`: the data folder; a relative path is taken from this notebook's folder however the notebook is run (JupyterLab, papermill from any folder; the batch passes an absolute path), so `"../data"` is the repository's `data/`;
- `template`: a report template folder of your own (`juesuan report --template DIR` passes it); `None`, the year's template (`data/<year>/year.yaml`).

Every number, paragraph and chart below is computed by the `juesuan` library from `data/`; no cell holds a figure.
`make report` runs this notebook once per department with papermill and exports each run to HTML without this cell or any code."""

LOAD = """from juesuan.report.report import load_report
from juesuan.notebook import data_folder, show, show_chart, show_published_check, show_tables, show_trend

report = load_report(department, year, data_folder(data_dir), template)  # data_dir relative to this notebook's folder
show(report.title_block())"""


def cell_sources(template: Template) -> list[tuple[str, str, list[str]]]:
    """(cell type, source, tags) of each cell of the template's notebook, in order."""
    department, year = template.example
    cells = [
        ("markdown", ANALYST_NOTE, ["analyst"]),
        ("code", f'department = "{department}"\nyear = {year}\ndata_dir = "../data"\ntemplate = None', ["parameters"]),
        ("code", "from juesuan.notebook import departments_table, show\n\nshow(departments_table(data_dir, year))",
         ["analyst"]),
        ("code", LOAD, []),
        ("code", "show(report.toc())", []),
    ]
    for section in template.sections:
        if section.key in template.trend_sections:
            cells.append(("code", "show_trend(report)", []))  # the section and its chart, where there is a trend
        else:
            cells.append(("code", f'show(report.section("{section.key}"))', []))
            if section.chart is not None:
                cells.append(("code", f"show_chart(report.chart({section.chart}))", []))
        if section.key == template.tables_after:
            cells.append(("code", "show_tables(report)", []))
    if template.tables_after is None:
        cells.append(("code", "show_tables(report)", []))
    cells.append(("code", "show_published_check(report)", []))
    return cells


def notebook(template: Template) -> nbformat.NotebookNode:
    """The template's notebook, unexecuted; cell ids from the template and the cell's place (stable)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python (juesuan)", "language": "python", "name": "juesuan"},
                   "language_info": {"name": "python"}}
    for index, (kind, source, tags) in enumerate(cell_sources(template)):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = make(source, metadata={"tags": tags})
        cell.id = hashlib.sha256(f"{template.name}:{index}:{source}".encode()).hexdigest()[:8]
        nb.cells.append(cell)
    return nb
