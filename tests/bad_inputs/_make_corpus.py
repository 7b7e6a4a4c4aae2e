"""Rebuild the corpus of bad inputs from data/: `.venv/bin/python tests/bad_inputs/_make_corpus.py`.

Each case is a folder laid out like data/: the seed department's 2022 figures
and its comparison-only 2021, with a short text file, and one thing broken.
Beside the data:

* `expected.txt`: the exact fragment the output of `juesuan validate --data
  <case> --year 2022` must hold (one line, naming file, department, field or
  row, and what was expected);
* `args.txt` (optional): other arguments instead of `--year 2022`;
* `expected_exit.txt` (optional): the exit code when it must be 0 (cases
  that must be *read*, e.g. GBK files); otherwise any non-zero code;
* `expected_names.txt` (only with exit 0): the Chinese the case must load as,
  one string a line (name, short name, units, breakdown labels, first duty).

The folders are committed; this script documents and regenerates them. Run it
after a change to data/ that the corpus should follow, and review the diff.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "data"

# The department's words, short: every field the report needs, nothing more.
TEXT = """\
duties:
- title: 市委组织部职能职责
  items:
  - 负责有关组织工作、干部工作、人才工作的理论研究及重要政策的综合研究。
reasons:
  total_change: 人员经费与项目经费支出减少
  fiscal_change: 人员经费与项目经费支出减少
  gpb_change: 人员经费与项目经费支出减少
  three_public_against_budget: 一是严格控制“三公”经费，二是接待活动减少
  reception_change: 接待活动减少
  admin_operating_change: 财政部门对单位预算指标的压缩
covers:
  personnel:
  - 基本工资
  - 津贴补贴
  public:
  - 办公费
  - 印刷费
performance:
  overall_summary: 部门整体绩效良好
"""

CASES: dict[str, tuple] = {}


def case(name: str, expected: str, *, args: str | None = None, exit_code: int | None = None,
         names: list[str] | None = None):
    def register(mutate):
        CASES[name] = (mutate, expected, args, exit_code, names)
        return mutate
    return register


# ---------------------------------------------------------------- helpers

def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def replace(path: Path, old: str, new: str) -> None:
    text = read(path)
    assert old in text, (path, old)
    write(path, text.replace(old, new, 1))


def append(path: Path, line: str) -> None:
    write(path, read(path) + line + "\n")


def amounts(d: Path) -> Path:
    return d / "2022" / "amounts.csv"


def seed_names(d: Path) -> list[str]:
    return ["攀枝花市委组织部", "市委组织部", "党员教育中心", "攀枝花市干部人事档案服务中心",
            "省级对口部门来攀考察", "上级对口部门来攀对接工作", "援助木里藏区相关部门来攀对接工作", "市委组织部职能职责",
            "财政拨款收入"]


def make_base(target: Path) -> None:
    """The seed's files of both years (the CSVs and year.yaml only) and the short text."""
    for year in ("2022", "2021"):
        (target / year).mkdir(parents=True)
        for path in sorted((DATA / year).iterdir()):
            if path.is_file() and (path.suffix == ".csv" or path.name == "year.yaml"):
                shutil.copy(path, target / year / path.name)
    write(target / "2022" / "text" / "pzh-swzzb.yaml", TEXT)


def encode_all(d: Path, encoding: str) -> None:
    """Every file of the case in `encoding`, the standard glossary (data/glossary.yaml) included."""
    shutil.copy(DATA / "glossary.yaml", d / "glossary.yaml")
    for path in sorted((d / "2022").rglob("*")) + sorted((d / "2021").rglob("*")) + [d / "glossary.yaml"]:
        if path.is_file():
            path.write_bytes(read(path).encode(encoding))


# ---------------------------------------------------------------- files

@case("missing_departments_file",
      "2022/departments.csv: all departments: file: expected departments.csv with columns "
      "department_id,name,short_name, got 'no such file'")
def _(d):
    (d / "2022" / "departments.csv").unlink()


@case("missing_amounts_file",
      "2022/amounts.csv: all departments: file: expected amounts.csv with columns "
      "department_id,item,code,amount, got 'no such file'")
def _(d):
    amounts(d).unlink()


@case("missing_text_file",
      "2022/text/pzh-swzzb.yaml: department pzh-swzzb: file: expected text/pzh-swzzb.yaml "
      "with the department's own words")
def _(d):
    (d / "2022" / "text" / "pzh-swzzb.yaml").unlink()


@case("empty_amounts_file",
      "2022/amounts.csv: all departments: header: expected a header line: department_id,item,code,amount, "
      "got 'an empty file'")
def _(d):
    amounts(d).write_bytes(b"")


@case("header_only_counts_file",
      "2022/counts.csv: department pzh-swzzb: counts: expected the department's counts for the report of 2022 "
      "(abroad.groups, abroad.people, vehicles_purchased, …), got 'no rows'")
def _(d):
    write(d / "2022" / "counts.csv", "department_id,item,code,count\n")


@case("amounts_file_is_a_folder",
      "2022/amounts.csv: all departments: file: expected a file, not a folder, got 'a folder'")
def _(d):
    amounts(d).unlink()
    write(amounts(d) / "README.txt", "amounts.csv should be a file\n")


@case("malformed_csv_unclosed_quote",
      "2022/amounts.csv row 43: all departments: CSV: expected comma-separated cells, a cell holding a comma "
      "or a quote in double quotes, got 'unexpected end of data'")
def _(d):
    append(amounts(d), 'pzh-swzzb,procurement.total,,"0')


@case("malformed_csv_extra_cell",
      "2022/amounts.csv row 9: department pzh-swzzb: cells: expected 4 cells (department_id,item,code,amount); "
      "a cell holding a comma goes in double quotes, got '5 cells'")
def _(d):
    replace(amounts(d), "income.other,,0.22", "income.other,,0.22,备注")


@case("malformed_csv_header",
      "2022/amounts.csv row 1: all departments: header: expected department_id,item,code,amount, "
      "got '部门,项目,代码,金额'")
def _(d):
    replace(amounts(d), "department_id,item,code,amount", "部门,项目,代码,金额")


@case("malformed_text_yaml",
      "2022/text/pzh-swzzb.yaml line 8: department pzh-swzzb: YAML: expected well-formed YAML, got "
      "\"expected <block end>, but found '<block mapping start>'\"")
def _(d):
    replace(d / "2022" / "text" / "pzh-swzzb.yaml", "  gpb_change:", " gpb_change:")


@case("malformed_year_yaml",
      "2022/year.yaml line 2: all departments: YAML: expected well-formed YAML such as 'comparison_only: true'")
def _(d):
    write(d / "2022" / "year.yaml", "comparison_only: [true\n")


@case("year_yaml_unknown_setting",
      "2021/year.yaml: all departments: comparision_only: expected only the setting comparison_only")
def _(d):
    write(d / "2021" / "year.yaml", "comparision_only: true\n")


@case("yaml_field_given_twice",
      "2022/text/pzh-swzzb.yaml line 21: department pzh-swzzb: YAML: expected well-formed YAML, got "
      "\"the field 'reasons' a second time (give each field once)\"")
def _(d):
    append(d / "2022" / "text" / "pzh-swzzb.yaml", "reasons:\n  total_change: 另一个原因")


@case("yaml_alias_bomb",
      "2022/text/pzh-swzzb.yaml line 22: department pzh-swzzb: YAML: expected well-formed YAML, got "
      "'an alias (*name); write the text out instead'")
def _(d):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    write(d / "2022" / "text" / "pzh-swzzb.yaml", TEXT + "\n".join(lines) + "\n")


@case("glossary_malformed_yaml",
      "glossary.yaml line 5: all departments: YAML: expected well-formed YAML: a list of {term, definition}, got "
      "'mapping values are not allowed here'")
def _(d):
    write(d / "glossary.yaml", "- term: 财政拨款收入\n  definition: 指单位从同级财政部门取得的财政预算资金。\n- term: 事业收入\n  definition: 指事业单位开展专业业务活动\n    及辅助活动: 取得的收入。\n")


@case("glossary_wrong_shape",
      "glossary.yaml: all departments: glossary[1].definition: expected a value, got 'nothing'")
def _(d):
    write(d / "glossary.yaml", "- term: 财政拨款收入\n  definition: 指单位从同级财政部门取得的财政预算资金。\n"
                               "- term: 事业收入\n")


@case("yaml_nested_too_deep",
      "2022/text/pzh-swzzb.yaml line 21: department pzh-swzzb: YAML: expected well-formed YAML, got "
      "'lists or fields nested more than 16 deep'")
def _(d):
    append(d / "2022" / "text" / "pzh-swzzb.yaml", "glossary: " + "[" * 5000 + "]" * 5000)


@case("text_field_of_the_wrong_shape",
      "2022/text/pzh-swzzb.yaml: department pzh-swzzb: covers.personnel: expected a list (lines starting with '- '), "
      "got 'str'")
def _(d):
    replace(d / "2022" / "text" / "pzh-swzzb.yaml", "  personnel:\n  - 基本工资\n  - 津贴补贴\n",
            "  personnel: 基本工资、津贴补贴\n")


@case("text_field_unknown",
      "2022/text/pzh-swzzb.yaml: department pzh-swzzb: reason: expected a field named in data/README.md "
      "(duties, reasons, covers, performance, attachment, glossary)")
def _(d):
    append(d / "2022" / "text" / "pzh-swzzb.yaml", "reason:\n  total_change: 拼错的字段名")


@case("text_field_yes_no",
      "2022/text/pzh-swzzb.yaml: department pzh-swzzb: covers.vehicle_operation: expected a text "
      "(put text that reads yes/no/true/false in quotes), got 'false'")
def _(d):
    replace(d / "2022" / "text" / "pzh-swzzb.yaml", "  public:\n", "  vehicle_operation: no\n  public:\n")


# ---------------------------------------------------------------- encodings

@case("encoding_gbk_ok", "ok: 1 department(s) of 2022", exit_code=0, names=seed_names(None))
def _(d):
    encode_all(d, "gbk")


@case("encoding_gb18030_ok", "ok: 1 department(s) of 2022", exit_code=0,
      names=[n.replace("党员教育中心", "䶮山党员教育中心") for n in seed_names(None)])
def _(d):
    # 䶮 (U+4DAE) is in GB18030 but not in GBK.
    replace(d / "2022" / "units.csv", "党员教育中心", "䶮山党员教育中心")
    encode_all(d, "gb18030")


@case("encoding_utf8_bom_ok", "ok: 1 department(s) of 2022", exit_code=0, names=seed_names(None))
def _(d):
    encode_all(d, "utf-8-sig")


@case("encoding_utf16_rejected",
      "2022/units.csv: all departments: encoding: expected text in UTF-8 or GB18030/GBK (in Excel: Save As "
      "'CSV UTF-8'), not UTF-16 'Unicode Text', got 'UTF-16'")
def _(d):
    path = d / "2022" / "units.csv"
    path.write_bytes(read(path).encode("utf-16"))


@case("encoding_undecodable",
      "2022/units.csv: all departments: encoding: expected text in UTF-8 or GB18030/GBK (in Excel: Save As "
      "'CSV UTF-8'), got 'undecodable bytes at offset")
def _(d):
    path = d / "2022" / "units.csv"
    path.write_bytes(read(path).encode("utf-8") + "pzh-swzzb,Café,其他事业单位\n".encode("utf-8")
                     .replace("é".encode("utf-8"), b"\xe9"))


# ---------------------------------------------------------------- codes

@case("unknown_function_code",
      "2022/amounts.csv row 19: department pzh-swzzb: code of gpb.actual: expected a function code such as "
      "201, 202, 203, 204, got '299'")
def _(d):
    replace(amounts(d), "gpb.actual,201,", "gpb.actual,299,")


@case("wrong_vehicle_code",
      "2022/amounts.csv row 31: department pzh-swzzb: code of three_public.vehicle_purchase: expected a vehicle "
      "code such as sedan, suv, bus, got 'truck'")
def _(d):
    replace(amounts(d), "three_public.vehicle_purchase,suv,", "three_public.vehicle_purchase,truck,")


@case("code_on_an_item_without_codes",
      "2022/amounts.csv row 9: department pzh-swzzb: code of income.other: expected an empty code, got '201'")
def _(d):
    replace(amounts(d), "income.other,,0.22", "income.other,201,0.22")


@case("unknown_item",
      "2022/amounts.csv row 9: department pzh-swzzb: item: expected an item named in data/README.md, "
      "such as income.general_budget, got 'income.others'")
def _(d):
    replace(amounts(d), "income.other,,0.22", "income.others,,0.22")


@case("unknown_unit_kind",
      "2022/units.csv row 2: department pzh-swzzb: unit_kind: expected one of 行政单位、参照公务员法管理的事业单位、"
      "其他事业单位, got '事业单位'")
def _(d):
    replace(d / "2022" / "units.csv", "党员教育中心,参照公务员法管理的事业单位", "党员教育中心,事业单位")


# ---------------------------------------------------------------- amounts

def bad_amount(name, typed, expected):
    @case(name, f"2022/amounts.csv row 9: department pzh-swzzb: amount of income.other: expected {expected}, "
                f"got '{typed}'")
    def _(d):
        text = f'"{typed}"' if "," in typed else typed
        replace(amounts(d), "income.other,,0.22", f"income.other,,{text}")


bad_amount("amount_not_a_number", "待定", "an amount in 万元, such as 1848.7 or 0")
bad_amount("amount_beyond_bound", "99999999999999999999998152",
           "an amount of at most 1,000,000,000,000 万元 (10^12; a larger figure is a typo)")
bad_amount("amount_empty", "", "an amount in 万元 (write 0 when there is none)")
bad_amount("amount_thousands_separator", "1,000.22",
           "a plain number without thousands separators (1848.70, not 1,848.70)")
bad_amount("amount_with_unit", "0.22万元", "a plain number in 万元 without a unit (1848.7, not 1848.7万元)")
bad_amount("amount_three_decimals", "0.225", "an amount in 万元 with at most two decimals")
bad_amount("amount_negative", "-0.22", "an amount of zero or more 万元")
bad_amount("amount_fullwidth_digits", "０．２２", "an amount in half-width digits (1848.7, not １８４８．７)")
bad_amount("amount_scientific_notation", "2.2E-01",
           "a plain number, not scientific notation (1848.7, not 1.8487E+03)")


@case("amount_thousands_separator_unquoted",
      "2022/amounts.csv row 2: department pzh-swzzb: amount: expected a plain number without thousands "
      "separators (1848.70, not 1,848.70), got '1,759.16'")
def _(d):
    replace(amounts(d), "income.general_budget,,1759.16", "income.general_budget,,1,759.16")


@case("count_not_a_whole_number",
      "2022/counts.csv row 14: department pzh-swzzb: count of reception_domestic.batches: expected a whole number "
      "from 0 to 1,000,000,000, got '5.5'")
def _(d):
    replace(d / "2022" / "counts.csv", "reception_domestic.batches,,5", "reception_domestic.batches,,5.5")


@case("count_beyond_bound",
      "2022/counts.csv row 14: department pzh-swzzb: count of reception_domestic.batches: expected a whole number "
      "from 0 to 1,000,000,000, got '50000000000000'")
def _(d):
    replace(d / "2022" / "counts.csv", "reception_domestic.batches,,5", "reception_domestic.batches,,50000000000000")


@case("count_negative",
      "2022/counts.csv row 15: department pzh-swzzb: count of reception_domestic.people: expected a whole number "
      "from 0 to 1,000,000,000, got '-34'")
def _(d):
    replace(d / "2022" / "counts.csv", "reception_domestic.people,,34", "reception_domestic.people,,-34")


# ---------------------------------------------------------------- duplicates

@case("duplicate_amount_row",
      "2022/amounts.csv row 43: department pzh-swzzb: income.other: expected one row per item and code, "
      "got 'a duplicate row'")
def _(d):
    append(amounts(d), "pzh-swzzb,income.other,,0.22")


@case("duplicate_department_row",
      "2022/departments.csv row 3: department pzh-swzzb: department_id: expected each department listed once, "
      "got 'a duplicate row'")
def _(d):
    append(d / "2022" / "departments.csv", "pzh-swzzb,攀枝花市委组织部,市委组织部")


@case("duplicate_unit_row",
      "2022/units.csv row 4: department pzh-swzzb: unit_name 党员教育中心: expected each unit listed once, "
      "got 'a duplicate row'")
def _(d):
    append(d / "2022" / "units.csv", "pzh-swzzb,党员教育中心,参照公务员法管理的事业单位")


@case("duplicate_breakdown_row",
      "2022/breakdowns.csv row 5: department pzh-swzzb: three_public.reception_domestic 省级对口部门来攀考察: "
      "expected one row per item and label, got 'a duplicate row'")
def _(d):
    append(d / "2022" / "breakdowns.csv", "pzh-swzzb,three_public.reception_domestic,省级对口部门来攀考察,0.42")


# ---------------------------------------------------------------- totals

@case("parts_do_not_add_up_to_total",
      "2022/amounts.csv: department pzh-swzzb: 本年收入合计 (income_total): expected the sum of its parts, "
      "1,759.38, got '1,759.48'")
def _(d):
    append(amounts(d), "pzh-swzzb,income_total,,1759.48")


@case("three_public_not_its_items",
      "2022/amounts.csv: department pzh-swzzb: “三公”经费 (three_public.total): expected the sum of its parts, "
      "6.82, got '7'")
def _(d):
    append(amounts(d), "pzh-swzzb,three_public.total,,7.00")


@case("total_not_income_plus_carryover",
      "2022/amounts.csv: department pzh-swzzb: 收、支总计 (total): expected 本年收入合计 1,759.38 + "
      "年初结转和结余 99.32 = 1,858.7 to equal 本年支出合计 1,848.7 + 年末结转和结余 0, got '1,848.7'")
def _(d):
    replace(amounts(d), "carryover.begin,,89.32", "carryover.begin,,99.32")


@case("fiscal_total_does_not_tie_out",
      "2022/amounts.csv: department pzh-swzzb: 财政拨款收、支总计 (fiscal_total): expected 财政拨款收入 1,759.16 + "
      "年初财政拨款结转和结余 80 = 1,839.16 to equal")
def _(d):
    replace(amounts(d), "carryover.begin_fiscal,,89.32", "carryover.begin_fiscal,,80")


@case("breakdown_does_not_add_up",
      "2022/breakdowns.csv: department pzh-swzzb: breakdown of three_public.reception_domestic: expected parts "
      "adding up to 国内公务接待费 1.15, got '1.25'")
def _(d):
    replace(d / "2022" / "breakdowns.csv", "省级对口部门来攀考察,0.42", "省级对口部门来攀考察,0.52")


@case("vehicles_by_use_not_by_type",
      "2022/counts.csv: department pzh-swzzb: vehicles_by_use: expected as many vehicles by use as vehicles_held "
      "by type (2), got '3'")
def _(d):
    replace(d / "2022" / "counts.csv", "vehicles_by_use,emergency,0", "vehicles_by_use,emergency,1")


@case("comparison_year_does_not_tie_out",
      "2021/amounts.csv: department pzh-swzzb: 一般公共预算财政拨款支出 (gpb.total): expected the sum of its parts, "
      "2,000, got '2,029.55'")
def _(d):
    append(d / "2021" / "amounts.csv", "pzh-swzzb,gpb.actual,201,2000")


@case("share_over_100_percent",
      "2022/amounts.csv: department pzh-swzzb: 一般公共预算财政拨款基本支出 (gpb_basic.total): expected no more than 基本支出 "
      "1,692.8 (a share of at most 100%), got '1,693.58'")
def _(d):
    replace(amounts(d), "gpb_basic.public,,174.97", "gpb_basic.public,,175.97")


@case("spending_without_budget_row",
      "2022/amounts.csv: department pzh-swzzb: gpb.budget 210: expected the budget of function class 210 "
      "(卫生健康支出), got 'no row'")
def _(d):
    replace(amounts(d), "pzh-swzzb,gpb.budget,210,0.36\n", "")


@case("missing_reason_for_a_change",
      "2022/text/pzh-swzzb.yaml: department pzh-swzzb: reasons.admin_operating_change: expected the reason for "
      "this change or budget difference, in the department's words, got 'nothing'")
def _(d):
    replace(d / "2022" / "text" / "pzh-swzzb.yaml", "  admin_operating_change: 财政部门对单位预算指标的压缩\n", "")


# ---------------------------------------------------------------- references

@case("comparison_year_misnamed",
      "2021年: all departments: folder name: expected a folder named 2021, the year alone (the comparison year "
      "of 2022), got '2021年'")
def _(d):
    (d / "2021").rename(d / "2021年")


@case("comparison_year_without_data",
      "2021/departments.csv: all departments: file: expected departments.csv with columns "
      "department_id,name,short_name, got 'no such file'")
def _(d):
    (d / "2021" / "departments.csv").unlink()
    (d / "2021" / "amounts.csv").unlink()


@case("department_listed_without_data",
      "2022/amounts.csv: department pzh-new: amounts: expected figures for every department listed in "
      "departments.csv, got 'no rows'")
def _(d):
    append(d / "2022" / "departments.csv", "pzh-new,攀枝花市新设部门,新设部门")


@case("data_without_department",
      "2022/amounts.csv row 43: department pzh-ghost: department_id: expected a department listed in "
      "departments.csv, got 'pzh-ghost'")
def _(d):
    append(amounts(d), "pzh-ghost,income.other,,1")


@case("text_without_department",
      "2022/text/pzh-ghost.yaml: department pzh-ghost: file name: expected text/<department_id>.yaml of a "
      "department listed in departments.csv, got 'pzh-ghost.yaml'")
def _(d):
    write(d / "2022" / "text" / "pzh-ghost.yaml", TEXT)


# ---------------------------------------------------------------- identifiers

ID_RULE = "department_id: expected letters, digits, '-' or '_' (at most 64, no path or control characters)"


def bad_id(name, dept_id, shown, quoted=False):
    @case(name, f"2022/departments.csv row 3: department {shown}: {ID_RULE}")
    def _(d):
        cell = '"' + dept_id.replace('"', '""') + '"' if quoted else dept_id
        append(d / "2022" / "departments.csv", f"{cell},恶意部门,恶意部门")
        append(amounts(d), f"{cell},income.other,,1")


bad_id("id_dot_dot_slash", "../x", "../x")
bad_id("id_slash", "a/b", "a/b")
bad_id("id_absolute_path", "/etc/passwd", "/etc/passwd")
bad_id("id_windows_path", "C:\\Windows\\x", "C:\\Windows\\x")
bad_id("id_control_character", "pzh\x1b[31mred", "pzh\\x1b[31mred")
bad_id("id_newline", "pzh\nx", "pzh\\nx", quoted=True)
bad_id("id_too_long", "x" * 65, "x" * 65)


@case("name_with_control_characters",
      "2022/departments.csv row 2: department pzh-swzzb: name: expected a name of 1 to 100 characters on one line, "
      "without control characters, got '攀枝花市委\\u202e组织部'")
def _(d):
    replace(d / "2022" / "departments.csv", "攀枝花市委组织部", "攀枝花市委\u202e组织部")


# ---------------------------------------------------------------- years

@case("year_out_of_range", ": all departments: year: expected a year from 2000 to 2100, got '1899'",
      args="--year 1899")
def _(d):
    pass


@case("year_folder_out_of_range",
      "2202: all departments: folder name: expected a year from 2000 to 2100, got '2202'")
def _(d):
    shutil.copytree(d / "2022", d / "2202")


@case("year_without_folder",
      "2023: all departments: folder: expected a folder of data for 2023, got 'no such folder'", args="--year 2023")
def _(d):
    pass


# ---------------------------------------------------------------- sizes

@case("huge_text_field",
      "2022/text/pzh-swzzb.yaml: department pzh-swzzb: reasons.total_change: expected at most 20,000 characters, "
      "got '25,000 characters'")
def _(d):
    replace(d / "2022" / "text" / "pzh-swzzb.yaml", "total_change: 人员经费与项目经费支出减少",
            "total_change: " + "很长" * 12_500)


@case("huge_name",
      "2022/departments.csv row 2: department pzh-swzzb: name: expected a name of 1 to 100 characters on one line")
def _(d):
    replace(d / "2022" / "departments.csv", "攀枝花市委组织部", "攀枝花" * 40)


def main(selected: list[str]) -> None:
    for name, (mutate, expected, args, exit_code, names) in CASES.items():
        if selected and name not in selected:
            continue
        target = HERE / name
        if target.exists():
            shutil.rmtree(target)
        make_base(target)
        mutate(target)
        (target / "expected.txt").write_text(expected + "\n", encoding="utf-8")
        if args:
            (target / "args.txt").write_text(args + "\n", encoding="utf-8")
        if exit_code is not None:
            (target / "expected_exit.txt").write_text(f"{exit_code}\n", encoding="utf-8")
        if names:
            (target / "expected_names.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(CASES)} cases in {HERE}")


if __name__ == "__main__":
    main(sys.argv[1:])
