"""A published report as lines, read from its text or from its PDF, each line knowing where it stands.

An audit reports every finding at the place a reader can find it: the line of a text file, or the page
and the line on that page of a PDF. `read_source(path)` gives a `Source`: the report's lines, and, from a
PDF, each word with its horizontal position, so that a table's amounts can be put in their columns by
where they stand (`published_tables`).

A text file may carry the page breaks of the PDF it was extracted from (`=== PAGE 12 ===` lines, as the
shared sample has): lines after one are on that page. Bad input is refused in one line naming the file
and what was expected (a `DataError`): an empty file, a PDF without a text layer (scanned), an encrypted
PDF, a PDF longer than any final-accounts report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from juesuan.errors import DataError
from juesuan.data.loading import read_text_file

#: A final-accounts report runs to 20-60 pages; past this the file is something else (a whole year's
#: bulletin, a ledger) and reading every word of it would take minutes.
MAX_PDF_PAGES = 150

PAGE_MARK = re.compile(r"^=== PAGE (\d+) ===$")

#: Words on one PDF line: their tops differ by less than this (points); a table's cells on one row of a
#: table are printed on one baseline, a wrapped name's second line sits a line height (≥ 9 pt) below.
SAME_LINE_TOLERANCE = 3.0


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class SourceLine:
    """One line of the report: `number` counts from 1 through the whole text (or PDF), `page` and
    `page_line` (from 1) where the report has pages; `words` only from a PDF."""

    number: int
    text: str
    page: int | None = None
    page_line: int | None = None
    words: list[Word] | None = None

    @property
    def where(self) -> str:
        if self.words is not None and self.page is not None:
            return f"第{self.page}页第{self.page_line}行"
        return f"第{self.number}行"


@dataclass
class Source:
    path: Path
    lines: list[SourceLine] = field(default_factory=list)
    is_pdf: bool = False

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def read_source(path: str | Path) -> Source:
    """The report at `path` (.pdf, or text in UTF-8 or GBK) as located lines; a DataError when unreadable."""
    path = Path(path)
    if not path.exists():
        raise DataError(path, None, "published report", "已公开报告的文本文件（.txt）或 PDF", "文件不存在")
    if path.is_file() and path.read_bytes()[:5] == b"%PDF-":
        return _read_pdf(path)
    return _read_text(path)


def _read_text(path: Path) -> Source:
    text = read_text_file(path)
    if not text.strip():
        raise DataError(path, None, "published report", "已公开报告的文字", "空文件")
    if "\x00" in text:
        raise DataError(path, None, "published report", "已公开报告的文本文件（.txt）或 PDF", "二进制文件")
    source = Source(path)
    page, page_line = None, 0
    for number, raw in enumerate(text.splitlines(), start=1):
        mark = PAGE_MARK.match(raw.strip())
        if mark:
            page, page_line = int(mark.group(1)), 0
        else:
            page_line += 1
        source.lines.append(SourceLine(number, raw.strip(), page, page_line if page else None))
    return source


def _read_pdf(path: Path) -> Source:
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf first: it tells an encrypted or broken file, and the page count, without reading any page.
    try:
        reader = PdfReader(path)
        encrypted = reader.is_encrypted
        if encrypted and reader.decrypt("") == 0:
            raise DataError(path, None, "PDF", "未加密的 PDF（请提供无密码的文件）", "已加密，需要密码")
        pages = len(reader.pages)
    except (PdfReadError, OSError, ValueError) as exc:
        raise DataError(path, None, "PDF", "完好的 PDF 文件", f"无法读取（{type(exc).__name__}）") from None
    if pages > MAX_PDF_PAGES:
        raise DataError(path, None, "PDF", f"不超过 {MAX_PDF_PAGES} 页的部门决算报告", f"{pages}页")
    source = Source(path, is_pdf=True)
    number = 0
    try:
        with pdfplumber.open(path) as pdf:
            for page_number, page in enumerate(pdf.pages, start=1):
                for page_line, words in enumerate(_page_lines(page), start=1):
                    number += 1
                    source.lines.append(SourceLine(number, " ".join(w.text for w in words), page_number,
                                                   page_line, words))
    except (PdfminerException, ValueError, KeyError) as exc:  # pdfplumber wraps pdfminer's own errors
        raise DataError(path, None, "PDF", "完好的 PDF 文件", f"无法读取（{type(exc).__name__}）") from None
    if not any(line.text.strip() for line in source.lines):
        raise DataError(path, None, "PDF", "带文字层的 PDF（扫描件须先做文字识别）",
                        f"{pages}页中没有一个文字（扫描的图片？）")
    return source


def _page_lines(page) -> list[list[Word]]:
    """The page's words grouped into lines by their top, each line's words left to right."""
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5)
    lines: list[tuple[float, list[Word]]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        word = Word(w["text"], float(w["x0"]), float(w["x1"]))
        if lines and abs(lines[-1][0] - w["top"]) < SAME_LINE_TOLERANCE:
            lines[-1][1].append(word)
        else:
            lines.append((w["top"], [word]))
    return [sorted(ws, key=lambda w: w.x0) for _, ws in lines]


#: The report's year as its title and headings state it (2025 年度部门决算, 2025 年度部门决算表).
STATED_YEAR = re.compile(r"((?:19|20)\d\d)年度?部门决算")


def stated_year(text: str) -> int | None:
    """The year a report states in its title and headings (the one stated most often), None if none."""
    found = [int(m.group(1)) for m in STATED_YEAR.finditer(re.sub(r"\s+", "", text))]
    return max(set(found), key=found.count) if found else None


def recognise_template(source: Source) -> str | None:
    """national or sichuan, from the part headings the report prints; None when it is neither."""
    headings = [re.sub(r"\[bookmark:[^\]]*\]|\s", "", ln.text) for ln in source.lines]
    part = {}
    for text in headings:
        m = re.match(r"^第([一二三四2-4])部分(.*)", text)
        if m:
            part.setdefault({"一": 1, "二": 2, "三": 3, "四": 4}.get(m.group(1), int(m.group(1)) if m.group(1).isdigit()
                                                                   else 0), m.group(2))
    if "决算表" in part.get(2, "") or "决算情况说明" in part.get(3, ""):
        return "national"
    if "决算情况说明" in part.get(2, ""):
        return "sichuan"
    return None
