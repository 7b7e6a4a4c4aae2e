"""A `dask scheduler` and one `dask worker` on this machine, each its own process, as on a machine room's
nodes: what `juesuan report --scheduler ADDRESS` is pointed at (the Dask test and the batch benchmark use
it; a LocalCluster would run in the caller's own process)."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

#: How long the scheduler and the worker may take to come up.
START_SECONDS = 60


@contextmanager
def scheduler_and_worker(folder: Path, threads: int = 2) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """(the scheduler's address, [scheduler, worker]) once the worker has joined; both stopped afterwards.
    The worker is one process with `threads` threads (a warm kernel each) and no nanny, so that stopping it
    stops its kernels too. `folder` holds the scheduler's file."""
    dask = str(Path(sys.executable).parent / "dask")
    scheduler_file = Path(folder) / "scheduler.json"
    processes = [subprocess.Popen([dask, "scheduler", "--scheduler-file", str(scheduler_file), "--port", "0",
                                   "--no-dashboard", "--host", "127.0.0.1"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + START_SECONDS
        while not scheduler_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        processes.append(subprocess.Popen([dask, "worker", address, "--nthreads", str(threads), "--nworkers", "1",
                                           "--no-nanny", "--no-dashboard", "--host", "127.0.0.1"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout=START_SECONDS) as client:
            client.wait_for_workers(1, timeout=START_SECONDS)
        yield address, processes
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
