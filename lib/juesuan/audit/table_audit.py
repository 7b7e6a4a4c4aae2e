"""The published tables held against themselves and each other, with no data: each a Finding at its line.

The rules are the workbook reader's (`workbook.published_defects`: each row's total = Σ its columns,
合计 = Σ类, 类 = Σ款 = Σ项, 06's 人员经费/公用经费 = 301+303 / 302+310, 07's 合计 = its items, 01 = 02 = 03,
01 = 04, 04 = 05/08/09, 06 = 05's 基本支出), in exact Decimal. A sum that misses by no more than the rounding
of the figures it adds (`money.rounding_residue`: half a fen for each printed part and for the total) is a
note giving that range, not an error: the department's software rounded each cell from 元.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from juesuan.audit.audit_base import Finding
from juesuan.data.money import rounding_residue
from juesuan.audit.published_tables import TablesRead
from juesuan.data.workbook import published_defects

CELL = re.compile(r"公开(\d\d)表!((?:[A-Z]+\d+)(?:[、+][A-Z]+\d+)*)")
ONE_CELL = re.compile(r"([A-Z]+)(\d+)")


@dataclass(frozen=True)
class Check:
    name: str
    #: the tables it needs, all of them (`any_of`: one of them is enough)
    tables: tuple[str, ...]
    any_of: bool = False


CHECKS = (
    Check("各表合计与各行（合计 = Σ类 = Σ款 = Σ项，每行合计 = Σ各栏）", ("02", "03", "05", "08", "09"), any_of=True),
    Check("表01、表04 两方的合计与总计", ("01", "04"), any_of=True),
    Check("表06 人员经费 = 301 + 303，公用经费 = 302 + 310 等", ("06",)),
    Check("表07 “三公”合计 = 三项，公务用车小计 = 购置 + 运行维护", ("07",)),
    Check("表01 与表02（收入）", ("01", "02")),
    Check("表01 与表03（支出）", ("01", "03")),
    Check("表01 与表04（财政拨款收入）", ("01", "04")),
    Check("表04 与表05（一般公共预算财政拨款支出）", ("04", "05")),
    Check("表04 与表08（政府性基金）", ("04", "08")),
    Check("表04 与表09（国有资本经营）", ("04", "09")),
    Check("表06 与表05（基本支出 = 人员经费 + 公用经费）", ("06", "05")),
)


def checks_run(tables: TablesRead) -> tuple[list[str], list[str]]:
    """The checks whose tables the report prints, and the others, each with why it could not run."""
    ran, not_run = [], []
    for check in CHECKS:
        present = [t for t in check.tables if t in tables.tables]
        if (present if check.any_of else len(present) == len(check.tables)):
            ran.append(check.name)
        else:
            missing = "、".join(f"表{t}" for t in check.tables if t not in tables.tables)
            not_run.append(f"{check.name}：报告中没有可读的{missing}")
    return ran, not_run


def audit_tables(tables: TablesRead) -> list[Finding]:
    """Every sum the report's tables print that does not hold, at the line (or page and line) it is on."""
    findings = []
    for defect in published_defects(tables.tables, "公开表"):
        line = first_line(tables, defect.field)
        where = _located(tables, defect.field)
        rounding = getattr(defect, "rounding", None)
        severity, explained, message = "error", "", f"{where}：应为{defect.expected}，表中为 {defect.got}"
        if rounding is not None:
            difference, parts = rounding
            bound = rounding_residue(parts)
            if difference <= bound:
                severity, explained = "note", "rounding"
                message += (f"；差 {difference}，在尾差之内：{parts}个数与合计各自四舍五入到分，"
                            f"至多差 0.005×({parts}+1) = {bound}")
        findings.append(Finding(line.number if line else 0, line.where if line else "", str(defect.got),
                                defect.expected, "table_sum", message, severity, explained=explained))
    findings.sort(key=lambda f: f.line)
    return findings


def _cells(tables: TablesRead, text: str):
    for match in CELL.finditer(text):
        for cell in re.split(r"[、+]", match.group(2)):
            column, row = ONE_CELL.fullmatch(cell).groups()
            yield match, tables.where(match.group(1), int(row))


def first_line(tables: TablesRead, text: str):
    """The located line of the first cell that `text` (a field or cell name: 公开07表!C8) names, or None."""
    return next((line for _, line in _cells(tables, text) if line is not None), None)


def _located(tables: TablesRead, text: str) -> str:
    """A defect's cells (公开02表!C7、D7) as the report's lines (公开02表 第134行)."""
    def replace(match: re.Match) -> str:
        lines = []
        for cell in re.split(r"[、+]", match.group(2)):
            line = tables.where(match.group(1), int(ONE_CELL.fullmatch(cell).group(2)))
            where = line.where if line is not None else cell
            if where not in lines:
                lines.append(where)
        return f"公开{match.group(1)}表 " + "、".join(lines)

    return CELL.sub(replace, text)
