"""Exact money arithmetic: amounts in 万元 as Decimal, rounding half up (四舍五入).

Python's round() rounds half to even and floats cannot hold 0.01 exactly, so
neither appears anywhere near an amount.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)
#: The largest amount the data may hold, in 万元 (10^16 yuan, far past any budget).
#: Below it every sum, share and rounding of a report stays exact in Decimal's
#: default 28 digits; past it a typo (a pasted account number) would overflow them.
MAX_AMOUNT = Decimal(10) ** 12
MAX_AMOUNT_TEXT = "1,000,000,000,000"


#: How far a sum of amounts each rounded to the fen may stray from the same sum rounded once.
HALF_FEN = Decimal("0.005")


def rounding_residue(parts: int) -> Decimal:
    """The most a printed total may differ from the sum of its `parts` printed parts (尾差) when every one
    of them, total included, was rounded to the fen from exact 元 amounts: half a fen each."""
    return HALF_FEN * (parts + 1)


def within_bound(value: Decimal) -> bool:
    """True for an amount the workbook can compute with exactly (0 to MAX_AMOUNT 万元)."""
    return value.is_finite() and abs(value) <= MAX_AMOUNT


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round to `places` decimals, halves away from zero (四舍五入)."""
    if not isinstance(value, Decimal):
        raise TypeError(f"expected Decimal, got {type(value).__name__}")
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


class Derived(Decimal):
    """A figure worked out from two others, which it keeps: `operation` (percent: a / b × 100 rounded; change:
    |a − b|) and `operands` (a, b). It is the number it equals; only reading a text back asks how it came about
    (the figures it states beside an amount's own: provenance.py, template_extract.py)."""

    __slots__ = ("operation", "operands")

    def __new__(cls, value: Decimal, operation: str, operands: tuple[Decimal, Decimal]):
        obj = Decimal.__new__(cls, value)
        obj.operation, obj.operands = operation, operands
        return obj

    def __reduce__(self):
        return Derived, (str(self), self.operation, self.operands)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole as a percentage rounded half up to two decimals; None when whole is 0."""
    if whole == 0:
        return None
    return Derived(round_half_up(part / whole * HUNDRED), "percent", (part, whole))


def share(part: Decimal, whole: Decimal) -> Decimal:
    """占X%: a part's share of its whole. An empty whole has only 0% parts."""
    result = percent(part, whole)
    return ZERO.quantize(CENT) if result is None else result


def completion(actual: Decimal, budget: Decimal) -> Decimal | None:
    """完成预算X%: actual over its own budget.

    Nothing budgeted and nothing spent reads 0%, as published practice writes
    it; spending without a budget has no rate (None) and the text says so.
    """
    if budget == 0:
        # the operands kept: a text's 完成预算0% reads back to a budget of 0 (an assumption: a budget with
        # nothing spent of it reads 0% too)
        return Derived(ZERO.quantize(CENT), "percent", (actual, budget)) if actual == 0 else None
    return percent(actual, budget)


@dataclass(frozen=True)
class Change:
    """The change of a figure on the previous year."""

    current: Decimal
    previous: Decimal

    @property
    def amount(self) -> Decimal:
        """Absolute size of the change, in 万元."""
        return Derived(abs(self.current - self.previous), "change", (self.current, self.previous))

    @property
    def direction(self) -> int:
        """+1 increase, -1 decrease, 0 unchanged (持平)."""
        diff = self.current - self.previous
        return (diff > 0) - (diff < 0)

    @property
    def rate(self) -> Decimal | None:
        """Change over last year's figure, in percent; None when last year was 0."""
        return percent(self.amount, self.previous)
