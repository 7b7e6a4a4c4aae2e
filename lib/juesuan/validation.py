"""Checks that a department's figures tie out, and that a report year has what its report says."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from . import catalogue
from .errors import DataError
from .figures import Figures
from .formatting import format_amount
from .loading import FILES

# What the report of a year cannot be written without (amounts, counts, text).
REQUIRED_AMOUNTS = (
    "income_total", "expenditure_total", "carryover.begin", "carryover.end",
    "carryover.begin_fiscal", "carryover.end_fiscal",
    "gpb_basic.personnel", "gpb_basic.public",
    "three_public.abroad", "three_public.vehicle_purchase", "three_public.vehicle_operation",
    "three_public.reception_domestic", "three_public.reception_foreign",
    "three_public_budget.abroad", "three_public_budget.vehicle", "three_public_budget.reception",
    "admin_operating", "procurement.total",
)
REQUIRED_COUNTS = (
    "abroad.groups", "abroad.people", "vehicles_purchased", "vehicles_held", "vehicles_by_use",
    "reception_domestic.batches", "reception_domestic.people",
    "reception_foreign.batches", "reception_foreign.people", "equipment_over_1m",
    "performance.pre_assessed", "performance.targets_set", "performance.monitored",
    "performance.special_reports", "performance.overall_score",
)
REQUIRED_TEXT = ("duties", "covers.personnel", "covers.public", "performance.overall_summary")

# Figures a report compares with the previous year.
COMPARED = {
    "total": "收、支总计",
    "fiscal_total": "财政拨款收、支总计",
    "gpb.total": "一般公共预算财政拨款支出",
    "three_public.abroad": "因公出国（境）费",
    "three_public.vehicle": "公务用车购置及运行维护费",
    "three_public.reception": "公务接待费",
    "admin_operating": "机关运行经费",
}


def _amounts_file(figures: Figures) -> Path:
    sources = figures.source.sources
    if "amounts" in sources:
        return sources["amounts"]
    folder = sources["departments"].parent if "departments" in sources else Path(f"data/{figures.year}")
    return folder / FILES["amounts"][0]


def text_field(text: dict, dotted: str):
    value = text
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _sum_text(names_values: list[tuple[str, Decimal]]) -> str:
    return " + ".join(f"{name} {format_amount(v)}" for name, v in names_values)


def tie_outs(figures: Figures) -> list[DataError]:
    """Totals that do not tie out are errors, in every year, partial or not."""
    errors: list[DataError] = []
    path = _amounts_file(figures)
    dept = figures.department_id

    def fail(field: str, expected: str, got: str):
        errors.append(DataError(path, dept, field, expected, got))

    # A stated total beside its parts must equal their sum.
    for key in list(catalogue.COMPOSITES) + [k for k, (_, voc) in catalogue.AMOUNT_ITEMS.items() if voc]:
        stated, parts = figures.stated(key), figures.sum_of_parts(key)
        if stated is not None and parts is not None and stated != parts:
            fail(f"{catalogue.item_name(key)} ({key})", f"the sum of its parts, {format_amount(parts)}",
                 format_amount(stated))

    v = figures.value
    sides = [("total", ("income_total", "carryover.begin"), ("expenditure_total", "carryover.end")),
             ("fiscal_total", ("fiscal_income", "carryover.begin_fiscal"),
              ("fiscal_expenditure", "carryover.end_fiscal"))]
    for total, income_side, spending_side in sides:
        left = [(catalogue.item_name(k), v(k)) for k in income_side]
        right = [(catalogue.item_name(k), v(k)) for k in spending_side]
        if all(x is not None for _, x in left + right):
            lsum, rsum = sum(x for _, x in left), sum(x for _, x in right)
            if lsum != rsum:
                fail(f"{catalogue.item_name(total)} ({total})",
                     f"{_sum_text(left)} = {format_amount(lsum)} to equal {_sum_text(right)}",
                     format_amount(rsum))
        stated = figures.stated(total)
        if stated is not None and all(x is not None for _, x in right) and not figures.parts_stated(total):
            rsum = sum(x for _, x in right)
            if stated != rsum:
                fail(f"{catalogue.item_name(total)} ({total})", f"{_sum_text(right)} = {format_amount(rsum)}",
                     format_amount(stated))

    def not_above(part_key: str, whole_key: str):
        part, whole = v(part_key), v(whole_key)
        if part is not None and whole is not None and part > whole:
            fail(f"{catalogue.item_name(part_key)} ({part_key})",
                 f"no more than {catalogue.item_name(whole_key)} {format_amount(whole)} (a share of at most 100%)",
                 format_amount(part))

    not_above("carryover.begin_fiscal", "carryover.begin")
    not_above("carryover.end_fiscal", "carryover.end")
    if figures.parts_stated("expenditure_total"):
        not_above("fiscal_expenditure", "expenditure_total")
        not_above("gpb_basic.total", "expenditure.basic")
    if figures.parts_stated("gpb.total"):
        not_above("gpb_basic.total", "gpb.total")

    budgets, actuals = figures.by_code("gpb.budget"), figures.by_code("gpb.actual")
    for code in budgets:
        if code not in actuals:
            fail(f"gpb.budget {code}", f"a gpb.actual row for function class {code} beside its budget", "none")

    for item, parts in figures.source.breakdowns.items():
        whole = v(item)
        total = sum((amount for _, amount in parts), Decimal(0))
        if whole is not None and total != whole:
            breakdown_file = figures.source.sources.get("breakdowns", path)
            errors.append(DataError(breakdown_file, dept, f"breakdown of {item}",
                                    f"parts adding up to {catalogue.item_name(item)} {format_amount(whole)}",
                                    format_amount(total)))

    held, by_use = figures.count_total("vehicles_held"), figures.count_total("vehicles_by_use")
    if held is not None and by_use is not None and held != by_use:
        counts_file = figures.source.sources.get("counts", path)
        errors.append(DataError(counts_file, dept, "vehicles_by_use",
                                f"as many vehicles by use as vehicles_held by type ({held})", by_use))
    for code, name in catalogue.VEHICLE_TYPES.items():
        bought = figures.count("vehicles_purchased", code)
        spent = figures.stated("three_public.vehicle_purchase", code)
        if bought == 0 and spent:
            fail(f"three_public.vehicle_purchase {code}", f"0 when no {name} was bought (vehicles_purchased {code} = 0)",
                 format_amount(spent))
    return errors


def completeness(figures: Figures) -> list[DataError]:
    """What the report of this year needs and the data does not hold."""
    errors: list[DataError] = []
    path = _amounts_file(figures)
    if not figures.source.amounts:  # one line, not one per figure: the file or the department's rows are missing
        errors.append(DataError(path, figures.department_id, "amounts",
                                f"the department's figures for the report of {figures.year} "
                                f"({', '.join(REQUIRED_AMOUNTS[:2])}, …)", "no rows"))
    for key in REQUIRED_AMOUNTS if figures.source.amounts else ():
        if figures.value(key) is None:
            errors.append(DataError(path, figures.department_id, key,
                                    f"{catalogue.item_name(key)} for the report of {figures.year}", "no row"))
    counts_path = figures.source.sources.get("counts", path.with_name("counts.csv"))
    if not figures.source.counts:
        errors.append(DataError(counts_path, figures.department_id, "counts",
                                f"the department's counts for the report of {figures.year} "
                                f"({', '.join(REQUIRED_COUNTS[:3])}, …)", "no rows"))
    for key in REQUIRED_COUNTS if figures.source.counts else ():
        if figures.count_total(key) is None:
            errors.append(DataError(counts_path, figures.department_id, key,
                                    f"{catalogue.item_name(key)} for the report of {figures.year}", "no row"))
    folder = figures.source.sources.get("departments", path).parent
    text_path = figures.source.sources.get("text", folder / "text" / f"{figures.department_id}.yaml")
    if "text" not in figures.source.sources and not text_path.exists():
        errors.append(DataError(text_path, figures.department_id, "file",
                                f"text/{figures.department_id}.yaml with the department's own words "
                                f"({', '.join(REQUIRED_TEXT)}; see data/README.md)", "no such file"))
    for dotted in REQUIRED_TEXT if text_path.exists() else ():
        if not text_field(figures.text, dotted):
            errors.append(DataError(text_path, figures.department_id, dotted,
                                    "the department's own text for this field (see data/README.md)", "nothing"))
    for code, actual in figures.by_code("gpb.actual").items():
        budget = figures.stated("gpb.budget", code)
        if budget is None:
            errors.append(DataError(path, figures.department_id, f"gpb.budget {code}",
                                    f"the budget of function class {code} ({catalogue.FUNCTION_CLASSES[code]})",
                                    "no row"))
    return errors


def missing_comparisons(previous: Figures | None) -> list[str]:
    """The compared figures that the previous year does not give: said plainly, never invented."""
    if previous is None:
        return list(COMPARED.values())
    return [name for key, name in COMPARED.items() if previous.value(key) is None]


def stated_totals_only(figures: Figures) -> list[str]:
    """Totals a (partial) year states without their parts."""
    return [catalogue.item_name(key) for key in catalogue.COMPOSITES
            if figures.stated(key) is not None and not figures.parts_stated(key)]
