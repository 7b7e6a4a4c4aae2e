"""Errors that tell a person what to fix: which file, which department, which field, what was expected."""
from __future__ import annotations


class DataError(Exception):
    """One problem in the data, located precisely enough to fix without reading code."""

    def __init__(self, file, department: str | None, field: str, expected: str,
                 got: object = None, row: int | None = None):
        self.file = str(file)
        self.department = department
        self.field = field
        self.expected = expected
        self.got = got
        self.row = row
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = self.file + (f" row {self.row}" if self.row is not None else "")
        who = f"department {self.department}" if self.department else "all departments"
        text = f"{where}: {who}: {self.field}: expected {self.expected}"
        if self.got is not None:
            got = str(self.got)
            if len(got) > 60:
                got = got[:57] + "..."
            text += f", got {got!r}"
        return text


class DataErrors(Exception):
    """Several data errors at once; str() is the first, .errors has all of them."""

    def __init__(self, errors: list[DataError]):
        self.errors = errors
        super().__init__(errors[0].message if errors else "no errors")
