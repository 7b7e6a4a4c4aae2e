"""Put the report's own font inside the HTML, cut down to the characters the page uses.

A reviewer's machine may have no Chinese font, or another one; an embedded
subset of the bundled Noto Sans CJK SC makes every page the project writes
(each report and the year's index) look the same everywhere, offline. A page
uses some hundreds of characters, so its subset is about 150 KB.

The subset is made by HarfBuzz's subsetter (``uharfbuzz``): about 0.01 s for a
report, against 0.4-2 s with fontTools, with the same glyphs. It keeps the
source font's ``head.modified``, so the same page always embeds the same
bytes (fontTools stamped each subset with the time it was made).
"""
from __future__ import annotations

import base64
import functools
import html
import io
import re
import threading
import unicodedata

import uharfbuzz as hb

from juesuan.report.charts import FONT_PATH

FAMILY = "Juesuan Sans SC"
_MARKUP = re.compile(r"<(style|script)\b[^>]*>.*?</\1>|<[^>]+>", re.S | re.I)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S | re.I)
# CSS generated content (the index's sort arrows ▲▼) is drawn in the page's font too.
_CSS_CONTENT = re.compile(r"""content\s*:\s*(?:"([^"]*)"|'([^']*)')""")
# Horizontal text needs no OpenType layout; vertical metrics are for vertical text.
_DROPPED_TABLES = ("GSUB", "GPOS", "GDEF", "VORG", "vhea", "vmtx")


@functools.lru_cache(maxsize=1)
def _font_bytes() -> bytes:
    return FONT_PATH.read_bytes()


@functools.lru_cache(maxsize=1)
def _face() -> hb.Face:
    # Parsed once per process: a warm kernel or worker subsets many pages from it.
    return hb.Face(hb.Blob(_font_bytes()))


def page_characters(page: str) -> set[str]:
    """The characters a reader may see on the page: text, alt/title attributes, CSS ``content`` strings.

    Every space is kept, not only ASCII's: the 公开表 titles and indented rows
    use the ideographic space U+3000, which a fallback font the machine may
    not have would otherwise draw (as a box). Only control characters
    (line breaks, tabs), which are never drawn, are left out.
    """
    visible = html.unescape(_MARKUP.sub(" ", page))
    attributes = html.unescape(" ".join(re.findall(r'(?:alt|title)="([^"]*)"', page)))
    generated = " ".join(a or b for style in _STYLE.findall(page) for a, b in _CSS_CONTENT.findall(style))
    return {c for c in visible + attributes + generated if unicodedata.category(c) != "Cc"}


def font_subset(characters: set[str]) -> bytes:
    """An OpenType (CFF) font holding just these characters' glyphs, and .notdef."""
    subset_input = hb.SubsetInput()
    subset_input.unicode_set.update(ord(c) for c in characters)
    dropped = subset_input.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for tag in _DROPPED_TABLES:
        dropped.add(int.from_bytes(tag.encode("ascii"), "big"))
    subset_input.layout_feature_tag_set.clear()
    subset_input.flags = hb.SubsetFlags.NOTDEF_OUTLINE
    return hb.subset(_face(), subset_input).blob.data


def embed_font(page: str) -> str:
    """The page with an @font-face of its own characters, first in its font stack."""
    data = base64.b64encode(font_subset(page_characters(page))).decode("ascii")
    style = (f'<style id="juesuan-font">@font-face{{font-family:"{FAMILY}";'
             f'src:url(data:font/otf;base64,{data}) format("opentype");font-display:block}}'
             f'body{{font-family:"{FAMILY}","Noto Sans CJK SC","Source Han Sans SC","PingFang SC",'
             f'"Microsoft YaHei",sans-serif}}</style>')
    return page.replace("</head>", style + "\n</head>", 1)


# --------------------------------------------------------------------------
# The same subset with TrueType outlines, for the PDF

#: Each character's glyph with quadratic outlines, converted once per process: a worker's reports share most of
#: their characters, and the conversion (about 0.3 ms a glyph) is what a subset's TrueType copy costs.
_quadratic_glyphs: dict[str | None, object] = {}
_quadratic_lock = threading.Lock()
#: How far (in font units, of 1000 to the em) a converted curve may stray from the original: invisible at print sizes.
_CURVE_TOLERANCE = 1.0


def truetype_subset(characters: set[str]) -> bytes:
    """:func:`font_subset` with TrueType (quadratic) outlines instead of CFF ones.

    Chromium's PDF writer (Skia) embeds a TrueType font as a subset CID font
    but writes a CFF font's glyphs as Type 3 procedures: drawings, not a font
    a PDF reader can name, list or extract reliably. The bundled font is CFF,
    so the PDF is given this copy; the glyphs are the bundled font's, each
    curve converted within a thousandth of an em.
    """
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    # The bundled font's own date, not the time of the conversion: the same characters give the same bytes.
    font = TTFont(io.BytesIO(font_subset(characters)), recalcTimestamp=False)
    order = font.getGlyphOrder()
    names = {name: code for code, name in font.getBestCmap().items()}
    glyph_set = font.getGlyphSet()
    glyphs = {}
    with _quadratic_lock:
        for name in order:
            # By character, not by glyph name: HarfBuzz names a subset's glyphs after their place in it.
            key = chr(names[name]) if name in names else (None if name == ".notdef" else name)
            glyph = _quadratic_glyphs.get(key)
            if glyph is None:
                pen = TTGlyphPen(None)
                glyph_set[name].draw(Cu2QuPen(pen, _CURVE_TOLERANCE, reverse_direction=True))
                glyph = _quadratic_glyphs[key] = pen.glyph()
            glyphs[name] = glyph
    del font["CFF "]
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: a CID font has none worth keeping
    font.sfntVersion = "\x00\x01\x00\x00"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def embed_truetype_font(page: str, extra: str = "") -> str:
    """The page with an @font-face of its characters (and ``extra``'s) in TrueType outlines (:func:`truetype_subset`)."""
    data = base64.b64encode(truetype_subset(page_characters(page) | set(extra))).decode("ascii")
    style = (f'<style id="juesuan-font">@font-face{{font-family:"{FAMILY}";'
             f'src:url(data:font/ttf;base64,{data}) format("truetype");font-display:block}}'
             f'body{{font-family:"{FAMILY}",sans-serif}}</style>')
    return page.replace("</head>", style + "\n</head>", 1)
