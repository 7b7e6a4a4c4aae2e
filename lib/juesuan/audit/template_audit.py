"""A published text held against its template and its figures, with no rule written for the template.

The report is rendered from the department's figures with every number tagged (narrative.TAG, with what it
states: a percentage or a change keeps its operands) and every heading number marked: each sentence of it
is then a pattern, its words literal, its numbers and heading numbers the variable parts. The published
text, cut the same way (after each 。 and before each line that starts with a heading number), is aligned
with the template's sentences as a whole (difflib over the two sequences of sentence skeletons, so that a
sentence left out or reworded does not pull the rest out of place), and each pair is compared:

* the same words: each number the text prints is compared with the one the figures give (as numbers: 20 and
  20.00 are the same); a percentage or change that the rounding of its displayed operands could give is a
  warning (explained "rounding"), one that is the figures' value cut rather than rounded a warning
  (explained "truncated"); a heading numbered differently is a numbering warning;
* found only with a general tolerance (half-width punctuation, a dropped 万元 or 元, 年 for 年度, a number
  without its thousands separator): a note;
* not found, but a published sentence is close to it: a wording difference, both sentences shown;
* not found at all: a sentence the published text leaves out.

What a PDF's text adds is not read: `[bookmark: …]` and `[image: …]` markers, a table of contents, table
rows, chart caption lines (held against the manifest's charts by general_checks), line breaks inside a
sentence or a heading. Published text the template does not write is not read. Only the tolerances below
and the general checks (general_checks.py) are hand-written, once.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from juesuan.audit.audit_base import Finding
from juesuan.audit.rounding import Interval, truncated
from juesuan.audit.general_checks import ShareSums, chart_caption_findings, is_chart_caption
from juesuan.data.money import HALF_FEN, HUNDRED, round_half_up
from juesuan.report.narrative import LOOP_END, LOOP_START, TAG, markdown_to_text, render, tag_source

HALF_TO_FULL = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})
NUMBER = r"\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
#: The number of a heading or list item at the start of a line: 第三部分, 一、, （一）, (1), 1、, 1. (not 1.5).
_HEADING_NUMBER = r"第(?:[一二三四五六七八九十]+|{d})部分|[（(](?:[一二三四五六七八九十]+|{d})[）)]|[一二三四五六七八九十]+、|{d}[、.．](?!\d)"
HEADING_NUMBER = _HEADING_NUMBER.format(d=r"\d+")
#: The same at the start of a line of our own tagged rendering, where a list number may be a tagged count.
_OUR_HEADING = re.compile("^(?:" + _HEADING_NUMBER.format(d=r"(?:\d+|\ue000n\d+(?:\ue002[0-9a-f]*)?\ue001)") + ")")
_PUBLISHED_HEADING = re.compile("^(?:" + HEADING_NUMBER + ")")
#: Around a heading number in our sentences (private-use characters beside narrative's).
HEADING_START, HEADING_END = "\ue005", "\ue006"
_MARKED_HEADING = re.compile(f"{HEADING_START}([^{HEADING_END}]*){HEADING_END}")
#: How close (difflib's ratio, numbers aside) a published sentence must be to be the same sentence reworded.
CLOSE = 0.6
SKIPPED_LINES = ("=== PAGE",)
#: What a PDF's text carries beside the words: Word's bookmarks and images.
_MARKERS = re.compile(r"\[(?:bookmark|image):[^\]]*\]")
#: A line of a table of contents: a heading, dot leaders, a page number.
_TOC_LINE = re.compile(r"(?:\.{3,}|…{2,}|·{3,})\d+$")


@dataclass
class _Sentence:
    text: str          # whitespace removed, half-width punctuation made full-width
    raw: str           # as published (whitespace removed), for the finding
    line: int          # where it starts in the published text
    section: str
    lines: list[int]   # the line of each of its characters

    def line_at(self, position: int) -> int:
        return self.lines[min(position, len(self.lines) - 1)] if self.lines else self.line


@dataclass
class _Ours:
    """One of the template's sentences, numbers tagged and heading numbers marked."""
    tagged: str
    section: str
    optional: bool = False   # the title: a published text need not repeat it
    as_written: str = ""     # its punctuation as rendered (the department's words may hold half-width marks)
    pattern: re.Pattern = field(init=False)
    numbers: list = field(init=False)

    def __post_init__(self):
        self.pattern, self.numbers = _pattern(self.tagged)


def _cut(chars: list[str], starts: set[int]) -> list[tuple[int, int]]:
    """Spans of a text: a new one after each 。 and at each of `starts`."""
    spans, start = [], 0
    for i, c in enumerate(chars):
        if i in starts and i > start:
            spans.append((start, i))
            start = i
        if c == "。":
            spans.append((start, i + 1))
            start = i + 1
    if start < len(chars):
        spans.append((start, len(chars)))
    return spans


def readable_lines(text: str) -> list[tuple[int, str, bool]]:
    """The lines of a published text that hold its words: (line number, the line without spaces or a PDF's
    markers, whether it is a chart's caption); page marks, tables and a table of contents left out."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(SKIPPED_LINES) or line.lstrip().startswith("|"):
            continue
        compact = re.sub(r"\s+", "", _MARKERS.sub("", line))
        if compact and not _TOC_LINE.search(compact):
            out.append((number, compact, is_chart_caption(compact)))
    return out


def _published_sentences(text: str) -> tuple[list[_Sentence], list[tuple[int, str]]]:
    """The published text as sentences, each with its lines (soft line breaks joined, spaces and a PDF's
    markers dropped), and the chart caption lines, which are no sentence of the template."""
    chars, lines, starts, captions = [], [], set(), []
    for number, compact, caption in readable_lines(text):
        if caption:
            captions.append((number, compact))
            continue
        if _PUBLISHED_HEADING.match(compact):
            starts.add(len(chars))
        chars += compact
        lines += [number] * len(compact)
    out = []
    for start, end in _cut(chars, starts):
        raw = "".join(chars[start:end])
        out.append(_Sentence(raw.translate(HALF_TO_FULL), raw, lines[start], "", lines[start:end]))
    return out, captions


def _our_sentences(report) -> list[_Ours]:
    """Each sentence of the report as the template writes it, numbers tagged with what they state, heading
    numbers marked; the title first. Tables are left out."""
    template = report.template
    files = [("title", template.title, True)] + [(s.key, s.file, False) for s in template.sections]
    chars, written, sections, optional, starts = [], [], [], [], set()
    for key, file, is_title in files:
        markdown = render(template.folder, file, report.context, template.number_style, "sources")
        # words are the sentence's own here (a zero written （无）): only numbers are its variable parts
        markdown = TAG.sub(lambda m: m.group(2) if m.group(1) in "tzc" else m.group(0), markdown)
        text = markdown_to_text(markdown).replace(LOOP_START, "").replace(LOOP_END, "")
        starts.add(len(chars))
        for line in text.splitlines():
            if line.startswith("|"):
                continue
            as_written = re.sub(r"\s+", "", line)
            line = as_written.translate(HALF_TO_FULL)   # one character for one: the two stay aligned
            heading = _OUR_HEADING.match(line)
            if heading:
                starts.add(len(chars))
                number = HEADING_START + TAG.sub(lambda m: m.group(2), heading.group(0)) + HEADING_END
                line, as_written = number + line[heading.end():], number + as_written[heading.end():]
            chars += line
            written += as_written
            sections += [key] * len(line)
            optional += [is_title] * len(line)
    return [_Ours("".join(chars[a:b]), sections[a], optional[a], "".join(written[a:b]))
            for a, b in _cut(chars, starts)]


def _pattern(sentence: str) -> tuple[re.Pattern, list[tuple]]:
    """A sentence with tagged numbers as a regular expression: its words literal (with the general
    tolerances), each number and heading number a group. Returns the pattern and, for each group, (kind,
    number as written, what it states): kinds a, p, n (narrative.TAG) and h (a heading number)."""
    variable = sorted(list(TAG.finditer(sentence)) + list(_MARKED_HEADING.finditer(sentence)),
                      key=lambda m: m.start())
    parts, numbers, last = [], [], 0
    for match in variable:
        parts.append(_literal(sentence[last:match.start()], unit_optional=True))
        if match.re is _MARKED_HEADING:
            parts.append(f"({HEADING_NUMBER})")
            numbers.append(("h", match.group(1), None))
        else:
            kind, written = match.group(1), match.group(2)
            percent = kind == "p" and written.endswith("%")
            parts.append(f"({NUMBER})" + ("%" if percent else ""))
            numbers.append((kind, written[:-1] if percent else written, tag_source(match)))
        last = match.end()
    parts.append(_literal(sentence[last:], unit_optional=True))
    return re.compile("".join(parts)), numbers


def _literal(words: str, unit_optional: bool = False) -> str:
    """Words to look for: 万元 may have lost its 万 or 元 (or, `unit_optional`, both), 年度 may read 年
    (named as notes, not errors)."""
    escaped = re.escape(words)
    unit = "(?:万元|万|元)?" if unit_optional else "(?:万元|万|元)"
    return escaped.replace("万元", unit).replace("年度", "年(?:度)?")


def _plain(sentence: str) -> str:
    return _MARKED_HEADING.sub(r"\1", TAG.sub(lambda m: m.group(2), sentence))


def _skeleton(text: str) -> str:
    """A sentence with its numbers and heading number blanked and the tolerated differences folded: two
    sentences with the same skeleton are the same sentence of the template."""
    text = _PUBLISHED_HEADING.sub("H", text)
    text = re.sub(f"(?:{NUMBER})(?:万元|万|元)?", "#", text)
    return text.replace("年度", "年")


def _value(text: str) -> Decimal | None:
    try:
        return Decimal(re.sub("[,，]", "", text))
    except InvalidOperation:
        return None


def audit_against_template(text: str, report) -> list[Finding]:
    """Every place where the published text differs from what the template writes of the figures."""
    published, captions = _published_sentences(text)
    ours = _our_sentences(report)
    findings: list[Finding] = chart_caption_findings(captions, report.template)
    shares = ShareSums()
    matcher = difflib.SequenceMatcher(a=[_skeleton(p.text) for p in published],
                                      b=[_skeleton(_plain(o.tagged)) for o in ours], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        # Sentences of the same skeleton are paired one to one; within a stretch that differs, the template's
        # sentences are looked for in order among the published ones.
        at = i1
        for offset, sentence in enumerate(ours[j1:j2]):
            if op == "equal":
                at = i1 + offset
            candidates = [at] if op == "equal" else range(at, i2)
            found = next(((i, m) for i in candidates if (m := sentence.pattern.search(published[i].text))), None)
            if found:
                index, match = found
                findings += _compare(published[index], match, sentence, shares)
                at = index + 1
                continue
            finding, index = _unmatched(sentence, published, at, at + 1 if op == "equal" else i2)
            if index is not None:
                at = index + 1
            if finding is not None:
                findings.append(finding)
    findings += shares.findings()
    return sorted(findings, key=lambda f: f.line)


def _compare(sentence: _Sentence, match: re.Match, ours: _Ours, shares: "ShareSums") -> list[Finding]:
    """The numbers of a published sentence against the figures', and what the tolerances let through."""
    out, section = [], ours.section
    for group, (kind, expected, source) in enumerate(ours.numbers, 1):
        printed = match.group(group)
        line = sentence.line_at(match.start(group))
        if kind == "h":
            if printed.translate(HALF_TO_FULL) != expected.translate(HALF_TO_FULL):
                rest = _clip(match.string[match.end(group):match.end()], 20)
                out.append(Finding(line, section, printed + rest, expected + rest, "numbering",
                                   f"标题序号与模板不同：公开 {printed}，应为 {expected}", "warning"))
            continue
        if kind == "p" and source and source[0] == "derived" and source[1] == "percent":
            shares.add(section, source, _value(printed), line, match.string[match.start(group) - 1:match.end(group)])
        if _value(printed) != _value(expected):
            what = {"a": "金额", "p": "百分比", "n": "数字"}[kind]
            explained, why = explanation(source, _value(printed))
            message = f"{what}与数据不符：公开 {printed}，按数据应为 {expected}" + (f" （{why}）" if why else "")
            out.append(Finding(line, section, _context(match, group), _context(match, group, expected),
                               "number", message, "warning" if explained else "error", explained=explained))
        elif _grouped(printed) != _grouped(expected):
            out.append(Finding(line, section, _context(match, group), _context(match, group, expected),
                               "number_format", "数字格式与模板不同（千位分隔）", "note"))
    span = sentence.raw[match.start():match.end()]
    half = [(i, c) for i, c in enumerate(span) if c in ",:;()" and not _between_digits(span, i)]
    if half and sum(1 for _, c in half) <= sum(1 for i, c in enumerate(ours.as_written)
                                                 if c in ",:;()" and not _between_digits(ours.as_written, i)):
        half = []  # the department's own words hold them: the text repeats what data/ says
    if half:
        first = half[0][0]
        out.append(Finding(sentence.line_at(match.start() + first), section, _clip(span),
                           _clip(span.translate(HALF_TO_FULL)), "half_width",
                           f"半角标点“{''.join(sorted(set(c for _, c in half)))}”混在全角文字中", "note"))
    # The template's words with the published numbers in them: what is left over is a tolerated difference.
    printed_numbers = iter(match.group(g) for g in range(1, len(ours.numbers) + 1))
    rebuilt = re.sub(f"{TAG.pattern}|{_MARKED_HEADING.pattern}",
                     lambda m: next(printed_numbers) + ("%" if (m.group(2) or "").endswith("%") else ""),
                     ours.tagged)
    if rebuilt != match.group(0):
        for a, b in _differing(match.group(0), rebuilt):
            rule, why = ("unit", "金额的单位不完整：应为“万元”") if "万" in b or "元" in b else ("year", "“年度”写作“年”")
            out.append(Finding(sentence.line_at(match.start() + match.group(0).find(a)), section, a, b, rule, why,
                               "note"))
    return out


def _between_digits(text: str, i: int) -> bool:
    """A comma between digits is a thousands separator, not punctuation."""
    return text[i] == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


def _grouped(number: str) -> bool:
    """Whether a number is written with thousands separators (1,848.7) or without (1848.7)."""
    return bool(re.search(r"\d[,，]\d", number))


# ---------------------------------------------------------------- rounding
def _range(source) -> Interval | None:
    """What a value could be, its displayed operands each rounded to the fen (± 0.005): a value as itself,
    a change as the difference of its operands' ranges, a percentage as their ratio (rounding.Interval)."""
    if not source:
        return None
    if source[0] == "value":
        value = _value(source[1])
        return None if value is None else Interval.around(value, HALF_FEN)
    if source[0] == "derived":
        first, second = _range(source[2]), _range(source[3])
        if first is None or second is None:
            return None
        if source[1] == "change":
            return (first - second).abs()
        return first.ratio(second)
    return None


def _exact(source) -> Decimal | None:
    """A derived value before its rounding to two decimals."""
    if not source:
        return None
    if source[0] == "value":
        return _value(source[1])
    if source[0] == "derived":
        first, second = _exact(source[2]), _exact(source[3])
        if first is None or second is None:
            return None
        if source[1] == "change":
            return abs(first - second)
        return first / second * HUNDRED if second else None
    return None


def explanation(source, published: Decimal | None) -> tuple[str, str]:
    """("truncated" | "rounding" | "", why) for a published percentage or change that differs from ours."""
    if published is None or not source or source[0] != "derived":
        return "", ""
    exact = _exact(source)
    if exact is not None and truncated(exact) == published != round_half_up(exact):
        return "truncated", (f"截尾而非四舍五入：{_operands(source)} = {exact.quantize(Decimal('0.0001'))}，"
                             f"四舍五入为 {round_half_up(exact)}")
    interval = _range(source)
    if interval is not None and interval.explains(published):
        low, high = round_half_up(interval.lo), round_half_up(interval.hi)
        return "rounding", (f"可由{_operands(source)}中各数尾数四舍五入到分解释：其结果可在 {low} 至 {high} 之间")
    return "", ""


def _operands(source) -> str:
    """A derived value's working, from the operands the text shows."""
    if source[0] == "value":
        return source[1]
    first, second = _operands(source[2]), _operands(source[3])
    return f"|{first} − {second}|" if source[1] == "change" else f"{first} ÷ {second} × 100"


# ---------------------------------------------------------------- what does not match
def _differing(published: str, template: str) -> list[tuple[str, str]]:
    """The stretches where two near-identical texts differ, each with a few characters around it."""
    out = []
    matcher = difflib.SequenceMatcher(a=published, b=template, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            out.append((published[max(0, i1 - 12):i2 + 4], template[max(0, j1 - 12):j2 + 4]))
    return out


def _window(published: str, template: str, before: int = 16, after: int = 12) -> tuple[int, str, str]:
    """Where two sentences start to differ, and each from a little before that to a little after where they
    stop differing (one finding shows the whole reworded stretch)."""
    changes = [op for op in difflib.SequenceMatcher(a=published, b=template, autojunk=False).get_opcodes()
               if op[0] != "equal"]
    if not changes:
        return 0, published, template
    i1, j1 = changes[0][1], changes[0][3]
    i2, j2 = changes[-1][2], changes[-1][4]
    return (i1, published[max(0, i1 - before):i2 + after], template[max(0, j1 - before):j2 + after])


def _numbers_differ(published: str, template: str) -> bool:
    """Whether a reworded sentence also states other numbers (a wrong year, a count the figures do not give,
    an amount in place of a word): then it says something the figures contradict, not only other words."""
    matcher = difflib.SequenceMatcher(a=published, b=template, autojunk=False)
    return any(re.search(r"\d", published[i1:i2] + template[j1:j2])
               for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")


def _context(match: re.Match, group: int, replacement: str | None = None) -> str:
    text, start, end = match.group(0), match.start(group) - match.start(), match.end(group) - match.start()
    shown = text[:start] + (match.group(group) if replacement is None else replacement) + text[end:]
    left = max(0, start - 16)
    return shown[left:start + 24 + (len(replacement or "") - (end - start))]


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[:width] + "…"


def _unmatched(sentence: _Ours, published: list[_Sentence], at: int,
               end: int) -> tuple[Finding | None, int | None]:
    """A sentence of the template not found as it is: the closest published sentence of its stretch,
    reworded (and where it is), or none (left out; the title may be)."""
    ours = _plain(sentence.tagged)
    want = _skeleton(ours)
    best, ratio = None, 0.0
    for index in range(at, end):
        score = difflib.SequenceMatcher(a=_skeleton(published[index].text), b=want, autojunk=False).ratio()
        if score > ratio:
            best, ratio = index, score
    if best is not None and ratio >= CLOSE:
        found = published[best]
        start, shown, expected = _window(found.text, ours)
        if _numbers_differ(found.text, ours):
            return Finding(found.line_at(start), sentence.section, shown, expected, "wording",
                           "文字与模板不同，所述数字也与数据不同", "error"), best
        return Finding(found.line_at(start), sentence.section, shown, expected, "wording",
                       "文字与模板不同（数字之外）", "warning"), best
    if sentence.optional:
        return None, None
    line = published[at].line if at < len(published) else (published[-1].line if published else 0)
    return Finding(line, sentence.section, "", _clip(ours, 60), "missing", "公开文本中没有这一句", "warning"), None
