from decimal import Decimal as D

import pytest

from juesuan.data.formatting import format_amount, format_percent
from juesuan.data.money import Change, completion, percent, round_half_up, share


@pytest.mark.parametrize("value, expected", [
    ("0.005", "0.01"), ("0.015", "0.02"), ("0.025", "0.03"), ("2.675", "2.68"),
    ("1.004999", "1.00"), ("-0.005", "-0.01"), ("99.995", "100.00"),
])
def test_round_half_up_not_half_even(value, expected):
    assert round_half_up(D(value)) == D(expected)


def test_round_half_up_refuses_floats():
    with pytest.raises(TypeError):
        round_half_up(0.5)


@pytest.mark.parametrize("value, expected", [
    ("1848.70", "1,848.7"), ("1848.7", "1,848.7"), ("0.22", "0.22"), ("0", "0"), ("0.00", "0"),
    ("155.90", "155.9"), ("1517.61", "1,517.61"), ("1234567.8", "1,234,567.8"), ("5.005", "5.01"),
    ("-181.11", "-181.11"), ("-0.001", "0"),
])
def test_amounts_as_the_report_writes_them(value, expected):
    assert format_amount(D(value)) == expected


@pytest.mark.parametrize("value, expected", [
    ("99.99", "99.99%"), ("90.5", "90.50%"), ("100", "100%"), ("0", "0%"), ("0.02", "0.02%"),
    ("8.9225", "8.92%"), ("61.4973", "61.50%"), ("99.995", "100%"), ("0.004", "0%"),
])
def test_percentages_as_the_report_writes_them(value, expected):
    assert format_percent(D(value)) == expected


def test_shares_of_the_seed():
    assert share(D("1759.16"), D("1759.38")) == D("99.99")
    assert share(D("0.22"), D("1759.38")) == D("0.01")
    assert share(D("0.36"), D("1848.48")) == D("0.02")
    assert share(D("0"), D("0")) == D("0")


def test_completion_with_and_without_a_budget():
    assert completion(D("1.15"), D("1.87")) == D("61.50")
    assert completion(D("0"), D("0")) == D("0")
    assert completion(D("3"), D("0")) is None
    assert percent(D("1"), D("0")) is None


def test_change_direction_amount_and_rate():
    down = Change(D("1848.7"), D("2029.81"))
    assert (down.direction, down.amount, down.rate) == (-1, D("181.11"), D("8.92"))
    up = Change(D("5"), D("0"))
    assert (up.direction, up.amount, up.rate) == (1, D("5"), None)
    same = Change(D("5.67"), D("5.67"))
    assert same.direction == 0
