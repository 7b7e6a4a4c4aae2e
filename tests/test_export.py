"""juesuan.build.export: offline code-free HTML, atomic writes, the year's index.

These tests build notebooks in memory (no kernel), so they run in well
under a second. The executed-notebook path is covered in test_batch.py.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from juesuan.build import export
from juesuan import files
from juesuan.build.export import check_department_id, notebook_to_html, write_index
from juesuan.files import write_atomic

# A 1x1 PNG.
PNG_B64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
    "hKmMIQAAAABJRU5ErkJggg=="
)

#: Any absolute http(s) URL, wherever it appears (src, href, url(), @import).
URL = re.compile(r"https?://", re.IGNORECASE)
#: Ways a page pulls in a resource; none may be remote, whatever the scheme.
RESOURCE_REFS = re.compile(
    r"""<script[^>]*\bsrc\s*=|<link[^>]*\bhref\s*=|@import|url\(\s*['"]?(?!data:)""",
    re.IGNORECASE,
)


def assert_offline(html: str) -> None:
    assert not URL.findall(html), [m.group(0) for m in re.finditer(r".{60}https?://.{60}", html)]
    assert not RESOURCE_REFS.findall(html), RESOURCE_REFS.findall(html)
    assert "<script" not in html.lower()


def sample_notebook() -> nbformat.NotebookNode:
    """A notebook as papermill leaves it, with tell-tale strings in the code."""
    return new_notebook(
        cells=[
            new_code_cell(
                'department = "pzh-swzzb"  # DEFAULT_PARAMETER_MARKER',
                metadata={"tags": ["parameters"]},
                execution_count=1,
            ),
            new_code_cell(
                'department = "001"  # INJECTED_PARAMETER_MARKER',
                metadata={"tags": ["injected-parameters"]},
                execution_count=2,
                outputs=[new_output("stream", name="stdout", text="INJECTED_OUTPUT_MARKER\n")],
            ),
            new_markdown_cell("How to run this notebook: ANALYST_MARKER", metadata={"tags": ["analyst"]}),
            new_markdown_cell("# 部门决算\n\n第一部分 部门概况。"),
            new_code_cell(
                "display(Markdown(text))  # CODE_MARKER",
                execution_count=3,
                outputs=[
                    new_output(
                        "display_data",
                        data={
                            "text/markdown": "## 收入决算情况\n\n本年收入合计 **1,300.00** 万元。\n\n"
                            "| 项目 | 金额 |\n|---|--:|\n| 财政拨款收入 | 1,234.56 |",
                            "text/plain": "<IPython.core.display.Markdown object>",
                        },
                    )
                ],
            ),
            new_code_cell(
                "display(fig)  # FIGURE_CODE_MARKER",
                execution_count=4,
                outputs=[
                    new_output(
                        "display_data",
                        data={"image/png": PNG_B64, "text/plain": "<Figure size 300x200>"},
                        metadata={"image/png": {"alt": "图1 收入支出决算总体情况"}},
                    ),
                    new_output(
                        "display_data",
                        data={"image/png": PNG_B64, "text/plain": "<Figure size 300x200>"},
                    ),
                ],
            ),
            new_code_cell("answer = 42\nanswer  # RESULT_CODE_MARKER", execution_count=5,
                          outputs=[new_output("execute_result", data={"text/plain": "42"},
                                              execution_count=5)]),
            new_code_cell("x = 1  # NO_OUTPUT_CODE_MARKER", execution_count=6),
            new_code_cell("secret = 1  # REMOVED_CELL_MARKER", metadata={"tags": ["remove-cell"]},
                          execution_count=7,
                          outputs=[new_output("stream", name="stdout", text="REMOVED_OUTPUT\n")]),
        ],
        metadata={"kernelspec": {"name": "juesuan", "display_name": "Python (juesuan)",
                                 "language": "python"},
                  "language_info": {"name": "python"}},
    )


@pytest.fixture(scope="module")
def html() -> str:
    return notebook_to_html(sample_notebook(), title="攀枝花市委组织部2022年度部门决算")


# --------------------------------------------------------------------------
# notebook_to_html


def test_no_code_and_no_prompts(html):
    for marker in ("CODE_MARKER", "FIGURE_CODE_MARKER", "RESULT_CODE_MARKER",
                   "NO_OUTPUT_CODE_MARKER", "display(Markdown", "display(fig"):
        assert marker not in html
    assert "In&nbsp;[" not in html and "In [" not in html
    assert "Out[" not in html
    assert 'class="input' not in html and "input_area" not in html
    assert "highlight" not in html  # no pygments-highlighted source


def test_parameters_cells_are_removed(html):
    for marker in ("DEFAULT_PARAMETER_MARKER", "INJECTED_PARAMETER_MARKER",
                   "INJECTED_OUTPUT_MARKER", "REMOVED_CELL_MARKER", "REMOVED_OUTPUT",
                   "ANALYST_MARKER"):
        assert marker not in html
    assert "celltag_parameters" not in html and "celltag_injected-parameters" not in html


def test_outputs_and_markdown_cells_are_kept(html):
    assert "<h2" in html and "收入决算情况" in html
    assert "<strong>1,300.00</strong>" in html
    assert "<table>" in html and "1,234.56" in html
    assert "第一部分 部门概况" in html  # a Markdown cell of the notebook itself
    assert "<pre>42</pre>" in html


def test_images_are_inline_png_with_chinese_alt(html):
    assert html.count(f"data:image/png;base64,{PNG_B64}") == 2
    assert 'alt="图1 收入支出决算总体情况"' in html
    assert 'alt="图表"' in html
    assert "No description has been provided" not in html


def test_page_language_title_and_fonts(html):
    assert re.search(r'<html[^>]*\blang="zh-CN"', html)
    assert "<title>攀枝花市委组织部2022年度部门决算</title>" in html
    assert '<meta charset="utf-8"' in html
    for font in ('"Noto Sans CJK SC"', '"Source Han Sans SC"', '"PingFang SC"',
                 '"Microsoft YaHei"'):
        assert font in html


def test_page_is_offline(html):
    assert_offline(html)


def test_offline_check_catches_the_stock_template():
    """The check above is not vacuous: nbconvert's lab template fails it."""
    from nbconvert import HTMLExporter

    stock, _ = HTMLExporter(template_name="lab", exclude_input=True).from_notebook_node(
        sample_notebook()
    )
    with pytest.raises(AssertionError):
        assert_offline(stock)


def test_title_is_escaped():
    html = notebook_to_html(new_notebook(), title='<script>alert("x")</script> & 局')
    assert "<title>&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; 局</title>" in html
    assert "<script" not in html


def test_input_notebook_is_not_modified():
    nb = sample_notebook()
    before = nbformat.writes(nb)
    notebook_to_html(nb, title="t")
    assert nbformat.writes(nb) == before


def test_javascript_outputs_are_dropped():
    nb = new_notebook(cells=[new_code_cell("js", execution_count=1, outputs=[
        new_output("display_data", data={"application/javascript": "alert('JS_MARKER')"}),
    ])])
    html = notebook_to_html(nb, title="t")
    assert "JS_MARKER" not in html and "<script" not in html


# --------------------------------------------------------------------------
# write_atomic


def test_write_atomic_text_and_bytes(tmp_path):
    target = tmp_path / "r.html"
    assert write_atomic(target, "第一版") == target
    assert target.read_text(encoding="utf-8") == "第一版"
    write_atomic(target, b"\x00\x01binary")
    assert target.read_bytes() == b"\x00\x01binary"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_write_atomic_gives_a_normal_file_mode(tmp_path):
    target = write_atomic(tmp_path / "r.html", "x")
    # mkstemp makes 0600 files; reports must be readable like any other file.
    assert target.stat().st_mode & 0o777 == 0o666 & ~files._current_umask()


def test_write_atomic_failure_keeps_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    write_atomic(target, "old")

    def killed(src, dst):
        raise KeyboardInterrupt  # as if the run were interrupted at the rename

    monkeypatch.setattr(files.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new " * 100_000)
    monkeypatch.undo()

    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_write_atomic_temp_file_is_in_the_same_folder(tmp_path, monkeypatch):
    """os.replace is only atomic within one file system: same folder."""
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append((Path(src), Path(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", spy)
    write_atomic(tmp_path / "r.html", "x")
    (src, dst), = seen
    assert src.parent == dst.parent == tmp_path and src != dst


def test_write_atomic_rejects_other_types(tmp_path):
    with pytest.raises(TypeError):
        write_atomic(tmp_path / "r.html", 42)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------
# department ids


@pytest.mark.parametrize("good", ["pzh-swzzb", "001", "A_1", "x"])
def test_good_ids(good):
    assert check_department_id(good) == good


@pytest.mark.parametrize(
    "bad", ["", "../etc", "a/b", "a.b", "-x", "_x", "a b", "abc\n", "部门", "index.html", 1, None]
)
def test_bad_ids_are_rejected_by_name(bad):
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        check_department_id(bad)


# --------------------------------------------------------------------------
# write_index


ENTRIES = [
    {"id": "pzh-swzzb", "name": "攀枝花市委组织部"},
    {"id": "b2", "name": '<img src=x onerror="alert(1)">财政局', "error": "KeyError: '<支出>'\nTraceback line"},
    {"id": "001", "name": "A & B 局", "error": None},
]


@pytest.fixture(scope="module")
def index_html(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("outputs")
    path = write_index(out, 2022, ENTRIES)
    return path, path.read_text(encoding="utf-8")


def test_index_location(index_html):
    path, _ = index_html
    assert path.name == "index.html" and path.parent.name == "2022"


def test_index_links_every_built_report(index_html):
    _, html = index_html
    assert '<a href="pzh-swzzb.html">攀枝花市委组织部</a>' in html
    assert '<a href="001.html">A &amp; B 局</a>' in html
    assert 'href="b2.html"' not in html  # failed: listed, not linked


def test_index_lists_failures_escaped_first_line_only(index_html):
    _, html = index_html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;财政局" in html
    assert "<img" not in html
    assert "KeyError: &#39;&lt;支出&gt;&#39;" in html
    assert "Traceback line" not in html


def test_index_is_offline_and_chinese(index_html):
    _, html = index_html
    assert_offline(html)
    assert re.search(r'<html[^>]*\blang="zh-CN"', html)
    assert "<title>2022年度部门决算公开</title>" in html
    assert '"Noto Sans CJK SC"' in html


def test_index_rejects_bad_ids(tmp_path):
    with pytest.raises(ValueError, match="../x"):
        write_index(tmp_path, 2022, [{"id": "../x", "name": "x"}])
    assert not (tmp_path / "2022" / "index.html").exists()


def test_index_rejects_bad_year(tmp_path):
    with pytest.raises(ValueError):
        write_index(tmp_path, "2022/..", [])
