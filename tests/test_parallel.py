"""The parallel batch on kept-warm kernels (juesuan.build.engine): same output as papermill's own way, no state
carried from one department to the next, kernels replaced when they die or hang, none left behind.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from juesuan.build import batch, engine
from juesuan.build.batch import build_reports
from juesuan.cli import main
from juesuan.data.synth import write_synthetic

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "department_report.ipynb"
LEAK_CHECK = Path(__file__).parent / "fixtures" / "leak_check.ipynb"
YEAR = 2022


# --------------------------------------------------------------------------
# A kept notebook or page is compared with papermill's byte for byte: nothing differs from run to run
# (juesuan.build.batch.fix_output_metadata drops times and makes paths relative; the font subset has no timestamp)


def same_bytes(a: Path, b: Path) -> bool:
    return a.read_bytes() == b.read_bytes()


def kept_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------
# The real report notebook: warm kernels against papermill's fresh kernel per report


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    base = tmp_path_factory.mktemp("parallel")
    data = base / "data"
    write_synthetic(data, 3, [2021, 2022], seed=5)
    notebook = base / "report.ipynb"  # a snapshot: both runs must run the same notebook
    shutil.copy(NOTEBOOK, notebook)
    departments = [("synth-0001", "合成部门0001（测试数据）"), ("no-such", "不存在的部门"),
                   ("synth-0002", "合成部门0002（测试数据）"), ("synth-0003", "合成部门0003（测试数据）")]
    runs = {}
    for name, options in (("fresh", dict(engine="fresh", workers=1)), ("warm", dict(engine="warm", workers=2))):
        seen: list[engine.Rendered] = []
        result = build_reports(YEAR, departments, data_dir=data, out_dir=base / name, notebook=notebook,
                               progress=False, on_result=seen.append, **options)
        runs[name] = {"result": result, "dir": base / name / str(YEAR), "rendered": seen}
    # As `juesuan report` runs it: the workers started (and their kernels warmed up) before the batch.
    seen = []
    with batch.WorkerPool(2, notebook) as pool:
        processes = list(pool.executor._processes.values())
        started = [psutil.Process(p.pid).create_time() for p in processes]
        result = build_reports(YEAR, departments, data_dir=data, out_dir=base / "ahead", notebook=notebook,
                               progress=False, on_result=seen.append, engine="warm", workers=2, pool=pool)
    runs["ahead"] = {"result": result, "dir": base / "ahead" / str(YEAR), "rendered": seen,
                     "pids": {p.pid for p in processes},
                     "alive": [_still_running(p.pid, t) for p, t in zip(processes, started)]}
    return runs


def _still_running(pid: int, created: float) -> bool:
    """Whether the process started at `created` runs: by the system's word, not Process.is_alive(), which says
    True for a child another waitpid (an asyncio child watcher of the kernels' clients) has already reaped."""
    try:
        process = psutil.Process(pid)
        return process.create_time() == created and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_warm_kernels_build_the_same_reports(both):
    fresh, warm = both["fresh"]["result"], both["warm"]["result"]
    assert [r.id for r in warm.built] == [r.id for r in fresh.built] == ["synth-0001", "synth-0002", "synth-0003"]
    assert [f.id for f in warm.failed] == [f.id for f in fresh.failed] == ["no-such"]
    assert warm.failed[0].reason == fresh.failed[0].reason
    assert "no-such" in warm.failed[0].reason


@pytest.mark.parametrize("name", ["synth-0001.ipynb", "synth-0002.ipynb", "synth-0003.ipynb",
                                  "no-such.failed.ipynb"])
def test_kept_notebooks_are_papermills(both, name):
    assert same_bytes(both["warm"]["dir"] / name, both["fresh"]["dir"] / name)
    warm = kept_notebook(both["warm"]["dir"] / name)
    # What papermill itself records is there: parameters, injected cell, kernelspec, input path.
    pm = warm["metadata"]["papermill"]
    assert pm["parameters"]["department"] == name.split(".")[0]
    assert pm["input_path"] == "../../report.ipynb"  # from the kept notebook's folder
    tags = [c["metadata"].get("tags", []) for c in warm["cells"]]
    assert ["injected-parameters"] in tags
    assert warm["metadata"]["kernelspec"]["name"] == "juesuan"
    counts = [c["execution_count"] for c in warm["cells"] if c["cell_type"] == "code" and c["execution_count"]]
    assert counts[0] == 1 and counts == sorted(counts)


@pytest.mark.parametrize("dept", ["synth-0001", "synth-0002", "synth-0003"])
def test_html_is_papermills(both, dept):
    assert same_bytes(both["warm"]["dir"] / f"{dept}.html", both["fresh"]["dir"] / f"{dept}.html")


def test_the_comparison_is_of_two_engines_and_can_fail(both):
    # The warm reports were made inside the kernel (juesuan.build._in_kernel), the fresh ones by papermill's
    # nbclient on a new kernel each: the byte comparisons above compare two different paths.
    assert {r.extra["engine"] for r in both["warm"]["rendered"] if r.ok} == {"in-kernel"}
    assert {r.extra["engine"] for r in both["fresh"]["rendered"]} == {"fresh"}
    # And they see a difference where there is one: another department, or one output split in two.
    warm = both["warm"]["dir"]
    assert not same_bytes(warm / "synth-0001.ipynb", both["fresh"]["dir"] / "synth-0002.ipynb")
    nb = nbformat.read(warm / "synth-0001.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.outputs and c.outputs[0].output_type == "display_data")
    cell.outputs.append(cell.outputs[-1])
    assert nbformat.writes(nb).encode("utf-8") != (warm / "synth-0001.ipynb").read_bytes()


@pytest.mark.parametrize("name", ["synth-0001.ipynb", "synth-0002.ipynb", "synth-0003.ipynb",
                                  "no-such.failed.ipynb", "synth-0001.html", "synth-0002.html", "synth-0003.html"])
def test_workers_started_ahead_give_papermills_bytes(both, name):
    assert same_bytes(both["ahead"]["dir"] / name, both["fresh"]["dir"] / name)


def test_workers_started_ahead_are_the_ones_that_ran(both):
    ahead = both["ahead"]
    assert [r.id for r in ahead["result"].built] == ["synth-0001", "synth-0002", "synth-0003"]
    assert len(ahead["pids"]) == 2
    # Every report ran in one of the pool's own processes, inside the kernel it had started before any job
    # came (one start each), and nothing was started by the batch itself.
    assert {int(r.worker.rsplit(":", 1)[1]) for r in ahead["rendered"]} <= ahead["pids"]
    assert {r.extra["engine"] for r in ahead["rendered"] if r.ok} == {"in-kernel"}
    assert all(r.extra["kernel_starts"] == 1 for r in ahead["rendered"])
    assert ahead["alive"] == [False, False]  # ended when the pool closed


def test_the_warm_run_reused_its_kernels_and_left_none_running(both):
    rendered = both["warm"]["rendered"]
    pids = {r.extra["kernel_pid"] for r in rendered}
    assert len(pids) <= 2 < len(rendered)  # two workers, four departments
    assert all(r.extra["kernel_starts"] == 1 for r in rendered)
    assert all(0 < r.peak_mb < 2000 for r in rendered)
    assert both["warm"]["result"].peak_worker_mb == max(r.peak_mb for r in rendered)
    assert_gone(pids)


def assert_gone(pids, wait: float = 10.0) -> None:
    deadline = time.monotonic() + wait
    alive = set(pids)
    while alive and time.monotonic() < deadline:
        alive = {p for p in alive if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE}
        time.sleep(0.1)
    assert not alive, f"kernels still running: {alive}"


# --------------------------------------------------------------------------
# One kernel, several departments: nothing of one is seen by the next


@pytest.fixture(scope="module")
def leaks(tmp_path_factory):
    base = tmp_path_factory.mktemp("leaks")
    data = base / "data"
    data.mkdir()
    departments = [("a", "甲"), ("broken", "坏"), ("b", "乙"), ("c", "丙")]
    runs = {}
    for name, options in (("fresh", dict(engine="fresh", workers=1)), ("warm", dict(engine="warm", workers=1))):
        seen: list[engine.Rendered] = []
        result = build_reports(YEAR, departments, data_dir=data, out_dir=base / name, notebook=LEAK_CHECK,
                               progress=False, on_result=seen.append, **options)
        runs[name] = {"result": result, "dir": base / name / str(YEAR), "rendered": seen}
    return runs


def stdout_of(nb: dict) -> list[str]:
    return ["".join(o["text"]) for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
            if o["output_type"] == "stream"]


def test_every_department_ran_on_one_kernel(leaks):
    rendered = leaks["warm"]["rendered"]
    assert [r.department for r in rendered] == ["a", "broken", "b", "c"]
    assert len({r.extra["kernel_pid"] for r in rendered}) == 1
    assert [f.id for f in leaks["warm"]["result"].failed] == ["broken"]


@pytest.mark.parametrize("dept", ["b", "c"])
def test_the_next_department_sees_a_fresh_kernel(leaks, dept):
    nb = kept_notebook(leaks["warm"]["dir"] / f"{dept}.ipynb")
    out = "".join(stdout_of(nb))
    assert "leaked names: []" in out
    assert "environment: None" in out
    assert "sys.path entries: []" in out
    assert "linewidth: 1.5" in out
    assert "folder: fixtures" in out
    # The warning a fresh kernel shows once is shown again.
    assert "shown once per place, so once per fresh kernel" in out
    # And the whole notebook is what papermill's fresh kernel gives.
    assert same_bytes(leaks["warm"]["dir"] / f"{dept}.ipynb", leaks["fresh"]["dir"] / f"{dept}.ipynb")


def test_a_failed_department_leaves_nothing_behind_either(leaks):
    assert same_bytes(leaks["warm"]["dir"] / "broken.failed.ipynb", leaks["fresh"]["dir"] / "broken.failed.ipynb")
    assert "ValueError" in leaks["warm"]["result"].failed[0].reason


# --------------------------------------------------------------------------
# Kernels that die, hang, or have served their runs are replaced


SETTLED_COLLECTOR = """
import gc, sys, weakref
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from juesuan.build._warm_kernel import settle_collector
if sys.argv[1] == "settled":
    settle_collector()
    assert gc.get_freeze_count() > 0
else:
    gc.disable()  # the test's own sanity: with no collector, every figure stays
drawn = []
for n in range(40):
    fig, ax = plt.subplots()
    ax.bar([1, 2], [3, n])
    fig.canvas.draw()
    plt.close(fig)
    drawn.append(weakref.ref(fig))
    del fig, ax
print(sum(ref() is not None for ref in drawn))
"""


@pytest.mark.parametrize("collector", ["settled", "disabled"])
def test_a_warm_kernels_collector_still_frees_the_figures_a_report_closes(collector):
    """The warm-up's objects are frozen out of the collector (_warm_kernel.settle_collector); a report's
    figures, cyclic garbage once closed, are still freed as it goes, with no explicit gc.collect()."""
    alive = int(subprocess.run([sys.executable, "-c", SETTLED_COLLECTOR, collector], capture_output=True,
                               text=True, check=True).stdout)
    assert alive < 10 if collector == "settled" else alive == 40


def run_leak_check(tmp_path, departments, **options):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    seen: list[engine.Rendered] = []
    result = build_reports(YEAR, [(d, d) for d in departments], data_dir=data, out_dir=tmp_path / "out",
                           notebook=LEAK_CHECK, progress=False, on_result=seen.append, **options)
    return result, seen


def test_a_dead_kernel_fails_its_department_and_is_replaced(tmp_path):
    result, seen = run_leak_check(tmp_path, ["a", "die", "b"], workers=1)
    assert [r.id for r in result.built] == ["a", "b"]
    (failure,) = result.failed
    assert failure.id == "die" and "DeadKernelError" in failure.reason
    assert seen[0].extra["kernel_pid"] != seen[2].extra["kernel_pid"]
    assert_gone({r.extra["kernel_pid"] for r in seen})


def test_a_hanging_cell_times_out_and_the_kernel_is_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "CELL_TIMEOUT_S", 3)
    started = time.monotonic()
    result, seen = run_leak_check(tmp_path, ["hang", "a"], workers=1)
    assert time.monotonic() - started < 60
    assert [r.id for r in result.built] == ["a"]
    assert "Timeout" in result.failed[0].reason or "timed out" in result.failed[0].reason
    assert seen[0].extra["kernel_pid"] != seen[1].extra["kernel_pid"]
    assert_gone({r.extra["kernel_pid"] for r in seen})


def test_kernels_are_replaced_after_their_runs(tmp_path):
    result, seen = run_leak_check(tmp_path, ["a", "b", "c", "d", "e"], workers=1, max_runs_per_kernel=2)
    assert result.ok
    assert [r.extra["kernel_starts"] for r in seen] == [1, 1, 2, 2, 3]
    assert len({r.extra["kernel_pid"] for r in seen}) == 3
    assert_gone({r.extra["kernel_pid"] for r in seen})


def test_a_kept_kernel_is_restarted_after_its_runs(tmp_path):
    # On a Dask worker the process stays; the kernel alone is replaced.
    kernel = engine.WarmKernel(cwd=LEAK_CHECK.parent, max_runs=2)
    pids = []
    try:
        for d in ("a", "b", "c"):
            kernel.execute(str(LEAK_CHECK), str(tmp_path / f"{d}.ipynb"),
                           {"department": d, "year": YEAR, "data_dir": str(tmp_path)}, timeout=60)
            pids.append(kernel.pid)
        # Its history is kept in memory: no SQLite commit per cell (benchmarks/README.md).
        kernel.execute_silent("assert str(get_ipython().history_manager.hist_file) == ':memory:'")
    finally:
        kernel.close()
    assert kernel.starts == 2 and pids[0] == pids[1] != pids[2]
    assert_gone(set(pids))


# --------------------------------------------------------------------------
# Parallel starts


def test_kernels_use_the_ipc_transport_and_start_in_parallel(tmp_path):
    kernels = [engine.WarmKernel(cwd=tmp_path) for _ in range(4)]
    errors = []

    def start(kernel):
        try:
            kernel.start()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(k,)) for k in kernels]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors
        assert all(k.alive for k in kernels)
        assert {k.km.transport for k in kernels} == {"ipc"}
        prefixes = {k.km.ip for k in kernels}
        assert len(prefixes) == 4 and all(Path(p).is_absolute() for p in prefixes)
        for k in kernels:
            k.execute_silent("assert get_ipython().execution_count == 1")
    finally:
        pids = [k.pid for k in kernels]
        for k in kernels:
            k.shutdown()
    assert_gone(set(pids))
    assert not list(tmp_path.iterdir())  # no relative ipc socket files in the kernel's folder


def test_a_failed_start_is_retried(tmp_path, monkeypatch):
    calls = []
    real = engine.WarmKernel._start_once

    def flaky(self):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("ZMQError: Address already in use")
        return real(self)

    monkeypatch.setattr(engine.WarmKernel, "_start_once", flaky)
    kernel = engine.WarmKernel(cwd=tmp_path)
    try:
        kernel.start()
        assert kernel.alive and len(calls) == 2
    finally:
        kernel.shutdown()


def test_workers_must_be_positive(tmp_path):
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="workers"):
            build_reports(YEAR, [], data_dir=tmp_path, out_dir=tmp_path / "o", notebook=LEAK_CHECK,
                          progress=False, workers=bad)


def test_default_workers_is_the_number_of_cores():
    assert batch.default_workers() == len(psutil.Process().cpu_affinity())


# --------------------------------------------------------------------------
# The command line: summary and exit status


@pytest.fixture
def city(tmp_path):
    data = tmp_path / "data"
    write_synthetic(data, 3, [2021, 2022], seed=2)
    with (data / "2022" / "departments.csv").open("a", encoding="utf-8") as handle:
        handle.write("broken,坏部门（测试数据）,坏部门\n")  # the fixture notebook fails for this id
    return data


def test_cli_report_summarises_built_skipped_failed_and_exits_non_zero(city, tmp_path, capsys):
    args = ["report", "--data", str(city), "--year", "2022", "--out", str(tmp_path / "out"),
            "--notebook", str(LEAK_CHECK), "--workers", "2", "--quiet"]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "已生成报告 3 份，失败 1 个，未变跳过 0 份" in out
    assert re.search(r"失败 broken 坏部门（测试数据）：ValueError: 没有 broken 的数据", out)

    assert main(args) == 1  # the failure is tried again; the others are up to date
    out = capsys.readouterr().out
    assert "已生成报告 0 份，失败 1 个，未变跳过 3 份" in out

    assert main(args + ["--force", "--department", "synth-0001"]) == 0
    assert "已生成报告 1 份，失败 0 个，未变跳过 0 份" in capsys.readouterr().out

    index = (tmp_path / "out" / "2022" / "index.html").read_text(encoding="utf-8")
    assert 'href="synth-0001.html"' in index


def test_cli_rejects_zero_workers(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["report", "--workers", "0"])
    assert "参数 --workers：应为不小于 1 的整数，实为 0" in capsys.readouterr().err


def test_the_batch_reads_a_notebook_a_worker_does_not_have(tmp_path):
    # A Dask worker may not have the notebook file: the job carries its content.
    job = engine.Job(year=YEAR, department="a", name="甲", data_dir=str(tmp_path),
                     notebook="/nowhere/leak_check.ipynb", notebook_json=LEAK_CHECK.read_text(encoding="utf-8"),
                     output_path=str(tmp_path / "a.ipynb"), failed_path=str(tmp_path / "a.failed.ipynb"),
                     title="甲2022年度部门决算")
    try:
        rendered = engine.render_department(job)
    finally:
        engine.shutdown_worker_kernels()
    assert rendered.ok, rendered.reason
    nb = nbformat.reads(rendered.notebook_json, as_version=4)
    # Recorded as seen from the kept notebook's folder, the batch's paths, not the worker's copy.
    assert (tmp_path / nb.metadata.papermill.input_path).resolve() == Path("/nowhere/leak_check.ipynb")
    assert nb.metadata.papermill.output_path == "a.ipynb"
    assert "部门 <strong>a</strong>" in rendered.html


# --------------------------------------------------------------------------
# The kernel's cache of load_year


def test_the_year_cache_gives_what_load_year_gives_and_sees_every_change(tmp_path):
    from juesuan.build._warm_kernel import YearCache
    from juesuan.data.loading import load_year

    data = tmp_path / "data"
    write_synthetic(data, 3, [2022], seed=4)
    (data / "2022" / "units.csv").write_text("department_id,unit_name,unit_kind\nnobody,x,行政单位\n",
                                             encoding="utf-8")  # an error, kept with the year
    cache = YearCache(load_year)
    for only in (None, "synth-0002"):
        first = cache(data, YEAR, only)
        again = cache(data, YEAR, only)
        fresh = load_year(data, YEAR, only)
        assert again is not first
        for got in (first, again):
            assert got.departments.keys() == fresh.departments.keys()
            for d, figures in got.departments.items():
                assert figures.amounts == fresh.departments[d].amounts
                assert figures.text == fresh.departments[d].text
                assert figures.sources == fresh.departments[d].sources
            assert [e.message for e in got.errors] == [e.message for e in fresh.errors]
        # What one caller changes, the next does not see.
        again.departments["synth-0002"].amounts.clear()
        assert cache(data, YEAR, only).departments["synth-0002"].amounts
    assert cache.hits == 4 and cache.misses == 2

    # A change of any file it read is seen.
    amounts = data / "2022" / "amounts.csv"
    amounts.write_text(amounts.read_text(encoding="utf-8").replace("synth-0002,gpb.actual,", "synth-0002,gpb.budget2,", 1),
                       encoding="utf-8")
    changed = cache(data, YEAR, "synth-0002")
    assert any("gpb.budget2" in e.message for e in changed.errors)
    assert not any("gpb.budget2" in e.message for e in first.errors)
    text = data / "2022" / "text" / "synth-0002.yaml"
    text.write_text(text.read_text(encoding="utf-8").replace("承办上级交办的其他事项", "新的事项"), encoding="utf-8")
    got = cache(data, YEAR, "synth-0002")
    assert "新的事项" in str(got.departments["synth-0002"].text)
    assert "新的事项" in str(cache(data, YEAR).departments["synth-0002"].text)


def test_the_rows_cache_gives_what_read_year_gives_for_each_department(tmp_path, monkeypatch):
    import juesuan.data.loading as loading
    from juesuan.build._warm_kernel import RowsCache

    data = tmp_path / "data"
    write_synthetic(data, 4, [2022], seed=6)
    amounts = data / "2022" / "amounts.csv"
    # A row of a department that is not listed, and a row too short to read: errors read_year narrows.
    amounts.write_text(amounts.read_text(encoding="utf-8") + "nobody,gpb.actual,,1\nsynth-0003,gpb.actual\n",
                       encoding="utf-8")
    plain = {only: loading.read_year(data, YEAR, only) for only in (None, "synth-0001", "synth-0003", "nobody", "zz")}
    cache = RowsCache()
    monkeypatch.setattr(loading, "_rows_cache", cache)

    def same(got, want):
        assert got.departments.keys() == want.departments.keys()
        for d, figures in got.departments.items():
            assert figures.amounts == want.departments[d].amounts
            assert figures.counts == want.departments[d].counts
            assert figures.sources == want.departments[d].sources
        assert [(e.department, e.message) for e in got.errors] == [(e.department, e.message) for e in want.errors]

    for _ in range(2):
        for only, want in plain.items():
            same(loading.read_year(data, YEAR, only), want)
    assert cache.misses <= len(loading.FILES)  # each file read once, however many departments ask
    assert cache.hits > cache.misses
    # A changed file is read again.
    amounts.write_text(amounts.read_text(encoding="utf-8").replace("synth-0001,gpb.actual,", "synth-0001,gpb.budget2,", 1),
                       encoding="utf-8")
    monkeypatch.setattr(loading, "_rows_cache", None)
    want = loading.read_year(data, YEAR, "synth-0001")
    monkeypatch.setattr(loading, "_rows_cache", cache)
    got = loading.read_year(data, YEAR, "synth-0001")
    assert any("gpb.budget2" in e.message for e in got.errors)
    same(got, want)
