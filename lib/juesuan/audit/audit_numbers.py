"""The seed's audit: each number a sentence states, against the figures (amounts, shares, changes, lists)."""
from __future__ import annotations

import re
from decimal import Decimal

from juesuan.data import catalogue
from juesuan.audit.audit_expect import truncated
from juesuan.audit.audit_parse import Line, parse_number
from juesuan.audit.audit_rules import CLASS_BY_NAME
from juesuan.data.formatting import format_amount, format_percent
from juesuan.data.money import round_half_up
from juesuan.audit.audit_base import _compiled


class NumberChecks:
    """Methods of `audit.Auditor`, which holds the lines, the expectations and the findings they use."""

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
