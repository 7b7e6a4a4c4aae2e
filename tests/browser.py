"""Headless Chromium (Debian's, from `make browser`) driven by Playwright, with the network off.

Every request a page makes is recorded; anything but file: and data: is
aborted, so a test sees both what a page tried to fetch and that it works
without it.
"""
from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise RuntimeError("chromium is not installed: run `make browser` (Debian packages chromium, chromium-driver)")
    return path


@dataclass
class Visit:
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @property
    def external(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(("file:", "data:", "about:"))]


@contextlib.contextmanager
def offline_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_offline(browser, url: str, **context_options):
    """A page at `url` with every non-local request aborted and recorded: (page, Visit)."""
    context = browser.new_context(offline=True, **context_options)
    visit = Visit()

    def route(route_obj):
        url_seen = route_obj.request.url
        if url_seen.startswith(("file:", "data:")):
            route_obj.continue_()
        else:
            route_obj.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("requestfailed", lambda request: visit.failed.append(request.url))
    page.on("console", lambda message: visit.console.append(message.text))
    page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
    page.goto(url, wait_until="load")
    return page, visit
