"""What an audit finds, and the words and constants every part of the seed's audit shares."""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from functools import lru_cache

from juesuan.audit.audit_parse import heading_level, part_of, read_lines, split_heading
from juesuan.audit.audit_rules import _expand
from juesuan.report.narrative import markdown_to_text


SEVERITIES = ("error", "warning", "note")


# The severities as the text output and the summary name them (the JSON keeps the identifiers).
SEVERITY_WORDS = {"error": "错误", "warning": "警告", "note": "提示"}


VALUE_RULES = {"amount", "share", "completion", "change", "change_rate", "count", "year"}


SEPARATORS = "，。；：、（）“”"


YEAR_END_VEHICLES = "count:vehicles_held"


# 规则 as the report's appendix names them.
RULE_LABELS = {
    "amount": "金额", "share": "占比", "completion": "完成预算", "change": "变动额", "change_rate": "变动率",
    "direction": "变动方向", "budget_direction": "决算与预算比较", "count": "数量", "year": "年度",
    "sum": "合计不等于各项之和", "restated": "同一数字前后不一致", "residue": "模板残留", "unit": "缺少单位",
    "number_format": "数字格式", "numbering": "标题序号", "chart": "图序", "name": "名称", "unit_kinds": "单位类型",
    "unit_names": "单位名称", "omitted": "遗漏", "punctuation": "标点", "text_number": "文字中的数字",
    "no_figure": "数据中无此数", "number": "数字", "wording": "文字与模板不同", "missing": "缺少的句子",
    "half_width": "半角标点",
}


@dataclass
class Finding:
    line: int
    section: str
    published: str
    expected: str
    rule: str
    message: str
    severity: str = "error"
    figure: str = ""
    explained: str = ""  # "rounding": rounding of the amounts to the fen could explain it; "truncated": a truncated percentage

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Statement:
    """A number the text states, read as a quantity (what `juesuan extract` takes)."""

    line: int
    qkey: str
    value: object
    text: str
    part: int | None
    detail: dict | None = None


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(_expand(pattern))


def _ours_headings(report) -> dict[tuple[int | None, str], str]:
    """Heading numbers as the workbook's own report numbers them, by (part, title)."""
    cached = getattr(report, "_audit_headings", None)
    if cached is not None:
        return cached
    headings: dict[tuple[int | None, str], str] = {}
    part = None
    for line in read_lines(markdown_to_text(report.markdown())):
        split = split_heading(line.text)
        if not split:
            continue
        number, title = split
        if heading_level(number) == 0:
            part = part_of(title)
        headings.setdefault((part, title), number)
    report._audit_headings = headings
    return headings


def summary(findings: list[Finding]) -> str:
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    if not findings:
        return "未发现问题：公开文本与数据一致"
    return f"共发现{len(findings)}处问题：" + "，".join(f"{SEVERITY_WORDS[s]}{n}处" for s, n in counts.items())


def format_text(findings: list[Finding], source: str = "") -> str:
    lines = []
    for f in findings:
        where = f"{source}:{f.line}" if source else f"第{f.line}行"
        section = f"（{f.section}）" if f.section else ""
        lines.append(f"{where}：{SEVERITY_WORDS.get(f.severity, f.severity)}：{f.rule}{section}："
                     f"公开文本「{f.published}」，按数据应为「{f.expected}」——{f.message}")
    lines.append(summary(findings))
    return "\n".join(lines)


def format_json(findings: list[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2)
