"""One department's figures for one year, with every total worked out from its parts."""
from __future__ import annotations

from decimal import Decimal

from . import catalogue
from .loading import DepartmentFigures
from .money import ZERO, Change

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

    def stated(self, item: str, code: str = "") -> Decimal | None:
        return self.source.amounts.get((item, code))

    def by_code(self, item: str) -> dict[str, Decimal]:
        """The coded rows of an item (e.g. gpb.actual by function class), in code order."""
        rows = {code: v for (key, code), v in self.source.amounts.items() if key == item and code}
        return dict(sorted(rows.items()))

    def parts_stated(self, key: str) -> bool:
        if key in catalogue.COMPOSITES:
            return any(self.value(p) is not None for p in catalogue.COMPOSITES[key][1])
        return bool(self.by_code(key))

    def sum_of_parts(self, key: str) -> Decimal | None:
        if key in catalogue.COMPOSITES:
            known = [v for v in (self.value(p) for p in catalogue.COMPOSITES[key][1]) if v is not None]
        else:
            known = list(self.by_code(key).values())
        return sum(known, ZERO) if known else None

    def value(self, key: str) -> Decimal | None:
        if key not in self._cache:
            self._cache[key] = self._resolve(key)
        return self._cache[key]

    def _resolve(self, key: str) -> Decimal | None:
        is_coded = key in catalogue.AMOUNT_ITEMS and catalogue.AMOUNT_ITEMS[key][1]
        if key in catalogue.COMPOSITES or is_coded:
            total = self.sum_of_parts(key)
            return total if total is not None else self.stated(key)
        return self.stated(key)

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


def change_between(current: Figures, previous: Figures | None, key: str) -> Change | None:
    """The change of a figure on the previous year; None where either year does not give it."""
    if previous is None or previous.value(key) is None:
        return None
    now = current.value(key)
    if now is None and key in ZERO_WHEN_ABSENT:
        now = ZERO
    return None if now is None else Change(now, previous.value(key))
