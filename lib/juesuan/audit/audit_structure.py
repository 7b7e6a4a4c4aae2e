"""The seed's audit: the text's structure (headings, numbering, charts, the units, template residue)."""
from __future__ import annotations

import re

from juesuan.data import catalogue
from juesuan.audit.audit_parse import (Line, chinese_numeral, heading_level, normalise_text, number_in_heading, part_of, renumber,
                          split_heading)
from juesuan.audit.audit_base import Finding, _ours_headings


class StructureChecks:
    """Methods of `audit.Auditor`, which holds the lines, the expectations and the findings they use."""

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
