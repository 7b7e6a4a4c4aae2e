"""The standard public tables (公开表), built from the data as pandas DataFrames.

Each table holds exact Decimals; formatting to 万元 happens only when shown.
A table with nothing in it is still shown, with the published note 本表无数据.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from juesuan.data import catalogue
from juesuan.data.figures import Figures
from juesuan.data.formatting import format_table_amount, format_table_rate
from juesuan.data.money import completion

ZERO = Decimal(0)

#: A header never breaks inside a word (项目, 合计): ``keep-all`` lets a line break only where
#: :func:`header_html` puts a ``<wbr>``, between two words (本年收入<wbr>合计), so a wide table still fits.
HEADER_CELL = {"word-break": "keep-all", "overflow-wrap": "normal", "text-align": "center"}
#: An amount or rate: on one line (its column as wide as its widest number), right-aligned, digits
#: of equal width, so that the decimal points line up.
NUMBER_CELL = {"text-align": "right", "white-space": "nowrap", "font-variant-numeric": "tabular-nums"}
#: Words a header may break before (never inside them).
_HEADER_WORDS = re.compile(r"(?<=.)(?=收入|支出|合计|决算数|预算数|科目|编码|名称|（)")
#: ...and a row's name (政府性基金<wbr>预算<wbr>财政拨款<wbr>收入), which wraps the same way in a narrow column.
_NAME_WORDS = re.compile(r"(?<=[^（(])(?=预算|财政拨款|收入|支出|结转|结余|合计|补助|经费|（)")
#: A row's name: broken only between its words, as a header is.
NAME_CELL = {"word-break": "keep-all", "overflow-wrap": "normal"}


def header_html(text: object) -> str:
    """A column header, escaped, with a ``<wbr>`` between its words: 支出功能分类<wbr>科目<wbr>编码."""
    return "<wbr>".join(html.escape(part) for part in _HEADER_WORDS.split(str(text)))


def name_html(text: object) -> str:
    """A row's name, escaped, with a ``<wbr>`` between its words (the leading 　 of an indented row kept)."""
    return "<wbr>".join(html.escape(part) for part in _NAME_WORDS.split(str(text)))


@dataclass
class PublicTable:
    number: str
    title: str
    frame: pd.DataFrame
    note: str | None = None

    @property
    def empty(self) -> bool:
        return self.note is not None

    def styler(self):
        """The table as the report shows it: amounts in 万元 and rates in %, both with two decimals,
        right-aligned on the decimal point; blanks blank; headers never broken inside a word."""
        styler, numeric, codes, names = self._formatted()
        if numeric:
            styler = styler.set_properties(subset=numeric, **NUMBER_CELL)
        if codes:  # three to seven digits: the room goes to the names beside them
            styler = styler.set_properties(subset=codes, **{"width": "4.5em", "white-space": "nowrap"})
        if names:
            styler = styler.set_properties(subset=names, **NAME_CELL)
        headers = {"selector": "th", "props": list(HEADER_CELL.items())}
        return styler.set_table_styles([headers], overwrite=False)

    def plain_text(self) -> str:
        """The shown values, tab-separated: what the Styler's ``to_string`` with a tab delimiter gives, without
        computing the cells' styles, which plain text does not show (a Styler computes them at each render)."""
        return self._formatted()[0].to_string(delimiter="\t")

    def _formatted(self):
        """A Styler that shows each cell as the report does, no style set; and the columns of amounts,
        of codes, of names."""
        rate_columns = [c for c in self.frame.columns if str(c).startswith("完成预算")]

        def cell(value):
            if value is None or value == "":
                return ""
            if isinstance(value, Decimal):
                return format_table_amount(value)
            return str(value)

        styler = self.frame.style.format(cell, escape="html").hide(axis="index")
        styler = styler.set_uuid(self.number)
        styler = styler.set_table_attributes('class="public-table"')
        if rate_columns:
            styler = styler.format(lambda v: "" if v is None else format_table_rate(v), subset=rate_columns)
        numeric = [c for c in self.frame.columns
                   if any(isinstance(v, Decimal) for v in self.frame[c])]
        codes = [c for c in self.frame.columns if str(c).endswith("编码")]
        names = [c for c in self.frame.columns if c not in numeric and c not in codes and c not in rate_columns]
        if names:
            styler = styler.format(lambda v: "" if v is None else name_html(v), subset=names, escape=None)
        styler = styler.format_index(header_html, axis="columns", escape=None)
        return styler, numeric, codes, names

    def caption(self, department: str, year: int) -> str:
        return f"{self.number}　{self.title}"


def _value(f: Figures, key: str) -> Decimal:
    value = f.value(key)
    return ZERO if value is None else value


def _class_rows(f: Figures, items: tuple[str, ...]) -> dict[str, Decimal]:
    rows: dict[str, Decimal] = {}
    for item in items:
        for code, amount in f.by_code(item).items():
            rows[code] = rows.get(code, ZERO) + amount
    return dict(sorted(rows.items()))


def _two_sided(income: list[tuple[str, Decimal]], spending: list[tuple], amounts=("支出决算数",)) -> pd.DataFrame:
    """收入 on the left, 支出 on the right, as the 总表 are laid out; each spending row (code, name, one amount
    per heading of `amounts`)."""
    length = max(len(income), len(spending))
    income = income + [("", None)] * (length - len(income))
    spending = spending + [("", "", *[None] * len(amounts))] * (length - len(spending))
    return pd.DataFrame({
        "收入项目": [name for name, _ in income],
        "收入决算数": [amount for _, amount in income],
        "支出功能分类科目编码": [row[0] for row in spending],
        "支出项目": [row[1] for row in spending],
        **{heading: [row[2 + i] for row in spending] for i, heading in enumerate(amounts)},
    })


def income_expenditure_summary(f: Figures) -> PublicTable:
    income = [(name, _value(f, key)) for key, name in catalogue.INCOME_SOURCES.items()]
    income += [("本年收入合计", _value(f, "income_total")), *_given(f, "non_fiscal_balance_used"),
               ("年初结转和结余", _value(f, "carryover.begin")), ("总计", _value(f, "total"))]
    if any(f.detail(kind) for kind in catalogue.EXPENDITURE_KINDS):
        # 本年支出 by function class, all funds (table 03's classes).
        spending = [(code, catalogue.FUNCTION_CLASSES[code], amount)
                    for code, amount in _class_rows(f, tuple(catalogue.EXPENDITURE_KINDS)).items()]
    else:
        # Without table 03 by class the data knows the classes of fiscal spending only: 本年支出 by kind, as
        # the 总表 of provinces that print it so do (the sum of the lines is then 本年支出合计, whatever the funds).
        spending = [("", name, _value(f, key)) for key, name in catalogue.EXPENDITURE_KINDS.items()]
    spending += [("", "本年支出合计", _value(f, "expenditure_total")),
                 *(("", name, amount) for name, amount in _given(f, "balance_distribution")),
                 ("", "年末结转和结余", _value(f, "carryover.end")),
                 ("", "总计", sum((_value(f, k) for k in catalogue.TOTAL_SPENDING_SIDE), ZERO))]
    return PublicTable("公开01表", "收入支出决算总表", _two_sided(income, spending))


def _given(f: Figures, key: str) -> list[tuple[str, Decimal]]:
    """An optional line (使用非财政拨款结余, 结余分配) where the data gives it: a table of a department without
    one looks as it always did."""
    value = f.value(key)
    return [] if value is None else [(catalogue.item_name(key), value)]


def _by_class(f: Figures, total_name: str, columns: dict[str, tuple[str, ...]],
              by_class: dict[str, str] | None = None) -> pd.DataFrame:
    """Tables 02 and 03: the 合计 row, then, where the data gives them by function class, every level's row.

    `columns` maps each column's heading to the items it adds up (财政拨款收入: the three fiscal sources);
    `by_class`, a heading to the one item that gives it by class where the data has it (财政拨款收入:
    income.fiscal). A class's total is left blank where a column with a total is not given by class: it
    cannot be known."""
    by_class = {heading: item for heading, item in (by_class or {}).items() if f.detail(item)}
    items = tuple(i for keys in columns.values() for i in keys)

    def at(code: str | None, keys: tuple[str, ...]) -> Decimal | None:
        values = [(_value(f, k) if code is None else f.amount_at(k, code)) for k in keys]
        known = [v for v in values if v is not None]
        return sum(known, ZERO) if known else None

    complete = all(heading in by_class or any(f.detail(k) for k in keys) or not at(None, keys)
                   for heading, keys in columns.items())

    def row(code, name, where):
        cells = {heading: at(where, (by_class[heading],) if where and heading in by_class else keys)
                 for heading, keys in columns.items()}
        known = [v for v in cells.values() if v is not None]
        total = sum(known, ZERO) if known and (where is None or complete) else None
        return {"科目编码": code, "科目名称": name, total_name: total, **cells}

    rows = [row("", "合计", None)]
    rows += [row(code, _indented_name(f, code), code) for code in f.levels(*items, *by_class.values())]
    return pd.DataFrame(rows)


def income_table(f: Figures) -> PublicTable:
    sources = list(catalogue.INCOME_SOURCES.items())
    columns = {"财政拨款收入": tuple(k for k, _ in sources[:3]), **{name: (key,) for key, name in sources[3:]}}
    return PublicTable("公开02表", "收入决算表", _by_class(f, "本年收入合计", columns, {"财政拨款收入": "income.fiscal"}))


def expenditure_table(f: Figures) -> PublicTable:
    columns = {name: (key,) for key, name in catalogue.EXPENDITURE_KINDS.items()}
    return PublicTable("公开03表", "支出决算表", _by_class(f, "本年支出合计", columns))


def fiscal_summary(f: Figures) -> PublicTable:
    income = [(name, _value(f, key)) for key, name in list(catalogue.INCOME_SOURCES.items())[:3]]
    income += [("本年收入合计", _value(f, "fiscal_income")),
               ("年初财政拨款结转和结余", _value(f, "carryover.begin_fiscal")),
               ("总计", _value(f, "fiscal_total"))]
    if any(f.by_code(key) for key in catalogue.FUND_SPLIT):
        return _fiscal_summary_by_fund(f, income)
    spending = [(code, catalogue.FUNCTION_CLASSES[code], amount)
                for code, amount in _class_rows(f, catalogue.FISCAL_SPENDING).items()]
    spending += [("", "本年支出合计", _value(f, "fiscal_expenditure")),
                 ("", "年末财政拨款结转和结余", _value(f, "carryover.end_fiscal")),
                 ("", "总计", _value(f, "fiscal_expenditure") + _value(f, "carryover.end_fiscal"))]
    return PublicTable("公开04表", "财政拨款收入支出决算总表", _two_sided(income, spending))


def _fiscal_summary_by_fund(f: Figures, income: list[tuple[str, Decimal]]) -> PublicTable:
    """Table 04 where the data splits its carry-overs by fund, as the national template prints it: the three
    funds' lines under 年初财政拨款结转和结余, and the 支出 side in a column per fund beside its 合计."""
    begin, end = catalogue.FUND_SPLIT
    at = next(i for i, (name, _) in enumerate(income) if name == catalogue.item_name(begin)) + 1
    income[at:at] = [("\u3000" + name, f.fund_part(begin, fund)) for fund, name in catalogue.FUNDS.items()]
    spent = {fund: f.by_code(item) for fund, item in catalogue.FUND_SPENDING.items()}
    totals = {fund: _value(f, item.replace(".actual", ".total")) for fund, item in catalogue.FUND_SPENDING.items()}

    def line(code: str, name: str, parts: dict[str, Decimal]) -> tuple:
        return (code, name, sum(parts.values(), ZERO), *parts.values())

    spending = [line(code, catalogue.FUNCTION_CLASSES[code], {fund: spent[fund].get(code, ZERO) for fund in spent})
                for code in sorted(set().union(*spent.values()))]
    ends = {fund: f.fund_part(end, fund) for fund in catalogue.FUNDS}
    spending += [line("", "本年支出合计", totals), line("", "年末财政拨款结转和结余", ends),
                 line("", "总计", {fund: totals[fund] + ends[fund] for fund in totals})]
    amounts = ("支出合计", *(f"支出{name}" for name in catalogue.FUNDS.values()))
    return PublicTable("公开04表", "财政拨款收入支出决算总表", _two_sided(income, spending, amounts))


def _indented_name(f: Figures, code: str, economic: bool = False) -> str:
    """款 one ideographic space in from its 类, 项 two, as the published tables print them."""
    return "\u3000" * ((len(code) - 3) // 2) + (f.economic_name(code) if economic else f.function_name(code))


def general_budget_expenditure(f: Figures) -> PublicTable:
    """Table 05 as the national template prints it: 决算数 with its 基本支出 and 项目支出 columns; by class
    where the data splits the classes (gpb.basic), else on the 合计 row only (table 06 gives its 基本支出)."""
    by_kind = bool(f.detail("gpb.basic") or f.detail("gpb.project"))
    rows = []
    for code in f.levels("gpb.actual", "gpb.budget", "gpb.basic", "gpb.project"):
        actual, budget = f.amount_at("gpb.actual", code) or ZERO, f.amount_at("gpb.budget", code)
        basic = f.amount_at("gpb.basic", code) or ZERO
        split = [basic, f.amount_at("gpb.project", code) or actual - basic] if by_kind else [None, None]
        rows.append([code, _indented_name(f, code), budget, actual, *split,
                     None if budget is None else completion(actual, budget)])
    total, budget = _value(f, "gpb.total"), _value(f, "gpb.budget_total")
    basic = _value(f, "gpb_basic.total")
    rows.append(["", "合计", budget, total, basic, total - basic, completion(total, budget)])
    columns = ["科目编码", "科目名称", "预算数", "决算数", "基本支出", "项目支出", "完成预算（%）"]
    frame = pd.DataFrame(rows, columns=columns)
    note = None if f.by_code("gpb.actual") else "本单位本年度无一般公共预算财政拨款支出，本表无数据。"
    return PublicTable("公开05表", "一般公共预算财政拨款支出决算表", frame, note)


def general_budget_basic(f: Figures) -> PublicTable:
    if f.detail("gpb_basic.economic"):
        # By economic class, as the standard table 06 prints it: 类, its 款 indented, then the two totals.
        codes = f.levels("gpb_basic.economic")
        rows = [(code, _indented_name(f, code, economic=True), f.amount_at("gpb_basic.economic", code))
                for code in codes]
        rows += [("", "人员经费合计", _value(f, "gpb_basic.personnel")), ("", "公用经费合计", _value(f, "gpb_basic.public")),
                 ("", "合计", _value(f, "gpb_basic.total"))]
        return PublicTable("公开06表", "一般公共预算财政拨款基本支出决算表",
                           pd.DataFrame(rows, columns=["科目编码", "科目名称", "决算数"]))
    rows = [("人员经费", "301 工资福利支出、303 对个人和家庭的补助", _value(f, "gpb_basic.personnel")),
            ("公用经费", "302 商品和服务支出、310 资本性支出", _value(f, "gpb_basic.public")),
            ("合计", "", _value(f, "gpb_basic.total"))]
    return PublicTable("公开06表", "一般公共预算财政拨款基本支出决算表",
                       pd.DataFrame(rows, columns=["项目", "经济分类", "决算数"]))


def three_public(f: Figures) -> PublicTable:
    rows = [
        ("合计", _value(f, "three_public_budget.total"), _value(f, "three_public.total")),
        ("1.因公出国（境）费", _value(f, "three_public_budget.abroad"), _value(f, "three_public.abroad")),
        ("2.公务用车购置及运行维护费", _value(f, "three_public_budget.vehicle"), _value(f, "three_public.vehicle")),
        ("　（1）公务用车购置费", f.value("three_public_budget.vehicle_purchase"), _value(f, "three_public.vehicle_purchase")),
        ("　（2）公务用车运行维护费", f.value("three_public_budget.vehicle_operation"),
         _value(f, "three_public.vehicle_operation")),
        ("3.公务接待费", _value(f, "three_public_budget.reception"), _value(f, "three_public.reception")),
        ("　（1）国内接待费", None, _value(f, "three_public.reception_domestic")),
        ("　（2）外事接待费", None, _value(f, "three_public.reception_foreign")),
    ]
    frame = pd.DataFrame([(n, b, a, None if b is None else completion(a, b)) for n, b, a in rows],
                         columns=["项目", "预算数", "决算数", "完成预算（%）"])
    return PublicTable("公开07表", "财政拨款“三公”经费支出决算表", frame)


def _fund_table(f: Figures, number: str, title: str, income_key: str | None, item: str) -> PublicTable:
    fund = item.split(".")[0]
    flows = (f"{fund}.carryover_begin", f"{fund}.income", f"{fund}.carryover_end")
    by_class = any(f.detail(k) for k in flows)
    kinds = (f"{fund}.basic", f"{fund}.project")
    codes = f.levels(item, *kinds, *(flows if by_class else ()))
    rows = [(code, _indented_name(f, code), f.amount_at(item, code)) for code in codes]
    total = _value(f, item.replace(".actual", ".total"))
    income = _value(f, income_key) if income_key else None
    columns = ["科目编码", "科目名称", "本年支出"]
    frame = pd.DataFrame(rows + [("", "合计", total)], columns=columns)
    if by_class:
        # The fund's flows by class, as tables 08 and 09 print them.
        def column(key):
            return [f.amount_at(key, code) for code in codes] + [f.sum_of_parts(key) or ZERO]
        frame.insert(2, "年初结转和结余", column(flows[0]))
        frame.insert(3, "本年收入", column(flows[1]))
        frame["年末结转和结余"] = column(flows[2])
    elif income_key:
        frame.insert(2, "本年收入", [None] * len(rows) + [income])
    if any(f.detail(k) for k in kinds):
        # 本年支出 by kind, as 05's: 项目支出 where not given is what 基本支出 leaves.
        spent = [f.amount_at(item, code) or ZERO for code in codes] + [total]
        basic = [f.amount_at(kinds[0], code) or ZERO for code in codes] + [f.sum_of_parts(kinds[0]) or ZERO]
        project = [f.amount_at(kinds[1], code) for code in codes] + [f.sum_of_parts(kinds[1])]
        at = list(frame.columns).index("本年支出") + 1
        frame.insert(at, "基本支出", basic)
        frame.insert(at + 1, "项目支出", [p if p is not None else s - b for p, s, b in zip(project, spent, basic)])
    has_data = bool(rows) or bool(income)
    note = None if has_data else f"本单位本年度无{title.replace('决算表', '').replace('收入支出', '收入和支出')}，本表无数据。"
    return PublicTable(number, title, frame, note)


def government_fund(f: Figures) -> PublicTable:
    return _fund_table(f, "公开08表", "政府性基金预算财政拨款收入支出决算表", "income.government_fund", "gf.actual")


def state_capital(f: Figures) -> PublicTable:
    return _fund_table(f, "公开09表", "国有资本经营预算财政拨款支出决算表", None, "sc.actual")


BUILDERS = (income_expenditure_summary, income_table, expenditure_table, fiscal_summary,
            general_budget_expenditure, general_budget_basic, three_public, government_fund, state_capital)


def public_tables(f: Figures) -> list[PublicTable]:
    return [build(f) for build in BUILDERS]
