"""The corpus of bad inputs (tests/bad_inputs/): each case is refused with one clear line, never a traceback.

A case is a folder laid out like data/ with one thing broken, and beside it
`expected.txt`, the exact fragment of the message it must produce (see
tests/bad_inputs/_make_corpus.py, which builds and documents them). Cases
with `expected_exit.txt` saying 0 must be *read*, not refused: Excel's GBK,
GB18030 and UTF-8 with BOM.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import examples
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from juesuan.cli import main
from juesuan.data.loading import load_glossary, load_year

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
JUESUAN = Path(sys.executable).with_name("juesuan")

# What validate may print: one line per problem or note, then a closing line. A value
# from data that smuggled in a line break would start a line matching none of these.
# What validate prints: a department's heading, its problems and notes indented under it, the count, or "通过".
LINE = re.compile(r"^(部门 \S+（.*）：\d+个问题$|年度文件：\d+个问题$|  错误：|  提示：|提示：|错误：|通过：|共\d+个问题，涉及\d+个部门)")


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
    assert re.match(r"^ *错误：" + re.escape(str(case)), line), line
    assert re.search(r"：(部门 \S+|全部部门)：", line), line
    assert "：应为" in line, line


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
              dept.text["duties"][0]["title"], load_glossary(case)[0]["term"]]
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


# ---------------------------------------------------------------- anything at all, never a traceback

def validate_quietly(data_dir: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", "--data", str(data_dir), "--year", "2022"])
    return code, out.getvalue() + err.getvalue()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The corpus's valid starting point (every case is it with one thing broken)."""
    target = tmp_path_factory.mktemp("base") / "data"
    shutil.copytree(CORPUS / "encoding_utf8_bom_ok", target,
                    ignore=shutil.ignore_patterns("expected*.txt"))
    return target


def assert_told_plainly(code: int, output: str) -> None:
    assert code in (0, 1, 2), output
    assert "Traceback" not in output
    for line in output.splitlines():
        assert LINE.match(line), f"a line that is not one message: {line!r}"


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cell=st.text(max_size=30))
@example(cell="99999999999999999999998152")  # overflowed Decimal's 28 digits in a sum: a traceback once
def test_any_text_in_an_amount_cell_is_told_plainly(base, cell):
    path = base / "2022" / "amounts.csv"
    original = path.read_bytes()
    try:
        text = original.decode("utf-8-sig").replace("income.other,,0.22", "income.other,,\"" + cell.replace('"', '""') + '"')
        path.write_text(text, encoding="utf-8")
        code, output = validate_quietly(base)
        assert_told_plainly(code, output)
        if code == 0:
            assert cell.strip() in ("0.22",) or re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", cell.strip())
    finally:
        path.write_bytes(original)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=120))
def test_any_department_name_is_told_plainly(base, name):
    path = base / "2022" / "departments.csv"
    original = path.read_bytes()
    try:
        cell = '"' + name.replace('"', '""') + '"'
        path.write_text(original.decode("utf-8-sig").replace("攀枝花市委组织部,", cell + ",", 1), encoding="utf-8")
        assert_told_plainly(*validate_quietly(base))
    finally:
        path.write_bytes(original)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300), which=st.sampled_from(["amounts.csv", "units.csv", "text/pzh-swzzb.yaml",
                                                           "year.yaml"]))
def test_any_bytes_in_a_file_are_told_plainly(base, raw, which):
    path = base / "2022" / which
    original = path.read_bytes() if path.exists() else None
    try:
        path.write_bytes(raw)
        assert_told_plainly(*validate_quietly(base))
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                          lambda children: st.lists(children, max_size=3)
                          | st.dictionaries(st.text(max_size=8), children, max_size=3), max_leaves=10),
       field=st.sampled_from(["duties", "reasons", "covers", "performance", "attachment", "glossary", "other"]))
def test_any_yaml_value_in_a_text_field_is_told_plainly(base, value, field):
    path = base / "2022" / "text" / "pzh-swzzb.yaml"
    original = path.read_bytes()
    try:
        text = yaml.safe_load(original.decode("utf-8-sig"))
        text[field] = value
        path.write_text(yaml.safe_dump(text, allow_unicode=True), encoding="utf-8")
        assert_told_plainly(*validate_quietly(base))
    finally:
        path.write_bytes(original)


@pytest.mark.parametrize("command", ["audit", "extract"])
def test_a_number_past_the_bound_in_a_published_text_is_one_located_line(tmp_path, command, capsys):
    """audit and extract read numbers from text: one beyond 10^12 万元 is named at its line, nothing written."""
    seed = (ROOT / "data" / "2022" / "published" / "pzh-swzzb.txt").read_text(encoding="utf-8")
    line_number = next(i for i, line in enumerate(seed.splitlines(), start=1) if "1,848.7" in line)
    published = tmp_path / "published.txt"
    published.write_text(seed.replace("1,848.7", "99999999999999999999998152", 1), encoding="utf-8")
    out = tmp_path / "out"
    args = {"audit": ["--data", str(ROOT / "data")], "extract": ["--out", str(out)]}[command]
    code = main([command, str(published), "--department", "pzh-swzzb", "--year", "2022", *args])
    printed = capsys.readouterr()
    lines = (printed.out + printed.err).splitlines()
    assert code == 2
    assert lines == [f"错误：{published} 第{line_number}行：部门 pzh-swzzb：number：应为不超过 1,000,000,000,000 万元"
                     f"（10^12）的数字，实为 '99999999999999999999998152'"]
    assert not out.exists()


# Cases whose one mistake is two things to fix (both named): the rest must print exactly one error, no knock-on.
# (A bad department id is refused in departments.csv, and its rows in amounts.csv are then of no listed department.)
# (A purchase of 1 万元 with no car bought also moves 公务用车购置及运行维护费 on last year: its reason is due.)
TWO_PROBLEMS = {"comparison_year_without_data", "department_listed_without_data",
                "vehicle_purchase_without_a_vehicle"} | {c for c in CASES if c.startswith("id_")}


@pytest.mark.parametrize("name", [c for c in CASES if expected_exit(CORPUS / c) is None])
def test_one_mistake_is_one_error(name, capsys):
    """A clerk's one mistake reads as one error: no tie-out or missing reason that only follows from it."""
    case = CORPUS / name
    main(["validate", "--data", str(case), *case_args(case)])
    printed = capsys.readouterr()
    errors = [line for line in (printed.out + printed.err).splitlines() if line.lstrip().startswith("错误：")]
    assert len(errors) == (2 if name in TWO_PROBLEMS else 1), errors


def test_every_missing_reason_is_listed_in_one_run_with_its_figures(tmp_path, capsys):
    """Ten runs to reach "ok" was one too many: every reason the report needs is listed at once.

    Expected values are the published report's own (data/2022/published/pzh-swzzb.txt, lines 41, 56, 105 and
    the "三公" paragraph): 收、支总计 1,848.7 on 2021's 1,848.7 + 181.11 = 2,029.81, and so on; the "三公" budget
    7.54 is the one data/README.md derives from the published completion rate.
    """
    data = tmp_path / "data"
    shutil.copytree(CORPUS / "encoding_utf8_bom_ok", data, ignore=shutil.ignore_patterns("expected*.txt"))
    text = data / "2022" / "text" / "pzh-swzzb.yaml"
    lines = text.read_text(encoding="utf-8-sig").splitlines()
    start = lines.index("reasons:")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
    text.write_text("\n".join(lines[:start] + lines[end:]) + "\n", encoding="utf-8")
    assert main(["validate", "--data", str(data), "--year", "2022"]) == 1
    out = capsys.readouterr().out
    errors = [line for line in out.splitlines() if line.startswith("  错误：")]
    wanted = {
        "reasons.total_change": "收、支总计变动：2022年1,848.7万元，2021年2,029.81万元，减少181.11万元（下降8.92%）",
        "reasons.fiscal_change": "财政拨款收、支总计变动：2022年1,848.48万元，2021年2,029.55万元，减少181.07万元（下降8.92%）",
        "reasons.gpb_change": "一般公共预算财政拨款支出变动：2022年1,848.48万元，2021年2,029.55万元，减少181.07万元",
        "reasons.reception_change": "公务接待费变动：2022年1.15万元，2021年1.59万元，减少0.44万元（下降27.67%）",
        "reasons.admin_operating_change": "机关运行经费变动：2022年174.97万元，2021年180万元，减少5.03万元（下降2.79%）",
        "reasons.three_public_against_budget": "“三公”经费决算数小于预算数：决算6.82万元，预算7.54万元，相差0.72万元",
    }
    for field, figures in wanted.items():
        assert any(f"：{field}：应为说明{figures}" in line for line in errors), (field, out)
    assert len(errors) == len(wanted)
    assert out.splitlines()[0] == f"部门 pzh-swzzb（攀枝花市委组织部）：{len(wanted)}个问题"
    assert out.splitlines()[-1].startswith(f"共{len(wanted)}个问题，涉及1个部门")


def test_a_clerk_reaches_ok_in_one_correction_round(tmp_path, capsys):
    """Several mistakes at once: validate names each; fixing exactly what it names gives "通过" on the next run."""
    data = tmp_path / "data"
    shutil.copytree(CORPUS / "encoding_utf8_bom_ok", data, ignore=shutil.ignore_patterns("expected*.txt"))
    amounts, text = data / "2022" / "amounts.csv", data / "2022" / "text" / "pzh-swzzb.yaml"
    good_amounts, good_text = amounts.read_text(encoding="utf-8-sig"), text.read_text(encoding="utf-8-sig")
    broken = good_amounts.replace("pzh-swzzb,income.operating,,0\n", "")          # a zero row left out
    broken = broken.replace("pzh-swzzb,gpb.actual,208,", "pzh-swzzb,gpb.actual,20805,")  # a 款 code
    broken = broken.replace("pzh-swzzb,admin_operating,,174.97", "pzh-swzzb，admin_operating，，174.97")  # 全角
    amounts.write_text(broken, encoding="utf-8")
    text.write_text(good_text.replace("  suggestions: 加强部门绩效管理。\n", "")              # a heading's text
                    .replace("  reception_change: 接待活动减少\n", ""), encoding="utf-8")  # a reason
    assert broken != good_amounts and "suggestions" not in text.read_text(encoding="utf-8")

    assert main(["validate", "--data", str(data), "--year", "2022"]) == 1
    named = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  错误：")]
    fixes = {
        "income.operating：应为2022年报告所需的经营收入（没有时写一行 0），实为 '没有这一行'":
            lambda: amounts.write_text(amounts.read_text(encoding="utf-8") + "pzh-swzzb,income.operating,,0\n",
                                       encoding="utf-8"),
        "20805 是款级编码（属类 208 社会保障和就业支出），它的名称要写在本年度的 function_names.csv":
            lambda: amounts.write_text(amounts.read_text(encoding="utf-8").replace(",20805,", ",208,"),
                                       encoding="utf-8"),
        "这一行用了全角的“，”分隔":
            lambda: amounts.write_text(amounts.read_text(encoding="utf-8").replace("，", ","), encoding="utf-8"),
        "attachment.suggestions：应为本部门对这一项的文字":
            lambda: text.write_text(text.read_text(encoding="utf-8") + "  suggestions: 加强部门绩效管理。\n",
                                    encoding="utf-8"),
        "reasons.reception_change：应为说明公务接待费变动：2022年1.15万元，2021年1.59万元，减少0.44万元":
            lambda: text.write_text(text.read_text(encoding="utf-8").replace(
                "reasons:\n", "reasons:\n  reception_change: 接待活动减少\n"), encoding="utf-8"),
    }
    assert len(named) == len(fixes), named
    for fragment, fix in fixes.items():
        assert sum(fragment in line for line in named) == 1, (fragment, named)
        fix()
    assert main(["validate", "--data", str(data), "--year", "2022"]) == 0, capsys.readouterr().out
    assert "通过：" in capsys.readouterr().out
