"""What a published percentage or change could be, its displayed operands rounded: every amount a report shows
is a whole-fen rounding of one in yuan (±0.005万元), so a share, a completion rate or a change a department
computed from its yuan figures may differ from ours by a little. A published value inside that range is still
a finding, but one that rounding could explain; a percentage cut off rather than rounded is told apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from juesuan.data.money import HUNDRED, ZERO, round_half_up


@dataclass(frozen=True)
class Interval:
    lo: Decimal
    hi: Decimal

    @staticmethod
    def around(value: Decimal, slack: Decimal) -> "Interval":
        return Interval(value - slack, value + slack)

    def __sub__(self, other: "Interval") -> "Interval":
        return Interval(self.lo - other.hi, self.hi - other.lo)

    def abs(self) -> "Interval":
        if self.lo >= 0:
            return self
        if self.hi <= 0:
            return Interval(-self.hi, -self.lo)
        return Interval(ZERO, max(-self.lo, self.hi))

    def ratio(self, whole: "Interval") -> "Interval | None":
        """self / whole in percent; None when the whole may be zero."""
        if whole.lo <= 0:
            return None
        lo = max(self.lo, ZERO) / whole.hi * HUNDRED
        hi = max(self.hi, ZERO) / whole.lo * HUNDRED
        return Interval(lo, hi)

    def explains(self, published: Decimal, places: int = 2) -> bool:
        """Whether some value in the range rounds, half up, to the published value."""
        return round_half_up(self.lo, places) <= published <= round_half_up(self.hi, places)


def truncated(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
