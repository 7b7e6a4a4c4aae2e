"""The public tables hold the data's figures, tie out, and say 本表无数据 when empty."""
from decimal import Decimal as D
from pathlib import Path

from juesuan.report import load_report
from juesuan.tables import public_tables

DATA = Path(__file__).resolve().parents[1] / "data"


def tables():
    return {t.number: t for t in public_tables(load_report("pzh-swzzb", 2022, DATA).current)}


def test_all_nine_tables_in_order():
    assert list(tables()) == [f"公开0{i}表" for i in range(1, 10)]


def test_summary_table_sides_tie_out():
    frame = tables()["公开01表"].frame
    income_total = frame.loc[frame["收入项目"] == "总计", "收入决算数"].item()
    spending_total = frame.loc[frame["支出项目"] == "总计", "支出决算数"].item()
    assert income_total == spending_total == D("1848.70")


def test_three_public_table_has_budgets_and_completion():
    frame = tables()["公开07表"].frame
    total = frame.iloc[0]
    assert (total["预算数"], total["决算数"], total["完成预算（%）"]) == (D("7.54"), D("6.82"), D("90.45"))


def test_empty_fund_tables_still_shown_with_a_note():
    t = tables()
    assert t["公开08表"].empty and "本表无数据" in t["公开08表"].note
    assert t["公开09表"].empty and "本表无数据" in t["公开09表"].note
    assert not t["公开05表"].empty


def test_styled_html_formats_amounts_in_wanyuan():
    html = tables()["公开01表"].styler().to_html()
    assert "1,848.7" in html and "1,759.16" in html
    assert "None" not in html and "nan" not in html
    assert 'id="T_公开01表"' in html  # a fixed id: re-running gives the same HTML
