"""The year at a glance, for the index page: one row of key figures per department."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from juesuan.data.figures import Figures, change_between
from juesuan.data.formatting import describe_change  # noqa: F401  (the index page writes changes through it)
from juesuan.data.loading import load_year, year_folder
from juesuan.data.money import Change, share
from juesuan.data.validation import tie_outs


@dataclass
class DepartmentSummary:
    department_id: str
    name: str
    total: Decimal
    total_change: Change | None
    basic_share: Decimal
    project_share: Decimal
    three_public: Decimal
    three_public_change: Change | None


def change_sort_key(change: Change | None) -> str:
    """Signed change rate for sorting; departments without a comparison sort first."""
    if change is None:
        return ""
    if change.rate is None:
        return "1e9"
    return str(change.rate * change.direction)


def summaries(data_dir: Path, year: int) -> dict[str, DepartmentSummary]:
    """Key figures of every department whose data ties out (others have failed reports anyway)."""
    data = load_year(data_dir, year)
    previous = load_year(data_dir, year - 1) if year_folder(data_dir, year - 1).is_dir() else None
    rows = {}
    for dept_id, source in data.departments.items():
        figures = Figures(source)
        if data.errors_for(dept_id) or tie_outs(figures):
            continue
        keys = ("total", "expenditure_total", "expenditure.basic", "expenditure.project", "three_public.total")
        if any(figures.value(k) is None for k in keys):
            continue
        before = None
        if previous is not None and dept_id in previous.departments and not previous.errors_for(dept_id):
            before = Figures(previous.departments[dept_id])

        def change(key):
            return change_between(figures, before, key)

        spending = figures.value("expenditure_total")
        rows[dept_id] = DepartmentSummary(
            dept_id, source.name, figures.value("total"), change("total"),
            share(figures.value("expenditure.basic"), spending), share(figures.value("expenditure.project"), spending),
            figures.value("three_public.total"), change("three_public.total"))
    return rows
