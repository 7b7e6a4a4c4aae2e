"""The report's words: Markdown rendered from a template folder's Jinja2 files (see `template.py`).

Wording lives in templates/<name>/*.md.j2, so a province or a year can change
it without touching Python. Every value that comes from data is escaped for
Markdown and HTML before it reaches the page: data is shown, never obeyed.
"""
from __future__ import annotations

import html
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from juesuan.resources import PACKAGE_DIR
from juesuan.data.formatting import SEED_STYLE, NumberStyle, chinese_numeral, format_amount, format_percent
from juesuan.data.template import Template

TEMPLATE_DIR = PACKAGE_DIR / "templates" / "sichuan"
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]#|$~])")


def escape_markdown(text: str) -> str:
    """Backslash-escape what Markdown would read as markup (links, emphasis, code, math)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def _finalize(value):
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return escape_markdown(str(value))




def _reason_clause(reason: str) -> str:
    """'主要原因' + '一是…，二是…' or '主要原因' + '是…'."""
    reason = str(reason).strip().rstrip("。")
    return reason if reason.startswith(("一是", "是")) else "是" + reason


def reason_of_clause(clause: str) -> str:
    """The reason a clause (_reason_clause) was written from: a reason that began with 是 reads back without it."""
    return clause[1:] if clause.startswith("是") else clause


def _paragraphs(text) -> list[str]:
    if isinstance(text, list):
        return [str(t).strip() for t in text if str(t).strip()]
    return [p.strip() for p in str(text).splitlines() if p.strip()]


#: Around each number a tagged rendering writes (`environment(..., tagged=True)`): start, kind, the number as
#: written, end. Kinds: a amount, p percentage, n any other number (counts, years, list numbers); rendering
#: with sources, also t words of the data, z a zero written in words (（无）), c a list number in Chinese
#: numerals (（一）). Private-use
#: characters, so that no text of a report or of data contains them.
TAG_START, TAG_END, TAG_SOURCE = "\ue000", "\ue001", "\ue002"
TAG = re.compile("\ue000([apntzc])([^\ue001\ue002]*)(?:\ue002([0-9a-f]*))?\ue001")
#: Around each pass of a loop, in a rendering with sources (`environment(..., tagged="sources")`): the
#: sentences a loop writes once per line are read back as many times as a text has lines.
LOOP_START, LOOP_END = "\ue003", "\ue004"
_FOR = re.compile(r"(\{%-?\s*for\b.*?%\})", re.S)
_ENDFOR = re.compile(r"(\{%-?\s*endfor\s*-?%\})")


def _tag(kind: str, text: str, source: tuple | None = None) -> Markup:
    """A tagged value: kind, text as written, and (rendering with sources) what it states, as hex of its repr
    (so that no Markdown or punctuation rule of the page touches it)."""
    marked = f"{TAG_SOURCE}{repr(source).encode().hex()}" if source is not None else ""
    return Markup(f"{TAG_START}{kind}{text}{marked}{TAG_END}")


def tag_source(match: re.Match) -> tuple | None:
    """The source a TAG match carries (None: a value the template computes or writes itself)."""
    import ast

    return ast.literal_eval(bytes.fromhex(match.group(3)).decode()) if match.group(3) else None


class _LoopMarkingLoader(jinja2.FileSystemLoader):
    """Each pass of each `for` loop of a template bracketed by LOOP_START … LOOP_END."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        return _ENDFOR.sub(LOOP_END + r"\1", _FOR.sub(r"\1" + LOOP_START, source)), filename, uptodate


@lru_cache(maxsize=32)
def environment(template_dir: Path = TEMPLATE_DIR, style: NumberStyle = SEED_STYLE,
                tagged: bool | str = False) -> jinja2.Environment:
    """The Jinja environment of a template folder, its numbers written in the template's style.

    `tagged`: each number the template writes is marked with its kind (TAG), so that the audit can read the
    template's own sentences as patterns, the numbers their variable parts (template_audit.py).
    `tagged="sources"`: also each word of the data (a Phrase), and with each value what it states
    (provenance.source_of), each pass of a loop bracketed: how `juesuan extract` reads a text back."""
    from juesuan.data.provenance import Phrase, source_of

    sources = tagged == "sources"

    def amount_or_none(value: Decimal) -> str:
        """结转结余 of zero reads （无）, as the seed's attachment writes it."""
        if sources:
            return _tag("z", "（无）", source_of(value)) if value == 0 else Markup(f"{amount(value)}万元")
        return "（无）" if value == 0 else f"{format_amount(value, style)}万元"

    def finalize(value):
        if tagged and isinstance(value, int) and not isinstance(value, bool):
            return _tag("n", str(value), source_of(value) if sources else None)
        if sources and isinstance(value, Phrase):
            return _tag("t", escape_markdown(str(value)), value.source)
        return _finalize(value)

    def reason_clause(reason):
        clause = _reason_clause(reason)
        # marked: what is read back from the clause is the reason without the 是 the clause may add
        return Phrase(clause, reason.source + ("clause",)) if sources and isinstance(reason, Phrase) else clause

    def unchanged(change) -> str:
        """Nothing to the reader; read back (a rendering with sources), the change of 0 that 持平 states."""
        return _tag("z", "", source_of(change.amount)) if sources else ""

    def paragraphs(text):
        out = _paragraphs(text)
        if sources and isinstance(text, Phrase):
            return [Phrase(p, text.source + ("paragraph", i)) for i, p in enumerate(out)]
        return out

    @jinja2.pass_eval_context
    def join(eval_context, items, separator=""):
        """A list of the department's words joined is one phrase of the list's (read back, split again)."""
        items = list(items)
        if items and all(isinstance(i, Phrase) for i in items):
            path = items[0].source[1].rsplit(".", 1)[0]
            return Phrase(separator.join(items), ("text", path, "joined", separator))
        return jinja2.filters.do_join(eval_context, items, separator)

    env = jinja2.Environment(
        loader=(_LoopMarkingLoader if sources else jinja2.FileSystemLoader)(str(template_dir)),
        autoescape=True,
        finalize=finalize,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    amount, percent = (lambda v: format_amount(v, style)), (lambda v: format_percent(v, style))
    if tagged:
        def amount(v):
            return _tag("a", format_amount(v, style), source_of(v) if sources else None)

        def percent(v):
            return _tag("p", format_percent(v, style), source_of(v) if sources else None)
    env.filters.update(amt=amount, pct=percent,
                       amt_or_none=amount_or_none,
                       cn=(lambda n: _tag("c", chinese_numeral(n))) if sources else chinese_numeral,
                       reason_clause=reason_clause, paragraphs=paragraphs, unchanged=unchanged)
    if sources:
        env.filters["join"] = join
    return env


def markdown_to_text(markdown: str) -> str:
    """What a reader sees of the report's Markdown: no #, no **, no backslash escapes, no entities."""
    lines = []
    for line in markdown.splitlines():
        line = re.sub(r"^#+\s*", "", line)
        line = line.replace("**", "")
        line = re.sub(r"\\(.)", r"\1", line)
        lines.append(html.unescape(line))
    return "\n".join(lines)


def render(folder: Path, file: str, context: dict, style: NumberStyle = SEED_STYLE, tagged: bool = False) -> str:
    """A Jinja file of `folder` as Markdown (its numbers tagged: see `environment`)."""
    text = environment(folder, style, tagged).get_template(file).render(**context)
    # Templates are laid out for reading; the page wants single blank lines.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_template(template: Template, file: str, context: dict, tagged: bool = False) -> str:
    """One of a template's Jinja files (a section, its title) as Markdown, in its number style."""
    return render(template.folder, file, context, template.number_style, tagged)


def render_template_string(template: Template, source: str, context: dict) -> str:
    """A line the manifest itself holds (the 公开表 heading), rendered like the template's files."""
    return environment(template.folder, template.number_style).from_string(source).render(**context)
