"""Files the package reads that are not Python: where they are, installed or in a checkout.

Templates, fonts and the HTML template live inside the package folder and are
found next to the modules. The report notebook is kept where analysts open it,
``notebooks/department_report.ipynb`` at the top of the repository; a built
wheel carries a copy inside the package (``juesuan/notebooks/``, copied by
``setup.py`` at build time). :func:`report_notebook` finds that copy first, and
the repository's notebook only in a source checkout (an editable install).
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["NOTEBOOK_NAME", "PACKAGE_DIR", "report_notebook", "source_checkout"]

PACKAGE_DIR = Path(__file__).resolve().parent
NOTEBOOK_NAME = "department_report.ipynb"


def source_checkout() -> Path | None:
    """The repository this package is imported from (``lib/juesuan`` in it), or None when installed."""
    root = PACKAGE_DIR.parents[1]
    if PACKAGE_DIR.parent.name == "lib" and (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir():
        return root
    return None


def report_notebook(name: str = NOTEBOOK_NAME) -> Path:
    """A report notebook (a template's `notebook`, the seed's by default): the copy inside the installed
    package, else the checkout's ``notebooks/``."""
    shipped = PACKAGE_DIR / "notebooks" / name
    if shipped.is_file():
        return shipped
    root = source_checkout()
    if root is not None and (root / "notebooks" / name).is_file():
        return root / "notebooks" / name
    raise FileNotFoundError(
        f"the report notebook {name} is neither in the package ({shipped}) nor in a source "
        "checkout: reinstall juesuan, or pass --notebook PATH")
