"""The whole check of one year, as `juesuan validate` runs it.

Every department is checked, each problem reported once with its place; a
report year must hold everything its reports need (reasons included), and a
comparison-only year must tie out.
"""
from __future__ import annotations

from pathlib import Path

from .errors import DataError
from .figures import Figures
from .loading import is_comparison_only, load_year
from .report import Report, build_context
from .validation import completeness, missing_comparisons, stated_totals_only, tie_outs


def validation_problems(data_dir: Path, year: int) -> tuple[list[DataError], dict[str, list[str]], int]:
    """Every problem of a year, what its comparisons lack, and how many departments were read.

    A report year must hold all its report needs; a comparison-only year must tie out.
    """
    data = load_year(data_dir, year)
    report_year = not is_comparison_only(data_dir, year)
    problems = list(data.errors)
    partial: dict[str, list[str]] = {}
    previous = load_year(data_dir, year - 1) if (data_dir / str(year - 1)).is_dir() else None
    if previous is not None:
        problems += [e for e in previous.errors if e not in problems]
    for dept_id, source in data.departments.items():
        if data.errors_for(dept_id) and any(e.department == dept_id for e in data.errors):
            continue
        figures = Figures(source)
        own_problems = tie_outs(figures) + (completeness(figures) if report_year else [])
        problems += own_problems
        if not report_year:
            only_totals = stated_totals_only(figures)
            if only_totals:
                partial[dept_id] = [f"{year} is a comparison-only year; it states {'、'.join(only_totals)} "
                                    f"as totals without their parts"]
            continue
        prev = None
        if previous is not None and dept_id in previous.departments:
            prev = Figures(previous.departments[dept_id])
            problems += tie_outs(prev)
        if not own_problems:
            try:
                build_context(Report(figures, prev, data_dir))
            except DataError as exc:
                problems.append(exc)
        notes = []
        missing = missing_comparisons(prev)
        if missing:
            notes.append(f"{year - 1} gives no figure for {'、'.join(missing)}: the report says so instead of comparing")
        if prev is not None and stated_totals_only(prev):
            notes.append(f"{year - 1} is partial: it states {'、'.join(stated_totals_only(prev))} "
                         f"as totals without their parts")
        if notes:
            partial[dept_id] = notes
    return problems, partial, len(data.departments)
