"""A report template folder of one's own, named on the command line: `juesuan report --template DIR`.

The third template of tests/test_template_audit.py (three sections, reworded, numbered 1. 2. 3.), in a
folder outside the package: the batch renders the seed department with it, and a change to one of its files
rebuilds the report (the folder counts among the report's inputs), where an unchanged one does not.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from juesuan import cli
from test_template_audit import THIRD

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("own_template")
    folder = work / "mine"
    folder.mkdir()
    for name, text in THIRD.items():
        (folder / name).write_text(text, encoding="utf-8")
    data = work / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("published"))
    out = work / "out"
    args = ["report", "--data", str(data), "--year", "2022", "--department", "pzh-swzzb", "--out", str(out),
            "--template", str(folder), "--quiet", "--workers", "1"]
    assert cli.main(args) == 0
    return {"folder": folder, "out": out / "2022", "args": args}


def test_the_report_is_in_the_folder_s_words(built):
    html = (built["out"] / "pzh-swzzb.html").read_text(encoding="utf-8")
    # The seed's figures (data/README.md) in the third template's words and number style.
    assert "本部门收支总计为1848.70万元，上年为2029.81万元" in html
    assert "“三公”经费合计6.82万元，预算7.54万元" in html
    assert "部门概况" not in html  # none of the seed's own template


def test_a_changed_template_file_rebuilds_and_an_unchanged_one_does_not(built, capsys):
    capsys.readouterr()
    assert cli.main(built["args"]) == 0
    assert "已生成报告 0 份" in capsys.readouterr().out
    page = built["folder"] / "three_public.md.j2"
    page.write_text(page.read_text(encoding="utf-8").replace("合计", "共计"), encoding="utf-8")
    assert cli.main(built["args"]) == 0
    assert "已生成报告 1 份" in capsys.readouterr().out
    assert "“三公”经费共计6.82万元" in (built["out"] / "pzh-swzzb.html").read_text(encoding="utf-8")


def test_an_edited_manifest_is_read_again_in_the_same_process(tmp_path):
    """A warm kernel lives across reports: a template edited meanwhile is not served from the cache."""
    import os

    from juesuan.data.template import load_template

    folder = tmp_path / "mine"
    folder.mkdir()
    for name, text in THIRD.items():
        (folder / name).write_text(text, encoding="utf-8")
    assert load_template(folder).tables_heading == "附表"
    manifest = folder / "template.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("tables_heading: 附表", "tables_heading: 附录"),
                        encoding="utf-8")
    stat = manifest.stat()
    os.utime(manifest, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a later mtime, whatever the clock
    assert load_template(folder).tables_heading == "附录"
