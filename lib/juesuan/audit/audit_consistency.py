"""The seed's audit: the text against itself (its sums, a figure stated twice, punctuation, stray numbers)."""
from __future__ import annotations

import re

from juesuan.data import catalogue
from juesuan.audit.audit_parse import normalise_text, numbers_in
from juesuan.audit.audit_base import VALUE_RULES, YEAR_END_VEHICLES, Statement


class ConsistencyChecks:
    """Methods of `audit.Auditor`, which holds the lines, the expectations and the findings they use."""

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
