"""Start-up costs the batch's processes (parent, workers, kernels) need not pay.

``import nbformat`` imports jsonschema, whose format checkers import
``rfc3987_syntax`` when it is installed (JupyterLab's jupyter-events brings it),
and that module compiles a Lark grammar at import: about 1.1 s of CPU in every
process, i.e. more than a report's own work, paid again by each worker and each
kernel (benchmarks/README.md, "Where the time goes"). The grammar only checks the
``iri`` formats of JSON schemas that ask for format checking; nbformat validates
notebooks without a format checker, so nothing the batch does uses it.
"""
from __future__ import annotations

import sys

__all__ = ["skip_uri_syntax_grammar"]


def skip_uri_syntax_grammar() -> None:
    """Make ``import rfc3987_syntax`` fail in this process (jsonschema treats it as absent), unless it is already in.

    Called by the batch's processes only, before they import nbformat; a process
    that has already imported the module (it needs it) keeps it.
    """
    sys.modules.setdefault("rfc3987_syntax", None)
