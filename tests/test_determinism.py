"""Same inputs, same bytes: the seed department built twice, on a warm kernel and by papermill's own fresh
kernel, into two folders, gives byte-identical notebooks, reports and index pages, with no time, random id or
absolute path of this machine in them.
"""
import json
import re
from pathlib import Path

import pytest

from juesuan.batch import build_reports

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "department_report.ipynb"
SEED = [("pzh-swzzb", "攀枝花市委组织部")]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    runs = {}
    # Two sibling folders: paths in a kept notebook lead from its own folder, so they are equal too.
    for name, options in (("warm", dict(engine="warm", workers=1)), ("fresh", dict(engine="fresh", workers=1))):
        out = tmp_path_factory.mktemp(name)
        result = build_reports(2022, SEED, data_dir=ROOT / "data", out_dir=out, notebook=NOTEBOOK,
                               progress=False, force=True, **options)
        assert result.ok, result.summary()
        runs[name] = out / "2022"
    return runs


@pytest.mark.parametrize("name", ["pzh-swzzb.ipynb", "pzh-swzzb.html", "index.html"])
def test_two_builds_give_the_same_bytes(builds, name):
    warm, fresh = (builds[k] / name for k in ("warm", "fresh"))
    assert warm.read_bytes() == fresh.read_bytes(), _first_difference(warm, fresh)


def _first_difference(a: Path, b: Path) -> str:
    x, y = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
    at = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
    return f"{a.name} differs at character {at}: {x[max(0, at - 80):at + 80]!r} / {y[max(0, at - 80):at + 80]!r}"


@pytest.mark.parametrize("name", ["pzh-swzzb.ipynb", "pzh-swzzb.html", "index.html"])
def test_no_time_or_path_of_this_run_is_written(builds, name):
    # Base64 of the images and the font could spell anything; their bytes are compared above.
    text = (builds["warm"] / name).read_text(encoding="utf-8")
    text = re.sub(r"data:[^\"')\s]+", "data:…", text)
    text = re.sub(r'"image/png": "[^"]*"', '"image/png": "…"', text)
    for path in (str(ROOT), str(builds["warm"].parent), "/tmp/"):
        # Relative paths (../../data) may pass through these folders; an absolute one starts with them.
        assert not re.search(r"(?<!\.\.)" + re.escape(path), text), path
    assert not re.search(r"20\d\d-\d\d-\d\dT\d\d:\d\d", text)  # papermill's and nbclient's timestamps
    assert not re.search(r" at 0x[0-9a-f]{6,}", text)  # an object's address


def test_the_kept_notebook_reruns_from_its_folder(builds):
    nb = json.loads((builds["warm"] / "pzh-swzzb.ipynb").read_text(encoding="utf-8"))
    pm = nb["metadata"]["papermill"]
    folder = builds["warm"]
    assert pm["output_path"] == "pzh-swzzb.ipynb"
    assert (folder / pm["input_path"]).resolve() == NOTEBOOK
    assert (folder / pm["parameters"]["data_dir"]).resolve() == (ROOT / "data").resolve()
    injected = next(c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert injected["id"] == "injected-parameters-2"
    assert f'data_dir = "{pm["parameters"]["data_dir"]}"' in "".join(injected["source"])
    assert not any("execution" in c["metadata"] for c in nb["cells"])
