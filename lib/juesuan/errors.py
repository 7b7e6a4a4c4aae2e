"""Errors that tell a person what to fix: which file, which department, which field, what was expected."""
from __future__ import annotations

import unicodedata

# Characters that would let data rewrite a terminal line or reorder it on screen:
# control characters (newlines, ESC sequences…) and the bidirectional overrides.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def has_control_characters(text: str) -> bool:
    """True when `text` holds a control character (tab and newline included) or a bidi override."""
    return any(unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS for c in text)


def printable(text: object) -> str:
    """`text` for one line of a terminal: control characters shown as escapes (\\n, \\x1b, \\u202e)."""
    text = str(text)
    if not has_control_characters(text):
        return text
    return "".join(c.encode("unicode_escape").decode("ascii")
                   if unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS else c for c in text)


class DataError(Exception):
    """One problem in the data, located precisely enough to fix without reading code."""

    def __init__(self, file, department: str | None, field: str, expected: str,
                 got: object = None, row: int | None = None, line: int | None = None, item: str | None = None):
        self.file = str(file)
        # The amount item the problem concerns, where known (a row that could not be read, a missing row,
        # a reason for a figure): what else to check is decided by it, so that one mistake is said once.
        self.item = item
        self.line = line  # a line of a text file (YAML); `row` is a CSV row, the header being row 1
        self.department = department
        self.field = field
        self.expected = expected
        self.got = got
        self.row = row
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """One line in Chinese, whatever the data holds: values from data never bring their own line breaks.

        File names, field keys and values stay as written, so that a message can be searched for in the data.
        """
        where = printable(self.file) + (f" 第{self.row}行" if self.row is not None else "") \
            + (f" 第{self.line}行" if self.line is not None else "")
        who = f"部门 {printable(self.department)}" if self.department else "全部部门"
        text = f"{where}：{who}：{printable(self.field)}：应为{printable(self.expected)}"
        if self.got is not None:
            got = str(self.got)
            if len(got) > 60:
                got = got[:57] + "..."
            text += f"，实为 {got!r}"
        return text

    def __eq__(self, other):
        """The same problem found twice (e.g. by two years' checks) is one problem."""
        return isinstance(other, DataError) and other.message == self.message

    def __hash__(self):
        return hash(self.message)


class DataErrors(Exception):
    """Several data errors at once; str() is the first, .errors has all of them."""

    def __init__(self, errors: list[DataError]):
        self.errors = errors
        first = errors[0].message if errors else "没有错误"
        super().__init__(first if len(errors) < 2 else f"{first}（共{len(errors)}个问题，juesuan validate 列出全部）")
