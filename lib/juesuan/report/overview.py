"""The year at a glance, for the index page: one row of key figures per department."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from juesuan.data.figures import Figures, change_between
from juesuan.data.formatting import describe_change  # noqa: F401  (the index page writes changes through it)
from juesuan.data.loading import load_year, read_alone, year_folder
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


def summaries(data_dir: Path, year: int, departments=None) -> dict[str, DepartmentSummary]:
    """Key figures of every department whose data ties out (others have failed reports anyway); with
    ``departments``, of those (each read on its own where that is cheaper: loading.read_alone)."""
    has_previous = year_folder(data_dir, year - 1).is_dir()
    if read_alone(data_dir, year, departments):
        years = [(load_year(data_dir, year, d), load_year(data_dir, year - 1, d) if has_previous else None)
                 for d in dict.fromkeys(departments)]
    else:
        years = [(load_year(data_dir, year), load_year(data_dir, year - 1) if has_previous else None)]
    wanted = set(departments) if departments is not None else None
    rows = {}
    for data, previous in years:
        for dept_id, source in data.departments.items():
            if wanted is not None and dept_id not in wanted:
                continue
            summary = _summary(dept_id, source, data, previous)
            if summary is not None:
                rows[dept_id] = summary
    return rows


def _summary(dept_id: str, source, data, previous) -> DepartmentSummary | None:
    """A department's key figures; None where its data does not give them."""
    figures = Figures(source)
    if data.errors_for(dept_id) or tie_outs(figures):
        return None
    keys = ("total", "expenditure_total", "expenditure.basic", "expenditure.project", "three_public.total")
    if any(figures.value(k) is None for k in keys):
        return None
    before = None
    if previous is not None and dept_id in previous.departments and not previous.errors_for(dept_id):
        before = Figures(previous.departments[dept_id])

    def change(key):
        return change_between(figures, before, key)

    spending = figures.value("expenditure_total")
    return DepartmentSummary(
        dept_id, source.name, figures.value("total"), change("total"),
        share(figures.value("expenditure.basic"), spending), share(figures.value("expenditure.project"), spending),
        figures.value("three_public.total"), change("three_public.total"))
