"""One department's report for one year: its figures, its words, its charts.

The notebook calls `load_report(...)` and then shows `report.section(...)` and
`report.chart(n)` in order; nothing is computed in the notebook.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

from juesuan.data import catalogue
from juesuan.errors import DataError, DataErrors
from juesuan.data.figures import Figures, change_between
from juesuan.data.loading import load_year, year_folder
from juesuan.data.money import Change, completion, share
from juesuan.report.narrative import render_template, render_template_string
from juesuan.data.template import DEFAULT_TEMPLATE, Template, chart_value, load_template, year_template
from juesuan.data.validation import (CHANGE_REASONS, GF_BUDGET_REASON, GPB_AGAINST_BUDGET_REASON, GPB_BUDGET_REASON,
                         THREE_PUBLIC_BUDGET_REASON, budget_direction, completeness, missing_comparisons, missing_reasons,
                         text_field, tie_outs)

PUBLISHED_CHECK_HEADING = "与已公开文本的核对"


def heading_anchor(text: str) -> str:
    """The id JupyterLab and nbconvert give a Markdown heading: its text, spaces as '-'."""
    return quote(text.replace(" ", "-"), safe="")


TREND_SERIES = {
    "total": "收、支总计",
    "fiscal_total": "财政拨款收、支总计",
    "expenditure.basic": "基本支出",
    "expenditure.project": "项目支出",
    "three_public.total": "“三公”经费",
}
MIN_TREND_YEARS = 3

STAFF_KINDS = {
    "staff.administrative": "行政人员",
    "staff.civil_service_referenced": "参照公务员",
    "staff.other_institution": "非参公事业人员",
}


def _ns(**kwargs) -> SimpleNamespace:
    return SimpleNamespace(**kwargs)


@dataclass
class Report:
    current: Figures
    previous: Figures | None
    data_dir: Path
    missing_comparisons: list[str] = field(default_factory=list)
    history: list[Figures] = field(default_factory=list)  # earlier years before `previous`, oldest first
    template: Template = field(default_factory=load_template)

    # ---- facts about the run, for the notebook's opening cell
    @property
    def title(self) -> str:
        return f"{self.current.name}{self.current.year}年度部门决算"

    @property
    def previous_year(self) -> int:
        return self.current.year - 1

    # ---- the words
    def section(self, key: str) -> str:
        return render_template(self.template, self.template.section(key).file, self.context)

    @property
    def tables_heading(self) -> str:
        """The heading of the part that shows the 公开表 (a template may name the department or year in it)."""
        return render_template_string(self.template, self.template.tables_heading, self.context)

    def markdown(self) -> str:
        """The whole report's text, in order (charts and tables excluded)."""
        return "\n".join(self.section(s.key) for s in self.template.sections)

    def title_block(self) -> str:
        return render_template(self.template, self.template.title, self.context)

    def toc(self) -> str:
        """目录: a link to every part, section and subsection, in reading order."""
        lines = ["## 目录", ""]
        headings = []
        for s in self.template.sections:
            headings += self.section(s.key).splitlines()
            if s.key == self.template.tables_after:
                headings.append("## " + self.tables_heading)
        if self.template.tables_after is None:
            headings.append("## " + self.tables_heading)
        if self.has_published_text:
            headings.append("## " + PUBLISHED_CHECK_HEADING)
        for line in headings:
            match = re.match(r"^(#{2,4}) (.+)$", line)
            if match:
                level, text = len(match.group(1)), match.group(2).strip()
                plain = re.sub(r"\\(.)", r"\1", text)
                lines.append(f"{'  ' * (level - 2)}- [{text}](#{heading_anchor(plain)})")
        return "\n".join(lines) + "\n"

    @property
    def published_text(self) -> Path:
        """Where data/ keeps the department's published text of the year (it may not): the appendix
        与已公开文本的核对 holds it against the figures (juesuan.audit.audit.published_check)."""
        return Path(self.data_dir) / str(self.current.year) / "published" / f"{self.current.department_id}.txt"

    @property
    def has_published_text(self) -> bool:
        return self.published_text.is_file()

    def tables(self):
        from juesuan.report.tables import public_tables

        return public_tables(self.current)

    # ---- the charts
    def chart(self, number: int):
        from juesuan.report import charts  # matplotlib is imported only when a chart is drawn

        c = self.context
        py, y = str(self.previous_year) + "年", str(self.current.year) + "年"
        if number not in self.template.charts:
            raise ValueError(f"template {self.template.name} has charts {sorted(self.template.charts)}, not {number}")
        spec = self.template.charts[number]
        caption = spec.caption

        def bars(item):
            labels, values = [], []
            if item.change is not None:
                labels.append(py)
                values.append(item.change.previous)
            labels.append(y)
            values.append(item.amount)
            return charts.bar_comparison(number, caption, labels, values)

        def pie(lines):
            return charts.pie_structure(number, caption, [(l.name, l.amount, l.share) for l in lines])

        if spec.kind == "change_bars":
            return bars(chart_value(c, spec.figure))
        if spec.kind == "structure_pie":
            return pie(chart_value(c, spec.figure))
        years, series = self.trend()
        small = TREND_SERIES["three_public.total"]  # on a scale of its own
        return charts.trend_lines(number, caption, years,
                                  [{k: v for k, v in series.items() if k != small}, {small: series[small]}])

    # ---- several years
    @property
    def years(self) -> list[Figures]:
        """Every year the data holds for this department up to this one, oldest first."""
        return self.history + ([self.previous] if self.previous else []) + [self.current]

    @property
    def has_trend(self) -> bool:
        return len(self.years) >= MIN_TREND_YEARS

    def trend(self) -> tuple[list[int], dict[str, list]]:
        """图8's data: each trend figure for each year (None where a year does not give it)."""
        years = self.years
        return [f.year for f in years], {name: [f.value(key) for f in years] for key, name in TREND_SERIES.items()}


    # ---- every figure the templates use, computed once
    @property
    def context(self) -> dict:
        if not hasattr(self, "_context"):
            self._context = build_context(self)
        return self._context


def _change(report: Report, key: str) -> Change | None:
    return change_between(report.current, report.previous, key)


def _reason(report: Report, dotted: str) -> str | None:
    """The department's reason, which `missing_reasons` has made sure is there wherever the report prints one."""
    return text_field(report.current.text, dotted)


def _compared_item(report, key):
    change = _change(report, key)
    return _ns(amount=report.current.report_value(key), change=change,
               reason=_reason(report, CHANGE_REASONS[key]))


def build_context(report: Report) -> dict:
    f = report.current
    v = f.report_value
    text = f.text
    year = f.year

    income_total = v("income_total")
    income = _ns(total=income_total, lines=[
        _ns(key=k, name=name, amount=v(k) if f.value(k) is not None else Decimal(0),
            share=share(_or_zero(f.value(k)), income_total))
        for k, name in catalogue.INCOME_SOURCES.items()],
        fiscal=_ns(amount=v("fiscal_income"), share=share(v("fiscal_income"), income_total)))
    expenditure_total = v("expenditure_total")
    expenditure = _ns(total=expenditure_total, lines=[
        _ns(key=k, name=name, amount=_or_zero(f.value(k)), share=share(_or_zero(f.value(k)), expenditure_total))
        for k, name in catalogue.EXPENDITURE_KINDS.items()])

    gpb_amount = v("gpb.total")
    gpb_change = _change(report, "gpb.total")
    classes = [_ns(code=code, name=f.function_name(code), amount=actual, share=share(actual, gpb_amount))
               for code, actual in f.by_code("gpb.actual").items()]
    def budget_lines(item, codes, reason):
        lines = []
        for code in codes:
            actual, budget = _or_zero(f.amount_at(f"{item}.actual", code)), f.amount_at(f"{item}.budget", code)
            lines.append(_ns(code=code, name=f.line_name(code), amount=actual, budget=budget,
                             completion=completion(actual, budget), budget_direction=budget_direction(actual, budget),
                             reason=_reason(report, reason.format(code=code)), uses=_reason(report, f"uses.{code}"),
                             levels=[(f.function_name(code[:n]), catalogue.FUNCTION_LEVELS[n])
                                     for n in (3, 5, 7) if n <= len(code)]))
        return lines

    gpb_budget = v("gpb.budget_total")
    gpb = _ns(amount=gpb_amount, share_of_expenditure=share(gpb_amount, expenditure_total),
              change=gpb_change, reason=_reason(report, CHANGE_REASONS["gpb.total"]),
              classes=classes, lines=budget_lines("gpb", f.budget_lines(), GPB_BUDGET_REASON), budget=gpb_budget,
              completion=completion(gpb_amount, gpb_budget), budget_direction=budget_direction(gpb_amount, gpb_budget),
              against_budget_reason=_reason(report, GPB_AGAINST_BUDGET_REASON))

    def fund(key, income_key):
        total = v(f"{key}.total")
        return _ns(amount=total, income=_or_zero(f.value(income_key)), classes=[
            _ns(code=code, name=f.function_name(code), amount=a, share=share(a, total))
            for code, a in f.by_code(f"{key}.actual").items()],
            lines=budget_lines(key, list(f.leaves(f"{key}.budget")), GF_BUDGET_REASON) if key == "gf" else [])

    covers = text.get("covers", {}) or {}
    basic = _ns(amount=v("gpb_basic.total"), personnel=v("gpb_basic.personnel"), public=v("gpb_basic.public"),
                personnel_covers=covers.get("personnel") or [], public_covers=covers.get("public") or [])

    tp_total = v("three_public.total")
    tp_budget = v("three_public_budget.total")
    tp_change = _change(report, "three_public.total")
    tp_direction = budget_direction(tp_total, tp_budget)

    def tp_item(key, name, budget_key, **extra):
        amount = v(key)
        change = _change(report, key)
        budget = v(budget_key)
        return _ns(key=key, name=name, amount=amount, share=share(amount, tp_total), budget=budget,
                   completion=completion(amount, budget), change=change,
                   reason=_reason(report, CHANGE_REASONS[key]), **extra)

    purchased = [_ns(name=name, count=_or_zero(f.count("vehicles_purchased", code), 0),
                     amount=_or_zero(f.stated("three_public.vehicle_purchase", code)))
                 for code, name in catalogue.VEHICLE_TYPES.items()]
    held = [_ns(name=name, count=_or_zero(f.count("vehicles_held", code), 0)) for code, name in catalogue.VEHICLE_TYPES.items()]
    tp = _ns(
        amount=tp_total, budget=tp_budget, completion=completion(tp_total, tp_budget), change=tp_change,
        budget_direction=tp_direction,
        reason=_reason(report, THREE_PUBLIC_BUDGET_REASON),
        abroad=tp_item("three_public.abroad", "因公出国（境）费", "three_public_budget.abroad",
                       groups=f.count("abroad.groups"), people=f.count("abroad.people")),
        vehicle=tp_item("three_public.vehicle", "公务用车购置及运行维护费", "three_public_budget.vehicle",
                        purchase=v("three_public.vehicle_purchase"), operation=v("three_public.vehicle_operation"),
                        purchased=purchased, purchased_count=sum(p.count for p in purchased),
                        held=held, held_count=_or_zero(f.count_total("vehicles_held"), 0),
                        operation_covers=covers.get("vehicle_operation")),
        reception=tp_item("three_public.reception", "公务接待费", "three_public_budget.reception",
                          domestic=v("three_public.reception_domestic"), foreign=v("three_public.reception_foreign"),
                          domestic_covers=covers.get("reception_domestic"),
                          domestic_batches=f.count("reception_domestic.batches"),
                          domestic_people=f.count("reception_domestic.people"),
                          foreign_batches=f.count("reception_foreign.batches"),
                          foreign_people=f.count("reception_foreign.people"),
                          batches=(_or_zero(f.count("reception_domestic.batches"), 0)) + (_or_zero(f.count("reception_foreign.batches"), 0)),
                          people=(_or_zero(f.count("reception_domestic.people"), 0)) + (_or_zero(f.count("reception_foreign.people"), 0)),
                          domestic_breakdown=f.breakdown("three_public.reception_domestic")),
    )

    tp.items = [tp.abroad, tp.vehicle, tp.reception]

    performance = text.get("performance", {}) or {}
    perf = _ns(pre_assessed=f.count("performance.pre_assessed"), targets_set=f.count("performance.targets_set"),
               monitored=f.count("performance.monitored"), special_reports=f.count("performance.special_reports"),
               overall_score=f.count("performance.overall_score"),
               overall_summary=_words(performance.get("overall_summary", "")).rstrip("。"),
               special_summary=performance.get("special_summary", ""))

    glossary = text.get("glossary") or _default_glossary(report.data_dir) or list(report.template.glossary)
    return {
        "year": year, "py": report.previous_year, "name": f.name, "short": f.short_name,
        "duties": text.get("duties") or [],
        "units": f.units, "unit_kinds": f.unit_kinds(),
        "total": _compared_item(report, "total"),
        "fiscal": _compared_item(report, "fiscal_total"),
        "income": income, "expenditure": expenditure, "gpb": gpb, "basic": basic, "tp": tp,
        "gf": fund("gf", "income.government_fund"), "sc": fund("sc", "income.state_capital"),
        "text": text,
        "admin": _compared_item(report, "admin_operating"),
        "procurement": _ns(total=v("procurement.total"), goods=_or_zero(f.value("procurement.goods")),
                           works=_or_zero(f.value("procurement.works")),
                           services=_or_zero(f.value("procurement.services")),
                           **{key.split(".")[1]: f.value(key) for key in catalogue.OPTIONAL_AMOUNTS
                              if key.startswith("procurement.")}),
        "assets": _ns(vehicles=f.count_total("vehicles_by_use"), equipment=f.count("equipment_over_1m"),
                      by_use=[_ns(name=catalogue.VEHICLE_USES[code], count=_or_zero(f.count("vehicles_by_use", code), 0))
                              for code in report.template.vehicle_uses],
                      other_use_covers=covers.get("vehicles_other_use")),
        "perf": perf,
        "glossary": glossary,
        "staff": [_ns(name=name, count=f.count(key)) for key, name in STAFF_KINDS.items()
                  if f.count(key) is not None],
        "attachment": _ns(**{k: (text.get("attachment") or {}).get(k) for k in (
            "annual_tasks", "performance_goals", "personnel_projects", "operating_projects", "special_projects",
            "overall_performance", "result_application", "evaluation_quality", "problems", "suggestions",
            "appendix_note")}),
        "trend_years": [y.year for y in report.years] if report.has_trend else [],
        "carryover_end": v("carryover.end"),
        "fiscal_carryover_end": v("carryover.end_fiscal"),
    }


def _or_zero(value, zero=Decimal(0)):
    """A figure the data may leave out, as 0 (the figure itself where given, even 0: it is a row of the data,
    whose source a rendering with sources marks)."""
    return zero if value is None else value


def _words(value) -> str:
    """A text field as words (a number written in YAML is its digits); words stay the object they are."""
    return value if isinstance(value, str) else str(value)


def _default_glossary(data_dir: Path) -> list[dict]:
    from juesuan.data.loading import load_glossary  # GBK too; a broken glossary.yaml is a located DataError

    return load_glossary(data_dir)


def load_figures(data_dir: Path, department: str, year: int) -> Figures:
    """The department's figures of a year, or DataErrors saying everything that is wrong."""
    return _checked_figures(load_year(data_dir, year, only=department), department)


def _earlier_figures(data_dir: Path, department: str, year: int) -> Figures | None:
    """An earlier year's figures where the data holds the department that year, read once; else None."""
    if not year_folder(data_dir, year).is_dir():
        return None
    data = load_year(data_dir, year, only=department)
    return _checked_figures(data, department) if department in data.departments else None


def _checked_figures(data, department: str) -> Figures:
    errors = data.errors_for(department)
    if department not in data.departments and not errors:
        errors = [DataError(data.folder / "departments.csv", department, "department_id",
                            "departments.csv 中列出的部门", department)]
    if errors:
        raise DataErrors(errors)
    figures = Figures(data.departments[department])
    errors = tie_outs(figures)
    if errors:
        raise DataErrors(errors)
    return figures


def load_report(department: str, year: int, data_dir: str | Path = "data",
                template: str | Path | None = None) -> Report:
    """The report of a department-year, or DataErrors listing every problem of it at once (as validate does).

    `template`: a shipped template's name or a template folder; by default the year's (year.yaml), else the seed's."""
    data_dir = Path(data_dir)
    problems: list[DataError] = []
    try:
        current = load_figures(data_dir, department, year)
    except DataErrors as exc:
        current, problems = None, list(exc.errors)
    try:
        previous = _earlier_figures(data_dir, department, year - 1)
    except DataErrors as exc:
        previous = None
        problems += [e for e in exc.errors if e not in problems]
    if current is None:
        raise DataErrors(problems)
    chosen = load_template(template or year_template(data_dir, year))
    problems += completeness(current, chosen) + missing_reasons(current, previous, chosen)
    if problems:
        raise DataErrors(problems)
    history = []
    earlier = _earlier_figures(data_dir, department, year - 2) if previous is not None else None
    while earlier is not None:
        history.insert(0, earlier)
        earlier = _earlier_figures(data_dir, department, earlier.year - 1)
    report = Report(current, previous, data_dir, missing_comparisons(previous), history, chosen)
    try:
        report.context  # every figure the templates use, computed before the first cell shows any
    except DataError as exc:  # data/glossary.yaml, shared by the year's departments, is read here
        raise DataErrors([exc]) from None
    return report
