"""The report as PDF and Word beside its HTML (`juesuan report --formats html,pdf,docx`), each read back.

The seed department is built once, as `juesuan report --formats html,pdf,docx` builds it, into
outputs/2022/. What the HTML says is the measure: every sentence of the HTML is found in the PDF's text
(pypdf) and in the .docx (python-docx), the seven charts are pictures there, the ten tables (the nine 公开表
and the appendix's) are tables, the 目录's page numbers are the pages the headings are on. Renders of the
PDF's cover and of its first page of 公开表 are saved beside the report for a person to look at:
outputs/2022/pzh-swzzb-pdf-cover.png and pzh-swzzb-pdf-tables.png.
"""
from __future__ import annotations

import io
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import docx
import lxml.html
import numpy as np
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from juesuan.build import batch, engine, manifest
from juesuan.build.batch import build_reports
from juesuan.cli import main
from juesuan.build.pdf import Printer, html_to_pdf
from juesuan.build.reference_docx import reference_document
from juesuan.build.word import REFERENCE_DOCX, html_to_docx

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "outputs"
SEED, NAME, YEAR = "pzh-swzzb", "攀枝花市委组织部", 2022
WHITESPACE = re.compile(r"\s+")
#: The page number at the foot of a PDF page, as pypdf reads it (at the start or the end of the page's text).
FOOTER = re.compile(r"^—(\d+)—|—(\d+)—$")
A4_POINTS = (595.28, 841.89)


@pytest.fixture(scope="module")
def built() -> Path:
    result = build_reports(YEAR, [(SEED, NAME)], data_dir=ROOT / "data", out_dir=OUT,
                           notebook=ROOT / "notebooks" / "department_report.ipynb", progress=False, tables=True,
                           formats=("html", "pdf", "docx"))
    assert result.ok, result.summary()
    return OUT / str(YEAR)


@pytest.fixture(scope="module")
def html(built) -> str:
    return (built / f"{SEED}.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(html):
    """The HTML as a reader sees it: no styles, scripts or nbconvert's ¶ links."""
    doc = lxml.html.document_fromstring(html)
    for hidden in doc.xpath('//style|//script|//template|//a[contains(@class, "anchor-link")]'):
        hidden.drop_tree()
    return doc


@pytest.fixture(scope="module")
def reader(built) -> PdfReader:
    return PdfReader(built / f"{SEED}.pdf")


@pytest.fixture(scope="module")
def raw_pages(reader) -> list[str]:
    return [WHITESPACE.sub("", p.extract_text()) for p in reader.pages]


@pytest.fixture(scope="module")
def pages(raw_pages) -> list[str]:
    """Each page's text without whitespace (line breaks fall anywhere) and without its page number."""
    return [FOOTER.sub("", text) for text in raw_pages]


@pytest.fixture(scope="module")
def document(built):
    return docx.Document(str(built / f"{SEED}.docx"))


def plain(element) -> str:
    return WHITESPACE.sub("", element.text_content())


def sentences(page) -> list[str]:
    """Every sentence the HTML shows: paragraphs, list items, headings and table cells, cut after 。；！？."""
    found = []
    for element in page.iter("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "th", "td"):
        if element.tag == "li":  # its own words, not those of the list inside it
            text = WHITESPACE.sub("", (element.text or "") + "".join(
                ("" if c.tag in ("ul", "ol") else c.text_content()) + (c.tail or "") for c in element))
        else:
            text = plain(element)
        found += [s for s in re.split(r"(?<=[。；！？])", text) if s]
    return found


def headings(page) -> list[tuple[str, str]]:
    return [(h.tag, plain(h)) for h in page.iter("h1", "h2", "h3", "h4")]


def toc_entries(page) -> list[tuple[int, str]]:
    """The 目录 of the HTML: (nesting level from 1, text) of each entry."""
    toc = next(ul for ul in page.iter("ul") if ul.getparent().tag != "li")
    return [(len([a for a in link.iterancestors("ul")]), plain(link)) for link in toc.iter("a")]


def docx_texts(document) -> list[str]:
    texts = [WHITESPACE.sub("", p.text) for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [WHITESPACE.sub("", c.text) for c in row.cells]
    return texts


# --------------------------------------------------------------------------
# Three files a department, in the manifest and on the index page


def test_three_files_recorded_in_the_manifest_and_linked_from_the_index(built):
    for suffix in ("html", "pdf", "docx"):
        assert (built / f"{SEED}.{suffix}").stat().st_size > 10_000
    assert (built / f"{SEED}.pdf").read_bytes().startswith(b"%PDF-")
    entry = json.loads((built / ".build" / f"{SEED}.json").read_text(encoding="utf-8"))
    assert set(entry["formats"]) == {"pdf", "docx"}
    assert all(entry["formats"][f]["key"] == entry["inputs"]["formats"][f] for f in ("pdf", "docx"))
    index = (built / "index.html").read_text(encoding="utf-8")
    for link in (f'href="{SEED}.html"', f'href="{SEED}.pdf"', f'href="{SEED}.docx" download'):
        assert link in index


# --------------------------------------------------------------------------
# The same words


def test_every_sentence_of_the_html_is_in_the_pdf_and_in_the_docx(page, pages, document):
    said = sentences(page)
    assert len(said) > 500
    pdf_text = "".join(pages)  # a sentence may run on to the next page
    assert [s for s in said if s not in pdf_text] == []
    word_text = "\0".join(docx_texts(document))
    assert [s for s in said if s not in word_text] == []


# --------------------------------------------------------------------------
# The PDF


def test_the_pdf_is_a4_with_a_cover_and_the_page_number_at_the_foot_of_every_other_page(reader, raw_pages, page):
    assert len(reader.pages) >= 20
    for pdf_page in reader.pages:
        width, height = (float(v) for v in pdf_page.mediabox[2:])  # Chromium rounds to its pixels: within 1 pt
        assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1, (width, height)
    title = plain(page.find(".//h1"))
    assert raw_pages[0] == title  # the cover: the title alone, no number
    for number, text in enumerate(raw_pages[1:], start=2):
        found = FOOTER.search(text)
        assert found and int(found.group(1) or found.group(2)) == number, (number, text[:40], text[-40:])


def test_the_toc_gives_the_page_each_heading_is_on(page, pages):
    entries = toc_entries(page)
    assert len(entries) >= 30
    toc_from = next(i for i, text in enumerate(pages) if text.startswith("目录"))
    body_from = next(i for i in range(toc_from + 1, len(pages)) if pages[i].startswith(entries[0][1]))
    toc_text = "".join(pages[toc_from:body_from])
    for _, title in entries:
        found = re.search(re.escape(title) + r"(\d+)", toc_text)
        assert found, f"no page number after {title} in the 目录"
        first = next(i for i in range(body_from, len(pages)) if title in pages[i]) + 1
        assert int(found.group(1)) == first, (title, found.group(1), first)


def test_each_part_starts_a_page_and_the_bookmarks_are_the_headings(page, pages, reader):
    parts = [text for tag, text in headings(page) if tag == "h2"]
    starts = [text for text in pages if any(text.startswith(p) for p in parts)]
    assert len(starts) == len(parts), "a part that does not start its page"
    titles = []

    def walk(outline):
        for item in outline:
            walk(item) if isinstance(item, list) else titles.append(WHITESPACE.sub("", item.title))

    walk(reader.outline)
    assert titles == [text for _, text in headings(page)]


def _struct_elements(reader, kind: str) -> list:
    found = []

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/S") == kind:
                found.append(node)
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return found


def test_the_pdf_has_the_seven_charts_the_ten_tables_and_one_embedded_subset_font(reader, page):
    alts = [img.get("alt") for img in page.iter("img")]
    assert len(alts) == 7 and all(a.startswith("图") for a in alts)
    assert sum(len(p.images) for p in reader.pages) == 7
    assert [f.get("/Alt") for f in _struct_elements(reader, "/Figure")] == alts
    assert len(_struct_elements(reader, "/Table")) == len(list(page.iter("table"))) == 10
    fonts = set()
    for pdf_page in reader.pages:
        for font in pdf_page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert font["/Subtype"] == "/Type0" and "/FontFile2" in descriptor  # embedded, not Type 3 drawings
            fonts.add(str(font["/BaseFont"]))
    assert len(fonts) == 1 and re.fullmatch(r"/[A-Z]{6}\+JuesuanSansSC-Regular", fonts.pop())


def test_renders_of_the_cover_and_the_tables_for_a_person(built, pages):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(built / f"{SEED}.pdf"))
    tables_page = next(i for i, text in enumerate(pages) if text.startswith("第五部分"))
    for index, name in ((0, "cover"), (tables_page, "tables")):
        image = pdf[index].render(scale=1.5).to_pil()
        target = built / f"{SEED}-pdf-{name}.png"
        image.save(target)
        height = image.size[1]
        dark = list(np.nonzero(np.asarray(image.convert("L")).min(axis=1) < 128)[0])  # rows with ink
        assert dark, f"{target} is blank"
        if name == "cover":  # the title, a third of the way down, and nothing else
            assert 0.25 * height < dark[0] and dark[-1] < 0.5 * height
    pdf.close()


class _Counter(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 -- http.server's name
        _Counter.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    _Counter.hits = []
    server = HTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_long_table_repeats_its_header_rows_splits_no_row_and_nothing_is_fetched(local_server):
    rows = "".join(f"<tr><td>行{i:03d}</td><td>科目{i:03d}甲乙丙丁戊己庚辛</td><td>{i},234.56</td></tr>"
                   for i in range(1, 121))
    html = ("<!DOCTYPE html><html lang='zh-CN'><head><title>长表</title>"
            f"<link rel='stylesheet' href='{local_server}/s.css'></head><body><main>"
            "<h1>长表的报告</h1><h2>第一部分 长表</h2>"
            f"<p>远处的图片<img src='{local_server}/x.png' alt='外部图片'></p>"
            "<table><thead><tr><th>行号</th><th>科目名称</th><th>金额</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></main></body></html>")
    printer = Printer()
    try:
        pdf = html_to_pdf(html, using=printer)
    finally:
        printer.close()
    assert _Counter.hits == []  # refused before it left the browser
    assert sorted(printer.requests) == [f"{local_server}/s.css", f"{local_server}/x.png"]
    texts = [WHITESPACE.sub("", p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
    with_rows = [t for t in texts if "行001" in t or re.search(r"行\d{3}", t)]
    assert len(with_rows) >= 3
    assert all("行号科目名称金额" in t for t in with_rows)  # the header row on every page the table reaches
    for i in range(1, 121):
        on = [t for t in texts if f"行{i:03d}" in t]
        assert len(on) == 1 and f"科目{i:03d}甲乙丙丁戊己庚辛{i},234.56" in on[0], i


def test_the_same_report_prints_to_the_same_bytes_without_a_request(built, html):
    printer = Printer()
    try:
        again = html_to_pdf(html, using=printer)
    finally:
        printer.close()
    assert printer.requests == []  # the charts and the font are inside the page
    assert again == (built / f"{SEED}.pdf").read_bytes()


# --------------------------------------------------------------------------
# The Word document


def test_the_docx_has_word_headings_for_the_html_headings(document, page):
    styled = [(p.style.name, WHITESPACE.sub("", p.text)) for p in document.paragraphs
              if p.style.name in ("Title", "TOC Heading") or p.style.name.startswith("Heading")]
    expected = [({"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3"}[tag], text)
                for tag, text in headings(page)]
    expected = [("TOC Heading", t) if t == "目录" else (s, t) for s, t in expected]
    assert styled == expected
    assert document.styles["Heading 1"].paragraph_format.page_break_before  # each part on a new page


def test_the_docx_toc_is_a_field_word_fills_holding_the_html_entries(document, page):
    body = document.element.body
    instructions = [t.text for t in body.iter(qn("w:instrText"))]
    assert any(re.fullmatch(r' TOC \\o "1-3" \\h \\z \\u ', i) for i in instructions)
    begin = next(body.iter(qn("w:fldChar")))
    assert begin.get(qn("w:fldCharType")) == "begin" and begin.get(qn("w:dirty")) == "true"
    held = [(int(p.style.name[-1]), WHITESPACE.sub("", p.text)) for p in document.paragraphs
            if p.style.name.startswith("toc ")]
    assert held == toc_entries(page)
    assert document.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_the_docx_charts_are_pictures_with_their_captions(document, page):
    shapes = document.inline_shapes
    assert len(shapes) == 7
    captions = [s._inline.docPr.get("descr") for s in shapes]
    assert captions == [img.get("alt") for img in page.iter("img")]
    section = document.sections[0]
    assert all(s.width <= section.page_width - section.left_margin - section.right_margin for s in shapes)


def test_the_docx_tables_are_word_tables_with_the_html_cells_and_repeating_headers(document, page):
    html_tables = list(page.iter("table"))
    assert len(document.tables) == len(html_tables) == 10
    public = 0
    for table, source in zip(document.tables, html_tables):
        expected = [[plain(c) for c in tr if c.tag in ("th", "td")] for tr in source.iter("tr")]
        assert [[WHITESPACE.sub("", c.text) for c in row.cells] for row in table.rows] == expected
        header_rows = len(source.findall("./thead/tr"))
        for i, row in enumerate(table.rows):
            properties = row._tr.trPr
            assert properties.find(qn("w:cantSplit")) is not None
            assert (properties.find(qn("w:tblHeader")) is not None) == (i < header_rows)
        public += "public-table" in (source.get("class") or "")
    assert public == 9


def test_the_docx_takes_page_footer_and_fonts_from_the_reference(document):
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.left_margin.cm, 1) == 2.8 and round(section.top_margin.cm, 1) == 3.7
    assert section.different_first_page_header_footer  # no number on the cover
    assert " PAGE " in [t.text for t in section.footer._element.iter(qn("w:instrText"))]
    fonts = {name: document.styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))
             for name in ("Normal", "Heading 1", "Heading 3", "Table Text")}
    assert fonts == {"Normal": "仿宋", "Heading 1": "黑体", "Heading 3": "楷体", "Table Text": "宋体"}


def test_an_office_reference_docx_restyles_the_same_words(html, page, tmp_path):
    office = docx.Document(str(REFERENCE_DOCX))
    office.styles["Normal"].element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    office.sections[0].left_margin = office.sections[0].right_margin = docx.shared.Cm(2)
    path = tmp_path / "office.docx"
    office.save(str(path))
    restyled = docx.Document(io.BytesIO(html_to_docx(html, path)))
    assert restyled.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert round(restyled.sections[0].left_margin.cm, 1) == 2.0
    assert "示范正文样式" not in "".join(p.text for p in restyled.paragraphs)  # the reference's sample is gone
    text = "\0".join(docx_texts(restyled))
    assert [s for s in sentences(page) if s not in text] == []


def test_the_docx_and_the_reference_are_the_same_bytes_each_time(built, html):
    assert html_to_docx(html) == (built / f"{SEED}.docx").read_bytes()
    for template in ("sichuan", "national"):  # each template ships the reference document the script makes
        shipped = REFERENCE_DOCX.parents[1] / template / "reference.docx"
        assert reference_document() == shipped.read_bytes(), \
            f"run: .venv/bin/python -m juesuan.build.reference_docx {shipped.relative_to(REFERENCE_DOCX.parents[3])}"


# --------------------------------------------------------------------------
# Up to date, format by format (the batch's own process, no kernel)


def test_a_format_missing_or_made_otherwise_is_made_again_from_the_kept_html(html, tmp_path):
    year_dir = tmp_path / str(YEAR)
    year_dir.mkdir()
    job = engine.Job(year=YEAR, department=SEED, name=NAME, data_dir=str(ROOT / "data"), notebook="nb.ipynb",
                     notebook_json="{}", output_path=str(year_dir / f"{SEED}.ipynb"),
                     failed_path=str(year_dir / f"{SEED}.failed.ipynb"), title="t", formats=("pdf", "docx"))
    inputs = {"key": "report-1", "formats": {"pdf": "pdf-1", "docx": "docx-1"}}
    rendered = engine.Rendered(department=SEED, ok=True, notebook_json="{}", html=html,
                               files={"pdf": b"%PDF-1", "docx": b"PK-1"})
    assert isinstance(batch._keep(rendered, job, NAME, year_dir, inputs), batch.BuiltReport)
    assert manifest.stale(year_dir, SEED, inputs, formats=inputs["formats"]) == set()
    assert manifest.stale(year_dir, SEED, inputs, formats={"docx": "docx-2"}) == {"docx"}  # another reference
    (year_dir / f"{SEED}.pdf").unlink()
    assert manifest.stale(year_dir, SEED, inputs, formats=inputs["formats"]) == {"pdf"}
    assert manifest.stale(year_dir, SEED, {**inputs, "key": "report-2"}, formats=inputs["formats"]) is None

    # What the batch then does: the Word file alone, from the kept HTML, with no kernel.
    only = engine.Job(**{**job.__dict__, "formats": ("docx",), "html": html})
    remade = engine.render_department(only)
    assert remade.ok and set(remade.files) == {"docx"} and remade.notebook_json is None
    batch._keep(remade, only, NAME, year_dir, {**inputs, "formats": {"docx": "docx-2"}})
    assert manifest.stale(year_dir, SEED, inputs, formats={"docx": "docx-2"}) == set()
    assert (year_dir / f"{SEED}.docx").read_bytes() == html_to_docx(html)
    assert (year_dir / f"{SEED}.ipynb").read_text() == "{}"  # the report itself untouched

    # Rebuilt from other inputs without Word: the older .docx would say something else, and goes.
    newer = {"key": "report-3", "formats": {}}
    batch._keep(engine.Rendered(department=SEED, ok=True, notebook_json="{}", html=html), job, NAME, year_dir,
                newer)
    assert not (year_dir / f"{SEED}.docx").exists()


def test_report_refuses_an_unknown_format(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["report", "--formats", "html,odt"])
    assert stopped.value.code == 2
    assert "格式应为 html, pdf, docx 中的一个或几个" in capsys.readouterr().err
