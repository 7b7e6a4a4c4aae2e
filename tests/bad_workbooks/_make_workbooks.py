"""Rebuild the workbooks that `juesuan import` is tested on: `.venv/bin/python tests/bad_workbooks/_make_workbooks.py`.

One small made-up department's nine tables (figures that tie out), written
with openpyxl in two layouts a department might send:

* `good_per_sheet.xlsx`: one sheet per table, titles with 公开0N表, 编制单位
  and 单位：万元 lines, two- and three-row merged headers, codes in one column,
  amounts as numbers, blank for zero, 06 in two blocks side by side;
* `good_one_sheet.xlsx`: all nine tables on one sheet, titles without form
  numbers, codes split into 类/款/项 columns, amounts as text with thousands
  separators ("1,234.50"), header cells not merged, and a hidden sheet
  holding last year's 03 (which must not be read);
* `good_06_by_kind.xlsx`: good_per_sheet with 06 as one block whose classes
  are split into 人员经费 and 公用经费 columns beside 决算数.

Then one bad workbook per case, each `<case>.xlsx` with its expected message
fragment in `expected.tsv` (case, fragment): the import must refuse it with
exactly one located line. The `*_differs_from_*` cases each change one figure
that two tables both print (carried through the table's own sums, so that it
still ties out alone): one line naming both cells. The 80 MB workbook is not here: the test makes it
as a sparse file. The files are committed; this script documents and
regenerates them (xlsx bytes carry timestamps, so review by reading them).
`_make_workbooks.py CASE …` remakes only the named cases (and expected.tsv),
leaving the other files' bytes alone.

`_make_workbooks.py --xls` makes the .xls fixtures in `xls/` (see its
README.md): the workbooks of `XLS_SOURCES`, written as .xlsx to a temporary
folder and converted by LibreOffice (`soffice --headless --convert-to xls`),
which is needed only then, never by the tests.
"""
from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
D = Decimal

# ---------------------------------------------------------------- the figures

# 项 rows: code, name, basic, project, fund ("gpb" 一般公共预算 or "gf" 政府性基金)
ITEMS = [
    ("2013201", "行政运行", D("1100.50"), D("0"), "gpb"),
    ("2013202", "一般行政管理事务", D("0"), D("20.25"), "gpb"),
    ("2080505", "机关事业单位基本养老保险缴费支出", D("30.10"), D("0"), "gpb"),
    ("2120899", "其他国有土地使用权出让收入安排的支出", D("0"), D("5.00"), "gf"),
    ("2210201", "住房公积金", D("12.34"), D("0"), "gpb"),
]
NAMES = {"201": "一般公共服务支出", "20132": "组织事务", "208": "社会保障和就业支出",
         "20805": "行政事业单位养老支出", "212": "城乡社区支出", "21208": "国有土地使用权出让收入安排的支出",
         "221": "住房保障支出", "22102": "住房改革支出"}
ECONOMIC = [("301", "工资福利支出"), ("30101", "基本工资", D("1000.00")), ("30102", "津贴补贴", D("100.60")),
            ("303", "对个人和家庭的补助"), ("30302", "退休费", D("12.34")),
            ("302", "商品和服务支出"), ("30201", "办公费", D("20.00")), ("30211", "差旅费", D("10.00"))]


def function_rows(fund=None):
    """类, 款, 项 rows in order: (code, name, basic, project)."""
    items = [i for i in ITEMS if fund is None or i[4] == fund]
    out, seen = [], set()
    for code, name, basic, project, _ in items:
        for parent in (code[:3], code[:5]):
            if parent not in seen:
                seen.add(parent)
                kids = [i for i in items if i[0].startswith(parent)]
                out.append((parent, NAMES[parent], sum(i[2] for i in kids), sum(i[3] for i in kids)))
        out.append((code, name, basic, project))
    return out


def total(rows):
    return (sum(r[2] for r in rows if len(r[0]) == 3), sum(r[3] for r in rows if len(r[0]) == 3))


GPB = total(function_rows("gpb"))   # basic, project
GF = total(function_rows("gf"))
ALL = total(function_rows())
GPB_T, GF_T, ALL_T = sum(GPB), sum(GF), sum(ALL)
BEGIN = D("10.00")
CLASS_TOTALS = {c: b + p for c, _, b, p in function_rows() if len(c) == 3}
CLASS_GPB = {c: b + p for c, _, b, p in function_rows("gpb") if len(c) == 3}
CLASS_GF = {c: b + p for c, _, b, p in function_rows("gf") if len(c) == 3}
CLASS_ORDER = ["201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "212", "213", "214",
               "215", "216", "217", "219", "220", "221", "222", "223", "224", "229"]
ORDINALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六",
            "十七", "十八", "十九", "二十", "二十一", "二十二", "二十三", "二十四"]
FUNCTION_NAMES = {"201": "一般公共服务支出", "202": "外交支出", "203": "国防支出", "204": "公共安全支出", "205": "教育支出",
                  "206": "科学技术支出", "207": "文化旅游体育与传媒支出", "208": "社会保障和就业支出",
                  "209": "社会保险基金支出", "210": "卫生健康支出", "211": "节能环保支出", "212": "城乡社区支出",
                  "213": "农林水支出", "214": "交通运输支出", "215": "资源勘探工业信息等支出", "216": "商业服务业等支出",
                  "217": "金融支出", "219": "援助其他地区支出", "220": "自然资源海洋气象等支出", "221": "住房保障支出",
                  "222": "粮油物资储备支出", "223": "国有资本经营预算支出", "224": "灾害防治及应急管理支出", "229": "其他支出"}
THREE_PUBLIC = {"total": (D("7.00"), D("3.60")), "abroad": (D("0"), D("0")), "vehicle": (D("5.00"), D("3.20")),
                "vehicle_purchase": (D("0"), D("0")), "vehicle_operation": (D("5.00"), D("3.20")),
                "reception": (D("2.00"), D("0.40"))}


# ---------------------------------------------------------------- table blocks as rows of cells

def _blank0(v, text):
    """Zero as a blank cell (as published tables print it), else a number or text with separators."""
    if v == 0:
        return None
    return f"{v:,.2f}" if text else float(v)


def block(tid, text, split, number):
    """(title, header rows, merges relative to the header's first row, data rows) of table `tid`."""
    fig = lambda v: _blank0(v, text)  # noqa: E731
    title = f"{'公开' + tid + '表 ' if number else ''}" + {
        "01": "收入支出决算总表", "02": "收入决算表", "03": "支出决算表", "04": "财政拨款收入支出决算总表",
        "05": "一般公共预算财政拨款支出决算表", "06": "一般公共预算财政拨款基本支出决算表",
        "07": "财政拨款“三公”经费支出决算表", "08": "政府性基金预算财政拨款收入支出决算表",
        "09": "国有资本经营预算财政拨款收入支出决算表"}[tid]

    def coded(head_cols, rows, values):
        """Header (项目 over 编码/名称 or 类/款/项 + 名称) then 合计 and class rows."""
        n = len(head_cols)
        if split:
            header = [["项目", None, None, None, *head_cols[0]],
                      ["功能分类科目编码", None, None, "科目名称", *head_cols[1]],
                      ["类", "款", "项", None, *head_cols[2]]]
            merges = [(0, 0, 0, 3), (1, 0, 1, 2), (1, 3, 2, 3)]
            lead = lambda code, name: [code[:3], code[3:5] or None, code[5:7] or None, name]  # noqa: E731
            total_lead = ["合计", None, None, None]
        else:
            header = [["项目", None, *head_cols[0]],
                      ["功能分类科目编码", "科目名称", *head_cols[1]],
                      [None, None, *head_cols[2]]]
            merges = [(0, 0, 0, 1), (1, 0, 2, 0), (1, 1, 2, 1)]
            lead = lambda code, name: [code, name]  # noqa: E731
            total_lead = ["合计", None]
        off = len(total_lead)
        for c in range(n):  # a column's header merged down over the rows it leaves empty
            if head_cols[1][c] is None and head_cols[2][c] is None:
                merges.append((0, off + c, 2, off + c))
            elif head_cols[2][c] is None:
                merges.append((1, off + c, 2, off + c))
        data = [total_lead + [fig(v) for v in values(None)]]
        data += [lead(code, name) + [fig(v) for v in values((code, b, p))] for code, name, b, p in rows]
        return header, merges, data

    if tid == "01":
        header = [["收入", None, "支出", None], ["项目", "决算数", "项目", "决算数"]]
        inc = [("一、一般公共预算财政拨款收入", GPB_T), ("二、政府性基金预算财政拨款收入", GF_T),
               ("三、国有资本经营预算财政拨款收入", 0), ("四、上级补助收入", 0), ("五、事业收入", 0),
               ("六、经营收入", 0), ("七、附属单位上缴收入", 0), ("八、其他收入", 0)]
        exp = [(f"{ORDINALS[i]}、{FUNCTION_NAMES[c]}", CLASS_TOTALS.get(c, 0)) for i, c in enumerate(CLASS_ORDER)]
        inc += [(None, None)] * (len(exp) - len(inc))
        data = [[a, fig(b) if a else None, c, fig(d)] for (a, b), (c, d) in zip(inc, exp)]
        data += [["本年收入合计", fig(ALL_T), "本年支出合计", fig(ALL_T)],
                 ["使用非财政拨款结余", None, "结余分配", None],
                 ["年初结转和结余", fig(BEGIN), "年末结转和结余", fig(BEGIN)],
                 ["总计", fig(ALL_T + BEGIN), "总计", fig(ALL_T + BEGIN)]]
        return title, header, [(0, 0, 0, 1), (0, 2, 0, 3)], data
    if tid == "02":
        heads = (["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"],
                 [None] * 7, [None] * 7)
        vals = lambda r: [ALL_T, ALL_T, 0, 0, 0, 0, 0] if r is None else [r[1] + r[2], r[1] + r[2], 0, 0, 0, 0, 0]  # noqa
        return (title, *coded(heads, function_rows(), vals))
    if tid == "03":
        heads = (["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"],
                 [None] * 6, [None] * 6)
        vals = lambda r: [ALL_T, ALL[0], ALL[1], 0, 0, 0] if r is None else [r[1] + r[2], r[1], r[2], 0, 0, 0]  # noqa
        return (title, *coded(heads, function_rows(), vals))
    if tid == "05":
        heads = (["本年支出", None, None], ["小计", "基本支出", "项目支出"], [None] * 3)
        vals = lambda r: [GPB_T, GPB[0], GPB[1]] if r is None else [r[1] + r[2], r[1], r[2]]  # noqa
        h, m, d = coded(heads, function_rows("gpb"), vals)
        off = 4 if split else 2
        m.append((0, off, 0, off + 2))
        return title, h, m, d
    if tid in ("08", "09"):
        heads = (["年初结转和结余", "本年收入", "本年支出", None, None, "年末结转和结余"],
                 [None, None, "合计", "基本支出", "项目支出", None], [None] * 6)
        rows = function_rows("gf") if tid == "08" else []
        tot = GF if tid == "08" else (0, 0)
        vals = lambda r: ([0, sum(tot), sum(tot), tot[0], tot[1], 0] if r is None  # noqa
                          else [0, r[1] + r[2], r[1] + r[2], r[1], r[2], 0])
        h, m, d = coded(heads, rows, vals)
        off = 4 if split else 2
        m = [x for x in m if x[1] not in (off + 2, off + 3, off + 4)] + [(0, off + 2, 0, off + 4)]
        return title, h, m, d
    if tid == "04":
        header = [["收入", None, "支出", None, None, None, None],
                  ["项目", "决算数", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]]
        inc = [("一、一般公共预算财政拨款", GPB_T), ("二、政府性基金预算财政拨款", GF_T), ("三、国有资本经营预算财政拨款", 0)]
        exp = [(f"{ORDINALS[i]}、{FUNCTION_NAMES[c]}", CLASS_TOTALS.get(c, 0), CLASS_GPB.get(c, 0), CLASS_GF.get(c, 0))
               for i, c in enumerate(CLASS_ORDER)]
        inc += [(None, None)] * (len(exp) - len(inc))
        data = [[a, fig(b) if a else None, c, fig(d), fig(e), fig(f), None] for (a, b), (c, d, e, f) in zip(inc, exp)]
        data += [["本年收入合计", fig(ALL_T), "本年支出合计", fig(ALL_T), fig(GPB_T), fig(GF_T), None],
                 ["年初财政拨款结转和结余", fig(BEGIN), "年末财政拨款结转和结余", fig(BEGIN), fig(BEGIN), None, None],
                 ["一、一般公共预算财政拨款", fig(BEGIN), "一、一般公共预算财政拨款", fig(BEGIN), fig(BEGIN), None, None],
                 ["二、政府性基金预算财政拨款", None, "二、政府性基金预算财政拨款", None, None, None, None],
                 ["三、国有资本经营预算财政拨款", None, "三、国有资本经营预算财政拨款", None, None, None, None],
                 ["总计", fig(ALL_T + BEGIN), "总计", fig(ALL_T + BEGIN), fig(GPB_T + BEGIN), fig(GF_T), None]]
        return title, header, [(0, 0, 0, 1), (0, 2, 0, 6)], data
    if tid == "06":
        parents = {"301": D(0), "303": D(0), "302": D(0)}
        for e in ECONOMIC:
            if len(e) == 3:
                parents[e[0][:3]] += e[2]
        rows = [(e[0], e[1], parents[e[0]] if len(e) == 2 else e[2]) for e in ECONOMIC]
        personnel = parents["301"] + parents["303"]
        public = parents["302"]
        head = ["经济分类科目编码", "科目名称", "决算数"]
        if split:  # one block
            header = [["科目编码", "科目名称", "决算数"]]
            data = [[c, n, fig(v)] for c, n, v in rows]
            data += [[None, "人员经费合计", fig(personnel)], [None, "公用经费合计", fig(public)]]
            return title, header, [], data
        left = [r for r in rows if r[0][:3] in ("301", "303")]
        right = [r for r in rows if r[0][:3] == "302"]
        right += [(None, None, None)] * (len(left) - len(right))
        header = [["人员经费", None, None, "公用经费", None, None], head + head]
        data = [[a, b, fig(c), d, e, fig(f) if f is not None else None] for (a, b, c), (d, e, f) in zip(left, right)]
        data.append([None, "人员经费合计", fig(personnel), None, "公用经费合计", fig(public)])
        return title, header, [(0, 0, 0, 2), (0, 3, 0, 5)], data
    if tid == "07":
        groups = [("合计", None), ("因公出国（境）费", None), ("公务用车购置及运行维护费", "小计"),
                  (None, "公务用车购置费"), (None, "公务用车运行维护费"), ("公务接待费", None)]
        keys = ["total", "abroad", "vehicle", "vehicle_purchase", "vehicle_operation", "reception"]
        row1 = ["财政拨款“三公”经费"] + [None] * 11
        row2, row3, row4, merges = [], [], [], [(0, 0, 0, 11), (1, 4, 1, 9)]
        for i, (g, s) in enumerate(groups):
            row2 += [g, None]
            row3 += [s or g, None]
            row4 += ["预算数", "决算数"]
            if s is None:
                merges.append((1, 2 * i, 2, 2 * i + 1))
            else:
                merges.append((2, 2 * i, 2, 2 * i + 1))
        # three header rows: the group row (公务用车购置及运行维护费 over four columns), its parts, 预算数/决算数
        row2 = ["合计", None, "因公出国（境）费", None, "公务用车购置及运行维护费", None, None, None, None, None,
                "公务接待费", None]
        row3 = [None, None, None, None, "小计", None, "公务用车购置费", None, "公务用车运行维护费", None, None, None]
        merges = [(0, 0, 0, 11), (1, 0, 2, 1), (1, 2, 2, 3), (1, 4, 1, 9), (2, 4, 2, 5), (2, 6, 2, 7), (2, 8, 2, 9),
                  (1, 10, 2, 11)]
        data = [[fig(v) for k in keys for v in THREE_PUBLIC[k]]]
        return title, [row1, row2, row3, row4], merges, data
    raise KeyError(tid)


TABLE_IDS = ["01", "02", "03", "04", "05", "06", "07", "08", "09"]
UNIT = "编制单位：合成示例局（测试数据）"


def put(ws, top, tid, text=False, split=False, number=True, merge=True):
    """Write table `tid` from row `top` (1-based); returns the next free row."""
    title, header, merges, data = block(tid, text, split, number)
    ws.cell(top, 1, title)
    ws.cell(top + 1, 1, UNIT)
    ws.cell(top + 1, max(3, len(header[0])), "单位：万元")
    h0 = top + 2
    for i, row in enumerate(header):
        for j, v in enumerate(row):
            if v is not None:
                ws.cell(h0 + i, j + 1, v)
    if merge:
        for r0, c0, r1, c1 in merges:
            ws.merge_cells(start_row=h0 + r0, start_column=c0 + 1, end_row=h0 + r1, end_column=c1 + 1)
    d0 = h0 + len(header)
    for i, row in enumerate(data):
        for j, v in enumerate(row):
            if v is not None:
                ws.cell(d0 + i, j + 1, v)
    end = d0 + len(data)
    ws.cell(end, 1, f"注：本表反映部门本年度{title[-8:]}情况。")
    return end + 3


def per_sheet() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for tid in TABLE_IDS:
        put(wb.create_sheet(f"公开{tid}表"), 1, tid)
    return wb


def one_sheet() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "决算表"
    top = 1
    for tid in TABLE_IDS:
        top = put(ws, top, tid, text=True, split=True, number=False, merge=False)
    old = wb.create_sheet("2023年")
    put(old, 1, "03")
    old["C6"] = 99999.0  # last year's figures: never read
    old.sheet_state = "hidden"
    return wb


def with_06_by_kind() -> Workbook:
    """good_per_sheet with 06 as one block that splits each class's 决算数 into 人员经费 and 公用经费 columns, as
    some provinces print it: 301 and 303 wholly 人员经费, 302 wholly 公用经费 (blank where 0)."""
    wb = per_sheet()
    del wb["公开06表"]
    ws = wb.create_sheet("公开06表", 5)
    ws["A1"], ws["A2"], ws["E2"] = "公开06表 一般公共预算财政拨款基本支出决算表", UNIT, "单位：万元"
    for c, v in enumerate(["科目编码", "科目名称", "决算数", "人员经费", "公用经费"], 1):
        ws.cell(3, c, v)
    parents = {"301": D(0), "303": D(0), "302": D(0)}
    for e in ECONOMIC:
        if len(e) == 3:
            parents[e[0][:3]] += e[2]
    rows = [(e[0], e[1], parents[e[0]] if len(e) == 2 else e[2]) for e in ECONOMIC]
    personnel, public = parents["301"] + parents["303"], parents["302"]
    r = 4
    for code, name, v in rows:
        kind = 4 if code[:3] in ("301", "303") else 5
        for c, value in ((1, code), (2, name), (3, float(v)), (kind, float(v))):
            ws.cell(r, c, value)
        r += 1
    for name, v, kind in (("人员经费合计", personnel, 4), ("公用经费合计", public, 5)):
        for c, value in ((2, name), (3, float(v)), (kind, float(v))):
            ws.cell(r, c, value)
        r += 1
    ws.cell(r, 1, "注：本表反映部门本年度一般公共预算财政拨款基本支出情况。")
    return wb


# ---------------------------------------------------------------- bad cases

def find(ws, text):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise KeyError(text)


def case_table_missing(path):
    wb = per_sheet()
    del wb["公开05表"]
    wb.save(path)


def case_header_shifted(path):
    wb = per_sheet()
    ws = wb["公开03表"]
    for rng in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(rng))
    ws.move_range("A3:H5", cols=1)
    wb.save(path)


def case_code_without_name(path):
    wb = per_sheet()
    find(wb["公开03表"], "行政运行").value = None
    wb.save(path)


def case_xiang_under_wrong_lei(path):
    wb = per_sheet()
    find(wb["公开03表"], "2210201").value = "2080599"
    wb.save(path)


def case_kuan_without_its_lei(path):
    wb = per_sheet()
    ws = wb["公开02表"]
    ws.delete_rows(find(ws, "221").row)
    wb.save(path)


def case_text_in_amount(path):
    wb = per_sheet()
    ws = wb["公开03表"]
    ws.cell(find(ws, "2013201").row, 4).value = "约1100"
    wb.save(path)


def case_total_does_not_add_up(path):
    wb = per_sheet()
    ws = wb["公开02表"]
    r = find(ws, "合计").row
    for c in (3, 4):  # 本年收入合计 and 财政拨款收入 both, so that the row itself still ties out
        ws.cell(r, c).value = ws.cell(r, c).value + 1
    wb.save(path)


def case_row_total_does_not_add_up(path):
    wb = per_sheet()
    ws = wb["公开05表"]
    ws.cell(find(ws, "2013202").row, 3).value = 20.26
    wb.save(path)


def case_same_table_twice(path):
    wb = per_sheet()
    copy_ws = wb.copy_worksheet(wb["公开03表"])
    copy_ws.title = "支出表（修改）"
    wb.save(path)


def case_hidden_sheet_old_table(path):
    # The only 03 is on a hidden sheet: the import must say the table is missing, not read last year's.
    wb = per_sheet()
    wb["公开03表"].sheet_state = "hidden"
    wb.save(path)


def case_formula_without_value(path):
    wb = per_sheet()
    ws = wb["公开03表"]
    r = find(ws, "2013201").row
    ws.cell(r, 3).value = f"=D{r}+E{r}"  # openpyxl writes the formula, never its value
    wb.save(path)


def case_three_decimals(path):
    wb = per_sheet()
    ws = wb["公开06表"]
    ws.cell(find(ws, "30101").row, 3).value = 1000.005
    wb.save(path)


def case_negative_amount(path):
    wb = per_sheet()
    ws = wb["公开07表"]
    ws["B7"] = -3.6
    wb.save(path)


def case_duplicate_code(path):
    wb = per_sheet()
    ws = wb["公开05表"]
    r = find(ws, "2210201").row
    ws.insert_rows(r + 1)
    for c in range(1, 6):
        ws.cell(r + 1, c).value = ws.cell(r, c).value
    wb.save(path)


def case_unknown_line(path):
    wb = per_sheet()
    find(wb["公开01表"], "四、上级补助收入").value = "四、上级拨款"
    ws = wb["公开01表"]
    ws.cell(find(ws, "四、上级拨款").row, 2).value = 1.0
    wb.save(path)


def case_personnel_total(path):
    wb = per_sheet()
    ws = wb["公开06表"]
    ws.cell(find(ws, "人员经费合计").row, 3).value = 1112.95
    wb.save(path)


def case_economic_split_not_by_class(path):
    # 办公费 (30201, of 302 商品和服务支出) under 人员经费: its row still adds up, the class says 公用经费.
    wb = with_06_by_kind()
    ws = wb["公开06表"]
    r = find(ws, "30201").row
    ws.cell(r, 4).value, ws.cell(r, 5).value = 20.0, None
    wb.save(path)


# Between tables: one figure that two tables both print differs, each table still tying out on its own.

def _add(ws, row, col, amount):
    cell = ws.cell(row, col)
    cell.value = float(D(str(cell.value or 0)) + D(amount))


def case_income_differs_from_02(path):
    # 01 says 事业收入 1.00 (its totals and 年末 follow); 02 has none. 本年收入合计 differs too, but that is
    # the same mistake: said once, on 事业收入.
    wb = per_sheet()
    ws = wb["公开01表"]
    _add(ws, find(ws, "五、事业收入").row, 2, "1.00")
    _add(ws, find(ws, "本年收入合计").row, 2, "1.00")
    _add(ws, find(ws, "年末结转和结余").row, 4, "1.00")
    for cell in (c for row in ws.iter_rows() for c in row if c.value == "总计"):
        _add(ws, cell.row, cell.column + 1, "1.00")
    wb.save(path)


def case_class_differs_from_03(path):
    # 01's 社会保障和就业支出 1.00 more than 03's class 208 (01's 本年支出合计 and 年末 follow).
    wb = per_sheet()
    ws = wb["公开01表"]
    _add(ws, find(ws, "八、社会保障和就业支出").row, 4, "1.00")
    _add(ws, find(ws, "本年支出合计").row, 4, "1.00")
    _add(ws, find(ws, "年末结转和结余").row, 4, "-1.00")
    wb.save(path)


def case_general_budget_differs_from_05(path):
    # 05's 项目支出 of 2013202 1.00 more, carried up through 20132, 201 and 合计: 05 ties out, 04 differs.
    wb = per_sheet()
    ws = wb["公开05表"]
    for key in ("2013202", "20132", "201", "合计"):
        for col in (3, 5):  # 小计, 项目支出
            _add(ws, find(ws, key).row, col, "1.00")
    wb.save(path)


def case_basic_differs_from_06(path):
    # 06's 基本工资 1.00 more, carried into 301 and 人员经费合计: 06 ties out, 05's 基本支出 differs.
    wb = per_sheet()
    ws = wb["公开06表"]
    for key in ("30101", "301", "人员经费合计"):
        _add(ws, find(ws, key).row, 3, "1.00")
    wb.save(path)


def case_csv_renamed(path):
    path.write_text("项目,本年支出合计\n合计,1234.50\n", encoding="utf-8")


def case_corrupt(path):
    per_sheet().save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def case_encrypted(path):
    path.write_bytes(encrypted_container())


def encrypted_container() -> bytes:
    """What Excel writes for a workbook saved with a password, reduced to its structure.

    An OLE2 compound file (MS-CFB, 512-byte sectors) holding the streams EncryptionInfo and
    EncryptedPackage (MS-OFFCRYPTO); their content here is filler, since no reader gets that far.
    Sector 0: FAT; 1: directory; 2–9: EncryptedPackage (4096 bytes, so in the FAT, not the mini stream);
    10–17: EncryptionInfo.
    """
    sector = 512
    package = bytes(range(256)) * 16
    info = b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"\x00" * (4096 - 8)
    fat = [0xFFFFFFFD, 0xFFFFFFFE] + list(range(3, 10)) + [0xFFFFFFFE] + list(range(11, 18)) + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))
    header = (bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0))
    header += struct.pack("<I", 0) + struct.pack("<I", 0xFFFFFFFF) * 108

    def entry(name, kind, start, size, child=0xFFFFFFFF, left=0xFFFFFFFF, right=0xFFFFFFFF):
        raw = (name + "\x00").encode("utf-16-le")
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", left, right, child) + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
                + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)
                 + entry("EncryptedPackage", 2, 2, len(package), right=2)
                 + entry("EncryptionInfo", 2, 10, len(info)))
    directory = directory.ljust(sector, b"\x00")
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + package + info


CASES = {
    "table_missing": (case_table_missing, "缺 公开05表"),
    "header_shifted": (case_header_shifted, "表头与数据是否错位一列"),
    "code_without_name": (case_code_without_name, "公开03表!B9（公开03表 科目名称）：应为科目 2013201 的名称"),
    "xiang_under_wrong_lei": (case_xiang_under_wrong_lei, "应为项 2080599 列在款 20805 之下"),
    "kuan_without_its_lei": (case_kuan_without_its_lei, "应为款 22102 所属的类 221 也在表中"),
    "text_in_amount": (case_text_in_amount, "公开03表!D9（公开03表 基本支出）：应为金额"),
    "total_does_not_add_up": (case_total_does_not_add_up, "公开02表!C6、D6（公开02表 合计 本年收入合计、财政拨款收入）：应为各类之和 = 1168.19、1168.19，实为 '1169.19、1169.19'"),
    "row_total_does_not_add_up": (case_row_total_does_not_add_up, "（公开05表 一般行政管理事务 合计）：应为基本支出+项目支出 = 20.25"),
    "same_table_twice": (case_same_table_twice, "公开03表（支出决算表）只出现一次"),
    "hidden_sheet_old_table": (case_hidden_sheet_old_table, "缺 公开03表（支出决算表）（隐藏的工作表“公开03表”未读取）"),
    "formula_without_value": (case_formula_without_value, "公开03表!C9（公式）：应为公式已计算的值"),
    "three_decimals": (case_three_decimals, "公开06表!C6（公开06表 决算数）：应为最多两位小数"),
    "negative_amount": (case_negative_amount, "公开07表!B7（公开07表 合计决算数）：应为不小于 0 的金额"),
    "duplicate_code": (case_duplicate_code, "应为科目 2210201 只列一次"),
    "unknown_line": (case_unknown_line, "实为 '四、上级拨款'"),
    "personnel_total_does_not_add_up": (case_personnel_total, "（公开06表 人员经费合计）：应为301+303 = 1112.94"),
    "economic_split_not_by_class": (case_economic_split_not_by_class, "公开06表!D10（公开06表 办公费 人员经费）：应为0（302、310 等其余各类为公用经费），实为 '20.00'"),
    "income_differs_from_02": (case_income_differs_from_02, "公开01表!B9 与 公开02表!F6（公开01表 五、事业收入 决算数 与 公开02表 合计 事业收入）：应为两表相同，实为 '1.00 与 0.00'"),
    "class_differs_from_03": (case_class_differs_from_03, "公开01表!D12 与 公开03表!C11（公开01表 八、社会保障和就业支出 决算数 与 公开03表 社会保障和就业支出 本年支出合计）：应为两表相同，实为 '31.10 与 30.10'"),
    "general_budget_differs_from_05": (case_general_budget_differs_from_05, "公开04表!E5 与 公开05表!C7（公开04表 一、一般公共服务支出 一般公共预算财政拨款 与 公开05表 一般公共服务支出 合计）：应为两表相同，实为 '1120.75 与 1121.75'"),
    "basic_differs_from_06": (case_basic_differs_from_06, "公开06表!C10+F10 与 公开05表!D6（公开06表 人员经费合计+公用经费合计 与 公开05表 合计 基本支出）：应为两表相同，实为 '1143.94 与 1142.94'"),
    "csv_renamed": (case_csv_renamed, "实为 '文本文件（如 CSV 改了扩展名）'"),
    "corrupt": (case_corrupt, "应为完好的 .xlsx 工作簿"),
    "encrypted": (case_encrypted, "应为未加密的工作簿"),
}


def case_error_value(path):
    # Only as .xls: LibreOffice computes the formula on converting and stores its value, #DIV/0!.
    wb = per_sheet()
    wb["公开03表"]["D9"] = "=1/0"
    wb.save(path)


# The .xls fixtures in xls/: name -> what writes its .xlsx before LibreOffice converts it.
XLS_SOURCES = {
    "good_per_sheet": lambda path: per_sheet().save(path),     # merged two- and three-row headers
    "good_one_sheet": lambda path: one_sheet().save(path),     # a hidden sheet with last year's 03
    "hidden_sheet_old_table": case_hidden_sheet_old_table,     # the only 03 on a hidden sheet
    "error_value": case_error_value,                           # #DIV/0! where 03 has an amount
}


def make_xls() -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("soffice not found: apt-get install --no-install-recommends libreoffice-calc")
    out = HERE / "xls"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        sources = []
        for name, make in XLS_SOURCES.items():
            make(Path(tmp) / f"{name}.xlsx")
            sources.append(str(Path(tmp) / f"{name}.xlsx"))
        # A profile of its own, so that a running LibreOffice (or its lock) does not swallow the job.
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                        "--convert-to", "xls", "--outdir", str(out), *sources], check=True)
    print(f"{len(XLS_SOURCES)} .xls workbooks in {out}", file=sys.stderr)


def main(argv: list[str]) -> None:
    if argv == ["--xls"]:
        make_xls()
        return
    good = {"good_per_sheet": per_sheet, "good_one_sheet": one_sheet, "good_06_by_kind": with_06_by_kind}
    unknown = set(argv) - set(CASES) - set(good)
    if unknown:
        sys.exit(f"unknown cases: {sorted(unknown)}")
    wanted = set(argv) or {*CASES, *good}
    for name, make in good.items():
        if name in wanted:
            make().save(HERE / f"{name}.xlsx")
    lines = []
    for name, (make, fragment) in CASES.items():
        if name in wanted:
            make(HERE / f"{name}.xlsx")
        lines.append(f"{name}\t{fragment}")
    (HERE / "expected.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(wanted)} workbooks made in {HERE}; expected.tsv lists {len(CASES)} bad ones", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
