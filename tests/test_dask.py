"""juesuan report --scheduler: the same batch as Dask futures on a cluster (here a LocalCluster)."""
from __future__ import annotations

from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from juesuan.build import engine  # noqa: E402
from juesuan.build.batch import build_reports  # noqa: E402
from juesuan.cli import main  # noqa: E402
from test_parallel import same_bytes  # noqa: E402

FIXTURE = Path(__file__).parent / "fixtures" / "leak_check.ipynb"
YEAR = 2022
DEPARTMENTS = [("a", "甲"), ("broken", "坏"), ("b", "乙"), ("c", "丙")]


@pytest.fixture(scope="module")
def cluster():
    # Threads in this process: workers share the test's environment (kernel `juesuan`, the data folder).
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            yield cluster, client
    engine.shutdown_worker_kernels()


@pytest.fixture(scope="module")
def runs(cluster, tmp_path_factory):
    _, client = cluster
    base = tmp_path_factory.mktemp("dask")
    data = base / "data"
    data.mkdir()
    seen: list = []
    on_dask = build_reports(YEAR, DEPARTMENTS, data_dir=data, out_dir=base / "dask", notebook=FIXTURE,
                            progress=False, scheduler=client, on_result=seen.append)
    local = build_reports(YEAR, DEPARTMENTS, data_dir=data, out_dir=base / "local", notebook=FIXTURE,
                          progress=False, workers=1)
    return {"dask": on_dask, "local": local, "base": base, "data": data, "seen": seen}


def test_the_batch_runs_as_dask_tasks(runs, cluster):
    result = runs["dask"]
    assert [r.id for r in result.built] == ["a", "b", "c"]
    assert [f.id for f in result.failed] == ["broken"]
    assert "ValueError: 没有 broken 的数据" in result.failed[0].reason
    assert result.failed[0].notebook == runs["base"] / "dask" / str(YEAR) / "broken.failed.ipynb"
    # The work ran on the cluster's worker threads, on (at most two) warm kernels.
    workers = {r.worker for r in runs["seen"]}
    assert len(workers) == 1
    assert len({r.extra["kernel_pid"] for r in runs["seen"]}) <= 2
    _, client = cluster
    assert client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) == 0  # all released


@pytest.mark.parametrize("name", ["a.ipynb", "b.ipynb", "c.ipynb", "broken.failed.ipynb"])
def test_the_same_reports_as_a_local_batch(runs, name):
    dask_dir, local_dir = runs["base"] / "dask" / str(YEAR), runs["base"] / "local" / str(YEAR)
    assert same_bytes(dask_dir / name, local_dir / name)  # byte for byte, as any two builds
    if not name.startswith("broken"):
        html = name.replace(".ipynb", ".html")
        assert same_bytes(dask_dir / html, local_dir / html)
    index = (dask_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="a.html"' in index and 'href="broken.html"' not in index


def test_a_rerun_on_the_cluster_skips_what_is_up_to_date(runs, cluster):
    _, client = cluster
    seen: list = []
    result = build_reports(YEAR, DEPARTMENTS, data_dir=runs["data"], out_dir=runs["base"] / "dask",
                           notebook=FIXTURE, progress=False, scheduler=client, on_result=seen.append)
    assert [r.id for r in result.skipped] == ["a", "b", "c"]
    assert [r.department for r in seen] == ["broken"]


def test_cli_scheduler_address(runs, cluster, tmp_path, capsys):
    local_cluster, _ = cluster
    data = tmp_path / "data"
    (data / "2022" / "text").mkdir(parents=True)
    (data / "2022" / "departments.csv").write_text("department_id,name,short_name\na,甲,甲\nb,乙,乙\n",
                                                   encoding="utf-8")
    (data / "2022" / "amounts.csv").write_text("department_id,item,code,amount\n", encoding="utf-8")
    code = main(["report", "--data", str(data), "--year", "2022", "--out", str(tmp_path / "out"),
                 "--notebook", str(FIXTURE), "--scheduler", local_cluster.scheduler_address, "--quiet"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "已生成报告 2 份，失败 0 个" in out
    assert (tmp_path / "out" / "2022" / "a.html").is_file()


def test_an_unreachable_scheduler_is_an_error_not_a_hang(tmp_path):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}), pytest.raises(OSError):
        build_reports(YEAR, [("a", "甲")], data_dir=tmp_path, out_dir=tmp_path / "out", notebook=FIXTURE,
                      progress=False, scheduler="tcp://127.0.0.1:9")


# --------------------------------------------------------------------------
# A real cluster: `dask scheduler` and `dask worker`, each its own process, as on a machine room's nodes


@pytest.fixture(scope="module")
def real_cluster(tmp_path_factory):
    from juesuan.build.dask_pair import scheduler_and_worker

    # One worker process, two threads (two warm kernels)
    with scheduler_and_worker(tmp_path_factory.mktemp("real-cluster"), threads=2) as (address, processes):
        yield address, processes


def test_a_real_scheduler_and_worker_build_the_reports_in_their_kernels(real_cluster, runs):
    import os

    from test_parallel import assert_gone

    address, processes = real_cluster
    seen: list = []
    base = runs["base"]
    result = build_reports(YEAR, DEPARTMENTS, data_dir=runs["data"], out_dir=base / "real", notebook=FIXTURE,
                           progress=False, scheduler=address, on_result=seen.append)
    assert [r.id for r in result.built] == ["a", "b", "c"]
    assert [f.id for f in result.failed] == ["broken"]
    # Run in the worker's process (not this one), each report inside a warm kernel in one request.
    assert {r.worker.split(":")[1] for r in seen} == {str(processes[1].pid)} != {str(os.getpid())}
    assert {r.extra["engine"] for r in seen if r.ok} == {"in-kernel"}
    for name in ("a.ipynb", "a.html", "c.ipynb", "c.html", "broken.failed.ipynb"):
        assert same_bytes(base / "real" / str(YEAR) / name, base / "local" / str(YEAR) / name)
    # The worker's kernels end with it.
    processes[1].terminate()
    processes[1].wait(30)
    assert_gone({r.extra["kernel_pid"] for r in seen})
