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
attachment:
  annual_tasks: 围绕组织工作重点任务开展工作。
  performance_goals: 保障各项工作任务顺利完成。
  personnel_projects: 人员经费按标准足额保障。
  operating_projects: 运转经费支出与工作任务相匹配。
  special_projects: （无）
  overall_performance: 各类资金运转高效。
  result_application: 包括内部应用、自评公开和问题整改。
  evaluation_quality: 自评依据充分。
  problems: （无）
  suggestions: 加强部门绩效管理。
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
      "2022/departments.csv：全部部门：file：应为含列 department_id,name,short_name 的 "
      "departments.csv，实为 '文件不存在'")
def _(d):
    (d / "2022" / "departments.csv").unlink()


@case("missing_amounts_file",
      "2022/amounts.csv：全部部门：file：应为含列 department_id,item,code,amount 的 "
      "amounts.csv，实为 '文件不存在'")
def _(d):
    amounts(d).unlink()


@case("missing_text_file",
      "2022/text/pzh-swzzb.yaml：部门 pzh-swzzb：file：应为写有本部门文字的 "
      "text/pzh-swzzb.yaml")
def _(d):
    (d / "2022" / "text" / "pzh-swzzb.yaml").unlink()


@case("empty_amounts_file",
      "2022/amounts.csv：全部部门：header：应为表头行：department_id,item,code,amount，"
      "实为 '空文件'")
def _(d):
    amounts(d).write_bytes(b"")


@case("header_only_counts_file",
      "2022/counts.csv：部门 pzh-swzzb：counts：应为2022年报告所需的本部门计数"
      "（abroad.groups, abroad.people, reception_domestic.batches、…），实为 '没有任何行'")
def _(d):
    write(d / "2022" / "counts.csv", "department_id,item,code,count\n")


@case("amounts_file_is_a_folder",
      "2022/amounts.csv：全部部门：file：应为一个文件，而不是文件夹，实为 '文件夹'")
def _(d):
    amounts(d).unlink()
    write(amounts(d) / "README.txt", "amounts.csv should be a file\n")


@case("malformed_csv_unclosed_quote",
      "2022/amounts.csv 第43行：全部部门：CSV：应为以半角逗号分隔的单元格；含逗号或引号的单元格"
      "用英文双引号括起，实为 'unexpected end of data'")
def _(d):
    append(amounts(d), 'pzh-swzzb,procurement.total,,"0')


@case("malformed_csv_extra_cell",
      "2022/amounts.csv 第9行：部门 pzh-swzzb：cells：应为4个单元格（department_id,item,code,amount）；"
      "含逗号的单元格用英文双引号括起，实为 '5个单元格'")
def _(d):
    replace(amounts(d), "income.other,,0.22", "income.other,,0.22,备注")


@case("malformed_csv_header",
      "2022/amounts.csv 第1行：全部部门：header：应为department_id,item,code,amount，"
      "实为 '部门,项目,代码,金额'")
def _(d):
    replace(amounts(d), "department_id,item,code,amount", "部门,项目,代码,金额")


@case("malformed_text_yaml",
      "2022/text/pzh-swzzb.yaml 第8行：部门 pzh-swzzb：YAML：应为格式正确的 YAML：检查这一行和上一行的缩进（同一层的字段左对齐，列表项以 '- ' 开头），以及引号是否成对，实为 "
      "\"expected <block end>, but found '<block mapping start>'\"")
def _(d):
    replace(d / "2022" / "text" / "pzh-swzzb.yaml", "  gpb_change:", " gpb_change:")


@case("malformed_year_yaml",
      "2022/year.yaml 第2行：全部部门：YAML：应为格式正确的 YAML，如 'comparison_only: true'")
def _(d):
    write(d / "2022" / "year.yaml", "comparison_only: [true\n")


@case("year_yaml_unknown_setting",
      "2021/year.yaml：全部部门：comparision_only：应为只能有这些设置：comparison_only")
def _(d):
    write(d / "2021" / "year.yaml", "comparision_only: true\n")


@case("yaml_field_given_twice",
      "2022/text/pzh-swzzb.yaml 第32行：部门 pzh-swzzb：YAML：应为格式正确的 YAML，实为 "
      "\"再次出现的字段 'reasons'（每个字段只写一次）\"")
def _(d):
    append(d / "2022" / "text" / "pzh-swzzb.yaml", "reasons:\n  total_change: 另一个原因")


@case("yaml_alias_bomb",
      "2022/text/pzh-swzzb.yaml 第33行：部门 pzh-swzzb：YAML：应为格式正确的 YAML，实为 "
      "'别名（*name）；请直接写出文字'")
def _(d):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    write(d / "2022" / "text" / "pzh-swzzb.yaml", TEXT + "\n".join(lines) + "\n")


@case("yaml_list_as_key",
      "2022/text/pzh-swzzb.yaml 第32行：部门 pzh-swzzb：YAML：应为格式正确的 YAML，实为 "
      "'列表或字段用作字段名（以“? ”开头）；字段名应是一段文字'")
def _(d):
    write(d / "2022" / "text" / "pzh-swzzb.yaml", TEXT + "? - 甲\n: 乙\n")


@case("glossary_malformed_yaml",
      "glossary.yaml 第5行：全部部门：YAML：应为格式正确的 YAML：由 {term, definition} 组成的列表：文字中有“: ”（半角冒号加空格）时，"
      "YAML 会把它当成新字段，请把整段文字放在英文双引号中")
def _(d):
    write(d / "glossary.yaml", "- term: 财政拨款收入\n  definition: 指单位从同级财政部门取得的财政预算资金。\n- term: 事业收入\n  definition: 指事业单位开展专业业务活动\n    及辅助活动: 取得的收入。\n")


@case("glossary_wrong_shape",
      "glossary.yaml：全部部门：glossary[1].definition：应为一个值，实为 '空'")
def _(d):
    write(d / "glossary.yaml", "- term: 财政拨款收入\n  definition: 指单位从同级财政部门取得的财政预算资金。\n"
                               "- term: 事业收入\n")


@case("yaml_nested_too_deep",
      "2022/text/pzh-swzzb.yaml 第32行：部门 pzh-swzzb：YAML：应为格式正确的 YAML，实为 "
      "'嵌套超过 16 层的列表或字段'")
def _(d):
    append(d / "2022" / "text" / "pzh-swzzb.yaml", "glossary: " + "[" * 5000 + "]" * 5000)


@case("text_field_of_the_wrong_shape",
      "2022/text/pzh-swzzb.yaml：部门 pzh-swzzb：covers.personnel：应为列表（每行以 '- ' 开头），"
      "实为 'str'")
def _(d):
    replace(d / "2022" / "text" / "pzh-swzzb.yaml", "  personnel:\n  - 基本工资\n  - 津贴补贴\n",
            "  personnel: 基本工资、津贴补贴\n")


@case("text_field_unknown",
      "2022/text/pzh-swzzb.yaml：部门 pzh-swzzb：reason：应为data/README.md 中列出的字段"
      "（duties, reasons, covers, performance, functions, unit_scope, unit_names, uses, attachment, glossary）")
def _(d):
    append(d / "2022" / "text" / "pzh-swzzb.yaml", "reason:\n  total_change: 拼错的字段名")


@case("text_field_yes_no",
      "2022/text/pzh-swzzb.yaml：部门 pzh-swzzb：covers.vehicle_operation：应为一段文字"
      "（读作 yes/no/true/false 的文字请加引号），实为 'false'")
def _(d):
    replace(d / "2022" / "text" / "pzh-swzzb.yaml", "  public:\n", "  vehicle_operation: no\n  public:\n")


# ---------------------------------------------------------------- encodings

@case("encoding_gbk_ok", "中2022年的1个部门，数据全部有效", exit_code=0, names=seed_names(None))
def _(d):
    encode_all(d, "gbk")


@case("encoding_gb18030_ok", "中2022年的1个部门，数据全部有效", exit_code=0,
      names=[n.replace("党员教育中心", "䶮山党员教育中心") for n in seed_names(None)])
def _(d):
    # 䶮 (U+4DAE) is in GB18030 but not in GBK.
    replace(d / "2022" / "units.csv", "党员教育中心", "䶮山党员教育中心")
    encode_all(d, "gb18030")


@case("encoding_utf8_bom_ok", "中2022年的1个部门，数据全部有效", exit_code=0, names=seed_names(None))
def _(d):
    encode_all(d, "utf-8-sig")


@case("encoding_utf16_rejected",
      "2022/units.csv：全部部门：encoding：应为UTF-8 或 GB18030/GBK 编码的文本（Excel 中“另存为”选"
      "“CSV UTF-8（逗号分隔）”），而不是 UTF-16 的“Unicode 文本”，实为 'UTF-16'")
def _(d):
    path = d / "2022" / "units.csv"
    path.write_bytes(read(path).encode("utf-16"))


@case("encoding_undecodable",
      "2022/units.csv：全部部门：encoding：应为UTF-8 或 GB18030/GBK 编码的文本（Excel 中“另存为”选"
      "“CSV UTF-8（逗号分隔）”），实为 '第")
def _(d):
    path = d / "2022" / "units.csv"
    path.write_bytes(read(path).encode("utf-8") + "pzh-swzzb,Café,其他事业单位\n".encode("utf-8")
                     .replace("é".encode("utf-8"), b"\xe9"))


# ---------------------------------------------------------------- codes

@case("unknown_function_code",
      "2022/amounts.csv 第19行：部门 pzh-swzzb：gpb.actual 的 code：应为功能分类科目编码：3位的类，或其下5位的款、"
      "7位的项，如 201 一般公共服务支出、202 外交支出、203 国防支出、204 公共安全支出，实为 '299'")
def _(d):
    replace(amounts(d), "gpb.actual,20132,", "gpb.actual,299,")


@case("wrong_vehicle_code",
      "2022/amounts.csv 第31行：部门 pzh-swzzb：three_public.vehicle_purchase 的 code：应为车辆类型编码，"
      "如 sedan 轿车、suv 越野车、bus 载客汽车，实为 'truck'")
def _(d):
    replace(amounts(d), "three_public.vehicle_purchase,suv,", "three_public.vehicle_purchase,truck,")


@case("code_on_an_item_without_codes",
      "2022/amounts.csv 第39行：部门 pzh-swzzb：admin_operating 的 code：应为空的 code（此项目不分编码），实为 '201'")
def _(d):
    replace(amounts(d), "admin_operating,,174.97", "admin_operating,201,174.97")


@case("unknown_item",
      "2022/amounts.csv 第9行：部门 pzh-swzzb：item：应为data/README.md 中列出的项目，"
      "如 income.general_budget，实为 'income.others'")
def _(d):
    replace(amounts(d), "income.other,,0.22", "income.others,,0.22")


@case("unknown_unit_kind",
      "2022/units.csv 第2行：部门 pzh-swzzb：unit_kind：应为以下之一：行政单位、参照公务员法管理的事业单位、"
      "其他事业单位，实为 '事业单位'")
def _(d):
    replace(d / "2022" / "units.csv", "党员教育中心,参照公务员法管理的事业单位", "党员教育中心,事业单位")


# ---------------------------------------------------------------- amounts

@case("fullwidth_commas_in_a_row",
      "2022/amounts.csv 第9行：部门 pzh-swzzb：cells：应为4个以半角逗号“,”分隔的单元格（department_id,item,code,amount）："
      "这一行用了全角的“，”分隔，请改为半角逗号")
def _(d):
    replace(amounts(d), "pzh-swzzb,income.other,,0.22", "pzh-swzzb，income.other，，0.22")


@case("function_code_of_kuan_level",
      "2022/amounts.csv 第20行：部门 pzh-swzzb：gpb.actual 的 code：应为功能分类科目编码：3位的类，或其下5位的款、"
      "7位的项，如 201 一般公共服务支出、202 外交支出、203 国防支出、204 公共安全支出；20805 是款级编码（属类 208 "
      "社会保障和就业支出），它的名称要写在本年度的 function_names.csv（一行：20805,款名称），或按类 208 合计填写，"
      "实为 '20805'")
def _(d):
    replace(amounts(d), "pzh-swzzb,gpb.actual,208,", "pzh-swzzb,gpb.actual,20805,")


@case("yaml_colon_in_a_reason",
      "2022/text/pzh-swzzb.yaml 第6行：部门 pzh-swzzb：YAML：应为格式正确的 YAML：文字中有“: ”（半角冒号加空格）时，"
      "YAML 会把它当成新字段，请把整段文字放在英文双引号中")
def _(d):
    replace(d / "2022" / "text" / "pzh-swzzb.yaml", "total_change: 人员经费与项目经费支出减少",
            "total_change: 主要原因: 人员经费与项目经费支出减少")


def bad_amount(name, typed, expected):
    @case(name, f"2022/amounts.csv 第9行：部门 pzh-swzzb：income.other 的 amount：应为{expected}，"
                f"实为 '{typed}'")
    def _(d):
        text = f'"{typed}"' if "," in typed else typed
        replace(amounts(d), "income.other,,0.22", f"income.other,,{text}")


bad_amount("amount_not_a_number", "待定", "以万元为单位的金额，如 1848.7 或 0")
bad_amount("amount_beyond_bound", "99999999999999999999998152",
           "不超过 1,000,000,000,000 万元（10^12）的金额，更大的数是录入错误")
bad_amount("amount_empty", "", "以万元为单位的金额（没有时写 0）")
bad_amount("amount_thousands_separator", "1,000.22",
           "不带千位分隔符的数字（写 1848.70，不写 1,848.70）")
bad_amount("amount_with_unit", "0.22万元", "不带单位的万元数（写 1848.7，不写 1848.7万元）")
bad_amount("amount_three_decimals", "0.225", "最多两位小数的万元金额")
bad_amount("amount_negative", "-0.22", "0 或正数的万元金额（不能为负）")
bad_amount("amount_fullwidth_digits", "０．２２", "半角数字的金额（写 1848.7，不写 １８４８．７）")
bad_amount("amount_scientific_notation", "2.2E-01",
           "普通写法的数字，不用科学计数法（写 1848.7，不写 1.8487E+03）")


@case("amount_thousands_separator_unquoted",
      "2022/amounts.csv 第2行：部门 pzh-swzzb：amount：应为不带千位分隔符的数字"
      "（写 1848.70，不写 1,848.70），实为 '1,759.16'")
def _(d):
    replace(amounts(d), "income.general_budget,,1759.16", "income.general_budget,,1,759.16")


@case("count_not_a_whole_number",
      "2022/counts.csv 第14行：部门 pzh-swzzb：reception_domestic.batches 的 count：应为0 至 1,000,000,000 "
      "的整数，实为 '5.5'")
def _(d):
    replace(d / "2022" / "counts.csv", "reception_domestic.batches,,5", "reception_domestic.batches,,5.5")


@case("count_beyond_bound",
      "2022/counts.csv 第14行：部门 pzh-swzzb：reception_domestic.batches 的 count：应为0 至 1,000,000,000 "
      "的整数，实为 '50000000000000'")
def _(d):
    replace(d / "2022" / "counts.csv", "reception_domestic.batches,,5", "reception_domestic.batches,,50000000000000")


@case("count_negative",
      "2022/counts.csv 第15行：部门 pzh-swzzb：reception_domestic.people 的 count：应为0 至 1,000,000,000 "
      "的整数，实为 '-34'")
def _(d):
    replace(d / "2022" / "counts.csv", "reception_domestic.people,,34", "reception_domestic.people,,-34")


# ---------------------------------------------------------------- duplicates

@case("duplicate_amount_row",
      "2022/amounts.csv 第43行：部门 pzh-swzzb：income.other：应为每个项目和编码只有一行，"
      "实为 '重复的行'")
def _(d):
    append(amounts(d), "pzh-swzzb,income.other,,0.22")


@case("duplicate_department_row",
      "2022/departments.csv 第3行：部门 pzh-swzzb：department_id：应为每个部门只列一次，"
      "实为 '重复的行'")
def _(d):
    append(d / "2022" / "departments.csv", "pzh-swzzb,攀枝花市委组织部,市委组织部")


@case("duplicate_unit_row",
      "2022/units.csv 第4行：部门 pzh-swzzb：unit_name 党员教育中心：应为每个单位只列一次，"
      "实为 '重复的行'")
def _(d):
    append(d / "2022" / "units.csv", "pzh-swzzb,党员教育中心,参照公务员法管理的事业单位")


@case("function_name_of_a_class_differs",
      "2022/function_names.csv 第3行：全部部门：201 的 name：应为类 201 的全国统一名称“一般公共服务支出”，实为 '一般公共服务'")
def _(d):
    write(d / "2022" / "function_names.csv", "code,name\n20132,组织事务\n201,一般公共服务\n")


@case("kuan_subtotal_does_not_add_up",
      "2022/amounts.csv：部门 pzh-swzzb：gpb.actual 201：应为其下各款、项之和 1,520.71（201 一般公共服务支出），"
      "实为 '1,600'")
def _(d):
    append(amounts(d), "pzh-swzzb,gpb.actual,201,1600")


@case("economic_code_without_a_name",
      "2022/amounts.csv 第43行：部门 pzh-swzzb：gpb_basic.economic 的 code：应为经济分类科目编码：3位的类，或其下5位的款"
      "（名称写在 economic_names.csv）")
def _(d):
    append(amounts(d), "pzh-swzzb,gpb_basic.economic,30101,100")


@case("vehicle_purchase_without_a_vehicle",
      "2022/amounts.csv：部门 pzh-swzzb：three_public.vehicle_purchase：应为0（当年未购置公务用车：vehicles_purchased "
      "合计 0 辆），实为 '1'")
def _(d):
    for kind in ("sedan", "suv", "bus"):  # the purchase as one total, as table 07 gives it, with no car bought
        replace(amounts(d), f"pzh-swzzb,three_public.vehicle_purchase,{kind},0\n", "")
    append(amounts(d), "pzh-swzzb,three_public.vehicle_purchase,,1")


@case("unit_is_the_department_itself",
      "2022/units.csv 第4行：部门 pzh-swzzb：unit_name：应为下属二级预算单位的名称；本部门机关不列在 units.csv"
      "（报告会先写出本部门），实为 '市委组织部'")
def _(d):
    append(d / "2022" / "units.csv", "pzh-swzzb,市委组织部,行政单位")


@case("duplicate_breakdown_row",
      "2022/breakdowns.csv 第5行：部门 pzh-swzzb：three_public.reception_domestic 省级对口部门来攀考察："
      "应为每个项目和标签只有一行，实为 '重复的行'")
def _(d):
    append(d / "2022" / "breakdowns.csv", "pzh-swzzb,three_public.reception_domestic,省级对口部门来攀考察,0.42")


# ---------------------------------------------------------------- totals

@case("parts_do_not_add_up_to_total",
      "2022/amounts.csv：部门 pzh-swzzb：本年收入合计 (income_total)：应为其各组成部分之和 "
      "1,759.38，实为 '1,759.48'")
def _(d):
    append(amounts(d), "pzh-swzzb,income_total,,1759.48")


@case("three_public_not_its_items",
      "2022/amounts.csv：部门 pzh-swzzb：“三公”经费 (three_public.total)：应为其各组成部分之和 "
      "6.82，实为 '7'")
def _(d):
    append(amounts(d), "pzh-swzzb,three_public.total,,7.00")


@case("total_not_income_plus_carryover",
      "2022/amounts.csv：部门 pzh-swzzb：收、支总计 (total)：应为本年收入合计 1,759.38 + "
      "年初结转和结余 99.32 = 1,858.7，与 本年支出合计 1,848.7 + 年末结转和结余 0 相等，实为 '1,848.7'")
def _(d):
    replace(amounts(d), "carryover.begin,,89.32", "carryover.begin,,99.32")


@case("fiscal_total_does_not_tie_out",
      "2022/amounts.csv：部门 pzh-swzzb：财政拨款收、支总计 (fiscal_total)：应为财政拨款收入 1,759.16 + "
      "年初财政拨款结转和结余 80 = 1,839.16，与 ")
def _(d):
    replace(amounts(d), "carryover.begin_fiscal,,89.32", "carryover.begin_fiscal,,80")


@case("breakdown_does_not_add_up",
      "2022/breakdowns.csv：部门 pzh-swzzb：three_public.reception_domestic 的细分："
      "应为各项之和等于国内公务接待费 1.15，实为 '1.25'")
def _(d):
    replace(d / "2022" / "breakdowns.csv", "省级对口部门来攀考察,0.42", "省级对口部门来攀考察,0.52")


@case("vehicles_by_use_not_by_type",
      "2022/counts.csv：部门 pzh-swzzb：vehicles_by_use：应为按用途分的车辆数与按类型分的 vehicles_held "
      "相同（2辆），实为 '3'")
def _(d):
    replace(d / "2022" / "counts.csv", "vehicles_by_use,emergency,0", "vehicles_by_use,emergency,1")


@case("comparison_year_does_not_tie_out",
      "2021/amounts.csv：部门 pzh-swzzb：一般公共预算财政拨款支出 (gpb.total)：应为其各组成部分之和 "
      "2,000，实为 '2,029.55'")
def _(d):
    append(d / "2021" / "amounts.csv", "pzh-swzzb,gpb.actual,201,2000")


@case("share_over_100_percent",
      "2022/amounts.csv：部门 pzh-swzzb：一般公共预算财政拨款基本支出 (gpb_basic.total)：应为不超过基本支出 "
      "1,692.8（占比不能超过100%），实为 '1,693.58'")
def _(d):
    replace(amounts(d), "gpb_basic.public,,174.97", "gpb_basic.public,,175.97")


@case("spending_without_budget_row",
      "2022/amounts.csv：部门 pzh-swzzb：gpb.budget 210：应为功能分类 210（卫生健康支出）"
      "的预算数（gpb.budget 行，写在这一级或其上级），实为 '没有这一行'")
def _(d):
    replace(amounts(d), "pzh-swzzb,gpb.budget,210,0.36\n", "")


@case("missing_reason_for_a_change",
      "2022/text/pzh-swzzb.yaml：部门 pzh-swzzb：reasons.admin_operating_change：应为说明机关运行经费变动："
      "2022年174.97万元，2021年180万元，减少5.03万元（下降2.79%）的原因（用本部门的话写在 reasons.admin_operating_change），实为 '空'")
def _(d):
    replace(d / "2022" / "text" / "pzh-swzzb.yaml", "  admin_operating_change: 财政部门对单位预算指标的压缩\n", "")


# ---------------------------------------------------------------- splits the nine tables print

# The seed's 财政拨款收入 1,759.16 by class, as a table 02 of the national layout gives it (hand split:
# 1,431.39 + 187.83 + 0.36 + 139.58 = 1,759.16).
FISCAL_BY_CLASS = (("20132", "1431.39"), ("208", "187.83"), ("210", "0.36"), ("221", "139.58"))


def fiscal_by_class(d: Path, item: str, rows=FISCAL_BY_CLASS) -> None:
    for code, amount in rows:
        append(amounts(d), f"pzh-swzzb,{item},{code},{amount}")


def with_government_fund(d: Path, income: str) -> None:
    """The seed spending 10 万元 of 政府性基金 on class 212 (a project), with `income` of it received this year."""
    replace(amounts(d), "pzh-swzzb,income.government_fund,,0", f"pzh-swzzb,income.government_fund,,{income}")
    replace(amounts(d), "pzh-swzzb,expenditure.project,,155.90", "pzh-swzzb,expenditure.project,,165.90")
    append(amounts(d), "pzh-swzzb,gf.actual,212,10")


@case("fiscal_income_by_class_not_its_total",
      "2022/amounts.csv：部门 pzh-swzzb：income.fiscal：应为各类之和等于财政拨款收入 1,759.16（income.general_budget + "
      "income.government_fund + income.state_capital），实为 '1,759.26'")
def _(d):
    fiscal_by_class(d, "income.fiscal", FISCAL_BY_CLASS[:2] + (("210", "0.46"),) + FISCAL_BY_CLASS[3:])


@case("fiscal_income_class_not_its_funds",
      "2022/amounts.csv：部门 pzh-swzzb：income.fiscal 221：应为一般公共预算财政拨款收入 139.58"
      "（221 住房保障支出），实为 '139.48'")
def _(d):
    fiscal_by_class(d, "income.general_budget")
    fiscal_by_class(d, "income.fiscal", FISCAL_BY_CLASS[:3] + (("221", "139.48"),))


@case("fiscal_income_by_class_without_a_code",
      "2022/amounts.csv 第43行：部门 pzh-swzzb：income.fiscal 的 code：应为功能分类科目编码")
def _(d):
    append(amounts(d), "pzh-swzzb,income.fiscal,,1759.16")


@case("fund_kinds_not_fund_spending",
      "2022/amounts.csv：部门 pzh-swzzb：gf.basic/gf.project 212：应为基本支出 + 项目支出 = 政府性基金预算财政拨款支出 10"
      "（212 城乡社区支出），实为 '9'")
def _(d):
    with_government_fund(d, "10")
    append(amounts(d), "pzh-swzzb,gf.basic,212,2")
    append(amounts(d), "pzh-swzzb,gf.project,212,7")


@case("carryover_by_fund_not_its_total",
      "2022/amounts.csv：部门 pzh-swzzb：年初财政拨款结转和结余 (carryover.begin_fiscal)：应为其各组成部分之和 89，"
      "实为 '89.32'")
def _(d):
    append(amounts(d), "pzh-swzzb,carryover.begin_fiscal,general_budget,80")
    append(amounts(d), "pzh-swzzb,carryover.begin_fiscal,government_fund,9")


@case("carryover_by_fund_does_not_carry_over",
      "2022/amounts.csv：部门 pzh-swzzb：carryover.end_fiscal general_budget/government_fund：应为一般公共预算财政拨款 "
      "年初 80 + 本年收入 1,759.16 − 本年支出 1,848.48 = -9.32、政府性基金预算财政拨款 年初 9.32 + 本年收入 0 − "
      "本年支出 0 = 9.32，实为 '0、0'")
def _(d):
    append(amounts(d), "pzh-swzzb,carryover.begin_fiscal,general_budget,80")
    append(amounts(d), "pzh-swzzb,carryover.begin_fiscal,government_fund,9.32")


@case("carryover_fund_code_unknown",
      "2022/amounts.csv 第43行：部门 pzh-swzzb：carryover.begin_fiscal 的 code：应为财政拨款的种类，如 general_budget "
      "一般公共预算财政拨款、government_fund 政府性基金预算财政拨款、state_capital 国有资本经营预算财政拨款，实为 'gpb'")
def _(d):
    append(amounts(d), "pzh-swzzb,carryover.begin_fiscal,gpb,89.32")


@case("fund_carryover_by_class_not_04",
      "2022/amounts.csv：部门 pzh-swzzb：gf.carryover_begin：应为各类之和等于表04的年初财政拨款结转和结余中的"
      "政府性基金预算财政拨款 2（carryover.begin_fiscal government_fund），实为 '3'")
def _(d):
    # 04: 2 万元 of 政府性基金 carried into the year, 8 received, 10 spent; 08's row carries 3 in and 1 out.
    with_government_fund(d, "8")
    for item in ("carryover.begin", "carryover.begin_fiscal"):
        replace(amounts(d), f"pzh-swzzb,{item},,89.32", f"pzh-swzzb,{item},,91.32")
    append(amounts(d), "pzh-swzzb,carryover.begin_fiscal,general_budget,89.32")
    append(amounts(d), "pzh-swzzb,carryover.begin_fiscal,government_fund,2")
    for flow, amount in (("carryover_begin", "3"), ("income", "8"), ("carryover_end", "1")):
        append(amounts(d), f"pzh-swzzb,gf.{flow},212,{amount}")


@case("balance_distribution_breaks_total",
      "2022/amounts.csv：部门 pzh-swzzb：收、支总计 (total)：应为本年收入合计 1,759.38 + 年初结转和结余 89.32 = 1,848.7，"
      "与 本年支出合计 1,848.7 + 结余分配 1 + 年末结转和结余 0 相等，实为 '1,849.7'")
def _(d):
    append(amounts(d), "pzh-swzzb,balance_distribution,,1")


@case("vehicle_budgets_apart_not_their_total",
      "2022/amounts.csv：部门 pzh-swzzb：公务用车购置及运行维护费预算数 (three_public_budget.vehicle)：应为公务用车购置费预算数 0"
      " + 公务用车运行维护费预算数 5.76 = 5.76，实为 '5.67'")
def _(d):
    append(amounts(d), "pzh-swzzb,three_public_budget.vehicle_purchase,,0")
    append(amounts(d), "pzh-swzzb,three_public_budget.vehicle_operation,,5.76")


# ---------------------------------------------------------------- references

@case("comparison_year_misnamed",
      "2021年：全部部门：folder name：应为只用年度命名的文件夹 2021（2022年的比较年度"
      "），实为 '2021年'")
def _(d):
    (d / "2021").rename(d / "2021年")


@case("comparison_year_without_data",
      "2021/departments.csv：全部部门：file：应为含列 department_id,name,short_name 的 "
      "departments.csv，实为 '文件不存在'")
def _(d):
    (d / "2021" / "departments.csv").unlink()
    (d / "2021" / "amounts.csv").unlink()


@case("department_listed_without_data",
      "2022/amounts.csv：部门 pzh-new：amounts：应为departments.csv 中每个部门的金额行，"
      "实为 '没有任何行'")
def _(d):
    append(d / "2022" / "departments.csv", "pzh-new,攀枝花市新设部门,新设部门")


@case("data_without_department",
      "2022/amounts.csv 第43行：部门 pzh-ghost：department_id：应为departments.csv 中列出的部门，"
      "实为 'pzh-ghost'")
def _(d):
    append(amounts(d), "pzh-ghost,income.other,,1")


@case("text_without_department",
      "2022/text/pzh-ghost.yaml：部门 pzh-ghost：file name：应为departments.csv 中已列出部门的 "
      "text/<department_id>.yaml，实为 'pzh-ghost.yaml'")
def _(d):
    write(d / "2022" / "text" / "pzh-ghost.yaml", TEXT)


# ---------------------------------------------------------------- identifiers

ID_RULE = "department_id：应为由字母、数字、'-' 或 '_' 组成的编号（至多64个字符，不含路径或控制字符）"


def bad_id(name, dept_id, shown, quoted=False):
    @case(name, f"2022/departments.csv 第3行：部门 {shown}：{ID_RULE}")
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
      "2022/departments.csv 第2行：部门 pzh-swzzb：name：应为1 至 100 个字符的单行名称，"
      "不含控制字符，实为 '攀枝花市委\\u202e组织部'")
def _(d):
    replace(d / "2022" / "departments.csv", "攀枝花市委组织部", "攀枝花市委\u202e组织部")


# ---------------------------------------------------------------- years

@case("year_out_of_range", "：全部部门：year：应为2000 至 2100 之间的年度，实为 '1899'",
      args="--year 1899")
def _(d):
    pass


@case("year_folder_out_of_range",
      "2202：全部部门：folder name：应为2000 至 2100 之间的年度，实为 '2202'")
def _(d):
    shutil.copytree(d / "2022", d / "2202")


@case("year_without_folder",
      "2023：全部部门：folder：应为2023年的数据文件夹，实为 '不存在'", args="--year 2023")
def _(d):
    pass


# ---------------------------------------------------------------- sizes

@case("huge_text_field",
      "2022/text/pzh-swzzb.yaml：部门 pzh-swzzb：reasons.total_change：应为至多 20,000 个字符，"
      "实为 '25,000个字符'")
def _(d):
    replace(d / "2022" / "text" / "pzh-swzzb.yaml", "total_change: 人员经费与项目经费支出减少",
            "total_change: " + "很长" * 12_500)


@case("huge_name",
      "2022/departments.csv 第2行：部门 pzh-swzzb：name：应为1 至 100 个字符的单行名称")
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
