"""juesuan.build.lean_imports: the batch's processes skip the URI grammar, and notebooks are validated as before."""
from __future__ import annotations

import subprocess
import sys
import textwrap


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_nbformat_still_validates_without_the_uri_grammar():
    out = run("""
        import sys
        from juesuan.build.lean_imports import skip_uri_syntax_grammar
        skip_uri_syntax_grammar()
        import nbformat
        print("lark" in sys.modules)
        good = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        nbformat.validate(good)
        bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        bad.cells[0]["outputs"] = [{"output_type": "no such type"}]
        try:
            nbformat.validate(bad)
        except nbformat.ValidationError:
            print("rejected")
    """)
    assert out.splitlines() == ["False", "rejected"]


def test_a_process_that_already_has_the_module_keeps_it():
    out = run("""
        import sys
        import rfc3987_syntax
        from juesuan.build.lean_imports import skip_uri_syntax_grammar
        skip_uri_syntax_grammar()
        print(sys.modules["rfc3987_syntax"] is rfc3987_syntax)
    """)
    assert out == "True"
