"""The whole check of one year, as `juesuan validate` runs it.

Every department is checked, each problem reported once with its place; a
report year must hold everything its reports need (reasons included), and a
comparison-only year must tie out.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from juesuan.errors import DataError
from juesuan.data.figures import Figures
from juesuan.data.loading import (TextLoader, has_reports, is_comparison_only, load_glossary, load_year, read_alone,
                                  read_text_file)
from juesuan.data.template import Template, load_template, year_template
from juesuan.data.validation import (completeness, items_behind, missing_comparisons, missing_reasons, rounding_differences,
                         stated_totals_only, text_path, tie_outs)


def _beside_broken_rows(figures: Figures, own_errors: list[DataError], prev: Figures | None,
                        template: Template) -> list[DataError]:
    """What else a department with unreadable rows lacks, leaving out whatever only follows from those rows.

    Its totals are not checked (they would repeat the broken rows). A missing row, a missing text and a
    missing reason are named as long as the figures they depend on were all read: so that a clerk who fixes
    the broken rows and everything else named at once reaches "通过" on the next run.
    """
    text_file = str(text_path(figures))
    text_broken = any(e.file == text_file for e in own_errors)
    broken = {e.item for e in own_errors if e.item}
    if any(not e.item and e.file != text_file for e in own_errors):
        broken = None  # a row whose item is unknown: any figure may be off

    def unaffected(error: DataError) -> bool:
        if error.file == text_file:
            return not text_broken and (not error.item or broken is not None and not any(
                items_behind(key) & broken for key in error.item.split(",")))
        return broken is not None and error.item is not None and error.item not in broken

    return [e for e in completeness(figures, template) + missing_reasons(figures, prev, template) if unaffected(e)]


def validation_problems(data_dir: Path, year: int, template: Path | str | None = None,
                        departments: list[str] | None = None
                        ) -> tuple[list[DataError], dict[str, list[str]], dict[str, str]]:
    """Every problem of a year, what its comparisons lack, and the departments read (id -> name).

    A report year must hold all its report needs; a comparison-only year must tie out.

    With ``departments``, the problems of those departments and of the year's files as a whole, each
    department read on its own (load_year's ``only``) where that is cheaper (loading.read_alone): asking
    for a few departments of a year of a thousand costs what it costs in a year of twenty. What only the
    whole year shows (rows or texts of a department the year does not list) is then left to the check of
    the whole year, ``juesuan validate``.
    """
    if not read_alone(data_dir, year, departments):
        return _problems(data_dir, year, template, None)
    problems: list[DataError] = []
    partial: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for department in dict.fromkeys(departments):
        own, own_partial, own_names = _problems(data_dir, year, template, department)
        problems += [e for e in own if e not in problems]  # the year's own files' problems, once
        partial.update(own_partial)
        names.update(own_names)
    return problems, partial, names


def _problems(data_dir: Path, year: int, template: Path | str | None, only: str | None
              ) -> tuple[list[DataError], dict[str, list[str]], dict[str, str]]:
    data = load_year(data_dir, year, only)
    report_year = has_reports(data_dir, year)
    template = load_template(template or year_template(data_dir, year))
    comparison_only = is_comparison_only(data_dir, year)
    problems = list(data.errors)
    partial: dict[str, list[str]] = {}
    previous = load_year(data_dir, year - 1, only) if (data_dir / str(year - 1)).is_dir() else None
    if previous is not None:
        problems += [e for e in previous.errors if e not in problems]
    if report_year and any(not (d.text or {}).get("glossary") for d in data.departments.values()):
        try:
            load_glossary(data_dir)  # the 名词解释 of every department whose text gives none
        except DataError as exc:
            problems.append(exc)
    # A file the year could not read is one problem, not one more for each department's missing rows.
    unreadable = {e.file for e in problems if e.department is None}
    for dept_id, source in data.departments.items():
        figures = Figures(source)
        prev = None  # a report year's comparison (a comparison-only year is checked on its own)
        if report_year and previous is not None and dept_id in previous.departments:
            prev = Figures(previous.departments[dept_id])
        own_errors = [e for e in data.errors if e.department == dept_id]
        if own_errors:
            if report_year:
                problems += _beside_broken_rows(figures, own_errors, prev, template)
            continue
        lacking = [e for e in (completeness(figures, template) if report_year else []) if e.file not in unreadable]
        # A row left out is one problem: the totals it would have tied out are checked once it is there.
        rows_missing = any(e.file == str(figures.source.sources.get("amounts")) for e in lacking)
        problems += ([] if rows_missing else tie_outs(figures)) + lacking
        said = [f"尾差：{line}" for line in rounding_differences(figures)]
        said += [f"公开表不符（导入时记录于 provenance/{dept_id}.yaml）：{line}"
                 for line in published_defects(data.folder, dept_id, problems)]
        if said:
            partial[dept_id] = said
        if not report_year:
            only_totals = stated_totals_only(figures)
            if only_totals and comparison_only:
                partial.setdefault(dept_id, []).append(
                    f"{year}年只用于比较：只给出了{'、'.join(only_totals)}的合计数，没有其组成部分")
            elif not comparison_only:
                partial.setdefault(dept_id, []).append(f"{year}年只有数字（year.yaml：figures_only），不出报告")
            continue
        if prev is not None:
            problems += tie_outs(prev)
        problems += missing_reasons(figures, prev, template)
        notes = []
        missing = missing_comparisons(prev)
        if missing:
            notes.append(f"{year - 1}年没有{'、'.join(missing)}的数据：报告写明无可比数据，不作比较")
        if prev is not None and stated_totals_only(prev):
            notes.append(f"{year - 1}年的数据不完整：只给出了{'、'.join(stated_totals_only(prev))}的合计数，没有其组成部分")
        if notes:
            partial.setdefault(dept_id, []).extend(notes)
    return problems, partial, {d.department_id: d.name for d in data.departments.values()}


def published_defects(folder: Path, department: str, problems: list[DataError]) -> list[str]:
    """The sums a department's published tables print that do not hold, as `juesuan import --as-published`
    recorded them in provenance/<id>.yaml (none without the file)."""
    path = folder / "provenance" / f"{department}.yaml"
    if not path.is_file():
        return []
    try:
        record = yaml.load(read_text_file(path), Loader=TextLoader) or {}  # noqa: S506 -- a SafeLoader
        defects = record.get("published_defects", []) if isinstance(record, dict) else None
        if not isinstance(defects, list) or not all(isinstance(d, str) for d in defects):
            raise ValueError(defects)
    except (yaml.YAMLError, ValueError, DataError):
        problems.append(DataError(path, department, "published_defects",
                                  "juesuan import 写下的 provenance 文件（published_defects 为一列文字）", "无法读取"))
        return []
    return defects
