"""Benchmark of the batch: naive papermill + nbconvert loop, juesuan report, a kernel-free render, a re-run.

    .venv/bin/python benchmarks/batch.py                     # 400 departments, the slow loops on 20 of them
    .venv/bin/python benchmarks/batch.py --departments 20    # everything over the same 20

In one temporary folder it writes synthetic departments (``juesuan synth``,
years 2021-2022, reports of 2022; ``max(--departments, --rerun-departments)``
of them) and measures on this machine, over the first ``--departments`` N
(default 400, the count issue 15 measured) or the first ``--subset`` S of
those (default 20; the same year's data either way):

* **naive** (S): for each department, one after another, the ``papermill``
  CLI (fresh kernel) then ``jupyter nbconvert --to html --no-input``;
* **naive, two at a time** (S): the same papermill + nbconvert pair per department,
  run two departments at a time by ``xargs -P 2`` (what one would do by hand on
  two cores);
* **juesuan 1 worker** (S), **juesuan 2 workers** (N, and again over S):
  ``juesuan report --workers 1`` / ``--workers 2`` (``--force``, wall time of the
  whole command, its start-up and index included);
* **dask** (S): ``juesuan report --scheduler`` on a real ``dask scheduler`` and one
  ``dask worker`` process of 2 threads (the same two cores) that the benchmark starts; once on the fresh
  worker (its kernels start and warm up within the run, as the local batch's do), once again on its warm
  kernels (``dask_s_per_report``, ``dask_warm_s_per_report``; compare with ``juesuan_subset_s_per_report``);
* **kernel-free** (N, and again over S): the same reports rendered without any kernel, by two warm
  Python processes (the same parallelism as 2 workers): each runs the report
  notebook's code cells that the batch runs (not the ``analyst`` cells, which the batch skips too) in an
  in-process IPython shell with the batch kernels' year cache (the library calls the
  notebook makes: ``load_report``, sections, charts to PNG, tables), collects
  their outputs into the notebook and exports it with ``notebook_to_html``,
  then writes both files; the time excludes the processes' start-up and warm-up
  (one report each, not timed); of it, the time spent making each report's embedded font subset
  (``juesuan.build.webfont.font_subset``) is the font's share;
* **re-run**: after all ``--rerun-departments`` (default 100; all N when more) reports are built,
  ``juesuan report`` again with nothing changed (wall time of the command);
* **peak worker memory**: the largest resident memory of one worker (its
  process plus its kernel), sampled every 0.1 s during the juesuan runs;
* **formats** (S), one run after the other, 2 workers:
  ``--formats html --force`` (the HTML's cost), ``--formats html,pdf,docx
  --force`` (all three: what PDF and Word add is the difference), then on a
  folder holding the HTML only, ``--formats html,pdf`` and ``--formats
  html,pdf,docx`` without ``--force``, which make only the PDFs, then only the
  Word files, from the kept HTML (each run's whole wall time, start-up included).

The last line is::

    RESULT departments=N juesuan_s_per_report=… kernel_free_s_per_report=… overhead_ratio=… subset=S naive_s_per_report=… speedup=… naive_xargs2_s_per_report=… speedup_vs_xargs2=… juesuan_subset_s_per_report=… kernel_free_subset_s_per_report=… overhead_ratio_subset=… speedup_vs_xargs2_subset=… font_s_per_report=… font_share=… rerun_s=… peak_worker_mb=… dask_s_per_report=… dask_warm_s_per_report=… html_s_per_report=… pdf_s_per_report=… docx_s_per_report=… pdf_docx_added_s_per_report=… formats_within_budget=… formats_peak_worker_mb=…

Every ``…_s_per_report`` is a run's wall time divided by the number of reports it made.
juesuan_s_per_report and kernel_free_s_per_report are over the N departments, overhead_ratio
their ratio; the ``_subset`` ones are the same over S (where the batch's fixed start-up weighs
N/S times more). naive and naive_xargs2 are over S (each report there costs the same whatever
the number: a process pair per report), and speedup = naive / juesuan, speedup_vs_xargs2 = the
xargs -P 2 loop / juesuan (speedup_vs_xargs2_subset: / juesuan over S). pdf_docx_added_s_per_report is
(all three − HTML alone) / S, formats_within_budget says whether it is at most html_s_per_report
(PDF and Word together add no more than the HTML costs), and formats_peak_worker_mb is
a worker's peak memory while making all three (its Chromium included; resident
sizes summed, so the pages Chromium's processes share count once per process). ``--formats-only`` runs the
formats part alone over S departments (``FORMATS`` line). font_s_per_report is the mean
time of one report's font subset in the kernel-free render over N and font_share its
part of that render's time (summed over the reports' own times, which the two
processes overlap). ``--memory-run M`` instead
builds M departments with 2 workers and prints the workers' memory as the
batch goes (is it flat?).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOK = ROOT / "notebooks" / "department_report.ipynb"
YEAR = 2022


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Memory of the workers, sampled


class WorkerMemory(threading.Thread):
    """Samples a running `juesuan report`: each worker's RSS plus its kernel's, in MB."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = 0.0
        self.samples: list[tuple[float, float]] = []
        self.stopped = threading.Event()

    def workers(self) -> list[psutil.Process]:
        children = [c for c in self.root.children() if "resource_tracker" not in " ".join(_cmdline(c))]
        workers = [c for c in children if "ipykernel" not in " ".join(_cmdline(c))]
        return workers or [self.root]  # one worker runs in the batch's own process

    def run(self) -> None:
        start = time.monotonic()
        while not self.stopped.is_set():
            try:
                sizes = []
                for worker in self.workers():
                    procs = [worker] + [k for k in worker.children(recursive=True)]
                    sizes.append(sum(_rss(p) for p in procs) / 2**20)
                if sizes:
                    self.peak = max(self.peak, max(sizes))
                    self.samples.append((time.monotonic() - start, max(sizes)))
            except psutil.Error:
                pass
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()
        self.join()


def _cmdline(p: psutil.Process) -> list[str]:
    try:
        return p.cmdline()
    except psutil.Error:
        return []


def _rss(p: psutil.Process) -> int:
    try:
        return p.memory_info().rss
    except psutil.Error:
        return 0


def juesuan_report(data: Path, out: Path, notebook: Path, workers: int, departments: list[str] | None,
                   force: bool, formats: str = "html", scheduler: str | None = None) -> tuple[float, float, str]:
    """Run the CLI; return (wall seconds, peak worker MB, its output)."""
    cmd = [str(BIN / "juesuan"), "report", "--data", str(data), "--year", str(YEAR), "--out", str(out),
           "--notebook", str(notebook), "--workers", str(workers), "--quiet", "--formats", formats]
    if scheduler is not None:
        cmd += ["--scheduler", scheduler]
    if force:
        cmd.append("--force")
    for d in departments or []:
        cmd += ["--department", d]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sampler = WorkerMemory(proc.pid)
    sampler.start()
    output, _ = proc.communicate()
    wall = time.perf_counter() - started
    sampler.stop()
    if proc.returncode != 0:
        raise SystemExit(f"juesuan report failed ({proc.returncode}):\n{output}")
    return wall, sampler.peak, output


# --------------------------------------------------------------------------
# Dask: a real `dask scheduler` and `dask worker` (one process, 2 threads: the same two cores)


def on_dask(data: Path, out: Path, notebook: Path, ids: list[str], threads: int = 2) -> tuple[float, float]:
    """(wall seconds of ``juesuan report --scheduler``, with the worker already up but cold; the same again warm)."""
    from juesuan.build.dask_pair import scheduler_and_worker

    folder = Path(tempfile.mkdtemp(prefix="juesuan-dask-"))
    try:
        with scheduler_and_worker(folder, threads) as (address, _):
            cold, _, _ = juesuan_report(data, out, notebook, threads, ids, force=True, scheduler=address)
            warm, _, _ = juesuan_report(data, out, notebook, threads, ids, force=True, scheduler=address)
        return cold, warm
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------
# Naive: papermill CLI, then nbconvert CLI, per department


def naive(data: Path, out: Path, notebook: Path, departments: list[str]) -> float:
    out.mkdir(parents=True)
    started = time.perf_counter()
    for d in departments:
        executed = out / f"{d}.ipynb"
        subprocess.run([str(BIN / "papermill"), str(notebook), str(executed), "-k", "juesuan",
                        "-r", "department", d, "-p", "year", str(YEAR), "-r", "data_dir", str(data),
                        "--cwd", str(notebook.parent), "--no-progress-bar"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert executed.with_suffix(".html").is_file()
    return time.perf_counter() - started


def naive_xargs(data: Path, out: Path, notebook: Path, departments: list[str], processes: int = 2) -> float:
    """The same loop by hand, ``processes`` departments at a time: ``xargs -P 2`` over one shell line each."""
    out.mkdir(parents=True)
    script = ('"$0" "$NOTEBOOK" "$OUT/$1.ipynb" -k juesuan -r department "$1" -p year "$YEAR" -r data_dir "$DATA" '
              '--cwd "$CWD" --no-progress-bar >/dev/null 2>&1 && '
              '"$JUPYTER" nbconvert --to html --no-input "$OUT/$1.ipynb" >/dev/null 2>&1')
    env = {**os.environ, "NOTEBOOK": str(notebook), "OUT": str(out), "YEAR": str(YEAR), "DATA": str(data),
           "CWD": str(notebook.parent), "JUPYTER": str(BIN / "jupyter")}
    started = time.perf_counter()
    subprocess.run(["xargs", "-P", str(processes), "-n", "1", "sh", "-c", script, str(BIN / "papermill")],
                   input="\n".join(departments) + "\n", text=True, env=env, check=True)
    wall = time.perf_counter() - started
    missing = [d for d in departments if not (out / f"{d}.html").is_file()]
    if missing:
        raise SystemExit(f"xargs -P {processes} loop: no HTML for {missing}")
    return wall


# --------------------------------------------------------------------------
# Kernel-free: the notebook's cells run in this process, no kernel, no ZMQ


def kernel_free(data: Path, out: Path, notebook: Path, departments: list[tuple[str, str]],
                processes: int = 2) -> tuple[float, float, float]:
    """(wall seconds, the reports' own seconds summed, their font subsets' seconds summed)."""
    out.mkdir(parents=True)
    ctx = multiprocessing.get_context("spawn")
    from kernel_free import kernel_free_render, setup  # a module of its own: the pool pickles by name

    with ctx.Pool(processes, initializer=setup, initargs=(str(notebook),)) as pool:
        # Warm each process up with one report (not timed), as a warm worker would be.
        warm = [(d, n, str(data), str(out)) for d, n in departments[:processes]]
        limit = 300 + 60 * len(departments)  # never hang the benchmark
        pool.map_async(kernel_free_render, warm, chunksize=1).get(limit)
        jobs = [(d, n, str(data), str(out)) for d, n in departments]
        started = time.perf_counter()
        times = pool.map_async(kernel_free_render, jobs, chunksize=1).get(limit)
        wall = time.perf_counter() - started
        return wall, sum(t for t, _ in times), sum(f for _, f in times)


# --------------------------------------------------------------------------


def names(data: Path) -> list[tuple[str, str]]:
    import csv

    with (data / str(YEAR) / "departments.csv").open(encoding="utf-8") as handle:
        return [(r["department_id"], r["name"]) for r in csv.DictReader(handle)]


def memory_run(count: int, workers: int, keep: Path | None) -> None:
    base = Path(keep or tempfile.mkdtemp(prefix="juesuan-bench-"))
    data = base / "data"
    if not data.exists():
        subprocess.run([str(BIN / "juesuan"), "synth", "--departments", str(count), "--years", "2021-2022",
                        "--out", str(data)], check=True, stdout=subprocess.DEVNULL)
    notebook = base / "notebook" / NOTEBOOK.name
    notebook.parent.mkdir(exist_ok=True)
    shutil.copy(NOTEBOOK, notebook)
    cmd = [str(BIN / "juesuan"), "report", "--data", str(data), "--year", str(YEAR), "--out", str(base / "out"),
           "--notebook", str(notebook), "--workers", str(workers), "--quiet", "--force"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sampler = WorkerMemory(proc.pid, interval=0.5)
    sampler.start()
    output, _ = proc.communicate()
    wall = time.perf_counter() - started
    sampler.stop()
    print(output.strip().splitlines()[0])
    samples = sampler.samples
    for fraction in (0.05, 0.1, 0.25, 0.5, 0.75, 1.0):
        window = [mb for t, mb in samples if t <= wall * fraction and t > wall * (fraction - 0.05)]
        if window:
            print(f"memory at {fraction:4.0%} of the run ({wall * fraction:7.0f} s): worker max {max(window):6.0f} MB")
    print(f"MEMORY departments={count} workers={workers} wall_s={wall:.0f} s_per_report={wall / count:.3f} "
          f"peak_worker_mb={sampler.peak:.0f}")


def formats(data: Path, base: Path, notebook: Path, ids: list[str]) -> dict[str, float]:
    """Seconds per report: the HTML alone, all three formats, and the PDF, then the Word file, from kept HTML."""
    n = len(ids)

    peaks: dict[str, float] = {}

    def run(out: str, formats_: str, force: bool, expect: str) -> float:
        wall, peak, output = juesuan_report(data, base / out, notebook, 2, ids, force=force, formats=formats_)
        if expect not in output:
            raise SystemExit(f"--formats {formats_}: expected {expect!r}:\n{output}")
        peaks[formats_] = max(peaks.get(formats_, 0.0), peak)
        return wall

    built = f"已生成报告 {n} 份"
    log("formats: --formats html --force …")
    html_s = run("formats", "html", True, built)
    log(f"  {html_s:.1f} s, {html_s / n:.2f} s per report")
    log("formats: --formats html,pdf,docx --force …")
    all_s = run("formats", "html,pdf,docx", True, built)
    log(f"  {all_s:.1f} s, {all_s / n:.2f} s per report; PDF and Word add {(all_s - html_s) / n:.2f} s per report; "
        f"peak worker {peaks['html,pdf,docx']:.0f} MB (its kernel and its Chromium included), "
        f"{peaks['html']:.0f} MB for the HTML alone")
    run("formats-kept", "html", True, built)  # the HTML only, to make the others from
    log("formats: the PDFs alone, from the kept HTML …")
    pdf_s = run("formats-kept", "html,pdf", False, built)
    log(f"  {pdf_s:.1f} s, {pdf_s / n:.2f} s per report")
    log("formats: the Word files alone, from the kept HTML …")
    docx_s = run("formats-kept", "html,pdf,docx", False, built)
    log(f"  {docx_s:.1f} s, {docx_s / n:.2f} s per report")
    return {"html": html_s / n, "pdf": pdf_s / n, "docx": docx_s / n, "added": (all_s - html_s) / n,
            "peak_mb": peaks["html,pdf,docx"]}


def formats_fields(per: dict[str, float]) -> str:
    return (f"html_s_per_report={per['html']:.3f} pdf_s_per_report={per['pdf']:.3f} "
            f"docx_s_per_report={per['docx']:.3f} pdf_docx_added_s_per_report={per['added']:.3f} "
            f"formats_within_budget={per['added'] <= per['html']} formats_peak_worker_mb={per['peak_mb']:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--departments", type=int, default=400,
                        help="the batch and the kernel-free render over this many departments (default 400, as issue 15 "
                             "measured)")
    parser.add_argument("--subset", type=int, default=20,
                        help="the papermill loops, --workers 1, Dask, the formats, and the batch and the kernel-free "
                             "render again, over the first this many of them (default 20)")
    parser.add_argument("--rerun-departments", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--memory-run", type=int, metavar="M", help="only: build M departments, watch memory")
    parser.add_argument("--formats-only", action="store_true", help="only: the cost of each format")
    args = parser.parse_args()
    if args.memory_run:
        memory_run(args.memory_run, 2, args.keep)
        return
    if args.formats_only:
        base = Path(args.keep or tempfile.mkdtemp(prefix="juesuan-bench-"))
        try:
            data = base / "data"
            if not data.exists():
                subprocess.run([str(BIN / "juesuan"), "synth", "--departments", str(args.subset), "--years",
                                "2021-2022", "--out", str(data), "--seed", str(args.seed)], check=True,
                               stdout=subprocess.DEVNULL)
            notebook = base / "notebook" / NOTEBOOK.name
            notebook.parent.mkdir(exist_ok=True)
            shutil.copy(NOTEBOOK, notebook)
            ids = [d for d, _ in names(data)[:args.subset]]
            print(f"FORMATS departments={len(ids)} {formats_fields(formats(data, base, notebook, ids))}")
        finally:
            if args.keep is None:
                shutil.rmtree(base, ignore_errors=True)
        return

    n = args.departments
    subset = min(args.subset, n)
    total = max(n, args.rerun_departments)
    base = Path(args.keep or tempfile.mkdtemp(prefix="juesuan-bench-"))
    try:
        data = base / "data"
        subprocess.run([str(BIN / "juesuan"), "synth", "--departments", str(total), "--years", "2021-2022",
                        "--out", str(data), "--seed", str(args.seed)], check=True, stdout=subprocess.DEVNULL)
        # A snapshot of the report notebook, so that every measurement runs the same one.
        notebook = base / "notebook" / NOTEBOOK.name
        notebook.parent.mkdir()
        shutil.copy(NOTEBOOK, notebook)
        everyone = names(data)
        chosen = everyone[:n]
        ids = [d for d, _ in chosen]
        sub_ids = ids[:subset]
        log(f"{n} departments of {total} synthetic ones in {base}; the slow loops, Dask and the formats on the "
            f"first {subset}")

        log(f"naive: papermill CLI + nbconvert CLI per department, {subset} departments …")
        naive_s = naive(data, base / "naive", notebook, sub_ids)
        log(f"  {naive_s:.1f} s, {naive_s / subset:.2f} s per report")

        log(f"naive, two at a time: the same loop under xargs -P 2, {subset} departments …")
        xargs_s = naive_xargs(data, base / "naive-xargs", notebook, sub_ids)
        log(f"  {xargs_s:.1f} s, {xargs_s / subset:.2f} s per report")

        log(f"juesuan report --workers 1, {subset} departments …")
        one_s, one_mb, _ = juesuan_report(data, base / "one", notebook, 1, sub_ids, force=True)
        log(f"  {one_s:.1f} s, {one_s / subset:.2f} s per report, peak worker {one_mb:.0f} MB")

        log(f"juesuan report --workers 2, {subset} departments …")
        sub_s, sub_mb, _ = juesuan_report(data, base / "two-subset", notebook, 2, sub_ids, force=True)
        log(f"  {sub_s:.1f} s, {sub_s / subset:.2f} s per report, peak worker {sub_mb:.0f} MB")

        if n > subset:
            log(f"juesuan report --workers 2, {n} departments …")
            two_s, two_mb, _ = juesuan_report(data, base / "two", notebook, 2, ids, force=True)
            log(f"  {two_s:.1f} s, {two_s / n:.2f} s per report, peak worker {two_mb:.0f} MB")
        else:
            two_s, two_mb = sub_s, sub_mb
            shutil.copytree(base / "two-subset", base / "two")

        log(f"dask: a real scheduler and one worker of 2 threads, juesuan report --scheduler, {subset} departments …")
        dask_cold_s, dask_warm_s = on_dask(data, base / "dask", notebook, sub_ids)
        log(f"  {dask_cold_s:.1f} s ({dask_cold_s / subset:.2f} s per report) on a fresh worker, "
            f"{dask_warm_s:.1f} s ({dask_warm_s / subset:.2f} s per report) on its warm kernels")

        log(f"kernel-free render, 2 warm processes, {subset} departments …")
        free_sub_s, _, _ = kernel_free(data, base / "free-subset", notebook, chosen[:subset])
        log(f"  {free_sub_s:.1f} s, {free_sub_s / subset:.2f} s per report")
        if n > subset:
            log(f"kernel-free render, 2 warm processes, {n} departments …")
            free_s, free_own_s, font_s = kernel_free(data, base / "free", notebook, chosen)
            log(f"  {free_s:.1f} s, {free_s / n:.2f} s per report")
        else:
            free_s, free_own_s, font_s = kernel_free(data, base / "free", notebook, chosen)
        log(f"  font subset {font_s / n:.3f} s per report, {font_s / free_own_s:.0%} of a report's render")

        per_format = formats(data, base, notebook, sub_ids)

        log(f"re-run: building all {total} departments first …")
        prep_s, prep_mb, _ = juesuan_report(data, base / "two", notebook, 2, None, force=False)
        log(f"  {prep_s:.1f} s for {total - n} new reports, peak worker {prep_mb:.0f} MB")
        rerun_s, _, output = juesuan_report(data, base / "two", notebook, 2, None, force=False)
        summary = output.strip().splitlines()[0] if output.strip() else ""
        log(f"  re-run with nothing changed: {rerun_s:.2f} s — {summary}")
        if f"未变跳过 {total} 份" not in output:
            raise SystemExit(f"the re-run rebuilt something:\n{output}")

        naive_per = naive_s / subset
        xargs_per = xargs_s / subset
        juesuan_per = two_s / n
        free_per = free_s / n
        sub_per = sub_s / subset
        free_sub_per = free_sub_s / subset
        peak = max(one_mb, sub_mb, two_mb, prep_mb)
        print(json.dumps({"juesuan_1_worker_s_per_report": round(one_s / subset, 3), "subset": subset}))
        print(f"RESULT departments={n} juesuan_s_per_report={juesuan_per:.3f} kernel_free_s_per_report={free_per:.3f} "
              f"overhead_ratio={juesuan_per / free_per:.2f} subset={subset} naive_s_per_report={naive_per:.3f} "
              f"speedup={naive_per / juesuan_per:.2f} naive_xargs2_s_per_report={xargs_per:.3f} "
              f"speedup_vs_xargs2={xargs_per / juesuan_per:.2f} "
              f"juesuan_subset_s_per_report={sub_per:.3f} kernel_free_subset_s_per_report={free_sub_per:.3f} "
              f"overhead_ratio_subset={sub_per / free_sub_per:.2f} speedup_vs_xargs2_subset={xargs_per / sub_per:.2f} "
              f"font_s_per_report={font_s / n:.3f} "
              f"font_share={font_s / free_own_s:.3f} rerun_s={rerun_s:.2f} peak_worker_mb={peak:.0f} "
              f"dask_s_per_report={dask_cold_s / subset:.3f} dask_warm_s_per_report={dask_warm_s / subset:.3f} "
              f"{formats_fields(per_format)}")
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
