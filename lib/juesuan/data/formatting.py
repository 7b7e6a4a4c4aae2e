"""How the report writes numbers: one rule for every amount and every percentage.

Amounts: 万元 rounded half up to two decimals, thousands separated, trailing
zeros dropped (1,848.7; 0.22; 0). Percentages: two decimals (99.99%, 90.50%),
except a whole number, written bare (100%, 0%).

The public tables (公开表) are columns to be read down: there every amount
and every rate keeps both decimals (1,848.70; 0.00; 100.00), so that a
column lines up on its decimal point, as the standard tables print them.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from juesuan.data.money import Change, round_half_up


@dataclass(frozen=True)
class NumberStyle:
    """How a template writes the numbers of its sentences (its manifest's `number_style`)."""

    #: 1,848.7 rather than 1848.7
    thousands: bool = True
    #: 1848.70 and 20.00 rather than 1848.7 and 20 (a zero is written 0 either way, as both templates do)
    trailing_zeros: bool = False
    #: 100% and 0% rather than 100.00%
    whole_percent_bare: bool = True


SEED_STYLE = NumberStyle()


def format_amount(value: Decimal, style: NumberStyle = SEED_STYLE) -> str:
    """1848.70 -> '1,848.7'; 0.22 -> '0.22'; 0 -> '0'; -5.5 -> '-5.5' (the seed's style; see NumberStyle)."""
    rounded = round_half_up(value)
    text = f"{rounded:,.2f}" if style.thousands else f"{rounded:.2f}"
    if rounded == 0:
        return "0"
    return text if style.trailing_zeros else text.rstrip("0").rstrip(".")


def format_count(value: int) -> str:
    return f"{value:,}" if value >= 10000 else str(value)


def format_percent(value: Decimal, style: NumberStyle = SEED_STYLE) -> str:
    """99.987 -> '99.99%'; 90.5 -> '90.50%'; 100 -> '100%'; 0 -> '0%'."""
    rounded = round_half_up(value)
    if style.whole_percent_bare and rounded == rounded.to_integral_value():
        return f"{int(rounded)}%"
    return f"{rounded:.2f}%"


DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 11 -> 十一, 24 -> 二十四: the numbers of headings and lists (一、 （二）)."""
    if not 0 < n < 100:
        raise ValueError(f"a heading number from 1 to 99, not {n}")
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else DIGITS[tens]) + "十" if tens else "") + (DIGITS[ones] if ones else "")


def describe_change(change: Change | None) -> str:
    """增加X万元（增长Y%） / 减少X万元（下降Y%） / 持平 / — (no comparison)."""
    if change is None:
        return "—"
    if change.direction == 0:
        return "持平"
    verb, rate_verb = ("增加", "增长") if change.direction > 0 else ("减少", "下降")
    rate = "" if change.rate is None else f"（{rate_verb}{format_percent(change.rate)}）"
    return f"{verb}{format_amount(change.amount)}万元{rate}"


def format_table_amount(value: Decimal) -> str:
    """In a 公开表: 1848.7 -> '1,848.70'; 0 -> '0.00'; -5.5 -> '-5.50' (rounded half up, both decimals)."""
    text = f"{round_half_up(value):,.2f}"
    return "0.00" if text == "-0.00" else text


def format_table_rate(value: Decimal) -> str:
    """In a 公开表's 完成预算（%） column, the unit in its header: 90.45 -> '90.45'; 100 -> '100.00'."""
    return format_table_amount(value)
