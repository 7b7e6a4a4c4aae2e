"""The year's index: key figures per department, sortable columns, a comparison chart, failures listed."""
import re
from pathlib import Path

from juesuan.build.export import write_index

DATA = Path(__file__).resolve().parents[1] / "data"


def test_index_carries_the_key_figures_of_each_department(tmp_path):
    page = write_index(tmp_path, 2022, [{"id": "pzh-swzzb", "name": "攀枝花市委组织部"},
                                        {"id": "bad-one", "name": "坏<b>部门", "error": "DataError: x\nmore"}],
                       data_dir=DATA).read_text(encoding="utf-8")
    row = re.search(r'<tr><td class="num" data-sort="1">1</td>.*?</tr>', page, re.S).group(0)
    for text in ('href="pzh-swzzb.html"', ">1,848.7<", "减少181.11万元（下降8.92%）", ">91.57%<", ">8.43%<",
                 ">6.82<", "减少0.44万元（下降6.06%）", 'data-sort="-8.92"', 'data-sort="1848.70"'):
        assert text in row, text
    assert "坏&lt;b&gt;部门" in page and "DataError: x" in page and "more" not in page
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="2022年度各部门收、支总计">', page)
    assert 'aria-sort' in page  # the sorting script
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)


def test_index_without_data_lists_reports_only(tmp_path):
    page = write_index(tmp_path, 2022, [{"id": "pzh-swzzb", "name": "攀枝花市委组织部"}]).read_text(encoding="utf-8")
    assert 'href="pzh-swzzb.html"' in page
    assert "收、支总计" not in page and "<script>" not in page
