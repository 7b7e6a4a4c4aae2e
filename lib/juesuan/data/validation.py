"""Checks that a department's figures tie out, and that a report year has what its report says."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from juesuan.data import catalogue
from juesuan.errors import DataError
from juesuan.data.figures import ECONOMIC_TOTALS, Figures, change_between, is_function_item, is_hierarchical
from juesuan.data.formatting import describe_change, format_amount
from juesuan.data.money import ZERO, rounding_residue
from juesuan.data.loading import FILES
from juesuan.data.template import Template, load_template

# What the report of a year cannot be written without. One rule for every figure (data/README.md):
# an item without codes has its row, 0 when there is none, so that a forgotten row is never read as 0;
# an item with codes (function classes, vehicle types and uses) lists the codes it has, none when none.
# Every template needs these amounts (the nine tables' and the few every template states); the counts, the
# text and any further amount a template states are in its manifest (`requires`: see template.py).
# (Income by source and expenditure by kind are given as a total row or by class: either counts.)
# (The carry-overs split by fund keep their total row, required; the optional items are listed in the catalogue.)
REQUIRED_AMOUNTS = (*catalogue.INCOME_SOURCES, *catalogue.EXPENDITURE_KINDS,
                    *(key for key, (_, vocabulary) in catalogue.AMOUNT_ITEMS.items()
                      if (vocabulary is None or key in catalogue.FUND_SPLIT)
                      and key not in catalogue.OPTIONAL_LINES and key not in catalogue.OPTIONAL_AMOUNTS))

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

# Where the department explains, in its text, a figure that moved on last year (the report prints the reason).
CHANGE_REASONS = {
    "total": "reasons.total_change",
    "fiscal_total": "reasons.fiscal_change",
    "gpb.total": "reasons.gpb_change",
    "three_public.abroad": "reasons.abroad_change",
    "three_public.vehicle": "reasons.vehicle_change",
    "three_public.reception": "reasons.reception_change",
    "admin_operating": "reasons.admin_operating_change",
}
# ...and a figure that differs from its budget: the "三公" total, and each function class (reasons.gpb_budget.<code>).
THREE_PUBLIC_BUDGET_REASON = "reasons.three_public_against_budget"
GPB_BUDGET_REASON = "reasons.gpb_budget.{code}"
GPB_AGAINST_BUDGET_REASON = "reasons.gpb_against_budget"
GF_BUDGET_REASON = "reasons.gf_budget.{code}"


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

    # A stated total beside its parts must equal their sum (a 合计 over rows by code: to the 尾差 of their rounding).
    for key in list(catalogue.COMPOSITES) + [k for k, (_, voc) in catalogue.AMOUNT_ITEMS.items() if voc]:
        stated, parts = figures.stated(key), figures.sum_of_parts(key)
        if stated is not None and parts is not None and stated != parts and not figures.total_within_residue(key):
            fail(f"{catalogue.item_name(key)} ({key})", f"其各组成部分之和 {format_amount(parts)}",
                 format_amount(stated))

    v = figures.value
    sides = [("total", catalogue.COMPOSITES["total"][1], catalogue.TOTAL_SPENDING_SIDE),
             ("fiscal_total", ("fiscal_income", "carryover.begin_fiscal"),
              ("fiscal_expenditure", "carryover.end_fiscal"))]
    for total, income_side, spending_side in sides:
        # An optional line (使用非财政拨款结余, 结余分配) not given is 0, and not named.
        left = [(catalogue.item_name(k), v(k)) for k in income_side if k not in catalogue.OPTIONAL_LINES or v(k)]
        right = [(catalogue.item_name(k), v(k)) for k in spending_side if k not in catalogue.OPTIONAL_LINES or v(k)]
        if all(x is not None for _, x in left + right):
            lsum, rsum = sum(x for _, x in left), sum(x for _, x in right)
            if lsum != rsum:
                fail(f"{catalogue.item_name(total)} ({total})",
                     f"{_sum_text(left)} = {format_amount(lsum)}，与 {_sum_text(right)} 相等",
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
                 f"不超过{catalogue.item_name(whole_key)} {format_amount(whole)}（占比不能超过100%）",
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
            fail(f"gpb.budget {code}", f"有预算的功能分类 {code} 同时有 gpb.actual 行", "没有")

    # A 类 or 款 row given beside the rows beneath it is their subtotal: 类 = Σ款 = Σ项, to the 尾差 of their rounding.
    for item, code, stated, parts, printed in subtotals(figures):
        if code and abs(stated - sum(parts, ZERO)) > rounding_residue(printed):  # a 合计: checked above
            fail(f"{item} {code}", f"{_subtotal_of(figures, item, code, parts)}", format_amount(stated))
    # Tables 03 and 04/05/08/09 by class: no class spends more from fiscal appropriations than in all.
    if any(figures.detail(kind) for kind in catalogue.EXPENDITURE_KINDS):
        for code in sorted({c[:3] for kind in catalogue.EXPENDITURE_KINDS for c in figures.detail(kind)}
                           | {c[:3] for item in catalogue.FISCAL_SPENDING for c in figures.detail(item)}):
            spent = sum((figures.amount_at(k, code) or ZERO for k in catalogue.EXPENDITURE_KINDS), ZERO)
            fiscal = sum((figures.amount_at(i, code) or ZERO for i in catalogue.FISCAL_SPENDING), ZERO)
            if fiscal > spent:
                fail(f"expenditure.* {code}", f"不少于财政拨款支出 {format_amount(fiscal)}（{code} "
                     f"{figures.function_name(code)}：表03的本年支出包括财政拨款支出）", format_amount(spent))
    # Table 05's 基本支出 and 项目支出 by class: they make up its 合计, and its 基本支出 is table 06's.
    if figures.detail("gpb.basic") or figures.detail("gpb.project"):
        for code in figures.levels("gpb.basic", "gpb.project", "gpb.actual"):
            basic, project = figures.amount_at("gpb.basic", code), figures.amount_at("gpb.project", code)
            actual = figures.amount_at("gpb.actual", code) or ZERO
            parts = (basic or ZERO) + (project or ZERO)
            if (parts != actual) if basic is not None and project is not None else parts > actual:
                fail(f"gpb.basic/gpb.project {code}",
                     f"基本支出 + 项目支出 = 一般公共预算财政拨款支出 {format_amount(actual)}（{code} "
                     f"{figures.function_name(code)}）", format_amount(parts))
        basic_total = figures.sum_of_parts("gpb.basic")
        if figures.detail("gpb.basic") and figures.value("gpb_basic.total") not in (None, basic_total):
            fail("gpb.basic", f"与表06的一般公共预算财政拨款基本支出 {format_amount(figures.value('gpb_basic.total'))} 相等",
                 format_amount(basic_total))
    # Tables 08 and 09 by class: 年末 = 年初 + 本年收入 − 本年支出 on each row, and 本年收入 in all is the fund's income.
    for fund, income_key in (("gf", "income.government_fund"), ("sc", "income.state_capital")):
        flows = (f"{fund}.carryover_begin", f"{fund}.income", f"{fund}.carryover_end")
        if not any(figures.detail(k) for k in flows):
            continue
        for code in figures.levels(*flows, f"{fund}.actual"):
            begin, income, spent, end = (figures.amount_at(k, code) or ZERO for k in (*flows[:2], f"{fund}.actual",
                                                                                      flows[2]))
            if begin + income - spent != end:
                fail(f"{fund}.carryover_end {code}",
                     f"年初 {format_amount(begin)} + 本年收入 {format_amount(income)} − 本年支出 {format_amount(spent)} = "
                     f"{format_amount(begin + income - spent)}（{code} {figures.function_name(code)}）",
                     format_amount(end))
        received = figures.sum_of_parts(f"{fund}.income") or ZERO
        if figures.detail(f"{fund}.income") and figures.value(income_key) not in (None, received):
            fail(f"{fund}.income", f"与{catalogue.item_name(income_key)} {format_amount(figures.value(income_key))} 相等",
                 format_amount(received))
    # 人员经费 and 公用经费 stated beside table 06's classes are their sums.
    for key, classes in ECONOMIC_TOTALS.items():
        stated, by_class = figures.stated(key), figures.economic_total(key)
        if stated is not None and by_class is not None and stated != by_class:
            fail(f"{catalogue.item_name(key)} ({key})",
                 f"经济分类 {' + '.join(classes)} 之和 {format_amount(by_class)}（gpb_basic.economic 行）",
                 format_amount(stated))

    errors += split_tie_outs(figures)

    for item, parts in figures.source.breakdowns.items():
        whole = v(item)
        total = sum((amount for _, amount in parts), Decimal(0))
        if whole is not None and total != whole:
            breakdown_file = figures.source.sources.get("breakdowns", path)
            errors.append(DataError(breakdown_file, dept, f"{item} 的细分",
                                    f"各项之和等于{catalogue.item_name(item)} {format_amount(whole)}",
                                    format_amount(total)))

    held, by_use = figures.count_total("vehicles_held"), figures.count_total("vehicles_by_use")
    if held is not None and by_use is not None and held != by_use:
        counts_file = figures.source.sources.get("counts", path)
        errors.append(DataError(counts_file, dept, "vehicles_by_use",
                                f"按用途分的车辆数与按类型分的 vehicles_held 相同（{held}辆）", by_use))
    bought_in_all = figures.count_total("vehicles_purchased")
    spent_in_all = figures.stated("three_public.vehicle_purchase")
    if bought_in_all == 0 and spent_in_all:
        fail("three_public.vehicle_purchase", "0（当年未购置公务用车：vehicles_purchased 合计 0 辆）",
             format_amount(spent_in_all))
    for code, name in catalogue.VEHICLE_TYPES.items():
        bought = figures.count("vehicles_purchased", code)
        spent = figures.stated("three_public.vehicle_purchase", code)
        if bought == 0 and spent:
            fail(f"three_public.vehicle_purchase {code}", f"0（当年未购置{name}：vehicles_purchased {code} = 0）",
                 format_amount(spent))
    return errors


def split_tie_outs(figures: Figures) -> list[DataError]:
    """The splits the nine tables print of a figure the data holds whole: 02's 财政拨款收入 by class, 08/09's 基本/项目
    支出 by class, 04's carry-overs by fund and 07's vehicle budgets apart. Each must make up its whole."""
    errors: list[DataError] = []
    path, dept = _amounts_file(figures), figures.department_id

    def fail(field: str, expected: str, got: str):
        errors.append(DataError(path, dept, field, expected, got))

    # 02's 财政拨款收入 by class: its classes are the three fiscal sources in all, and, where the data splits those by
    # class too, each class is their sum (no less than it, where a fund with income is not split).
    # (A class that is not its funds is named; the sum in all then differs because of it, and is not.)
    if figures.detail("income.fiscal"):
        split = [f for f in catalogue.FISCAL_INCOME if figures.detail(f)]
        whole = all(figures.detail(f) or not figures.value(f) for f in catalogue.FISCAL_INCOME)
        names = " + ".join(catalogue.item_name(f) for f in split)

        def fiscal_differs(code: str, fiscal: Decimal, funds: Decimal):
            fail(f"income.fiscal {code}", f"{'' if whole else '不少于'}{names} {format_amount(funds)}"
                 f"（{code} {figures.function_name(code)}）", format_amount(fiscal))
        before = len(errors)
        if split:
            _each_class(figures, "income.fiscal", split, lambda code: whole, fiscal_differs)
        fiscal, by_class = figures.value("fiscal_income"), figures.sum_of_parts("income.fiscal")
        if len(errors) == before and fiscal is not None and by_class != fiscal:
            fail("income.fiscal", f"各类之和等于财政拨款收入 {format_amount(fiscal)}（income.general_budget + "
                 "income.government_fund + income.state_capital）", format_amount(by_class))
    # 08 and 09 by kind, as 05's: 基本支出 + 项目支出 = 本年支出 on each row where both are given, else no more than it.
    for fund in ("gf", "sc"):
        kinds = (f"{fund}.basic", f"{fund}.project")

        def both(code: str, kinds=kinds) -> bool:
            return all(figures.amount_at(k, code) is not None for k in kinds)

        def kinds_differ(code: str, actual: Decimal, given: Decimal, fund=fund, kinds=kinds, both=both):
            named = " + ".join({"basic": "基本支出", "project": "项目支出"}[k.split(".")[1]] for k in kinds
                               if figures.amount_at(k, code) is not None)
            fail(f"{fund}.basic/{fund}.project {code}",
                 f"{named} {'= ' if both(code) else '不超过'}{catalogue.item_name(f'{fund}.actual')} "
                 f"{format_amount(actual)}（{code} {figures.function_name(code)}）", format_amount(given))
        if any(figures.detail(k) for k in kinds):
            _each_class(figures, f"{fund}.actual", list(kinds), both, kinds_differ)
    # 04's carry-overs by fund (their parts against the total row: the check of every coded item above). Per fund,
    # 年初 + 本年收入 − 本年支出 = 年末, and 08/09's classes in all are their fund's part; not where a split does not
    # add up to its total, or a row of 08/09 does not carry over (said once, already). Funds that do not carry
    # over are one line: with 财政拨款收、支总计 tying out, a part put under the wrong fund puts two funds out.
    split = [k for k in catalogue.FUND_SPLIT if figures.by_code(k)]
    if split and all(figures.sum_of_parts(k) == figures.stated(k) for k in split):
        begin_key, end_key = catalogue.FUND_SPLIT
        wrong = []
        for fund, name in catalogue.FUNDS.items():
            begin, end = figures.fund_part(begin_key, fund), figures.fund_part(end_key, fund)
            income = figures.value(catalogue.FUND_INCOME[fund])
            spent = figures.report_value(catalogue.FUND_SPENDING[fund].replace(".actual", ".total"))
            if None not in (begin, end, income) and begin + income - spent != end:
                wrong.append((fund, f"{name} 年初 {format_amount(begin)} + 本年收入 {format_amount(income)} − "
                                    f"本年支出 {format_amount(spent)} = {format_amount(begin + income - spent)}",
                              format_amount(end)))
        if wrong:
            fail(f"{end_key} {'/'.join(fund for fund, _, _ in wrong)}", "、".join(text for _, text, _ in wrong),
                 "、".join(end for _, _, end in wrong))
        for fund, prefix in (("government_fund", "gf"), ("state_capital", "sc")):
            if wrong or not _fund_rows_carry_over(figures, prefix):
                continue
            # 年末 follows from 年初 on both sides (the rows and the fund carry over): one of the two is named.
            for flow, key in ((f"{prefix}.carryover_begin", begin_key), (f"{prefix}.carryover_end", end_key)):
                part = figures.fund_part(key, fund)
                if key in split and figures.detail(flow) and figures.sum_of_parts(flow) != part:
                    fail(flow, f"各类之和等于表04的{catalogue.item_name(key)}中的{catalogue.FUNDS[fund]} "
                         f"{format_amount(part)}（{key} {fund}）", format_amount(figures.sum_of_parts(flow)))
                    break
    # 07's vehicle budgets apart: where either is given, the two (the other 0) are the budget of both.
    parts = {k: figures.value(k) for k in ("three_public_budget.vehicle_purchase",
                                            "three_public_budget.vehicle_operation")}
    budget = figures.value("three_public_budget.vehicle")
    if budget is not None and any(p is not None for p in parts.values()):
        total = sum((p or ZERO for p in parts.values()), ZERO)
        if total != budget:
            fail(f"{catalogue.item_name('three_public_budget.vehicle')} (three_public_budget.vehicle)",
                 f"{_sum_text([(catalogue.item_name(k), p or ZERO) for k, p in parts.items()])} = "
                 f"{format_amount(total)}", format_amount(budget))
    return errors


def _each_class(figures: Figures, whole: str, parts: list[str], complete, differs) -> None:
    """At each level both sides give, `whole` = Σ `parts` (where `complete(code)`), or no less than it; else
    `differs(code, whole's amount, Σ parts)`. A level whose rows beneath already differ is not named again (one
    mistake, one line)."""
    def at(item: str, code: str) -> Decimal | None:
        value = figures.amount_at(item, code)
        if value is None and any(code.startswith(c) for c in figures.detail(item)):
            return None  # given only above this level: not comparable here
        return value or ZERO

    failed: list[str] = []
    for code in reversed(figures.levels(whole, *parts)):
        amounts = [at(whole, code), *(at(p, code) for p in parts)]
        if None in amounts or any(f.startswith(code) for f in failed):
            continue
        total, given = amounts[0], sum(amounts[1:], ZERO)
        if (given != total) if complete(code) else given > total:
            failed.append(code)
            differs(code, total, given)


def _fund_rows_carry_over(figures: Figures, fund: str) -> bool:
    """Whether each row of table 08 (gf) or 09 (sc) carries over: 年初 + 本年收入 − 本年支出 = 年末."""
    flows = (f"{fund}.carryover_begin", f"{fund}.income", f"{fund}.actual", f"{fund}.carryover_end")
    for code in figures.levels(*flows):
        begin, income, spent, end = (figures.amount_at(k, code) or ZERO for k in flows)
        if begin + income - spent != end:
            return False
    return True


def subtotals(figures: Figures):
    """Each 合计, 类 or 款 given beside the rows beneath it: (item, code, its amount, the amounts beneath, how
    many printed figures those add up); the 合计, given without a code, has the code ''."""
    for item in (k for k in catalogue.AMOUNT_ITEMS if is_hierarchical(k)):
        for code, stated in figures.detail(item).items():
            beneath = figures.beneath(item, code)
            if beneath:
                yield item, code, stated, [figures.amount_at(item, c) for c in beneath], figures.printed(item, beneath)
        total = figures.stated(item)
        if total is not None and figures.detail(item):
            classes = figures.classes(item)
            yield item, "", total, [figures.amount_at(item, c) for c in classes], figures.printed(item, classes)


def _subtotal_of(figures: Figures, item: str, code: str, parts: list[Decimal]) -> str:
    if not code:
        return f"各类之和 {format_amount(sum(parts, ZERO))}（合计）"
    name = figures.function_name if is_function_item(item) else figures.economic_name
    below = ("款、项" if len(code) == 3 else "项") if is_function_item(item) else "款"
    return f"其下各{below}之和 {format_amount(sum(parts, ZERO))}（{code} {name(code)}）"


def rounding_differences(figures: Figures) -> list[str]:
    """Subtotals that differ from their rows by no more than rounding each to the fen can (尾差): kept as
    given, as the tables print them, and said, never an error."""
    return [f"{item} {code}：{format_amount(stated)}，{_subtotal_of(figures, item, code, parts)}，差"
            f"{format_amount(abs(stated - sum(parts, ZERO)))}（{printed}行各自四舍五入的尾差）".replace(" ：", "：")
            for item, code, stated, parts, printed in subtotals(figures)
            if stated != sum(parts, ZERO) and abs(stated - sum(parts, ZERO)) <= rounding_residue(printed)]


def completeness(figures: Figures, template: Template | None = None) -> list[DataError]:
    """What the report of this year, in its template (the seed's by default), needs and the data does not hold."""
    template = template or load_template()
    required_amounts = REQUIRED_AMOUNTS + template.requires.amounts
    required_counts, required_text = template.requires.counts, template.requires.text
    errors: list[DataError] = []
    path = _amounts_file(figures)
    if not figures.source.amounts:  # one line, not one per figure: the file or the department's rows are missing
        errors.append(DataError(path, figures.department_id, "amounts",
                                f"{figures.year}年报告所需的本部门金额（{', '.join(required_amounts[:2])}、…）",
                                "没有任何行"))
    for key in required_amounts if figures.source.amounts else ():
        if figures.value(key) is None:
            errors.append(DataError(path, figures.department_id, key,
                                    f"{figures.year}年报告所需的{catalogue.item_name(key)}（没有时写一行 0）", "没有这一行",
                                    item=key))
    counts_path = figures.source.sources.get("counts", path.with_name("counts.csv"))
    if not figures.source.counts and required_counts:
        errors.append(DataError(counts_path, figures.department_id, "counts",
                                f"{figures.year}年报告所需的本部门计数（{', '.join(required_counts[:3])}、…）",
                                "没有任何行"))
    for key in required_counts if figures.source.counts else ():
        if figures.count_total(key) is None:
            errors.append(DataError(counts_path, figures.department_id, key,
                                    f"{figures.year}年报告所需的{catalogue.item_name(key)}（没有时写一行 0）", "没有这一行"))
    words = text_path(figures)
    if "text" not in figures.source.sources and not words.exists():
        errors.append(DataError(words, figures.department_id, "file",
                                f"写有本部门文字的 text/{figures.department_id}.yaml"
                                f"（{', '.join(required_text[:4])}、…；见 data/README.md）", "文件不存在"))
    for dotted in required_text if words.exists() else ():
        if not text_field(figures.text, dotted):
            errors.append(DataError(words, figures.department_id, dotted,
                                    "本部门对这一项的文字（见 data/README.md；确实没有内容时写“无”）", "空"))
    budget_lines = figures.budget_lines()
    for code in figures.leaves("gpb.actual"):
        # Each spending row's budget is given at its own level, above it or beneath it (one line of 五（三） each).
        if not any(code.startswith(b) or b.startswith(code) for b in budget_lines):
            errors.append(DataError(path, figures.department_id, f"gpb.budget {code}",
                                    f"功能分类 {code}（{figures.function_name(code)}）的预算数（gpb.budget 行，"
                                    f"写在这一级或其上级）", "没有这一行", item="gpb.budget"))
    return errors


def items_behind(key: str) -> set[str]:
    """The amount items a figure is computed from: itself, or its parts' items, all the way down."""
    if key not in catalogue.COMPOSITES:
        return {key}
    return set().union(*(items_behind(part) for part in catalogue.COMPOSITES[key][1]))


def text_path(figures: Figures) -> Path:
    """The department's text file of the year (where its words are, or would go)."""
    folder = figures.source.sources.get("departments", _amounts_file(figures)).parent
    return figures.source.sources.get("text", folder / "text" / f"{figures.department_id}.yaml")


def budget_direction(actual: Decimal, budget: Decimal) -> int:
    """+1 决算数大于预算数, -1 小于, 0 等于."""
    return (actual > budget) - (actual < budget)


def missing_reasons(current: Figures, previous: Figures | None, template: Template | None = None) -> list[DataError]:
    """Every reason the report must print and the text does not give, each with the figures it must explain."""
    template = template or load_template()
    errors = []
    path = text_path(current)
    if "text" not in current.source.sources and not path.exists():
        return errors  # the missing file is the one problem to fix (completeness says so)
    year, dept = current.year, current.department_id

    def need(field: str, what: str, *figures: str):
        if not text_field(current.text, field):
            errors.append(DataError(path, dept, field, f"说明{what}的原因（用本部门的话写在 {field}）", "空",
                                    item=",".join(figures)))

    for key, field in CHANGE_REASONS.items():
        change = change_between(current, previous, key)
        if change is not None and change.direction != 0:
            need(field, f"{COMPARED[key]}变动：{year}年{format_amount(change.current)}万元，{previous.year}年"
                        f"{format_amount(change.previous)}万元，{describe_change(change)}", key)

    def against_budget(field: str, name: str, actual: Decimal | None, budget: Decimal | None, *figures: str):
        if actual is not None and budget is not None and budget_direction(actual, budget) != 0:
            side = "大于" if actual > budget else "小于"
            need(field, f"{name}决算数{side}预算数：决算{format_amount(actual)}万元，预算{format_amount(budget)}万元，"
                        f"相差{format_amount(abs(actual - budget))}万元", *figures)

    against_budget(THREE_PUBLIC_BUDGET_REASON, "“三公”经费", current.value("three_public.total"),
                   current.value("three_public_budget.total"), "three_public.total", "three_public_budget.total")
    for code in current.budget_lines():
        against_budget(GPB_BUDGET_REASON.format(code=code), f"{code} {current.line_name(code)}",
                       current.amount_at("gpb.actual", code), current.amount_at("gpb.budget", code),
                       "gpb.actual", "gpb.budget")
    if "gpb_total" in template.requires.budget_reasons:
        against_budget(GPB_AGAINST_BUDGET_REASON, "一般公共预算财政拨款支出", current.value("gpb.total"),
                       current.value("gpb.budget_total"), "gpb.actual", "gpb.budget")
    if "gf_lines" in template.requires.budget_reasons:
        for code in current.leaves("gf.budget"):
            against_budget(GF_BUDGET_REASON.format(code=code), f"{code} {current.line_name(code)}",
                           current.amount_at("gf.actual", code), current.amount_at("gf.budget", code),
                           "gf.actual", "gf.budget")
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
