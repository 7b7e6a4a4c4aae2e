"""The nine standard final-accounts tables (公开01–09表) as data: titles, columns, header words, kind of rows.

`juesuan import` finds a table in a department's workbook by these titles and
header words, never by sheet position or a fixed row, and names each column by
the stable key given here. Everything a reader needs to know about the tables
is in this one place; `workbook.py` only applies it.

Header words are compared after removing every space and line break (cells
wrap 附属单位上缴收入 over two lines) and turning full-width brackets and
quotes into one form (see `normalise`). A column is named by the spec whose
words match its header (the header cells of that column, top to bottom, joined)
most specifically: the alternative with the longest total of matched words
wins, so 公务用车购置费 beats 购置 and 本年支出合计 beats 合计.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from juesuan.data.catalogue import FUNCTION_CLASSES

# How the rows of a table are identified.
FUNCTION = "function"   # 支出功能分类 类/款/项 codes: 201, 20132, 2013201
ECONOMIC = "economic"   # 支出经济分类 类/款 codes: 301, 30101
LINES = "lines"         # fixed line items named by their label (一、一般公共预算财政拨款收入 …)
SINGLE = "single"       # one row of figures under a header, no labels (“三公”经费)

_SPACES = re.compile(r"\s+")
_FOLD = str.maketrans({"(": "（", ")": "）", "\"": "“", "”": "“", "'": "“", "‘": "“", "’": "“",
                       ":": "：", "、": "、"})


def normalise(text: object) -> str:
    """Header or label text as compared: no spaces or line breaks, one form of brackets, quotes and colon."""
    return _SPACES.sub("", str(text)).translate(_FOLD)


# Ordinals in front of line labels (一、 二、 … 二十四、, (一), 1.) are dropped before a label is matched.
ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．])")


def label_of(text: object) -> str:
    return ORDINAL.sub("", normalise(text))


@dataclass(frozen=True)
class Column:
    """One column of figures.

    `words`: alternatives, each a tuple of words that must all appear in the column's header.
    `part_of`: the column this one adds up into on every row (checked where both are present);
    when that column is absent, the next one up the chain (`PARTS_FALLBACK`).
    """

    key: str
    name: str
    words: tuple[tuple[str, ...], ...]
    part_of: str | None = None
    #: A percentage (完成预算（%）), read and kept beside the amounts but never added up down a table.
    rate: bool = False


@dataclass(frozen=True)
class Line:
    """A fixed line item of a LINES table: its key, and the labels it is printed under (after ordinals)."""

    key: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Side:
    """One block of a table: a label or code column (or none) and its figures.

    Tables 01 and 04 print 收入 and 支出 side by side, each with its own 项目
    column; table 06 prints two or three identical blocks of 经济分类 side by side.
    """

    name: str
    columns: tuple[Column, ...]
    lines: tuple[Line, ...] = ()
    #: words of the header cell over the label column of this side (项目, 科目名称…)
    label_words: tuple[str, ...] = ("项目",)


@dataclass(frozen=True)
class Sum:
    """A tie-out between lines of a LINES table: `total` = Σ `parts` (a part ending in '*' is a prefix)."""

    total: str
    parts: tuple[str, ...]
    column: str | None = None  # None: every column both hold


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    aliases: tuple[str, ...]
    rows: str
    sides: tuple[Side, ...]
    sums: tuple[Sum, ...] = ()
    #: True when the same side may repeat across the sheet (06's two or three blocks of 经济分类)
    repeating: bool = False

    @property
    def numbers(self) -> tuple[str, ...]:
        """The form numbers printed with the title: 公开01表, 财决01表, 部门决算01表 …"""
        n = self.id
        return (f"公开{n}表", f"财决{n}表", f"决算{n}表", f"公开部门{n}表", f"部门公开{n}表", f"附表{n}", f"表{n}")

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title, *self.aliases)

    @property
    def label(self) -> str:
        """How messages name the table: 公开03表（支出决算表）."""
        return f"公开{self.id}表（{self.title}）"

    def column(self, key: str) -> Column:
        for side in self.sides:
            for column in side.columns:
                if column.key == key:
                    return column
        raise KeyError(key)


def _c(key, name, *words, part_of=None, rate=False):
    """A column whose alternatives are given as strings ('本年支出合计') or tuples of words."""
    return Column(key, name, tuple(w if isinstance(w, tuple) else (w,) for w in words), part_of, rate)


# Income sources, with the keys of catalogue.INCOME_SOURCES (without the `income.` prefix).
# 财政拨款收入 is one column in the national template and three in some provinces'.
_INCOME = (
    _c("fiscal", "财政拨款收入", "财政拨款收入", part_of="total"),
    _c("general_budget", "一般公共预算财政拨款收入", "一般公共预算财政拨款", "一般公共预算", part_of="fiscal"),
    _c("government_fund", "政府性基金预算财政拨款收入", "政府性基金预算财政拨款", "政府性基金", part_of="fiscal"),
    _c("state_capital", "国有资本经营预算财政拨款收入", "国有资本经营预算财政拨款", "国有资本经营", part_of="fiscal"),
    _c("superior_subsidy", "上级补助收入", "上级补助收入", "上级补助", part_of="total"),
    _c("business", "事业收入", "事业收入", part_of="total"),
    _c("operating", "经营收入", "经营收入", part_of="total"),
    _c("subordinate_remittance", "附属单位上缴收入", "附属单位上缴", part_of="total"),
    _c("other", "其他收入", "其他收入", part_of="total"),
)

# Kinds of expenditure, with the keys of catalogue.EXPENDITURE_KINDS.
_KINDS = (
    _c("basic", "基本支出", "基本支出", part_of="total"),
    _c("project", "项目支出", "项目支出", part_of="total"),
    _c("remit_superior", "上缴上级支出", "上缴上级", part_of="total"),
    _c("operating", "经营支出", "经营支出", part_of="total"),
    _c("subsidy_subordinate", "对附属单位补助支出", "对附属单位补助", "附属单位补助支出", part_of="total"),
)

_CODE_WORDS = ("科目编码", "编码", "功能分类", "经济分类", "类", "款", "项", "科目名称", "项目")

# 01's 支出 side lists the function classes by name: 一、一般公共服务支出 … (the line key is the 类 code).
_FUNCTION_LINES = tuple(Line(f"function.{code}", (name,)) for code, name in FUNCTION_CLASSES.items())

_FISCAL_THREE = (
    _c("general_budget", "一般公共预算财政拨款", "一般公共预算", part_of="total"),
    _c("government_fund", "政府性基金预算财政拨款", "政府性基金", part_of="total"),
    _c("state_capital", "国有资本经营预算财政拨款", "国有资本经营", part_of="total"),
)

# 08 and 09: 年初结转和结余, 本年收入, 本年支出 (合计 = 基本 + 项目), 年末结转和结余, by function class.
_FUND_COLUMNS = (
    _c("carryover_begin", "年初结转和结余", "年初结转"),
    _c("income", "本年收入", "本年收入"),
    _c("total", "本年支出合计", "本年支出合计", "支出合计", ("本年支出", "小计")),
    _c("basic", "基本支出", "基本支出", part_of="total"),
    _c("project", "项目支出", "项目支出", part_of="total"),
    _c("carryover_end", "年末结转和结余", "年末结转"),
)

_AMOUNT = _c("amount", "决算数", "决算数", "金额", "决算")

TABLES: tuple[Table, ...] = (
    Table(
        "01", "收入支出决算总表", ("部门收支决算总表", "部门收入支出决算总表", "收入支出决算表"), LINES,
        sides=(
            Side("收入", (_AMOUNT,), lines=(
                Line("income.general_budget", ("一般公共预算财政拨款收入", "一般公共预算财政拨款")),
                Line("income.government_fund", ("政府性基金预算财政拨款收入", "政府性基金预算财政拨款")),
                Line("income.state_capital", ("国有资本经营预算财政拨款收入", "国有资本经营预算财政拨款")),
                Line("income.superior_subsidy", ("上级补助收入",)),
                Line("income.business", ("事业收入",)),
                Line("income.operating", ("经营收入",)),
                Line("income.subordinate_remittance", ("附属单位上缴收入",)),
                Line("income.other", ("其他收入",)),
                Line("income_total", ("本年收入合计",)),
                Line("non_fiscal_balance_used", ("使用非财政拨款结余", "用事业基金弥补收支差额")),
                Line("carryover.begin", ("年初结转和结余",)),
                Line("total", ("总计", "收入总计")),
            )),
            Side("支出", (_AMOUNT,), lines=(
                *_FUNCTION_LINES,
                # Some provinces' 01 lists the kinds of expenditure instead of the classes.
                *(Line(f"expenditure.{c.key}", (c.name,)) for c in _KINDS),
                Line("expenditure_total", ("本年支出合计",)),
                Line("balance_distribution", ("结余分配",)),
                Line("carryover.end", ("年末结转和结余",)),
                Line("total", ("总计", "支出总计")),
            )),
        ),
        sums=(
            Sum("收入.income_total", ("收入.income.*",)),
            Sum("收入.total", ("收入.income_total", "收入.non_fiscal_balance_used", "收入.carryover.begin")),
            Sum("支出.expenditure_total", ("支出.function.*", "支出.expenditure.*")),
            Sum("支出.total", ("支出.expenditure_total", "支出.balance_distribution", "支出.carryover.end")),
            Sum("支出.total", ("收入.total",)),
        ),
    ),
    Table("02", "收入决算表", ("部门收入决算表", "收入决算明细表"), FUNCTION,
          sides=(Side("", (_c("total", "本年收入合计", "本年收入合计", "收入合计", "合计"), *_INCOME),
                      label_words=_CODE_WORDS),)),
    Table("03", "支出决算表", ("部门支出决算表", "支出决算明细表"), FUNCTION,
          sides=(Side("", (_c("total", "本年支出合计", "本年支出合计", "支出合计", "合计"), *_KINDS),
                      label_words=_CODE_WORDS),)),
    Table(
        "04", "财政拨款收入支出决算总表", ("财政拨款收支决算总表", "部门财政拨款收支决算总表"), LINES,
        sides=(
            Side("收入", (_AMOUNT,), lines=(
                Line("income.general_budget", ("一般公共预算财政拨款", "一般公共预算财政拨款收入")),
                Line("income.government_fund", ("政府性基金预算财政拨款", "政府性基金预算财政拨款收入")),
                Line("income.state_capital", ("国有资本经营预算财政拨款", "国有资本经营预算财政拨款收入")),
                Line("income_total", ("本年收入合计",)),
                Line("carryover.begin_fiscal", ("年初财政拨款结转和结余",)),
                # The three lines under 年初财政拨款结转和结余 repeat the labels of the income lines:
                # a label is taken by the first line not yet filled (see workbook._read_lines).
                Line("carryover.begin_fiscal.general_budget", ("一般公共预算财政拨款",)),
                Line("carryover.begin_fiscal.government_fund", ("政府性基金预算财政拨款",)),
                Line("carryover.begin_fiscal.state_capital", ("国有资本经营预算财政拨款",)),
                Line("total", ("总计", "收入总计")),
            )),
            Side("支出", (_c("total", "合计", "合计", "小计", "决算数"), *_FISCAL_THREE), lines=(
                *_FUNCTION_LINES,
                Line("expenditure_total", ("本年支出合计",)),
                Line("carryover.end_fiscal", ("年末财政拨款结转和结余",)),
                Line("carryover.end_fiscal.general_budget", ("一般公共预算财政拨款",)),
                Line("carryover.end_fiscal.government_fund", ("政府性基金预算财政拨款",)),
                Line("carryover.end_fiscal.state_capital", ("国有资本经营预算财政拨款",)),
                Line("total", ("总计", "支出总计")),
            )),
        ),
        sums=(
            Sum("收入.income_total", ("收入.income.*",)),
            Sum("收入.carryover.begin_fiscal", ("收入.carryover.begin_fiscal.*",)),
            Sum("收入.total", ("收入.income_total", "收入.carryover.begin_fiscal")),
            Sum("支出.expenditure_total", ("支出.function.*",)),
            Sum("支出.carryover.end_fiscal", ("支出.carryover.end_fiscal.*",)),
            Sum("支出.total", ("支出.expenditure_total", "支出.carryover.end_fiscal")),
            Sum("支出.total", ("收入.total",), column="total"),
        ),
    ),
    Table("05", "一般公共预算财政拨款支出决算表", ("一般公共预算财政拨款支出决算明细表",), FUNCTION,
          sides=(Side("", (
              _c("budget", "年初预算数", "年初预算", "预算数"),
              _c("total", "合计", "本年支出合计", "支出合计", "合计", "小计", "决算数"),
              _c("basic", "基本支出", "基本支出", part_of="total"),
              _c("project", "项目支出", "项目支出", part_of="total"),
              _c("completion", "完成预算（%）", "完成预算", rate=True),
          ), label_words=_CODE_WORDS),)),
    Table("06", "一般公共预算财政拨款基本支出决算表", ("一般公共预算财政拨款基本支出决算明细表",), ECONOMIC,
          sides=(Side("", (
              # Most tables give one 决算数 per class; some split it into 人员经费 and 公用经费.
              _c("amount", "决算数", "决算数", "金额", "合计"),
              _c("personnel", "人员经费", "人员经费", part_of="amount"),
              _c("public", "公用经费", "公用经费", part_of="amount"),
          ), lines=(
              Line("personnel_total", ("人员经费合计", "人员经费")),
              Line("public_total", ("公用经费合计", "公用经费")),
          ), label_words=_CODE_WORDS),),
          repeating=True),
    Table("07", "财政拨款“三公”经费支出决算表", ("“三公”经费支出决算表", "财政拨款三公经费支出决算表",
                                            "三公经费支出决算表", "一般公共预算财政拨款“三公”经费支出决算表"), SINGLE,
          sides=(Side("", tuple(
              _c(f"{key}.{kind}", f"{name}{word}", (*words, word), part_of=(f"{parent}.{kind}" if parent else None),
                 rate=kind == "completion")
              for key, name, words, parent in (
                  ("total", "合计", ("合计",), None),
                  ("abroad", "因公出国（境）费", ("因公出国",), "total"),
                  ("vehicle", "公务用车购置及运行维护费", ("小计",), "total"),
                  ("vehicle_purchase", "公务用车购置费", ("公务用车购置费",), "vehicle"),
                  ("vehicle_operation", "公务用车运行维护费", ("公务用车运行维护费",), "vehicle"),
                  ("reception", "公务接待费", ("公务接待费",), "total"),
                  ("reception_domestic", "国内公务接待费", ("国内",), "reception"),
                  ("reception_foreign", "外事接待费", ("外事",), "reception"),
              )
              for kind, word in (("budget", "预算数"), ("actual", "决算数"), ("completion", "完成预算"))
              if kind != "budget" or key not in ("reception_domestic", "reception_foreign")
          ), label_words=()),)),
    Table("08", "政府性基金预算财政拨款收入支出决算表", ("政府性基金预算财政拨款收支决算表",), FUNCTION,
          sides=(Side("", _FUND_COLUMNS, label_words=_CODE_WORDS),)),
    Table("09", "国有资本经营预算财政拨款收入支出决算表", ("国有资本经营预算财政拨款收支决算表",
                                                   "国有资本经营预算财政拨款支出决算表"), FUNCTION,
          sides=(Side("", _FUND_COLUMNS, label_words=_CODE_WORDS),)),
)

BY_ID = {t.id: t for t in TABLES}

#: Lines that end a table: 注：本表反映… / 说明：… / 备注
NOTE = re.compile(r"^(注|说明|备注|附注)[:：0-9１-９]")
#: Lines over a table that are not its header: 编制单位：…, 单位：万元, 金额单位：万元, 公开01表, 2024年度
META = re.compile(r"^(编制单位|填报单位|单位|金额单位|部门|年度|公开\d+表|财决\d+表|\d{4}年度?)")
TOTAL_LABELS = ("合计", "总计")
