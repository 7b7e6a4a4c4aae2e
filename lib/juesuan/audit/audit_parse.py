"""Reading a published report as the audit sees it: lines, numbers, headings, sections.

A published text comes as typed in Word and exported: stray spaces, ideographic
spaces, half-width punctuation, `[bookmark: …]` and `[image: ]` markers. Each
line is normalised (markers and whitespace dropped, `: ; ( ) ,` made full
width except the thousands comma inside a number) and keeps a map back to the
characters of the original line, so a finding quotes the text as published.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from juesuan.data.formatting import chinese_numeral  # noqa: F401 -- the heading numbers' one writer, read back here

MARKER = re.compile(r"\[bookmark: [^\]]*\]|\[image: \]")
WHITESPACE = set(" \t\r\n\u3000\u00a0\u2002\u2003\u200b\ufeff")
HALF_TO_FULL = {":": "：", ";": "；", "(": "（", ")": "）", ",": "，"}

# A number as reports write it: 1,848.7  1848.48  0.22  100
NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
NUMBER = re.compile(rf"(?<![\d.,])(?:{NUM})(?![\d])")

CN_DIGITS = "〇一二三四五六七八九"
# Heading or list numbers at the start of a line, from the widest level to the narrowest.
HEADING_NUMBER = re.compile(
    r"^(第[一二三四五六七八九十\d]+部分|[一二三四五六七八九十]+、|\d+、|\d+\.(?!\d)|（\d+）|"
    r"（[一二三四五六七八九十]+）)")
PART_KEYS = (("部门概况", 1), ("决算情况说明", 2), ("名词解释", 3), ("附件", 4))


def numeral_value(text: str) -> int | None:
    """'12' -> 12, '十二' -> 12, '二十一' -> 21."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in CN_DIGITS + "十" for c in text):
        return None
    if "十" not in text:
        return CN_DIGITS.index(text) if len(text) == 1 else None
    tens, _, units = text.partition("十")
    return (CN_DIGITS.index(tens) if tens else 1) * 10 + (CN_DIGITS.index(units) if units else 0)


def parse_number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def normalise(raw: str) -> tuple[str, list[int]]:
    """The line as compared, and for each of its characters the index in `raw`."""
    removed = set()
    for m in MARKER.finditer(raw):
        removed.update(range(*m.span()))
    where = [i for i, ch in enumerate(raw) if ch not in WHITESPACE and i not in removed]
    out = [raw[i] for i in where]
    for k, ch in enumerate(out):
        if ch in HALF_TO_FULL:
            if ch == "," and k and out[k - 1].isdigit() and re.match(r"\d{3}(?!\d)", "".join(out[k + 1:k + 5])):
                continue  # the thousands comma of a number
            out[k] = HALF_TO_FULL[ch]
    return "".join(out), where


def normalise_text(text: str) -> str:
    return normalise(text)[0]


@dataclass
class Line:
    number: int            # 1-based line of the input
    raw: str
    text: str              # normalised
    where: list[int]       # text index -> raw index
    part: int | None = None
    section: str = ""
    heading: tuple[str, str] | None = None   # (number as published, title) when the line is a heading
    claimed: list[tuple[int, int]] = field(default_factory=list)

    def original(self, start: int, end: int) -> str:
        """The published characters behind text[start:end]."""
        end = min(end, len(self.where))
        if start >= end or not self.where:
            return ""
        return MARKER.sub("", self.raw[self.where[start]:self.where[end - 1] + 1]).strip()

    def claim(self, start: int, end: int) -> None:
        self.claimed.append((start, end))

    def is_claimed(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.claimed)


def read_lines(text: str) -> list[Line]:
    lines = []
    for i, raw in enumerate(text.splitlines(), start=1):
        norm, where = normalise(raw)
        lines.append(Line(i, raw, norm, where))
    return lines


def split_heading(text: str) -> tuple[str, str] | None:
    """'一、收入决算情况说明' -> ('一、', '收入决算情况说明'); None for a line without a leading number."""
    match = HEADING_NUMBER.match(text)
    if not match or match.end() == len(text):
        return None
    return match.group(1), text[match.end():]


def part_of(title: str) -> int | None:
    for word, key in PART_KEYS:
        if word in title:
            return key
    return None


def heading_level(number: str) -> int:
    """0 第X部分, 1 一、, 2 （一）, 3 1. or 1、, 4 （1）."""
    if number.startswith("第"):
        return 0
    if number.endswith("、") and not number[0].isdigit():
        return 1
    if number.startswith("（") and not number[1].isdigit():
        return 2
    if number[0].isdigit():
        return 3
    return 4


def number_in_heading(number: str) -> int | None:
    core = number.strip("第部分、.（）")
    return numeral_value(core)


def renumber(number: str, value: int) -> str:
    """The same style of heading number, with another value: ('（3）', 2) -> '（2）'."""
    if number.startswith("第"):
        inner = number[1:-2]
        return f"第{value if inner.isdigit() else chinese_numeral(value)}部分"
    core = number.strip("、.（）")
    new = str(value) if core.isdigit() else chinese_numeral(value)
    return number.replace(core, new, 1)


def numbers_in(text: str) -> list[re.Match]:
    return list(NUMBER.finditer(text))
