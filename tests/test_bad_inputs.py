"""The corpus of bad inputs (tests/bad_inputs/): each case is refused with one clear line, never a traceback.

A case is a folder laid out like data/ with one thing broken, and beside it
`expected.txt`, the exact fragment of the message it must produce (see
tests/bad_inputs/_make_corpus.py, which builds and documents them). Cases
with `expected_exit.txt` saying 0 must be *read*, not refused: Excel's GBK,
GB18030 and UTF-8 with BOM.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from juesuan.cli import main
from juesuan.loading import load_year

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
JUESUAN = Path(sys.executable).with_name("juesuan")

# What validate may print: one line per problem or note, then a closing line. A value
# from data that smuggled in a line break would start a line matching none of these.
LINE = re.compile(r"^(error: |note: |ok: |\d+ problem\(s\) in )")


def case_args(case: Path) -> list[str]:
    args = case / "args.txt"
    return args.read_text(encoding="utf-8").split() if args.exists() else ["--year", "2022"]


def expected_exit(case: Path) -> int | None:
    path = case / "expected_exit.txt"
    return int(path.read_text(encoding="utf-8")) if path.exists() else None


def check_output(case: Path, code: int, output: str) -> None:
    expected = (case / "expected.txt").read_text(encoding="utf-8").rstrip("\n")
    assert "\n" not in expected
    assert "Traceback" not in output
    wanted = expected_exit(case)
    if wanted is None:
        assert code != 0, output
    else:
        assert code == wanted, output
    lines = output.splitlines()
    assert lines, "validate printed nothing"
    for line in lines:
        assert LINE.match(line), f"a line that is not one message: {line!r}"
    matching = [line for line in lines if expected in line]
    assert matching, f"{expected!r} not in:\n{output}"
    if wanted == 0:
        return
    line = matching[0]
    # One line naming the file, the department, the field and what was expected.
    assert line.startswith("error: " + str(case)), line
    assert re.search(r": (department \S+|all departments): ", line), line
    assert ": expected " in line, line


def test_the_corpus_has_at_least_25_cases():
    assert len(CASES) >= 25
    refused = [c for c in CASES if expected_exit(CORPUS / c) is None]
    assert len(refused) >= 25


@pytest.mark.parametrize("name", CASES)
def test_case(name, capsys):
    case = CORPUS / name
    code = main(["validate", "--data", str(case), *case_args(case)])
    captured = capsys.readouterr()
    check_output(case, code, captured.out + captured.err)


READ_CASES = [c for c in CASES if (CORPUS / c / "expected_names.txt").exists()]


@pytest.mark.parametrize("name", READ_CASES)
def test_encodings_are_read_as_the_right_chinese(name):
    """GBK, GB18030 and UTF-8 with BOM load to the same words as the UTF-8 original."""
    case = CORPUS / name
    expected = (case / "expected_names.txt").read_text(encoding="utf-8").splitlines()
    data = load_year(case, 2022)
    assert data.errors == []
    dept = data.departments["pzh-swzzb"]
    loaded = [dept.name, dept.short_name, *(u.name for u in dept.units),
              *(label for label, _ in dept.breakdowns["three_public.reception_domestic"]),
              dept.text["duties"][0]["title"]]
    assert loaded == expected


def test_encoding_cases_are_really_encoded():
    """The GBK case is not UTF-8 in disguise, the BOM case starts with a BOM, the GB18030 one holds 䶮."""
    gbk = (CORPUS / "encoding_gbk_ok" / "2022" / "departments.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    assert "攀枝花市委组织部".encode("gbk") in gbk
    assert (CORPUS / "encoding_utf8_bom_ok" / "2022" / "amounts.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    units = (CORPUS / "encoding_gb18030_ok" / "2022" / "units.csv").read_bytes()
    assert "䶮".encode("gb18030") in units
    with pytest.raises(UnicodeEncodeError):
        "䶮".encode("gbk")


@pytest.mark.parametrize("name", ["id_control_character", "id_newline", "malformed_csv_unclosed_quote",
                                  "yaml_alias_bomb", "year_out_of_range", "encoding_gb18030_ok"])
def test_the_installed_command_prints_no_traceback(name):
    """The real `juesuan` script, in a plain C locale: the same lines, no traceback, no escape codes."""
    case = CORPUS / name
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONIOENCODING"))}
    env["LANG"] = "C"
    proc = subprocess.run([str(JUESUAN), "validate", "--data", str(case), *case_args(case)],
                          capture_output=True, env=env, timeout=120)
    output = proc.stdout.decode("utf-8") + proc.stderr.decode("utf-8")
    assert b"\x1b" not in proc.stdout + proc.stderr
    check_output(case, proc.returncode, output)
