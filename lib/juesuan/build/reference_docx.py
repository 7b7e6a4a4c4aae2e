"""Make the report template's reference .docx: the styles, page and footer every Word report takes.

    python -m juesuan.build.reference_docx lib/juesuan/templates/sichuan/reference.docx   (and national/)

As pandoc's ``--reference-doc``: :mod:`juesuan.build.word` opens this file, empties
its body and writes the report into it, so the report takes its styles (fonts
by name, sizes, spacing), page size and margins, footer and numbering from
here. An office that wants its own house style edits a copy in Word (modify
the styles, not the sample text) and passes it with ``juesuan report
--reference-doc PATH``. The styles the writer uses are those listed in
:data:`STYLES`; a reference document that lacks one gets it, based on Normal.

The defaults follow the layout of Chinese official documents (GB/T 9704):
A4 with margins of 37/35/28/26 mm, body text in 仿宋 三号 (16 pt) on a 28 pt
line, the title in 黑体, headings in 黑体 then 楷体, tables in 宋体 五号, and
the page number as "— N —" at the foot, none on the cover. Word substitutes a
font the machine lacks; the names are the ones Windows and WPS ship.

The file is written without dates and with fixed zip timestamps, so running
this again gives the same bytes (tests/test_word.py holds the committed file to it).
"""
from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["STYLES", "reference_document", "main"]

#: The styles juesuan.build.word writes with, by name, and what each is for.
STYLES = {
    "Normal": "正文",
    "Title": "封面标题（报告的 h1）",
    "Heading 1": "部分标题（h2），另起一页",
    "Heading 2": "一级标题（h3）",
    "Heading 3": "二级标题（h4）",
    "Heading 4": "三级标题（h5、h6）",
    "TOC Heading": "“目录”二字，另起一页",
    "toc 1": "目录条目，第一级",
    "toc 2": "目录条目，第二级",
    "toc 3": "目录条目，第三级",
    "Figure": "图表所在的段落",
    "Table Text": "表格中的文字",
    "List Bullet": "无序列表",
    "List Number": "有序列表",
    "Table Grid": "表格（带框线）",
}

CM = 360000  # EMU per centimetre
TEXT_WIDTH_CM = 21.0 - 2.8 - 2.6


def _fonts(element, east_asian: str, latin: str = "Times New Roman") -> None:
    """Explicit fonts on a style's or the defaults' run properties, with no theme font left to override them."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    # Quotation marks and dashes are shared by both scripts: drawn in the Chinese font, as Chinese text sets them.
    fonts.set(qn("w:hint"), "eastAsia")


def _paragraph_style(doc, name: str, *, east_asian: str, size: float, based_on: str | None = "Normal",
                     bold: bool = False, align=None, first_line_chars: int | None = None, exact_line: float | None = None,
                     before: float = 0, after: float = 0, page_break_before: bool = False, keep_with_next: bool = False,
                     outline_level: int | None = None, style_id: str | None = None):
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if style_id:
            style.element.set(qn("w:styleId"), style_id)
    style.hidden = False
    style.unhide_when_used = False
    style.quick_style = True
    if based_on is not None and name != based_on:
        style.base_style = doc.styles[based_on]
    _fonts(style.element, east_asian)
    font = style.font
    font.size = Pt(size)
    font.bold = bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    for stray in rpr.findall(qn("w:color")):
        for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
            stray.attrib.pop(qn(attribute), None)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if exact_line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(exact_line)
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.page_break_before = page_break_before
    fmt.keep_with_next = keep_with_next
    ppr = style.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:pBdr")):  # python-docx's Title underlines itself
        ppr.remove(old)
    ind = ppr.find(qn("w:ind"))
    if ind is not None:
        ppr.remove(ind)
    ind = OxmlElement("w:ind")
    if first_line_chars:
        # In characters (hundredths), so the indent stays two characters whatever the size.
        ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
        ind.set(qn("w:firstLine"), str(int(size * 20 * first_line_chars)))
    else:
        ind.set(qn("w:firstLine"), "0")
        ind.set(qn("w:firstLineChars"), "0")
    ind.set(qn("w:left"), "0")
    ppr.append(ind)
    if outline_level is not None:
        for old in ppr.findall(qn("w:outlineLvl")):
            ppr.remove(old)
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(outline_level))
        ppr.append(level)
    _order_ppr(ppr)
    return style


# w:pPr's children must come in the schema's order, or Word calls the file damaged.
_PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
              "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
              "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"]


def _order_ppr(ppr) -> None:
    rank = {name: i for i, name in enumerate(_PPR_ORDER)}
    children = sorted(ppr, key=lambda c: rank.get(c.tag.split("}")[1], len(rank)))
    for child in children:
        ppr.remove(child)
        ppr.append(child)


def _indented_toc(doc, name: str, style_id: str, level: int):
    from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.oxml.ns import qn
    from docx.shared import Cm

    style = _paragraph_style(doc, name, east_asian="仿宋", size=14, exact_line=24, style_id=style_id)
    ppr = style.element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    ind.set(qn("w:leftChars"), str(200 * level))
    ind.set(qn("w:left"), str(280 * 2 * level))
    style.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    _order_ppr(ppr)
    return style


def _footer_page_number(section) -> None:
    """'— N —' centred at the foot of every page but the first (the cover)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    section.different_first_page_header_footer = True
    paragraph = section.footer.paragraphs[0]
    paragraph.style = section.part.document.styles["Footer"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    from juesuan.build.word import add_field_code

    def run(text=None, field=None, instruction=None):
        r = paragraph.add_run(text)
        r.font.size = Pt(14)
        return add_field_code(r, field, instruction)

    run("— ")
    run(field="begin")
    run(instruction=" PAGE ")
    run(field="separate")
    run("1")
    run(field="end")
    run(" —")
    for p in section.first_page_footer.paragraphs:
        p.text = ""


def reference_document() -> bytes:
    """The reference .docx as bytes (the same bytes every time)."""
    import io

    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm

    from juesuan.build.word import stable_zip, without_dates

    doc = docx.Document()
    styles_root = doc.styles.element
    defaults = styles_root.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = run_defaults.find(qn("w:rFonts"))
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for key, value in (("w:ascii", "Times New Roman"), ("w:hAnsi", "Times New Roman"), ("w:cs", "Times New Roman"),
                       ("w:eastAsia", "仿宋"), ("w:hint", "eastAsia")):
        fonts.set(qn(key), value)
    lang = run_defaults.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    doc.settings.element.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")

    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    _paragraph_style(doc, "Normal", east_asian="仿宋", size=16, based_on=None, align=justify,
                     first_line_chars=2, exact_line=28)
    _paragraph_style(doc, "Title", east_asian="黑体", size=22, align=center, exact_line=40, before=200, after=0)
    _paragraph_style(doc, "Heading 1", east_asian="黑体", size=16, align=center, exact_line=28, after=16,
                     page_break_before=True, keep_with_next=True, outline_level=0)
    _paragraph_style(doc, "Heading 2", east_asian="黑体", size=16, first_line_chars=2, exact_line=28, before=6,
                     keep_with_next=True, outline_level=1)
    _paragraph_style(doc, "Heading 3", east_asian="楷体", size=16, first_line_chars=2, exact_line=28,
                     keep_with_next=True, outline_level=2)
    _paragraph_style(doc, "Heading 4", east_asian="仿宋", size=16, bold=True, first_line_chars=2, exact_line=28,
                     keep_with_next=True, outline_level=3)
    _paragraph_style(doc, "TOC Heading", east_asian="黑体", size=16, align=center, exact_line=28, after=16,
                     page_break_before=True, outline_level=9)
    for level in (1, 2, 3):
        _indented_toc(doc, f"toc {level}", f"TOC{level}", level - 1)
    _paragraph_style(doc, "Figure", east_asian="仿宋", size=16, align=center, before=6, after=6, style_id="Figure")
    _paragraph_style(doc, "Table Text", east_asian="宋体", size=10.5, before=1.5, after=1.5, style_id="TableText")
    for name in ("List Bullet", "List Number"):
        _paragraph_style(doc, name, east_asian="仿宋", size=16, align=justify, exact_line=28)
    _paragraph_style(doc, "Footer", east_asian="宋体", size=14, align=center)
    _paragraph_style(doc, "Caption", east_asian="黑体", size=12, align=center, after=6)

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.5)
    _footer_page_number(section)

    # A sample of every style, for whoever adapts this file in Word (the report replaces the body).
    doc.add_paragraph("某部门2022年度部门决算", style="Title")
    doc.add_paragraph("目录", style="TOC Heading")
    for level, text in ((1, "第一部分 部门概况"), (2, "一、部门职责"), (3, "（一）机构组成")):
        doc.add_paragraph(text, style=f"toc {level}")
    doc.add_paragraph("第一部分 部门概况", style="Heading 1")
    doc.add_paragraph("一、部门职责", style="Heading 2")
    doc.add_paragraph("（一）机构组成", style="Heading 3")
    doc.add_paragraph("1.职能职责", style="Heading 4")
    doc.add_paragraph("正文：2022年度收、支总计1,848.7万元。与2021年相比，收、支总计各减少181.11万元，下降8.92%。"
                      "本段示范正文样式：仿宋三号，首行缩进两字，固定行距28磅。", style="Normal")
    doc.add_paragraph("无序列表", style="List Bullet")
    doc.add_paragraph("有序列表", style="List Number")
    doc.add_paragraph("（图表所在的段落：居中）", style="Figure")
    table = doc.add_table(rows=2, cols=3, style="Table Grid")
    for row, cells in zip(table.rows, (("项目", "预算数", "决算数"), ("合计", "7.54", "6.82"))):
        for cell, text in zip(row.cells, cells):
            cell.paragraphs[0].text = text
            cell.paragraphs[0].style = doc.styles["Table Text"]
    props = doc.core_properties
    props.title = "部门决算公开报告参考样式"
    props.author = props.last_modified_by = "juesuan"
    props.comments = "juesuan report --reference-doc：修改本文件中的样式，不必修改示范文字"
    props.revision = 1
    props.language = "zh-CN"
    without_dates(props)
    buffer = io.BytesIO()
    doc.save(buffer)
    return stable_zip(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("用法：python -m juesuan.build.reference_docx 输出路径.docx", file=sys.stderr)
        return 2
    target = Path(args[0])
    from juesuan.files import write_atomic

    write_atomic(target, reference_document())
    print(f"已写入 {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
