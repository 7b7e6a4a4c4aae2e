"""Untrusted text: a department whose every text is hostile gets a report that shows it as typed.

Department names, unit names, breakdown labels and every field of
text/<id>.yaml hold <script>, <img onerror>, Markdown links to javascript:,
Markdown images and tags pointing at the network, and Jinja syntax. One report
is built through `build_reports` with the real notebook, then opened in
headless Chromium with the network off (tests/browser.py, `make browser`): no
script from data runs (each payload would set `window.__pwned` or
`document.title`), no request leaves the page (every request is file: or
data:), and the payloads are on the page as plain text; its PDF and Word
document (printed with scripts off, every request refused) show them as text too.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
import yaml

from juesuan.build.batch import build_reports
from juesuan.report.report import load_report
from juesuan.data.template import load_template

SECTIONS = [s.key for s in load_template('sichuan').sections]

from browser import offline_browser, open_offline

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
NOTEBOOK = ROOT / "notebooks" / "department_report.ipynb"
SEED = "pzh-swzzb"
YEAR = 2022

SCRIPT = "<script>window.__pwned='script';document.title='PWNED'</script>"
IMG = "<img src=x onerror=\"window.__pwned='img'\">"
SVG = "<svg onload=\"window.__pwned='svg'\"></svg>"
JS_LINK = "[点我](javascript:window.__pwned='link')"
MD_IMAGE = "![t](https://tracker.invalid/md.png)"
REMOTE = "<img src=\"https://tracker.invalid/html.png\"><link rel=stylesheet href=\"https://tracker.invalid/s.css\">"
IFRAME = "<iframe src=\"https://tracker.invalid/\"></iframe>"
JINJA = "{{ 7*7 }}{% if true %}JINJA-RAN{% endif %}"
FIELD_PAYLOAD = f"原因{SCRIPT}{IMG}{SVG}{JS_LINK}{MD_IMAGE}{REMOTE}{IFRAME}{JINJA}"

# Names are at most 100 characters (labels 200): each carries what fits.
NAME = f"恶意部门<script>document.title='PWNED'</script>{IMG}"
SHORT_NAME = f"短名{JS_LINK}{JINJA}"
UNIT_NAMES = [f"单位{SVG}{MD_IMAGE}", "单位<img src=\"https://tracker.invalid/u.png\"><style>@import 'https://tracker.invalid/i.css'</style>"]
LABEL = f"接待{SCRIPT}{IFRAME}{JINJA}"

# What must be on the page as plain text (one from every kind of source).
VISIBLE = [SCRIPT, IMG, JS_LINK, JINJA, MD_IMAGE, NAME, SHORT_NAME, *UNIT_NAMES, LABEL]


def poison(value):
    """Every text of the department's YAML, with the payload appended."""
    if isinstance(value, dict):
        return {k: poison(v) for k, v in value.items()}
    if isinstance(value, list):
        return [poison(v) for v in value]
    if isinstance(value, str):
        return value.rstrip("。") + FIELD_PAYLOAD
    return value


def rewrite_csv(path: Path, change, extra=lambda rows: []) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [rows[0]] + [change(row) or row for row in rows[1:]] + extra(rows[1:]))
    path.write_text(out.getvalue(), encoding="utf-8")


# A second department that fails: its name and the value that breaks it reach the index page as its reason.
FAILING = "hostile-bad"
FAILING_NAME = "坏部门<script>window.__pwned='index'</script>"
BAD_CELL = "<img src=x onerror=\"window.__pwned='reason'\">"


def add_failing_department(year_dir: Path) -> None:
    def copy_rows(rows):
        copies = [[FAILING, *row[1:]] for row in rows if row[0] == SEED]
        return [[c[0], c[1], c[2], BAD_CELL] if c[1] == "income.other" else c for c in copies]
    for name in ("units.csv", "amounts.csv", "counts.csv", "breakdowns.csv"):
        rewrite_csv(year_dir / name, lambda row: None, copy_rows)
    rewrite_csv(year_dir / "departments.csv", lambda row: None, lambda rows: [[FAILING, FAILING_NAME, "坏部门"]])
    shutil.copy(year_dir / "text" / f"{SEED}.yaml", year_dir / "text" / f"{FAILING}.yaml")


def make_hostile_data(target: Path) -> Path:
    data_dir = target / "data"
    data_dir.mkdir()
    for year in ("2022", "2021"):
        shutil.copytree(DATA / year, data_dir / year, ignore=shutil.ignore_patterns("published", "extracted"))
    year_dir = data_dir / str(YEAR)
    assert all(len(n) <= 100 for n in (NAME, SHORT_NAME, *UNIT_NAMES)) and len(LABEL) <= 196

    rewrite_csv(year_dir / "departments.csv", lambda row: [row[0], NAME, SHORT_NAME])
    units = iter(UNIT_NAMES)
    rewrite_csv(year_dir / "units.csv", lambda row: [row[0], next(units), row[2]])
    rewrite_csv(year_dir / "breakdowns.csv",
                lambda row: [row[0], row[1], LABEL + row[2][:4], row[3]])
    text_path = year_dir / "text" / f"{SEED}.yaml"
    text = yaml.safe_load(text_path.read_text(encoding="utf-8"))
    text_path.write_text(yaml.safe_dump(poison(text), allow_unicode=True, width=10_000), encoding="utf-8")
    add_failing_department(year_dir)
    return data_dir


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    data_dir = make_hostile_data(base)
    result = build_reports(YEAR, [(SEED, NAME), (FAILING, FAILING_NAME)], data_dir=data_dir,
                           out_dir=base / "outputs", notebook=NOTEBOOK, progress=False,
                           formats=("html", "pdf", "docx"))
    assert [r.id for r in result.built] == [SEED], result.summary()
    assert [f.id for f in result.failed] == [FAILING]
    assert BAD_CELL[:20] in result.failed[0].reason  # the offending value is quoted in the reason
    return {"data": data_dir, "year_dir": base / "outputs" / str(YEAR)}


@pytest.fixture(scope="module")
def browser():
    with offline_browser() as b:
        yield b


def test_the_hostile_data_is_accepted_as_text(built):
    """The payloads are ordinary text to the loader: nothing is rejected, nothing is stripped."""
    report = load_report(SEED, YEAR, built["data"])
    assert report.current.name == NAME and report.current.short_name == SHORT_NAME
    assert [u.name for u in report.current.units] == UNIT_NAMES
    assert report.current.text["reasons"]["admin_operating_change"].endswith(FIELD_PAYLOAD)


def test_names_labels_and_texts_are_escaped_in_the_markdown(built):
    """Every section (and the title) escapes names, unit names and labels as well as the YAML texts."""
    report = load_report(SEED, YEAR, built["data"])
    parts = {key: report.section(key) for key in SECTIONS}
    parts["title"] = report.title_block() if hasattr(report, "title_block") else f"# {report.title}"
    for key, markdown in parts.items():
        for raw in ("<script", "<img", "<svg", "<iframe", "<link", "<style"):
            assert raw not in markdown, (key, raw)
        # A link or image forms from an unescaped "](": every "]" from data is "\]".
        assert not re.search(r"(?<!\\)\]\((javascript|https?):", markdown), key
        assert "JINJA-RAN" not in markdown.replace("JINJA-RAN{% endif %}", ""), key
    text = "\n".join(parts.values())
    assert "&lt;script&gt;window.\\_\\_pwned" in text
    assert "\\[点我\\](javascript:" in text         # no Markdown link can form
    assert "!\\[t\\](https:" in text                # nor a Markdown image
    assert "{{ 7\\*7 }}{% if true %}JINJA-RAN{% endif %}" in text
    where = {key for key, markdown in parts.items() if "恶意部门" in markdown or "短名" in markdown}
    assert {"title", "part1", "other"} <= where      # names reach the title, 机构设置 and 其他重要事项
    assert "单位&lt;svg" in parts["part1"] and "接待&lt;script&gt;" in parts["three_public_items"]


@pytest.mark.parametrize("page_name", [f"{SEED}.html", "index.html"])
def test_no_script_from_data_runs_and_no_request_leaves(built, browser, page_name):
    page, visit = open_offline(browser, (built["year_dir"] / page_name).as_uri())
    page.wait_for_timeout(300)  # onerror and onload handlers would have fired by now
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.title() != "PWNED"
    if page_name == "index.html":  # the failed department's name and reason are shown, as text
        body = page.inner_text("body")
        assert NAME in body and FAILING_NAME in body and BAD_CELL[:20] in body
    else:
        assert NAME in page.title()
    assert visit.page_errors == []
    assert visit.external == [], visit.external
    assert all(url.startswith(("file:", "data:")) for url in visit.requests), visit.requests
    # Nothing from data became an element or an attribute.
    assert page.evaluate("document.querySelectorAll('iframe, svg[onload], img[onerror], link[href^=http]').length") == 0
    assert page.evaluate("document.querySelectorAll('a[href^=\"javascript:\"], [src^=\"https://tracker\"]').length") \
        == 0
    scripts = page.eval_on_selector_all("script", "ss => ss.map(s => s.textContent)")
    assert not any("__pwned" in s for s in scripts)
    handlers = page.evaluate("""Array.from(document.querySelectorAll('*')).flatMap(e =>
        Array.from(e.attributes).filter(a => a.name.startsWith('on')).map(a => a.value))""")
    assert not any("__pwned" in h for h in handlers)


def test_the_payloads_read_as_plain_text(built, browser):
    page, _ = open_offline(browser, (built["year_dir"] / f"{SEED}.html").as_uri())
    body = page.inner_text("body")
    for payload in VISIBLE:
        assert payload in body, payload
    assert "JINJA-RAN" not in body.replace(JINJA, "")  # the {% if %} was not evaluated


def test_the_payloads_read_as_plain_text_in_the_pdf_and_the_docx(built):
    import docx
    from pypdf import PdfReader

    def squeezed(text: str) -> str:  # the PDF breaks lines anywhere
        return re.sub(r"\s+", "", text)

    pdf = squeezed("".join(p.extract_text() for p in PdfReader(built["year_dir"] / f"{SEED}.pdf").pages))
    document = docx.Document(str(built["year_dir"] / f"{SEED}.docx"))
    word = "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])
    for payload in VISIBLE:
        assert squeezed(payload) in pdf, payload
        assert payload in word, payload
    assert "JINJA-RAN" not in word.replace(JINJA, "")
