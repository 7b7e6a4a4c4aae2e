"""The seed department's report and the year's index, opened in headless Chromium with the network off,
as a reviewer opens them: nothing fetched, every image decodes, the 目录 links land, it prints to PDF.

The build goes to outputs/2022/ (what `make report` writes), with screenshots saved beside the report:
the first screen (outputs/2022/pzh-swzzb.png), a 公开表 (pzh-swzzb-public-table.png) and the index
(index.png). On a machine without a Chinese font they show whether any character is drawn as a box.
"""
import base64
import io
import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from juesuan.build.batch import build_reports
from juesuan.build.webfont import FAMILY

from browser import offline_browser, open_offline

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "outputs"


@pytest.fixture(scope="module")
def built():
    result = build_reports(2022, [("pzh-swzzb", "攀枝花市委组织部")], data_dir=ROOT / "data", out_dir=OUT,
                           notebook=ROOT / "notebooks" / "department_report.ipynb", progress=False)
    assert result.ok, result.summary()
    return OUT / "2022"


@pytest.fixture(scope="module")
def browser():
    with offline_browser() as b:
        yield b


def test_report_loads_offline_with_no_request_out_and_every_image_decoded(built, browser):
    page, visit = open_offline(browser, (built / "pzh-swzzb.html").as_uri(), viewport={"width": 1100, "height": 900})
    assert visit.external == [] and visit.failed == [] and visit.page_errors == []
    images = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.alt])")
    assert len(images) == 7
    assert all(complete and width > 0 for complete, width, _ in images)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.title() == "攀枝花市委组织部2022年度部门决算"
    page.screenshot(path=str(built / "pzh-swzzb.png"))


def test_the_embedded_font_is_the_one_used(built, browser):
    page, _ = open_offline(browser, (built / "pzh-swzzb.html").as_uri())
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Juesuan Sans SC\"', '部门决算')")
    loaded = page.evaluate("Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family)")
    assert any("Juesuan Sans SC" in family for family in loaded)


def test_every_table_of_contents_link_lands_on_its_heading(built, browser):
    page, _ = open_offline(browser, (built / "pzh-swzzb.html").as_uri())
    links = page.eval_on_selector_all("main a[href^='#']:not(.anchor-link)", "as => as.map(a => [a.getAttribute('href'), a.textContent])")
    assert len(links) >= 30
    for href, text in links:
        page.evaluate(f"location.hash = {href!r}")
        target = page.evaluate("(() => { const t = document.querySelector(':target'); return t ? t.textContent : null; })()")
        assert target is not None and text in target, (href, text, target)


def test_report_prints_to_pdf(built, browser):
    page, _ = open_offline(browser, (built / "pzh-swzzb.html").as_uri())
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages >= 6  # the title and 目录, then each of the five parts on a page of its own


def test_index_opens_offline_and_sorts(built, browser):
    page, visit = open_offline(browser, (built / "index.html").as_uri())
    assert visit.external == [] and visit.failed == [] and visit.page_errors == []
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    page.click("th:has-text('收、支总计')")
    assert page.get_attribute("th:has-text('收、支总计')", "aria-sort") == "ascending"
    page.click("a[href='pzh-swzzb.html']")
    assert page.url.endswith("pzh-swzzb.html")


# --------------------------------------------------------------------------
# On a machine without a Chinese font (this one: `fc-list :lang=zh` prints nothing), every character
# drawn comes from the page's embedded font: none falls back to a font that has no glyph for it (a box).

# Each rendered text node, and the generated content of ::before/::after, with the font stack it is drawn
# in; the node's element is marked data-fontcheck=N for the DevTools protocol, which names the fonts used.
RENDERED_TEXT = """() => {
  const found = [];
  const skip = "script, style, noscript, template, title";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || element.closest(skip) || !/[^\\n\\r\\t ]/.test(node.data)) continue;
    const style = getComputedStyle(element);
    if (!element.getClientRects().length || style.visibility !== "visible") continue;
    if (!element.hasAttribute("data-fontcheck")) element.setAttribute("data-fontcheck", String(found.length));
    found.push({where: element.tagName + "#" + element.getAttribute("data-fontcheck"), text: node.data,
                family: style.fontFamily, mark: element.getAttribute("data-fontcheck")});
  }
  for (const element of document.body.querySelectorAll("*")) {
    for (const pseudo of ["::before", "::after"]) {
      const style = getComputedStyle(element, pseudo);
      if (!/^["']/.test(style.content)) continue;
      found.push({where: element.tagName + pseudo, text: style.content.slice(1, -1), family: style.fontFamily,
                  mark: null});
    }
  }
  return found;
}"""


def font_stack(family: str) -> list[str]:
    return [f.strip().strip('"\'') for f in family.split(",")]


def unrendered_characters(page, html: str) -> list[str]:
    """Every place a character of the page would not be drawn by the embedded font (empty: none)."""
    data = re.search(r"url\(data:font/otf;base64,([A-Za-z0-9+/=]+)\)", html).group(1)
    cmap = TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()
    assert page.evaluate("document.fonts.ready.then(() => document.fonts.check('16px \"%s\"', '部'))" % FAMILY)
    nodes = page.evaluate(RENDERED_TEXT)
    assert len(nodes) > 10
    problems = []
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    for node in nodes:
        stack = font_stack(node["family"])
        missing = sorted({c for c in node["text"] if c not in "\n\r\t" and ord(c) not in cmap})
        if missing:
            problems.append(f"{node['where']} {node['text'][:40]!r}: not in the embedded font: "
                            + " ".join(f"U+{ord(c):04X}" for c in missing))
        if FAMILY not in stack:
            problems.append(f"{node['where']} {node['text'][:40]!r}: font stack without {FAMILY}: {stack}")
        if node["mark"] is not None and stack[0] == FAMILY:
            # What Chromium drew the node's text with: the embedded font and nothing else.
            node_id = session.send("DOM.querySelector", {"nodeId": root,
                                                         "selector": f'[data-fontcheck="{node["mark"]}"]'})["nodeId"]
            fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})["fonts"]
            others = [f["familyName"] for f in fonts if not f["isCustomFont"]]
            if others:
                problems.append(f"{node['where']} {node['text'][:40]!r}: drawn with {others}")
    session.detach()
    return problems


def test_no_character_of_the_report_falls_back_to_a_missing_glyph(built, browser):
    html = (built / "pzh-swzzb.html").read_text(encoding="utf-8")
    assert "\u3000" in html  # the 公开表 titles and indented rows
    page, _ = open_offline(browser, (built / "pzh-swzzb.html").as_uri(), viewport={"width": 1100, "height": 900})
    assert unrendered_characters(page, html) == []
    # A 公开表 as a reviewer sees it, from its title (公开07表: its sub-items are indented with U+3000).
    page.evaluate("""() => { const t = document.getElementById("T_公开07表");
                             const h = [...document.querySelectorAll("h1,h2,h3,h4")]
                                .filter(e => e.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING).pop();
                             h.scrollIntoView(); }""")
    page.screenshot(path=str(built / "pzh-swzzb-public-table.png"))


def test_no_character_of_the_index_falls_back_to_a_missing_glyph(built, browser):
    html = (built / "index.html").read_text(encoding="utf-8")
    page, _ = open_offline(browser, (built / "index.html").as_uri(), viewport={"width": 1280, "height": 900})
    page.click("th:has-text('收、支总计')")  # the sort arrow ▲ is generated content
    assert unrendered_characters(page, html) == []
    page.screenshot(path=str(built / "index.png"))
