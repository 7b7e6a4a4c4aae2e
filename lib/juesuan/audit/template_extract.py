"""Figures read out of a published text by its template's own sentences: `juesuan extract`, for any template.

No reader is written for a template. The template is rendered from its example department (the manifest's
`example`) with every value marked by what it states (provenance.TracedFigures, narrative's rendering with
sources), once as the data is and once for each variant that takes its other branches (last year higher,
lower, the same, absent; budgets above, below, equal), every missing reason answered, so that each sentence
it can write is written. Each sentence becomes a pattern: its words literal (with the audit's general
tolerances), each value a group that knows its source, each loop a repetition of the passes seen. The
published text is read with them in order; what each group caught is the figure its source names:

* an amount, a count, a word of the department (its name, a reason, what a line was used for): as printed;
* a line of a loop is re-keyed by the names it prints: the classification's code of that name (catalogue,
  the example's names), or a new code under its class, listed as an assumption;
* last year's amount from a change (增加/减少 tell its sign), a budget from a completion rate where the rate
  fixes it to the fen (else it is listed as missing, with the amounts the rate allows).

What the text does not state is listed as missing, never guessed; a value read twice differently is kept
as first read and listed, for the audit of the text against the result to report.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import regex

from juesuan.audit.template_audit import HALF_TO_FULL, HEADING_NUMBER, NUMBER, _literal, readable_lines
from juesuan.data import catalogue
from juesuan.data.figures import Figures
from juesuan.data.formatting import format_amount
from juesuan.data.loading import DepartmentFigures, load_year
from juesuan.errors import DataError
from juesuan.data.money import HUNDRED, ZERO, round_half_up
from juesuan.data.provenance import TextTree, TracedFigures
from juesuan.data.template import Template
from juesuan.data.validation import GF_BUDGET_REASON, GPB_BUDGET_REASON
from juesuan.report.narrative import (LOOP_END, LOOP_START, TAG, markdown_to_text, reason_of_clause, render,
                                      tag_source)
from juesuan.report.report import Report, build_context

#: Which parts of a department's text every variant answers (a marked placeholder where the example has
#: none), and under `reasons`, the fields that are themselves mappings by code.
ANSWERED = {"reasons": frozenset(p.split(".")[1] for p in (GPB_BUDGET_REASON, GF_BUDGET_REASON)), "uses": True}
#: Items whose figures are budgets: a variant sets them above, below and equal to what was spent.
BUDGET_ITEMS = tuple(k for k in catalogue.AMOUNT_ITEMS if "budget" in k)
HALF, DOUBLE = Decimal("0.5"), Decimal(2)
#: How far ahead (characters of the joined text) the next sentence of a section is looked for.
WINDOW = 12000
_CHINESE = "[一二三四五六七八九十]+"
#: Where a line's opening number stands in a rendering, by its kind (a part's 第三部分, a bracketed （三）, a
#: list's 二、 or 1.): read as any number of that kind, which number a text gives it being the audit's business.
HEADING_KINDS = {"\ue005": f"第(?:{_CHINESE}|\\d+)部分", "\ue00a": f"[（(](?:{_CHINESE}|\\d+)[）)]",
                 "\ue00b": f"{_CHINESE}、|\\d+[、.．](?!\\d)"}
#: Before a line of a read text that opens with a heading's or a list's number: the department's words are
#: read up to it, never across it (a heading is the template's, the words under it the next field's).
LINE_HEAD = "\ue007"
#: Where a paragraph ends: each line of a rendering; a line of a read text that ends a sentence or stops short
#: of the text's full lines (a PDF's soft line breaks fall anywhere in a sentence, and are dropped). A title
#: and the words under it, two of the department's fields, are told apart by it; elsewhere it may be missing.
PARAGRAPH = "\ue008"
_TAGGED_HEADING_NUMBER = HEADING_NUMBER.replace(r"\d+", r"(?:\d+|\ue000n[^\ue001]*\ue001)")
#: Before a line of a rendering that opens with a list's number in Chinese numerals (（一） as a tagged c): its
#: own number is read as such, but the read text's LINE_HEAD before it may stand there.
LIST_HEAD = "\ue009"
_TAGGED_LIST_NUMBER = re.compile("^[（(]?\ue000c")
#: The key of the title among a template's sections: read only before a text's first heading (a title-less
#: text's first sentence of the body is no title).
TITLE = "title"
#: Seconds a pattern may take to find itself from one place of a text: one that nearly fits a long stretch
#: (words of the department in repeated passes) is given up on, as not found there.
SEARCH_SECONDS = 0.5
#: A rate that leaves more wholes than these open fixes none of them (a budget of a small part, say).
MAX_CANDIDATES = 1000


# ------------------------------------------------------------------ the template's sentences
@dataclass(frozen=True)
class Var:
    kind: str              # narrative.TAG's: a amount, p percentage, n other number, t words, z a zero in words,
                           # c a list number in Chinese numerals
    source: tuple | None   # what it states (provenance.source_of), None: computed or written by the template
    percent: bool = False
    #: words that end no sentence (a name, a reason of one sentence, as the example writes them): read as far
    #: as the next 。 at most, never across it into the next line's
    within_sentence: bool = False
    #: a zero written in words (（无）): its words
    written: str = ""


@dataclass(frozen=True)
class Loop:
    passes: tuple[tuple, ...]   # each pass: a tuple of nodes (str literal, Var, Loop)


def _normalise(markdown: str) -> str:
    """A rendering as a published text reads once whitespace is dropped: no Markdown, no tables; a heading's
    number marked by its kind (HEADING_KINDS): which number a text gives a heading is the audit's business."""
    kept = []
    for line in markdown_to_text(markdown).splitlines():
        marks = re.match(f"[{LOOP_START}{LOOP_END}]*", line).group(0)
        words = line[len(marks):]
        if words.startswith("|"):
            kept.append(re.sub(f"[^{LOOP_START}{LOOP_END}]", "", line))  # a table's line: only its loop marks
        else:
            # a line that opens with a heading's or a list's number (二、 （三） 1.), in a loop's marks or not
            words = re.sub("^(?:" + _TAGGED_HEADING_NUMBER + ")", _heading_kind, words)
            kept.append(marks + (LIST_HEAD if _TAGGED_LIST_NUMBER.match(words) else "") + words)
    joined = re.sub(r"\s+", "", PARAGRAPH.join(kept)).translate(HALF_TO_FULL)
    return re.sub(f"{PARAGRAPH}+", PARAGRAPH, joined).strip(PARAGRAPH)


def _heading_kind(match: re.Match) -> str:
    part, bracketed, listed = HEADING_KINDS
    first = match.group(0)[0]
    return part if first == "第" else bracketed if first in "（(" else listed


def _parse(text: str) -> list:
    """Tagged text → nodes: literal runs, Vars, Loops (adjacent passes of one loop together)."""
    stack: list[list] = [[]]
    position = 0
    token = re.compile(TAG.pattern + f"|{LOOP_START}|{LOOP_END}")
    for match in token.finditer(text):
        if match.start() > position:
            _add_literal(stack[-1], text[position:match.start()])
        position = match.end()
        if match.group(0) == LOOP_START:
            stack.append([])
        elif match.group(0) == LOOP_END:
            done = tuple(stack.pop())
            parent = stack[-1]
            if not _words_alone(done):
                continue  # a pass of a table's loop: nothing of it is read from the text's words
            if parent and isinstance(parent[-1], Loop):  # the next pass of the same loop (or of one right after it)
                parent[-1] = Loop(parent[-1].passes + (done,))
            else:
                parent.append(Loop((done,)))
        else:
            kind, written = match.group(1), match.group(2)
            stack[-1].append(Var(kind, tag_source(match), kind == "p" and written.endswith("%"),
                                 kind == "t" and "。" not in written, written if kind == "z" else ""))
    if position < len(text):
        _add_literal(stack[-1], text[position:])
    return stack[0]


def _add_literal(nodes: list, text: str) -> None:
    if nodes and isinstance(nodes[-1], str):
        nodes[-1] += text
    else:
        nodes.append(text)


def _sentences(nodes: list) -> list[tuple]:
    """A section's nodes cut after each 。 outside a loop; a loop that opens a sentence, or closes one
    (its passes ending in 。), is cut off with what precedes it."""
    out, current = [], []
    for node in nodes:
        if isinstance(node, str):
            pieces = re.split("(?<=。)", node)
            for i, piece in enumerate(pieces):
                if piece:
                    _add_literal(current, piece)
                if i < len(pieces) - 1 and current:
                    out.append(tuple(current))
                    current = []
        else:
            current.append(node)
            if isinstance(node, Loop) and _ends_a_sentence(node):
                out.append(tuple(current))
                current = []
    if current:
        out.append(tuple(current))
    # A sentence of words alone (a heading: （三）自评质量。) is the anchor of what follows it, not a
    # sentence to read on its own: the department's words under it would otherwise be read from anywhere.
    # And a sentence of the department's words alone (the last field of a section) is read after what
    # precedes it.
    joined: list[tuple] = []
    for sentence in out:
        if joined and not _literal_length("".join(n for n in sentence if isinstance(n, str))):
            joined[-1] = joined[-1] + sentence
        elif joined and all(isinstance(n, str) for n in joined[-1]):
            head = joined.pop()
            merged = list(head)
            for node in sentence:
                if isinstance(node, str):
                    _add_literal(merged, node)
                else:
                    merged.append(node)
            joined.append(tuple(merged))
        else:
            joined.append(sentence)
    return joined


def _states(sentence: tuple) -> tuple:
    """What a sentence's values state (a derived value's side left out: which way it went is the variant's)."""
    return tuple(n.source[:4] if n.source and n.source[0] == "derived" else n.source
                 for n in sentence if isinstance(n, Var))


def _ambiguous(states: set) -> bool:
    """Whether one sentence was written for different figures (a value not marked, None, is any of them)."""
    states = list(states)
    return any(x is not None and y is not None and x != y
               for i, a in enumerate(states) for b in states[i + 1:] for x, y in zip(a, b))


def _told_apart(renderings: list[list[tuple]]) -> list[tuple]:
    """A section's sentences over its renderings, each shape once (the passes of its loops, merged). One that
    the section writes in the same words for different figures (主要原因是…。 after each item) tells none of
    them apart: it is read only joined to the sentence before it."""
    states: dict[tuple, set] = {}
    for sentences in renderings:
        for sentence in sentences:
            states.setdefault(_shape(sentence), set()).add(_states(sentence))
    shapes: dict[tuple, tuple] = {}
    for sentences in renderings:
        for i, sentence in enumerate(sentences):
            if _ambiguous(states[_shape(sentence)]):
                if i == 0:
                    continue
                sentence = sentences[i - 1] + sentence  # the sentence before stays one of its own, too
            shape = _shape(sentence)
            shapes[shape] = _merge(shapes[shape], sentence) if shape in shapes else sentence
    return list(shapes.values())


def _ends_a_sentence(loop: Loop) -> bool:
    last = loop.passes[-1]
    return bool(last) and isinstance(last[-1], str) and last[-1].endswith("。")


def _shape(nodes) -> tuple:
    return tuple(n if isinstance(n, str) else ("var", n.kind, n.percent, n.written) if isinstance(n, Var)
                 else "loop" for n in nodes)


def _merge(a: tuple, b: tuple) -> tuple:
    """Two renderings of one sentence shape: each loop with the passes of both."""
    merged = []
    for x, y in zip(a, b):
        if isinstance(x, Loop):
            seen = {_regex(p)[0] for p in x.passes}
            merged.append(Loop(x.passes + tuple(p for p in y.passes if _regex(p)[0] not in seen)))
        elif isinstance(x, Var) and isinstance(y, Var) and x.source is None:
            merged.append(y)  # the value marked where another variant wrote it: what it states
        elif isinstance(x, Var) and isinstance(y, Var) and _is_percent(x.source) and _is_percent(y.source) and \
                x.source[:4] == y.source[:4] and x.source[4] != y.source[4]:
            # one sentence for a part above, below or equal to its whole (the side said, if at all, in the next
            # sentence): the side is not known from this one
            merged.append(dataclasses.replace(x, source=x.source[:4] + (None,)))
        else:
            merged.append(x)
    return tuple(merged)


def _is_percent(source) -> bool:
    return bool(source) and source[0] == "derived" and source[1] == "percent"


@dataclass
class Compiled:
    pattern: regex.Pattern
    #: per capturing group: a Var, a list of the loop's passes (Compiled), or None (a group nested deeper)
    slots: list
    literal_length: int
    #: one pass of a loop, read on its own where the loop's run is broken (a line the text words otherwise)
    is_pass: bool = False


def _headings(pattern: str) -> str:
    """A literal's heading numbers (HEADING_KINDS' marks) as the numbers of their kind a text may give."""
    for mark, number in HEADING_KINDS.items():
        pattern = pattern.replace(mark, f"{LINE_HEAD}?(?:{number})")
    return pattern.replace(LIST_HEAD, f"{LINE_HEAD}?")


def _literal_length(node: str) -> int:
    return len(re.sub(f"[，。；：、（）{''.join(HEADING_KINDS)}{PARAGRAPH}{LIST_HEAD}]", "", node))


def _regex(nodes) -> tuple[str, list, int]:
    parts, slots, literal = [], [], 0
    for index, node in enumerate(nodes):
        if isinstance(node, str) and _between_words(nodes, index):
            # what alone tells two of the department's fields apart (a term and its definition, a title and
            # the paragraph under it) is read as it is written
            parts.append(_headings(_literal(node, unit_optional=True)
                                   .replace(PARAGRAPH, f"(?:{PARAGRAPH}|(?={LINE_HEAD})|$)")))
            literal += _literal_length(node)
        elif isinstance(node, str):
            # read leniently: a 万元 or a comma a text dropped does not hide the figures around it
            # a line of the text that ends after 。：； ends a paragraph (_joined), where the template may run on
            parts.append(_unchosen_directions(_headings(
                _literal(node, unit_optional=True).replace(PARAGRAPH, f"{PARAGRAPH}?").replace("，", "，?")
                .translate(_PARAGRAPH_AFTER))))
            literal += _literal_length(node)
        elif isinstance(node, Var) and node.kind == "z":
            parts.append(f"({re.escape(node.written)})")
            slots.append(node)
        elif isinstance(node, Var) and node.kind == "c":
            parts.append("[一二三四五六七八九十百]+")  # a list number: which one is the audit's business
        elif isinstance(node, Var):
            group = f"({NUMBER})" if node.kind != "t" else _WORDS[node.within_sentence] + _ending(nodes, index)
            parts.append(group + ("%" if node.percent else ""))
            slots.append(node)
        elif all(len(words := _words_alone(p)) == 1 and isinstance(words[0], Var) and words[0].kind == "t"
                 for p in node.passes):
            # a loop of words alone (a text's paragraphs) is its words: one group, not a repetition of groups
            first = _words_alone(node.passes[0])[0]
            parts.append(f"{PARAGRAPH}?" + _WORDS[all(_words_alone(p)[0].within_sentence for p in node.passes)]
                         + _ending(nodes, index))
            slots.append(first)
        else:
            passes = []
            for p in node.passes:
                text, pass_slots, pass_literal = _regex(p)
                if all(text != c.pattern.pattern for c in passes):
                    passes.append(Compiled(regex.compile(text), pass_slots, pass_literal))
            # the pass with more of the template's words first: a regex takes the first alternative that fits,
            # and a pass that is another's beginning (…完成预算100%。 of …完成预算95%。决算数小于…) fits first
            passes.sort(key=lambda c: -c.literal_length)
            # As few passes as what follows allows (a pass's words could otherwise run on into the next
            # line's); as many as there are where nothing follows.
            repeat = "+" if index == len(nodes) - 1 else "+?"
            # each pass a group of its own: the captures of each repetition tell which pass it was (_facts)
            parts.append("((?:" + "|".join(f"({c.pattern.pattern})" for c in passes) + ")" + repeat + ")")
            slots.append(passes)
            slots.extend([None] * sum(1 + c.pattern.groups for c in passes))
            literal += min(c.literal_length for c in passes)
    return "".join(parts), slots, literal


#: The department's words, by whether they end no sentence (Var.within_sentence): never across a line that
#: opens with a heading's number.
_WORDS = {True: f"([^。{LINE_HEAD}{PARAGRAPH}]+?)", False: f"([^{LINE_HEAD}]+?)"}


#: A general tolerance: a text that leaves the template's choice of direction unmade (增加/减少, 增长/下降,
#: 大于/小于) reads as either branch; the change it gives has no sign (Fact.unchosen).
_DIRECTIONS = (("增加", "减少"), ("增长", "下降"), ("大于", "小于"))
_UNCHOSEN = re.compile("|".join(f"{a}/{b}" for a, b in _DIRECTIONS))


def _unchosen_directions(pattern: str) -> str:
    for a, b in _DIRECTIONS:
        pattern = re.sub(f"{a}|{b}", lambda m, a=a, b=b: f"{a}(?:/{b})?" if m.group(0) == a else f"(?:{a}/)?{b}",
                         pattern)
    return pattern


_PARAGRAPH_AFTER = str.maketrans({"。": f"。{PARAGRAPH}?", "；": f"；{PARAGRAPH}?", "：": f"：?{PARAGRAPH}?"})


def _ending(nodes, index: int) -> str:
    """After words of the department that end a sentence's pattern: they run to the end of their paragraph
    (else they would stop after a character: the words are read as few as can be)."""
    return f"(?=[{LINE_HEAD}{PARAGRAPH}]|$)" if index == len(nodes) - 1 else ""


def _between_words(nodes, index: int) -> bool:
    """Whether nodes[index], a literal, holds none of the template's words and follows words of the department,
    ending the nodes or before more of its words."""
    def words(i):
        return 0 <= i < len(nodes) and isinstance(nodes[i], Var) and nodes[i].kind == "t"
    return words(index - 1) and (words(index + 1) or index == len(nodes) - 1) and \
        not re.sub(f"[，：；、{PARAGRAPH}{LIST_HEAD}]", "", nodes[index])


def _words_alone(nodes) -> list:
    """A pass's nodes but the paragraph breaks around them."""
    return [n for n in nodes if not (isinstance(n, str) and not n.strip(PARAGRAPH + LIST_HEAD))]


def _compile(nodes) -> Compiled:
    text, slots, literal = _regex(nodes)
    return Compiled(regex.compile(text), slots, literal)


@dataclass
class Sentences:
    """A template's sentences, section by section, as patterns, and the example they were written from."""
    sections: list[tuple[str, list[Compiled]]]
    example: Figures
    #: (section, source) of each value the example's rendering with no last year writes outside its loops:
    #: what a text is expected to state once (extract lists those it did not)
    stated_once: list[tuple[str, tuple]] = field(default_factory=list)


def sentences_of(template: Template, data_dir: Path) -> Sentences:
    """Every sentence the template writes, over the variants of its example department's figures."""
    files = [(TITLE, template.title)] + [(s.key, s.file) for s in template.sections]
    rendered: dict[str, list[list[tuple]]] = {key: [] for key, _ in files}
    current, previous = _example_sources(template, data_dir)
    stated_once = []
    for index, (context, has_last_year) in enumerate(_variant_contexts(template, data_dir, current, previous)):
        for key, file in files:
            try:
                markdown = render(template.folder, file, context, template.number_style, "sources")
            except Exception:  # noqa: BLE001 -- a variant a section cannot be written for shows none of its sentences
                if index == 0:
                    raise  # the example as it is: the template's own error, said as the report would say it
                continue
            nodes = _parse(_normalise(markdown))
            if not has_last_year and key != TITLE:
                stated_once += [(key, n.source) for n in nodes if isinstance(n, Var) and n.source]
            rendered[key].append(_sentences(nodes))
    sections = []
    for key, _ in files:
        compiled = [_compile(nodes) for nodes in _told_apart(rendered[key])]
        seen = {c.pattern.pattern for c in compiled}
        for unit in list(compiled):
            for slot in unit.slots:
                for one in slot if isinstance(slot, list) else ():
                    if one.pattern.pattern not in seen:
                        seen.add(one.pattern.pattern)
                        compiled.append(dataclasses.replace(one, is_pass=True))
        # A sentence of the template's words alone, or with only a number in it, says nothing to read back
        # by; and one that is all words of the department would take any sentence.
        sections.append((key, [c for c in compiled if c.slots and c.literal_length >= 2]))
    return Sentences(sections, Figures(current), stated_once)


# ------------------------------------------------------------------ the example's variants
def _example_sources(template: Template, data_dir: Path) -> tuple[DepartmentFigures, DepartmentFigures | None]:
    """The template's example department, this year and last (None where the data has no last year)."""
    department, year = template.example
    current = load_year(data_dir, year, only=department).departments.get(department) \
        if (Path(data_dir) / str(year)).is_dir() else None
    if current is None:
        raise DataError(Path(data_dir) / str(year), department, "example",
                        f"模板 {template.name} 的示例部门（template.yaml 的 example）的数据：模板的句式由它写出；"
                        "用 --data 指定含有它的数据文件夹", "没有")
    earlier = Path(data_dir) / str(year - 1)
    previous = load_year(data_dir, year - 1, only=department).departments.get(department) \
        if earlier.is_dir() else None
    return current, previous


def _variant_contexts(template: Template, data_dir: Path, current: DepartmentFigures,
                      previous: DepartmentFigures | None):
    """The example's contexts, each with whether it has a last year: as it is first, then its variants."""
    year = current.year
    budgets = {k: v for k, v in current.amounts.items() if k[0] in BUDGET_ITEMS}
    variants = [(current, previous)]
    if previous is not None:
        variants += [(current, _scaled(current, HALF, exclude=BUDGET_ITEMS, year=year - 1, like=previous)),
                     (current, _scaled(current, DOUBLE, exclude=BUDGET_ITEMS, year=year - 1, like=previous)),
                     (current, _scaled(current, Decimal(1), exclude=BUDGET_ITEMS, year=year - 1, like=previous)),
                     # nothing last year: each increase from nothing, which has no rate; the figures of 0 this
                     # year too, 1 in this variant
                     (dataclasses.replace(current, amounts={k: v if v or k[0] in BUDGET_ITEMS else Decimal(1)
                                                            for k, v in current.amounts.items()}),
                      _scaled(current, ZERO, exclude=BUDGET_ITEMS, year=year - 1, like=previous))]
    variants.append((current, None))
    absent = [item for item, (_, kind) in catalogue.AMOUNT_ITEMS.items()
              if kind == "function" and not any(key[0] == item for key in current.amounts)]
    if absent:
        # a class of spending the example has none of (政府性基金 …): its sentences are written too
        some_class = next(iter(catalogue.FUNCTION_CLASSES))
        variants.append((dataclasses.replace(current, amounts={
            **current.amounts, **{(item, some_class): Decimal(10) for item in absent}}), previous))
    if budgets:
        spent = {k: v for k, v in current.amounts.items() if k[0] not in BUDGET_ITEMS}
        for factor in (HALF, DOUBLE):
            variants.append((dataclasses.replace(current, amounts={
                **spent, **{k: round_half_up(v * factor) for k, v in budgets.items()}}), previous))
    yield _context(template, data_dir, *variants[0]), previous is not None
    for now, before in variants[1:]:
        try:
            yield _context(template, data_dir, now, before), before is not None
        except Exception:  # noqa: BLE001 -- a variant whose figures the context cannot be made of is left out
            continue


def _scaled(source: DepartmentFigures, factor: Decimal, exclude: tuple, year: int,
            like: DepartmentFigures) -> DepartmentFigures:
    """Last year as this year times `factor` (every amount but budgets): every change one way (a figure of 0 this
    year was 1 last year in the variant where last year is the higher: its 减少 too is written)."""
    amounts = {k: round_half_up(v * factor) if v or factor <= 1 else Decimal(1)
               for k, v in source.amounts.items() if k[0] not in exclude}
    return dataclasses.replace(like, amounts=amounts, year=year)


def _context(template: Template, data_dir: Path, current: DepartmentFigures,
             previous: DepartmentFigures | None) -> dict:
    now = TracedFigures(current)
    for key, nested in ANSWERED.items():
        now.text[key] = TextTree(dict(current.text.get(key) or {}), ("text", key), nested)
    before = TracedFigures(previous) if previous is not None else None
    return build_context(Report(now, before, data_dir, [], [], template))


# ------------------------------------------------------------------ reading a text
@dataclass
class Fact:
    var: Var
    printed: str
    line: int
    #: the loop passes it was read in, outermost first: its codes are those of the names read there
    passes: tuple[int, ...] = ()
    end: int = 0
    start: int = 0
    #: the place of each of those passes in its loop's run (the item of a list it was rendered from)
    ordinals: tuple[int, ...] = ()
    #: read after a direction left unchosen (增加/减少): a change whose sign the text does not give
    unchosen: bool = False


@dataclass
class Reading:
    facts: list[Fact] = field(default_factory=list)
    #: (section, line, text) of what no sentence of the template reads
    unread: list[tuple[str, int, str]] = field(default_factory=list)


@dataclass
class Joined:
    """The text's words as one string, as the audit reads them (readable_lines): a PARAGRAPH where one ends, a
    LINE_HEAD before each line that opens with a heading's number; and each character's line."""
    text: str
    lines: list[int]

    def words(self, start: int, end: int, paragraphs: bool) -> str:
        """The words from start to end: paragraphs apart by a blank line where they are a field's paragraphs."""
        words = self.text[start:end].replace(LINE_HEAD, "")
        pieces = [p for p in words.split(PARAGRAPH) if p]
        return ("\n\n" if paragraphs else "").join(pieces)


def _joined(text: str) -> Joined:
    read = [(number, compact) for number, compact, caption in readable_lines(text) if not caption]
    full = _full_line([compact for _, compact in read])
    chars, lines = [], []
    for index, (number, compact) in enumerate(read):
        if index and (chars[-1] in "。：；！？" or len(read[index - 1][1]) < full):
            chars.append(PARAGRAPH)
            lines.append(number)
        if re.match(HEADING_NUMBER, compact):
            chars.append(LINE_HEAD)
            lines.append(number)
        chars += compact.translate(HALF_TO_FULL)
        lines += [number] * len(compact)
    return Joined("".join(chars), lines)


def _full_line(lines: list[str]) -> float:
    """How long a line must be to run on into the next one: three quarters of what most of a text's longer
    lines hold (a PDF's lines are as wide as the page; a paragraph per line has no such width)."""
    lengths = sorted(len(line) for line in lines if len(line) >= 10)
    return 0.75 * lengths[int(len(lengths) * 0.75)] if lengths else 0


def read_text(text: str, sentences: Sentences) -> Reading:
    """Each sentence of the template found in the text, in order; what its groups caught."""
    source = _joined(text)
    joined, lines = source.text, source.lines
    reading = Reading()
    cursor, counter, trailing = 0, [0], None
    sections = sentences.sections
    index = 0
    if sections and sections[0][0] == TITLE:
        before_headings = joined.find(LINE_HEAD) if LINE_HEAD in joined else len(joined)
        for compiled in sections[0][1]:
            match = _bounded(compiled.pattern.search, joined, 0, before_headings)
            if match:
                reading.facts += _facts(source, match, compiled, (), counter)
                cursor = match.end()
                break
        index = 1
    while index < len(sections):
        candidates = [(s, c) for s in (index, index + 1) if s < len(sections) for c in sections[s][1]]
        best = None
        for s, compiled in candidates:
            match = _bounded(compiled.pattern.search, joined, cursor, min(len(joined), cursor + WINDOW))
            if match and match.end() > match.start():
                rank = (_anchor(match, compiled), s, -compiled.literal_length, -(match.end() - match.start()))
                if best is None or rank < best[0]:
                    best = (rank, s, compiled, match)
        if best is None:
            index += 1
            continue
        _, s, compiled, match = best
        if match.start() > cursor:
            skipped = joined[cursor:match.start()]
            if trailing is not None and s == index:
                # words of the department that end a sentence run on to the next sentence the template writes
                trailing.end = match.start()
                trailing.printed = source.words(trailing.start, trailing.end, _is_paragraphs(trailing.var))
            elif source.words(cursor, match.start(), False):
                reading.unread.append((sections[s][0], lines[cursor], source.words(cursor, match.start(), False)))
        if s != index:
            index = s
        if compiled.is_pass:
            counter[0] += 1
        facts = _facts(source, match, compiled, (counter[0],) if compiled.is_pass else (), counter)
        reading.facts += facts
        trailing = facts[-1] if facts and facts[-1].var.kind == "t" and facts[-1].end == match.end() else None
        cursor = match.end()
    return reading


def _anchor(match, compiled: Compiled) -> int:
    """Where a sentence found stands: its first words of the template's (a sentence that opens with the
    department's words would otherwise stand wherever the search began)."""
    first = compiled.slots[0] if compiled.slots else None
    if isinstance(first, Var) and first.kind == "t" and match.start(1) == match.start():
        return match.end(1)
    return match.start()


def _is_paragraphs(var: Var) -> bool:
    return bool(var.source) and "paragraph" in var.source[2:]


def _bounded(method, text: str, start: int, end: int):
    try:
        return method(text, start, end, timeout=SEARCH_SECONDS)
    except TimeoutError:
        return None


def _facts(source: Joined, match, compiled: Compiled, passes: tuple, counter: list[int], ordinals: tuple = (),
           offset: int = 0, window: tuple[int, int] | None = None) -> list[Fact]:
    """What `compiled`'s groups caught: its groups numbered from `offset` in `match`, within `window` (one
    repetition of a loop's pass: a repeated group keeps a capture per repetition)."""
    window = window or match.span()
    out = []
    for local, slot in enumerate(compiled.slots, 1):
        if slot is None:
            continue
        span = _capture(match, offset + local, window)
        if span is None:
            continue
        if isinstance(slot, Var):
            start, end = span
            printed = source.words(start, end, _is_paragraphs(slot)) if slot.kind == "t" else source.text[start:end]
            out.append(Fact(slot, printed, source.lines[start], passes, end, start=start, ordinals=ordinals,
                            unchosen=bool(_UNCHOSEN.search(source.text, max(0, start - 8), start))))
            continue
        repetitions, group = [], offset + local
        for chosen in slot:
            group += 1
            repetitions += [(s, e, chosen, group) for s, e in match.spans(group) if span[0] <= s and e <= span[1]]
            group += chosen.pattern.groups
        for ordinal, (s, e, chosen, group) in enumerate(sorted(repetitions, key=lambda r: r[0])):
            counter[0] += 1
            out += _facts(source, match, chosen, passes + (counter[0],), counter, ordinals + (ordinal,),
                          group, (s, e))
    return out


def _capture(match, group: int, window: tuple[int, int]) -> tuple[int, int] | None:
    """The capture of `group` within `window` (the last, where a loop repeats it)."""
    inside = [(s, e) for s, e in match.spans(group) if window[0] <= s and e <= window[1]]
    return inside[-1] if inside else None


# ------------------------------------------------------------------ from what was read to figures
@dataclass
class Stated:
    """What a text states, by data row: the extraction before it is written."""
    amounts: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    previous: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    text: dict = field(default_factory=dict)
    department: dict[str, str] = field(default_factory=dict)
    function_names: dict[str, str] = field(default_factory=dict)
    #: the units' names by their place in the list, how many units of each kind
    units: dict[int, str] = field(default_factory=dict)
    unit_kinds: dict[str, int] = field(default_factory=dict)
    #: item → place → [label, amount]
    breakdowns: dict[str, dict[int, list]] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    derived: list[tuple[str, Decimal, str]] = field(default_factory=list)
    assumed: list[tuple[str, object, str]] = field(default_factory=list)
    #: rows a percentage leaves open between several amounts: not written, why
    unfixed: dict[str, str] = field(default_factory=dict)
    #: every value read, its codes those of the names read beside it (what the rows above were taken from)
    facts: list = field(default_factory=list)


def value_printed(printed: str) -> Decimal | None:
    """A number as a text prints it (1，848.48, 6.08%, （无）), as a Decimal; None where it is none."""
    if not re.search(r"\d", printed):
        return ZERO  # a zero in words (（无）)
    try:
        return Decimal(re.sub("[,，%\\s]", "", printed))
    except InvalidOperation:
        return None


def figures_of(reading: Reading, year: int, example) -> Stated:
    """The rows a reading states. `example`: the example department's figures (data.figures.Figures), whose
    names of the classification's codes, and way of naming a line, read a line's name back to its code."""
    result = Stated()
    codes = _Codes(example, result)
    # the sentences state the example's year and the one before: a text of another year states its own
    shift = year - example.year
    facts = result.facts = [_dated(_rekeyed(f, codes.in_pass(reading.facts, f.passes)), shift) for f in reading.facts]
    derived = []
    for fact in facts:
        source = fact.var.source
        if source is None:
            continue
        kind = source[0]
        if kind == "amount":
            _, item, code, at = source
            value = value_printed(fact.printed)
            if value is None:
                continue
            rows = result.amounts if at == year else result.previous if at == year - 1 else None
            if rows is not None:
                _keep(result, rows, (item, code), value, fact)
        elif kind == "count":
            value = value_printed(fact.printed)
            if value is not None:
                _keep(result, result.counts, (source[1], source[2]), int(value), fact)
        elif kind == "text":
            path, ordinals = source[1].split("."), list(fact.ordinals)
            for i in range(len(path)):
                if ordinals and _is_list_index(path[i]):
                    # an item of a list, read in a loop's pass: the pass's place is the item's (outermost first)
                    path[i] = str(ordinals.pop(0))
            source = ("text", ".".join(path), *source[2:])
            _put_text(result.text, source, reason_of_clause(fact.printed) if "clause" in source else fact.printed)
        elif kind == "department":
            result.department.setdefault(source[1], fact.printed)
        elif kind in ("unit", "breakdown") and not fact.ordinals:
            continue  # a pass of a list read on its own, out of its list: which item it is, is not known
        elif kind == "unit":
            result.units.setdefault(fact.ordinals[-1], fact.printed)
        elif kind == "unit_kind" and (value := value_printed(fact.printed)) is not None:
            result.unit_kinds.setdefault(source[1], int(value))
        elif kind == "breakdown":
            _, item, _, part = source
            row = result.breakdowns.setdefault(item, {}).setdefault(fact.ordinals[-1], [None, None])
            value = fact.printed if part == "label" else value_printed(fact.printed)
            if row[part == "amount"] is None:
                row[part == "amount"] = value
        elif kind == "derived":
            derived.append(fact)
    _solve(result, derived, year)
    result.text = _lists(result.text)
    return result


def _keep(result: Stated, rows: dict, key, value, fact: Fact) -> None:
    if key in rows and rows[key] != value:
        result.conflicts.append(f"第{fact.line}行：{key[0]} {key[1]} 读到 {fact.printed}，前文为 {rows[key]}")
        return
    rows.setdefault(key, value)


def _put_text(tree: dict, source: tuple, printed: str) -> None:
    path = source[1].split(".")
    extra = source[2:]
    node = tree
    for part in path[:-1]:
        node = node.setdefault(part, {})
    last = path[-1]
    if extra and extra[0] == "joined":
        node.setdefault(last, [p for p in printed.split(extra[1]) if p])
    elif extra and extra[0] == "paragraph":
        node[last] = (node[last] + "\n\n" + printed) if last in node else printed
    elif last.isdigit() and isinstance(node, dict):
        # a list's item (`functions.3`): kept by its place
        node.setdefault(last, printed)
    else:
        node.setdefault(last, printed)


def _is_list_index(part: str) -> bool:
    """`functions.3`'s 3, not `uses.2070101`'s code: classification codes have three digits or more."""
    return part.isdigit() and len(part) < 3


def _lists(tree):
    """Mappings whose keys are 0, 1, 2 … are the lists they were rendered from (a mapping by code is not)."""
    if isinstance(tree, dict):
        tree = {k: _lists(v) for k, v in tree.items()}
        if tree and all(_is_list_index(k) for k in tree) and \
                sorted(map(int, tree)) == list(range(len(tree))):
            return [tree[k] for k in sorted(tree, key=int)]
    return tree


class _Codes:
    """The classification codes of the lines a text names: the example's, the catalogue's, or new ones."""

    def __init__(self, example, result: Stated):
        known = {**example.source.function_names, **catalogue.FUNCTION_CLASSES}
        self.known = known
        self.by_name: dict[tuple[int, str], list[str]] = {}
        self.by_line_name: dict[str, str] = {}
        for code, name in known.items():
            self.by_name.setdefault((len(code), name), []).append(code)
            self.by_line_name.setdefault(str(example.line_name(code)), code)
        self.result = result
        self.cache: dict[tuple, dict[str, str]] = {}

    def in_pass(self, facts: list[Fact], passes: tuple) -> dict[str, str]:
        """Scaffold code → the text's code, from the names read in the innermost passes of `passes`."""
        if not passes:
            return {}
        if passes in self.cache:
            return self.cache[passes]
        mapping = dict(self.in_pass(facts, passes[:-1]))
        # the names printed in this pass, or in a loop of its own (a line's 类, 款 and 项 names)
        names = [f for f in facts if f.passes[:len(passes)] == passes and len(f.passes) <= len(passes) + 1
                 and f.var.source and f.var.source[0] == "name"]
        for fact in sorted(names, key=lambda f: len(f.var.source[2])):
            _, kind, code = fact.var.source
            if kind == "function":
                parent = mapping.get(code[:-2]) if len(code) > 3 else None
                mapping[code] = self.code_of(fact.printed, len(code), parent)
            elif kind == "line":
                mapping[code] = self.code_of_line(fact.printed, len(code))
        self.cache[passes] = mapping
        return mapping

    def code_of_line(self, name: str, length: int) -> str:
        """A line named as 五（三） names it (its class's name and its own: 一般公共服务组织事务支出)."""
        if name in self.by_line_name:
            code = self.by_line_name[name]
            if len(code) > 3:
                self.result.function_names[code] = self.known[code]
            return code
        for code, class_name in catalogue.FUNCTION_CLASSES.items():
            stem = class_name.removesuffix("支出")
            if name.startswith(stem) and len(name) > len(stem) and length > 3:
                return self.code_of(name[len(stem):], 5, code)
        return self.code_of(name, length, None)

    def code_of(self, name: str, length: int, parent: str | None) -> str:
        """A name's code under its parent's (`行政运行` is 2010101 under 20101, 2070101 under 20701)."""
        code = next((c for c in self.by_name.get((length, name), []) if c.startswith(parent or "")), None)
        if code is None:
            base = parent or ""
            taken = {c for (n, _), codes in self.by_name.items() if n == length for c in codes}
            number = 1
            while f"{base}{number:02d}" in taken:
                number += 1
            code = f"{base}{number:02d}"
            self.by_name.setdefault((length, name), []).append(code)
            self.result.assumed.append((f"function_names.{code}", name,
                                        "科目编码由名称而来，示例数据与分类中没有这一名称：编码为暂定"))
        if length > 3:
            self.result.function_names[code] = name
        return code


def _rekeyed(fact: Fact, mapping: dict[str, str]) -> Fact:
    if not mapping or fact.var.source is None:
        return fact
    return dataclasses.replace(fact, var=dataclasses.replace(fact.var, source=_rekey(fact.var.source, mapping)))


def _dated(fact: Fact, shift: int) -> Fact:
    if not shift or fact.var.source is None:
        return fact
    return dataclasses.replace(fact, var=dataclasses.replace(fact.var, source=_shift_years(fact.var.source, shift)))


def _shift_years(source, shift: int):
    if isinstance(source, tuple) and source and source[0] in ("amount", "count") and len(source) == 4:
        return source[:3] + (source[3] + shift,)
    if isinstance(source, tuple):
        return tuple(_shift_years(part, shift) for part in source)
    return source


def _rekey(source, mapping):
    if isinstance(source, tuple):
        return tuple(_rekey(part, mapping) for part in source)
    if isinstance(source, str):
        if source in mapping:
            return mapping[source]
        if "." in source:
            return ".".join(mapping.get(part, part) for part in source.split("."))
    return source


def _value_of(result: Stated, source, year: int) -> Decimal | None:
    if source[0] == "value":
        return Decimal(source[1])
    if source[0] != "amount":
        return None
    _, item, code, at = source
    rows = result.amounts if at == year else result.previous if at == year - 1 else {}
    return rows.get((item, code))


def _solve(result: Stated, derived: list[Fact], year: int) -> None:
    """Last year's figures from changes, budgets from completion rates: until nothing more follows.

    A total whose parts' changes the text states too is their sum, not what its own change gives: where the
    two differ, the text contradicts itself, for the audit to find; its own change is used only where its
    parts' are not enough."""
    changed = {fact.var.source[3] for fact in derived if fact.var.source[1] == "change"}
    deferring, progress = True, True
    while progress or deferring:
        if not progress:
            deferring = False
        progress = _from_totals(result, year)
        for fact in derived:
            _, operation, first, second, sign = fact.var.source
            printed = value_printed(fact.printed)
            if printed is None or first[0] != "amount" or second[0] != "amount" or second[3] not in (year, year - 1):
                continue  # (a year before last: no row the text's year keeps)
            a, b = _value_of(result, first, year), _value_of(result, second, year)
            if operation == "change" and a is not None and b is None:
                if deferring and any(("amount", part, "", second[3]) in changed
                                     for part in catalogue.COMPOSITES.get(second[1], ("", ()))[1]):
                    continue
                if fact.unchosen and printed != 0:
                    continue  # 增加/减少 left unchosen: the change's sign is not known
                value = a - sign * printed
                how = f"{format_amount(a)} {'−' if sign > 0 else '+'} {format_amount(printed)}" if not fact.unchosen else \
                    f"变动额为{printed}（变动方向未作选择）"
                if value >= 0:
                    _set(result, second, value, year, f"第{fact.line}行：{how}")
                    progress = True
            elif operation == "percent" and a is not None and b is None and sign == 0 and printed in (0, HUNDRED):
                # the sentence read is the one written where part and whole are equal (决算数与预算数持平 …); where
                # both are 0 (完成预算0%), a whole with nothing of it spent would read the same
                _set(result, second, a, year, f"第{fact.line}行：与{format_amount(a)}相等（{printed}%）" if a else
                     f"第{fact.line}行：没有支出，{printed}%：按模板的写法，预算与支出同为0；另有预算而一点未用，"
                     "也写作0%，须人工确认", exact=a != 0)
                progress = True
            elif operation == "percent" and a is not None and b is None and printed > 0:
                wholes = _wholes_from_percent(a, printed, sign)
                if wholes and len(wholes) == 1:
                    _set(result, second, wholes[0], year,
                         f"第{fact.line}行：{format_amount(a)} ÷ {format_amount(wholes[0])} = {printed}%，"
                         f"{format_amount(wholes[0])}是唯一能得出{printed}%的精确到分的数")
                    progress = True
                elif wholes and second[1] in catalogue.AMOUNT_ITEMS:  # a total is no row of the data
                    shown = "、".join(format_amount(w) for w in wholes[:6]) + ("等" if len(wholes) > 6 else "")
                    result.unfixed[_row_name(second)] = (
                        f"第{fact.line}行：{format_amount(a)} ÷ {printed}%：有{len(wholes)}个精确到分的数都能得出"
                        f"（{shown}），无法确定{catalogue.item_name(second[1])}")


def _from_totals(result: Stated, year: int) -> bool:
    """A total read with all its parts but one: that one is the rest; with its parts adding up already: the
    parts not read are 0 (a text lists only the parts a department has)."""
    progress = False
    for rows, at in ((result.amounts, year), (result.previous, year - 1)):
        for key, (name, parts) in catalogue.COMPOSITES.items():
            if any(_by_function(p) and (p, "") not in rows for p in parts):
                continue  # parts by function code, without their total, add up class by class, not here
            if (key, "") not in rows and all((p, "") in rows for p in parts if p not in catalogue.OPTIONAL_LINES):
                # a total the text does not state, of parts it does: a part of a larger total (财政拨款收入 of
                # 财政拨款收、支总计), not a row of the data
                rows[(key, "")] = sum((rows[(p, "")] for p in parts if (p, "") in rows), ZERO)
                progress = True
            total = rows.get((key, ""))
            if total is None:
                continue
            # a line the data model lets a department leave out (OPTIONAL_LINES) is left out, not worked out
            unknown = [p for p in parts if (p, "") not in rows and p not in catalogue.OPTIONAL_LINES]
            if not unknown:
                continue
            rest = total - sum((rows[(p, "")] for p in parts if (p, "") in rows), ZERO)
            if rest == 0 or (len(unknown) == 1 and rest > 0):
                for part in unknown:
                    _set(result, ("amount", part, "", at), rest if len(unknown) == 1 else ZERO, year,
                         f"{name} {format_amount(total)} 减去读到的各组成部分")
                progress = True
    return progress


def _by_function(item: str) -> bool:
    return catalogue.AMOUNT_ITEMS.get(item, ("", ""))[1] == "function"


def _set(result: Stated, source: tuple, value: Decimal, year: int, how: str, exact: bool = True) -> None:
    _, item, code, at = source
    rows = result.amounts if at == year else result.previous
    rows[(item, code)] = value
    result.unfixed.pop(_row_name(source), None)
    if exact:
        result.derived.append((_row_name(source), value, how))
    else:
        result.assumed.append((_row_name(source), value, how))


def _row_name(source: tuple) -> str:
    """("amount", item, code, year) as extract names a row: 2021/amounts.gpb.budget.20132."""
    _, item, code, at = source
    return f"{at}/amounts.{item}" + (f".{code}" if code else "")


def _wholes_from_percent(part: Decimal, percent: Decimal, sign: int | None) -> list[Decimal] | None:
    """The amounts (to the fen) whose share `part` is `percent` (rounded half up to 0.01%), on the side of
    `part` that `sign` says (1: the part is the larger; None: either); None where too many would be (a rate
    near 0)."""
    step = Decimal("0.01")
    if percent <= Decimal("0.005"):
        return None  # any large enough whole gives it: the rate fixes nothing
    low = part * HUNDRED / (percent + Decimal("0.005"))
    high = part * HUNDRED / (percent - Decimal("0.005"))
    if (high - low) / step > MAX_CANDIDATES:
        return None
    candidates = []
    value = round_half_up(low) - step
    while value <= high + step:
        if value > ZERO and round_half_up(part / value * HUNDRED) == percent and \
                (sign is None or (part > value) - (part < value) == sign):
            candidates.append(value)
        value += step
    return candidates


# ------------------------------------------------------------------ the extraction
def extract_with_template(text: str, template: Template, data_dir: Path, extraction,
                          sentences: Sentences | None = None) -> None:
    """Fill `extraction` (extract.Extraction: what is written, and what was missing, derived or assumed)
    with what the text states, read by the template's own sentences."""
    sentences = sentences or sentences_of(template, data_dir)
    reading = read_text(text, sentences)
    read = figures_of(reading, extraction.year, sentences.example)
    for (item, code), value in read.amounts.items():
        # a total of rows by code (a class of rows by 款 or 项) is no row of the data: the finer rows are
        finer = any(other == item and len(c) > len(code) and c.startswith(code) for other, c in read.amounts)
        if item in catalogue.AMOUNT_ITEMS and not finer:
            extraction.amounts[(item, code)] = value
    for (item, code), value in read.previous.items():
        parts = catalogue.COMPOSITES.get(item, ("", ()))[1]
        if not (parts and all((part, "") in read.previous for part in parts)):  # a total of parts given is no row
            extraction.previous[(item, code)] = value
    extraction.counts.update(read.counts)
    extraction.text = read.text
    extraction.name = extraction.name or read.department.get("name")
    extraction.short_name = read.department.get("short_name") or extraction.short_name or extraction.name
    extraction.function_names.update(read.function_names)
    for item, parts in read.breakdowns.items():
        extraction.breakdowns[item] = [(label, amount) for _, (label, amount) in sorted(parts.items())
                                       if label is not None and amount is not None]
    _units(read, extraction)
    for name, value, how in read.derived:
        extraction.derive(name, value, how)
    for name, value, why in read.assumed:
        extraction.assume(name, value, why)
    for conflict in read.conflicts:
        extraction.miss("conflict", conflict)
    for name, why in read.unfixed.items():
        extraction.miss(name, why)
    for section, line, skipped in reading.unread:
        extraction.unread.append({"section": section, "line": line, "text": skipped[:200]})
    _missing(sentences, read, extraction)


def _units(read: Stated, extraction) -> None:
    """The units the text lists, each with its kind: the kinds are counted, not given unit by unit, so they
    are taken in the catalogue's order of kinds, as the template lists them (an assumption where there are
    units of more than one kind)."""
    names = [name for _, name in sorted(read.units.items())]
    counted = sum(read.unit_kinds.values())
    if not names:
        if counted:
            extraction.miss("units.csv", f"文中给出了下属单位的个数（{counted}个），但未逐一列出单位名称")
        return
    if counted != len(names):
        extraction.miss("units.unit_kind", f"文中列出{len(names)}个单位，按类型计数共{counted}个：无法确定各单位的类型")
        return
    kinds = [kind for kind in catalogue.UNIT_KINDS for _ in range(read.unit_kinds.get(kind, 0))]
    extraction.units = list(zip(names, kinds))
    if len([n for n in read.unit_kinds.values() if n]) > 1:
        extraction.assume("units.unit_kind", dict(extraction.units),
                          "文中按类型给出了单位个数（" + "，".join(f"{k}{n}个" for k, n in read.unit_kinds.items() if n)
                          + "），但未说明各单位分属哪一类；按类型和单位列出的先后顺序一一对应")


def read_figures(text: str, template: Template, data_dir: Path, year: int) -> tuple[Reading, Stated]:
    """What a text of `year` states, row by row, read by `template`'s sentences (its example in `data_dir`)."""
    sentences = sentences_of(template, data_dir)
    reading = read_text(text, sentences)
    return reading, figures_of(reading, year, sentences.example)


def _missing(sentences: Sentences, read: Stated, extraction) -> None:
    """What the template writes once, outside its loops, and the text did not give; and each row without a
    code that the example department has (what a report of the template needs), that the text neither gives
    nor lets be worked out."""
    for section, source in sentences.stated_once:
        rows = {"amount": read.amounts, "count": read.counts}.get(source[0])
        if rows is None or (source[0] == "amount" and source[1] not in catalogue.AMOUNT_ITEMS):
            continue
        if (source[1], source[2]) not in rows:
            extraction.miss(f"{source[0]}s.{source[1]}" + (f".{source[2]}" if source[2] else ""),
                            f"文中未写明{catalogue.item_name(source[1])}（没有读到“{section}”一节写它的句子）")
    example = sentences.example.source
    optional = catalogue.OPTIONAL_LINES + catalogue.OPTIONAL_AMOUNTS
    for kind, needed, got in (("amounts", example.amounts, extraction.amounts),
                              ("counts", example.counts, extraction.counts)):
        vocabulary = catalogue.AMOUNT_ITEMS if kind == "amounts" else catalogue.COUNT_ITEMS
        for item, code in needed:
            name = f"{kind}.{item}"
            # rows by code (classes, vehicle types) are the example's own: another department has others
            if code or vocabulary.get(item, ("", "composite"))[1] or item in optional or (item, code) in got or \
                    any(m["field"] in (name, f"{extraction.year}/{name}") for m in extraction.missing):
                continue
            extraction.miss(name, f"文中未写明{catalogue.item_name(item)}，也不能由文中其他数字得出")
