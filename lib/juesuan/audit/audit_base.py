"""What an audit finds, and how its findings are written out."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass


SEVERITIES = ("error", "warning", "note")


# The severities as the text output and the summary name them (the JSON keeps the identifiers).
SEVERITY_WORDS = {"error": "错误", "warning": "警告", "note": "提示"}


# 规则 as the report's appendix names them.
RULE_LABELS = {
    "amount": "金额", "share": "占比", "completion": "完成预算", "change": "变动额", "change_rate": "变动率",
    "count": "数量", "year": "年度", "sum": "合计不等于各项之和", "restated": "同一数字前后不一致",
    "unit": "缺少单位", "number_format": "数字格式", "numbering": "标题序号", "chart": "图序", "name": "名称",
    "number": "数字", "wording": "文字与模板不同", "missing": "缺少的句子", "half_width": "半角标点",
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
