"""One department's figures for one year, with every total worked out from its parts."""
from __future__ import annotations

from collections import Counter
from decimal import Decimal

from juesuan.data import catalogue
from juesuan.data.loading import DepartmentFigures
from juesuan.data.money import ZERO, Change, rounding_residue

# Totals that may be absent from a report year: a department with no such
# expenditure writes no rows, and its total is 0.
ZERO_WHEN_ABSENT = {"gpb.total", "gpb.budget_total", "gf.total", "sc.total", "fiscal_expenditure"}


class Figures:
    """Amounts, counts and breakdowns of one department-year, totals resolved.

    A total is the sum of its parts when any part is stated (absent parts are
    0); when no part is stated, the total as the file states it (a partial
    comparison year); otherwise unknown (None).
    """

    def __init__(self, source: DepartmentFigures):
        self.source = source
        self.department_id = source.department_id
        self.year = source.year
        self.name = source.name
        self.short_name = source.short_name
        self.text = source.text
        self._cache: dict[str, Decimal | None] = {}
        # Coded rows by item, and their finest rows: every total of a hierarchical item reads them.
        self._detail: dict[str, dict[str, Decimal]] = {}
        self._leaves: dict[str, dict[str, Decimal]] = {}
        self._at: dict[tuple[str, str], Decimal | None] = {}

    def stated(self, item: str, code: str = "") -> Decimal | None:
        return self.source.amounts.get((item, code))

    def by_code(self, item: str) -> dict[str, Decimal]:
        """The coded rows of an item in code order; function and economic items by 类, whatever detail is given."""
        rows = self.detail(item)
        if not is_hierarchical(item):
            return rows
        return {code: self.amount_at(item, code) for code in self.classes(item)}

    def detail(self, item: str) -> dict[str, Decimal]:
        """The coded rows of an item exactly as the data gives them (类, 款 and 项 alike), in code order."""
        if item not in self._detail:
            rows = {code: v for (key, code), v in self.source.amounts.items() if key == item and code}
            self._detail[item] = dict(sorted(rows.items()))
        return self._detail[item]

    def leaves(self, item: str) -> dict[str, Decimal]:
        """The finest rows of a function item: those with no row beneath them. Totals are their sums."""
        if item not in self._leaves:
            rows = self.detail(item)
            self._leaves[item] = {code: v for code, v in rows.items()
                                  if not any(other != code and other.startswith(code) for other in rows)}
        return self._leaves[item]

    def levels(self, *items: str) -> list[str]:
        """Every 类, and each 款 and 项 the items give, in the order the tables print them (201, 20132, 2013201…)."""
        codes = {c for item in items for c in self.detail(item)}
        return sorted(codes | {c[:3] for c in codes} | {c[:5] for c in codes if len(c) == 7})

    def amount_at(self, item: str, code: str) -> Decimal | None:
        """A hierarchical item at a 类, 款 or 项 code: its own row where the data gives one (a printed
        subtotal is the figure the tables print, 尾差 and all), else the sum of the rows beneath it (None: none)."""
        if (item, code) not in self._at:
            rows, parts = self.detail(item), self.beneath(item, code)
            total = sum((self.amount_at(item, c) for c in parts), ZERO) if parts else None
            stated = rows.get(code)
            if stated is not None and (total is None or abs(stated - total) <= rounding_residue(self.printed(item, parts))):
                total = stated  # further off, the subtotal is wrong (validation says so once) and its rows count
            self._at[(item, code)] = total
        return self._at[(item, code)]

    def printed(self, item: str, codes) -> int:
        """How many printed (rounded) figures a sum over `codes` adds up: a code's own row, else its rows'."""
        rows = self.detail(item)
        return sum(1 if c in rows else self.printed(item, self.beneath(item, c)) for c in codes)

    def beneath(self, item: str, code: str) -> dict[str, Decimal]:
        """The rows that make up a code: the highest rows under it (its 款, or its 项 where no 款 is given)."""
        rows = self.detail(item)
        under = [c for c in rows if c != code and c.startswith(code)]
        return {c: rows[c] for c in under if not any(o != c and c.startswith(o) for o in under)}

    def economic_name(self, code: str) -> str:
        """An economic code's name: the catalogue's for a 类 (302), the year's economic_names.csv for a 款."""
        return catalogue.ECONOMIC_CLASSES.get(code) or self.source.economic_names.get(code, code)

    def function_name(self, code: str) -> str:
        """A function code's name: the catalogue's for a 类, the year's function_names.csv for a 款 or 项."""
        return catalogue.FUNCTION_CLASSES.get(code) or self.source.function_names.get(code, code)

    def line_name(self, code: str) -> str:
        """How a line of 五（三） names its code: a 类 by its name; below it, 类 and 款/项 together, as
        Sichuan's template writes them (20132 组织事务 → 一般公共服务组织事务支出)."""
        if len(code) == 3:
            return self.function_name(code)
        name = self.function_name(code)
        return catalogue.FUNCTION_CLASSES[code[:3]].removesuffix("支出") + name + ("" if name.endswith("支出") else "支出")

    def budget_lines(self) -> list[str]:
        """The codes at which the budget of 一般公共预算财政拨款支出 is given: one line of 五（三） each."""
        return list(self.leaves("gpb.budget"))

    def total_within_residue(self, key: str) -> bool:
        """A hierarchical item's 合计 (its row without a code) given beside its rows and within the 尾差 of
        their rounding: kept as printed (value), said by validation, never an error."""
        if not is_hierarchical(key):
            return False
        stated, parts = self.stated(key), self.sum_of_parts(key)
        return stated is not None and parts is not None and \
            abs(stated - parts) <= rounding_residue(self.printed(key, self.classes(key)))

    def classes(self, item: str) -> list[str]:
        """The 类 (function or economic) an item's rows fall in."""
        return sorted({c[:3] for c in self.detail(item)})

    def parts_stated(self, key: str) -> bool:
        if key in catalogue.COMPOSITES:
            return any(self.value(p) is not None for p in catalogue.COMPOSITES[key][1])
        return bool(self.by_code(key))

    def sum_of_parts(self, key: str) -> Decimal | None:
        if key in catalogue.COMPOSITES:
            known = [v for v in (self.value(p) for p in catalogue.COMPOSITES[key][1]) if v is not None]
        elif is_hierarchical(key):
            known = [self.amount_at(key, code) for code in self.classes(key)]
        else:
            known = list(self.by_code(key).values())
        return sum(known, ZERO) if known else None

    def value(self, key: str) -> Decimal | None:
        if key not in self._cache:
            self._cache[key] = self._resolve(key)
        return self._cache[key]

    def _resolve(self, key: str) -> Decimal | None:
        if key in catalogue.FUND_SPLIT:
            # Its parts by fund never stand in for it: a part typed wrong is one error (validation), not a
            # carry-over that moves every total it is in.
            return self.stated(key)
        is_coded = key in catalogue.AMOUNT_ITEMS and catalogue.AMOUNT_ITEMS[key][1]
        if key in catalogue.COMPOSITES or is_coded:
            total, stated = self.sum_of_parts(key), self.stated(key)
            if self.total_within_residue(key):
                return stated  # a 合计 printed with the 尾差 of its rows: the figure the tables print
            return total if total is not None else stated
        stated = self.stated(key)
        if stated is None and key in ECONOMIC_TOTALS:
            return self.economic_total(key)  # table 06's classes, where the two totals are not stated
        return stated

    def economic_total(self, key: str) -> Decimal | None:
        """人员经费 (301 + 303) or 公用经费 (302 + 310 and any other class) from the economic rows of table 06; None without them."""
        amounts = [self.amount_at("gpb_basic.economic", c) for c in ECONOMIC_TOTALS[key]]
        known = [a for a in amounts if a is not None]
        return sum(known, ZERO) if known else None

    def fund_part(self, key: str, fund: str) -> Decimal | None:
        """A fund's part of a carry-over split by fund (table 04): its row, 0 where the split lists other funds
        only or the carry-over is 0; None where the data gives the carry-over unsplit."""
        parts = self.by_code(key)
        if parts:
            return parts.get(fund, ZERO)
        return ZERO if self.value(key) == 0 else None

    def report_value(self, key: str) -> Decimal:
        """A figure of the report year, where validation has made sure it is known."""
        value = self.value(key)
        if value is None:
            if key in ZERO_WHEN_ABSENT:
                return ZERO
            raise KeyError(f"{self.department_id} {self.year}: {key} is not in the data")
        return value

    def count(self, item: str, code: str = "") -> int | None:
        return self.source.counts.get((item, code))

    def counts_by_code(self, item: str) -> dict[str, int]:
        return {code: n for (key, code), n in self.source.counts.items() if key == item and code}

    def count_total(self, item: str) -> int | None:
        rows = self.counts_by_code(item)
        return sum(rows.values()) if rows else self.count(item)

    def breakdown(self, item: str) -> list[tuple[str, Decimal]]:
        return list(self.source.breakdowns.get(item, []))

    @property
    def units(self):
        return self.source.units

    def unit_kinds(self) -> list[tuple[str, int]]:
        """How many units of each kind (catalogue.UNIT_KINDS, in its order, a kind with none included)."""
        kinds = Counter(u.kind for u in self.units)
        return [(kind, kinds.get(kind, 0)) for kind in catalogue.UNIT_KINDS]


ECONOMIC_TOTALS = {"gpb_basic.personnel": catalogue.PERSONNEL_CLASSES, "gpb_basic.public": catalogue.PUBLIC_CLASSES}


def is_hierarchical(item: str) -> bool:
    """Items whose codes nest (类 201 ⊃ 款 20132 ⊃ 项 2013201; 302 ⊃ 30201): totals come from the finest rows."""
    return is_function_item(item) or item == "gpb_basic.economic"


def is_function_item(item: str) -> bool:
    """gpb.actual, gpb.budget, gf.actual, sc.actual: coded by function class, at any level."""
    return item in catalogue.AMOUNT_ITEMS and catalogue.AMOUNT_ITEMS[item][1] == "function"


def change_between(current: Figures, previous: Figures | None, key: str) -> Change | None:
    """The change of a figure on the previous year; None where either year does not give it."""
    if previous is None or previous.value(key) is None:
        return None
    now = current.value(key)
    if now is None and key in ZERO_WHEN_ABSENT:
        now = ZERO
    return None if now is None else Change(now, previous.value(key))
