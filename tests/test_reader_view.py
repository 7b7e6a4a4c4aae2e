"""The seed department's report and the year's index, opened in headless Chromium with the network off,
as a reviewer opens them: nothing fetched, every image decodes, the 目录 links land, it prints to PDF.

The build goes to outputs/2022/ (what `make report` writes), with a screenshot of the first screen
saved beside the report as outputs/2022/pzh-swzzb.png.
"""
import re
from pathlib import Path

import pytest

from juesuan.batch import build_reports

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
