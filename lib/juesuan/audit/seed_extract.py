"""The seed's (Sichuan) template read back by hand-written readers, for `juesuan extract`.

The seed's template is the one template whose extraction is not yet derived from the template itself
(template_extract.py reads the other templates, and the seed's own text nearly: see templates/README.md):
these readers take each quantity by the audit's hand-written rules (audit_rules.py) and know how the seed
writes its units, duties, attachment and last year's figures. Chosen by `extract: rules` in the template's
manifest.
"""
from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from juesuan.audit.audit import Statement, read_statements
from juesuan.audit.audit_expect import HUNDRED
from juesuan.audit.audit_parse import MARKER, heading_level, split_heading
from juesuan.data import catalogue
from juesuan.data.figures import Figures
from juesuan.data.formatting import format_amount, format_percent
from juesuan.data.loading import DepartmentFigures, Unit
from juesuan.data.money import ZERO, round_half_up

# Headings of the attachment (部门整体绩效评价报告) and the text field each one holds.
ATTACHMENT_SECTIONS = {
    "年度主要工作任务。": "annual_tasks",
    "部门整体支出绩效目标。": "performance_goals",
    "人员类项目绩效分析": "personnel_projects",
    "运转类项目绩效分析": "operating_projects",
    "特定目标类项目绩效分析": "special_projects",
    "部门整体履职绩效分析。": "overall_performance",
    "结果应用情况。": "result_application",
    "自评质量。": "evaluation_quality",
    "存在问题。": "problems",
    "改进建议。": "suggestions",
}
COMPARED = ("total", "fiscal_total", "gpb.total", "three_public.abroad", "three_public.vehicle",
            "three_public.reception", "admin_operating")
THREE_PUBLIC_ITEMS = ("three_public.abroad", "three_public.vehicle", "three_public.reception")
BUDGET_OF = {"three_public.abroad": "three_public_budget.abroad", "three_public.vehicle": "three_public_budget.vehicle",
             "three_public.reception": "three_public_budget.reception"}
REQUIRED_COUNTS = ("abroad.groups", "abroad.people", "reception_domestic.batches", "reception_domestic.people",
                   "reception_foreign.batches", "reception_foreign.people", "equipment_over_1m",
                   "performance.pre_assessed", "performance.targets_set", "performance.monitored",
                   "performance.special_reports", "performance.overall_score")


_HALF_WIDTH_IN_CJK = re.compile(r"(?<=[\u4e00-\u9fff）])([,:;])(?!\d)|([,:;(])(?=[\u4e00-\u9fff（])|"
                               r"\(([\u4e00-\u9fff]+)\)")
_FULL = {",": "，", ":": "：", ";": "；", "(": "（"}


def _clean(raw: str) -> str:
    return MARKER.sub("", raw).strip(" \t\u3000\u00a0\r\n")


def _words(raw: str) -> str:
    """The department's words as stored: half-width punctuation inside Chinese text made full width."""
    def full(m: re.Match) -> str:
        if m.group(3) is not None:
            return f"（{m.group(3)}）"
        return _FULL[m.group(1) or m.group(2)]
    return _HALF_WIDTH_IN_CJK.sub(full, _clean(raw))


class Reader:
    """The statements of a published text, and its lines, for picking figures out."""

    def __init__(self, text: str):
        self.statements, self.lines = read_statements(text)
        self.clean = [_words(line.raw) for line in self.lines]

    def all(self, qkey: str) -> list[Statement]:
        return [s for s in self.statements if s.qkey == qkey]

    def first(self, qkey: str) -> Statement | None:
        found = self.all(qkey)
        return found[0] if found else None

    def where(self, s: Statement) -> str:
        return f"第{s.line}行「{self.clean[s.line - 1][:60]}」"

    def codes(self, prefix: str) -> list[str]:
        seen = []
        for s in self.statements:
            if s.qkey.startswith(prefix) and s.qkey.count(":") >= 2:
                code = s.qkey.split(":")[2]
                if code not in seen:
                    seen.append(code)
        return seen

    def lines_of(self, part: int) -> list[tuple[int, str]]:
        return [(line.number, self.clean[line.number - 1]) for line in self.lines
                if line.part == part and self.clean[line.number - 1]]


def read_seed_text(text: str, ex, name: str | None = None) -> None:
    """Fill `ex` (extract.Extraction) with everything a published report in the seed's template gives."""
    reader = Reader(text)
    _years(reader, ex)
    _names(reader, ex, name)
    _amounts(reader, ex)
    _budgets(reader, ex)
    _carryovers(reader, ex)
    _counts(reader, ex)
    _breakdown(reader, ex)
    _units(reader, ex)
    ex.text = _text(reader, ex)
    _previous_year(reader, ex)


# ------------------------------------------------------------------ figures
def _years(reader: Reader, ex) -> None:
    stated = Counter(s.value for s in reader.statements if s.qkey == "year:current")
    if stated and stated.most_common(1)[0][0] != ex.year:
        ex.miss("year", f"公开文本大多写的是{stated.most_common(1)[0][0]}年，而不是{ex.year}年：请检查--year")


def _names(reader: Reader, ex, name: str | None) -> None:
    short = None
    for text in reader.clean:
        m = re.search(r"^([^，。：:\d]{2,30}?)下属", text) or re.search(r"\d{4}年，([^，。\d]{2,30}?)机关运行经费支出", text)
        if m:
            short = m.group(1)
            break
    title = None
    for text in reader.clean[:5]:
        m = re.match(r"^([^，。：:\d\s]{2,60}?)\d{4}年度?部门决算", text)
        if m:
            title = m.group(1)
            break
    ex.short_name = short or title
    if short is None and title is None:
        ex.miss("departments.short_name", "文中没有写出部门名称的句子（…下属二级预算单位…、…机关运行经费支出…）")
    if name:
        ex.name = name
    elif title:
        ex.name = title
    elif short:
        ex.name = short
        ex.assume("departments.name", short, "文中没有部门全称（没有标题行），暂用正文中使用的简称；"
                  "可用--name指定全称")
    else:
        ex.miss("departments.name", "文中没有部门名称")


def _take(reader: Reader, ex, qkey: str, item: str, code: str = "", prefer_last: bool = False,
          required: bool = True) -> Decimal | None:
    found = reader.all(qkey)
    if not found:
        if required:
            ex.miss(f"amounts.{item}{' ' + code if code else ''}",
                    f"文中未写明{catalogue.item_name(item)}{'（' + code + '）' if code else ''}")
        return None
    s = found[-1] if prefer_last else found[0]
    ex.amounts[(item, code)] = Decimal(s.value)
    return Decimal(s.value)


def _amounts(reader: Reader, ex) -> None:
    for key in catalogue.INCOME_SOURCES:
        _take(reader, ex, f"amount:{key}", key)
    for key in catalogue.EXPENDITURE_KINDS:
        _take(reader, ex, f"amount:{key}", key)
    for prefix in catalogue.FISCAL_SPENDING:
        for code in reader.codes(f"amount:{prefix}:"):
            _take(reader, ex, f"amount:{prefix}:{code}", prefix, code)
    for code in reader.codes("label:gpb.actual:"):
        label = reader.first(f"label:gpb.actual:{code}")
        if label is not None and label.value != catalogue.FUNCTION_CLASSES.get(code, label.value):
            # 一般公共服务组织事务支出: a 款 named under its 类, whose code the text does not give.
            ex.assume(f"amounts.gpb.actual.{code}", code,
                      f"{reader.where(label)}按款或项命名「{label.value}」，文字不给它的编码：按类 {code} 记录；"
                      f"要按款记录，在 function_names.csv 写上该款的编码和名称，并把 gpb.actual、gpb.budget 的 {code} "
                      f"改成该编码")
    if not reader.codes("amount:gpb.actual:"):
        gpb = reader.first("amount:gpb.total")
        if gpb is None or gpb.value != 0:
            ex.miss("amounts.gpb.actual", "文中未按支出功能分类列出一般公共预算财政拨款支出（五（二））")
    for key in ("gpb_basic.personnel", "gpb_basic.public", "three_public.vehicle_operation",
                "three_public.reception_domestic", "three_public.reception_foreign", "admin_operating",
                "procurement.goods", "procurement.works", "procurement.services"):
        _take(reader, ex, f"amount:{key}", key)
    # 因公出国（境）费: the item's own sentence (七（三）1.), which follows the structure of 七（二）
    _take(reader, ex, "amount:three_public.abroad", "three_public.abroad", prefer_last=True)
    for code in catalogue.VEHICLE_TYPES:
        _take(reader, ex, f"amount:three_public.vehicle_purchase:{code}", "three_public.vehicle_purchase", code,
              required=False)
    if not any(item == "three_public.vehicle_purchase" for item, _ in ex.amounts):
        purchase = reader.first("amount:three_public.vehicle_purchase")
        if purchase is not None and purchase.value == 0:
            for code in catalogue.VEHICLE_TYPES:
                ex.amounts[("three_public.vehicle_purchase", code)] = ZERO
            ex.derive("amounts.three_public.vehicle_purchase", ZERO, reader.where(purchase))
        else:
            ex.miss("amounts.three_public.vehicle_purchase", "文中未按车型列出公务用车购置费")


def _actual(ex, key: str) -> Decimal | None:
    if key == "three_public.abroad":
        return ex.amounts.get(("three_public.abroad", ""))
    if key == "three_public.vehicle":
        parts = [v for (item, _), v in ex.amounts.items()
                 if item in ("three_public.vehicle_purchase", "three_public.vehicle_operation")]
        return sum(parts, ZERO) if ("three_public.vehicle_operation", "") in ex.amounts else None
    if key == "three_public.reception":
        d, f = ex.amounts.get(("three_public.reception_domestic", "")), ex.amounts.get(("three_public.reception_foreign", ""))
        return None if d is None or f is None else d + f
    return None


def _budget_for(actual: Decimal, rate: Decimal, direction: str | None) -> tuple[list[Decimal], str]:
    """The budgets in whole fen for which actual / budget rounds to the published rate (and agrees with
    the published 决算数大于/小于/等于预算数, when there is one)."""
    if actual == 0:
        return [], "没有支出"
    centre = round_half_up(actual / rate * HUNDRED) if rate else None
    if centre is None:
        return [], "有支出而完成预算0%"
    hits = []
    step = Decimal("0.01")
    span = max(5, int(centre / 10000) + 5)
    for i in range(-span, span + 1):
        budget = centre + step * i
        if budget > 0 and round_half_up(actual / budget * HUNDRED) == rate:
            hits.append(budget)
    if direction == "等于":
        hits = [actual] if actual in hits else []
    elif direction == "大于":
        hits = [b for b in hits if actual > b]
    elif direction == "小于":
        hits = [b for b in hits if actual < b]
    return hits, ""


def _not_fixed(actual: Decimal, rate: Decimal, hits: list[Decimal], why: str = "") -> str:
    """Why a completion rate fixes no single budget: several budgets in whole fen give it, or none does."""
    stated = f"决算数{format_amount(actual)}万元、完成预算{format_percent(rate)}"
    if hits:
        shown = "、".join(format_amount(h) for h in hits[:6]) + ("等" if len(hits) > 6 else "")
        return f"{stated}：有{len(hits)}个精确到分的预算数都能得出（{shown}万元），无法确定预算数"
    return f"{stated}：没有精确到分的预算数能得出" + (f"（{why}）" if why else "")


def _budgets(reader: Reader, ex) -> None:
    # function classes: 完成预算X%, and 决算数大于/小于预算数 where the template says the budget differs
    for code in reader.codes("amount:gpb.actual:"):
        actual = ex.amounts.get(("gpb.actual", code))
        rate = reader.first(f"completion:gpb.actual:{code}")
        said = reader.first(f"budget_direction:gpb.actual:{code}")
        field_name = f"amounts.gpb.budget {code}"
        if actual is None or rate is None:
            ex.miss(field_name, f"文中没有{catalogue.FUNCTION_CLASSES[code]}的完成预算比率（五（三））")
            continue
        direction = said.value if said else "等于"
        hits, _ = _budget_for(actual, Decimal(rate.value), direction)
        if actual == 0 and rate.value == 0:
            ex.miss(field_name, f"{catalogue.FUNCTION_CLASSES[code]}：没有支出，完成预算0%，任何预算数都能得出，"
                    "无法确定预算数")
        elif len(hits) == 1:
            ex.amounts[("gpb.budget", code)] = hits[0]
            why = "文中没有“决算数大于/小于预算数”的说明，即预算数等于决算数" if not said else \
                f"决算数{said.value}预算数"
            ex.derive(field_name, hits[0], f"{reader.where(rate)}（完成预算{format_percent(Decimal(rate.value))}；{why}）")
        else:
            ex.miss(field_name, _not_fixed(actual, Decimal(rate.value), hits))
    # "三公" items: each from its own completion rate
    total_rate = reader.first("completion:three_public.total")
    for key, budget_key in BUDGET_OF.items():
        actual, rate = _actual(ex, key), reader.first(f"completion:{key}")
        field_name = f"amounts.{budget_key}"
        if actual is None or rate is None:
            ex.miss(field_name, f"文中没有{catalogue.item_name(key)}的完成预算比率")
            continue
        rate_value = Decimal(rate.value)
        if actual == 0 and rate_value == 0:
            ex.amounts[(budget_key, "")] = ZERO
            note = ""
            if total_rate is not None:
                note = (f"；“三公”经费合计的完成预算{format_percent(Decimal(total_rate.value))}"
                        f"（第{total_rate.line}行）也容不下此项另有预算")
            ex.assume(field_name, ZERO, f"{reader.where(rate)}：没有支出且完成预算0%，任何预算数都能得出；"
                      f"按0计，因为本报告对未安排预算、也没有支出的项目写“完成预算0%”{note}")
            continue
        hits, why = _budget_for(actual, rate_value, None)
        if len(hits) == 1:
            ex.amounts[(budget_key, "")] = hits[0]
            ex.derive(field_name, hits[0], f"{reader.where(rate)}：{format_amount(actual)} / {format_amount(hits[0])}，"
                      f"{format_amount(hits[0])}万元是唯一能得出完成预算{format_percent(rate_value)}的精确到分的预算数")
        else:
            ex.miss(field_name, _not_fixed(actual, rate_value, hits, why))


def _carryovers(reader: Reader, ex) -> None:
    for key in ("carryover.end", "carryover.end_fiscal"):
        _take(reader, ex, f"amount:{key}", key)
    sides = (("carryover.begin", "amount:total", list(catalogue.INCOME_SOURCES), "收、支总计减本年收入合计"),
             ("carryover.begin_fiscal", "amount:fiscal_total", list(catalogue.FISCAL_INCOME),
              "财政拨款收、支总计减财政拨款收入"))
    for key, total_key, parts, how in sides:
        total = reader.first(total_key)
        values = [ex.amounts.get((p, "")) for p in parts]
        if total is None or any(v is None for v in values):
            ex.miss(f"amounts.{key}", f"{catalogue.item_name(key)}由{how}得出，但文中未同时给出两者")
            continue
        value = Decimal(total.value) - sum(values, ZERO)
        if value < 0:
            ex.miss(f"amounts.{key}", f"{how}为负数（{format_amount(value)}）：公开文本自相矛盾")
            continue
        ex.amounts[(key, "")] = value
        ex.derive(f"amounts.{key}", value, f"{how}：{format_amount(Decimal(total.value))} − "
                  f"{format_amount(sum(values, ZERO))}（{reader.where(total)}）")


def _counts(reader: Reader, ex) -> None:
    for key in REQUIRED_COUNTS + ("staff.administrative", "staff.civil_service_referenced", "staff.other_institution"):
        s = reader.first(f"count:{key}")
        if s is None:
            if key in REQUIRED_COUNTS:
                ex.miss(f"counts.{key}", f"文中未写明{catalogue.item_name(key)}")
            continue
        ex.counts[(key, "")] = int(s.value)
    for item, vocabulary in (("vehicles_purchased", catalogue.VEHICLE_TYPES), ("vehicles_held", catalogue.VEHICLE_TYPES),
                             ("vehicles_by_use", catalogue.VEHICLE_USES)):
        found = False
        for code in vocabulary:
            s = reader.first(f"count:{item}:{code}")
            if s is not None:
                ex.counts[(item, code)] = int(s.value)
                found = True
        if not found:
            total = reader.first(f"count:{item}")
            if total is not None and total.value == 0:
                for code in vocabulary:
                    ex.counts[(item, code)] = 0
                ex.derive(f"counts.{item}", 0, reader.where(total))
            else:
                ex.miss(f"counts.{item}", f"文中未分类列出{catalogue.item_name(item)}")


def _breakdown(reader: Reader, ex) -> None:
    prefix = "amount:breakdown:three_public.reception_domestic:"
    parts = []
    for s in reader.statements:
        if s.qkey.startswith(prefix):
            label = s.qkey[len(prefix):]
            if label not in [lab for lab, _ in parts]:
                parts.append((label, Decimal(s.value)))
    if parts:
        ex.breakdowns["three_public.reception_domestic"] = parts


def _units(reader: Reader, ex) -> None:
    names: list[str] = []
    for i, text in enumerate(reader.clean):
        if "编制范围的二级预算单位包括" in text:
            for follower in reader.lines[i + 1:]:
                if not follower.text:
                    continue
                split = split_heading(follower.text)
                if not split or heading_level(split[0]) != 3:
                    break
                names.append(re.sub(r"^\d+[.、．]\s*", "", _clean(follower.raw)))
            break
    kinds = {}
    for kind in catalogue.UNIT_KINDS:
        s = next((s for s in reader.all(f"count:units:{kind}") if s.part == 1), None) or reader.first(
            f"count:units:{kind}")
        if s is not None:
            kinds[kind] = int(s.value)
    total = reader.first("count:units")
    if not names:
        if total is not None and total.value == 0:
            return
        if total is not None or kinds:
            ex.miss("units.csv", "文中给出了下属单位的个数，但未逐一列出单位名称")
        return
    if sum(kinds.values()) != len(names):
        ex.miss("units.unit_kind", f"文中列出{len(names)}个单位，按类型计数共{sum(kinds.values())}个："
                "无法确定各单位的类型")
        return
    order = [kind for kind in catalogue.UNIT_KINDS for _ in range(kinds.get(kind, 0))]
    ex.units = list(zip(names, order))
    if len([k for k, n in kinds.items() if n]) > 1:
        ex.assume("units.unit_kind", {n: k for n, k in ex.units},
                  "文中按类型给出了单位个数（" + "，".join(f"{k}{n}个" for k, n in kinds.items()) +
                  "），但未说明各单位分属哪一类；按类型和单位列出的先后顺序一一对应")


# ------------------------------------------------------------------ the department's words
def _after(text: str, pattern: str) -> str | None:
    m = re.search(pattern, text)
    return m.group(1).strip() if m else None


def _reason(text: str | None) -> str | None:
    if not text:
        return None
    text = text.strip().rstrip("。")
    if text.startswith("是") and not text.startswith("是一是"):
        text = text[1:]
    return text or None


def _text(reader: Reader, ex) -> dict:
    clean = reader.clean
    text: dict = {}
    duties = _duties(reader)
    if duties:
        text["duties"] = duties
    else:
        ex.miss("text.duties", "第一部分中没有“一、部门职责”")

    reasons: dict = {}

    for key, anchor, pattern in (
            ("total_change", r"相比，收、支总计", r"主要变动原因是[：:]?(.+)$"),
            ("fiscal_change", r"相比，财政拨款收、支总计", r"主要变动原因是[：:]?(.+)$"),
            ("gpb_change", r"占本年支出合计的", r"主要变动原因是[：:]?(.+)$"),
            ("three_public_against_budget", r"“三公”经费财政拨款支出决算为", r"决算数[大小]于预算数的主要原因(.+)$"),
            ("abroad_change", r"因公出国（境）支出决算", r"支出决算[^。]*。主要原因([^。]+)。"),
            ("vehicle_change", r"公务用车购置及运行维护费支出决算", r"支出决算[^。]*。主要原因([^。]+)。"),
            ("reception_change", r"公务接待费支出决算", r"支出决算[^。]*。主要原因([^。]+)。"),
            ("admin_operating_change", r"机关运行经费支出", r"主要原因(.+)$")):
        for line in clean:
            if re.search(anchor, line):
                value = _reason(_after(line, pattern))
                if value:
                    reasons[key] = value
                    break
    for code in reader.codes("amount:gpb.actual:"):
        said = reader.first(f"budget_direction:gpb.actual:{code}")
        if said is not None and said.value in ("大于", "小于"):
            value = _reason(_after(clean[said.line - 1], r"决算数[大小]于预算数的主要原因(.+)$"))
            if value:
                reasons.setdefault("gpb_budget", {})[code] = value
    if reasons:
        text["reasons"] = reasons

    covers: dict = {}
    for key, anchor, pattern in (
            ("personnel", "人员经费", r"^人员经费[\d.,]+万元，主要包括[：:](.+?)。?$"),
            ("public", "公用经费", r"^公用经费[\d.,]+万元，主要包括[：:](.+?)。?$")):
        line = next((t for t in clean if t.startswith(anchor)), None)
        value = _after(line, pattern) if line else None
        if value:
            covers[key] = [v for v in value.split("、") if v]
        else:
            ex.miss(f"text.covers.{key}", f"文中未列出{anchor}主要包括哪些内容（六）")
    for key, pattern in (
            ("vehicle_operation", r"^公务用车运行维护费支出[\d.,]+万元。主要用于(.+?)所需的公务用车燃料费、维修费、过路过桥费、保险费等支出"),
            ("reception_domestic", r"^国内公务接待支出[\d.,]+万元，主要用于(.+?)。国内公务接待"),
            ("vehicles_other_use", r"其他用车主要是用于(.+?)。单价")):
        value = next((v for v in (_after(t, pattern) for t in clean) if v), None)
        if value:
            covers[key] = value
    if covers:
        text["covers"] = covers

    performance: dict = {}
    for t in clean:
        m = re.search(r"绩效自评综述[：:](.+?)；(.*?)。?绩效自评报告详见附件", t)
        if m:
            performance["overall_summary"] = m.group(1).strip()
            special = m.group(2).strip()
            if special and not re.fullmatch(r"0个专项预算项目绩效自评得分无得分", special):
                performance["special_summary"] = special
            break
    if performance:
        text["performance"] = performance
    else:
        ex.miss("text.performance.overall_summary", "十（四）中没有绩效自评综述")

    attachment = _attachment(reader)
    if attachment:
        text["attachment"] = attachment
    glossary = _glossary(reader)
    if glossary:
        text["glossary"] = glossary
    return text


def _duties(reader: Reader) -> list[dict]:
    duties: list[dict] = []
    inside = False
    for line in reader.lines:
        if line.part != 1:
            continue
        if line.heading and line.heading[1] == "部门职责":
            inside = True
            continue
        if line.heading and heading_level(line.heading[0]) <= 2:
            if inside:
                break
            continue
        if not inside:
            continue
        raw = _words(line.raw)
        if not raw:
            continue
        if line.heading and heading_level(line.heading[0]) == 3:
            duties.append({"title": re.sub(r"^\d+[.、．]\s*", "", raw), "items": []})
            continue
        item = re.sub(r"^[（(]\d+[）)]\s*", "", raw) if line.heading else raw
        if not duties:
            duties.append({"title": "部门职责", "items": []})
        duties[-1]["items"].append(item)
    return [d for d in duties if d["items"]]


def _attachment(reader: Reader) -> dict:
    fields: dict[str, list[str]] = {}
    current = None
    for line in reader.lines:
        if line.part != 4:
            continue
        raw = _words(line.raw)
        if line.heading:
            current = ATTACHMENT_SECTIONS.get(line.heading[1])
            if current is None and line.heading[1] == "评价结论。":
                current = "_conclusion"
            continue
        if not raw or current is None:
            continue
        if current == "suggestions" and raw.startswith(("附表", "附件")):
            fields.setdefault("appendix_note", []).append(raw)
            continue
        fields.setdefault(current, []).append(raw)
    fields.pop("_conclusion", None)
    return {key: "\n\n".join(paragraphs) for key, paragraphs in fields.items()}


def _glossary(reader: Reader) -> list[dict]:
    entries = []
    for line in reader.lines:
        if line.part != 3 or not line.heading or heading_level(line.heading[0]) != 3:
            continue
        raw = re.sub(r"^\d+[.、．]\s*", "", _words(line.raw))
        term, sep, definition = raw.partition("：")
        if not sep:
            term, sep, definition = raw.partition(":")
        if sep:
            entries.append({"term": term.strip(), "definition": definition.strip()})
    return entries


# ------------------------------------------------------------------ last year
def _figures(ex) -> Figures:
    source = DepartmentFigures(ex.department_id, ex.year, ex.name or "", ex.short_name or "",
                               amounts=dict(ex.amounts), counts=dict(ex.counts), breakdowns=dict(ex.breakdowns),
                               units=[Unit(n, k) for n, k in ex.units], text=ex.text)
    return Figures(source)


def _previous_year(reader: Reader, ex) -> None:
    figures = _figures(ex)
    py = ex.year - 1
    known_items = 0
    for key in COMPARED + ("three_public.total",):
        if key == "three_public.total" and known_items:
            continue  # last year's "三公" total is the sum of its items' own figures
        direction = reader.first(f"direction:{key}")
        change = reader.first(f"change:{key}")
        current = figures.value(key)
        if direction is None and change is None:
            if key != "three_public.total":
                ex.miss(f"{py}/amounts.{key}", f"文中未将{catalogue.item_name(key)}与{py}年比较")
            continue
        if current is None:
            ex.miss(f"{py}/amounts.{key}", f"未能得出{ex.year}年的{catalogue.item_name(key)}")
            continue
        where = reader.where(direction or change)
        if direction is not None and direction.value == "持平":
            value = current
            how = "持平"
        elif change is not None and change.value == 0:
            value = current
            how = f"变动额为0{'（变动方向未作选择）' if change.detail and change.detail.get('residue') else ''}"
        elif change is not None and direction is not None and direction.value in ("增加", "减少"):
            amount = Decimal(change.value)
            value = current - amount if direction.value == "增加" else current + amount
            how = f"{format_amount(current)} {'−' if direction.value == '增加' else '+'} {format_amount(amount)}"
        else:
            ex.miss(f"{py}/amounts.{key}", f"{where}：变动方向未作选择")
            continue
        if value < 0:
            ex.miss(f"{py}/amounts.{key}", f"{where}：推算出的金额为负数")
            continue
        ex.previous[(key, "")] = value
        ex.derive(f"{py}/amounts.{key}", value, f"{where}（{how}）")
        if key in THREE_PUBLIC_ITEMS:
            known_items += 1
