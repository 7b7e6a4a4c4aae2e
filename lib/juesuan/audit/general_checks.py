"""What a published text is held to beside its template's sentences: checks that are no template's wording.

* Chart captions, `（图N：caption）（柱状图）` as a PDF's text gives them, against the manifest's `charts`
  (the caption of number N, the kind drawn) and in sequence.
* Shares of one whole (the percentages whose operands are parts of the same whole, as a rendering with
  sources tags them) adding up to 100%, within what rounding each share to two decimals allows.

Heading numbers are compared where the template's sentences are (template_audit: a heading number is one of
a sentence's variable parts).
"""
from __future__ import annotations

import re
from decimal import Decimal

from juesuan.audit.audit_base import Finding
from juesuan.data.money import HUNDRED

_CAPTION = re.compile(r"[（(]图(\d+)[：:](.+?)[）)](?:[（(](.{1,6}?图)[）)])?")
#: How a caption names the kind of chart (the manifest's `kind`).
CHART_KIND_WORDS = {"change_bars": "柱状图", "structure_pie": "饼状图", "trend": "折线图"}
#: How far a rounded share may be from its exact value.
HALF_HUNDREDTH = Decimal("0.005")


def is_chart_caption(line: str) -> bool:
    """A line (whitespace removed) that is only a chart's caption."""
    return _CAPTION.fullmatch(line) is not None


def chart_caption_findings(captions: list[tuple[int, str]], template) -> list[Finding]:
    """Each caption line against the chart of its number in the manifest, numbers in sequence."""
    out, previous = [], 0
    for line, text in captions:
        match = _CAPTION.fullmatch(text)
        number, caption, kind = int(match.group(1)), match.group(2), match.group(3)
        chart = template.charts.get(number)
        if number != previous + 1:
            out.append(Finding(line, "", text, f"图{previous + 1}", "chart", f"图序不连续：图{previous}之后是图{number}",
                               "warning"))
        previous = number
        if chart is None:
            out.append(Finding(line, "", text, "", "chart", f"模板没有图{number}", "warning"))
            continue
        if caption != chart.caption:
            out.append(Finding(line, "", caption, chart.caption, "chart", f"图{number}的标题与模板不同", "warning"))
        word = CHART_KIND_WORDS.get(chart.kind)
        if kind and word and kind != word:
            out.append(Finding(line, "", kind, word, "chart", f"图{number}的类型与模板不同", "warning"))
    return out


class ShareSums:
    """The published shares of one whole, in one section, added up (a share's operands: part, whole)."""

    def __init__(self):
        self._groups: dict[tuple, list] = {}

    def add(self, section: str, source: tuple, published: Decimal | None, line: int, shown: str) -> None:
        self._groups.setdefault((section, repr(source[3])), []).append((source, published, line, shown))

    def findings(self) -> list[Finding]:
        out = []
        for (section, _), shares in self._groups.items():
            if len(shares) < 2 or any(p is None for _, p, _, _ in shares):
                continue
            parts = [_amount(source[2]) for source, _, _, _ in shares]
            whole = _amount(shares[0][0][3])
            if None in parts or not whole or sum(parts) != whole:
                continue  # not the parts of the whole: shares that need not add up to 100%
            total = sum(p for _, p, _, _ in shares)
            if abs(total - HUNDRED) > HALF_HUNDREDTH * len(shares):
                written = " + ".join(f"{p}%" for _, p, _, _ in shares)
                out.append(Finding(shares[-1][2], section, f"{written} = {total}%", "100%", "sum",
                                   f"同一总数的各项占比相加应为100%，公开文本为{total}%", "error"))
        return out


def _amount(source) -> Decimal | None:
    if source and source[0] == "value":
        return Decimal(source[1])
    return None
