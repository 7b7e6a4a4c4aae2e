"""The template's own audit (template_audit) of a published report for which data/ holds some figures or none.

The with-data audit renders the template from the department's figures and compares each published sentence
with it: numbers, wording, punctuation, units. Here the figures to render it from are assembled, each from the
best place that has it:

1. **data/**: the department's rows that `--data` holds for the text's year (and last year), however few;
2. **the report's own tables** (公开01–09表 as printed, read by the workbook import's mapping
   `importer.map_workbook(as_published=True)`): a figure the tables print replaces what a sentence states,
   as data would; a line a sentence names by 类/款/项 names takes the tables' code of that name;
3. **the text's own sentences** (`extract`: read by the template's sentences, last year's figures from the
   changes, a budget from its completion rate, a part from its total). A stretch that no sentence reads is
   read again allowing up to `LENIENCY` characters of the template's words missing, extra or different (a
   dropped 为), so that the lines it holds are rendered and the difference is found as with data.

The outcome says how many figures came from each, and lists as not run what the text cannot show: a figure
that only the checked sentence itself gives (last year's from its change, a budget from its rate) cannot be
held against that sentence; a figure neither data, tables nor text give leaves its sentences unchecked; a
template whose figures cannot be put together says why.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import regex

from juesuan.audit.audit_base import Finding
from juesuan.audit.extract import Extraction, extract
from juesuan.audit.published_source import stated_year
from juesuan.audit.published_tables import TablesRead
from juesuan.audit.template_audit import HALF_TO_FULL, audit_against_template, readable_lines
from juesuan.audit.template_extract import Sentences, figures_of, read_text, sentences_of
from juesuan.data import catalogue
from juesuan.data.figures import Figures
from juesuan.data.importer import map_workbook
from juesuan.data.loading import DepartmentFigures, Unit, load_year
from juesuan.data.standard_tables import BY_ID
from juesuan.data.template import Template
from juesuan.data.validation import REQUIRED_AMOUNTS
from juesuan.data.workbook import FoundTable, Workbook
from juesuan.errors import DataError, DataErrors
from juesuan.report.report import Report

#: Characters of the template's words a stretch no sentence reads may miss, add or change and still be read.
LENIENCY = 2
#: Characters after a stretch no sentence reads that a sentence read leniently from it may take in.
FOLLOWING = 400
#: Seconds one lenient search may take.
SEARCH_SECONDS = 1.0
#: The department id the figures are assembled under when the text is audited with no department named.
PUBLISHED_ID = "published"
#: A line that is only a page's number (— 14 —, - 3 -, 14).
PAGE_NUMBER = re.compile(r"\s*[—–\-－]*\s*\d{1,3}\s*[—–\-－]*\s*")
RENDERED_CHECK = "正文逐句与模板核对（措辞、标点、单位；模板按数据、报告本身的表与正文所述数字渲染）"


@dataclass
class Origins:
    """Where each figure the template was rendered from came from."""
    data: int = 0
    tables: int = 0
    text: int = 0
    #: (where, what) of the text's figures that only the sentence stating them gives
    self_given: list[str] = field(default_factory=list)
    #: text's lines read leniently: (line, what was allowed)
    lenient: list[str] = field(default_factory=list)
    #: figures read from the text but not used, and why
    dropped: list[str] = field(default_factory=list)
    #: lists of the department's words the template requires and nothing gives (rendered empty)
    absent: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return f"数据 {self.data} 项，报告本身的表 {self.tables} 项，正文 {self.text} 项"


@dataclass
class RenderedOutcome:
    findings: list[Finding] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)
    origins: Origins = field(default_factory=Origins)
    done: bool = False


# ------------------------------------------------------------------ the text read leniently
def _compact(text: str) -> tuple[list[str], str, list[tuple[int, int]]]:
    """The text's lines with each readable line as the reader sees it (spaces and a PDF's markers dropped,
    half-width punctuation full-width; other lines as they are, so that line numbers stay), the readable
    words joined, and each joined character's (line index, column)."""
    lines = text.splitlines()
    joined, where = [], []
    for number, compact, caption in readable_lines(text):
        lines[number - 1] = compact.translate(HALF_TO_FULL)
        if not caption:
            joined += lines[number - 1]
            where += [(number - 1, column) for column in range(len(compact))]
    return lines, "".join(joined), where


def read_leniently(text: str, sentences: Sentences) -> tuple[str, list[str]]:
    """The text with each stretch that no sentence of the template reads mended where a sentence of its
    section, read from the stretch's start, reads it with at most LENIENCY characters of the template's words
    missing, extra or different (never a digit); and, for each mend, its line and what was mended. Only the
    reading uses the mended text: the audit reads the text as it is."""
    lines, joined, where = _compact(text)
    reading = read_text("\n".join(lines), sentences)
    by_section = dict(sentences.sections)
    mended: list[str] = []
    edits: list[tuple[int, int, str, str]] = []   # (line index, column, removed, inserted)
    for section, line, skipped in reading.unread:
        start = _find(joined, where, skipped, line)
        if start is None:
            continue
        # what follows the stretch may end its sentence (a reason the reader took for the next one's)
        fix = _mend(joined[start:start + len(skipped) + FOLLOWING], len(skipped), by_section.get(section, []))
        if fix is None:
            continue
        for position, removed, inserted in fix:
            line_index, column = where[start + position]
            edits.append((line_index, column, removed, inserted))
        shown = "；".join(f"缺“{inserted}”" if not removed else f"多“{removed}”" if not inserted
                         else f"“{removed}”应为“{inserted}”" for _, removed, inserted in fix)
        mended.append(f"第{where[start + fix[0][0]][0] + 1}行（{shown}）")
    # later columns first, so that earlier ones stay where they are
    for line_index, column, removed, inserted in sorted(edits, reverse=True):
        line = lines[line_index]
        lines[line_index] = line[:column] + inserted + line[column + len(removed):]
    return "\n".join(lines), mended


def _find(joined: str, where: list[tuple[int, int]], skipped: str, line: int) -> int | None:
    first = next((i for i, (index, _) in enumerate(where) if index + 1 >= line), 0)
    found = joined.find(skipped, max(0, first - len(skipped)))
    return found if found >= 0 else None


def _mend(stretch: str, within: int, compiled: list) -> list[tuple[int, str, str]] | None:
    """The fewest edits (position in `stretch`, removed, inserted), all in its first `within` characters,
    after which one of the section's sentences reads the stretch from its start; None where none does."""
    best = None
    for unit in compiled:
        words = sorted({c for c in unit.pattern.pattern if ord(c) > 127})
        edits = _edits_for(unit.pattern, stretch, words)
        if edits and all(p < within for p, _, _ in edits) and (best is None or len(edits) < len(best)):
            best = edits
    return best


def _edits_for(pattern: regex.Pattern, stretch: str, words: list[str]) -> list[tuple[int, str, str]] | None:
    fuzzy = regex.compile(f"(?:{pattern.pattern}){{e<={LENIENCY}}}", regex.BESTMATCH)
    try:
        if pattern.match(stretch, timeout=SEARCH_SECONDS):
            return []
        match = fuzzy.match(stretch, timeout=SEARCH_SECONDS)
    except TimeoutError:
        return None
    if match is None or not any(match.fuzzy_counts):
        return None
    edits: list[tuple[int, str, str]] = []
    current = stretch
    for _ in range(LENIENCY):
        found = _one_edit(pattern, fuzzy, current, words)
        if found is None:
            return None
        position, removed, inserted = found
        current = current[:position] + inserted + current[position + len(removed):]
        edits.append(found)
        try:
            if pattern.match(current, timeout=SEARCH_SECONDS):
                return _in_original(edits)
        except TimeoutError:
            return None
    return None


def _one_edit(pattern, fuzzy, text: str, words: list[str]) -> tuple[int, str, str] | None:
    """One edit at a place the fuzzy match names that lowers its count of errors: a word of the template
    put in where one is missing first, then one taken out, then one changed; never a digit."""
    try:
        match = fuzzy.match(text, timeout=SEARCH_SECONDS)
    except TimeoutError:
        return None
    if match is None:
        return None
    errors = sum(match.fuzzy_counts)
    substituted, inserted, deleted = match.fuzzy_changes
    # a character taken for a changed one may be the next one after a missing one (支出决算2349 for 支出决算为2349)
    tries = [(q, "", c) for p in deleted + substituted for q in (p, p - 1, p + 1) if 0 <= q <= len(text)
             for c in words]
    tries += [(p, text[p], "") for p in inserted if p < len(text)]
    tries += [(p, text[p], c) for p in substituted if p < len(text) for c in words]
    for position, removed, added in tries:
        if re.search(r"[\d.,，]", removed):
            continue
        candidate = text[:position] + added + text[position + len(removed):]
        try:
            if pattern.match(candidate, timeout=SEARCH_SECONDS):
                return position, removed, added
            again = fuzzy.match(candidate, timeout=SEARCH_SECONDS)
        except TimeoutError:
            continue
        if again is not None and sum(again.fuzzy_counts) < errors:
            return position, removed, added
    return None


def _in_original(edits: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """Edits made one after another, as positions in the text before any of them."""
    out = []
    for index, (position, removed, inserted) in enumerate(edits):
        for earlier_position, earlier_removed, earlier_inserted in edits[:index]:
            if earlier_position <= position:
                position -= len(earlier_inserted) - len(earlier_removed)
        out.append((position, removed, inserted))
    return out


# ------------------------------------------------------------------ the figures put together
def _tables_mapped(tables: TablesRead):
    if not tables.tables:
        return None
    found = {tid: tables.tables.get(tid) or FoundTable(spec, "公开表", "", {}) for tid, spec in BY_ID.items()}
    try:
        return map_workbook(Workbook(Path("公开表"), found, [], []), as_published=True)
    except DataErrors:
        return None


def _table_rows(mapped) -> dict[tuple[str, str], Decimal]:
    rows = {key: claim.value for key, claim in mapped.rows.items()}
    for item, by_code in mapped.levels.items():
        for code, (value, _cell) in by_code.items():
            rows.setdefault((item, code), value)
    return {key: value for key, value in rows.items() if key[0] in catalogue.AMOUNT_ITEMS}


def _known_code(code: str) -> bool:
    return code[:3] in catalogue.FUNCTION_CLASSES or code[:3] in catalogue.ECONOMIC_CLASSES \
        or not code


def _rekey_to_tables(ex: Extraction, names: dict[str, str], origins: Origins) -> None:
    """A code the text's names gave a line (a provisional one included) replaced by the tables' code of the same
    name at the same level, where the tables print that line and the text's code is not theirs."""
    by_name: dict[str, str] = {}
    for code, name in sorted(names.items(), key=lambda kv: len(kv[0])):
        by_name.setdefault(name, code)
    mapping = {}
    for code, name in ex.function_names.items():
        table_code = by_name.get(name)
        if table_code and table_code != code and code not in names:
            mapping[code] = table_code
    # a parent re-keyed takes its children along (a provisional 01 → 207's 款 and 项 beneath it)
    for code in sorted(ex.function_names, key=len):
        if code not in mapping and code[:-2] in mapping and len(code) > 3:
            mapping[code] = mapping[code[:-2]] + code[-2:]

    def rekey(code: str) -> str:
        return mapping.get(code, code)
    if not mapping:
        return
    ex.amounts = {(item, rekey(code)): v for (item, code), v in ex.amounts.items()}
    ex.previous = {(item, rekey(code)): v for (item, code), v in ex.previous.items()}
    ex.function_names = {rekey(code): name for code, name in ex.function_names.items()}
    ex.text = _rekey_tree(ex.text, mapping)


def _rekey_tree(tree, mapping):
    if isinstance(tree, dict):
        return {mapping.get(k, k) if isinstance(k, str) else k: _rekey_tree(v, mapping) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_rekey_tree(v, mapping) for v in tree]
    return tree


def _drop_unknown_codes(ex: Extraction, origins: Origins) -> None:
    """A line whose code no classification knows (a name the text misprints, read as a new line): not rendered."""
    bad = {code for (item, code) in list(ex.amounts) + list(ex.previous)
           if code and catalogue.AMOUNT_ITEMS.get(item, ("", ""))[1] == "function" and not _known_code(code)}
    bad |= {code for code in ex.function_names if not _known_code(code)}
    if not bad:
        return
    for code in sorted(bad):
        origins.dropped.append(f"科目 {code}（{ex.function_names.get(code, '')[:30]}）：正文所给名称在分类与表中都没有")
    ex.amounts = {k: v for k, v in ex.amounts.items() if k[1] not in bad}
    ex.previous = {k: v for k, v in ex.previous.items() if k[1] not in bad}
    ex.function_names = {k: v for k, v in ex.function_names.items() if k not in bad}
    ex.text = _without_codes(ex.text, bad)


def _without_codes(tree, bad):
    if isinstance(tree, dict):
        return {k: _without_codes(v, bad) for k, v in tree.items() if k not in bad}
    return tree


def _data_rows(data_dir: Path | None, department: str | None, year: int) -> DepartmentFigures | None:
    """The department's rows of `year` that data/ holds, whatever else the year lacks (errors not raised)."""
    if data_dir is None or department is None or not (Path(data_dir) / str(year) / "departments.csv").is_file():
        return None
    try:
        return load_year(Path(data_dir), year, only=department).departments.get(department)
    except (DataError, DataErrors, OSError):
        return None


def assemble(text: str, template: Template, tables: TablesRead, example_dir: Path, year: int,
             department: str | None = None, data_dir: Path | None = None) -> tuple[Report, Origins, Extraction]:
    """The report to render: the figures of data/ (partial or none), else of the tables, else of the text."""
    origins = Origins()
    example_year = template.example[1]
    dept = department or PUBLISHED_ID
    totals = {}
    sentences = sentences_of(template, example_dir)
    reading_text, origins.lenient = read_leniently(text, sentences)
    reading = read_text(reading_text, sentences)
    stated = figures_of(reading, example_year, sentences.example)
    # a total the text states of an item by code (年初预算为27780.16万元) is that item's uncoded row, as the
    # import writes a 合计 (extract writes the items only)
    for key, (_, parts) in catalogue.COMPOSITES.items():
        if (key, "") in stated.amounts and len(parts) == 1 and catalogue.AMOUNT_ITEMS.get(parts[0], ("", ""))[1]:
            totals[(parts[0], "")] = stated.amounts[(key, "")]
    # the template's sentences carry their example's year: a text is read as of that year, then moved to its own
    ex = extract(reading_text, dept, example_year, template=template.folder, data_dir=example_dir,
                 sentences=sentences)
    ex.year = year
    for key, value in totals.items():
        ex.amounts.setdefault(key, value)
    # the department's name as the text prints it most often (a title page may wrap or mangle it)
    names = [f.printed for f in reading.facts if f.var.source == ("department", "name")]
    if names:
        ex.name = ex.short_name = max(set(names), key=names.count)
    mapped = _tables_mapped(tables)
    table_rows: dict[tuple[str, str], Decimal] = {}
    if mapped is not None:
        table_rows = _table_rows(mapped)
        names = {code: name for code, (name, _cell) in mapped.names.items()}
        _rekey_to_tables(ex, names, origins)
        for code, name in names.items():
            ex.function_names.setdefault(code, name)
    _drop_unknown_codes(ex, origins)
    amounts = dict(ex.amounts)
    source = {key: "text" for key in amounts}
    # a level of an item the tables print by code is the tables' rows, not the text's (a code read from a name
    # may differ); a finer level than they print (五（三）'s 项 where only 类 are printed) stays the text's
    table_levels = {(item, len(code)) for item, code in table_rows if code}
    for key in [k for k in amounts if k[1] and (k[0], len(k[1])) in table_levels and k not in table_rows]:
        origins.dropped.append(f"{key[0]} {key[1]}（{ex.function_names.get(key[1], '')}）：表中这一级没有这一行")
        del amounts[key], source[key]
    for key, value in table_rows.items():
        amounts[key], source[key] = value, "tables"
    current = DepartmentFigures(dept, year, ex.name or dept, ex.short_name or ex.name or dept, amounts,
                                dict(ex.counts), dict(ex.breakdowns), [Unit(n, k) for n, k in ex.units],
                                dict(ex.text), {}, dict(ex.function_names), {})
    if mapped is not None:
        current.economic_names.update({code: name for code, (name, _cell) in mapped.economic_names.items()})
    previous = DepartmentFigures(dept, year - 1, current.name, current.short_name, dict(ex.previous)) \
        if ex.previous else None
    held = _data_rows(data_dir, department, year)
    if held is not None:
        for key, value in held.amounts.items():
            current.amounts[key], source[key] = value, "data"
        current.counts.update(held.counts)
        origins.data += len(held.counts)
        current.breakdowns.update(held.breakdowns)
        current.units = held.units or current.units
        current.text = {**current.text, **held.text}
        current.function_names.update(held.function_names)
        current.economic_names.update(held.economic_names)
        current.name, current.short_name = held.name or current.name, held.short_name or current.short_name
    held_before = _data_rows(data_dir, department, year - 1)
    if held_before is not None:
        previous = previous or DepartmentFigures(dept, year - 1, current.name, current.short_name, {})
        origins.data += len(held_before.amounts)
        previous.amounts.update(held_before.amounts)
        origins.self_given = [s for s in origins.self_given if not s.startswith(f"{year - 1}/")]
    # the text's figures that only the sentence stating them gives (as extract lists them), unless data or the
    # tables give them after all
    for entry in ex.derived + ex.assumed:
        at, _, rest = entry["field"].partition("/amounts.")
        if not rest:
            continue
        item, code = (rest, "") if rest in catalogue.AMOUNT_ITEMS or rest in catalogue.COMPOSITES \
            else rest.rsplit(".", 1)
        given = source.get((item, code)) if int(at) in (ex.year, example_year) else None
        if given in ("data", "tables") or (int(at) != year and held_before is not None):
            continue
        shown = f"{year - 1 if int(at) < example_year else year}年{catalogue.item_name(item)}"
        origins.self_given.append(f"{shown}{f'（{code}）' if code else ''}：{entry.get('from') or entry.get('why')}")
    origins.data += sum(1 for s in source.values() if s == "data")
    origins.tables = sum(1 for s in source.values() if s == "tables")
    origins.text = sum(1 for s in source.values() if s == "text") + len(ex.counts) * (held is None)
    origins.absent += _lists_not_given(current.text, template)
    report = Report(Figures(current), Figures(previous) if previous else None, example_dir, [], [], template)
    return report, origins, ex


def not_given(report: Report) -> list[tuple[str, str]]:
    """(kind, key) of each amount and count the template requires that no source gave."""
    figures, template = report.current, report.template
    amounts = [k for k in REQUIRED_AMOUNTS + template.requires.amounts if figures.value(k) is None]
    counts = [k for k in template.requires.counts if figures.count_total(k) is None]
    return [("amount", k) for k in amounts] + [("count", k) for k in counts]


def with_value(report: Report, missing: list[tuple[str, str]], value: int) -> Report:
    """The report with every figure in `missing` set to `value`."""
    source = report.current.source
    amounts, counts = dict(source.amounts), dict(source.counts)
    for kind, key in missing:
        (amounts if kind == "amount" else counts)[(key, "")] = Decimal(value) if kind == "amount" else value
    current = dataclasses.replace(source, amounts=amounts, counts=counts)
    return Report(Figures(current), report.previous, report.data_dir, [], [], report.template)


def _lists_not_given(text: dict, template: Template) -> list[str]:
    """A list of the department's words that the template requires and neither data nor text gives (the
    units a table of part 1 names, which no sentence states): rendered empty, and said."""
    absent = []
    for dotted in template.requires.text:
        *parents, last = dotted.split(".")
        node = text
        for part in parents:
            node = node.setdefault(part, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict) and last not in node and _iterated(template, dotted):
            node[last] = []
            absent.append(dotted)
    return absent


def _iterated(template: Template, dotted: str) -> bool:
    loop = re.compile(r"\{%-?\s*for\s+\w+\s+in\s+text\." + re.escape(dotted) + r"\s*-?%\}")
    return any(loop.search(path.read_text(encoding="utf-8")) for path in Path(template.folder).glob("*.j2"))


def rendered_audit(text: str, template: Template, tables: TablesRead, example_dir: Path,
                   department: str | None = None, data_dir: Path | None = None) -> RenderedOutcome:
    """The template's sentence-by-sentence audit against the figures `assemble` puts together."""
    outcome = RenderedOutcome()
    # a page's number at its foot (— 14 —) is no word of any sentence: a sentence running over it reads on
    text = "\n".join("" if PAGE_NUMBER.fullmatch(line) else line for line in text.splitlines())
    year = stated_year(text) or template.example[1]
    try:
        report, origins, ex = assemble(text, template, tables, example_dir, year, department, data_dir)
        missing = not_given(report)
        # A figure nothing gives is rendered as 0 and again as 1: a finding that changes with it is a sentence
        # that needs it, left unchecked and listed; the others hold whatever it is.
        findings = audit_against_template(text, with_value(report, missing, 0))
        if missing:
            again = {_key(f) for f in audit_against_template(text, with_value(report, missing, 1))}
            unchecked = sorted({f.line for f in findings if _key(f) not in again})
            findings = [f for f in findings if _key(f) in again]
            outcome.not_run.append(
                "数据、表与正文都没有单独给出的数字（" + "、".join(k for _, k in missing) + "）：用到它们的句子不核对"
                + ("（第" + "、".join(map(str, unchecked)) + "行）" if unchecked else ""))
    except (DataError, DataErrors, KeyError, TypeError, ValueError, AttributeError) as exc:
        outcome.not_run.append(f"{RENDERED_CHECK}：所需数字不全，无法渲染模板（{_one_line(exc)}）")
        return outcome
    outcome.findings, outcome.origins, outcome.done = findings, origins, True
    outcome.ran.append(f"{RENDERED_CHECK}：数字来自{origins.describe()}")
    if origins.lenient:
        outcome.ran.append("正文中模板句式读不出的段落，容许模板文字至多差" f"{LENIENCY}字再读：" + "；".join(origins.lenient))
    if origins.self_given:
        outcome.not_run.append("只由所核对的句子本身得出的数字（上年数由增减额、预算数由完成率、部分由合计推算），"
                               "与该句无从核对，须数据：" + "；".join(origins.self_given))
    if origins.dropped:
        outcome.not_run.append("正文所述、未用于渲染的行：" + "；".join(origins.dropped))
    if origins.absent:
        outcome.not_run.append("数据与正文都没有、按空渲染的部门文字（只出现在表中，句子不受影响）："
                               + "、".join(origins.absent))
    return outcome


def _key(finding: Finding) -> tuple:
    return finding.line, finding.rule, finding.severity, finding.published, finding.expected


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
