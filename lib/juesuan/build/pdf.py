"""The report as a PDF to publish: its own HTML, printed by headless Chromium.

Why Chromium (driven by Playwright, as nbconvert's ``webpdf`` exporter drives
it) and not WeasyPrint: the PDF is then the HTML page a reviewer opens, laid
out by the same engine (line breaks, table widths, the embedded font), and
the project already installs Debian's ``chromium`` for its browser tests;
Chromium lays out and prints a report in about half a second, where
WeasyPrint's Python layout takes seconds and needs Pango from the system.
What Chromium lacks, page numbers in the 目录 (CSS ``target-counter``), is
made with a second pass: the first print says, through its named
destinations, on which page each heading landed, and the second prints the
same page with those numbers written into the 目录. The numbers sit in
boxes of a fixed width, so writing them moves nothing.

:func:`print_page` turns the report's HTML into the page that is printed:

* the first ``<h1>`` becomes the cover; each ``<h2>`` (a part) starts a page;
* the 目录 (the list whose every link leads to a heading of the page) gets a
  dotted leader and the page number of each entry;
* ``html_template/static/print.css`` adds A4 pages, the page number in the
  footer (not on the cover), header rows repeated on every page a table
  reaches and no row cut in two;
* the embedded font is replaced by the same subset with TrueType outlines
  (:func:`juesuan.build.webfont.truetype_subset`): Skia, Chromium's PDF writer,
  embeds those as a subset font, where it would draw CFF glyphs as Type 3
  pictures.

:class:`Printer` keeps one headless Chromium per process and prints with
JavaScript off and every request that is not a ``data:`` URL refused and
recorded: a report needs nothing else, and nothing it says can reach the
network. :func:`html_to_pdf` is the whole way from a report's HTML to PDF
bytes. The PDF is tagged (headings, paragraphs, tables and figures with
their alt text for screen readers) and has an outline of the headings (the
bookmarks pane); its creation and modification dates are left out and the
ids Chromium gives its tagged elements renumbered, so that the same report
prints to the same bytes.
"""
from __future__ import annotations

import io
import queue
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote
from juesuan.resources import PACKAGE_DIR

__all__ = ["PdfError", "Printer", "html_to_pdf", "print_page", "printer"]

PRINT_CSS = PACKAGE_DIR / "html_template" / "static" / "print.css"
#: The 目录 links at least this many headings; a shorter list of links is not taken for it.
MIN_TOC_ENTRIES = 3
DIGITS = "0123456789"
#: A table of more rows than this would not fit on one page anyway: it is not moved to a page of its own first.
LONG_TABLE_ROWS = 30
#: Seconds one page may take to load or print before the report fails.
TIMEOUT_S = 120
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-quic",
                 "--disable-extensions", "--mute-audio"]


class PdfError(RuntimeError):
    """The PDF could not be made; str() says why in one line."""


# --------------------------------------------------------------------------
# The page that is printed


def print_page(html: str) -> str:
    """The report's HTML as the page Chromium prints (see the module's doc), the 目录's page numbers left blank."""
    import lxml.html

    doc = lxml.html.document_fromstring(html)
    for old_font in doc.xpath('//style[@id="juesuan-font"]'):
        old_font.getparent().remove(old_font)  # made again below, with TrueType outlines
    for anchor in doc.xpath('//a[contains(concat(" ", normalize-space(@class), " "), " anchor-link ")]'):
        _drop_keeping_tail(anchor)
    titles = doc.xpath("//h1")
    if titles:
        titles[0].set("class", (titles[0].get("class", "") + " cover").strip())
    for table in doc.xpath("//table"):
        if len(table.xpath("./tbody/tr|./tr")) > LONG_TABLE_ROWS:
            table.set("class", (table.get("class", "") + " long").strip())
    toc = table_of_contents(doc)
    if toc is not None:
        _lay_out_toc(toc)
    head = doc.find("head")
    style = lxml.html.Element("style")
    style.set("id", "juesuan-print")
    style.text = PRINT_CSS.read_text(encoding="utf-8")
    head.append(style)
    page = lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")
    from juesuan.build.webfont import embed_truetype_font

    # The digits are in the font whatever the page says: the second pass writes page numbers with them.
    return embed_truetype_font(page, extra=DIGITS)


def _drop_keeping_tail(element) -> None:
    parent = element.getparent()
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def table_of_contents(doc):
    """The page's 目录: the first list of at least MIN_TOC_ENTRIES links, each to a heading of the page."""
    headings = {h.get("id") for h in doc.xpath("//h1|//h2|//h3|//h4|//h5|//h6") if h.get("id")}
    for candidate in doc.xpath("//ul[not(ancestor::ul)]"):
        links = candidate.xpath(".//a")
        if len(links) >= MIN_TOC_ENTRIES and all(
                (a.get("href") or "").startswith("#") and a.get("href")[1:] in headings for a in links):
            return candidate
    return None


def _lay_out_toc(toc) -> None:
    """Each entry as title, dotted leader and an empty box for its page number."""
    import lxml.html

    toc.set("class", (toc.get("class", "") + " toc").strip())
    for link in toc.xpath(".//a"):
        title = lxml.html.Element("span")
        title.set("class", "toc-title")
        title.text = link.text
        for child in list(link):
            title.append(child)
        link.text = None
        link.append(title)
        for name in ("toc-leader", "toc-page"):
            box = lxml.html.Element("span")
            box.set("class", name)
            link.append(box)
        link[-1].set("data-target", link.get("href")[1:])


#: Writes each 目录 entry's page number (given as {element id: page}); returns the first id without one, or null.
_WRITE_TOC_PAGES = """pages => {
  for (const box of document.querySelectorAll("ul.toc span.toc-page")) {
    const page = pages[box.dataset.target];
    if (page === undefined) return box.dataset.target;
    box.textContent = String(page);
  }
  return null;
}"""


# --------------------------------------------------------------------------
# Chromium


def chromium_path() -> str:
    """Debian's chromium (``make browser``); Playwright is never asked to download a browser of its own."""
    path = shutil.which("chromium")
    if path is None:
        raise PdfError("PDF 需要 Chromium：以 root 运行 make browser，或 apt-get install chromium")
    return path


class Printer:
    """One headless Chromium, started on first use and kept for the process, on a thread of its own.

    Playwright's synchronous API runs an event loop of its own on the thread
    that calls it; a worker's thread also drives its kernel through
    jupyter_client's loop. The browser therefore lives on a thread of its own,
    and :meth:`pdf` hands it each page. Every request a page makes is recorded
    in :attr:`requests`; only ``data:`` URLs are served.
    """

    def __init__(self):
        self._jobs: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._playwright = None
        self._browser = None
        self._page = self._page_browser = None
        #: Every URL the pages printed by this printer asked for, in order.
        self.requests: list[str] = []
        #: Browsers started (one, unless one crashed).
        self.starts = 0

    # ---- on the printer's thread
    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                self._stop_browser()
                return
            function, args, done = job
            try:
                done.put((True, function(*args)))
            except BaseException as exc:  # noqa: BLE001 -- handed to the caller
                done.put((False, exc))

    def _browser_ready(self):
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        self._stop_browser()
        from playwright.sync_api import sync_playwright

        executable = chromium_path()
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(executable_path=executable, headless=True,
                                                             args=CHROMIUM_ARGS, timeout=TIMEOUT_S * 1000)
        except Exception:
            self._stop_browser()
            raise
        self.starts += 1
        return self._browser

    def _stop_browser(self) -> None:
        self._drop_tab()
        browser, playwright = self._browser, self._playwright
        self._browser = self._playwright = None
        for close in (browser and browser.close, playwright and playwright.stop):
            if close is not None:
                try:
                    close()
                except Exception:  # noqa: BLE001 -- already gone
                    pass

    def _tab(self):
        """The printer's one tab, in a context of its own: JavaScript off, offline, only data: URLs served."""
        if self._page is not None and not self._page.is_closed() and self._browser_ready() is self._page_browser:
            return self._page
        browser = self._browser_ready()
        context = browser.new_context(offline=True, java_script_enabled=False)

        def route(route_obj):
            url = route_obj.request.url
            self.requests.append(url)
            if url.startswith("data:"):
                route_obj.continue_()
            else:
                route_obj.abort("blockedbyclient")

        context.route("**/*", route)
        context.set_default_timeout(TIMEOUT_S * 1000)
        self._page, self._page_browser = context.new_page(), browser
        return self._page

    def _print(self, page: str, numbered_toc: bool) -> bytes:
        tab = self._tab()
        try:
            tab.set_content(page, wait_until="load")
            if numbered_toc:
                # The first print only measures where the headings land: no outline or tags to compute.
                first = tab.pdf(prefer_css_page_size=True, print_background=True)
                # Our own script, run by Playwright while the page's scripts stay off.
                missing = tab.evaluate(_WRITE_TOC_PAGES, destination_pages(first))
                if missing is not None:
                    raise PdfError(f"目录的条目 {unquote(missing)} 在 PDF 中找不到所在的页")
            return tab.pdf(prefer_css_page_size=True, print_background=True, outline=True, tagged=True)
        except BaseException:
            self._drop_tab()  # whatever state it was left in, the next report gets a new one
            raise

    def _drop_tab(self) -> None:
        page, self._page, self._page_browser = self._page, None, None
        if page is not None:
            try:
                page.context.close()
            except Exception:  # noqa: BLE001 -- the browser is gone with it
                pass

    # ---- from any thread
    def _call(self, function, *args):
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._serve, name="juesuan-pdf", daemon=True)
                self._thread.start()
        done: queue.Queue = queue.Queue(maxsize=1)
        self._jobs.put((function, args, done))
        ok, value = done.get()
        if not ok:
            raise value
        return value

    def pdf(self, page: str, *, toc: bool = True) -> bytes:
        """The PDF of a page made by :func:`print_page`; with ``toc``, printed twice to number its 目录."""
        try:
            printed = self._call(self._print, page, toc and "toc-page" in page)
        except PdfError:
            raise
        except Exception as exc:  # noqa: BLE001 -- Playwright's errors carry a call log: its first line says it
            raise PdfError(f"Chromium 未能打印 PDF：{_first_line(exc)}") from None
        return reproducible(printed)

    def close(self) -> None:
        """Stop the browser and the printer's thread."""
        with self._lock:
            thread = self._thread
            self._thread = None
        if thread is not None and thread.is_alive():
            self._jobs.put(None)
            thread.join(timeout=30)


def _first_line(exc: BaseException) -> str:
    for line in str(exc).splitlines():
        if line.strip():
            return line.strip()
    return type(exc).__name__


def destination_pages(pdf: bytes) -> dict[str, int]:
    """Each named destination (an element id Chromium kept as a link target) and its page, the cover being 1."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return {name.lstrip("/"): reader.get_destination_page_number(dest) + 1
            for name, dest in reader.named_destinations.items()}


_DATES = re.compile(rb"/(?:CreationDate|ModDate) \(D:[0-9+\-Z']*\)")
#: Chromium names each tagged element after its DOM node, numbered by the browser across every page it loaded.
_NODE_IDS = re.compile(rb"\bnode(\d{8})\b")


def reproducible(pdf: bytes) -> bytes:
    """The PDF without what differs from one printing to the next, changed in place (every offset stays right):
    the creation and modification dates blanked, and the tagged elements' ids numbered from 1 in the order of
    the browser's (so the tree of ids stays sorted)."""
    pdf = _DATES.sub(lambda m: b" " * len(m.group(0)), pdf)
    ranks = {old: f"{i:08d}".encode() for i, old in enumerate(sorted(set(_NODE_IDS.findall(pdf))), start=1)}
    return _NODE_IDS.sub(lambda m: b"node" + ranks[m.group(1)], pdf)


_printer: Printer | None = None
_printer_lock = threading.Lock()


def printer() -> Printer:
    """This process's printer (one Chromium), closed when the process exits."""
    global _printer
    with _printer_lock:
        if _printer is None:
            _printer = Printer()
            import atexit
            from multiprocessing import util

            atexit.register(_printer.close)
            # Pool workers leave through os._exit, which skips atexit; Finalize runs.
            util.Finalize(None, _printer.close, exitpriority=90)
        return _printer


def html_to_pdf(html: str, *, using: Printer | None = None) -> bytes:
    """A report's HTML (as :func:`juesuan.build.export.notebook_to_html` writes it) as a PDF to publish."""
    page = print_page(html)
    return (using or printer()).pdf(page)
