"""The report as a Word document (.docx), from its own HTML, in the styles of a reference .docx.

:func:`html_to_docx` reads the report's HTML (as :func:`juesuan.build.export.notebook_to_html`
writes it) and writes the same words into a copy of the reference document
(:mod:`juesuan.build.reference_docx`; an office can pass its own, as pandoc's
``--reference-doc``), whose body it empties first. What the HTML holds
becomes what Word has for it:

* the first ``<h1>``: the cover, in style *Title*; ``<h2>``..``<h6>``: real
  headings (*Heading 1* for a part, which starts a new page, to *Heading 4*),
  so the navigation pane and a table of contents work;
* the 目录 (the list whose every link leads to a heading): a TOC field, which
  Word fills with page numbers when it opens the file, holding meanwhile the
  entries as the HTML lists them (*toc 1*..*toc 3*), under *TOC Heading*;
* paragraphs and list items: paragraphs (*Normal*, *List Bullet*,
  *List Number*), bold and italic kept;
* charts (``<img>`` with a ``data:`` PNG): inline pictures, in paragraphs of
  style *Figure*, no wider than the text, their caption (drawn in the picture,
  as in the HTML) also their alternative text;
* tables (the 公开表 and any Markdown table): Word tables of style *Table Grid*,
  text in *Table Text*, spans kept, the header rows repeated on every page and
  no row split across pages, figures on the right.

Nothing is fetched: an image that is not a ``data:`` URL is left out. The
file carries no date and its zip entries are stamped alike, so the same HTML
gives the same bytes.
"""
from __future__ import annotations

import base64
import io
import re
import zipfile
from pathlib import Path
from juesuan.resources import PACKAGE_DIR

__all__ = ["REFERENCE_DOCX", "html_to_docx", "stable_zip", "without_dates"]

#: The seed's template's reference document (made by ``python -m juesuan.build.reference_docx``); each template
#: ships its own beside its manifest (template.Template.reference_doc), which `juesuan report` passes.
REFERENCE_DOCX = PACKAGE_DIR / "templates" / "sichuan" / "reference.docx"

_SPACE = re.compile(r"[ \t\r\n\f]+")  # what HTML collapses; U+3000 and U+00A0 are text
#: An amount, a rate or a share (1,848.70, -0.5, 99.99%): set on the right. A bare integer is a code or a count.
_AMOUNT = re.compile(r"[-+−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?")
#: Characters XML 1.0 cannot hold (a control character that came with the data): left out of the .docx.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TEXT_ALIGN = re.compile(r"text-align\s*:\s*(left|right|center|justify)", re.I)
_HEADINGS = {"h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3", "h5": "Heading 4", "h6": "Heading 4"}
_SKIPPED = {"style", "script", "template", "noscript", "head", "title", "meta", "link"}
_BLOCKS = {"p", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "hr", "div", "img",
           "figure", "main", "section", "article", "body", "dl"}
#: The widest a table may be, in twentieths of a point: the reference page's text width.
_FALLBACK_TEXT_WIDTH = 9000


def stable_zip(data: bytes) -> bytes:
    """The same zip (a .docx) with every entry stamped 1980-01-01: its bytes then depend on its content alone."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def html_to_docx(html: str, reference: bytes | str | Path | None = None) -> bytes:
    """The report's HTML as a .docx in the styles of ``reference`` (bytes or a path; default: the template's)."""
    import docx
    import lxml.html

    if reference is None:
        reference = REFERENCE_DOCX
    if isinstance(reference, (str, Path)):
        reference = Path(reference).read_bytes()
    document = docx.Document(io.BytesIO(reference))
    page = lxml.html.document_fromstring(html)
    writer = _Writer(document, page)
    writer.clear_body()
    writer.blocks(page.find("body") if page.find(".//main") is None else page.find(".//main"))
    writer.finish(page.findtext(".//title") or "")
    buffer = io.BytesIO()
    document.save(buffer)
    return stable_zip(buffer.getvalue())


class _Writer:
    def __init__(self, document, page):
        from juesuan.build.pdf import table_of_contents

        self.document = document
        self.body = document.element.body
        self.sect_pr = self.body.sectPr
        self.toc = table_of_contents(page)
        self.table_lead = table_lead(page)
        self.toc_heading = self._toc_heading(self.toc)
        self.title_done = False
        self.last_was_table = False
        self.style_names = {s.name for s in document.styles}
        self.style_ids: dict[str, str] = {}
        section = document.sections[-1]
        try:
            self.text_width = int((section.page_width - section.left_margin - section.right_margin) / 635)
        except TypeError:  # a reference without page size or margins
            self.text_width = _FALLBACK_TEXT_WIDTH
        self.text_width_emu = self.text_width * 635

    # ---- the document
    def clear_body(self) -> None:
        for child in list(self.body):
            if child is not self.sect_pr:
                self.body.remove(child)

    def finish(self, title: str) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        settings = self.document.settings.element
        if settings.find(qn("w:updateFields")) is None:
            # Word fills the TOC field (and page numbers) when it opens the file, after asking.
            update = OxmlElement("w:updateFields")
            update.set(qn("w:val"), "true")
            settings.insert(_settings_position(settings), update)
        props = self.document.core_properties
        props.title = _NOT_XML.sub("", _SPACE.sub(" ", title)).strip()
        props.language = "zh-CN"
        props.revision = 1
        props.author = props.last_modified_by = ""
        props.comments = ""
        without_dates(props)

    def style_id(self, name: str) -> str:
        """A style of the reference document; one it lacks is added, based on Normal, for the office to set."""
        found = self.style_ids.get(name)
        if found is None:
            from docx.enum.style import WD_STYLE_TYPE

            if name not in self.style_names:
                style = self.document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                style.base_style = self.document.styles["Normal"]
                self.style_names.add(name)
            found = self.style_ids[name] = self.document.styles[name].style_id
        return found

    def paragraph(self, style: str):
        self.last_was_table = False
        # By its id: python-docx would look the style up among all of them for every paragraph.
        paragraph = self.document.add_paragraph()
        paragraph._p.style = self.style_id(style)
        return paragraph

    # ---- blocks
    def blocks(self, element) -> None:
        if element is None:
            return
        for child in element:
            if not isinstance(child.tag, str):
                continue  # a comment
            self.block(child)

    def block(self, element) -> None:
        tag = element.tag.lower()
        if tag in _SKIPPED:
            return
        if element is self.toc:
            self.table_of_contents(element)
        elif tag == "h1" and not self.title_done:
            self.title_done = True
            self.inline_paragraph(element, "Title")
        elif tag in _HEADINGS or tag == "h1":
            style = "TOC Heading" if element is self.toc_heading else _HEADINGS.get(tag, "Heading 1")
            self.inline_paragraph(element, style)
        elif tag == "p":
            self.inline_paragraph(element, "Normal")
        elif tag in ("ul", "ol"):
            self.list(element, "List Number" if tag == "ol" else "List Bullet")
        elif tag == "table":
            self.table(element)
        elif tag == "img":
            self.picture(element)
        elif tag == "pre":
            for line in (element.text_content() or "").splitlines():
                self.paragraph("Normal").add_run(_NOT_XML.sub("", line))
        elif tag == "hr":
            return
        elif tag == "blockquote" or tag in _BLOCKS or any(isinstance(c.tag, str) and c.tag in _BLOCKS
                                                          for c in element):
            if (element.text or "").strip():
                self.paragraph("Normal").add_run(_NOT_XML.sub("", _SPACE.sub(" ", element.text)).strip())
            for child in element:
                if isinstance(child.tag, str):
                    self.block(child)
                if (child.tail or "").strip():
                    self.paragraph("Normal").add_run(_NOT_XML.sub("", _SPACE.sub(" ", child.tail)).strip())
        else:  # inline content straight in a container (a <span>, text in a <div>)
            self.inline_paragraph(element, "Normal")

    def inline_paragraph(self, element, style: str):
        paragraph = self.paragraph(style)
        _Inline(paragraph).add(element)
        _strip_ends(paragraph)
        lead = self.table_lead.get(element)
        if lead is not None:
            from docx.enum.text import WD_ALIGN_PARAGRAPH

            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if lead == "title" else WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.first_line_indent = 0
            paragraph.paragraph_format.keep_with_next = True
        for image in element.iter("img"):
            self.picture(image)
        return paragraph

    def list(self, element, style: str) -> None:
        for item in element:
            if not isinstance(item.tag, str) or item.tag.lower() != "li":
                continue
            paragraph = self.paragraph(style)
            nested = [c for c in item if isinstance(c.tag, str) and c.tag.lower() in ("ul", "ol", "p", "table")]
            _Inline(paragraph, skip=set(nested)).add(item)
            _strip_ends(paragraph)
            for child in nested:
                self.block(child)

    # ---- the 目录
    @staticmethod
    def _toc_heading(toc):
        """The heading just before the 目录 in its own block: it names the TOC and is not one of its entries."""
        if toc is None:
            return None
        previous = toc.getprevious()
        if previous is not None and isinstance(previous.tag, str) and previous.tag.lower() in _HEADINGS:
            return previous
        return None

    def table_of_contents(self, element) -> None:
        """A TOC field over the heading levels the HTML's 目录 reaches, holding its entries until Word updates it."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        entries = []

        def walk(listing, level):
            for item in listing:
                if not isinstance(item.tag, str) or item.tag.lower() != "li":
                    continue
                link = item.find("a")
                text = link.text_content() if link is not None else (item.text or "")
                entries.append((level, _NOT_XML.sub("", _SPACE.sub(" ", text)).strip()))
                for sub in item:
                    if isinstance(sub.tag, str) and sub.tag.lower() in ("ul", "ol"):
                        walk(sub, level + 1)

        walk(element, 1)
        if not entries:
            return
        deepest = min(3, max(level for level, _ in entries))

        def field_run(paragraph, kind=None, instruction=None):
            # The TOC is stale until Word updates it: it has no page numbers yet.
            add_field_code(paragraph.add_run(), kind, instruction, dirty=kind == "begin")

        for index, (level, text) in enumerate(entries):
            paragraph = self.paragraph(f"toc {min(level, 3)}")
            if index == 0:
                field_run(paragraph, "begin")
                field_run(paragraph, instruction=f' TOC \\o "1-{deepest}" \\h \\z \\u ')
                field_run(paragraph, "separate")
            paragraph.add_run(text)
            if index == len(entries) - 1:
                field_run(paragraph, "end")

    # ---- pictures
    def picture(self, element) -> None:
        from docx.oxml.ns import qn

        source = element.get("src") or ""
        match = re.match(r"data:image/(png|jpeg|jpg|gif|bmp);base64,(.*)$", source, re.S)
        if match is None:
            return  # never fetched: a report's charts are inline
        data = base64.b64decode(match.group(2))
        paragraph = self.paragraph("Figure")
        run = paragraph.add_run()
        shape = run.add_picture(io.BytesIO(data))
        if shape.width > self.text_width_emu:
            shape.height = int(shape.height * self.text_width_emu / shape.width)
            shape.width = self.text_width_emu
        alt = _NOT_XML.sub("", _SPACE.sub(" ", element.get("alt") or "")).strip()
        if alt:
            properties = run._r.find(".//" + qn("wp:docPr"))
            properties.set("descr", alt)
            properties.set("title", alt)

    # ---- tables
    def table(self, element) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        rows = _table_rows(element)
        if not rows:
            return
        grid = _grid(rows)
        columns = max(len(r) for r in grid)
        widths = _column_widths(grid, columns, self.text_width)
        if self.last_was_table:
            self.paragraph("Normal")  # two tables in a row would be merged into one
        table = OxmlElement("w:tbl")
        properties = _element("w:tblPr", [
            _element("w:tblStyle", val=self.table_style_id),
            _element("w:tblW", w=str(sum(widths)), type="dxa"),
            _element("w:jc", val="center"),
            _element("w:tblLayout", type="fixed"),
            _element("w:tblLook", val="04A0", firstRow="1", lastRow="0", firstColumn="0", lastColumn="0",
                     noHBand="0", noVBand="1"),
        ])
        table.append(properties)
        table.append(_element("w:tblGrid", [_element("w:gridCol", w=str(w)) for w in widths]))
        text_style = self.style_id("Table Text")
        for row_cells, header in zip(grid, [h for _, h in rows]):
            tr = OxmlElement("w:tr")
            row_properties = [_element("w:cantSplit")]
            if header:
                row_properties.append(_element("w:tblHeader"))
            tr.append(_element("w:trPr", row_properties))
            column = 0
            for cell in row_cells:
                span = cell.colspan
                tc = OxmlElement("w:tc")
                cell_properties = [_element("w:tcW", w=str(sum(widths[column:column + span])), type="dxa")]
                if span > 1:
                    cell_properties.append(_element("w:gridSpan", val=str(span)))
                if cell.merge is not None:
                    cell_properties.append(_element("w:vMerge", **({"val": "restart"} if cell.merge == "restart"
                                                                  else {})))
                cell_properties.append(_element("w:vAlign", val="center"))
                tc.append(_element("w:tcPr", cell_properties))
                paragraph = OxmlElement("w:p")
                align = _cell_alignment(cell, header)
                paragraph.append(_element("w:pPr", [_element("w:pStyle", val=text_style),
                                                    _element("w:jc", val=align)]))
                if cell.element is not None and cell.merge != "continue":
                    for text, bold in _cell_runs(cell.element):
                        paragraph.append(_text_run(text, bold=bold or header))
                tc.append(paragraph)
                tr.append(tc)
                column += span
            table.append(tr)
        self.sect_pr.addprevious(table)
        self.last_was_table = True

    @property
    def table_style_id(self) -> str:
        name = "Table Grid" if "Table Grid" in self.style_names else "Normal Table"
        return self.document.styles[name].style_id


def without_dates(properties) -> None:
    """No creation, modification or printing date in the document's properties: the same report, the same bytes
    (and no date that says nothing about the report)."""
    element = properties._element
    for child in list(element):
        if child.tag.rsplit("}", 1)[-1] in ("created", "modified", "lastPrinted"):
            element.remove(child)


def table_lead(page) -> dict:
    """What leads into each table shown as an output of its own (a 公开表): the last heading of the output
    just before it, its title, set centred, and that output's last paragraph (单位：万元), set on the right;
    as print.css sets them in the PDF."""
    leads = {}
    for table in page.iter("table"):
        area = next((a for a in table.iterancestors("div") if "output_area" in (a.get("class") or "").split()), None)
        before = area.getprevious() if area is not None else None
        if before is None or not isinstance(before.tag, str):
            continue
        blocks = [e for e in before.iter("p", "h1", "h2", "h3", "h4", "h5", "h6")]
        headings = [e for e in blocks if e.tag != "p"]
        if headings:
            leads[headings[-1]] = "title"
        if blocks and blocks[-1].tag == "p":
            leads[blocks[-1]] = "unit"
    return leads


def _settings_position(settings) -> int:
    """Where w:updateFields goes among w:settings' children (the schema orders them)."""
    from docx.oxml.ns import qn

    before = {qn(f"w:{n}") for n in ("writeProtection", "view", "zoom", "removePersonalInformation",
                                     "removeDateAndTime", "doNotDisplayPageBoundaries", "displayBackgroundShape",
                                     "printPostScriptOverText", "printFractionalCharacterWidth", "printFormsData",
                                     "embedTrueTypeFonts", "embedSystemFonts", "saveSubsetFonts", "saveFormsData",
                                     "mirrorMargins", "alignBordersAndEdges", "bordersDoNotSurroundHeader",
                                     "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
                                     "hideGrammaticalErrors", "activeWritingStyle", "proofState",
                                     "formsDesign", "attachedTemplate", "linkStyles", "stylePaneFormatFilter",
                                     "stylePaneSortMethod", "documentType", "mailMerge", "revisionView",
                                     "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting",
                                     "documentProtection", "autoFormatOverride", "styleLockTheme",
                                     "styleLockQFSet", "defaultTabStop", "autoHyphenation",
                                     "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps",
                                     "showEnvelope", "summaryLength", "clickAndTypeStyle",
                                     "defaultTableStyle", "evenAndOddHeaders", "bookFoldRevPrinting",
                                     "bookFoldPrinting", "bookFoldPrintingSheets", "drawingGridHorizontalSpacing",
                                     "drawingGridVerticalSpacing", "displayHorizontalDrawingGridEvery",
                                     "displayVerticalDrawingGridEvery", "doNotUseMarginsForDrawingGridOrigin",
                                     "drawingGridHorizontalOrigin", "drawingGridVerticalOrigin",
                                     "doNotShadeFormData", "noPunctuationKerning", "characterSpacingControl",
                                     "printTwoOnOne", "strictFirstAndLastChars", "noLineBreaksAfter",
                                     "noLineBreaksBefore", "savePreviewPicture", "doNotValidateAgainstSchema",
                                     "saveInvalidXml", "ignoreMixedContent", "alwaysShowPlaceholderText",
                                     "doNotDemarcateInvalidXml", "saveXmlDataOnly", "useXSLTWhenSaving",
                                     "saveThroughXslt", "showXMLTags", "alwaysMergeEmptyNamespace")}
    position = 0
    for index, child in enumerate(settings):
        if child.tag in before:
            position = index + 1
    return position


def _element(tag: str, children=(), **attributes):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    for child in children:
        element.append(child)
    return element


def _text_run(text: str, bold: bool = False):
    from docx.oxml.ns import qn

    run = _element("w:r", [_element("w:rPr", [_element("w:b")])] if bold else [])
    t = _element("w:t")
    t.text = _NOT_XML.sub("", text)
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    return run


class _Cell:
    __slots__ = ("element", "colspan", "merge", "text")

    def __init__(self, element, colspan: int = 1, merge: str | None = None):
        self.element = element
        self.colspan = colspan
        self.merge = merge  # None, "restart" (a cell spanning rows) or "continue" (covered by the one above)
        self.text = _SPACE.sub(" ", element.text_content()).strip() if element is not None else ""


def _table_rows(table) -> list[tuple[list, bool]]:
    """The table's rows, each with its cells (th/td) and whether it is a header row (in <thead>)."""
    rows = []
    for part in table:
        if not isinstance(part.tag, str):
            continue
        tag = part.tag.lower()
        if tag in ("thead", "tbody", "tfoot"):
            for tr in part:
                if isinstance(tr.tag, str) and tr.tag.lower() == "tr":
                    rows.append((tr, tag == "thead"))
        elif tag == "tr":
            rows.append((part, False))
    return [([c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("th", "td")], header)
            for tr, header in rows]


def _span(cell, name: str) -> int:
    try:
        return max(1, min(int(cell.get(name, "1")), 1000))
    except ValueError:
        return 1


def _grid(rows) -> list[list[_Cell]]:
    """Rows of cells as Word lays them out: a cell spanning rows leaves a merged cell in each row below."""
    grid: list[list[_Cell]] = []
    pending: dict[int, tuple[int, int]] = {}  # column -> (rows still covered, colspan)
    for cells, _ in rows:
        row: list[_Cell] = []
        column = 0
        queue = list(cells)
        while queue or any(c >= column for c in pending):
            if column in pending:
                left, span = pending[column]
                row.append(_Cell(None, span, "continue"))
                if left <= 1:
                    del pending[column]
                else:
                    pending[column] = (left - 1, span)
                column += span
                continue
            if not queue:
                column = min(c for c in pending if c >= column)
                continue
            element = queue.pop(0)
            colspan, rowspan = _span(element, "colspan"), _span(element, "rowspan")
            row.append(_Cell(element, colspan, "restart" if rowspan > 1 else None))
            if rowspan > 1:
                pending[column] = (rowspan - 1, colspan)
            column += colspan
        grid.append(row)
    return grid


def _cell_alignment(cell, header: bool) -> str:
    """As the HTML says (a Markdown table's style="text-align:…"), else: headers centred, amounts right."""
    if cell.element is not None:
        said = _TEXT_ALIGN.search(cell.element.get("style") or "")
        if said:
            return {"justify": "both"}.get(said.group(1).lower(), said.group(1).lower())
    if header:
        return "center"
    if _AMOUNT.fullmatch(cell.text) and ("." in cell.text or "," in cell.text or "%" in cell.text):
        return "right"
    return "left"


def _text_units(text: str) -> float:
    """How wide a text runs, in half-ems: a Chinese character two, a Latin letter or digit one."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


_UNBROKEN = re.compile(r"[!-~]+")  # a run of Latin letters, digits and signs: a number or a code, never broken
#: Twips a column needs for text of so many half-ems in Table Text (10.5 pt), with Table Grid's cell margins.
_HALF_EM_TWIPS, _CELL_MARGINS_TWIPS = 105, 230
#: A column may be narrowed to four Chinese characters a line, no fewer (if its text is that long).
_NARROWEST_UNITS = 8
_WIDEST_UNITS = 60


def _column_widths(grid, columns: int, total: int) -> list[int]:
    """Widths (twips) that fill the text width: each column first as wide as its numbers and codes and four
    characters of its text need, then what is left shared as far as each column's longest text wants."""
    least = [0.0] * columns
    wanted = [0.0] * columns
    for row in grid:
        column = 0
        for cell in row:
            if cell.colspan == 1 and cell.element is not None and cell.text:
                tokens = [_text_units(t) for t in _UNBROKEN.findall(cell.text)]
                units = _text_units(cell.text)
                least[column] = max(least[column], min(units, _NARROWEST_UNITS), *tokens)
                wanted[column] = max(wanted[column], min(units, _WIDEST_UNITS))
            column += cell.colspan

    def twips(units: float) -> float:
        return units * _HALF_EM_TWIPS + _CELL_MARGINS_TWIPS

    widths = [twips(max(u, 2)) for u in least]
    if sum(widths) > total:  # even the least does not fit: everything narrower alike
        widths = [w * total / sum(widths) for w in widths]
    else:
        room = total - sum(widths)
        more = [max(0.0, twips(w) - l) for w, l in zip(wanted, widths)]
        if sum(more) > 0:
            share = min(1.0, room / sum(more))
            widths = [w + m * share for w, m in zip(widths, more)]
        room = total - sum(widths)
        if room > 0:  # every text fits on one line: the table still spans the text width
            widths = [w + room * w / sum(widths) for w in widths]
    widths = [int(w) for w in widths]
    widths[-1] += total - sum(widths)
    return widths


def _cell_runs(element) -> list[tuple[str, bool]]:
    runs: list[tuple[str, bool]] = []

    def walk(node, bold):
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag in _SKIPPED:
            return
        bold = bold or tag in ("b", "strong")
        if tag == "br":
            runs.append(("\n", bold))
        if node.text:
            runs.append((node.text, bold))
        for child in node:
            walk(child, bold)
            if child.tail:
                runs.append((child.tail, bold))

    walk(element, False)
    text = "".join(t for t, _ in runs)
    if not text.strip():
        return []
    cleaned = []
    for t, bold in runs:
        t = _SPACE.sub(" ", t) if t != "\n" else t
        if t:
            cleaned.append((t, bold))
    first, last = cleaned[0], cleaned[-1]
    cleaned[0] = (first[0].lstrip(" "), first[1])
    cleaned[-1] = (cleaned[-1][0].rstrip(" "), last[1])
    return [(t, b) for t, b in cleaned if t]


class _Inline:
    """Runs of a paragraph from an element's inline content: text, bold, italic, super/subscript, line breaks."""

    def __init__(self, paragraph, skip: set | None = None):
        self.paragraph = paragraph
        self.skip = skip or set()

    def add(self, element, bold=False, italic=False, script=None) -> None:
        if element.text:
            self.text(element.text, bold, italic, script)
        for child in element:
            tag = child.tag.lower() if isinstance(child.tag, str) else None
            if tag is None or child in self.skip or tag in _SKIPPED or tag in ("img", "wbr") or _anchor_link(child):
                pass  # a comment, a block written after this paragraph, nothing to read, a picture, a ¶
            elif tag == "br":
                self.paragraph.add_run().add_break()
            else:
                self.add(child, bold or tag in ("b", "strong"), italic or tag in ("i", "em"),
                         "superscript" if tag == "sup" else "subscript" if tag == "sub" else script)
            if child.tail:
                self.text(child.tail, bold, italic, script)

    def text(self, text: str, bold, italic, script) -> None:
        text = _NOT_XML.sub("", _SPACE.sub(" ", text))
        if not text:
            return
        run = self.paragraph.add_run(text)
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        if script == "superscript":
            run.font.superscript = True
        elif script == "subscript":
            run.font.subscript = True


def _anchor_link(element) -> bool:
    """nbconvert's ¶ after each heading: a link for the browser, not a word of the report."""
    return element.tag == "a" and "anchor-link" in (element.get("class") or "").split()


def _strip_ends(paragraph) -> None:
    """No space at the start or end of a paragraph (left from the HTML's line breaks)."""
    runs = [r for r in paragraph.runs if r.text]
    if runs:
        runs[0].text = runs[0].text.lstrip(" ")
        runs[-1].text = runs[-1].text.rstrip(" ")


def add_field_code(run, kind: str | None = None, instruction: str | None = None, *, dirty: bool = False):
    """A Word field's parts in a run: its begin/separate/end mark (`kind`) and its code (`instruction`, e.g.
    ' PAGE '); `dirty`: Word recomputes the field when it opens the file."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if kind is not None:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        if dirty:
            char.set(qn("w:dirty"), "true")
        run._r.append(char)
    if instruction is not None:
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = instruction
        run._r.append(instr)
    return run
