"""The sentences of the report template, as patterns that say which figure each number states.

Each rule is a regular expression over a normalised line (see `audit_parse`)
with placeholders for numbers:

    {A:g}  an amount in 万元 (the unit is captured separately, to catch it missing)
    {P:g}  a percentage            {N:g}  a count            {Y:g}  a year
    {C:g}  a change on last year: 增加/减少 X万元，增长/下降 Y% (residue included)
    {L:12} a number the template itself writes (12月31日): matched literally

and a map from placeholder to the quantity it states (`audit_expect` keys:
amount:total, share:income.general_budget, completion:three_public.total,
count:abroad.groups, year:current …). Lists (income sources, function
classes, vehicles, the reception breakdown, unit kinds) have handlers of
their own. The same table drives `juesuan extract`: a number that the audit
reads as a quantity is the number the extractor takes for it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from juesuan.data import catalogue
from juesuan.audit.audit_parse import NUM

NAMES_INCOME = "|".join(sorted(catalogue.INCOME_SOURCES.values(), key=len, reverse=True))
NAMES_EXPENDITURE = "|".join(sorted(catalogue.EXPENDITURE_KINDS.values(), key=len, reverse=True))
NAMES_CLASS = "|".join(sorted(catalogue.FUNCTION_CLASSES.values(), key=len, reverse=True))
INCOME_BY_NAME = {name: key for key, name in catalogue.INCOME_SOURCES.items()}
EXPENDITURE_BY_NAME = {name: key for key, name in catalogue.EXPENDITURE_KINDS.items()}
CLASS_BY_NAME = {name: code for code, name in catalogue.FUNCTION_CLASSES.items()}
VEHICLE_BY_NAME = {name: code for code, name in catalogue.VEHICLE_TYPES.items()}
USE_BY_NAME = {name: code for code, name in catalogue.VEHICLE_USES.items()}
STAFF_BY_NAME = {"行政人员": "staff.administrative", "参照公务员": "staff.civil_service_referenced",
                 "非参公事业人员": "staff.other_institution"}
THREE_PUBLIC_BY_NAME = {"因公出国（境）费": "three_public.abroad", "公务用车购置及运行维护费": "three_public.vehicle",
                        "公务接待费": "three_public.reception"}

_PLACEHOLDER = re.compile(r"\{([APNYCL]):([\w.]+)\}")


def _expand(pattern: str) -> str:
    counter = iter(range(1000))

    def sub(match: re.Match) -> str:
        kind, name = match.groups()
        if kind == "A":
            return rf"(?P<{name}>{NUM})(?P<{name}_u>万元)?"
        if kind == "P":
            return rf"(?P<{name}>{NUM})%"
        if kind == "N":
            return rf"(?P<{name}>\d+)"
        if kind == "Y":
            return rf"(?P<{name}>\d{{4}})"
        if kind == "L":
            return rf"(?P<_lit{next(counter)}>{re.escape(name)})"
        # a change: the direction words, the amount, the rate (also when left unchosen)
        return (rf"(?P<{name}_dir>增加/减少|减少/增加|增加|减少)(?P<{name}_amt>{NUM})(?P<{name}_amt_u>万元)?"
                rf"(?:，?(?P<{name}_rdir>增长/下降|下降/增长|增长|下降)(?P<{name}_rate>{NUM})%)?")

    return _PLACEHOLDER.sub(sub, pattern)


@dataclass
class Rule:
    """One sentence of the template: what its numbers state."""

    name: str
    pattern: str
    fields: dict[str, str] = field(default_factory=dict)   # placeholder -> quantity key
    handler: Callable | None = None                       # for lists and wording
    regex: re.Pattern = field(init=False)

    def __post_init__(self):
        self.regex = re.compile(_expand(self.pattern))


def R(name, pattern, handler=None, **fields) -> Rule:
    return Rule(name, pattern, fields, handler)


# ---------------------------------------------------------------- list handlers
# Each is called as handler(auditor, line, match) after the rule's own fields are checked.

def income_list(a, line, m):
    a.check_list(line, m.end(), rf"(?P<name>{NAMES_INCOME}){{A:a}}，占{{P:s}}", INCOME_BY_NAME,
                 amount=lambda key: f"amount:{key}", share=lambda key: f"share:{key}",
                 total="amount:income_total", total_match=(m, "a"), all_keys=list(catalogue.INCOME_SOURCES))


def expenditure_list(a, line, m):
    a.check_list(line, m.end(), rf"(?P<name>{NAMES_EXPENDITURE}){{A:a}}，占{{P:s}}", EXPENDITURE_BY_NAME,
                 amount=lambda key: f"amount:{key}", share=lambda key: f"share:{key}",
                 total="amount:expenditure_total", total_match=(m, "a"), all_keys=list(catalogue.EXPENDITURE_KINDS))


def class_list(prefix):
    def handler(a, line, m):
        present = [f"{prefix}:{code}" for code in a.expect.current.by_code(prefix)] if a.expect else []
        a.check_list(line, m.end(), rf"(?P<name>{NAMES_CLASS}){{A:a}}，占{{P:s}}", CLASS_BY_NAME,
                     amount=lambda code: f"amount:{prefix}:{code}",
                     share=lambda code: f"share:{prefix}:{code}@{prefix.split('.')[0]}.total",
                     total=f"amount:{prefix.split('.')[0]}.total", total_match=(m, "a"), all_keys=present,
                     key_of=lambda code: f"{prefix}:{code}")
    return handler


def three_public_list(a, line, m):
    a.check_list(line, m.start(), r"(?P<name>因公出国（境）费|公务用车购置及运行维护费|公务接待费)支出决算{A:a}，占{P:s}",
                 THREE_PUBLIC_BY_NAME, amount=lambda key: f"amount:{key}", share=lambda key: f"share:{key}",
                 total=None, total_match=None, all_keys=list(THREE_PUBLIC_BY_NAME.values()))


def vehicles_purchased(a, line, m):
    a.check_list(line, m.end(), r"(?P<name>轿车|越野车|载客汽车){N:n}辆、金额{A:a}", VEHICLE_BY_NAME,
                 amount=lambda code: f"amount:three_public.vehicle_purchase:{code}",
                 count=lambda code: f"count:vehicles_purchased:{code}",
                 total=None, total_match=None, all_keys=list(catalogue.VEHICLE_TYPES),
                 count_total="count:vehicles_purchased")


def vehicles_held(a, line, m):
    a.check_list(line, m.end(), r"(?P<name>轿车|越野车|载客汽车){N:n}辆(?!、金额)", VEHICLE_BY_NAME,
                 count=lambda code: f"count:vehicles_held:{code}", total=None, total_match=None,
                 all_keys=list(catalogue.VEHICLE_TYPES), count_total="count:vehicles_held",
                 count_total_match=(m, "n"))


def vehicles_by_use(a, line, m):
    a.check_list(line, m.end(), r"(?P<name>主要领导干部用车|机要通信用车|应急保障用车|其他用车){N:n}辆", USE_BY_NAME,
                 count=lambda code: f"count:vehicles_by_use:{code}", total=None, total_match=None,
                 all_keys=list(catalogue.VEHICLE_USES), count_total="count:vehicles_by_use",
                 count_total_match=(m, "n"))


def staff_list(a, line, m):
    a.check_list(line, m.end(), r"实有(?P<name>行政人员|参照公务员|非参公事业人员){N:n}人", STAFF_BY_NAME,
                 count=lambda key: f"count:{key}", total=None, total_match=None, all_keys=[])


def procurement_list(a, line, m):
    a.check_list(line, m.end(), r"(?P<name>政府采购货物支出|政府采购工程支出|政府采购服务支出){A:a}",
                 {"政府采购货物支出": "procurement.goods", "政府采购工程支出": "procurement.works",
                  "政府采购服务支出": "procurement.services"},
                 amount=lambda key: f"amount:{key}", total="amount:procurement.total", total_match=(m, "a"),
                 all_keys=["procurement.goods", "procurement.works", "procurement.services"])


def reception_breakdown(a, line, m):
    a.check_breakdown(line, m)


def unit_kinds(a, line, m):
    a.check_unit_kinds(line, m)


def unit_names_inline(a, line, m):
    a.check_unit_names_inline(line, m)


def class_item(a, line, m):
    a.check_class_item(line, m)


def budget_direction(a, line, m):
    a.check_budget_direction(line, m)


def chart_caption(a, line, m):
    a.check_chart(line, m)


def change(key):
    def handler(a, line, m):
        a.check_change(line, m, "c", key)
    return handler


def unchanged(key):
    def handler(a, line, m):
        a.check_unchanged(line, m, key)
    return handler


def no_comparison(key):
    def handler(a, line, m):
        a.check_no_comparison(line, m, key)
    return handler


def missing_comma(a, line, m):
    a.check_missing_comma(line, m)


def residue(a, line, m):
    a.check_residue(line, m)


def nothing_or_amount(key):
    def handler(a, line, m):
        a.check_nothing_or_amount(line, m, key)
    return handler


# ---------------------------------------------------------------- the table
Y, PY = "year:current", "year:previous"

RULES: list[Rule] = [
    # the title line, where the text has one: 攀枝花市委组织部2022年度部门决算
    R("title", r"^[^，。：\d]{2,60}?{Y:y}年度?部门决算(?:公开|报告|说明)?$", y=Y),
    # 第一部分 二、机构设置 (and the attachment's 机构组成)
    R("units", r"下属(?P<label>[^，。\d]{2,12}?单位){N:n}个，其中(?P<kinds>[^。]*)", unit_kinds, n="count:units"),
    R("units_scope", r"纳入[^，。]*?{Y:y}年度部门决算编制范围", y=Y),
    R("no_units", r"无下属二级预算单位，{Y:y}年度部门决算仅含", y=Y),
    R("units_listed", r"个。主要包括：(?P<names>[^。]*)(?:。|$)", unit_names_inline),
    # 第二部分
    R("part2_title", r"{Y:y}年度部门决算情况说明", y=Y),
    R("total", r"{Y:y}年度收、支总计{A:a}", y=Y, a="amount:total"),
    R("total_change", r"与{Y:py}年相比，收、支总计各?{C:c}", change("total"), py=PY),
    R("total_same", r"与{Y:py}年相比，收、支总计持平", unchanged("total"), py=PY),
    R("income", r"{Y:y}年本年收入合计{A:a}", income_list, y=Y, a="amount:income_total"),
    R("expenditure", r"{Y:y}年本年支出合计{A:a}", expenditure_list, y=Y, a="amount:expenditure_total"),
    R("fiscal", r"{Y:y}年财政拨款收、支总计{A:a}", y=Y, a="amount:fiscal_total"),
    R("fiscal_change", r"与{Y:py}年相比，财政拨款收、支总计各?{C:c}", change("fiscal_total"), py=PY),
    R("fiscal_same", r"与{Y:py}年相比，财政拨款收、支总计持平", unchanged("fiscal_total"), py=PY),
    R("gpb_total", r"{Y:y}年一般公共预算财政拨款支出{A:a}，占本年支出合计的{P:s}", y=Y, a="amount:gpb.total",
      s="share:gpb.total"),
    R("gpb_change", r"与{Y:py}年相比，一般公共预算财政拨款支出{C:c}", change("gpb.total"), py=PY),
    R("gpb_same", r"与{Y:py}年相比，一般公共预算财政拨款支出持平", unchanged("gpb.total"), py=PY),
    R("gpb_structure", r"{Y:y}年一般公共预算财政拨款支出{A:a}，主要用于以下方面：", class_list("gpb.actual"), y=Y,
      a="amount:gpb.total"),
    R("gpb_none", r"{Y:y}年无一般公共预算财政拨款支出", y=Y),
    R("gpb_budget", r"{Y:y}年一般公共预算支出决算数为{A:a}，完成预算{P:c}", y=Y, a="amount:gpb.total",
      c="completion:gpb.total"),
    R("gpb_class", r"^(?P<idx>\d+)\.(?P<label>[^：]{2,30}?)：支出决算为{A:a}，(?:完成预算{P:c}|未安排预算)", class_item),
    R("budget_direction", r"决算数(?P<bd>大于|小于|等于)预算数", budget_direction),
    R("basic", r"{Y:y}年一般公共预算财政拨款基本支出{A:a}", y=Y, a="amount:gpb_basic.total"),
    R("personnel", r"^人员经费{A:a}", a="amount:gpb_basic.personnel"),
    R("public", r"^公用经费{A:a}", a="amount:gpb_basic.public"),
    R("tp_total", r"{Y:y}年“三公”经费财政拨款支出决算为{A:a}，(?:完成预算{P:c}|未安排预算)", y=Y,
      a="amount:three_public.total", c="completion:three_public.total"),
    R("tp_change", r"较上年{C:c}", change("three_public.total")),
    R("tp_same", r"(?:较|与)上年持平", unchanged("three_public.total")),
    R("tp_structure", r"{Y:y}年“三公”经费财政拨款支出决算中，", three_public_list, y=Y),
    R("chart", r"^（图(?P<n>\d+)：(?P<caption>[^）]+)）(?:（(?P<kind>柱状图|饼状图)）)?", chart_caption),
    R("abroad", r"因公出国（境）经费支出{A:a}，(?:完成预算{P:c}|未安排预算)", a="amount:three_public.abroad",
      c="completion:three_public.abroad"),
    R("abroad_counts", r"团组{N:g}次，出国（境）{N:p}人", g="count:abroad.groups", p="count:abroad.people"),
    R("abroad_change", r"因公出国（境）支出决算比{Y:py}年{C:c}", change("three_public.abroad"), py=PY),
    R("abroad_same", r"因公出国（境）支出决算与{Y:py}年持平", unchanged("three_public.abroad"), py=PY),
    R("vehicle", r"公务用车购置及运行维护费支出{A:a}，(?:完成预算{P:c}|未安排预算)", a="amount:three_public.vehicle",
      c="completion:three_public.vehicle"),
    R("vehicle_change", r"公务用车购置及运行维护费支出决算比{Y:py}年{C:c}", change("three_public.vehicle"), py=PY),
    R("vehicle_same", r"公务用车购置及运行维护费支出决算与{Y:py}年持平", unchanged("three_public.vehicle"), py=PY),
    R("purchase", r"公务用车购置支出{A:a}", a="amount:three_public.vehicle_purchase"),
    R("purchased", r"更新购置公务用车{N:n}辆，其中：", vehicles_purchased, n="count:vehicles_purchased"),
    R("held", r"截至{Y:y}年{L:12}月底，单位共有公务用车{N:n}辆", vehicles_held, y=Y,
      n="count:vehicles_held"),
    R("operation", r"公务用车运行维护费支出{A:a}", a="amount:three_public.vehicle_operation"),
    R("reception", r"公务接待费支出{A:a}，(?:完成预算{P:c}|未安排预算)", a="amount:three_public.reception",
      c="completion:three_public.reception"),
    R("reception_change", r"公务接待费支出决算比{Y:py}年{C:c}", change("three_public.reception"), py=PY),
    R("reception_same", r"公务接待费支出决算与{Y:py}年持平", unchanged("three_public.reception"), py=PY),
    R("domestic", r"国内公务接待支出{A:a}", a="amount:three_public.reception_domestic"),
    R("domestic_counts", r"国内公务接待{N:b}批次，{N:p}人次（不包括陪同人员），共计支出{A:a}",
      b="count:reception_domestic.batches", p="count:reception_domestic.people",
      a="amount:three_public.reception_domestic"),
    R("breakdown", r"具体内容包括：(?P<items>[^。]*)", reception_breakdown),
    R("foreign", r"外事接待支出{A:a}", a="amount:three_public.reception_foreign"),
    R("foreign_counts", r"外事接待{N:b}批次，{N:p}人次（不包括陪同人员），共计支出{A:a}",
      b="count:reception_foreign.batches", p="count:reception_foreign.people",
      a="amount:three_public.reception_foreign"),
    R("gf", r"{Y:y}年政府性基金预算财政拨款支出{A:a}", class_list("gf.actual"), y=Y, a="amount:gf.total"),
    R("sc", r"{Y:y}年国有资本经营预算财政拨款支出{A:a}", class_list("sc.actual"), y=Y, a="amount:sc.total"),
    R("admin", r"{Y:y}年，[^，。]{0,30}?机关运行经费支出{A:a}", y=Y, a="amount:admin_operating"),
    R("admin_change", r"机关运行经费支出(?:[\d.,]+(?:万元)?)?，比{Y:py}年{C:c}", change("admin_operating"), py=PY),
    R("admin_same", r"机关运行经费支出(?:[\d.,]+(?:万元)?)?，与{Y:py}年持平", unchanged("admin_operating"), py=PY),
    R("procurement", r"{Y:y}年，[^，。]{0,30}?政府采购支出总额{A:a}", procurement_list, y=Y,
      a="amount:procurement.total"),
    R("assets", r"截至{Y:y}年{L:12}月{L:31}日，[^，。]{0,30}?共有车辆{N:n}辆", vehicles_by_use, y=Y,
      n="count:vehicles_by_use"),
    R("equipment", r"单价{L:100}万元以上专用设备{N:n}台（套）", n="count:equipment_over_1m"),
    R("pre_assessed", r"本部门在{Y:y}年度预算编制阶段，组织对{N:n}个项目开展了预算事前绩效评估", y=Y,
      n="count:performance.pre_assessed"),
    R("targets", r"对{N:n}个项目编制了绩效目标", n="count:performance.targets_set"),
    R("monitored", r"选取{N:n}个项目开展绩效监控", n="count:performance.monitored"),
    R("self_evaluation", r"组织对{Y:y}年度一般公共预算全面开展绩效自评", y=Y),
    R("special_reports", r"绩效自评报告、{N:n}个专项预算项目绩效自评报告", n="count:performance.special_reports"),
    R("score", r"绩效自评得分为{N:n}分", n="count:performance.overall_score"),
    R("special_score", r"；{N:n}个专项预算项目绩效自评得分", n="count:performance.special_reports"),
    # 第四部分 附件
    R("attachment_title", r"{Y:y}年[^，。：\d]{0,30}?部门整体绩效评价报告", y=Y),
    R("staff", r"截止{Y:y}年底，", staff_list, y=Y),
    R("att_income", r"{Y:y}年部门总体收入{A:a}", y=Y, a="amount:total"),
    R("att_spending", r"{Y:y}年部门总体支出{A:a}", y=Y, a="amount:total"),
    R("att_carryover", r"{Y:y}年部门总体结转结余(?:（无）|{A:a})", nothing_or_amount("carryover.end"), y=Y),
    R("att_fiscal_income", r"{Y:y}年部门财政拨款收入{A:a}", y=Y, a="amount:fiscal_total"),
    R("att_fiscal_spending", r"{Y:y}年部门财政拨款支出{A:a}", y=Y, a="amount:fiscal_total"),
    R("att_fiscal_carryover", r"{Y:y}年部门财政拨款结转结余(?:（无）|{A:a})", nothing_or_amount("carryover.end_fiscal"),
      y=Y),
    # wording anywhere
    R("no_comparison", r"{Y:py}年无可比数据", no_comparison(None), py=PY),
    R("missing_comma", r"(?:\d%|万元)(?=主要(?:变动)?原因)", missing_comma),
    R("residue", r"增加/减少|减少/增加|增长/下降|下降/增长|大于/小于|小于/大于|(?<![A-Za-z])[XxＸｘ]{2,}(?![A-Za-z])|×{2,}",
      residue),
]
