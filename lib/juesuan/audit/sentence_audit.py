"""A published report's sentences held against its own tables and against each other, with no data.

The text is read by its template's own sentences (`template_extract.read_figures`: the template rendered from
its example department, every value knowing what it states). Then, each finding at its line (or page and
line of a PDF):

* **amounts against the tables**: each amount a sentence states (this year's) against the same figure in the
  report's own nine tables, where they print it. Which cell is which figure is the workbook import's mapping
  (`importer.map_workbook` over the tables read, as published; its `DERIVED` for the totals the model
  computes), not written again here;
* **percentages and changes recomputed**: each share, completion rate or rate of change the text prints,
  worked out (exact Decimal, half up to 0.01) from the amounts the text itself states (the figure printed
  beside it first, else the same figure elsewhere in the text, else the tables); last year's figure is this
  year's less the change the text states. A difference that the rounding of the displayed operands (± 0.005
  each) could explain, or a value cut rather than rounded, is a warning giving the range (template_audit's
  `explanation`, rounding.Interval), not an error; a rate of growth from nothing is an error. Shares
  of one whole stated together must add up to 100% (general_checks.ShareSums);
* **a quantity printed twice differently** (what `Stated.conflicts` lists), with both lines.

A value the text gives only through the very rate being checked (a budget read back from its completion
rate) is no operand: such a rate is listed as not checkable, with the figure it lacks. The template's
wording, punctuation and units are not checked here: the sentences to compare with are rendered from the
department's figures (`juesuan audit --department --year`).
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from juesuan.audit.audit_base import Finding
from juesuan.audit.rounding import Interval
from juesuan.audit.general_checks import ShareSums
from juesuan.audit.published_source import Source, stated_year
from juesuan.audit.published_tables import TablesRead, find_tables
from juesuan.audit.table_audit import first_line
from juesuan.audit.template_audit import explanation
from juesuan.audit.template_extract import Fact, read_figures, value_printed
from juesuan.data import catalogue
from juesuan.data.importer import DERIVED, map_workbook
from juesuan.data.money import HALF_FEN, HUNDRED, round_half_up
from juesuan.data.standard_tables import BY_ID
from juesuan.data.template import load_template
from juesuan.data.workbook import FoundTable, Workbook
from juesuan.errors import DataError, DataErrors

#: The checks this module runs, as the outcome names them.
AMOUNTS_CHECK = "正文所述金额与报告本身的表（同一数字）"
RATES_CHECK = "正文百分比、增减额由正文（或表）所述金额重算（四舍五入到0.01，尾差可解释者为警告）"
SHARE_SUM_CHECK = "同一总数的各项占比相加为100%"
REPEATS_CHECK = "同一数字前后一致（正文两处所述不同）"
WORDING_NOT_RUN = ("正文措辞、标点、单位与模板：须按本部门的数字渲染模板，无数据时不核对"
                   "（有数据时：juesuan audit --department --year）")
#: Two shares of one whole farther apart than this many lines belong to different sentences (a section that
#: restates them): each statement of the shares is added up on its own.
SHARE_RUN_LINES = 3
CELL_ROW = re.compile(r"公开(\d\d)表!")


@dataclass
class SentenceOutcome:
    findings: list[Finding] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Operand:
    """A figure a rate is worked out from: its value, what rounding to the fen leaves open, how it was had."""
    value: Decimal
    range: Interval
    shown: str


def audit_sentences(source: Source, tables: TablesRead, template_name: str, data_dir: Path | None) -> SentenceOutcome:
    """Every sentence check the report alone allows (see the module's docstring)."""
    outcome = SentenceOutcome()
    template = load_template(template_name)
    department, example_year = template.example
    data_dir = Path(data_dir) if data_dir is not None else Path("data")
    if not (data_dir / str(example_year) / "departments.csv").is_file():
        outcome.not_run.append(f"正文的句子核对（{template_name} 模板）：模板的句式由其示例部门 {department}"
                               f"（{example_year}年）的数据渲染而来，{data_dir / str(example_year)} 中没有"
                               f"（如安装的包不带 data/；请用 --data 指向含示例的数据文件夹）")
        return outcome
    # The sentences carry the example's year (they are its rendering): the text is read as of that year, then
    # each figure is moved to the year the text states (its title, its headings).
    text = prose(source)
    year = stated_year(text) or example_year
    try:
        _, figures = read_figures(text, template, data_dir, example_year)
    except (KeyError, DataError, DataErrors, OSError) as exc:
        outcome.not_run.append(f"正文的句子核对（{template_name} 模板）：示例部门 {department} 的数据不可读（{exc}）")
        return outcome
    facts = [dataclasses.replace(f, var=dataclasses.replace(f.var, source=_moved(f.var.source, year - example_year)))
             for f in figures.facts]
    # each value read, its codes those of the names read beside it (as extract re-keys them)
    checker = _Checker(source, tables, facts, year)
    checker.amounts_against_tables(outcome)
    checker.rates(outcome)
    checker.repeats(outcome)
    outcome.not_run.append(WORDING_NOT_RUN)
    return outcome


def _moved(source, years: int):
    """A value's source with each amount's and count's year moved by `years`."""
    if not isinstance(source, tuple) or not years:
        return source
    if source and source[0] in ("amount", "count") and len(source) == 4 and isinstance(source[3], int):
        return (*source[:3], source[3] + years)
    return tuple(_moved(part, years) for part in source)


def prose(source: Source) -> str:
    """The report's text with the lines of its tables left blank (line numbers kept): a PDF prints its nine
    tables as lines of words between the parts, pages of them, which no sentence reads and which would push
    the sentences after them out of the reader's reach (template_extract.WINDOW)."""
    in_tables = {line.number for table in find_tables(source) for line in [table.title, *table.header, *table.body]}
    return "\n".join("" if line.number in in_tables else line.text for line in source.lines)


def table_figures(tables: TablesRead) -> tuple[dict[tuple[str, str], tuple[Decimal, str]], str]:
    """(item, code) → (value, cell) of every figure the tables print that the data model holds, by the
    workbook import's own mapping; and why none, where it could not be made."""
    if not tables.tables:
        return {}, "报告未印出可读的公开表"
    found = {tid: tables.tables.get(tid) or FoundTable(spec, "公开表", "", {}) for tid, spec in BY_ID.items()}
    try:
        mapped = map_workbook(Workbook(Path("公开表"), found, [], []), as_published=True)
    except DataErrors as exc:
        return {}, f"表中同一数字两处不同，无从对应（{exc.errors[0].message}）"
    out = {key: (claim.value, claim.cell) for key, claim in mapped.rows.items()}
    for item, by_code in mapped.levels.items():
        for code, (value, cell) in by_code.items():
            out.setdefault((item, code), (value, cell))
    for (tid, side, key, column), item in DERIVED.items():
        table = tables.tables.get(tid)
        row = table.row(key, side) if table is not None else None
        figure = row.values.get(column) if row is not None else None
        if figure is not None and not figure.blank:
            out.setdefault((item, ""), (figure.value, figure.cell))
    return out, ""


class _Checker:
    def __init__(self, source: Source, tables: TablesRead, facts: list[Fact], year: int):
        self.source, self.tables, self.facts, self.year = source, tables, facts, year
        self.table, self.no_tables = table_figures(tables)

    def where(self, line: int) -> str:
        lines = self.source.lines
        return lines[line - 1].where if 0 < line <= len(lines) else f"第{line}行"

    def cell_where(self, cell: str) -> str:
        line = first_line(self.tables, cell)
        table = CELL_ROW.search(cell)
        return f"公开{table.group(1)}表 {line.where}" if line is not None and table else cell

    # ------------------------------------------------------------ amounts against the tables
    def amounts_against_tables(self, outcome: SentenceOutcome) -> None:
        if not self.table:
            outcome.not_run.append(f"{AMOUNTS_CHECK}：{self.no_tables}")
            return
        compared = 0
        for fact in self.facts:
            source = fact.var.source
            if not source or source[0] != "amount" or source[3] != self.year or (source[1], source[2]) not in self.table:
                continue
            printed = value_printed(fact.printed)
            if printed is None:
                continue
            compared += 1
            value, cell = self.table[(source[1], source[2])]
            places = max(0, -printed.as_tuple().exponent)
            if printed == value:
                continue
            name = catalogue.item_name(source[1]) + (f" {source[2]}" if source[2] else "")
            shown = f"{self.cell_where(cell)}为 {value}"
            if places < 2 and round_half_up(value, places) == printed:
                outcome.findings.append(Finding(fact.line, self.where(fact.line), fact.printed, str(value), "amount",
                                                f"{name}：正文 {fact.printed} 是表中数字取整（{shown}）", "note"))
                continue
            outcome.findings.append(Finding(fact.line, self.where(fact.line), fact.printed, str(value), "amount",
                                            f"{name}：正文 {fact.printed}，{shown}", "error"))
        outcome.ran.append(f"{AMOUNTS_CHECK}：{compared}处")

    # ------------------------------------------------------------ percentages and changes
    def operand(self, source, fact: Fact, exclude: Fact) -> Operand | None:
        """The value `source` names, as the text (or the tables) give it near `fact`; never `exclude` itself."""
        if source[0] == "value":
            value = Decimal(source[1])
            return Operand(value, Interval.around(value, HALF_FEN), source[1])
        if source[0] == "derived" and source[1] == "change":
            stated = self.stated(source, fact, exclude)
            if stated is None:
                return None
            value = value_printed(stated.printed)
            return Operand(value, Interval.around(value, HALF_FEN), str(value)) if value is not None else None
        if source[0] != "amount":
            return None
        stated = self.stated(source, fact, exclude)
        if stated is not None and (value := value_printed(stated.printed)) is not None:
            return Operand(value, Interval.around(value, HALF_FEN), str(value))
        if source[3] == self.year and (source[1], source[2]) in self.table:
            value, cell = self.table[(source[1], source[2])]
            return Operand(value, Interval.around(value, HALF_FEN), f"{value}（{self.cell_where(cell)}）")
        if source[3] == self.year - 1:
            return self.previous(source, fact, exclude)
        return None

    def previous(self, source, fact: Fact, exclude: Fact) -> Operand | None:
        """Last year's figure from a change the text states: this year's less the increase (plus the decrease)."""
        change = next((f for f in self.near(fact) if f is not exclude and f.var.source and f.var.source[:2] ==
                       ("derived", "change") and f.var.source[3] == source), None)
        if change is None:
            return None
        _, _, current, _, sign = change.var.source
        now, moved = self.operand(current, change, exclude), value_printed(change.printed)
        if now is None or moved is None:
            return None
        moved_range = Interval.around(moved, HALF_FEN)
        if sign > 0:
            value, interval = now.value - moved, now.range - moved_range
        else:
            value, interval = now.value + moved, Interval(now.range.lo + moved_range.lo, now.range.hi + moved_range.hi)
        word = "−" if sign > 0 else "+"
        return Operand(value, interval, f"({now.shown} {word} {moved})")

    def near(self, fact: Fact) -> list[Fact]:
        """The facts in the order to look for an operand of `fact`: its own pass (nearest first), then the
        rest of the text in order."""
        before = [f for f in self.facts if f.passes == fact.passes and f.line <= fact.line]
        before.sort(key=lambda f: (fact.line - f.line, -self.facts.index(f)))
        return before + [f for f in self.facts if f not in before]

    def stated(self, source, fact: Fact, exclude: Fact) -> Fact | None:
        return next((f for f in self.near(fact) if f is not exclude and f.var.source == source and
                     value_printed(f.printed) is not None), None)

    def rates(self, outcome: SentenceOutcome) -> None:
        checked, lacking, from_change = 0, [], []
        runs: list[list] = []
        for fact in self.facts:
            source = fact.var.source
            if not source or source[0] != "derived":
                continue
            printed = value_printed(fact.printed)
            if printed is None:
                continue
            _, operation, first, second, _sign = source
            if operation == "change" and second[0] == "amount" and second[3] == self.year - 1 and \
                    self.stated(second, fact, fact) is None:
                # last year's figure is had only from this very change: nothing to hold the change against
                from_change.append(f"{self.where(fact.line)} {fact.printed}（{_name(second)}）")
                continue
            a, b = self.operand(first, fact, fact), self.operand(second, fact, fact)
            if a is None or b is None:
                missing = [_name(s) for s, o in ((first, a), (second, b)) if o is None]
                lacking.append(f"{self.where(fact.line)} {fact.printed}{'%' if fact.var.percent else ''}"
                               f"（缺{'、'.join(missing)}）")
                continue
            checked += 1
            if operation == "percent":
                self.percent(outcome, fact, printed, a, b)
                if first[0] != "derived" and second[0] == "amount" and "budget" not in second[1]:
                    self.add_share(runs, fact, printed, a, b, second)
            else:
                self.change(outcome, fact, printed, a, b)
        for number, run in enumerate(runs):
            sums = ShareSums()
            for fact, printed, a, b in run:
                sums.add(self.where(run[0][0].line), ("derived", "percent", ("value", str(a.value)),
                                                      ("value", str(b.value))), printed, fact.line, fact.printed)
            outcome.findings += sums.findings()
        outcome.ran.append(f"{RATES_CHECK}：{checked}处")
        outcome.ran.append(SHARE_SUM_CHECK)
        if from_change:
            outcome.not_run.append(f"增减额：{len(from_change)}处上年数字正文与表中都没有（上年数字只由增减额本身得出，"
                                   "增长率则由它重算）：" + "；".join(from_change))
        if lacking:
            outcome.not_run.append(f"{RATES_CHECK}：{len(lacking)}处所需数字正文与表中都没有："
                                   + "；".join(lacking))

    def add_share(self, runs: list, fact: Fact, printed: Decimal, a: Operand, b: Operand, whole) -> None:
        last = runs[-1] if runs else None
        if last and last[-1][0].var.source[3] == whole and fact.line - last[-1][0].line <= SHARE_RUN_LINES:
            last.append((fact, printed, a, b))
        else:
            runs.append([(fact, printed, a, b)])

    def percent(self, outcome: SentenceOutcome, fact: Fact, printed: Decimal, part: Operand, whole: Operand) -> None:
        where = self.where(fact.line)
        if whole.value == 0:
            if part.value != 0 or printed != 0:
                outcome.findings.append(Finding(
                    fact.line, where, f"{fact.printed}%", "（无百分比）", "change_rate",
                    f"百分比 {fact.printed}% 的基数 {whole.shown} 为 0：从零起的增长没有增长率", "error"))
            return
        exact = part.value / whole.value * HUNDRED
        expected = round_half_up(exact)
        if printed == expected:
            return
        operands = ("derived", "percent", ("value", str(part.value)), ("value", str(whole.value)))
        explained, why = explanation(operands, printed)
        if explained == "rounding":
            interval = part.range.ratio(whole.range)
            why = (f"{part.shown} ÷ {whole.shown} 中各数在尾数 ±0.005 之内可得 "
                   f"{round_half_up(interval.lo)} 至 {round_half_up(interval.hi)}") if interval else why
        message = (f"百分比与正文所述数字不符：公开 {fact.printed}%，{part.shown} ÷ {whole.shown} × 100 = "
                   f"{exact.quantize(Decimal('0.0001'))}，四舍五入为 {expected}%" + (f"（{why}）" if why else ""))
        outcome.findings.append(Finding(fact.line, where, f"{fact.printed}%", f"{expected}%", "number", message,
                                        "warning" if explained else "error", explained=explained))

    def change(self, outcome: SentenceOutcome, fact: Fact, printed: Decimal, now: Operand, before: Operand) -> None:
        sign = fact.var.source[4]
        exact = now.value - before.value
        if printed == abs(exact) and (sign == 0 or exact == 0 or (exact > 0) == (sign > 0)):
            return
        interval = (now.range - before.range).abs()
        explained = "rounding" if interval.explains(printed) and (exact >= 0) == (sign >= 0) else ""
        message = f"增减额与正文所述数字不符：公开 {fact.printed}，{now.shown} − {before.shown} = {exact}"
        if explained:
            message += f"（各数尾数 ±0.005 之内可得 {round_half_up(interval.lo)} 至 {round_half_up(interval.hi)}）"
        outcome.findings.append(Finding(fact.line, self.where(fact.line), fact.printed, str(abs(exact)), "change",
                                        message, "warning" if explained else "error", explained=explained))

    # ------------------------------------------------------------ a quantity printed twice
    def repeats(self, outcome: SentenceOutcome) -> None:
        first: dict[tuple, Fact] = {}
        for fact in self.facts:
            source = fact.var.source
            if not source or source[0] not in ("amount", "count"):
                continue
            value = value_printed(fact.printed)
            if value is None:
                continue
            key = source
            if key not in first:
                first[key] = fact
            elif value_printed(first[key].printed) != value:
                earlier = first[key]
                outcome.findings.append(Finding(
                    fact.line, self.where(fact.line), fact.printed, earlier.printed, "restated",
                    f"同一数字前后不一致：{_name(source)} 此处为 {fact.printed}，{self.where(earlier.line)}为 "
                    f"{earlier.printed}", "error"))
        outcome.ran.append(REPEATS_CHECK)


def _name(source) -> str:
    """What a source names, in words (last year's marked)."""
    if source[0] == "amount":
        _, item, code, at = source
        return f"{at}年{catalogue.item_name(item)}" + (f"（{code}）" if code else "")
    if source[0] == "count":
        return f"数量 {source[1]}" + (f"（{source[2]}）" if source[2] else "")
    if source[0] == "derived":
        return f"{_name(source[2])}与{_name(source[3])}之差" if source[1] == "change" else "百分比"
    return str(source)


def sentence_checks(template_name: str):
    """The seam's function for one template: (source, tables, data_dir) → SentenceOutcome."""
    def checks(source: Source, tables: TablesRead, data_dir: Path | None) -> SentenceOutcome:
        return audit_sentences(source, tables, template_name, data_dir)
    return checks
