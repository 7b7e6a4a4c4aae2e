"""Audit a published report on its own, with no data: `audit_published(path)`.

It reads the report (text or PDF, `published_source`), recognises its template from its own headings
when none is named, reads the standard tables it prints (`published_tables`) and holds them against
each other (`table_audit`); then the template's sentence checks hold the report's sentences against those
tables and against each other (`sentence_audit`, connected for both shipped templates). The outcome says
which checks ran and which could not, and why.

The seam for the sentence checks: `SENTENCE_CHECKS[template name]` is a function
`(source: Source, tables: TablesRead, data_dir: Path | None) -> sentence_audit.SentenceOutcome` (findings,
checks run, checks not run and why), taking the report's located lines, the tables read from it (table id →
FoundTable in `tables.tables`, each Row's `values` by column key, e.g.
`tables.tables["05"].row("207").values["total"].value`; `tables.where` gives a row's line) and the folder
holding the template's example department, whose rendering gives the template's sentences.
`connect_sentence_checks(name, function)` plugs one in.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from juesuan.audit.audit_base import SEVERITIES, Finding
from juesuan.errors import DataError
from juesuan.audit.published_source import Source, read_source, recognise_template  # noqa: F401 (its place before)
from juesuan.audit.published_tables import TablesRead, read_tables
from juesuan.audit.rendered_audit import rendered_audit
from juesuan.audit.sentence_audit import WORDING_NOT_RUN, SentenceOutcome, prose, sentence_checks
from juesuan.data.template import load_template
from juesuan.audit.table_audit import audit_tables, checks_run

SentenceChecks = Callable[[Source, TablesRead, "Path | None"], SentenceOutcome]

#: template name → its sentence checks (see the module's docstring)
SENTENCE_CHECKS: dict[str, SentenceChecks] = {}

#: The findings of the rendered template (rendered_audit) that the sentence checks cannot make: its words,
#: punctuation, units, heading numbers, sentences left out, thousands separators.
WORDING_RULES = ("wording", "half_width", "unit", "year", "numbering", "missing", "number_format")

TEMPLATE_WORDS = {"national": "全国九张表模板（第二部分 部门决算表，第三部分 决算情况说明）",
                  "sichuan": "四川模板（第二部分 决算情况说明，第四部分 附件）"}


def connect_sentence_checks(template: str, checks: SentenceChecks) -> None:
    SENTENCE_CHECKS[template] = checks


for _shipped in TEMPLATE_WORDS:
    connect_sentence_checks(_shipped, sentence_checks(_shipped))


@dataclass
class AuditOutcome:
    path: Path
    template: str
    findings: list[Finding]
    ran: list[str] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}


def audit_published(path: str | Path, template: str | None = None, data_dir: Path | None = None,
                    department: str | None = None) -> AuditOutcome:
    """Every check the report alone allows; a DataError (one line) when it is no report this can read.
    `data_dir`: where the template's example department is (default data/ of the current folder); with
    `department`, also where that department's figures are, as many as there are (rendered_audit: data's
    figures first, then the report's tables', then its text's)."""
    path = Path(path)
    source = read_source(path)
    recognised = recognise_template(source)
    if recognised is None:
        raise DataError(path, None, "published report", "部门决算公开报告（" + "或".join(TEMPLATE_WORDS.values()) + "）",
                        "找不到“第一部分……第二部分……”的部分标题")
    if template is not None and template != recognised:
        raise DataError(path, None, "--template", f"{template} 模板的报告（{TEMPLATE_WORDS.get(template, template)}）",
                        f"{recognised} 模板的报告")
    tables = read_tables(source)
    findings = audit_tables(tables)
    ran, not_run = checks_run(tables)
    if not tables.tables:
        not_run = [f"全部表间核对：报告未印出九张公开表（{TEMPLATE_WORDS[recognised]}）"]
        ran = []
    sentences = SENTENCE_CHECKS.get(recognised)
    if sentences is None:
        not_run.append(f"正文的句子核对（{recognised} 模板的句式）：尚未接入（standalone_audit.SENTENCE_CHECKS）")
        findings.sort(key=lambda f: f.line)
        return AuditOutcome(path, recognised, findings, ran, not_run, tables.notes)
    # without tables the sentences are still held against each other
    checked = sentences(source, tables, data_dir)
    rendered = None
    if checked.ran:  # the template's sentences could be rendered from its example
        rendered = rendered_audit(prose(source), load_template(recognised), tables,
                                  Path(data_dir) if data_dir is not None else Path("data"), department,
                                  data_dir if department is not None else None)
    findings += checked.findings
    ran += checked.ran
    if rendered is not None and rendered.done:
        # The template rendered from the figures put together: its findings of words (WORDING_RULES)
        # (the numbers are the sentence checks', which say which operand each rate was worked out from); a
        # sentence the sentence checks already fault at its line or the next is not faulted twice.
        faulted = {f.line for f in checked.findings} | {f.line - 1 for f in checked.findings}
        findings += [dataclasses.replace(f, section=_where(source, f.line) + (f"（{f.section}）" if f.section else ""))
                     for f in rendered.findings if f.rule in WORDING_RULES and f.line not in faulted]
        ran += rendered.ran
        not_run += [why for why in checked.not_run if why != WORDING_NOT_RUN] + rendered.not_run
    else:
        not_run += checked.not_run + (rendered.not_run if rendered is not None else [])
    findings.sort(key=lambda f: f.line)
    return AuditOutcome(path, recognised, findings, ran, not_run, tables.notes)


def _where(source: Source, line: int) -> str:
    lines = source.lines
    return lines[line - 1].where if 0 < line <= len(lines) else f"第{line}行"


def format_outcome(outcome: AuditOutcome) -> str:
    """One line per finding, then the counts, the checks that ran and those that could not."""
    words = {"error": "错误", "warning": "警告", "note": "提示"}
    lines = [f"{outcome.path}：{f.section or f'第{f.line}行'}：{words[f.severity]}：{f.message}" for f in outcome.findings]
    lines += [f"{outcome.path}：未读取：{note}" for note in outcome.notes]
    counts = outcome.counts()
    lines.append(f"{outcome.path}：模板 {outcome.template}；" + "，".join(f"{words[s]}{n}处" for s, n in counts.items()))
    lines += [f"已核对：{name}" for name in outcome.ran]
    lines += [f"未核对：{why}" for why in outcome.not_run]
    return "\n".join(lines)
