"""The public tables hold the data's figures, tie out, and say 本表无数据 when empty."""
from decimal import Decimal as D
from pathlib import Path

from juesuan.report.report import load_report
from juesuan.report.tables import public_tables

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
    assert ">1,848.70<" in html and ">1,759.16<" in html and ">1,848.7<" not in html
    assert "None" not in html and "nan" not in html
    assert 'id="T_公开01表"' in html  # a fixed id: re-running gives the same HTML


def test_every_amount_and_rate_has_two_decimals():
    """A column is read down: 1,848.70 beside 1,759.38, never 1,848.7; rates 100.00 beside 90.45."""
    import re

    for table in tables().values():
        html = table.styler().to_html()
        cells = re.findall(r'<td id="[^"]+" class="data row\d+ col\d+" >([^<]*)</td>', html)
        numbers = [c for c in cells if re.fullmatch(r"-?[\d,]+(\.\d+)?", c) and not re.fullmatch(r"\d{3,7}", c)]
        assert numbers or table.number in ("公开08表", "公开09表")
        for number in numbers:
            assert re.fullmatch(r"-?\d{1,3}(,\d{3})*\.\d\d", number), (table.number, number)
    three = tables()["公开07表"].styler().to_html()
    assert ">90.45<" in three and ">100.00<" in three and "%<" not in three  # the unit is in the header


def test_headers_never_break_and_numbers_line_up():
    html = tables()["公开05表"].styler().to_html()
    header_rule = html[html.index("#T_公开05表 th {"):].split("}")[0]
    assert "word-break: keep-all" in header_rule  # a line breaks only at a <wbr>, between words
    assert ">科目<wbr>编码</th>" in html and ">完成预算<wbr>（%）</th>" in html
    assert ">本年<wbr>收入<wbr>合计</th>" in tables()["公开02表"].styler().to_html()
    number_rule = html[html.index("_row0_col3"):].split("}")[0]  # 决算数
    for prop in ("text-align: right", "white-space: nowrap", "font-variant-numeric: tabular-nums"):
        assert prop in number_rule


def test_row_names_break_only_between_words():
    """政府性基金预算财政拨款收入 wrapped as 收/入 in a narrow column: a name breaks only where a word ends."""
    html = tables()["公开01表"].styler().to_html()
    assert ">政府性基金<wbr>预算<wbr>财政拨款<wbr>收入</td>" in html
    assert ">年末<wbr>结转和<wbr>结余</td>" in html
    name_rule = html[html.index("_row1_col0"):].split("}")[0]  # 收入项目 of the second row
    assert "word-break: keep-all" in name_rule
    hostile = tables()["公开01表"]
    hostile.frame.iloc[0, 0] = "<script>收入</script>"
    assert "<script>" not in hostile.styler().to_html() and "&lt;script&gt;" in hostile.styler().to_html()


def test_the_tables_show_every_level_the_data_gives():
    """The seed gives class 201 by its 款 20132 组织事务 (as its 五（三） names it): 公开05表 shows both rows."""
    frame = tables()["公开05表"].frame
    assert list(frame["科目编码"][:5]) == ["201", "20132", "208", "210", "221"]
    assert list(frame["科目名称"][:2]) == ["一般公共服务支出", "\u3000组织事务"]
    assert list(frame["决算数"][:2]) == [D("1520.71"), D("1520.71")]


def test_xiang_rows_add_up_to_their_kuan_and_class(tmp_path):
    """项 rows given: the 款 and the 类 are their sums (1,000.71 + 520.00 = 1,520.71), shown at every level."""
    import shutil

    from juesuan.cli import main

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    amounts = data / "2022" / "amounts.csv"
    amounts.write_text(amounts.read_text(encoding="utf-8").replace(
        "pzh-swzzb,gpb.actual,20132,1520.71\n",
        "pzh-swzzb,gpb.actual,2013201,1000.71\npzh-swzzb,gpb.actual,2013202,520\n"), encoding="utf-8")
    (data / "2022" / "function_names.csv").write_text(
        "code,name\n20132,组织事务\n2013201,行政运行\n2013202,一般行政管理事务\n", encoding="utf-8")
    assert main(["validate", "--data", str(data), "--year", "2022"]) == 0
    frame = {t.number: t for t in public_tables(load_report("pzh-swzzb", 2022, data).current)}["公开05表"].frame
    rows = {code: (name, actual) for code, name, actual in zip(frame["科目编码"], frame["科目名称"], frame["决算数"])}
    assert rows["201"] == ("一般公共服务支出", D("1520.71"))
    assert rows["20132"] == ("\u3000组织事务", D("1520.71"))
    assert rows["2013201"] == ("\u3000\u3000行政运行", D("1000.71"))
    assert rows["2013202"] == ("\u3000\u3000一般行政管理事务", D("520"))
    # A 款 row stated beside its 项 is their subtotal, and must be it.
    amounts.write_text(amounts.read_text(encoding="utf-8") + "pzh-swzzb,gpb.actual,20132,1500\n", encoding="utf-8")
    assert main(["validate", "--data", str(data), "--year", "2022"]) == 1


def test_basic_expenditure_by_economic_class(tmp_path):
    """Table 06's classes given: 人员经费 = 301 + 303 and 公用经费 = 302 + 310 come from them (hand sums below),
    the table lists each class and 款, and a stated total that disagrees with them is an error."""
    import shutil

    from juesuan.cli import main

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    amounts = data / "2022" / "amounts.csv"
    text = amounts.read_text(encoding="utf-8")
    # The seed's 人员经费 1,517.61 and 公用经费 174.97, split into classes: 1,400.00 + 117.61; 170.00 + 4.97.
    rows = ("pzh-swzzb,gpb_basic.economic,30101,800\npzh-swzzb,gpb_basic.economic,30102,600\n"
            "pzh-swzzb,gpb_basic.economic,303,117.61\npzh-swzzb,gpb_basic.economic,30201,170\n"
            "pzh-swzzb,gpb_basic.economic,310,4.97\n")
    amounts.write_text(text.replace("pzh-swzzb,gpb_basic.personnel,,1517.61\n", "")
                       .replace("pzh-swzzb,gpb_basic.public,,174.97\n", "") + rows, encoding="utf-8")
    (data / "2022" / "economic_names.csv").write_text("code,name\n30101,基本工资\n30102,津贴补贴\n30201,办公费\n",
                                                       encoding="utf-8")
    assert main(["validate", "--data", str(data), "--year", "2022"]) == 0
    current = load_report("pzh-swzzb", 2022, data).current
    assert current.value("gpb_basic.personnel") == D("1517.61") and current.value("gpb_basic.public") == D("174.97")
    frame = {t.number: t for t in public_tables(current)}["公开06表"].frame
    listed = dict(zip(frame["科目名称"], frame["决算数"]))
    assert listed["工资福利支出"] == D("1400") and listed["\u3000基本工资"] == D("800")
    assert listed["人员经费合计"] == D("1517.61") and listed["公用经费合计"] == D("174.97")
    assert list(frame["科目编码"][:7]) == ["301", "30101", "30102", "302", "30201", "303", "310"]
    amounts.write_text(amounts.read_text(encoding="utf-8") + "pzh-swzzb,gpb_basic.personnel,,1500\n",
                       encoding="utf-8")
    assert main(["validate", "--data", str(data), "--year", "2022"]) == 1


def test_income_and_expenditure_by_class(tmp_path):
    """Tables 02 and 03 by function class, where the data gives them: the 合计 is the classes' sum (hand sums
    below add up to the seed's 基本支出 1,692.80 and 项目支出 155.90); a class spending less in all than from
    fiscal appropriations alone is an error."""
    import shutil

    from juesuan.cli import main

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    amounts = data / "2022" / "amounts.csv"
    by_class = ("pzh-swzzb,expenditure.basic,20132,1364.90\npzh-swzzb,expenditure.basic,208,187.83\n"
                "pzh-swzzb,expenditure.basic,210,0.36\npzh-swzzb,expenditure.basic,221,139.71\n"
                "pzh-swzzb,expenditure.project,20132,155.90\n")
    seed = amounts.read_text(encoding="utf-8")
    amounts.write_text(seed.replace("pzh-swzzb,expenditure.basic,,1692.80\n", "")
                       .replace("pzh-swzzb,expenditure.project,,155.90\n", "") + by_class, encoding="utf-8")
    assert main(["validate", "--data", str(data), "--year", "2022"]) == 0
    frame = {t.number: t for t in public_tables(load_report("pzh-swzzb", 2022, data).current)}["公开03表"].frame
    rows = {code: (name, total, basic, project) for code, name, total, basic, project in
            zip(frame["科目编码"], frame["科目名称"], frame["本年支出合计"], frame["基本支出"], frame["项目支出"])}
    assert rows[""] == ("合计", D("1848.70"), D("1692.80"), D("155.90"))
    assert rows["201"] == ("一般公共服务支出", D("1520.80"), D("1364.90"), D("155.90"))
    assert rows["20132"][0] == "\u3000组织事务" and rows["221"][1:] == (D("139.71"), D("139.71"), None)
    amounts.write_text(amounts.read_text(encoding="utf-8").replace(",221,139.71", ",221,139.51")
                       .replace(",208,187.83", ",208,188.03"), encoding="utf-8")
    assert main(["validate", "--data", str(data), "--year", "2022"]) == 1   # 221: 139.51 spent, 139.58 fiscal


def test_general_budget_by_class_and_kind(tmp_path):
    """Table 05's 基本支出 by class (1,365.00 + 187.83 + 0.36 + 139.39 = 1,692.58, table 06's 人员经费 1,517.61 +
    公用经费 174.97): the table splits each class into 基本 and 项目 (1,520.71 − 1,365.00 = 155.71 for 201);
    a 基本支出 that is not table 06's is an error."""
    import shutil

    from juesuan.cli import main

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    amounts = data / "2022" / "amounts.csv"
    amounts.write_text(amounts.read_text(encoding="utf-8") + (
        "pzh-swzzb,gpb.basic,20132,1365\npzh-swzzb,gpb.basic,208,187.83\npzh-swzzb,gpb.basic,210,0.36\n"
        "pzh-swzzb,gpb.basic,221,139.39\n"), encoding="utf-8")
    assert main(["validate", "--data", str(data), "--year", "2022"]) == 0
    frame = {t.number: t for t in public_tables(load_report("pzh-swzzb", 2022, data).current)}["公开05表"].frame
    rows = {name.strip("\u3000"): (basic, project) for name, basic, project in
            zip(frame["科目名称"], frame["基本支出"], frame["项目支出"])}
    assert rows["一般公共服务支出"] == (D("1365"), D("155.71"))
    assert rows["组织事务"] == (D("1365"), D("155.71"))
    assert rows["合计"] == (D("1692.58"), D("155.90"))
    amounts.write_text(amounts.read_text(encoding="utf-8").replace("gpb.basic,208,187.83", "gpb.basic,208,187"),
                       encoding="utf-8")
    assert main(["validate", "--data", str(data), "--year", "2022"]) == 1


def test_fund_tables_by_class(tmp_path):
    """Table 08 by class: 年末 2 = 年初 2 + 本年收入 10 − 本年支出 10 (the audit's "busy" variant spends 10 on 212
    from 政府性基金, its whole income); a row that does not carry over, or income that is not the fund's, is an error."""
    from juesuan.cli import main
    from test_audit import variant_data

    data = variant_data(tmp_path, "busy")
    amounts = data / "2022" / "amounts.csv"
    flows = "pzh-swzzb,gf.carryover_begin,212,2\npzh-swzzb,gf.income,212,10\npzh-swzzb,gf.carryover_end,212,2\n"
    amounts.write_text(amounts.read_text(encoding="utf-8") + flows, encoding="utf-8")
    assert main(["validate", "--data", str(data), "--year", "2022"]) == 0
    frame = {t.number: t for t in public_tables(load_report("pzh-swzzb", 2022, data).current)}["公开08表"].frame
    assert list(frame.columns) == ["科目编码", "科目名称", "年初结转和结余", "本年收入", "本年支出", "年末结转和结余"]
    assert list(frame.iloc[0]) == ["212", "城乡社区支出", D("2"), D("10"), D("10"), D("2")]
    assert list(frame.iloc[-1])[1:] == ["合计", D("2"), D("10"), D("10"), D("2")]
    amounts.write_text(amounts.read_text(encoding="utf-8").replace("gf.carryover_end,212,2", "gf.carryover_end,212,3"),
                       encoding="utf-8")
    assert main(["validate", "--data", str(data), "--year", "2022"]) == 1


def test_plain_text_is_what_the_styled_table_says_in_text():
    """Oracle: the full Styler's own to_string; the cheaper plain_text must say the same for every table,
    empty ones, rates and hostile names included."""
    for table in tables().values():
        assert table.plain_text() == table.styler().to_string(delimiter="\t"), table.number
    hostile = tables()["公开01表"]
    hostile.frame.iloc[0, 0] = "<b>收入</b>\t&"
    assert hostile.plain_text() == hostile.styler().to_string(delimiter="\t")
    # By hand, from the published 公开01表: the first row of the summary table.
    first_row = tables()["公开01表"].plain_text().splitlines()[1].split("\t")
    assert first_row == ["一般公共<wbr>预算<wbr>财政拨款<wbr>收入", "1,759.16", "", "基本<wbr>支出", "1,692.80"]
