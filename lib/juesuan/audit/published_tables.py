"""The nine standard tables as a published report prints them, read back into `workbook.FoundTable`s.

A report's text (or its PDF) prints each table row by row: a row shows only its non-empty columns, a long
name wraps onto the lines around its code line, and table 06 prints two blocks of 经济分类 side by side.
`read_tables(source)` finds each table by its title (`standard_tables`, the same titles `juesuan import`
looks for), reads its rows, and puts each amount in its column:

* from a PDF, by where it stands: the amounts of a table fall in as many columns as it has (right
  edges aligned), and the columns are the header's, left to right;
* from text, or where a PDF's columns cannot be told apart, by the table's own sums (`column_placement`):
  of every way to spread a row's amounts over the columns in order, the one that makes most of the
  tables' sums hold (a row's total = Σ its parts, 合计 = Σ类, 类 = Σ款 = Σ项).

Each table is then written out as a grid of cells, header and rows, and read by the very reader that
reads a department's workbook (`workbook.read_grid`), so that a table from a report and a table from
Excel are one thing, checked by one set of rules. `TablesRead.where` turns a cell of that grid back into
the report's line (or page and line).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from juesuan.audit.column_placement import PlacedRow, in_order, place_by_sums, tree_of_codes
from juesuan.audit.published_source import Source, SourceLine
from juesuan.data.standard_tables import BY_ID, ECONOMIC, FUNCTION, LINES, NOTE, SINGLE, Table, label_of, normalise
from juesuan.data.workbook import FoundTable, _title_at

AMOUNT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?")
CODE = re.compile(r"\d{3}(?:\d{2}){0,2}")
PAGE_FOOTER = re.compile(r"^[—\-－]\s*\d+\s*[—\-－]$|^第\s*\d+\s*页")
PART_HEADING = re.compile(r"^第[一二三四五六七八九十]部分")
ENUMERATED = re.compile(r"^[一二三四五六七八九十]+、")

# The columns of each table as the national template prints them, left to right, where a text's header
# (its words broken mid-word across lines) cannot be read: the standard tables' own order.
NATIONAL_COLUMNS = {
    "02": ("total", "fiscal", "superior_subsidy", "business", "operating", "subordinate_remittance", "other"),
    "03": ("total", "basic", "project", "remit_superior", "operating", "subsidy_subordinate"),
    "05": ("total", "basic", "project"),
    "08": ("carryover_begin", "income", "total", "basic", "project", "carryover_end"),
    "09": ("carryover_begin", "income", "total", "basic", "project", "carryover_end"),
}
FUND_COLUMNS_04 = ("total", "general_budget", "government_fund", "state_capital")
# 07 as the national template prints it: six items, each 预算数 then 决算数, in one row.
THREE_PUBLIC_ITEMS = ("total", "abroad", "vehicle", "vehicle_purchase", "vehicle_operation", "reception")


@dataclass
class TableText:
    """One table's lines in the report: the title's, the header's, the body's."""

    spec: Table
    title: SourceLine
    header: list[SourceLine]
    body: list[SourceLine]


@dataclass
class TablesRead:
    tables: dict[str, FoundTable]
    #: grid cell (公开02表!C7) → the report's line it was read from
    lines_of_rows: dict[tuple[str, int], SourceLine] = field(default_factory=dict)
    #: what could not be read and why (a table the report does not print, a row that fits no column)
    notes: list[str] = field(default_factory=list)

    def where(self, table_id: str, grid_row: int) -> SourceLine | None:
        return self.lines_of_rows.get((table_id, grid_row))


def is_amount(token: str) -> bool:
    return AMOUNT.fullmatch(token) is not None


def amount(token: str) -> Decimal:
    return Decimal(token.replace(",", ""))


# ---------------------------------------------------------------- finding the tables
def find_tables(source: Source) -> list[TableText]:
    """Each table printed in the report: title, header lines, body lines (page footers and a page's
    repeated header left out). A title with no row under it (a table of contents) is no table."""
    lines = [ln for ln in source.lines if ln.text and not PAGE_FOOTER.match(ln.text)
             and not ln.text.startswith("=== PAGE")]
    titles = [(i, _title_at(ln.text)) for i, ln in enumerate(lines)]
    titles = [(i, spec) for i, spec in titles if spec is not None and len(label_of(lines[i].text)) <= 40]
    found: list[TableText] = []
    for k, (i, spec) in enumerate(titles):
        end = titles[k + 1][0] if k + 1 < len(titles) else len(lines)
        region = []
        for ln in lines[i + 1:end]:
            if NOTE.match(normalise(ln.text)) or PART_HEADING.match(ln.text):
                break
            region.append(ln)
        start = next((j for j, ln in enumerate(region) if _is_data_line(spec, ln.text)), None)
        if start is None:
            continue
        header = [ln for ln in region[:start] if not _is_meta(ln.text)]
        header_texts = {normalise(ln.text) for ln in header}
        body = [ln for ln in region[start:] if normalise(ln.text) not in header_texts]
        if spec.id in {t.spec.id for t in found}:
            continue  # the same title again (a table of contents after the tables): the first is the table
        found.append(TableText(spec, lines[i], header, body))
    return found


def _is_meta(text: str) -> bool:
    return bool(re.match(r"^(编制单位|单位：|单位:|金额单位|公开\d+表$)", text))


def _is_data_line(spec: Table, text: str) -> bool:
    tokens = text.split()
    if not tokens:
        return False
    if any(is_amount(t) and ("." in t or "," in t) for t in tokens):
        return True
    if tokens[0] in ("合计", "总计"):
        return any(is_amount(t) for t in tokens)  # `合计 支出 支出` is the header's second line
    if CODE.fullmatch(tokens[0]) and spec.rows in (FUNCTION, ECONOMIC):
        return True
    return spec.rows == LINES and bool(ENUMERATED.match(tokens[0]))


# ---------------------------------------------------------------- the header's columns
def header_columns(table: TableText, side: int = 0) -> list[str]:
    """The spec's columns the header names, in the spec's order (the national order)."""
    words = [w for ln in table.header for w in ln.text.split()]
    joined = "".join(normalise(w) for w in words)
    present = []
    for column in table.spec.sides[side].columns:
        if any(all(_in_header(normalise(w), joined, words) for w in alt) for alt in column.words):
            present.append(column.key)
    return present


def _in_header(word: str, joined: str, tokens: list[str]) -> bool:
    """A header word, whole or broken over two of the header's cells (附属单位 / 上缴收入)."""
    if word in joined:
        return True
    return any(word[:k] and any(t.endswith(word[:k]) for t in tokens) and any(t.startswith(word[k:]) for t in tokens)
               for k in range(2, len(word) - 1))


# ---------------------------------------------------------------- rows with codes (02 03 05 08 09)
def coded_rows(body: list[SourceLine]) -> tuple[list[PlacedRow], list[str]]:
    """Rows keyed 合计 or by code. A name too long for its cell wraps onto the lines above and below the
    code line (the code sits in the middle of a three-line cell): a code line that took a line above takes
    exactly one below, so in a run of name-only lines the first closes the previous row when that row
    opened with one, the rest open the next."""
    rows: list[PlacedRow] = []
    notes: list[str] = []
    pending: list[SourceLine] = []
    prefixed: list[bool] = []

    def settle() -> None:
        if not rows or not pending:
            return
        if pending[0].words is not None or not rows[-1].name:
            # A PDF's cell wraps downwards (the name's rest on the lines under its code line), and a row
            # printed without its name has it on the lines that follow.
            rows[-1].name += "".join(p.text.replace(" ", "") for p in pending)
            pending.clear()
        elif prefixed[-1]:
            rows[-1].name += pending.pop(0).text.replace(" ", "")

    for ln in body:
        tokens = ln.text.split()
        if tokens[0] in ("合计", "总计") and not any(is_amount(t) for t in tokens):
            continue  # a header line repeated on a new page
        if tokens[0] in ("合计", "总计") or CODE.fullmatch(tokens[0]):
            settle()
            name, amounts, words_after = [], [], []
            for tok in tokens[1:]:
                if is_amount(tok):
                    amounts.append((tok, len(words_after) > 0, _word(ln, tok, len(amounts))))
                elif amounts or tokens[0] in ("合计", "总计"):
                    words_after.append(tok)  # header words the extraction put on this line (08's 合计)
                else:
                    name.append(tok)
            prefix = "".join(p.text.replace(" ", "") for p in pending)
            pending = []
            key = "合计" if tokens[0] in ("合计", "总计") else tokens[0]
            rows.append(PlacedRow(key, prefix + "".join(name), [a for a, _, _ in amounts], ln,
                                  after_words=[after for _, after, _ in amounts],
                                  header_words=words_after, positions=[w for _, _, w in amounts]))
            prefixed.append(bool(prefix))
        elif any(is_amount(t) and ("." in t or "," in t) for t in tokens):
            notes.append(f"{ln.where}：表中一行无科目编码，未读取：{ln.text}")
        else:
            pending.append(ln)
    settle()
    if pending and rows:
        rows[-1].name += "".join(p.text.replace(" ", "") for p in pending)
    return rows, notes


def _word(line: SourceLine, token: str, index: int):
    """The PDF word of the index-th amount on the line (None from text)."""
    if line.words is None:
        return None
    amounts = [w for w in line.words if is_amount(w.text)]
    codes_first = 1 if line.words and CODE.fullmatch(line.words[0].text) else 0
    candidates = amounts[codes_first:] if len(amounts) > index + codes_first else amounts
    return candidates[index] if index < len(candidates) else None


def _clusters(rows: list[PlacedRow]) -> list[float] | None:
    """The right edges of a PDF table's amount columns, left to right (amounts are right-aligned): None
    from text."""
    edges = sorted(w.x1 for r in rows for w in r.positions if w is not None)
    if not edges or any(w is None for r in rows for w in r.positions):
        return None
    groups = [[edges[0]]]
    for x in edges[1:]:
        if x - groups[-1][-1] > 6:
            groups.append([x])
        else:
            groups[-1].append(x)
    return [sum(g) / len(g) for g in groups]


def _place(spec: Table, rows: list[PlacedRow], columns: list[str], parents: dict[int, int | None],
           hints: dict[str, dict[str, Decimal]] | None = None) -> None:
    """Put each row's amounts in `columns` (keys): by position from a PDF, else by the sums.

    By the sums: the 合计 row first, on its own (its row sums, then header words printed on its line: amounts
    before them stand left of the columns they name, after them right), since it is the top of the table's
    sums and nothing beneath can place it; then every other row, the whole table at once, with two written
    rules where the sums tie: a printed 0 stands where 合计 prints 0, an amount where 合计 prints one (a column
    合计 leaves empty is empty beneath it, amounts not being negative); and an amount stands in the column
    where `hints` (another table's reading of the same code: 03 for 05 and 08) has it."""
    ncols = len(columns)
    edges = _clusters(rows)
    if edges is not None and len(edges) == ncols:
        for r in rows:
            r.placement = tuple(min(range(ncols), key=lambda c, w=w: abs(edges[c] - w.x1)) for w in r.positions)
        return
    side = spec.sides[1] if spec.rows == LINES else spec.sides[0]
    index = {key: i for i, key in enumerate(columns)}
    equations = []
    for key in columns:
        parts = [c.key for c in side.columns if c.part_of == key and c.key in index]
        if parts:
            equations.append({index[key]: 1, **{index[p]: -1 for p in parts}})
    for r in rows:
        named = sorted({index[k] for k in (_match(side, w) for w in r.header_words) if k in index})
        r.options = [p for p in in_order(len(r.tokens), list(range(ncols)))
                     if not named or all((c > named[-1]) if after else (c < named[0])
                                         for c, after in zip(p, r.after_words))]
    top = [i for i, r in enumerate(rows) if r.key in ("合计", "expenditure_total")]
    printed: dict[int, Decimal] = {}
    for i in top:
        place_by_sums([rows[i]], ncols, {0: None}, equations, lambda _i, _p: _hint_penalty(rows[i], _p, columns, hints))
        rows[i].options = [rows[i].placement]
        printed = dict(zip(rows[i].placement, (amount(t) for t in rows[i].tokens)))

    def penalty(i: int, p: tuple[int, ...]) -> int:
        score = _hint_penalty(rows[i], p, columns, hints)
        if printed and i not in top:
            for c, token in zip(p, rows[i].tokens):
                if c not in printed or (amount(token) == 0) != (printed[c] == 0):
                    score += 1
        return score

    place_by_sums(rows, ncols, parents, equations, penalty)


def _hint_penalty(row: PlacedRow, p: tuple[int, ...], columns: list[str], hints) -> int:
    preferred = (hints or {}).get(row.key, {})
    if not preferred:
        return 0
    return sum(1 for c, token in zip(p, row.tokens)
               if amount(token) in preferred.values() and preferred.get(columns[c]) != amount(token))


def _match(side, word: str) -> str | None:
    from juesuan.data.workbook import _match_column

    return _match_column(side, normalise(word))


# ---------------------------------------------------------------- each kind of table as a grid
def _header_text(spec: Table, side: int, key: str) -> str:
    """A column's header as the workbook reader names it: its first alternative's words."""
    return "".join(spec.sides[side].columns[[c.key for c in spec.sides[side].columns].index(key)].words[0])


def _coded_grid(table: TableText, hints) -> tuple[list[list], list[SourceLine | None], list[str]]:
    spec = table.spec
    rows, notes = coded_rows(table.body)
    columns = header_columns(table)
    needed = max((len(r.tokens) for r in rows), default=0)
    if spec.id in NATIONAL_COLUMNS and (len(columns) < needed or _clusters(rows) is not None
                                        and len(_clusters(rows)) > len(columns)):
        columns = list(NATIONAL_COLUMNS[spec.id])
    if needed > len(columns):
        notes.append(f"{table.title.where}：{spec.label}的一行有{needed}个金额，表头只有{len(columns)}栏，未读取")
        return [], [], notes
    _place(spec, rows, columns, tree_of_codes(rows), hints.get(spec.id))
    grid: list[list] = [[spec.title], ["科目编码", "科目名称", *(_header_text(spec, 0, k) for k in columns)]]
    where: list[SourceLine | None] = [table.title, None]
    for r in rows:
        cells = [None] * len(columns)
        for c, token in zip(r.placement, r.tokens):
            cells[c] = token
        grid.append([r.key, None if r.key == "合计" else (r.name or None), *cells])
        where.append(r.line)
    return grid, where, notes


def _economic_grid(table: TableText) -> tuple[list[list], list[SourceLine | None], list[str]]:
    """06: blocks of (code, name, 决算数) side by side; a wrapped name belongs to the code whose name slot on
    its line is empty (`机关事业单位基本养老保` / `30108 699.30 30206 电费` / `险缴费`)."""
    spec = table.spec
    lines: list[tuple[SourceLine, list[list]]] = []
    pending: list[str] = []
    waiting: list | None = None  # the segment that took a wrapped name's first part, to take its rest
    for ln in table.body:
        tokens = ln.text.split()
        segments: list[list] = []
        for tok in tokens:
            if CODE.fullmatch(tok) and len(tok) in (3, 5) and (not segments or segments[-1][2] is not None
                                                              or segments[-1][1]):
                segments.append([tok, "", None])
            elif is_amount(tok) and segments and segments[-1][2] is None:
                segments[-1][2] = tok
            elif tok.endswith("合计") or tok == "合计" or tok in ("人员经费", "公用经费"):
                segments.append([tok, "", None])
            elif segments and segments[-1][2] is None:
                segments[-1][1] += tok
            else:
                segments = []
                break
        if not segments:
            if waiting is not None:
                waiting[1] += ln.text.replace(" ", "")
                waiting = None
            else:
                pending.append(ln.text.replace(" ", ""))
            continue
        if pending:
            empty = next((s for s in segments if not s[1] and CODE.fullmatch(s[0])), None)
            if empty is not None:
                empty[1] = "".join(pending)
                waiting = empty
            pending = []
        lines.append((ln, segments))
    blocks = max((len(s) for _, s in lines), default=1)
    grid: list[list] = [[spec.title], ["科目编码", "科目名称", "决算数"] * blocks]
    where: list[SourceLine | None] = [table.title, None]
    last_block_of_class: dict[str, int] = {}
    previous_block = 0
    for ln, segments in lines:
        row: list = [None] * (3 * blocks)
        for k, (code, name, value) in enumerate(segments):
            if len(segments) == blocks:
                block = k
            else:
                block = last_block_of_class.get(code[:3], previous_block) if code.isdigit() else blocks - 1
            last_block_of_class[code[:3]] = block
            previous_block = block
            row[3 * block:3 * block + 3] = [code, name or None, value]
        grid.append(row)
        where.append(ln)
    return grid, where, []


def _single_grid(table: TableText) -> tuple[list[list], list[SourceLine | None], list[str]]:
    """07: one row of 预算数/决算数 pairs (the national layout), or a row per item (预算数 决算数 完成预算)."""
    spec = table.spec
    amounts = [(ln, t) for ln in table.body for t in ln.text.split() if is_amount(t)]
    labelled = [ln for ln in table.body if ln.text.split() and not is_amount(ln.text.split()[0])]
    keys: list[str] = []
    values: list[str] = []
    where_line = table.body[0] if table.body else table.title
    if labelled:
        for ln in labelled:
            tokens = ln.text.split()
            label = normalise("".join(t for t in tokens if not is_amount(t)))
            item = _three_public_item(label)
            numbers = [t for t in tokens if is_amount(t)]
            if item is None or not numbers:
                continue
            kinds = {3: ("budget", "actual", "completion"), 2: ("budget", "actual"), 1: ("actual",)}.get(len(numbers))
            if kinds is None:
                continue
            for kind, token in zip(kinds, numbers):
                keys.append(f"{item}.{kind}")
                values.append(token)
    elif len(amounts) == 2 * len(THREE_PUBLIC_ITEMS):
        for i, (ln, token) in enumerate(amounts):
            keys.append(f"{THREE_PUBLIC_ITEMS[i // 2]}.{('budget', 'actual')[i % 2]}")
            values.append(token)
        where_line = amounts[0][0]
    else:
        return [], [], [f"{table.title.where}：{spec.label}有{len(amounts)}个金额，不是六项的预算数、决算数，未读取"]
    header = ["".join(spec.column(k).words[0]) for k in keys]
    return [[spec.title], header, values], [table.title, None, where_line], []


def _three_public_item(label: str) -> str | None:
    label = re.sub(r"^(?:\d+[.、．]|（\d+）|\(\d+\))", "", label)
    for key, words in (("vehicle_purchase", "公务用车购置费"), ("vehicle_operation", "公务用车运行维护费"),
                       ("vehicle", "公务用车购置及运行维护费"), ("abroad", "因公出国"), ("reception_domestic", "国内"),
                       ("reception_foreign", "外事"), ("reception", "公务接待费"), ("total", "合计")):
        if label.startswith(normalise(words)) or (words in ("国内", "外事") and words in label):
            return key
    return None


def _lines_grid(table: TableText) -> tuple[list[list], list[SourceLine | None], list[str]]:
    """01 and 04: 收入 on the left, 支出 on the right, one line each side; a lone word that is no label ends
    the label above it (`二十二、灾害防治及应急管理支` / `出`); a 支出 line may carry its class code."""
    spec = table.spec
    left_labels = {normalise(lb) for ln in spec.sides[0].lines for lb in ln.labels}
    right_labels = {normalise(lb) for ln in spec.sides[1].lines for lb in ln.labels}
    parsed: list[tuple[SourceLine, list | None, list | None]] = []
    totals_seen = {"left": False, "right": False}
    for ln in table.body:
        segments: list[list] = []
        for tok in ln.text.split():
            if is_amount(tok) and segments:
                segments[-1][1].append(tok)
            elif CODE.fullmatch(tok) and len(tok) == 3:
                continue  # the class code printed before a 支出 line's name
            else:
                segments.append([tok, []])
        if len(segments) == 1 and not segments[0][1] and label_of(segments[0][0]) not in left_labels | right_labels \
                and parsed:
            prev = parsed[-1]
            target = prev[2] if prev[2] is not None else prev[1]
            if target is not None:
                target[0] += segments[0][0]
            continue
        left = right = None
        for k, seg in enumerate(segments):
            label = label_of(seg[0])
            if label in ("总计",):
                side = "left" if (len(segments) == 2 and k == 0) or (len(segments) == 1 and not totals_seen["left"]
                                                                      and totals_seen["right"]) else "right"
                if len(segments) == 1 and not totals_seen["right"] and not totals_seen["left"]:
                    side = "left"
                totals_seen[side] = True
            elif label in left_labels and not (left is not None and label in right_labels):
                side = "left" if left is None else "right"
            else:
                side = "right"
            if side == "left":
                left = seg
            else:
                right = seg
        parsed.append((ln, left, right))
    right_rows = [PlacedRow(_line_key(spec, r[0]), r[0], r[1], ln) for ln, _, r in parsed if r is not None]
    width = 1
    columns = ["amount"]
    if spec.id == "04":
        columns = list(FUND_COLUMNS_04) if max((len(r.tokens) for r in right_rows), default=1) > 1 else ["total"]
        width = len(columns)
        if width > 1:
            fund_income = {}
            for _, left, _ in parsed:
                if left is not None and left[1]:
                    key = _line_key(spec, left[0], side=0)
                    if key.startswith("income.") and key.count(".") == 1:
                        fund_income[key.split(".", 1)[1]] = amount(left[1][0])
            fund_income["total"] = sum(fund_income.values(), Decimal(0))
            parents = {i: (None if r.key in ("expenditure_total", "total", "") or not r.key.startswith("function.")
                           else next((j for j, x in enumerate(right_rows) if x.key == "expenditure_total"), None))
                       for i, r in enumerate(right_rows)}
            _place(spec, right_rows, columns, parents,
                   {"expenditure_total": fund_income, "total": fund_income})
    for r in right_rows:
        if r.placement is None:
            r.placement = tuple(range(len(r.tokens)))
    right_of = {id(r.line): r for r in right_rows}
    header_right = [_header_text(spec, 1, k) if spec.id == "04" else "决算数" for k in columns]
    grid: list[list] = [[spec.title], ["项目", "决算数", "项目", *header_right]]
    where: list[SourceLine | None] = [table.title, None]
    for ln, left, right in parsed:
        row: list = [None] * (3 + width)
        if left is not None:
            row[0] = left[0]
            row[1] = left[1][0] if left[1] else None
        if right is not None:
            row[2] = right[0]
            placed = right_of.get(id(ln))
            for c, token in zip(placed.placement if placed else (), right[1]):
                row[3 + c] = token
        grid.append(row)
        where.append(ln)
    return grid, where, []


def _line_key(spec: Table, label: str, side: int = 1) -> str:
    text = label_of(label)
    return next((ln.key for ln in spec.sides[side].lines if text in map(normalise, ln.labels)), "")


# ---------------------------------------------------------------- the report's tables
READ_ORDER = ("01", "03", "02", "04", "05", "06", "07", "08", "09")  # 03 before 05 and 08: it places their 项


def read_tables(source: Source) -> TablesRead:
    """Every standard table the report prints, read into FoundTables through the workbook's reader."""
    from juesuan.data.workbook import read_grid

    result = TablesRead({})
    found = {t.spec.id: t for t in find_tables(source)}
    hints: dict[str, dict[str, dict[str, Decimal]]] = {}
    for table_id in READ_ORDER:
        table = found.get(table_id)
        if table is None:
            continue
        spec = table.spec
        if spec.rows in (FUNCTION,):
            grid, where, notes = _coded_grid(table, hints)
        elif spec.rows == ECONOMIC:
            grid, where, notes = _economic_grid(table)
        elif spec.rows == SINGLE:
            grid, where, notes = _single_grid(table)
        else:
            grid, where, notes = _lines_grid(table)
        result.notes += notes
        if not grid:
            continue
        read, problems = read_grid(spec, grid)
        for problem in problems:
            result.notes.append(f"{table.title.where}：{spec.label}：{problem.field}：应为{problem.expected}"
                                + (f"，实为 {problem.got}" if problem.got is not None else ""))
        if read is None:
            continue
        result.tables[table_id] = read
        for r, line in enumerate(where):
            if line is not None:
                result.lines_of_rows[(table_id, r + 1)] = line
        if table_id == "03":
            for row in read.rows:
                hints.setdefault("05", {})[row.key] = {k: f.value for k, f in row.values.items() if not f.blank}
            hints["08"] = hints["09"] = hints["05"]
    return result
