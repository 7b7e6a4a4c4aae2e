"""Reading the published report (the seed) and our own report as comparable plain text."""
from __future__ import annotations

import re
from pathlib import Path

from juesuan.report.narrative import markdown_to_text  # noqa: F401  (the tests read our report as text through it)

# The published report, committed beside its figures: the repository needs nothing outside itself.
SEED = Path(__file__).resolve().parents[1] / "data" / "2022" / "published" / "pzh-swzzb.txt"

BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
CHART_CAPTION = re.compile(r"^（图(\d+)：(.+?)）（(柱状图|饼状图)）$")
HEADING_NUMBER = re.compile(
    r"^(第[一二三四五六七八九十\d]+部分|[一二三四五六七八九十]+、|\d+、|\d+\.|\d+\)、|（\d+）|\(\d+\)|"
    r"（[一二三四五六七八九十]+）)\s*")
HALF_TO_FULL = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})


def seed_path() -> Path:
    """The seed department's published 2022 report, as committed in data/."""
    return SEED


def normalise(line: str) -> str:
    """Same words, whatever the whitespace, punctuation width or heading number."""
    line = re.sub(r"\s+", "", line.replace("\u3000", " "))
    line = line.translate(HALF_TO_FULL)
    return HEADING_NUMBER.sub("", line)


def seed_lines() -> list[str]:
    lines = []
    for raw in seed_path().read_text(encoding="utf-8").splitlines():
        line = BOOKMARK.sub("", raw).replace("[image: ]", "").strip(" \u3000\t")
        if line:
            lines.append(line)
    return lines


def chart_captions(lines: list[str]) -> dict[int, tuple[str, str]]:
    found = {}
    for line in lines:
        match = CHART_CAPTION.match(line)
        if match:
            found[int(match.group(1))] = (match.group(2), match.group(3))
    return found


def sentences(line: str) -> list[str]:
    """A line cut after each 。, the unit the fidelity test compares."""
    return [s for s in re.split(r"(?<=。)", normalise(line)) if s]
