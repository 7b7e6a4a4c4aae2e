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
  fixes it to the fen (else the nearest, as an assumption).

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
from juesuan.data.loading import DepartmentFigures, load_year
from juesuan.errors import DataError
from juesuan.data.money import HUNDRED, ZERO, round_half_up
from juesuan.data.provenance import TextTree, TracedFigures
from juesuan.data.template import Template
from juesuan.data.validation import GF_BUDGET_REASON, GPB_BUDGET_REASON
from juesuan.report.narrative import LOOP_END, LOOP_START, TAG, markdown_to_text, render, tag_source
from juesuan.report.report import Report, build_context

#: Which parts of a department's text every variant answers (a marked placeholder where the example has
#: none), and under `reasons`, the fields that are themselves mappings by code.
ANSWERED = {"reasons": frozenset(p.split(".")[1] for p in (GPB_BUDGET_REASON, GF_BUDGET_REASON)), "uses": True}
#: Items whose figures are budgets: a variant sets them above, below and equal to what was spent.
BUDGET_ITEMS = tuple(k for k in catalogue.AMOUNT_ITEMS if "budget" in k)
HALF, DOUBLE = Decimal("0.5"), Decimal(2)
#: How far ahead (characters of the joined text) the next sentence of a section is looked for.
WINDOW = 6000
#: Where a line's opening number (二、 （三） 1.) stands in a rendering; read as any such number.
ANY_HEADING_NUMBER = "\ue005"
_TAGGED_HEADING_NUMBER = HEADING_NUMBER.replace(r"\d+", r"(?:\d+|\ue000n[^\ue001]*\ue001)")
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
    number marked (ANY_HEADING_NUMBER): which number a text gives a heading is the audit's business."""
    kept = []
    for line in markdown_to_text(markdown).splitlines():
        marks = re.match(f"[{LOOP_START}{LOOP_END}]*", line).group(0)
        words = line[len(marks):]
        if words.startswith("|"):
            kept.append(re.sub(f"[^{LOOP_START}{LOOP_END}]", "", line))  # a table's line: only its loop marks
        else:
            # a line that opens with a heading's or a list's number (二、 （三） 1.), in a loop's marks or not
            kept.append(marks + re.sub("^(?:" + _TAGGED_HEADING_NUMBER + ")", ANY_HEADING_NUMBER, words))
    return re.sub(r"\s+", "", "".join(kept)).translate(HALF_TO_FULL)


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
            if not done:
                continue
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
    joined: list[tuple] = []
    for sentence in out:
        if joined and all(isinstance(n, str) for n in joined[-1]):
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
        else:
            merged.append(x)
    return tuple(merged)


@dataclass
class Compiled:
    pattern: regex.Pattern
    #: per capturing group: a Var, a list of the loop's passes (Compiled), or None (a group nested deeper)
    slots: list
    literal_length: int
    #: one pass of a loop, read on its own where the loop's run is broken (a line the text words otherwise)
    is_pass: bool = False


def _regex(nodes) -> tuple[str, list, int]:
    parts, slots, literal = [], [], 0
    for index, node in enumerate(nodes):
        if isinstance(node, str):
            # read leniently: a 万元 or a comma a text dropped does not hide the figures around it
            pieces = [_literal(p, unit_optional=True).replace("，", "，?").replace("：", "：?")
                      for p in node.split(ANY_HEADING_NUMBER)]
            parts.append(f"(?:{HEADING_NUMBER})".join(pieces))
            literal += len(re.sub(r"[，。；：、（）" + ANY_HEADING_NUMBER + "]", "", node))
        elif isinstance(node, Var) and node.kind == "z":
            parts.append(f"({re.escape(node.written)})")
            slots.append(node)
        elif isinstance(node, Var) and node.kind == "c":
            parts.append("[一二三四五六七八九十百]+")  # a list number: which one is the audit's business
        elif isinstance(node, Var):
            group = f"({NUMBER})" if node.kind != "t" else "([^。]+?)" if node.within_sentence else "(.+?)"
            parts.append(group + ("%" if node.percent else ""))
            slots.append(node)
        elif all(len(p) == 1 and isinstance(p[0], Var) and p[0].kind == "t" for p in node.passes):
            # a loop of words alone (a text's paragraphs) is its words: one group, not a repetition of groups
            first = node.passes[0][0]
            parts.append("([^。]+?)" if all(p[0].within_sentence for p in node.passes) else "(.+?)")
            slots.append(first)
        else:
            passes = []
            for p in node.passes:
                text, pass_slots, pass_literal = _regex(p)
                if all(text != c.pattern.pattern for c in passes):
                    passes.append(Compiled(regex.compile(text), pass_slots, pass_literal))
            # As few passes as what follows allows (a pass's words could otherwise run on into the next
            # line's); as many as there are where nothing follows.
            repeat = "+" if index == len(nodes) - 1 else "+?"
            parts.append("((?:" + "|".join(c.pattern.pattern for c in passes) + ")" + repeat + ")")
            slots.append(passes)
            slots.extend([None] * sum(c.pattern.groups for c in passes))
            literal += min(c.literal_length for c in passes)
    return "".join(parts), slots, literal


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
    shapes: dict[str, dict[tuple, tuple]] = {s.key: {} for s in template.sections}
    current, previous = _example_sources(template, data_dir)
    stated_once = []
    for index, (context, has_last_year) in enumerate(_variant_contexts(template, data_dir, current, previous)):
        for section in template.sections:
            try:
                markdown = render(template.folder, section.file, context, template.number_style, "sources")
            except Exception:  # noqa: BLE001 -- a variant a section cannot be written for shows none of its sentences
                if index == 0:
                    raise  # the example as it is: the template's own error, said as the report would say it
                continue
            nodes = _parse(_normalise(markdown))
            if not has_last_year:
                stated_once += [(section.key, n.source) for n in nodes if isinstance(n, Var) and n.source]
            for sentence in _sentences(nodes):
                key = _shape(sentence)
                known = shapes[section.key]
                known[key] = _merge(known[key], sentence) if key in known else sentence
    sections = []
    for section in template.sections:
        compiled = [_compile(nodes) for nodes in shapes[section.key].values()]
        seen = {c.pattern.pattern for c in compiled}
        for unit in list(compiled):
            for slot in unit.slots:
                for one in slot if isinstance(slot, list) else ():
                    if one.pattern.pattern not in seen:
                        seen.add(one.pattern.pattern)
                        compiled.append(dataclasses.replace(one, is_pass=True))
        # A sentence of the template's words alone, or with only a number in it, says nothing to read back
        # by; and one that is all words of the department would take any sentence.
        sections.append((section.key, [c for c in compiled if c.slots and c.literal_length >= 2]))
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
                     (current, _scaled(current, Decimal(1), exclude=BUDGET_ITEMS, year=year - 1, like=previous))]
    variants.append((current, None))
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
    """Last year as this year times `factor` (every amount but budgets): every change one way."""
    amounts = {k: round_half_up(v * factor) for k, v in source.amounts.items() if k[0] not in exclude}
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
    #: the place of each of those passes in its loop's run (the item of a list it was rendered from)
    ordinals: tuple[int, ...] = ()


@dataclass
class Reading:
    facts: list[Fact] = field(default_factory=list)
    #: (section, line, text) of what no sentence of the template reads
    unread: list[tuple[str, int, str]] = field(default_factory=list)


def _joined(text: str) -> tuple[str, list[int]]:
    """The text's words as one string, as the audit reads them (readable_lines), and each character's line."""
    chars, lines = [], []
    for number, compact, caption in readable_lines(text):
        if not caption:
            chars += compact.translate(HALF_TO_FULL)
            lines += [number] * len(compact)
    return "".join(chars), lines


def read_text(text: str, sentences: Sentences) -> Reading:
    """Each sentence of the template found in the text, in order; what its groups caught."""
    joined, lines = _joined(text)
    reading = Reading()
    cursor, counter, trailing = 0, [0], None
    sections = sentences.sections
    index = 0
    while index < len(sections):
        candidates = [(s, c) for s in (index, index + 1) if s < len(sections) for c in sections[s][1]]
        best = None
        for s, compiled in candidates:
            match = _bounded(compiled.pattern.search, joined, cursor, min(len(joined), cursor + WINDOW))
            if match and match.end() > match.start():
                rank = (match.start(), s, -compiled.literal_length, -(match.end() - match.start()))
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
                trailing.printed += skipped
            else:
                reading.unread.append((sections[s][0], lines[cursor], skipped))
        if s != index:
            index = s
        if compiled.is_pass:
            counter[0] += 1
        facts = _facts(joined, lines, match, compiled, (counter[0],) if compiled.is_pass else (), counter)
        reading.facts += facts
        trailing = facts[-1] if facts and facts[-1].var.kind == "t" and facts[-1].end == match.end() else None
        cursor = match.end()
    return reading


def _bounded(method, text: str, start: int, end: int):
    try:
        return method(text, start, end, timeout=SEARCH_SECONDS)
    except TimeoutError:
        return None


def _facts(text: str, lines: list[int], match, compiled: Compiled, passes: tuple,
           counter: list[int], ordinals: tuple = ()) -> list[Fact]:
    out = []
    for group, slot in enumerate(compiled.slots, 1):
        if slot is None or match.start(group) < 0:
            continue
        if isinstance(slot, Var):
            out.append(Fact(slot, match.group(group), lines[match.start(group)], passes, match.end(group),
                            ordinals))
            continue
        position, end = match.span(group)
        ordinal = 0
        while position < end:
            found = [(m, c) for c in slot
                     if (m := _bounded(c.pattern.match, text, position, end)) and m.end() > position]
            if not found:
                break
            # the shortest pass: a longer one is a pass whose words of the department swallowed the next passes
            inner, chosen = min(found, key=lambda mc: (mc[0].end(), -mc[1].literal_length))
            counter[0] += 1
            facts = _facts(text, lines, inner, chosen, passes + (counter[0],), counter, ordinals + (ordinal,))
            ordinal += 1
            position = inner.end()
            if facts and facts[-1].var.kind == "t" and facts[-1].end == position:
                # words that end a pass run to where the next pass begins
                starts = [m.start() for c in slot if (m := _bounded(c.pattern.search, text, position + 1, end))]
                stop = min(starts, default=end)
                facts[-1].printed += text[position:stop]
                facts[-1].end = position = stop
            out += facts
    return out


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
    conflicts: list[str] = field(default_factory=list)
    derived: list[tuple[str, Decimal, str]] = field(default_factory=list)
    assumed: list[tuple[str, object, str]] = field(default_factory=list)
    #: every value read, its codes those of the names read beside it (what the rows above were taken from)
    facts: list = field(default_factory=list)


def _number(printed: str) -> Decimal | None:
    if not re.search(r"\d", printed):
        return ZERO  # a zero in words (（无）)
    try:
        return Decimal(re.sub("[,，%]", "", printed))
    except InvalidOperation:
        return None


def figures_of(reading: Reading, year: int, example) -> Stated:
    """The rows a reading states. `example`: the example department's figures (data.figures.Figures), whose
    names of the classification's codes, and way of naming a line, read a line's name back to its code."""
    result = Stated()
    codes = _Codes(example, result)
    facts = result.facts = [_rekeyed(f, codes.in_pass(reading.facts, f.passes)) for f in reading.facts]
    derived = []
    for fact in facts:
        source = fact.var.source
        if source is None:
            continue
        kind = source[0]
        if kind == "amount":
            _, item, code, at = source
            value = _number(fact.printed)
            if value is None:
                continue
            rows = result.amounts if at == year else result.previous if at == year - 1 else None
            if rows is not None:
                _keep(result, rows, (item, code), value, fact)
        elif kind == "count":
            value = _number(fact.printed)
            if value is not None:
                _keep(result, result.counts, (source[1], source[2]), int(value), fact)
        elif kind == "text":
            path, ordinals = source[1].split("."), list(fact.ordinals)
            for i in range(len(path)):
                if ordinals and _is_list_index(path[i]):
                    # an item of a list, read in a loop's pass: the pass's place is the item's (outermost first)
                    path[i] = str(ordinals.pop(0))
            source = ("text", ".".join(path), *source[2:])
            _put_text(result.text, source, fact.printed)
        elif kind == "department":
            result.department.setdefault(source[1], fact.printed)
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
        node[last] = (node[last] + "\n" + printed) if last in node else printed
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
    """Last year's figures from changes, budgets from completion rates: until nothing more follows."""
    progress = True
    while progress:
        progress = _from_totals(result, year)
        for fact in derived:
            _, operation, first, second, sign = fact.var.source
            printed = _number(fact.printed)
            if printed is None or first[0] != "amount" or second[0] != "amount":
                continue
            a, b = _value_of(result, first, year), _value_of(result, second, year)
            if operation == "change" and a is not None and b is None:
                value = a - sign * printed
                if value >= 0:
                    _set(result, second, value, year, f"第{fact.line}行：{a} {'−' if sign > 0 else '+'} {printed}")
                    progress = True
            elif operation == "percent" and a is not None and b is None and sign == 0:
                # the sentence read is the one written where part and whole are equal (决算数与预算数持平 …)
                _set(result, second, a, year, f"第{fact.line}行：与{a}相等（{printed}%）")
                progress = True
            elif operation == "percent" and a is not None and b is None and printed > 0:
                value, exact = _whole_from_percent(a, printed, sign)
                if value is not None:
                    _set(result, second, value, year, f"第{fact.line}行：{a} ÷ {printed}%", exact)
                    progress = True


def _from_totals(result: Stated, year: int) -> bool:
    """A total read with all its parts but one: that one is the rest; with its parts adding up already: the
    parts not read are 0 (a text lists only the parts a department has)."""
    progress = False
    for rows, at in ((result.amounts, year), (result.previous, year - 1)):
        for key, (name, parts) in catalogue.COMPOSITES.items():
            total = rows.get((key, ""))
            if total is None or any(catalogue.AMOUNT_ITEMS.get(p, ("", ""))[1] for p in parts):
                continue  # parts by classification code add up class by class, not here
            # a line the data model lets a department leave out (OPTIONAL_LINES) is left out, not worked out
            unknown = [p for p in parts if (p, "") not in rows and p not in catalogue.OPTIONAL_LINES]
            if not unknown:
                continue
            rest = total - sum((rows[(p, "")] for p in parts if (p, "") in rows), ZERO)
            if rest == 0 or (len(unknown) == 1 and rest > 0):
                for part in unknown:
                    _set(result, ("amount", part, "", at), rest if len(unknown) == 1 else ZERO, year,
                         f"{name} {total} 减去读到的各组成部分")
                progress = True
    return progress


def _set(result: Stated, source: tuple, value: Decimal, year: int, how: str, exact: bool = True) -> None:
    _, item, code, at = source
    rows = result.amounts if at == year else result.previous
    rows[(item, code)] = value
    name = f"{at}/amounts.{item}" + (f".{code}" if code else "")
    if exact:
        result.derived.append((name, value, how))
    else:
        result.assumed.append((name, value, how + "：这一百分比容许的数不止一个，取最接近者"))


def _whole_from_percent(part: Decimal, percent: Decimal, sign: int) -> tuple[Decimal | None, bool]:
    """The amounts (to the fen) whose share `part` is `percent` (rounded half up to 0.01%), on the side of
    `part` that `sign` says (1: the part is the larger): the one, or the nearest to part ÷ percent with False."""
    step = Decimal("0.01")
    if percent <= Decimal("0.005"):
        return None, False  # any large enough whole gives it: the rate fixes nothing
    low = part * HUNDRED / (percent + Decimal("0.005"))
    high = part * HUNDRED / (percent - Decimal("0.005"))
    if (high - low) / step > MAX_CANDIDATES:
        return None, False
    candidates = []
    value = round_half_up(low) - step
    while value <= high + step:
        if value > ZERO and round_half_up(part / value * HUNDRED) == percent and \
                (part > value) - (part < value) in (sign, 0 if sign == 0 else sign):
            candidates.append(value)
        value += step
    if not candidates:
        return None, False
    if len(candidates) == 1:
        return candidates[0], True
    target = part * HUNDRED / percent
    return min(candidates, key=lambda c: abs(c - target)), False


# ------------------------------------------------------------------ the extraction
def extract_with_template(text: str, template: Template, data_dir: Path, extraction) -> None:
    """Fill `extraction` (extract.Extraction: what is written, and what was missing, derived or assumed)
    with what the text states, read by the template's own sentences."""
    sentences = sentences_of(template, data_dir)
    reading = read_text(text, sentences)
    read = figures_of(reading, extraction.year, sentences.example)
    for (item, code), value in read.amounts.items():
        if item in catalogue.AMOUNT_ITEMS:
            extraction.amounts[(item, code)] = value
    extraction.previous.update(read.previous)
    extraction.counts.update(read.counts)
    extraction.text = read.text
    extraction.name = extraction.name or read.department.get("name")
    extraction.short_name = read.department.get("short_name") or extraction.short_name or extraction.name
    extraction.function_names.update(read.function_names)
    for name, value, how in read.derived:
        extraction.derive(name, value, how)
    for name, value, why in read.assumed:
        extraction.assume(name, value, why)
    for conflict in read.conflicts:
        extraction.miss("conflict", conflict)
    for section, line, skipped in reading.unread:
        extraction.unread.append({"section": section, "line": line, "text": skipped[:200]})
    _missing(sentences, read, extraction)


def read_figures(text: str, template: Template, data_dir: Path, year: int) -> tuple[Reading, Stated]:
    """What a text of `year` states, row by row, read by `template`'s sentences (its example in `data_dir`)."""
    sentences = sentences_of(template, data_dir)
    reading = read_text(text, sentences)
    return reading, figures_of(reading, year, sentences.example)


def _missing(sentences: Sentences, read: Stated, extraction) -> None:
    """What the template writes once, outside its loops, and the text did not give."""
    for section, source in sentences.stated_once:
        rows = {"amount": read.amounts, "count": read.counts}.get(source[0])
        if rows is None or (source[0] == "amount" and source[1] not in catalogue.AMOUNT_ITEMS):
            continue
        if (source[1], source[2]) not in rows:
            extraction.miss(f"{source[0]}s.{source[1]}" + (f".{source[2]}" if source[2] else ""),
                            f"文中没有读到“{section}”这一节的这句话")
