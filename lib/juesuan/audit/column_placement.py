"""Which column each amount of a published table row is in, where the text prints only non-empty columns.

A row of `2070105 文化展示及纪念机构 1,700.57 1,700.57` under 本年支出合计 / 基本支出 / 项目支出 says 1,700.57
twice and not where. Every way of spreading a row's amounts over the columns, in order, is an option;
the tables' own sums choose: a row's total = Σ its parts (`equations`), and a row with rows beneath it
(合计 over 类, 类 over 款, 款 over 项) = Σ those rows, column by column. The chosen placement of the whole
table is the one with the fewest sums that fail, then the smallest total difference; where the sums
cannot choose, `penalty` (written rules of the caller, each with its reason) and then the leftmost
columns decide (the columns a department fills most, 基本支出 and 项目支出, 财政拨款收入, come first in
the national order). A published table whose sums do not all hold still gets its best reading: the
sums that fail are the audit's findings, not a reason to give up.

The search is a tree recursion (a row's sums involve only the rows directly beneath it); where a row has
so many rows beneath it that trying every combination of theirs would take too long, each of them is
placed on its own subtree first and the parent takes what they chose.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

ZERO = Decimal(0)
#: Combinations of the rows beneath one row tried together; past it, each is placed on its own.
MAX_COMBINATIONS = 4096


@dataclass
class PlacedRow:
    key: str
    name: str
    tokens: list[str]
    line: object
    #: per amount: True when it follows header words on its line (08's `合计 0 2002.80 合计 基本支出 项目支出 0`)
    after_words: list[bool] = field(default_factory=list)
    header_words: list[str] = field(default_factory=list)
    #: per amount: its PDF word (None from text)
    positions: list = field(default_factory=list)
    options: list[tuple[int, ...]] = field(default_factory=list)
    placement: tuple[int, ...] | None = None

    def vector(self, placement: tuple[int, ...], ncols: int) -> list[Decimal]:
        values = [ZERO] * ncols
        for column, token in zip(placement, self.tokens):
            values[column] = Decimal(token.replace(",", ""))
        return values


def in_order(count: int, columns: list[int]) -> list[tuple[int, ...]]:
    """Every increasing choice of `count` of `columns`."""
    return list(itertools.combinations(columns, count))


Cost = tuple  # (failing sums, Σ|difference|, penalty, Σ column indices)


def _add(a: Cost, b: Cost) -> Cost:
    return tuple(x + y for x, y in zip(a, b))


def place_by_sums(rows: list[PlacedRow], ncols: int, parents: dict[int, int | None],
                  equations: list[dict[int, int]], penalty: Callable[[int, tuple[int, ...]], int]) -> Cost:
    """Set each row's `placement` (from its `options`); return the cost of the whole table's reading."""
    children: dict[int, list[int]] = {i: [] for i in range(len(rows))}
    for i, p in parents.items():
        if p is not None:
            children[p].append(i)
    memo: dict[tuple[int, tuple], tuple[Cost, tuple]] = {}

    def own(i: int, p: tuple[int, ...]) -> Cost:
        v = rows[i].vector(p, ncols)
        fails, dev = 0, ZERO
        for eq in equations:
            s = sum((coef * v[c] for c, coef in eq.items()), ZERO)
            if s:
                fails, dev = fails + 1, dev + abs(s)
        return (fails, dev, penalty(i, p), sum(p))

    # A row's own sums and the caller's rules first: of its options only those that do best on the row
    # alone are tried against the rows around it (a row printing a total and one part has two, not fifteen).
    for i, row in enumerate(rows):
        if len(row.options) > 1:
            least = min(own(i, p)[:3] for p in row.options)
            row.options = [p for p in row.options if own(i, p)[:3] == least]

    def best(i: int, p: tuple[int, ...]) -> tuple[Cost, tuple]:
        if (i, p) in memo:
            return memo[i, p]
        cost = own(i, p)
        kids = children[i]
        chosen: tuple = ()
        if kids:
            count = 1
            for k in kids:
                count *= len(rows[k].options)
            if count <= MAX_COMBINATIONS:
                combos = itertools.product(*[rows[k].options for k in kids])
            else:
                combos = [tuple(min(rows[k].options, key=lambda q, k=k: best(k, q)[0]) for k in kids)]
            found = None
            v = rows[i].vector(p, ncols)
            for combo in combos:
                c = cost
                sums = [ZERO] * ncols
                for k, pk in zip(kids, combo):
                    c = _add(c, best(k, pk)[0])
                    for col, value in enumerate(rows[k].vector(pk, ncols)):
                        sums[col] += value
                fails = sum(1 for a, b in zip(v, sums) if a != b)
                dev = sum((abs(a - b) for a, b in zip(v, sums)), ZERO)
                c = _add(c, (fails, dev, 0, 0))
                if found is None or c < found[0]:
                    found = (c, combo)
            cost, chosen = found
        memo[i, p] = (cost, chosen)
        return memo[i, p]

    def settle(i: int, p: tuple[int, ...]) -> None:
        rows[i].placement = p
        for k, pk in zip(children[i], best(i, p)[1]):
            settle(k, pk)

    total: Cost = (0, ZERO, 0, 0)
    for i, p in parents.items():
        if p is None:
            if not rows[i].options:
                continue
            choice = min(rows[i].options, key=lambda q, i=i: best(i, q)[0])
            total = _add(total, best(i, choice)[0])
            settle(i, choice)
    return total


def tree_of_codes(rows: list[PlacedRow]) -> dict[int, int | None]:
    """合计 ← 类 (3 digits) ← 款 (5) ← 项 (7) by code; a row whose parent is not printed hangs from the
    nearest ancestor that is (or 合计)."""
    index = {r.key: i for i, r in enumerate(rows)}
    total = index.get("合计")
    parents: dict[int, int | None] = {}
    for i, r in enumerate(rows):
        if r.key == "合计" or not r.key.isdigit():
            parents[i] = None
            continue
        parent = None
        code = r.key
        while len(code) > 3 and parent is None:
            code = code[:-2]
            parent = index.get(code)
        parents[i] = parent if parent is not None else total
    return parents
