"""Properties of the numbers the report writes (hypothesis): rounding, shares, changes, completion.

Tolerance of shares. Each share 占X% is rounded half up to 0.01, so it is off
from the exact share by at most 0.005 (percentage points). The n shares of one
whole therefore add up to 100% within n × 0.005: two parts within 0.01, eight
income sources within 0.04. The report prints the rounded shares as they are
(it never forces them to add up to 100%), so a reader may see 99.99% or 100.01%.
"""
from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction
from math import floor

from hypothesis import example, given
from hypothesis import strategies as st

from juesuan.data.formatting import format_amount, format_percent
from juesuan.data.money import Change, completion, percent, round_half_up, share
from juesuan.report.narrative import environment

SHARE_TOLERANCE_PER_PART = D("0.005")

# Amounts as data/ holds them: 万元 with at most two decimals, zero or more.
amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
positive_amounts = st.decimals(min_value=D("0.01"), max_value=10**9, places=2, allow_nan=False,
                               allow_infinity=False)
places = st.integers(min_value=0, max_value=4)


def half_up_oracle(value: D, digits: int) -> D:
    """四舍五入 worked out on exact fractions, independently of decimal's rounding modes."""
    exact = Fraction(value) * 10**digits
    sign = -1 if exact < 0 else 1
    return D(sign * floor(abs(exact) + Fraction(1, 2))).scaleb(-digits)


# ---------------------------------------------------------------- rounding half up

@given(n=st.integers(min_value=0, max_value=10**12), digits=places, negative=st.booleans())
@example(n=267, digits=2, negative=False)   # 2.675 -> 2.68 (a float would give 2.67)
@example(n=0, digits=2, negative=True)      # -0.005 -> -0.01
def test_every_half_rounds_away_from_zero(n, digits, negative):
    """x.xx5 becomes x.xx + 0.01 (and -x.xx5 becomes -(x.xx + 0.01)) at every position and size."""
    boundary = D(n).scaleb(-digits) + D(5).scaleb(-digits - 1)
    expected = D(n + 1).scaleb(-digits)
    if negative:
        boundary, expected = -boundary, -expected
    result = round_half_up(boundary, digits)
    assert result == expected
    assert result.as_tuple().exponent == -digits


@given(n=st.integers(min_value=0, max_value=10**12), digits=places, below=st.integers(min_value=1, max_value=9))
def test_just_below_a_half_rounds_down(n, digits, below):
    value = D(n).scaleb(-digits) + D(5).scaleb(-digits - 1) - D(1).scaleb(-digits - 1 - below)
    assert round_half_up(value, digits) == D(n).scaleb(-digits)


@given(value=st.decimals(min_value=-10**9, max_value=10**9, places=6, allow_nan=False, allow_infinity=False),
       digits=places)
@example(value=D("0.125"), digits=2)    # half-even would give 0.12
@example(value=D("-2.5"), digits=0)     # half-even would give -2
def test_rounding_matches_exact_arithmetic(value, digits):
    assert round_half_up(value, digits) == half_up_oracle(value, digits)


@given(value=st.decimals(min_value=-10**9, max_value=10**9, places=4, allow_nan=False, allow_infinity=False))
@example(value=D("2.675"))
@example(value=D("1848.705"))
def test_an_amount_is_written_as_its_rounded_value(value):
    """format_amount: the value rounded half up to 0.01, thousands separated, no trailing zeros."""
    text = format_amount(value)
    assert D(text.replace(",", "")) == half_up_oracle(value, 2)
    integer, _, fraction = text.lstrip("-").partition(".")
    assert len(fraction) <= 2 and not fraction.endswith("0")
    assert all(len(group) == 3 for group in integer.split(",")[1:])
    assert text != "-0"


@given(value=st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False, allow_infinity=False))
@example(value=D("61.4850"))    # half-even would give 61.48%
def test_a_percentage_is_written_with_two_decimals_or_as_a_whole(value):
    text = format_percent(value)
    assert text.endswith("%")
    number = text[:-1]
    assert D(number) == half_up_oracle(value, 2)
    if "." in number:
        assert len(number.split(".")[1]) == 2 and D(number) != D(number).to_integral_value()


# ---------------------------------------------------------------- shares

@given(parts=st.lists(amounts, min_size=1, max_size=12).filter(lambda ps: sum(ps) > 0))
@example(parts=[D("1"), D("1"), D("1")])                   # 33.33 × 3 = 99.99
@example(parts=[D("1759.16"), D("0.22")])                  # the seed's income: 99.99 + 0.01
@example(parts=[D("1")] * 6)                                # 16.67 × 6 = 100.02
def test_shares_of_a_whole_add_up_to_100_within_the_tolerance(parts):
    whole = sum(parts, D(0))
    shares = [share(part, whole) for part in parts]
    assert all(D(0) <= s <= D(100) for s in shares)
    assert abs(sum(shares) - 100) <= len(parts) * SHARE_TOLERANCE_PER_PART


@given(parts=st.lists(amounts, min_size=1, max_size=12).filter(lambda ps: sum(ps) > 0))
def test_each_share_is_the_exact_share_rounded_half_up(parts):
    whole = sum(parts, D(0))
    for part in parts:
        exact = Fraction(part) / Fraction(whole) * 100
        assert abs(Fraction(share(part, whole)) - exact) <= Fraction(SHARE_TOLERANCE_PER_PART)


def test_the_tolerance_is_reached():
    """The bound is not loose: six equal parts print 16.67% each, 100.02% in all."""
    shares = [share(D(1), D(6))] * 6
    assert sum(shares) == D("100.02")


@given(parts=st.lists(st.just(D(0)), min_size=1, max_size=5))
def test_shares_of_an_empty_whole_are_zero(parts):
    assert [share(p, D(0)) for p in parts] == [D("0.00")] * len(parts)


# ---------------------------------------------------------------- changes on the previous year

def render_change(change, py=2021):
    template = environment().from_string(
        '{% from "_macros.md.j2" import against_last_year %}{{ against_last_year(change, py) }}')
    return template.render(change=change, py=py)


@given(current=amounts, previous=amounts)
@example(current=D("1848.70"), previous=D("2029.81"))     # the seed: 减少181.11万元，下降8.92%
@example(current=D("5"), previous=D("0"))                 # from nothing: an increase without a rate
@example(current=D("0"), previous=D("0"))
@example(current=D("0"), previous=D("3.5"))               # to nothing: 下降100%
@example(current=D("100000.01"), previous=D("100000"))    # real but tiny: 增长不到0.01%, never 增长0%
def test_the_words_of_a_change_follow_its_direction(current, previous):
    change = Change(current, previous)
    text = render_change(change)
    amount = format_amount(abs(current - previous))
    if current == previous:
        assert text == "与2021年持平"
        assert change.direction == 0
    elif current > previous:
        assert change.direction == 1
        if previous == 0:
            assert text == f"比2021年增加{amount}万元"  # no rate over nothing
        else:
            rate = round_half_up((current - previous) / previous * 100)
            shown = "不到0.01%" if rate == 0 else format_percent(rate)
            assert text == f"比2021年增加{amount}万元，增长{shown}"
    else:
        assert change.direction == -1
        rate = round_half_up((previous - current) / previous * 100)
        shown = "不到0.01%" if rate == 0 else format_percent(rate)
        assert text == f"比2021年减少{amount}万元，下降{shown}"
    for wrong in ("增加0万元", "减少0万元", "增加-", "减少-", "None", "增加/减少"):
        assert wrong not in text
    if current != previous:
        assert "持平" not in text


def test_no_previous_figure_says_so():
    assert render_change(None) == "2021年无可比数据"


@given(current=amounts, previous=amounts)
def test_a_change_rate_is_over_last_years_figure(current, previous):
    change = Change(current, previous)
    assert change.amount == abs(current - previous)
    if previous == 0:
        assert change.rate is None
    else:
        assert change.rate == round_half_up(abs(current - previous) / previous * 100)


# ---------------------------------------------------------------- completion of a budget

def render_completion(rate):
    template = environment().from_string('{% from "_macros.md.j2" import completion %}{{ completion(rate) }}')
    return template.render(rate=rate)


@given(actual=amounts)
def test_a_zero_budget_never_divides(actual):
    rate = completion(actual, D(0))
    if actual == 0:
        assert rate == 0
        assert render_completion(rate) == "完成预算0%"
    else:
        assert rate is None
        assert render_completion(rate) == "未安排预算"
    assert percent(actual, D(0)) is None
    assert share(actual, D(0)) == 0


@given(actual=amounts, budget=positive_amounts)
@example(actual=D("1.15"), budget=D("1.87"))      # the seed's 公务接待费: 61.50%
def test_completion_is_actual_over_its_own_budget(actual, budget):
    """完成预算X%: the exact quotient, rounded half up once (no float, no double rounding)."""
    rate = completion(actual, budget)
    exact = Fraction(actual) / Fraction(budget) * 100
    assert rate == D(floor(exact * 100 + Fraction(1, 2))).scaleb(-2)
    assert render_completion(rate) == f"完成预算{format_percent(rate)}"
