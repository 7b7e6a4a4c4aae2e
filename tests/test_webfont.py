"""The embedded font subset: every character a page shows, the bundled font's own glyphs, the same bytes, fast."""
import base64
import io
import re
import time
from pathlib import Path

import pytest
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont

from juesuan.report.charts import FONT_PATH
from juesuan.build.export import write_index
from juesuan.report.report import load_report
from juesuan.build.webfont import FAMILY, embed_font, font_subset, page_characters

DATA = Path(__file__).resolve().parents[1] / "data"
EMBEDDED = re.compile(r'<style id="juesuan-font">@font-face\{font-family:"([^"]+)";src:url\(data:font/otf;base64,'
                      r'([A-Za-z0-9+/=]+)\)')


def embedded_font(page: str) -> TTFont:
    """The font a page embeds (there must be exactly one)."""
    found = EMBEDDED.findall(page)
    assert len(found) == 1, f"expected one embedded font, found {len(found)}"
    family, data = found[0]
    assert family == FAMILY
    return TTFont(io.BytesIO(base64.b64decode(data)))


def missing_characters(page: str) -> list[str]:
    """Characters of the page that its embedded font does not map, as 'U+XXXX x'."""
    cmap = embedded_font(page).getBestCmap()
    return [f"U+{ord(c):04X} {c}" for c in sorted(page_characters(page)) if ord(c) not in cmap]


@pytest.fixture(scope="module")
def source_font() -> TTFont:
    return TTFont(str(FONT_PATH), lazy=True)


@pytest.fixture(scope="module")
def report_characters() -> set[str]:
    report = load_report("pzh-swzzb", 2022, DATA)
    return {c for c in report.markdown() if c not in "\n\t\r"}


def test_page_characters_keep_every_space_and_generated_content():
    page = ('<html><head><style>th::after { content: " ▲"; } td::before{content:\'※\'}</style>'
            '<script>var x = "脚本";</script></head><body><h2>公开01表\u3000收入支出决算总表</h2>'
            '<p>a&nbsp;b\tc\n</p><img alt="图1：收入" src="data:,"></body></html>')
    chars = page_characters(page)
    for wanted in ("\u3000", "\u00a0", " ", "▲", "※", "公", "图", "："):
        assert wanted in chars, repr(wanted)
    for unwanted in ("\n", "\t", "脚", "{"):
        assert unwanted not in chars, repr(unwanted)


def test_the_subset_maps_every_character_to_the_bundled_fonts_own_glyph(source_font, report_characters):
    chars = report_characters | {"\u3000", "\u00a0", " ", "▲", "▼", "—", "…", "“", "”"}
    subset = TTFont(io.BytesIO(font_subset(chars)))
    cmap, source_cmap = subset.getBestCmap(), source_font.getBestCmap()
    assert sorted(chr(u) for u in set(map(ord, chars)) - set(cmap)) == []
    glyphs, source_glyphs = subset.getGlyphSet(), source_font.getGlyphSet()
    for c in sorted(chars):
        ours, theirs = cmap[ord(c)], source_cmap[ord(c)]
        assert subset["hmtx"][ours] == source_font["hmtx"][theirs], f"U+{ord(c):04X} {c}: advance differs"
        pen, source_pen = DecomposingRecordingPen(glyphs), DecomposingRecordingPen(source_glyphs)
        glyphs[ours].draw(pen)
        source_glyphs[theirs].draw(source_pen)
        assert pen.value == source_pen.value, f"U+{ord(c):04X} {c}: outline differs"
    # Nothing else: the characters asked for and .notdef.
    assert subset["maxp"].numGlyphs == len({cmap[ord(c)] for c in chars}) + 1


def test_the_subset_is_the_same_bytes_every_time(report_characters, source_font):
    first = font_subset(report_characters)
    assert font_subset(set(sorted(report_characters, reverse=True))) == first
    # No time of making in it: OpenType's head.modified is the bundled font's.
    assert TTFont(io.BytesIO(first))["head"].modified == source_font["head"].modified


def test_a_reports_subset_costs_under_50_ms(report_characters):
    font_subset(report_characters)  # the font file read and parsed once per process, as in a warm kernel
    best = min(_seconds(font_subset, report_characters) for _ in range(3))
    assert best <= 0.05, f"font subset of the seed report took {best:.3f} s"


def _seconds(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def test_embed_font_puts_one_font_first_in_the_stack():
    page = embed_font("<html><head><title>t</title></head><body><p>部门\u3000决算</p></body></html>")
    assert missing_characters(page) == []
    assert page.index('id="juesuan-font"') < page.index("</head>")
    assert f'body{{font-family:"{FAMILY}"' in page


def test_the_index_page_embeds_its_characters_too(tmp_path):
    page = write_index(tmp_path, 2022, [{"id": "pzh-swzzb", "name": "攀枝花市委组织部"},
                                        {"id": "bad-one", "name": "坏部门", "error": "DataError: 缺少 amounts.csv"}],
                       data_dir=DATA).read_text(encoding="utf-8")
    assert missing_characters(page) == []
    cmap = embedded_font(page).getBestCmap()
    for c in "攀枝花▲▼缺":  # a name, the sort arrows the stylesheet adds, an error's words
        assert ord(c) in cmap, c
