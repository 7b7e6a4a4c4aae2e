"""Put the report's own font inside the HTML, cut down to the characters the page uses.

A reviewer's machine may have no Chinese font, or another one; an embedded
subset of the bundled Noto Sans CJK SC makes every report look the same
everywhere, offline. A page uses some hundreds of characters, so its subset
is about 150 KB.
"""
from __future__ import annotations

import base64
import functools
import html
import io
import re

from fontTools import subset
from fontTools.ttLib import TTFont

from .charts import FONT_PATH

FAMILY = "Juesuan Sans SC"
_MARKUP = re.compile(r"<(style|script)\b[^>]*>.*?</\1>|<[^>]+>", re.S | re.I)
_DATA_URI = re.compile(r"data:[^\"')\s]+")


@functools.lru_cache(maxsize=1)
def _font_bytes() -> bytes:
    return FONT_PATH.read_bytes()


def page_characters(page: str) -> set[str]:
    """The characters a reader sees on the page (text and attribute values such as alt)."""
    visible = html.unescape(_MARKUP.sub(" ", page))
    attributes = html.unescape(" ".join(re.findall(r'(?:alt|title)="([^"]*)"', page)))
    return {c for c in visible + attributes if not c.isspace() or c == "\u3000"}  # 　 indents table rows: a glyph of its own


def font_subset(characters: set[str]) -> bytes:
    """An OpenType font holding just these characters' glyphs."""
    font = TTFont(io.BytesIO(_font_bytes()), lazy=True)
    options = subset.Options()
    options.layout_features = []  # horizontal text needs no OpenType features
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "VORG", "vhea", "vmtx"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in characters))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def embed_font(page: str) -> str:
    """The page with an @font-face of its own characters, first in its font stack."""
    data = base64.b64encode(font_subset(page_characters(page))).decode("ascii")
    style = (f'<style id="juesuan-font">@font-face{{font-family:"{FAMILY}";'
             f'src:url(data:font/otf;base64,{data}) format("opentype");font-display:block}}'
             f'body{{font-family:"{FAMILY}","Noto Sans CJK SC","Source Han Sans SC","PingFang SC",'
             f'"Microsoft YaHei",sans-serif}}</style>')
    return page.replace("</head>", style + "\n</head>", 1)
