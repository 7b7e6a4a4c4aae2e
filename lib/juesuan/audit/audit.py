"""Audit a published report against the figures in data/.

`audit_text(text, report)` reads a published text by the sentences its template writes (template_audit: the
template rendered from the department's figures, every value marked by what it states) and lists every
difference as a `Finding`, with the checks that are not wording (general_checks: chart captions, shares adding
up, thousands separators).

Severity: `error` (the text states something the figures contradict), `warning` (a difference that rounding
of the underlying amounts could explain, a truncated percentage, reworded sentences, heading numbers),
`note` (typography: number format, punctuation).
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from juesuan.errors import DataError
from juesuan.data.loading import read_text_file
from juesuan.data.money import MAX_AMOUNT_TEXT, within_bound
# The audit's public names, wherever they are defined.
from juesuan.audit.audit_base import (RULE_LABELS, SEVERITIES, Finding, format_json, format_text,  # noqa: F401
                                      summary)


#: A number as reports write it: 1,848.7  1848.48  0.22  100
_NUMBER = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d])")


def audit_text(text: str, report) -> list[Finding]:
    """Every finding of a published text against the report's figures, in line order, by the template's own
    sentences."""
    from juesuan.audit.template_audit import audit_against_template

    return audit_against_template(text, report)


def read_published(path: Path, department: str | None = None) -> str:
    """The published text, refused at its line where a number is past what the figures can hold."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, department, "published text", "已公开报告的纯文本文件", "文件不存在")
    text = read_text_file(path)
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _NUMBER.finditer(line):
            if not within_bound(Decimal(match.group(0).replace(",", ""))):
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
