"""What the figures in data/ give for each quantity a published report may state.

Every expected value is exact (Decimal from the data) and is shown the way the
report shows it (`juesuan.data.formatting`). Beside it, the range that rounding of
the underlying amounts could produce: every non-zero amount in data/ is a
whole-fen rounding of an amount in yuan (±0.005万元), so a total of n non-zero
rows, a share, a completion rate or a change computed by a department from
its yuan figures may differ from ours by a little. A published value inside
that range is still a finding, but one that rounding could explain.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from juesuan.data import catalogue
from juesuan.data.figures import ZERO_WHEN_ABSENT, Figures, is_function_item
from juesuan.data.formatting import format_amount, format_percent
from juesuan.data.money import HALF_FEN, HUNDRED, ZERO, round_half_up


# The bases of shares, as DOMAIN.md gives them.
SHARE_BASES = {
    **{key: "income_total" for key in catalogue.INCOME_SOURCES},
    **{key: "expenditure_total" for key in catalogue.EXPENDITURE_KINDS},
    "gpb.total": "expenditure_total",
    "three_public.abroad": "three_public.total",
    "three_public.vehicle": "three_public.total",
    "three_public.reception": "three_public.total",
}
# Bases a published share is sometimes wrongly computed on.
OTHER_BASES = ("expenditure_total", "income_total", "total", "fiscal_total", "gpb.total", "three_public.total")
COMPLETION_BUDGETS = {
    "gpb.total": "gpb.budget_total",
    "three_public.total": "three_public_budget.total",
    "three_public.abroad": "three_public_budget.abroad",
    "three_public.vehicle": "three_public_budget.vehicle",
    "three_public.reception": "three_public_budget.reception",
}


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


@dataclass
class Expected:
    """One quantity as the figures give it."""

    kind: str                      # amount | percent | count | word
    value: object                  # Decimal (exact), int, or str
    shown: str                     # as the report writes it
    name: str                      # what it is, in words
    range: Interval | None = None  # what rounding of the underlying amounts could give
    why: str = ""                  # how it is worked out

    @property
    def rounded(self):
        if self.kind in ("amount", "percent") and isinstance(self.value, Decimal):
            return round_half_up(self.value)
        return self.value


def truncated(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)


class Expectations:
    """Expected values for quantity keys such as 'amount:total' or 'share:three_public.vehicle'."""

    def __init__(self, report):
        self.report = report
        self.current: Figures = report.current
        self.previous: Figures | None = report.previous
        self.year = self.current.year
        self._cache: dict[str, Expected | None] = {}

    # ---- amounts and their rounding slack
    def amount(self, key: str, figures: Figures | None = None) -> Decimal | None:
        """A figure of this year (or of `figures`): 'total', 'gpb.actual:201', 'breakdown:<item>:<label>'."""
        this_year = figures is None or figures is self.current
        f = figures or self.current
        if ":" in key:
            item, code = key.split(":", 1)
            if item == "breakdown":
                item, label = code.split(":", 1)
                return dict(f.breakdown(item)).get(label)
            value = f.amount_at(item, code) if is_function_item(item) else f.stated(item, code)
            if value is None and this_year and item in catalogue.FISCAL_SPENDING:
                return ZERO  # a function class without a row has no expenditure
            return value
        value = f.value(key)
        if value is None and this_year and key in ZERO_WHEN_ABSENT:
            return ZERO
        return value

    def leaves(self, key: str, f: Figures) -> int:
        """How many non-zero rows of data/ a figure adds up."""
        if ":" in key:
            item, code = key.split(":", 1)
            if is_function_item(item):  # a class given by its 款 or 项 adds up those rows
                return sum(1 for c, v in f.leaves(item).items() if c.startswith(code) and v)
            value = self.amount(key, f)
            return 1 if value else 0
        if key in catalogue.COMPOSITES and f.parts_stated(key):
            return sum(self.leaves(part, f) for part in catalogue.COMPOSITES[key][1])
        if key in catalogue.AMOUNT_ITEMS and catalogue.AMOUNT_ITEMS[key][1]:
            rows = f.by_code(key)
            if rows:
                return sum(1 for v in rows.values() if v)
        value = f.value(key)
        return 1 if value else 0

    def range_of(self, key: str, f: Figures | None = None) -> Interval | None:
        f = f or self.current
        value = self.amount(key, f)
        if value is None:
            return None
        return Interval.around(value, HALF_FEN * self.leaves(key, f))

    def name(self, key: str) -> str:
        if key.startswith("breakdown:"):
            return key.split(":", 2)[2]
        item, _, code = key.partition(":")
        base = catalogue.item_name(item)
        if code in catalogue.FUNCTION_CLASSES:
            return catalogue.FUNCTION_CLASSES[code]
        if code in catalogue.VEHICLE_TYPES:
            return f"{base}（{catalogue.VEHICLE_TYPES[code]}）"
        if code in catalogue.VEHICLE_USES:
            return catalogue.VEHICLE_USES[code]
        return base

    # ---- the quantities
    def get(self, qkey: str) -> Expected | None:
        if qkey not in self._cache:
            self._cache[qkey] = self._compute(qkey)
        return self._cache[qkey]

    def _compute(self, qkey: str) -> Expected | None:
        kind, _, key = qkey.partition(":")
        method = getattr(self, f"_q_{kind}")
        return method(key)

    def _q_amount(self, key):
        value = self.amount(key)
        if value is None:
            return None
        slack = HALF_FEN * self.leaves(key, self.current)
        composite = key in catalogue.COMPOSITES or (
            ":" not in key and key in catalogue.AMOUNT_ITEMS and bool(catalogue.AMOUNT_ITEMS[key][1]))
        rng = Interval.around(value, slack) if composite and self.leaves(key, self.current) > 1 else None
        why = ""
        if composite and key in catalogue.COMPOSITES:
            parts = [(p, self.amount(p)) for p in catalogue.COMPOSITES[key][1]]
            why = " + ".join(format_amount(v) for _, v in parts if v is not None)
        return Expected("amount", value, format_amount(value), self.name(key), rng, why)

    def _ratio(self, part_key, whole_key, label):
        part, whole = self.amount(part_key), self.amount(whole_key)
        if part is None or whole is None:
            return None
        if whole == 0:
            value = ZERO
        else:
            value = part / whole * HUNDRED
        p_rng, w_rng = self.range_of(part_key), self.range_of(whole_key)
        rng = p_rng.ratio(w_rng) if p_rng and w_rng else None
        why = f"{format_amount(part)} / {format_amount(whole)}"
        return Expected("percent", value, format_percent(round_half_up(value)), label, rng, why)

    def _q_share(self, key):
        part_key, _, base = key.partition("@")
        base = base or SHARE_BASES.get(part_key.split(":")[0], "gpb.total")
        if part_key.startswith("gpb.actual:"):
            base = "gpb.total"
        return self._ratio(part_key, base, f"{self.name(part_key)}占{self.name(base)}的比重")

    def _q_completion(self, key):
        actual = self.amount(key)
        if key.startswith("gpb.actual:"):
            budget_key = "gpb.budget:" + key.split(":", 1)[1]
        else:
            budget_key = COMPLETION_BUDGETS[key]
        budget = self.amount(budget_key)
        if actual is None or budget is None:
            return None
        label = f"{self.name(key)}完成预算"
        if budget == 0:
            if actual == 0:
                return Expected("percent", ZERO, "0%", label, None, "未安排预算，也没有支出")
            return Expected("word", "未安排预算", "未安排预算", label, None, "未安排预算而有支出")
        return self._ratio(key, budget_key, label)

    def budget_of(self, key: str) -> Decimal | None:
        if key.startswith("gpb.actual:"):
            return self.amount("gpb.budget:" + key.split(":", 1)[1])
        return self.amount(COMPLETION_BUDGETS[key])

    def _q_budget_direction(self, key):
        actual, budget = self.amount(key), self.budget_of(key)
        if actual is None or budget is None:
            return None
        word = "大于" if actual > budget else "小于" if actual < budget else "等于"
        return Expected("word", word, word, f"{self.name(key)}决算数与预算数相比", None,
                        f"决算数{format_amount(actual)}万元，预算数{format_amount(budget)}万元")

    def _previous(self, key):
        if self.previous is None:
            return None
        return self.previous.value(key)

    def _q_direction(self, key):
        current, previous = self.amount(key), self._previous(key)
        if current is None or previous is None:
            return None
        word = "增加" if current > previous else "减少" if current < previous else "持平"
        return Expected("word", word, word, f"{self.name(key)}比{self.year - 1}年", None,
                        f"{self.year}年{format_amount(current)}万元，{self.year - 1}年{format_amount(previous)}万元")

    def _change_range(self, key):
        cur_rng = self.range_of(key)
        prev = self._previous(key)
        if cur_rng is None or prev is None:
            return None, None
        prev_rng = Interval.around(prev, HALF_FEN * self.leaves(key, self.previous))
        return (cur_rng - prev_rng).abs(), prev_rng

    def _q_change(self, key):
        current, previous = self.amount(key), self._previous(key)
        if current is None or previous is None:
            return None
        value = abs(current - previous)
        rng, _ = self._change_range(key)
        why = f"{self.year}年{format_amount(current)} − {self.year - 1}年{format_amount(previous)}"
        return Expected("amount", value, format_amount(value), f"{self.name(key)}比{self.year - 1}年的变动额", rng, why)

    def _q_change_rate(self, key):
        current, previous = self.amount(key), self._previous(key)
        if current is None or previous is None or previous == 0:
            return None
        value = abs(current - previous) / previous * HUNDRED
        amount_rng, prev_rng = self._change_range(key)
        rng = amount_rng.ratio(prev_rng) if amount_rng and prev_rng else None
        why = f"{format_amount(abs(current - previous))} / {format_amount(previous)}"
        return Expected("percent", value, format_percent(round_half_up(value)),
                        f"{self.name(key)}比{self.year - 1}年的变动率", rng, why)

    def _q_count(self, key):
        f = self.current
        item, _, code = key.partition(":")
        if item == "units":
            if code:
                value = sum(1 for u in f.units if u.kind == code)
                name = code
            else:
                value, name = len(f.units), "二级预算单位数"
            return Expected("count", value, str(value), name)
        if code:
            value = f.count(item, code)
            label = self.name(f"{item}:{code}") if code in catalogue.VEHICLE_USES else \
                f"{catalogue.item_name(item)}（{catalogue.VEHICLE_TYPES.get(code, code)}）"
        else:
            value = f.count_total(item)
            label = catalogue.item_name(item)
        if value is None:
            return None
        return Expected("count", value, str(value), label)

    def _q_year(self, key):
        year = self.year - 1 if key == "previous" else self.year
        return Expected("count", year, str(year), "上年" if key == "previous" else "决算年度")

    def alternative_bases(self, part_key: str, published: Decimal) -> list[str]:
        """Bases on which the published share would be right (a share computed on the wrong total)."""
        part = self.amount(part_key)
        found = []
        if part is None:
            return found
        for base in OTHER_BASES:
            whole = self.amount(base)
            if whole and round_half_up(part / whole * HUNDRED) == published:
                found.append(base)
        return found

    def budgets_giving(self, actual: Decimal, rate: Decimal) -> list[Decimal]:
        """Budgets in whole fen near actual/rate for which the completion rounds to the published rate."""
        if rate <= 0 or actual <= 0:
            return []
        centre = round_half_up(actual / rate * HUNDRED)
        step = Decimal("0.01")
        hits = []
        for i in range(-5, 6):
            budget = centre + step * i
            if budget > 0 and round_half_up(actual / budget * HUNDRED) == rate:
                hits.append(budget)
        return hits
