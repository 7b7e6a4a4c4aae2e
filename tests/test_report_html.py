"""The seed department's report, built as `make report` builds it: seven charts, every section, no code;
built again by papermill's fresh kernel, the same bytes."""
import json
import re
from pathlib import Path

import pytest

from juesuan.build.batch import build_reports
from juesuan.report.report import load_report
from juesuan.data.template import load_template

CHART_CAPTIONS = {n: c.caption for n, c in load_template('sichuan').charts.items()}

ROOT = Path(__file__).resolve().parents[1]


NOTEBOOK = ROOT / "notebooks" / "department_report.ipynb"
SEED = [("pzh-swzzb", "攀枝花市委组织部")]


def build(out: Path, **options) -> Path:
    result = build_reports(2022, SEED, data_dir=ROOT / "data", out_dir=out, notebook=NOTEBOOK, progress=False,
                           workers=1, **options)
    assert result.ok, result.summary()
    return out / "2022"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The batch's way: a warm kernel."""
    return build(tmp_path_factory.mktemp("warm"))


@pytest.fixture(scope="module")
def html(built) -> str:
    assert (built / "pzh-swzzb.ipynb").exists()
    assert "pzh-swzzb.html" in (built / "index.html").read_text(encoding="utf-8")
    return (built / "pzh-swzzb.html").read_text(encoding="utf-8")


def test_seven_charts_with_their_captions(html):
    images = re.findall(r'<img[^>]*src="data:image/png;base64,[^"]+"[^>]*>', html)
    assert len(images) == 7
    for number in range(1, 8):  # 图8 needs three years of data; the seed has two
        assert f'alt="图{number}：{CHART_CAPTIONS[number]}"' in html
    assert "图8" not in html


def test_every_heading_of_the_report_is_there(html):
    report = load_report("pzh-swzzb", 2022, ROOT / "data")
    headings = re.findall(r"^#{1,4} (.+)$", report.markdown(), flags=re.M)
    assert len(headings) >= 30
    for heading in headings:
        assert re.sub(r"\\(.)", r"\1", heading) in html


def test_no_code_and_no_parameters_in_the_html(html):
    for code in ("load_report", "show_chart", "import ", "data_dir", "department =", "In&nbsp;["):
        assert code not in html


def test_the_public_tables_are_there(html):
    for number in range(1, 10):
        assert f"公开0{number}表" in html
    assert "本表无数据" in html


def test_nothing_is_fetched_from_the_internet(html):
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)


def test_every_character_of_the_report_is_in_its_embedded_font(html):
    from test_webfont import missing_characters

    assert "\u3000" in html  # 公开表 titles and indented rows
    assert missing_characters(html) == []


# --------------------------------------------------------------------------
# Same inputs, same bytes: built again by papermill's own fresh kernel, into a folder beside the first, the
# notebook, the report and the index are byte-identical, with no time, random id or absolute path of this
# machine in them (paths in a kept notebook lead from its own folder, so they are equal too).


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("fresh"), engine="fresh")


@pytest.mark.parametrize("name", ["pzh-swzzb.ipynb", "pzh-swzzb.html", "index.html"])
def test_two_builds_give_the_same_bytes(built, fresh, name):
    warm, fresh = built / name, fresh / name
    assert warm.read_bytes() == fresh.read_bytes(), _first_difference(warm, fresh)


def _first_difference(a: Path, b: Path) -> str:
    x, y = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
    at = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
    return f"{a.name} differs at character {at}: {x[max(0, at - 80):at + 80]!r} / {y[max(0, at - 80):at + 80]!r}"


@pytest.mark.parametrize("name", ["pzh-swzzb.ipynb", "pzh-swzzb.html", "index.html"])
def test_no_time_or_path_of_this_run_is_written(built, name):
    # Base64 of the images and the font could spell anything; their bytes are compared above.
    text = (built / name).read_text(encoding="utf-8")
    text = re.sub(r"data:[^\"')\s]+", "data:…", text)
    text = re.sub(r'"image/png": "[^"]*"', '"image/png": "…"', text)
    for path in (str(ROOT), str(built.parent), "/tmp/"):
        # Relative paths (../../data) may pass through these folders; an absolute one starts with them.
        assert not re.search(r"(?<!\.\.)" + re.escape(path), text), path
    assert not re.search(r"20\d\d-\d\d-\d\dT\d\d:\d\d", text)  # papermill's and nbclient's timestamps
    assert not re.search(r" at 0x[0-9a-f]{6,}", text)  # an object's address


def test_the_kept_notebook_reruns_from_its_folder(built):
    nb = json.loads((built / "pzh-swzzb.ipynb").read_text(encoding="utf-8"))
    pm = nb["metadata"]["papermill"]
    folder = built
    assert pm["output_path"] == "pzh-swzzb.ipynb"
    assert (folder / pm["input_path"]).resolve() == NOTEBOOK
    assert (folder / pm["parameters"]["data_dir"]).resolve() == (ROOT / "data").resolve()
    injected = next(c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert injected["id"] == "injected-parameters-2"
    assert f'data_dir = "{pm["parameters"]["data_dir"]}"' in "".join(injected["source"])
    assert not any("execution" in c["metadata"] for c in nb["cells"])
