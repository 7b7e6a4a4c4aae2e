"""What the report notebook's cells call to show things: no figures are computed here."""
from __future__ import annotations

from pathlib import Path

from IPython.display import Markdown, display

from .loading import latest_year, load_year


def show(markdown: str) -> None:
    display(Markdown(markdown))


def show_chart(figure) -> None:
    """Show a chart once, then free it (and leave no stray `<Axes…>` output behind)."""
    import matplotlib.pyplot as plt

    display(figure)
    plt.close(figure)


def departments_table(data_dir: str | Path, year: int | None = None) -> str:
    """The departments an analyst can choose from, as a Markdown table."""
    data_dir = Path(data_dir)
    year = year or latest_year(data_dir)
    data = load_year(data_dir, year)
    rows = [f"| `{d.department_id}` | {d.name} |" for d in data.departments.values()]
    return "\n".join([f"{year}年可选部门：", "", "| department | 部门 |", "|---|---|", *rows])
