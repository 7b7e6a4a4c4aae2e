"""Figures that remember where they come from, for reading a published text back into data.

A report is rendered from figures; `juesuan extract` goes the other way. To learn which data row each
number of a template's sentences states, the template is rendered once from figures whose every value
carries its source: an amount its (item, code, year), a count its (item, code), a word of the department's
text its dotted path, a name its code. Arithmetic drops the source (a sum is no row of the data), except
where money.py keeps the operands of a change or a percentage (`money.Derived`). Nothing here is used to
make a report: `TracedFigures` is a `Figures` whose values are the same numbers and words, only marked.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from juesuan.data.figures import Figures
from juesuan.data.money import Derived


class Quantity(Decimal):
    """An amount as a data row gives it: `source` = ("amount", item, code, year); or a part of a breakdown:
    ("breakdown", item, index, "amount")."""

    __slots__ = ("source",)

    def __new__(cls, value, source: tuple):
        obj = Decimal.__new__(cls, value)
        obj.source = source
        return obj

    def __reduce__(self):
        return Quantity, (str(self), self.source)


class Count(int):
    """A count as a data row gives it: `source` = ("count", item, code, year); or how many units are of a kind:
    ("unit_kind", kind)."""

    def __new__(cls, value, source: tuple):
        obj = int.__new__(cls, value)
        obj.source = source
        return obj


class Phrase(str):
    """Words of the data: the department's text (("text", dotted path)), a name (("name", kind, code)),
    a unit's (("unit", index, field)), the department's own (("department", field)) or a breakdown's part's
    (("breakdown", item, index, "label"))."""

    __slots__ = ("source",)

    def __new__(cls, value, source: tuple):
        obj = str.__new__(cls, value)
        obj.source = source
        return obj

    def rstrip(self, chars=None):
        return Phrase(str.rstrip(self, chars), self.source)

    def strip(self, chars=None):
        return Phrase(str.strip(self, chars), self.source)


def source_of(value) -> tuple | None:
    """What a value states, as a plain tuple (nested for a change or a percentage), or None: a value computed
    from several rows, or one the template writes itself."""
    if isinstance(value, (Quantity, Count, Phrase)):
        return value.source
    if isinstance(value, Derived):
        first, second = value.operands
        operands = tuple(source_of(v) or ("value", str(v)) for v in value.operands)
        # the sign of first − second: which of a change's branches (增加/减少) the sentence was written in
        return ("derived", value.operation, *operands, (first > second) - (first < second))
    return None


class TracedFigures(Figures):
    """A department-year's figures, every value marked with its source (see the module's docstring)."""

    def __init__(self, source, text_paths: dict | None = None):
        super().__init__(source)
        self.name = Phrase(source.name, ("department", "name"))
        self.short_name = Phrase(source.short_name, ("department", "short_name"))
        self.text = traced_text(source.text if text_paths is None else text_paths, ("text",))

    def _mark(self, value, item: str, code: str = ""):
        if value is None or isinstance(value, Quantity):
            return value
        return Quantity(value, ("amount", item, code, self.year))

    def stated(self, item, code=""):
        return self._mark(super().stated(item, code), item, code)

    def amount_at(self, item, code):
        return self._mark(super().amount_at(item, code), item, code)

    def value(self, key):
        return self._mark(super().value(key), key)

    def by_code(self, item):
        return {code: self._mark(v, item, code) for code, v in super().by_code(item).items()}

    def count(self, item, code=""):
        n = super().count(item, code)
        return None if n is None else Count(n, ("count", item, code, self.year))

    def count_total(self, item):
        n = super().count_total(item)
        if n is None or self.counts_by_code(item):
            return n  # a sum of rows by code is no row of its own
        return Count(n, ("count", item, "", self.year))

    def function_name(self, code):
        return Phrase(super().function_name(code), ("name", "function", code))

    def economic_name(self, code):
        return Phrase(super().economic_name(code), ("name", "economic", code))

    def line_name(self, code):
        return Phrase(super().line_name(code), ("name", "line", code))

    @property
    def units(self):
        return [dataclasses.replace(u, name=Phrase(u.name, ("unit", i, "name"))) for i, u in enumerate(self.source.units)]

    def unit_kinds(self):
        return [(kind, Count(n, ("unit_kind", kind))) for kind, n in super().unit_kinds()]

    def breakdown(self, item):
        return [(Phrase(label, ("breakdown", item, i, "label")), Quantity(amount, ("breakdown", item, i, "amount")))
                for i, (label, amount) in enumerate(super().breakdown(item))]


class TextTree(dict):
    """The department's text with every word marked by its path; under `answer_all` paths, any field asked
    for is there (a marked placeholder), so that a template renders every sentence it can write."""

    def __init__(self, content: dict, path: tuple, answer_all: bool | frozenset = False):
        # answer_all: False, True (any field is a phrase) or the set of fields that are mappings of their own
        # (reasons.gpb_budget.<code>): any field is there, those as mappings
        super().__init__({k: traced_text(v, path + (str(k),), answer_all) for k, v in content.items()})
        self.path, self.answer_all = path, answer_all

    def __contains__(self, key):
        return self.answer_all or super().__contains__(key)

    def __missing__(self, key):
        if not self.answer_all:
            raise KeyError(key)
        path = self.path + (str(key),)
        if isinstance(self.answer_all, frozenset) and key in self.answer_all:
            return self.setdefault(key, TextTree({}, path, True))
        return Phrase(f"〔{'.'.join(path[1:])}〕", ("text", ".".join(path[1:])))

    def get(self, key, default=None):
        return self[key] if key in self else default


def traced_text(value, path: tuple, answer_all: bool | frozenset = False):
    """A text field, marked: strings become Phrases, lists and mappings are walked."""
    if isinstance(value, TextTree):
        return value
    if isinstance(value, dict):
        return TextTree(value, path, answer_all)
    if isinstance(value, list):
        return [traced_text(v, path + (str(i),), answer_all) for i, v in enumerate(value)]
    if isinstance(value, str) and not isinstance(value, Phrase):
        return Phrase(value, ("text", ".".join(path[1:])))
    return value
