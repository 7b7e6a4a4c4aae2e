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

import re
from pathlib import Path

from juesuan.audit.audit_expect import Expectations
from juesuan.audit.audit_parse import Line, numbers_in, parse_number, read_lines
from juesuan.audit.audit_rules import RULES, Rule
from juesuan.errors import DataError
from juesuan.data.loading import read_text_file
from juesuan.data.money import MAX_AMOUNT_TEXT, within_bound
# The audit's public names, wherever they are defined.
from juesuan.audit.audit_base import (RULE_LABELS, SEPARATORS, SEVERITIES, Finding, Statement, format_json,  # noqa: F401
                         format_text, summary)
from juesuan.audit.audit_consistency import ConsistencyChecks
from juesuan.audit.audit_numbers import NumberChecks
from juesuan.audit.audit_structure import StructureChecks


class Auditor(NumberChecks, StructureChecks, ConsistencyChecks):
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


# ---------------------------------------------------------------- entry points
def audit_text(text: str, report) -> list[Finding]:
    """Every finding of a published text against the report's figures, in line order: by the template's own
    sentences (template_audit). `audit: rules` keeps the hand-written rules of audit_rules.py, which no shipped
    template uses any more; they stay while `extract.py` reads texts through `Auditor`."""
    if report.template.audit == "template":
        from juesuan.audit.template_audit import audit_against_template

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
    from juesuan.report.report import load_report

    text = read_published(path, department)
    return audit_text(text, load_report(department, year, data_dir))


def published_check(report) -> str | None:
    """The appendix 与已公开文本的核对 (Markdown), when data/<year>/published/<id>.txt exists; else None."""
    from juesuan.report.narrative import render
    from juesuan.data.template import TEMPLATES

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
