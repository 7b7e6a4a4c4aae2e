"""Synthetic departments for scale tests and benchmarks, never for real reports.

`write_synthetic(out, departments=N, years=[2020, 2021, 2022], seed=S)` lays
out N made-up departments exactly like ``data/`` (see ``data/README.md``):
``<year>/departments.csv``, ``units.csv``, ``amounts.csv``, ``counts.csv``,
``breakdowns.csv``, ``text/<id>.yaml`` and ``glossary.yaml``. Every year is a
full report year (no ``year.yaml``) whose figures tie out and whose texts give
a reason wherever a figure changes on the previous year or differs from its
budget, so ``juesuan validate`` passes for each year.

Every id is ``synth-NNNN`` and every name says 合成…（测试数据）, so nothing made
here can pass for a real department. The folder must not be the project's
``data/`` nor hold real departments: :func:`check_target` refuses those.

The mix of kinds is fixed by the department's number (so any ten departments
hold every kind): the main function class rotates through :data:`PROFILES`;
every 4th has 政府性基金 (``gf.actual``), every 10th 国有资本经营 (``sc.actual``),
every 3rd 因公出国 spending, and every 5th (from its second year on) has a
year whose figures equal the previous year's (持平 everywhere). Some also give
what the nine tables print beside the totals (:func:`_splits`): 财政拨款收入 by
class (every 3rd from the first), 政府性基金 and 国有资本经营 spending by kind
(all that have them), carry-overs by fund (every 3rd from the second), 使用非财政拨款结余
and 结余分配 (every 5th from the third) and the vehicle budgets apart (every
2nd), from a random stream of their own, so the other figures stay as they
were. The figures
themselves come from ``random.Random`` seeded with ``(seed, number)``, using
integer arithmetic in fen (0.01 万元) only: the same seed writes the same bytes.
"""
from __future__ import annotations

import csv
import io
import os
import random
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from juesuan.resources import source_checkout

__all__ = ["PROFILES", "SyntheticDepartment", "check_target", "generate", "parse_years",
           "synthetic_id", "write_synthetic"]

ID_PREFIX = "synth-"
MAX_DEPARTMENTS = 9999

#: The project's own data folder (in a source checkout): synthetic data never goes there.
_CHECKOUT = source_checkout()
REPO_DATA = _CHECKOUT / "data" if _CHECKOUT is not None else None

# (kind, main function class, classes of its 政府性基金 spending)
PROFILES = [
    ("综合管理", "201", ("229",)),
    ("公共安全", "204", ("229",)),
    ("教育", "205", ("229", "208")),
    ("科学技术", "206", ("229",)),
    ("文化旅游", "207", ("207", "229")),
    ("社会保障", "208", ("208", "229")),
    ("卫生健康", "210", ("229", "208")),
    ("节能环保", "211", ("211", "229")),
    ("城乡社区", "212", ("212",)),
    ("农林水", "213", ("213", "212")),
    ("交通运输", "214", ("214", "212")),
    ("自然资源", "220", ("212", "229")),
    ("应急管理", "224", ("229",)),
]

PERSONNEL_COVERS = ["基本工资", "津贴补贴", "奖金", "绩效工资", "机关事业单位基本养老保险缴费",
                    "职业年金缴费", "职工基本医疗保险缴费", "住房公积金", "抚恤金", "生活补助"]
PUBLIC_COVERS = ["办公费", "印刷费", "水费", "电费", "邮电费", "差旅费", "会议费", "培训费",
                 "公务接待费", "工会经费", "福利费", "公务用车运行维护费", "其他商品和服务支出"]
UNIT_KINDS = ("行政单位", "参照公务员法管理的事业单位", "其他事业单位")
RECEPTION_LABELS = ("上级部门来访调研", "兄弟单位交流考察", "对口部门工作对接")

GLOSSARY = [
    {"term": "财政拨款收入", "definition": "指单位从同级财政部门取得的财政预算资金。"},
    {"term": "事业收入", "definition": "指事业单位开展专业业务活动及辅助活动取得的收入。"},
    {"term": "其他收入", "definition": "指单位取得的除上述收入以外的各项收入。"},
    {"term": "年初结转和结余", "definition": "指以前年度尚未完成、结转到本年按有关规定继续使用的资金。"},
    {"term": "年末结转和结余", "definition": "指单位按有关规定结转到下年或以后年度继续使用的资金。"},
    {"term": "基本支出", "definition": "指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。"},
    {"term": "项目支出", "definition": "指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。"},
    {"term": "“三公”经费", "definition": "指部门用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。"},
    {"term": "机关运行经费", "definition": "为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金。"},
]


def synthetic_id(number: int) -> str:
    return f"{ID_PREFIX}{number:04d}"


def synthetic_name(number: int) -> str:
    return f"合成部门{number:04d}（测试数据）"


def parse_years(text: str) -> list[int]:
    """'2020-2022' -> [2020, 2021, 2022]; '2022' -> [2022]."""
    text = str(text).strip()
    first, sep, last = text.partition("-")
    try:
        start, end = int(first), int(last) if sep else int(first)
    except ValueError:
        raise ValueError(f"--years 应写成 2020-2022 或 2022，实为 {text!r}") from None
    if not 2000 <= start <= end <= 2100:
        raise ValueError(f"--years 应为 2000 至 2100 之间由小到大的年度，实为 {text!r}")
    return list(range(start, end + 1))


# --------------------------------------------------------------------------
# Figures, in fen (integers): 1 万元 = 100 fen here.


def _fen(value: int) -> str:
    """An amount in fen as the plain 万元 figure the data files hold: 123456 -> '1234.56'."""
    return str(Decimal(value).scaleb(-2))


def _part(rng: random.Random, whole: int, lo: int, hi: int) -> int:
    """A random part of `whole` between lo and hi per ten thousand, in whole fen."""
    return whole * rng.randint(lo, hi) // 10_000


def _split(rng: random.Random, whole: int, weights: list[int]) -> list[int]:
    """`whole` split in proportion to `weights`; the parts add up exactly."""
    total = sum(weights)
    parts = [whole * w // total for w in weights[:-1]]
    return parts + [whole - sum(parts)]


@dataclass
class YearFigures:
    amounts: dict[tuple[str, str], int] = field(default_factory=dict)   # (item, code) -> fen
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    breakdowns: list[tuple[str, str, int]] = field(default_factory=list)  # (item, label, fen)

    def total(self, prefix: str) -> int:
        return sum(v for (item, _), v in self.amounts.items() if item == prefix)

    # The figures the report compares with last year or with a budget (data/README.md).
    def compared(self) -> dict[str, int]:
        a = self.amounts
        income = sum(v for (item, _), v in a.items() if item.startswith("income."))
        fiscal_income = a[("income.general_budget", "")] + a[("income.government_fund", "")] \
            + a[("income.state_capital", "")]
        return {
            "total": income + a.get(("non_fiscal_balance_used", ""), 0) + a[("carryover.begin", "")],
            "fiscal_total": fiscal_income + a[("carryover.begin_fiscal", "")],
            "gpb.total": self.total("gpb.actual"),
            "three_public.abroad": a[("three_public.abroad", "")],
            "three_public.vehicle": self.total("three_public.vehicle_purchase")
            + a[("three_public.vehicle_operation", "")],
            "three_public.reception": a[("three_public.reception_domestic", "")]
            + a[("three_public.reception_foreign", "")],
            "admin_operating": a[("admin_operating", "")],
        }


@dataclass
class SyntheticDepartment:
    number: int
    kind: str
    main_class: str
    has_gf: bool
    has_sc: bool
    has_abroad: bool
    zero_change_year: int | None
    units: list[tuple[str, str]]
    years: dict[int, YearFigures] = field(default_factory=dict)
    texts: dict[int, dict] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return synthetic_id(self.number)

    @property
    def name(self) -> str:
        return synthetic_name(self.number)

    @property
    def short_name(self) -> str:
        return f"合成第{self.number:04d}部门"


def _traits(rng: random.Random, dept: SyntheticDepartment) -> dict:
    """What a department has, decided once so that its years resemble each other."""
    business_heavy = dept.main_class in ("205", "206", "210")
    codes = [dept.main_class, "208", "221"] + (["210"] if rng.randint(1, 100) <= 70 else [])
    return {
        "class_weights": {code: rng.randint(5500, 8000) if code == dept.main_class else rng.randint(300, 1500)
                          for code in dict.fromkeys(codes)},
        "begin_fiscal": rng.randint(1, 100) <= 60,
        "end_fiscal": rng.randint(1, 100) <= 50,
        "income.superior_subsidy": rng.randint(1, 100) <= 20,
        "income.business": rng.randint(1, 100) <= (70 if business_heavy else 15),
        "income.operating": rng.randint(1, 100) <= 10,
        "income.subordinate_remittance": rng.randint(1, 100) <= 5,
        "income.other": rng.randint(1, 100) <= 60,
        "subsidy": rng.randint(1, 100) <= 10,
        "remit": rng.randint(1, 100) <= 5,
        "held": {"sedan": rng.randint(0, 3), "suv": rng.randint(0, 2), "bus": rng.randint(0, 1)},
        "foreign": dept.has_abroad and rng.randint(1, 100) <= 30,
        "breakdown": rng.randint(1, 100) <= 40,
        "equipment": rng.randint(1, 3) if rng.randint(1, 100) <= 10 else 0,
        "basic_share": rng.randint(5800, 8200),       # of gpb, per ten thousand
        "personnel_share": rng.randint(8000, 9000),   # of gpb_basic
    }


def _year_figures(rng: random.Random, dept: SyntheticDepartment, traits: dict, scale: int) -> YearFigures:
    """One year of figures that tie out (every rule of data/README.md), scaled to `scale` fen."""
    f = YearFigures()
    a = f.amounts
    c = f.counts
    t = traits

    # 一般公共预算财政拨款支出 by function class, each weight drifting a little from year to year.
    weights = {code: w * rng.randint(90, 110) // 100 for code, w in t["class_weights"].items()}
    codes = sorted(weights)
    gpb_parts = dict(zip(codes, _split(rng, scale, [weights[k] for k in codes])))
    gpb_total = sum(gpb_parts.values())
    for code, actual in gpb_parts.items():
        a[("gpb.actual", code)] = actual
    for code, actual in gpb_parts.items():
        roll = rng.randint(1, 100)
        if roll <= 50:
            budget = actual
        elif roll <= 85:
            budget = actual + _part(rng, actual, 1, 1500)      # spent less than budgeted
        else:
            budget = actual - _part(rng, actual, 1, 500)       # spent more
        a[("gpb.budget", code)] = budget

    gf_total = sc_total = 0
    if dept.has_gf:
        gf_total = _part(rng, scale, 500, 4000)
        gf_codes = PROFILES[dept.number % len(PROFILES)][2]
        for code, amount in zip(gf_codes, _split(rng, gf_total, [rng.randint(1, 9) for _ in gf_codes])):
            a[("gf.actual", code)] = amount
    if dept.has_sc:
        sc_total = _part(rng, scale, 100, 500)
        a[("sc.actual", "223")] = sc_total

    begin_fiscal = _part(rng, gpb_total, 0, 800) if t["begin_fiscal"] else 0
    end_fiscal = _part(rng, gpb_total, 0, 600) if t["end_fiscal"] else 0

    ranges = {"income.superior_subsidy": (0, 500), "income.business": (1000, 4000),
              "income.operating": (0, 300), "income.subordinate_remittance": (0, 200), "income.other": (0, 50)}
    nonfiscal = {key: _part(rng, scale, lo, hi) if t[key] else 0 for key, (lo, hi) in ranges.items()}
    nonfiscal_income = sum(nonfiscal.values())
    nf_begin = _part(rng, nonfiscal_income, 0, 2000)
    nf_end = _part(rng, nonfiscal_income + nf_begin, 0, 2000)

    a[("income.general_budget", "")] = gpb_total + end_fiscal - begin_fiscal
    a[("income.government_fund", "")] = gf_total
    a[("income.state_capital", "")] = sc_total
    for key, value in nonfiscal.items():
        a[(key, "")] = value
    a[("carryover.begin", "")] = begin_fiscal + nf_begin
    a[("carryover.begin_fiscal", "")] = begin_fiscal
    a[("carryover.end", "")] = end_fiscal + nf_end
    a[("carryover.end_fiscal", "")] = end_fiscal

    nonfiscal_spent = nonfiscal_income + nf_begin - nf_end
    spent = gpb_total + gf_total + sc_total + nonfiscal_spent
    basic_share, personnel_share = t["basic_share"], t["personnel_share"]
    gpb_basic = _part(rng, gpb_total, basic_share - 300, basic_share + 300)
    personnel = _part(rng, gpb_basic, personnel_share - 200, personnel_share + 200)
    public = gpb_basic - personnel
    basic = gpb_basic + _part(rng, nonfiscal_spent, 3000, 7000)
    rest = spent - basic
    operating = min(rest, _part(rng, nonfiscal["income.operating"], 8000, 10_000))
    rest -= operating
    subsidy = _part(rng, rest, 0, 1000) if t["subsidy"] else 0
    rest -= subsidy
    remit = _part(rng, rest, 0, 300) if t["remit"] else 0
    a[("expenditure.basic", "")] = basic
    a[("expenditure.project", "")] = rest - remit
    a[("expenditure.remit_superior", "")] = remit
    a[("expenditure.operating", "")] = operating
    a[("expenditure.subsidy_subordinate", "")] = subsidy
    a[("gpb_basic.personnel", "")] = personnel
    a[("gpb_basic.public", "")] = public

    # "三公" 经费: small, and paid out of 公用经费.
    cap = max(public // 2, 100)
    held = dict(t["held"])
    held_total = sum(held.values())
    purchased = {code: 0 for code in held}
    if held_total and rng.randint(1, 100) <= 15:
        purchased[rng.choice([code for code, n in held.items() if n])] = 1
    # In fen of 万元 (1 = 100 元): a car 12–30 万元, its running 1.5–4 万元 a year.
    purchase = {code: rng.randint(1200, 3000) * n for code, n in purchased.items()}
    operation = min(held_total * rng.randint(150, 400), cap)
    domestic = min(rng.randint(30, 800), cap)
    abroad = rng.randint(200, 3000) if dept.has_abroad else 0
    foreign = rng.randint(20, 200) if t["foreign"] else 0
    a[("three_public.abroad", "")] = abroad
    for code in ("sedan", "suv", "bus"):
        a[("three_public.vehicle_purchase", code)] = purchase[code]
    a[("three_public.vehicle_operation", "")] = operation
    a[("three_public.reception_domestic", "")] = domestic
    a[("three_public.reception_foreign", "")] = foreign

    def budget_for(actual: int) -> int:
        roll = rng.randint(1, 100)
        if roll <= 40:
            return actual
        return actual + _part(rng, actual, 0, 3000) + rng.randint(0, 50)
    a[("three_public_budget.abroad", "")] = budget_for(abroad) if dept.has_abroad else 0
    a[("three_public_budget.vehicle", "")] = budget_for(sum(purchase.values()) + operation)
    a[("three_public_budget.reception", "")] = budget_for(domestic + foreign)
    a[("admin_operating", "")] = _part(rng, public, 8500, 10_000)
    a[("procurement.goods", "")] = _part(rng, scale, 0, 500)
    a[("procurement.works", "")] = _part(rng, scale, 0, 1000) if rng.randint(1, 100) <= 20 else 0
    a[("procurement.services", "")] = _part(rng, scale, 0, 800)

    groups = rng.randint(1, 4) if abroad else 0
    c[("abroad.groups", "")] = groups
    c[("abroad.people", "")] = groups * rng.randint(2, 6)
    for code in ("sedan", "suv", "bus"):
        c[("vehicles_purchased", code)] = purchased[code]
    for code in ("sedan", "suv", "bus"):
        c[("vehicles_held", code)] = held[code]
    leader = min(held_total, 1)
    confidential = min(held_total - leader, rng.randint(0, 1))
    emergency = min(held_total - leader - confidential, rng.randint(0, 2))
    for code, n in (("leader", leader), ("confidential", confidential), ("emergency", emergency),
                    ("other", held_total - leader - confidential - emergency)):
        c[("vehicles_by_use", code)] = n
    batches = rng.randint(3, 40) if domestic else 0
    c[("reception_domestic.batches", "")] = batches
    c[("reception_domestic.people", "")] = batches * rng.randint(3, 8)
    foreign_batches = rng.randint(1, 3) if foreign else 0
    c[("reception_foreign.batches", "")] = foreign_batches
    c[("reception_foreign.people", "")] = foreign_batches * rng.randint(2, 6)
    c[("equipment_over_1m", "")] = t["equipment"]
    targets = rng.randint(3, 40)
    c[("performance.pre_assessed", "")] = rng.randint(0, targets) if rng.randint(1, 100) <= 50 else 0
    c[("performance.targets_set", "")] = targets
    c[("performance.monitored", "")] = targets
    c[("performance.special_reports", "")] = rng.randint(0, min(targets, 5))
    c[("performance.overall_score", "")] = rng.randint(85, 100)
    c[("staff.administrative", "")] = rng.randint(10, 200)
    c[("staff.civil_service_referenced", "")] = rng.randint(0, 30)
    c[("staff.other_institution", "")] = rng.randint(0, 50)

    if domestic and t["breakdown"]:
        labels = RECEPTION_LABELS[:rng.randint(2, 3)]
        for label, amount in zip(labels, _split(rng, domestic, [rng.randint(1, 9) for _ in labels])):
            f.breakdowns.append(("three_public.reception_domestic", label, amount))
    return f


def _splits(rng: random.Random, dept: SyntheticDepartment, f: YearFigures) -> None:
    """What the nine tables print beside figures already made, for some departments (see the module's doc); every
    whole keeps its value, and a list (a coded item) holds the codes that have a figure."""
    a, number = f.amounts, dept.number

    def put(item: str, code: str, value: int) -> None:
        if value:
            a[(item, code)] = value

    if number % 3 == 1:
        # 财政拨款收入 by class: each class's fiscal spending; this year's carry-overs change the main class's.
        by_class: dict[str, int] = {}
        for (item, code), value in a.items():
            if item in ("gpb.actual", "gf.actual", "sc.actual"):
                by_class[code] = by_class.get(code, 0) + value
        by_class[dept.main_class] += a[("carryover.end_fiscal", "")] - a[("carryover.begin_fiscal", "")]
        for code, value in sorted(by_class.items()):
            put("income.fiscal", code, value)
    for fund in ("gf", "sc"):
        for (item, code), value in sorted(a.items()):
            if item == f"{fund}.actual":
                project = value * rng.randint(6000, 10_000) // 10_000
                put(f"{fund}.project", code, project)
                put(f"{fund}.basic", code, value - project)
    if number % 3 == 2:
        # All of a synthetic department's fiscal carry-over is 一般公共预算.
        for key in ("carryover.begin_fiscal", "carryover.end_fiscal"):
            put(key, "general_budget", a[(key, "")])
    if number % 5 == 3:
        used = _part(rng, sum(v for (item, _), v in a.items() if item == "gpb.actual"), 10, 200)
        distributed = _part(rng, used, 0, 5000)
        a[("non_fiscal_balance_used", "")] = used
        a[("balance_distribution", "")] = distributed
        a[("carryover.end", "")] += used - distributed  # what was used and not distributed carries on
    if number % 2 == 0:
        purchase = sum(v for (item, _), v in a.items() if item == "three_public.vehicle_purchase")
        a[("three_public_budget.vehicle_purchase", "")] = purchase
        a[("three_public_budget.vehicle_operation", "")] = a[("three_public_budget.vehicle", "")] - purchase


def _copy_year(previous: YearFigures) -> YearFigures:
    return YearFigures(dict(previous.amounts), dict(previous.counts), list(previous.breakdowns))


def _reason(direction: int, what: str) -> str:
    return (f"{what}增加，相应支出增加" if direction > 0 else f"{what}减少，相应支出减少")


def _text(dept: SyntheticDepartment, year: int, figures: YearFigures, previous: YearFigures | None) -> dict:
    """The department's words for the year: required fields, and a reason for every change."""
    reasons: dict = {}
    if previous is not None:
        now, before = figures.compared(), previous.compared()
        for key, field_name, what in (
            ("total", "total_change", "年度工作任务和人员经费"),
            ("fiscal_total", "fiscal_change", "财政拨款安排的工作任务"),
            ("gpb.total", "gpb_change", "一般公共预算安排的项目"),
            ("three_public.abroad", "abroad_change", "因公出国（境）任务"),
            ("three_public.vehicle", "vehicle_change", "公务用车更新和运行需要"),
            ("three_public.reception", "reception_change", "公务接待任务"),
            ("admin_operating", "admin_operating_change", "机关日常运转需要"),
        ):
            diff = now[key] - before[key]
            if diff:
                reasons[field_name] = _reason(diff, what)
    a = figures.amounts
    budget_reasons = {}
    for (item, code), actual in sorted(a.items()):
        if item == "gpb.actual" and actual != a[("gpb.budget", code)]:
            budget_reasons[code] = ("部分项目执行进度慢于预期，资金结转下年使用" if actual < a[("gpb.budget", code)]
                                    else "年中追加了预算外的工作任务")
    if budget_reasons:
        reasons["gpb_budget"] = budget_reasons
    tp_actual = sum(figures.compared()[k] for k in
                    ("three_public.abroad", "three_public.vehicle", "three_public.reception"))
    tp_budget = sum(a[(k, "")] for k in ("three_public_budget.abroad", "three_public_budget.vehicle",
                                         "three_public_budget.reception"))
    if tp_actual != tp_budget:
        reasons["three_public_against_budget"] = ("一是严格执行中央八项规定精神，厉行节约，二是部分公务活动改为线上开展"
                                                  if tp_actual < tp_budget else "一是公务用车维修费用增加，二是接待任务增加")

    held = sum(n for (item, _), n in figures.counts.items() if item == "vehicles_held")
    covers: dict = {"personnel": list(PERSONNEL_COVERS), "public": list(PUBLIC_COVERS)}
    if held:
        covers["vehicle_operation"] = "机关日常公务外出调研、检查、督导等"
        covers["vehicles_other_use"] = "日常公务外出用车所需的燃料费、维修费、过路过桥费、保险费等支出"
    if a[("three_public.reception_domestic", "")]:
        covers["reception_domestic"] = "上级部门和兄弟单位来访调研、对接工作的用餐费"
    text: dict = {
        "duties": [{"title": f"{dept.short_name}职能职责（测试数据）", "items": [
            f"负责{dept.kind}领域的政策研究和组织实施（合成测试数据，非真实部门）。",
            f"负责{dept.kind}领域的统计、监测和信息发布工作。",
            "承办上级交办的其他事项。",
        ]}],
        "covers": covers,
        "performance": {"overall_summary": "较好保障了机关正常运转，履行职能职责较好，财务管理规范"},
        "attachment": {
            "annual_tasks": f"{year}年，{dept.short_name}围绕年度重点任务开展工作（合成测试数据）。",
            "performance_goals": "保障机关正常运转，按时完成年度重点工作任务。",
            "personnel_projects": "人员类项目按标准足额保障，支出与预算基本一致。",
            "operating_projects": "运转类项目支出与年度工作任务相匹配。",
            "special_projects": "（无）" if not figures.counts[("performance.special_reports", "")]
                                else "特定目标类项目均按计划实施，绩效目标基本实现。",
            "overall_performance": "各类资金运转正常，保障了年度工作目标任务的完成。",
            "result_application": "自评结果用于内部管理和下年度预算编制，并按规定公开。",
            "evaluation_quality": "自评依据充分，数据来源可靠。",
            "problems": "（无）",
            "suggestions": "进一步加强预算绩效管理。",
        },
    }
    if figures.counts[("performance.special_reports", "")]:
        text["performance"]["special_summary"] = "专项预算项目均按计划完成，绩效目标基本实现"
    if reasons:
        text["reasons"] = reasons
    return text


def generate(count: int, years: list[int], seed: int = 0, first: int = 1) -> list[SyntheticDepartment]:
    """Departments number `first` … `first + count - 1`, with figures and texts for `years`."""
    if not 1 <= count or first + count - 1 > MAX_DEPARTMENTS:
        raise ValueError(f"合成部门个数应为 1 至 {MAX_DEPARTMENTS}，实为 {count}")
    years = sorted(years)
    if years != list(range(years[0], years[-1] + 1)):
        raise ValueError(f"年度应连续，实为 {years}")
    departments = []
    for number in range(first, first + count):
        rng = random.Random(f"juesuan-synth:{seed}:{number}")
        kind, main_class, _ = PROFILES[number % len(PROFILES)]
        zero_year = None
        if number % 5 == 2 and len(years) >= 2:
            zero_year = years[rng.randint(1, len(years) - 1)]
        units = [(f"{synthetic_name(number)[:-6]}下属单位{k}（测试数据）", rng.choice(UNIT_KINDS))
                 for k in range(1, rng.randint(0, 3) + 1)]
        dept = SyntheticDepartment(
            number=number, kind=kind, main_class=main_class,
            has_gf=number % 4 == 1, has_sc=number % 10 == 7, has_abroad=number % 3 == 0,
            zero_change_year=zero_year, units=units,
        )
        traits = _traits(rng, dept)
        # 300 to 20,000 万元 a year of 一般公共预算财政拨款, drifting from year to year.
        scale = rng.randint(300, 20_000) * 100 + rng.randint(0, 99)
        previous = None
        for year in years:
            if year == zero_year and previous is not None:
                figures = _copy_year(previous)
            else:
                figures = _year_figures(rng, dept, traits, scale)
                _splits(random.Random(f"juesuan-synth-splits:{seed}:{number}:{year}"), dept, figures)
            dept.years[year] = figures
            dept.texts[year] = _text(dept, year, figures, previous)
            previous = figures
            scale = scale * rng.randint(9000, 11_500) // 10_000
        departments.append(dept)
    return departments


# --------------------------------------------------------------------------
# Files


def check_target(out: Path) -> Path:
    """The resolved folder to write into, or ValueError if it is data that is not synthetic."""
    out = Path(out).resolve()
    for forbidden in {REPO_DATA, Path("data").resolve()} - {None}:
        if out == forbidden or forbidden in out.parents:
            raise ValueError(f"不写入 {forbidden}：那里是真实数据；请用 --out 指定另一个文件夹")
    if out.is_file():
        raise ValueError(f"{out} 是文件，应为文件夹")
    if out.is_dir():
        for listing in out.glob("*/departments.csv"):
            with listing.open(encoding="utf-8-sig", newline="") as handle:
                ids = [row.get("department_id", "") for row in csv.DictReader(handle)]
            real = [i for i in ids if not i.startswith(ID_PREFIX)]
            if real:
                raise ValueError(f"不写入 {out}：{listing} 中有非合成部门（{', '.join(real[:3])}）；"
                                 "请用 --out 指定一个空文件夹")
    return out


def _csv(header: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_synthetic(out: Path, departments: int, years: list[int], seed: int = 0) -> list[SyntheticDepartment]:
    """Write `departments` synthetic departments for `years` into `out` (see the module's doc)."""
    out = check_target(out)
    made = generate(departments, years, seed)
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "glossary.yaml", "# 名词解释 of the synthetic departments (测试数据).\n"
           + yaml.safe_dump(GLOSSARY, allow_unicode=True, sort_keys=False, width=1000))
    for year in sorted(years):
        folder = out / str(year)
        text_dir = folder / "text"
        if text_dir.is_dir():  # texts of an earlier, larger run
            shutil.rmtree(text_dir)
        text_dir.mkdir(parents=True)
        (folder / "year.yaml").unlink(missing_ok=True)
        _write(folder / "departments.csv", _csv(
            ["department_id", "name", "short_name"], [(d.id, d.name, d.short_name) for d in made]))
        _write(folder / "units.csv", _csv(
            ["department_id", "unit_name", "unit_kind"], [(d.id, n, k) for d in made for n, k in d.units]))
        _write(folder / "amounts.csv", _csv(
            ["department_id", "item", "code", "amount"],
            [(d.id, item, code, _fen(v)) for d in made for (item, code), v in d.years[year].amounts.items()]))
        _write(folder / "counts.csv", _csv(
            ["department_id", "item", "code", "count"],
            [(d.id, item, code, n) for d in made for (item, code), n in d.years[year].counts.items()]))
        _write(folder / "breakdowns.csv", _csv(
            ["department_id", "item", "label", "amount"],
            [(d.id, item, label, _fen(v)) for d in made for item, label, v in d.years[year].breakdowns]))
        for d in made:
            body = yaml.safe_dump(d.texts[year], allow_unicode=True, sort_keys=False, width=1000)
            _write(text_dir / f"{d.id}.yaml",
                   f"# {d.name} {year}: synthetic text for scale tests, not a real department.\n{body}")
    return made
