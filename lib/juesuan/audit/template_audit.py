"""A published text held against its template and its figures, with no rule written for the template.

The report is rendered from the department's figures with every number tagged (narrative.TAG): each
sentence of it is then a pattern, its words literal, its numbers the variable parts. Each sentence is
looked for in the published text, in order:

* found with the same words: each number the text prints is compared with the one the figures give
  (as numbers: 20 and 20.00 are the same);
* found only with a general tolerance (half-width punctuation, a dropped 万元 or 元, 年 for 年度): a note;
* not found, but a published sentence is close to it: a wording difference, both sentences shown;
* not found at all: a sentence the published text leaves out.

Tables, the table of contents and the line breaks of a PDF's text are not sentences of the template, and
published text the template does not write is not read. Only the tolerances below are hand-written, once.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from juesuan.audit.audit_base import Finding
from juesuan.report.narrative import TAG, markdown_to_text, render_template

HALF_TO_FULL = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})
NUMBER = r"\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
#: How close (difflib's ratio, numbers aside) a published sentence must be to be the same sentence reworded.
CLOSE = 0.6
#: How far ahead in the published text a sentence is looked for: the next few sentences within a section
#: (so that a sentence common to many lines, 年初预算为…万元，支出决算为…万元。, is the line's own), further at
#: a section's first (tables and a table of contents may stand between sections).
WITHIN_SECTION, AT_A_SECTION = 3, 80
SKIPPED_LINES = ("=== PAGE",)


@dataclass
class _Sentence:
    text: str          # whitespace removed, half-width punctuation made full-width
    raw: str           # as published (whitespace removed), for the finding
    line: int          # where it starts in the published text
    section: str
    lines: list[int]   # the line of each of its characters

    def line_at(self, position: int) -> int:
        return self.lines[min(position, len(self.lines) - 1)] if self.lines else self.line


def _published_sentences(text: str) -> list[_Sentence]:
    """The published text as sentences, each with its first line: soft line breaks joined, spaces dropped."""
    chars, lines = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(SKIPPED_LINES):
            continue
        for c in re.sub(r"\s+", "", line):
            chars.append(c)
            lines.append(number)
    joined = "".join(chars)
    out, start = [], 0
    for match in re.finditer("。", joined):
        raw = joined[start:match.end()]
        out.append(_Sentence(raw.translate(HALF_TO_FULL), raw, lines[start], "", lines[start:match.end()]))
        start = match.end()
    if start < len(joined):
        raw = joined[start:]
        out.append(_Sentence(raw.translate(HALF_TO_FULL), raw, lines[start], "", lines[start:]))
    return out


def _our_sentences(report) -> list[tuple[str, str, bool]]:
    """Each sentence of the report as the template writes it, numbers tagged: (text, section, ends with 。).
    Each section on its own (what ends a section without a 。 is a fragment), tables left out."""
    out = []
    for section in report.template.sections:
        markdown = render_template(report.template, report.template.section(section.key).file, report.context,
                                   tagged=True)
        text = "".join(line for line in markdown_to_text(markdown).splitlines() if not line.startswith("|"))
        text = re.sub(r"\s+", "", text).translate(HALF_TO_FULL)
        pieces = [p for p in re.split("(?<=。)", text) if p]
        out += [(p, section.key, p.endswith("。")) for p in pieces]
    return out


def _pattern(sentence: str) -> tuple[re.Pattern, list[tuple[str, str]]]:
    """A sentence with tagged numbers as a regular expression: its words literal (with the general
    tolerances), each number a group. Returns the pattern and the (kind, number) of each group."""
    parts, numbers, last = [], [], 0
    for match in TAG.finditer(sentence):
        parts.append(_literal(sentence[last:match.start()]))
        kind, written = match.group(1), match.group(2)
        percent = kind == "p" and written.endswith("%")
        parts.append(f"({NUMBER})" + ("%" if percent else ""))
        numbers.append((kind, written[:-1] if percent else written))
        last = match.end()
    parts.append(_literal(sentence[last:]))
    return re.compile("".join(parts)), numbers


def _literal(words: str) -> str:
    """Words to look for: 万元 may have lost its 万 or 元, 年度 may read 年 (named as notes, not errors)."""
    escaped = re.escape(words)
    escaped = escaped.replace("万元", "(?:万元|万|元)").replace("年度", "年(?:度)?")
    return escaped


def _plain(sentence: str) -> str:
    return TAG.sub(lambda m: m.group(2), sentence)


def _skeleton(text: str) -> str:
    return re.sub(NUMBER, "#", text)


def _value(text: str) -> Decimal | None:
    try:
        return Decimal(re.sub("[,，]", "", text))
    except InvalidOperation:
        return None


def audit_against_template(text: str, report) -> list[Finding]:
    """Every place where the published text differs from what the template writes of the figures."""
    published = _published_sentences(text)
    findings: list[Finding] = []
    # The published text before sentence `at`, and before `offset` in it, is behind us: the template's order
    # is the text's. (A section's last words without a 。 may share a published sentence with what follows.)
    at, offset = 0, 0
    previous_section = None
    for sentence, section, whole in _our_sentences(report):
        pattern, numbers = _pattern(sentence)
        found = None
        reach = AT_A_SECTION if section != previous_section else WITHIN_SECTION
        previous_section = section
        for index in range(at, min(at + reach, len(published))):
            start = offset if index == at else 0
            candidate = published[index].text
            match = pattern.search(candidate, start)
            if match and (not whole or match.end() == len(candidate)):
                found = (index, match)
                break
        if found is None:
            finding, index = _unmatched(sentence, section, published, at, reach)
            findings.append(finding)
            if index is not None:
                at, offset = index + 1, 0
            continue
        index, match = found
        at, offset = (index + 1, 0) if whole else (index, match.end())
        findings += _compare(published[index], match, numbers, sentence, section)
    return [f for f in findings if f is not None]


def _compare(sentence: _Sentence, match: re.Match, numbers, ours: str, section: str) -> list[Finding]:
    """The numbers of a published sentence against the figures', and what the tolerances let through."""
    out = []
    for group, (kind, expected) in enumerate(numbers, 1):
        printed = match.group(group)
        if _value(printed) != _value(expected):
            what = {"a": "金额", "p": "百分比", "n": "数字"}[kind]
            out.append(Finding(sentence.line_at(match.start(group)), section, _context(match, group),
                               _context(match, group, expected),
                               "number", f"{what}与数据不符：公开 {printed}，按数据应为 {expected}", "error"))
    span = sentence.raw[match.start():match.end()]
    if span.translate(HALF_TO_FULL) != span:
        half = "".join(sorted(set(c for c in span if c in ",:;()")))
        first = min(i for i, c in enumerate(span) if c in ",:;()")
        out.append(Finding(sentence.line_at(match.start() + first), section, _clip(span),
                           _clip(span.translate(HALF_TO_FULL)), "half_width",
                           f"半角标点“{half}”混在全角文字中", "note"))
    # The template's words with the published numbers in them: what is left over is a tolerated difference.
    printed_numbers = iter(match.group(g) for g in range(1, len(numbers) + 1))
    rebuilt = TAG.sub(lambda m: next(printed_numbers) + ("%" if m.group(2).endswith("%") else ""), ours)
    if rebuilt != match.group(0):
        for a, b in _differing(match.group(0), rebuilt):
            rule, why = ("unit", "金额的单位不完整：应为“万元”") if "万" in b or "元" in b else ("year", "“年度”写作“年”")
            out.append(Finding(sentence.line_at(match.start() + match.group(0).find(a)), section, a, b, rule, why,
                               "note"))
    return out


def _differing(published: str, template: str) -> list[tuple[str, str]]:
    """The stretches where two near-identical texts differ, each with a few characters around it."""
    out = []
    matcher = difflib.SequenceMatcher(a=published, b=template, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            out.append((published[max(0, i1 - 8):i2 + 4], template[max(0, j1 - 8):j2 + 4]))
    return out


def _context(match: re.Match, group: int, replacement: str | None = None) -> str:
    text, start, end = match.group(0), match.start(group) - match.start(), match.end(group) - match.start()
    shown = text[:start] + (match.group(group) if replacement is None else replacement) + text[end:]
    left = max(0, start - 16)
    return shown[left:start + 24 + (len(replacement or "") - (end - start))]


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[:width] + "…"


def _unmatched(sentence: str, section: str, published: list[_Sentence], at: int,
               reach: int) -> tuple[Finding, int | None]:
    """A sentence of the template not found as it is: the closest published sentence ahead, reworded (and
    where it is), or none (left out)."""
    ours = _plain(sentence)
    want = _skeleton(ours)
    best, ratio = None, 0.0
    for index in range(at, min(at + reach, len(published))):
        score = difflib.SequenceMatcher(a=_skeleton(published[index].text), b=want, autojunk=False).ratio()
        if score > ratio:
            best, ratio = index, score
    if best is not None and ratio >= CLOSE:
        stretches = _differing(published[best].text, ours) or [(published[best].raw, ours)]
        shown = "；".join(a for a, _ in stretches), "；".join(b for _, b in stretches)
        where = published[best].line_at(published[best].text.find(stretches[0][0]))
        return Finding(where, section, *shown, "wording", "文字与模板不同（数字之外）", "warning"), best
    line = published[at].line if at < len(published) else (published[-1].line if published else 0)
    return Finding(line, section, "", ours, "missing", "公开文本中没有这一句", "warning"), None
