"""Audit a published report against the figures in data/.

`audit_text(text, report)` reads every line of a published text (the seed
is one), reads each number with the words around it, decides which figure it
states (the sentence patterns of `audit_rules`), and compares it with what the
figures give (`audit_expect`), formatted the way the report writes it. Every
difference is a `Finding`. Beside the figures, the text is held against
itself: sums that do not add up, a quantity stated differently in two places,
a change in the wrong direction, template residue, a missing unit, headings
numbered out of sequence, a wrong year. Numbers that are no figure (in the
department's own words: reasons, the attachment's prose) must be the ones
that data/text/<id>.yaml has. A number that nothing accounts for is a
finding too: a number changed anywhere is caught.

Severity: `error` (the text states something the figures contradict),
`warning` (a difference that rounding of the underlying amounts could
explain, a truncated percentage, a missing unit, heading numbers, a name),
`note` (typography: number format, punctuation).
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from . import catalogue
from .audit_expect import Expectations, truncated
from .audit_parse import (Line, chinese_numeral, heading_level, normalise_text,
                          number_in_heading, numbers_in, parse_number, part_of, read_lines, renumber,
                          split_heading)
from .audit_rules import CLASS_BY_NAME, RULES, Rule, _expand
from .errors import DataError
from .formatting import format_amount, format_percent
from .loading import read_text_file
from .money import MAX_AMOUNT_TEXT, round_half_up, within_bound
from .narrative import markdown_to_text

SEVERITIES = ("error", "warning", "note")
# The severities as the text output and the summary name them (the JSON keeps the identifiers).
SEVERITY_WORDS = {"error": "错误", "warning": "警告", "note": "提示"}
VALUE_RULES = {"amount", "share", "completion", "change", "change_rate", "count", "year"}
SEPARATORS = "，。；：、（）“”"
YEAR_END_VEHICLES = "count:vehicles_held"

# 规则 as the report's appendix names them.
RULE_LABELS = {
    "amount": "金额", "share": "占比", "completion": "完成预算", "change": "变动额", "change_rate": "变动率",
    "direction": "变动方向", "budget_direction": "决算与预算比较", "count": "数量", "year": "年度",
    "sum": "合计不等于各项之和", "restated": "同一数字前后不一致", "residue": "模板残留", "unit": "缺少单位",
    "number_format": "数字格式", "numbering": "标题序号", "chart": "图序", "name": "名称", "unit_kinds": "单位类型",
    "unit_names": "单位名称", "omitted": "遗漏", "punctuation": "标点", "text_number": "文字中的数字",
    "no_figure": "数据中无此数",
}


@dataclass
class Finding:
    line: int
    section: str
    published: str
    expected: str
    rule: str
    message: str
    severity: str = "error"
    figure: str = ""
    explained: str = ""  # "rounding": rounding of the amounts to the fen could explain it; "truncated": a truncated percentage

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Statement:
    """A number the text states, read as a quantity (what `juesuan extract` takes)."""

    line: int
    qkey: str
    value: object
    text: str
    part: int | None
    detail: dict | None = None


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(_expand(pattern))


def _ours_headings(report) -> dict[tuple[int | None, str], str]:
    """Heading numbers as the workbook's own report numbers them, by (part, title)."""
    cached = getattr(report, "_audit_headings", None)
    if cached is not None:
        return cached
    headings: dict[tuple[int | None, str], str] = {}
    part = None
    for line in read_lines(markdown_to_text(report.markdown())):
        split = split_heading(line.text)
        if not split:
            continue
        number, title = split
        if heading_level(number) == 0:
            part = part_of(title)
        headings.setdefault((part, title), number)
    report._audit_headings = headings
    return headings


class Auditor:
    """Reads a published text; with a report, compares it with the figures; without, only reads it."""

    def __init__(self, text: str, report=None):
        self.lines: list[Line] = read_lines(text)
        self.report = report
        self.expect = None
        if report is not None:
            self.expect = getattr(report, "_audit_expect", None) or Expectations(report)
            report._audit_expect = self.expect
        self.findings: list[Finding] = []
        self.statements: list[Statement] = []
        self._chart_last = 0
        self._class_keys: dict[int, str] = {}

    # ------------------------------------------------------------ running
    def run(self) -> list[Finding]:
        self._structure()
        for line in self.lines:
            if not line.text:
                continue
            for rule in RULES:
                for match in rule.regex.finditer(line.text):
                    self._apply(rule, line, match)
        if self.expect is not None:
            self._unit_list_items()
            self._cross_sums()
            self._restated()
            self._duty_groups()
            self._half_width()
            self._text_numbers()
        order = {id(f): i for i, f in enumerate(self.findings)}
        self.findings.sort(key=lambda f: (f.line, order[id(f)]))
        return self.findings

    def _apply(self, rule: Rule, line: Line, m: re.Match) -> None:
        for group, qkey in rule.fields.items():
            if m.group(group) is not None:
                self.check_number(line, m, group, qkey)
        for group in m.re.groupindex:
            if group.startswith("_lit") and m.group(group) is not None:
                line.claim(*m.span(group))
        if rule.handler is not None:
            rule.handler(self, line, m)

    def add(self, line: Line | int, published: str, expected: str, rule: str, message: str,
            severity: str = "error", figure: str = "", explained: str = "") -> Finding:
        number = line.number if isinstance(line, Line) else line
        section = line.section if isinstance(line, Line) else self.lines[number - 1].section
        finding = Finding(number, section, published, expected, rule, message, severity, figure, explained)
        self.findings.append(finding)
        return finding

    # ------------------------------------------------------------ numbers
    def _label_start(self, line: Line, start: int, limit: int = 14) -> int:
        i = start
        while i > 0 and line.text[i - 1] not in SEPARATORS and start - i < limit:
            i -= 1
        if 0 < i < start and line.text[i - 1].isdigit() and line.text[i].isdigit():
            # cut inside a number (a year): start after it
            while i < start and line.text[i].isdigit():
                i += 1
            if i < start and line.text[i] == "年":
                i += 1
        return i

    def record(self, line: Line, qkey: str, value, text: str, **detail) -> Statement:
        statement = Statement(line.number, qkey, value, text, line.part, detail or None)
        self.statements.append(statement)
        return statement

    def check_number(self, line: Line, m: re.Match, group: str, qkey: str, label_start: int | None = None):
        """Read one number as the quantity `qkey` and compare it with the figures."""
        text = m.group(group)
        start, end = m.span(group)
        kind = qkey.split(":", 1)[0]
        line.claim(start, end)
        percent = kind in ("share", "completion", "change_rate")
        amount = kind in ("amount", "change")
        unit_group = f"{group}_u"
        has_unit = True
        frag_end = end
        if amount and unit_group in m.re.groupindex:
            has_unit = m.group(unit_group) is not None
            if has_unit:
                frag_end = m.end(unit_group)
        if percent:
            frag_end = end + 1
        if kind == "year":
            frag_end = end + 1  # 年
        value = int(text) if kind in ("count", "year") else parse_number(text)
        self.record(line, qkey, value, text, has_unit=has_unit)
        if self.expect is None:
            return
        label_start = self._label_start(line, start) if label_start is None else label_start
        label = line.text[label_start:start]
        published = line.original(label_start, frag_end)
        figure = qkey.split(":", 1)[1]
        exp = self.expect.get(qkey)
        if exp is None:
            if kind not in ("year",):
                which = f"{self.expect.year - 1}年" if kind in ("change", "change_rate") else ""
                self.add(line, published, "—", "no_figure",
                         f"data/中没有{self._figure_name(figure)}{which}的数据（{figure}），无法核对{text}",
                         "note", figure)
            return
        unit = "万元" if amount else ("年" if kind == "year" else "")
        if exp.kind == "word":
            self.add(line, published, label.replace("完成预算", "") + exp.shown if kind == "completion" else exp.shown,
                     kind, f"{exp.name}：{exp.why}，公开文本却给出了比率", "error", figure)
            return
        expected_text = label + exp.shown + unit
        if kind in ("count", "year"):
            if value != exp.value:
                rule = "year" if kind == "year" else "count"
                self.add(line, published, expected_text, rule,
                         f"{exp.name}：按数据为{exp.shown}{unit}，公开文本为{text}{unit}", "error", figure)
            return
        if value != exp.rounded:
            self._value_mismatch(line, published, expected_text, kind, qkey, value, exp, text)
        elif (text + ("%" if percent else "")) != exp.shown:
            self.add(line, published, expected_text, "number_format",
                     f"{exp.name}：数值相同，按报告的数字格式应写作{exp.shown}"
                     f"（千分位分隔，{'百分比保留两位小数' if percent else '最多保留两位小数'}）",
                     "note", figure)
        if amount and not has_unit:
            self.add(line, line.original(label_start, end), label + text + "万元", "unit",
                     f"金额缺少单位“万元”（{exp.name}）", "warning", figure)

    def _figure_name(self, figure: str) -> str:
        """What a figure key is, in words (the key itself when the catalogue has no name for it)."""
        try:
            return self.expect.name(figure.split("@")[0])
        except KeyError:
            return figure

    def _value_mismatch(self, line, published, expected_text, kind, qkey, value, exp, text):
        figure = qkey.split(":", 1)[1]
        percent = kind in ("share", "completion", "change_rate")
        unit = "" if percent else "万元"
        shown_pub = text + ("%" if percent else "万元")
        message = f"{exp.name}：按数据为{exp.shown}{unit}"
        if exp.why:
            message += f"（{exp.why}）"
        message += f"，公开文本为{shown_pub}"
        severity = "error"
        explained = ""
        if kind == "share":
            part_key = figure.split("@")[0]
            bases = [b for b in self.expect.alternative_bases(part_key, value)
                     if b != (figure.split("@")[1] if "@" in figure else None)]
            if bases:
                message += (f"；{shown_pub}是其占{catalogue.item_name(bases[0])}"
                            f"（{format_amount(self.expect.amount(bases[0]))}万元）的比重，计算基数有误")
        if kind == "completion":
            actual = self.expect.amount(figure)
            if actual is not None and not self.expect.budgets_giving(actual, value):
                message += f"；决算数{format_amount(actual)}万元，任何精确到分的预算数都得不出{shown_pub}"
        if exp.range is not None and exp.range.explains(value):
            severity, explained = "warning", "rounding"
            lo, hi = ((format_percent(round_half_up(exp.range.lo)), format_percent(round_half_up(exp.range.hi)))
                      if percent else (format_amount(exp.range.lo), format_amount(exp.range.hi)))
            message += f"；差异可由各项金额尾数四舍五入到分解释（可能的范围为{lo}至{hi}{unit}）"
        elif percent and isinstance(exp.value, Decimal) and truncated(exp.value) == value:
            severity, explained = "warning", "truncated"
            message += "；公开数为截尾取数，未按四舍五入"
        self.add(line, published, expected_text, kind, message, severity, figure, explained)

    # ------------------------------------------------------------ lists
    def check_list(self, line: Line, start: int, item_pattern: str, name_map: dict, amount=None, share=None,
                   count=None, total=None, total_match=None, all_keys=(), key_of=None, count_total=None,
                   count_total_match=None):
        if line.text[start:start + 1] == "。":
            start += 1  # the list is the next sentence: 其中：…
        end = line.text.find("。", start)
        end = len(line.text) if end < 0 else end
        regex = _compiled(item_pattern)
        amounts, shares, counts, seen = [], [], [], []
        first = None
        for m in regex.finditer(line.text, start, end):
            key = name_map[m.group("name")]
            seen.append(key_of(key) if key_of else key)
            first = m.start() if first is None else first
            label_start = m.start()
            if amount and "a" in m.re.groupindex and m.group("a") is not None:
                self.check_number(line, m, "a", amount(key), label_start)
                amounts.append(parse_number(m.group("a")))
            if share and "s" in m.re.groupindex and m.group("s") is not None:
                self.check_number(line, m, "s", share(key))
                shares.append(parse_number(m.group("s")))
            if count and "n" in m.re.groupindex and m.group("n") is not None:
                self.check_number(line, m, "n", count(key), label_start)
                counts.append(int(m.group("n")))
        if self.expect is None or first is None:
            return
        if total_match is not None and amounts and total_match[0].group(total_match[1]) is not None:
            tm, tg = total_match
            self._check_sum(line, parse_number(tm.group(tg)), amounts, line.original(first, end),
                            total or "", tm.group(tg))
        if shares and len(shares) > 1 and any(shares):
            self._check_share_sum(line, shares, line.original(first, end))
        if count_total is not None and counts:
            stated = None
            if count_total_match is not None and count_total_match[0].group(count_total_match[1]) is not None:
                stated = int(count_total_match[0].group(count_total_match[1]))
            else:
                for s in reversed(self.statements):
                    if s.qkey == count_total and s.line == line.number:
                        stated = s.value
                        break
            if stated is not None and sum(counts) != stated:
                self.add(line, line.original(first, end), f"{stated}", "sum",
                         f"各项相加为{sum(counts)}，公开文本所述合计为{stated}", "error", count_total)
        for key in all_keys:
            if key not in seen:
                qkey = amount(key) if amount else count(key)
                exp = self.expect.get(qkey)
                if exp is not None and exp.value:
                    self.add(line, "—", f"{exp.name}{exp.shown}{'万元' if amount else ''}", "omitted",
                             f"列举中遗漏了{exp.name}，按数据为{exp.shown}{'万元' if amount else ''}", "error", key)

    def _check_sum(self, line, total: Decimal, parts: list[Decimal], published: str, figure: str, total_text: str,
                   other_line: int | None = None):
        parts_sum = sum(parts, Decimal(0))
        if parts_sum == total:
            return
        nonzero = sum(1 for p in parts if p) + (1 if total else 0)
        slack = Decimal("0.005") * nonzero
        where = f"第{other_line}行" if other_line else ""
        message = f"各项相加为{format_amount(parts_sum)}万元，公开文本{where}所述合计为{total_text}万元"
        severity, explained = "error", ""
        if abs(parts_sum - total) < slack:
            severity, explained = "warning", "rounding"
            message += "；差异可由各项金额尾数四舍五入到分解释"
        self.add(line, published, " + ".join(format_amount(p) for p in parts) + f" = {format_amount(parts_sum)}",
                 "sum", message, severity, figure, explained)

    def _check_share_sum(self, line, shares: list[Decimal], published: str):
        total = sum(shares, Decimal(0))
        slack = Decimal("0.005") * len(shares)
        if abs(total - 100) <= slack:
            return
        self.add(line, published, "100%", "sum",
                 f"各项占比相加为{format_percent(total)}，不等于100%", "error", "")

    # ------------------------------------------------------------ wording and structure
    def check_change(self, line: Line, m: re.Match, g: str, key: str):
        direction, rate_direction = m.group(f"{g}_dir"), m.group(f"{g}_rdir")
        block_start = m.start(f"{g}_dir")
        block_end = m.end()
        before = line.text[:block_start]
        lead = re.search(r"(比\d{4}年|较上年|各)$", before)
        lead_start = lead.start() if lead else block_start
        lead_text = lead.group(1) if lead else ""
        amount_text = m.group(f"{g}_amt")
        residue = "/" in direction or (rate_direction is not None and "/" in rate_direction)
        self.record(line, f"direction:{key}", None if residue else direction, direction)
        if residue:
            for part in (f"{g}_amt", f"{g}_rate"):
                if m.group(part) is not None:
                    line.claim(*m.span(part))
            self.record(line, f"change:{key}", parse_number(amount_text), amount_text, residue=True)
            if self.expect is not None:
                self.add(line, line.original(lead_start, block_end), self._movement_phrase(key, lead_text),
                         "residue", "模板残留：“增加/减少”“增长/下降”未作选择；"
                         + self._change_why(key), "error", key)
                line.claim(lead_start, block_end)
            return
        published = line.original(lead_start, block_end)
        if self.expect is not None:
            exp_dir = self.expect.get(f"direction:{key}")
            if exp_dir is None:
                self.add(line, published, "—", "no_figure",
                         f"data/中没有{self.expect.name(key)}{self.expect.year - 1}年的数据", "note", key)
            elif exp_dir.value == "持平":
                self.add(line, published, self._movement_phrase(key, lead_text), "direction",
                         f"{exp_dir.name}持平（{exp_dir.why}），应写“持平”", "error", key)
            elif direction != exp_dir.value or (rate_direction is not None and
                                                 {"增加": "增长", "减少": "下降"}[exp_dir.value] != rate_direction):
                self.add(line, published, self._movement_phrase(key, lead_text), "direction",
                         f"{exp_dir.name}{exp_dir.value}（{exp_dir.why}），公开文本写的是“{direction}"
                         f"{'/' + rate_direction if rate_direction else ''}”", "error", key)
        self.check_number(line, m, f"{g}_amt", f"change:{key}")
        if m.group(f"{g}_rate") is not None:
            self.check_number(line, m, f"{g}_rate", f"change_rate:{key}")

    def _change_why(self, key: str) -> str:
        exp = self.expect.get(f"direction:{key}") if self.expect else None
        return exp.why if exp else f"data/中没有{self.expect.year - 1}年的数据"

    def _movement_phrase(self, key: str, lead: str) -> str:
        """What the report writes for this change: 减少X万元，下降Y% or 与2021年持平."""
        exp = self.expect.get(f"direction:{key}")
        py = self.expect.year - 1
        if exp is None:
            return f"{py}年无可比数据"
        if exp.value == "持平":
            return f"与{py}年持平" if lead.startswith("比") else ("与上年持平" if lead == "较上年" else "持平")
        amount = self.expect.get(f"change:{key}")
        rate = self.expect.get(f"change_rate:{key}")
        word = "增长" if exp.value == "增加" else "下降"
        text = f"{lead}{exp.value}{amount.shown}万元"
        if rate is not None:
            text += f"，{word}{rate.shown}"
        return text

    def check_unchanged(self, line: Line, m: re.Match, key: str):
        self.record(line, f"direction:{key}", "持平", "持平")
        if self.expect is None:
            return
        exp = self.expect.get(f"direction:{key}")
        if exp is None:
            self.add(line, line.original(*m.span()), "—", "no_figure",
                     f"data/中没有{self.expect.name(key)}{self.expect.year - 1}年的数据", "note", key)
        elif exp.value != "持平":
            lead = "比" + str(self.expect.year - 1) + "年" if "年持平" in m.group(0) else (
                "较上年" if "上年" in m.group(0) else "各")
            self.add(line, line.original(*m.span()), self._movement_phrase(key, lead), "direction",
                     f"{exp.name}{exp.value}（{exp.why}），公开文本写的是“持平”", "error", key)

    def check_no_comparison(self, line: Line, m: re.Match, _key):
        if self.expect is None:
            return
        text = line.text
        keys = [("财政拨款收、支总计", "fiscal_total"), ("收、支总计", "total"),
                ("一般公共预算财政拨款支出", "gpb.total"), ("“三公”经费财政拨款支出决算为", "three_public.total"),
                ("因公出国", "three_public.abroad"), ("公务用车购置及运行维护费支出决算", "three_public.vehicle"),
                ("公务接待费支出决算", "three_public.reception"), ("机关运行经费", "admin_operating")]
        for word, key in keys:
            if word in text[:m.start()]:
                exp = self.expect.get(f"direction:{key}")
                if exp is not None:
                    self.add(line, line.original(*m.span()), self._movement_phrase(key, f"比{self.expect.year - 1}年"), "direction",
                             f"data/中有{self.expect.name(key)}{self.expect.year - 1}年的数据（{exp.why}），"
                             "并非无可比数据",
                             "error", key)
                return

    def check_nothing_or_amount(self, line: Line, m: re.Match, key: str):
        if m.group("a") is not None:
            self.check_number(line, m, "a", f"amount:{key}")
            return
        self.record(line, f"amount:{key}", Decimal(0), "（无）")
        if self.expect is None:
            return
        exp = self.expect.get(f"amount:{key}")
        if exp is not None and exp.value != 0:
            self.add(line, line.original(*m.span()), m.group(0).replace("（无）", exp.shown + "万元"), "amount",
                     f"{exp.name}：按数据为{exp.shown}万元，公开文本却写为无", "error", key)

    def check_missing_comma(self, line: Line, m: re.Match):
        if self.expect is None:
            return
        start = m.start()
        while start > 0 and (line.text[start - 1].isdigit() or line.text[start - 1] in ".,"):
            start -= 1
        self.add(line, line.original(start, m.end() + 4), line.text[start:m.end()] + "，" + line.text[m.end():m.end() + 4],
                 "punctuation", "两个分句之间缺少逗号", "note")

    def check_residue(self, line: Line, m: re.Match):
        if self.expect is None or line.is_claimed(*m.span()):
            return
        lo = max(0, m.start() - 8)
        self.add(line, line.original(lo, m.end() + 6), "—", "residue",
                 f"模板残留：文中留有“{m.group(0)}”", "error")

    def check_budget_direction(self, line: Line, m: re.Match):
        if "“三公”经费财政拨款支出决算为" in line.text:
            key = "three_public.total"
        elif line.number in self._class_keys:
            key = self._class_keys[line.number]
        else:
            return
        self.record(line, f"budget_direction:{key}", m.group("bd"), m.group("bd"))
        if self.expect is None:
            return
        exp = self.expect.get(f"budget_direction:{key}")
        if exp is not None and exp.value != m.group("bd"):
            self.add(line, line.original(*m.span()), f"决算数{exp.value}预算数", "budget_direction",
                     f"{exp.name}：{exp.why}", "error", key)

    def _line_name(self, code: str) -> str:
        """The name 五（三） gives a class: its 款 (一般公共服务组织事务支出) where its budget is given for one 款."""
        if self.expect is None:
            return catalogue.FUNCTION_CLASSES[code]
        figures = self.expect.current
        lines = [b for b in figures.budget_lines() if b.startswith(code)]
        return figures.line_name(lines[0]) if len(lines) == 1 else catalogue.FUNCTION_CLASSES[code]

    def check_class_item(self, line: Line, m: re.Match):
        label = m.group("label")
        code = CLASS_BY_NAME.get(label)
        if code is None:
            for name, c in sorted(CLASS_BY_NAME.items(), key=lambda kv: -len(kv[0])):
                if label.startswith(name.removesuffix("支出")):
                    code = c
                    break
        if code is None:
            order = [s.qkey.split(":", 2)[2] for s in self.statements if s.qkey.startswith("amount:gpb.actual:")]
            if self.expect is not None:
                order = list(self.expect.current.by_code("gpb.actual"))
            index = int(m.group("idx")) - 1
            code = order[index] if 0 <= index < len(order) else None
        if code is None:
            return
        key = f"gpb.actual:{code}"
        self._class_keys[line.number] = key
        self.record(line, f"label:{key}", label, label, index=int(m.group("idx")))
        expected = self._line_name(code)
        if self.expect is not None and label != expected:
            self.add(line, line.original(*m.span("label")), expected, "name",
                     f"支出功能分类科目{code}为“{expected}”，名称应与数据中的科目一致", "warning", key)
        self.check_number(line, m, "a", f"amount:{key}")
        if m.group("c") is not None:
            self.check_number(line, m, "c", f"completion:{key}")

    def check_chart(self, line: Line, m: re.Match):
        line.claim(*m.span("n"))
        number = int(m.group("n"))
        caption = m.group("caption")
        self.record(line, "chart", number, m.group("n"), caption=caption)
        if self.expect is None:
            return
        charts = self.report.template.charts
        known = {normalise_text(c.caption): n for n, c in charts.items()}
        expected = known.get(caption, self._chart_last + 1)
        self._chart_last = expected
        if number != expected:
            self.add(line, f"图{number}：{caption}", f"图{expected}：{caption}", "chart",
                     f"“{caption}”应为图{expected}", "warning")
        kind = m.group("kind")
        if kind and caption in known:
            want = {"change_bars": "柱状图", "structure_pie": "饼状图"}.get(charts[known[caption]].kind, "趋势图")
            if kind != want:
                self.add(line, kind, want, "chart", f"图{expected}应为{want}", "note")

    def check_breakdown(self, line: Line, m: re.Match):
        item = "three_public.reception_domestic"
        regex = _compiled(r"(?P<label>[^，、；：\d]+?){A:a}")
        parts, labels = [], []
        start, end = m.span("items")
        for pm in regex.finditer(line.text, start, end):
            label = pm.group("label")
            labels.append(label)
            parts.append(parse_number(pm.group("a")))
            qkey = f"amount:breakdown:{item}:{label}"
            if self.expect is not None and self.expect.get(qkey) is None:
                line.claim(*pm.span("a"))
                self.record(line, qkey, parts[-1], pm.group("a"))
                known = [lab for lab, _ in self.expect.current.breakdown(item)]
                self.add(line, line.original(pm.start(), pm.end()), "、".join(known) or "—", "name",
                         f"data/中{catalogue.item_name(item)}的明细没有“{label}”一项", "error", item)
            else:
                self.check_number(line, pm, "a", qkey, pm.start())
        if self.expect is None or not parts:
            return
        stated = [s for s in self.statements if s.line == line.number and s.qkey == f"amount:{item}"]
        if stated:
            self._check_sum(line, stated[-1].value, parts, line.original(start, end), item, stated[-1].text)
        for label, amount in self.expect.current.breakdown(item):
            if label not in labels:
                self.add(line, "—", f"{label}{format_amount(amount)}万元", "omitted",
                         f"明细中遗漏了{label}，data/中为{format_amount(amount)}万元", "error", item)

    def _units_sentence(self, n: int | None = None) -> str:
        from collections import Counter

        units = self.expect.current.units
        kinds = Counter(u.kind for u in units)
        listed = "，".join(f"{k}{kinds.get(k, 0)}个" for k in catalogue.UNIT_KINDS)
        return f"下属二级预算单位{len(units)}个，其中{listed}"

    def check_unit_kinds(self, line: Line, m: re.Match):
        kinds = re.compile(r"(?P<kind>[^，、\d]+?)(?P<n>\d+)个")
        start, end = m.span("kinds")
        found = []
        for km in kinds.finditer(line.text, start, end):
            kind = km.group("kind")
            found.append((kind, int(km.group("n"))))
            if kind in catalogue.UNIT_KINDS:
                self.check_number(line, km, "n", f"count:units:{kind}", km.start())
            else:
                line.claim(*km.span("n"))
                self.record(line, f"count:units:{kind}", int(km.group("n")), km.group("n"))
        self.record(line, "units_label", m.group("label"), m.group("label"))
        if self.expect is None:
            return
        total = int(m.group("n"))
        if m.group("label") != "二级预算单位" or [k for k, _ in found] != list(catalogue.UNIT_KINDS):
            self.add(line, line.original(m.start(), end), self._units_sentence(), "unit_kinds",
                     "下属单位应称为“二级预算单位”，并按第一部分的单位类型（行政单位、参照公务员法管理的事业单位、"
                     "其他事业单位）分别计数", "error", "units")
        if sum(n for _, n in found) != total:
            self.add(line, line.original(m.start(), end), str(total), "sum",
                     f"各类单位相加为{sum(n for _, n in found)}个，公开文本所述单位数为{total}个", "error", "units")

    def _expected_unit_names(self) -> list[str]:
        return [self.expect.current.short_name] + [u.name for u in self.expect.current.units]

    def check_unit_names_inline(self, line: Line, m: re.Match):
        names = [n for n in m.group("names").split("、") if n]
        self.record(line, "unit_names", names, m.group("names"))
        if self.expect is None:
            return
        expected = self._expected_unit_names()
        if names != expected:
            self.add(line, line.original(*m.span("names")), "、".join(expected), "unit_names",
                     "单位名称应与第一部分及data/中的名称一致", "error", "units")

    def _unit_list_items(self):
        units = self.expect.current.units
        for i, line in enumerate(self.lines):
            if "编制范围的二级预算单位包括" not in line.text:
                continue
            index = 0
            for follower in self.lines[i + 1:]:
                if not follower.text:
                    continue
                split = split_heading(follower.text)
                if not split or heading_level(split[0]) != 3:
                    break
                name = split[1]
                expected = units[index].name if index < len(units) else None
                if expected is None:
                    self.add(follower, name, "—", "unit_names",
                             f"data/中只有{len(units)}个下属二级预算单位", "error", "units")
                elif name != expected:
                    self.add(follower, name, expected, "unit_names",
                             f"data/units.csv中第{index + 1}个单位为{expected}", "error", "units")
                index += 1
            if index < len(units):
                self.add(line, "—", "、".join(u.name for u in units[index:]), "omitted",
                         "列举中遗漏了data/units.csv中的单位", "error", "units")

    def _structure(self):
        """Parts, sections and heading numbers, held against the workbook's own numbering."""
        ours = _ours_headings(self.report) if self.report is not None else {}
        part = None
        counters: dict[int, int] = {}
        path: dict[int, str] = {}
        for line in self.lines:
            split = split_heading(line.text) if line.text else None
            if split:
                number, title = split
                line.heading = split
                line.claim(0, len(number))
                if heading_level(number) == 0:
                    part = part_of(title) or part
                    path.clear()
                known = ours.get((part, title))
                level = heading_level(known or number)
                if known is not None:
                    expected = known
                else:
                    value = counters.get(level, 0) + 1
                    expected = renumber(number, value)
                if self.report is not None and number != expected:
                    what = "部分" if level == 0 else "标题" if level <= 2 else "条目"
                    shown = line.original(0, len(number) + 30)
                    self.findings.append(Finding(line.number, "", shown, expected + title[:30],
                                                 "numbering", f"{what}“{title[:24]}”按报告的顺序应编为“{expected}”"
                                                 f"（公开文本为“{number}”）",
                                                 "warning"))
                counters[level] = number_in_heading(expected) or 0
                for deeper in [k for k in counters if k > level]:
                    del counters[deeper]
                if level <= 2:
                    path[level] = expected
                    for deeper in [k for k in path if k > level]:
                        del path[deeper]
            line.part = part
            line.section = self._section_name(part, path)
        for finding in self.findings:
            finding.section = self.lines[finding.line - 1].section

    @staticmethod
    def _section_name(part, path) -> str:
        label = f"第{chinese_numeral(part)}部分" if part else ""
        inner = "".join(path.get(level, "").rstrip("、") for level in (1, 2))
        if part == 4 and inner:
            label += " 附件"
        return f"{label} {inner}".strip()

    def _first(self, qkey: str, after: int = 0, part: int | None = None) -> Statement | None:
        for s in self.statements:
            if s.qkey == qkey and s.line >= after and (part is None or s.part == part):
                return s
        return None

    def _cross_sums(self):
        groups = [
            ("amount:three_public.total", ["amount:three_public.abroad", "amount:three_public.vehicle",
                                           "amount:three_public.reception"]),
            ("amount:gpb_basic.total", ["amount:gpb_basic.personnel", "amount:gpb_basic.public"]),
            ("amount:three_public.vehicle", ["amount:three_public.vehicle_purchase",
                                             "amount:three_public.vehicle_operation"]),
            ("amount:three_public.reception", ["amount:three_public.reception_domestic",
                                               "amount:three_public.reception_foreign"]),
            ("amount:three_public.vehicle_purchase", [f"amount:three_public.vehicle_purchase:{c}"
                                                      for c in catalogue.VEHICLE_TYPES]),
        ]
        for total_key, part_keys in groups:
            total = self._first(total_key)
            if total is None:
                continue
            parts = [self._first(k, total.line, total.part) for k in part_keys]
            if any(p is None for p in parts) or all(p.line == total.line for p in parts):
                continue
            last = max(parts, key=lambda p: p.line)
            line = self.lines[last.line - 1]
            self._check_sum(line, total.value, [p.value for p in parts],
                            " + ".join(p.text for p in parts), total_key.split(":", 1)[1], total.text,
                            other_line=total.line)

    def _restated(self):
        """The same quantity stated with different values in two places."""
        groups: dict[str, list[Statement]] = {}
        for s in self.statements:
            kind = s.qkey.split(":", 1)[0]
            if kind not in ("amount", "count", "completion", "share"):
                continue
            key = s.qkey
            if key in ("count:vehicles_held", "count:vehicles_by_use"):
                key = YEAR_END_VEHICLES  # by type and by use: the same vehicles held at year end
            groups.setdefault(key, []).append(s)
        noted: set[int] = set()  # findings that already say where else the quantity is stated
        for key, statements in groups.items():
            values = {s.value for s in statements}
            if len(values) < 2:
                continue
            for s in statements:
                others = [o for o in statements if o.value != s.value]
                if not others:
                    continue
                note = "；另在" + "、".join(f"第{o.line}行写作{o.text}" for o in others[:3])
                mine = [f for f in self.findings if f.line == s.line and f.rule in VALUE_RULES
                        and f.figure == s.qkey.split(":", 1)[1]]
                if mine:
                    for f in mine:
                        if id(f) not in noted:
                            noted.add(id(f))
                            f.message += note
                elif self.expect.get(s.qkey) is None or key == YEAR_END_VEHICLES:
                    exp = self.expect.get(s.qkey)
                    if exp is not None and exp.value == s.value:
                        continue
                    self.add(s.line, s.text, others[0].text, "restated",
                             f"同一数字（{key.split(':', 1)[1]}）前后表述不一致{note}", "error",
                             key.split(":", 1)[1])

    def _duty_groups(self):
        duties = self.expect.current.text.get("duties") or []
        titles = [str(d.get("title", "")) for d in duties if isinstance(d, dict)]
        if len(titles) < 2:
            return
        wanted = {normalise_text(t): i for i, t in enumerate(titles)}
        for part in (1, 4):
            found = {}
            last_line = None
            for line in self.lines:
                if line.part == part and line.heading and line.heading[1] in wanted:
                    found[line.heading[1]] = line
                    last_line = line
            if not found:
                continue
            for title, index in wanted.items():
                if title not in found:
                    where = f"第{chinese_numeral(part)}部分"
                    self.add(last_line, "—", f"{index + 1}.{titles[index]}", "omitted",
                             f"{where}只列出了{len(titles)}类职责中的{len(found)}类，"
                             f"缺少“{titles[index]}”", "warning", "duties")

    def _half_width(self):
        pattern = re.compile(r"[\u4e00-\u9fff）][,:;](?!\d)|[,:;(][\u4e00-\u9fff（]|\([\u4e00-\u9fff]+\)")
        for line in self.lines:
            raw = re.sub(r"\[bookmark: [^\]]*\]|\[image: \]", "", line.raw)
            for m in pattern.finditer(raw):
                if m.group(0)[0].isdigit():
                    continue
                lo = max(0, m.start() - 8)
                published = raw[lo:m.end() + 3].strip()
                self.add(line, published, normalise_text(published), "punctuation",
                         "中文文本中使用了半角标点", "note")

    def _bank(self) -> list[str]:
        """The department's own words (data/text, the glossary, names), normalised like the lines."""
        cached = getattr(self.report, "_audit_bank", None)
        if cached is not None:
            return cached
        strings: list[str] = []

        def walk(value):
            if isinstance(value, str):
                strings.append(value)
            elif isinstance(value, dict):
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)
            elif value is not None:
                strings.append(str(value))

        f = self.expect.current
        walk(f.text)
        walk(self.report.context.get("glossary"))
        walk([f.name, f.short_name] + [u.name for u in f.units])
        bank = [normalise_text(p) for s in strings for p in str(s).splitlines() if p.strip()]
        bank = [b for b in bank if any(c.isdigit() for c in b)]
        self.report._audit_bank = bank
        return bank

    def _text_numbers(self):
        """Numbers no figure accounts for must be the department's own words in data/text."""
        bank = self._bank()
        for line in self.lines:
            for m in numbers_in(line.text):
                if line.is_claimed(*m.span()):
                    continue
                ok, expected = self._in_bank(bank, line.text, m)
                if ok:
                    continue
                lo = self._label_start(line, m.start(), 10)
                hi = min(len(line.text), m.end() + 4)
                published = line.original(lo, hi)
                self.add(line, published, expected or "—", "text_number",
                         f"{m.group(0)}不是报告中的数据，也不在data/中部门自己的文字"
                         f"（text/{self.expect.current.department_id}.yaml）里", "error")

    @staticmethod
    def _in_bank(bank: list[str], text: str, m: re.Match, width: int = 4) -> tuple[bool, str | None]:
        """Whether the number, with the words on both sides of it, is in the department's words.

        Where a text of data/ begins or ends within those words (the template's words run on), only
        what lies inside it must agree.
        """
        number = m.group(0)
        left = text[max(0, m.start() - width):m.start()]
        right = text[m.end():m.end() + width]
        pattern = re.compile(rf"(?<![\d.,]){re.escape(number)}(?![\d]|\.\d)")
        for s in bank:
            for found in pattern.finditer(s):
                b_left = s[max(0, found.start() - len(left)):found.start()]
                b_right = s[found.end():found.end() + len(right)]
                left_ok = b_left == left or (len(b_left) < len(left) and left.endswith(b_left))
                right_ok = b_right == right or (len(b_right) < len(right) and right.startswith(b_right))
                if left_ok and right_ok:
                    return True, None
        # what the department's words have in that place
        for s in bank:
            if left:
                found = re.search(re.escape(left) + r"(\d[\d.,]*)", s)
                if found:
                    return False, left + found.group(1) + s[found.end():found.end() + len(right)]
            if right:
                found = re.search(r"(\d[\d.,]*)" + re.escape(right), s)
                if found:
                    return False, s[max(0, found.start() - len(left)):found.start()] + found.group(1) + right
        return False, None


# ---------------------------------------------------------------- entry points
def audit_text(text: str, report) -> list[Finding]:
    """Every finding of a published text against the report's figures, in line order: by the template's own
    sentences (template_audit), or, for the seed's template, by the hand-written rules of audit_rules.py."""
    if report.template.audit == "template":
        from .template_audit import audit_against_template

        return audit_against_template(text, report)
    return Auditor(text, report).run()


def read_statements(text: str) -> tuple[list[Statement], list[Line]]:
    """What a published text states, quantity by quantity, without comparing (for `juesuan extract`)."""
    auditor = Auditor(text)
    auditor.run()
    return auditor.statements, auditor.lines


def read_published(path: Path, department: str | None = None) -> str:
    """The published text, refused at its line where a number is past what the figures can hold."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, department, "published text", "已公开报告的纯文本文件", "文件不存在")
    text = read_text_file(path)
    for number, line in enumerate(text.splitlines(), start=1):
        for match in numbers_in(line):
            if not within_bound(parse_number(match.group(0))):
                raise DataError(path, department, "number", f"不超过 {MAX_AMOUNT_TEXT} 万元（10^12）的数字",
                                match.group(0), line=number)
    return text


def audit_file(path: Path, department: str, year: int, data_dir: Path = Path("data")) -> list[Finding]:
    from .report import load_report

    text = read_published(path, department)
    return audit_text(text, load_report(department, year, data_dir))


def summary(findings: list[Finding]) -> str:
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    if not findings:
        return "未发现问题：公开文本与数据一致"
    return f"共发现{len(findings)}处问题：" + "，".join(f"{SEVERITY_WORDS[s]}{n}处" for s, n in counts.items())


def format_text(findings: list[Finding], source: str = "") -> str:
    lines = []
    for f in findings:
        where = f"{source}:{f.line}" if source else f"第{f.line}行"
        section = f"（{f.section}）" if f.section else ""
        lines.append(f"{where}：{SEVERITY_WORDS.get(f.severity, f.severity)}：{f.rule}{section}："
                     f"公开文本「{f.published}」，按数据应为「{f.expected}」——{f.message}")
    lines.append(summary(findings))
    return "\n".join(lines)


def format_json(findings: list[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2)


def published_check(report) -> str | None:
    """The appendix 与已公开文本的核对 (Markdown), when data/<year>/published/<id>.txt exists; else None."""
    from .narrative import render
    from .template import TEMPLATES

    path = report.published_text
    if not path.is_file():
        return None
    findings = audit_text(read_published(path), report)
    rows = []
    for f in findings:
        label = RULE_LABELS.get(f.rule, f.rule)
        if f.severity == "warning" and f.explained == "rounding":
            label += "（可由尾数四舍五入解释）"
        elif f.severity == "warning" and f.explained == "truncated":
            label += "（截尾而非四舍五入）"
        elif f.severity == "note":
            label += "（格式）"
        rows.append({"line": f.line, "section": f.section or "—", "published": f.published,
                     "expected": f.expected, "rule": label})
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    return render(TEMPLATES, "appendix_published_check.md.j2", {
        "year": report.current.year, "short": report.current.short_name, "source": path.name,
        "rows": rows, "errors": counts["error"], "warnings": counts["warning"], "notes": counts["note"],
    })
