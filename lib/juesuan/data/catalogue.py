"""What each line of data means: item keys, their Chinese names, and the codes they take.

The data files name figures by these keys (see data/README.md); the report,
the tables and the charts take their Chinese wording from here.
"""
from __future__ import annotations

import re

# 本年收入, in the order the report lists them.
INCOME_SOURCES = {
    "income.general_budget": "一般公共预算财政拨款收入",
    "income.government_fund": "政府性基金预算财政拨款收入",
    "income.state_capital": "国有资本经营预算财政拨款收入",
    "income.superior_subsidy": "上级补助收入",
    "income.business": "事业收入",
    "income.operating": "经营收入",
    "income.subordinate_remittance": "附属单位上缴收入",
    "income.other": "其他收入",
}
FISCAL_INCOME = ("income.general_budget", "income.government_fund", "income.state_capital")

# 本年支出, by kind.
EXPENDITURE_KINDS = {
    "expenditure.basic": "基本支出",
    "expenditure.project": "项目支出",
    "expenditure.remit_superior": "上缴上级支出",
    "expenditure.operating": "经营支出",
    "expenditure.subsidy_subordinate": "对附属单位补助支出",
}

CARRYOVER = {
    "carryover.begin": "年初结转和结余",
    "carryover.begin_fiscal": "年初财政拨款结转和结余",
    "carryover.end": "年末结转和结余",
    "carryover.end_fiscal": "年末财政拨款结转和结余",
}

#: The three kinds of 财政拨款, as table 04 names them: the codes of its carry-overs by fund, and the fund
#: item of each (its 本年收入, its 本年支出 by class).
FUNDS = {
    "general_budget": "一般公共预算财政拨款",
    "government_fund": "政府性基金预算财政拨款",
    "state_capital": "国有资本经营预算财政拨款",
}
FUND_INCOME = dict(zip(FUNDS, ("income.general_budget", "income.government_fund", "income.state_capital")))
FUND_SPENDING = dict(zip(FUNDS, ("gpb.actual", "gf.actual", "sc.actual")))
#: Table 04's carry-overs split by fund (code `general_budget`…): the row without a code stays their total,
#: required as before, and is the figure every sum uses; the parts are checked against it.
FUND_SPLIT = ("carryover.begin_fiscal", "carryover.end_fiscal")

# 政府收支分类科目, 支出功能分类, 类 level.
FUNCTION_CLASSES = {
    "201": "一般公共服务支出",
    "202": "外交支出",
    "203": "国防支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "209": "社会保险基金支出",
    "210": "卫生健康支出",
    "211": "节能环保支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "214": "交通运输支出",
    "215": "资源勘探工业信息等支出",
    "216": "商业服务业等支出",
    "217": "金融支出",
    "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出",
    "221": "住房保障支出",
    "222": "粮油物资储备支出",
    "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出",
    "227": "预备费",
    "229": "其他支出",
    "230": "转移性支出",
    "231": "债务还本支出",
    "232": "债务付息支出",
    "233": "债务发行费用支出",
    "234": "抗疫特别国债安排的支出",
}

VEHICLE_TYPES = {"sedan": "轿车", "suv": "越野车", "bus": "载客汽车"}
VEHICLE_USES = {
    "leader": "主要领导干部用车",
    "confidential": "机要通信用车",
    "emergency": "应急保障用车",
    "other": "其他用车",
    # The national template's other kinds (a template's manifest lists the kinds it names: vehicle_uses).
    "ministerial": "部级领导干部用车",
    "law_enforcement": "执法执勤用车",
    "special_technical": "特种专业技术用车",
    "retired": "离退休干部用车",
}

UNIT_KINDS = ("行政单位", "参照公务员法管理的事业单位", "其他事业单位")

# 部门预算支出经济分类科目, 类 level: the classes of table 06 (一般公共预算财政拨款基本支出).
ECONOMIC_CLASSES = {
    "301": "工资福利支出",
    "302": "商品和服务支出",
    "303": "对个人和家庭的补助",
    "307": "债务利息及费用支出",
    "309": "资本性支出（基本建设）",
    "310": "资本性支出",
    "311": "对企业补助（基本建设）",
    "312": "对企业补助",
    "313": "对社会保障基金补助",
    "399": "其他支出",
}
#: 财政拨款支出 by function class, one item per fund (tables 05, 08 and 09; 04 is their sum).
FISCAL_SPENDING = ("gpb.actual", "gf.actual", "sc.actual")

#: 人员经费 and 公用经费 by economic class: 301 + 303, and 302 + 310 with any other class the table gives
#: (307, 309, 399…), so that the two make up the whole of table 06, as the workbook reader counts them.
PERSONNEL_CLASSES = ("301", "303")
PUBLIC_CLASSES = tuple(code for code in ECONOMIC_CLASSES if code not in PERSONNEL_CLASSES)
#: An economic code at 类 (3 digits) or 款 (5) level: 302, 30201.
ECONOMIC_CODE = re.compile(r"\d{3}(?:\d{2})?", re.ASCII)

#: A function code at 类 (3 digits), 款 (5) or 项 (7) level: 201, 20132, 2013201.
FUNCTION_CODE = re.compile(r"\d{3}(?:\d{2}){0,2}", re.ASCII)
FUNCTION_LEVELS = {3: "类", 5: "款", 7: "项"}

CODE_VOCABULARIES = {
    "function": FUNCTION_CLASSES,
    "vehicle": VEHICLE_TYPES,
    "vehicle_use": VEHICLE_USES,
    "economic": ECONOMIC_CLASSES,
    "fund": FUNDS,
}

# Amount items (万元): key -> (Chinese name, vocabulary of the code column or None).
AMOUNT_ITEMS: dict[str, tuple[str, str | None]] = {
    # Income by source and expenditure by kind take a function code where the department gives them by class
    # (tables 02 and 03); the row without a code is the total, and either may be given.
    **{key: (name, "function") for key, name in INCOME_SOURCES.items()},
    **{key: (name, "function") for key, name in EXPENDITURE_KINDS.items()},
    **{key: (name, "fund" if key in FUND_SPLIT else None) for key, name in CARRYOVER.items()},
    # Table 01's lines between 本年收入合计 and 总计 (optional: absent is 0 in 收、支总计).
    "non_fiscal_balance_used": ("使用非财政拨款结余", None),
    "balance_distribution": ("结余分配", None),
    # Table 02's 财政拨款收入 by class, where the table does not split it into its three funds (coded rows only:
    # its total is the three fiscal income.* items).
    "income.fiscal": ("财政拨款收入（按功能分类）", "function"),
    "gpb.actual": ("一般公共预算财政拨款支出", "function"),
    "gpb.budget": ("一般公共预算财政拨款支出预算数", "function"),
    # Table 05's 基本支出 and 项目支出 columns, by class (optional: gpb.actual is their sum).
    "gpb.basic": ("一般公共预算财政拨款基本支出（按功能分类）", "function"),
    "gpb.project": ("一般公共预算财政拨款项目支出（按功能分类）", "function"),
    "gf.actual": ("政府性基金预算财政拨款支出", "function"),
    # Tables 08 and 09 by class, where given: 年初结转和结余, 本年收入, 年末结转和结余 beside the 本年支出.
    "gf.carryover_begin": ("政府性基金预算财政拨款年初结转和结余", "function"),
    "gf.income": ("政府性基金预算财政拨款本年收入", "function"),
    "gf.carryover_end": ("政府性基金预算财政拨款年末结转和结余", "function"),
    "sc.carryover_begin": ("国有资本经营预算财政拨款年初结转和结余", "function"),
    "sc.income": ("国有资本经营预算财政拨款本年收入", "function"),
    "sc.carryover_end": ("国有资本经营预算财政拨款年末结转和结余", "function"),
    "sc.actual": ("国有资本经营预算财政拨款支出", "function"),
    # Tables 08 and 09's 基本支出 and 项目支出 columns, by class (optional, as gpb.basic/gpb.project for 05).
    "gf.basic": ("政府性基金预算财政拨款基本支出（按功能分类）", "function"),
    "gf.project": ("政府性基金预算财政拨款项目支出（按功能分类）", "function"),
    "sc.basic": ("国有资本经营预算财政拨款基本支出（按功能分类）", "function"),
    "sc.project": ("国有资本经营预算财政拨款项目支出（按功能分类）", "function"),
    "gpb_basic.economic": ("一般公共预算财政拨款基本支出（按经济分类）", "economic"),
    "gpb_basic.personnel": ("人员经费", None),
    "gpb_basic.public": ("公用经费", None),
    "three_public.abroad": ("因公出国（境）费", None),
    "three_public.vehicle_purchase": ("公务用车购置费", "vehicle"),
    "three_public.vehicle_operation": ("公务用车运行维护费", None),
    "three_public.reception_domestic": ("国内公务接待费", None),
    "three_public.reception_foreign": ("外事接待费", None),
    "three_public_budget.abroad": ("因公出国（境）费预算数", None),
    "three_public_budget.vehicle": ("公务用车购置及运行维护费预算数", None),
    "three_public_budget.reception": ("公务接待费预算数", None),
    # Table 07's budgets of the two vehicle items apart (optional: where given, they make up the one above).
    "three_public_budget.vehicle_purchase": ("公务用车购置费预算数", None),
    "three_public_budget.vehicle_operation": ("公务用车运行维护费预算数", None),
    "admin_operating": ("机关运行经费", None),
    "procurement.goods": ("政府采购货物支出", None),
    "procurement.works": ("政府采购工程支出", None),
    "procurement.services": ("政府采购服务支出", None),
    # Where a template states them (the national template's 政府采购 paragraph, 八's 年初预算): optional otherwise.
    "procurement.sme_reserved": ("面向中小企业预留政府采购项目预算金额", None),
    "procurement.small_micro_reserved": ("面向小微企业预留政府采购项目预算金额", None),
    "procurement.sme_awarded": ("预留项目中由中小企业供应商中标或成交的采购金额", None),
    "procurement.small_micro_awarded": ("预留项目中由小微企业供应商中标或成交的采购金额", None),
    "procurement.sme_awarded_other": ("其他政府采购项目中由中小企业供应商中标或成交的采购金额", None),
    "gf.budget": ("政府性基金预算财政拨款支出预算数", "function"),
}
#: Amounts no report needs unless its template says so (`requires` in the template's manifest).
OPTIONAL_AMOUNTS = ("procurement.sme_reserved", "procurement.small_micro_reserved", "procurement.sme_awarded",
                    "procurement.small_micro_awarded", "procurement.sme_awarded_other")

# Totals. Computed from their parts; a year whose parts are unknown (a
# comparison year taken from a published text) may state the total itself,
# and where both are given they must agree.
COMPOSITES: dict[str, tuple[str, tuple[str, ...]]] = {
    "income_total": ("本年收入合计", tuple(INCOME_SOURCES)),
    "expenditure_total": ("本年支出合计", tuple(EXPENDITURE_KINDS)),
    "total": ("收、支总计", ("income_total", "non_fiscal_balance_used", "carryover.begin")),
    "fiscal_income": ("财政拨款收入", FISCAL_INCOME),
    "fiscal_total": ("财政拨款收、支总计", ("fiscal_income", "carryover.begin_fiscal")),
    "gpb.total": ("一般公共预算财政拨款支出", ("gpb.actual",)),
    "gpb.budget_total": ("一般公共预算财政拨款支出预算数", ("gpb.budget",)),
    "gf.total": ("政府性基金预算财政拨款支出", ("gf.actual",)),
    "sc.total": ("国有资本经营预算财政拨款支出", ("sc.actual",)),
    "fiscal_expenditure": ("财政拨款支出", ("gpb.total", "gf.total", "sc.total")),
    "gpb_basic.total": ("一般公共预算财政拨款基本支出", ("gpb_basic.personnel", "gpb_basic.public")),
    "three_public.vehicle": ("公务用车购置及运行维护费", ("three_public.vehicle_purchase", "three_public.vehicle_operation")),
    "three_public.reception": ("公务接待费", ("three_public.reception_domestic", "three_public.reception_foreign")),
    "three_public.total": ("“三公”经费", ("three_public.abroad", "three_public.vehicle", "three_public.reception")),
    "three_public_budget.total": ("“三公”经费预算数", ("three_public_budget.abroad", "three_public_budget.vehicle", "three_public_budget.reception")),
    "procurement.total": ("政府采购支出总额", ("procurement.goods", "procurement.works", "procurement.services")),
}

#: Lines some tables print beside a figure that is required anyway, without a code, that a department may leave
#: out (absent is not given; a total counts it as 0): exceptions to the zero-row rule of data/README.md.
OPTIONAL_LINES = ("non_fiscal_balance_used", "balance_distribution", "three_public_budget.vehicle_purchase",
                    "three_public_budget.vehicle_operation")
#: Coded items without a total row of their own (their total is given by other items).
CODED_ONLY = ("income.fiscal",)
#: 收、支总计 on its spending side, as table 01 prints it (the income side is the composite `total`).
TOTAL_SPENDING_SIDE = ("expenditure_total", "balance_distribution", "carryover.end")

# Count items (whole numbers): key -> (Chinese name, vocabulary of the code column or None).
COUNT_ITEMS: dict[str, tuple[str, str | None]] = {
    "abroad.groups": ("因公出国（境）团组数", None),
    "abroad.people": ("因公出国（境）人数", None),
    "vehicles_purchased": ("当年购置公务用车数", "vehicle"),
    "vehicles_held": ("年末公务用车保有量", "vehicle"),
    "vehicles_by_use": ("年末车辆数（按用途）", "vehicle_use"),
    "reception_domestic.batches": ("国内公务接待批次", None),
    "reception_domestic.people": ("国内公务接待人次", None),
    "reception_foreign.batches": ("外事接待批次", None),
    "reception_foreign.people": ("外事接待人次", None),
    "equipment_over_1m": ("单价100万元以上专用设备台（套）数", None),
    "performance.pre_assessed": ("开展事前绩效评估的项目数", None),
    "performance.targets_set": ("编制绩效目标的项目数", None),
    "performance.monitored": ("开展绩效监控的项目数", None),
    "performance.special_reports": ("专项预算项目绩效自评报告数", None),
    "performance.overall_score": ("部门整体绩效自评得分", None),
    "staff.administrative": ("实有行政人员", None),
    "staff.civil_service_referenced": ("实有参照公务员法管理人员", None),
    "staff.other_institution": ("实有非参公事业人员", None),
}


def item_name(key: str) -> str:
    if key in AMOUNT_ITEMS:
        return AMOUNT_ITEMS[key][0]
    if key in COMPOSITES:
        return COMPOSITES[key][0]
    if key in COUNT_ITEMS:
        return COUNT_ITEMS[key][0]
    raise KeyError(key)
