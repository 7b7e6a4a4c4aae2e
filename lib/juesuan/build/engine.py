"""Run the report notebook on a kernel kept warm from one department to the next.

A fresh kernel per report costs more than the report (starting Python,
importing pandas, matplotlib and seaborn, registering the CJK font: see
TOOLING-NOTES "Where the time goes"). Here each worker keeps ONE kernel
(:class:`WarmKernel`) and runs every department it is given on it:

* the kernel starts on the ``ipc`` transport (Unix sockets in the runtime
  folder) where the platform has it, so parallel starts cannot race for TCP
  ports (papermill #511); a start that fails anyway is retried;
* it is warmed up once (:func:`juesuan.build._warm_kernel.warm_up`) and reset before
  every run (:func:`juesuan.build._warm_kernel.reset`): empty namespace, execution
  count 1, same folder, environment, warning filters and rcParams;
* the notebook still runs through ``papermill.execute_notebook``, with the
  papermill engine :class:`WarmKernelEngine` (registered as
  ``juesuan-warm``) handing papermill's client the kept kernel, so the
  parameters cell, the injected-parameters cell, ``metadata.papermill`` and the
  error markers of a failed run are papermill's own;
* the kernel is restarted after ``max_runs`` reports (memory stays flat), and
  whenever a run failed for a reason other than an error in a cell (the kernel
  died, a cell timed out).

:func:`render_department` is the unit of work of the batch: it runs one
department on the calling worker's kernel, exports the HTML, makes the PDF
(:mod:`juesuan.build.pdf`, on the worker's own Chromium) and the Word document
(:mod:`juesuan.build.word`) from that HTML when the job asks for them, and returns
everything as strings and bytes (:class:`Rendered`), so the batch's own
process writes the files. A job that carries the HTML of a report already
built makes only the formats it asks for, without a kernel. It runs the same
in a ``ProcessPoolExecutor`` worker and on a Dask worker.
"""
from __future__ import annotations

import contextvars
import hashlib
import logging
import os
import resource
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from juesuan.build.kept_notebook import KERNEL_NAME
from juesuan.build.lean_imports import skip_uri_syntax_grammar

# papermill, nbformat and jupyter_client are imported when a report runs, not
# with this module: the batch's process imports it also when nothing is to be
# built, and they take seconds to import.

__all__ = ["ENGINE_NAME", "Job", "Rendered", "WarmKernel", "WarmKernelEngine", "render_department",
           "shutdown_worker_kernels"]

log = logging.getLogger(__name__)

ENGINE_NAME = "juesuan-warm"
#: How a worker runs a report: "warm", the whole report inside its kept kernel in one request
#: (juesuan.build._in_kernel; the kernel path where that cannot reproduce it); "warm-client", papermill's
#: nbclient driving the kept kernel cell by cell; "fresh", papermill's own way, a new kernel per report.
ENGINES = ("warm", "warm-client", "fresh")
#: Reports run on one kernel before it is replaced by a fresh one.
MAX_RUNS_PER_KERNEL = 100
START_ATTEMPTS = 3


def _sync(coroutine_function, *args, **kwargs):
    from jupyter_core.utils import run_sync

    return run_sync(coroutine_function)(*args, **kwargs)


_registered = False


def register_engine():
    """Define :class:`WarmKernelEngine` and register it with papermill as ``juesuan-warm`` (once)."""
    global _registered, WarmKernelEngine
    if _registered:
        return WarmKernelEngine
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class WarmKernelEngine(NBClientEngine):
        """papermill's nbclient engine, on a kernel the caller keeps (``km=``).

        papermill's own engine already accepts ``km``; this one also closes the
        client's channels after the run (the kernel stays up) and refuses to run
        without a kernel, so a batch never silently falls back to a fresh one.
        """

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            km = kwargs.pop("km", None)
            running = kwargs.pop("running", None)
            if running is not None:
                # The caller's hold on the notebook papermill executes, error markers and all, also when
                # papermill raises: it need not be written to a file and read back (validated twice).
                running.append(nb_man.nb)
            if km is None or not km.has_kernel:
                raise RuntimeError(f"the {ENGINE_NAME} engine needs a running kernel: pass km=")
            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(
                safe_kwargs,
                timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logging.getLogger("papermill"),
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client = PapermillNotebookClient(nb_man, km=km, **final_kwargs)
            try:
                return client.execute(cleanup_kc=False)
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()
                    client.kc = None

    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)
    _registered = True
    return WarmKernelEngine


WarmKernelEngine = None  # defined by register_engine()


def first_line(message: object) -> str:
    for line in str(message).splitlines():
        if line.strip():
            return line.strip()
    return ""


def _transport() -> str:
    return "ipc" if os.name == "posix" else "tcp"


class KernelTrouble(RuntimeError):
    """The kernel, not the notebook, failed: it is restarted before the next run."""

    ename: str | None = None  # set when the kernel answered with an error


class KernelDied(KernelTrouble):
    """The kernel's process ended while a request was running."""


class ExportError(RuntimeError):
    """The export of an executed notebook failed (in the kernel); str() is "ename: evalue"."""


class WarmKernel:
    """One kernel, started once, reset between runs, restarted every `max_runs` runs."""

    def __init__(self, kernel_name: str = KERNEL_NAME, cwd: str | os.PathLike | None = None, *,
                 max_runs: int = MAX_RUNS_PER_KERNEL, startup_timeout: float = 60, cache: bool = True):
        self.kernel_name = kernel_name
        self.cwd = str(Path(cwd or os.getcwd()).resolve())
        self.max_runs = max_runs
        self.startup_timeout = startup_timeout
        self.cache = cache
        self.km: KernelManager | None = None
        self.kc = None
        self.runs = 0          # runs on the current kernel
        self.last_notebook = None  # set by execute() when a run fails
        self.starts = 0        # kernels started, over this object's life
        # jupyter_core's run_sync (which nbclient and papermill use too) keeps
        # its event loop in a context variable. Every call for this kernel runs
        # in this kernel's own context, so it always finds this kernel's loop,
        # never one that a Dask worker's thread inherited (and that runs elsewhere:
        # "This event loop is already running").
        self.context = contextvars.Context()

    def _run(self, coroutine_function, *args, **kwargs):
        """Run a coroutine of jupyter_client on this kernel's loop, to completion."""
        return self.context.run(_sync, coroutine_function, *args, **kwargs)

    def close(self) -> None:
        """Shut the kernel down and close its event loop."""
        self.shutdown()

        def close_loop():
            from jupyter_core.utils import ensure_event_loop

            ensure_event_loop().close()

        self.context.run(close_loop)

    # ---- life cycle
    def start(self) -> None:
        last: BaseException | None = None
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                self._start_once()
                return
            except Exception as exc:  # noqa: BLE001 -- e.g. ZMQError: Address already in use
                last = exc
                log.warning("kernel start failed (attempt %d of %d): %s", attempt, START_ATTEMPTS, exc)
                self.shutdown()
                time.sleep(0.2 * attempt)
        raise KernelTrouble(f"无法启动内核 {self.kernel_name!r}：{last}") from last

    def _start_once(self) -> None:
        # The batch's own interpreter, never a kernel registered elsewhere (juesuan.build.kernel).
        from juesuan.build.kernel import KernelManager

        transport = _transport()
        if transport == "ipc":
            # For ipc, "ip" is the path prefix of the sockets (<ip>-<n>). The
            # default is relative ("kernel-ipc"), and the kernel resolves it in
            # its own folder: give each kernel its own absolute, short path.
            from jupyter_core.paths import jupyter_runtime_dir

            runtime = Path(jupyter_runtime_dir())
            runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
            prefix = runtime / f"juesuan-{uuid.uuid4().hex[:16]}"
            if len(str(prefix)) > 90:  # Unix socket paths hold about 107 bytes
                prefix = Path(tempfile.gettempdir()) / prefix.name
            km = KernelManager(kernel_name=self.kernel_name, transport="ipc", ip=str(prefix))
        else:
            km = KernelManager(kernel_name=self.kernel_name)
        self.km = km
        # IPython writes each cell's source to its SQLite history on disk (a
        # commit per cell, from a thread of its own): a tenth of the kernel's
        # CPU per report, for a history nobody reads. In memory, `In` and the
        # execution count are the same.
        self._run(km.start_kernel, cwd=self.cwd, extra_arguments=["--HistoryManager.hist_file=:memory:"])
        # Our own session id: a client's sockets take their identity from it,
        # and the kernel's ROUTER sockets must not see two peers with one.
        kc = km.client(session=self._new_session())
        # Only the shell channel: an unread iopub subscription would queue every
        # output of every report.
        kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        self.kc = kc
        self._call(kc.kernel_info, timeout=self.startup_timeout)
        self.starts += 1
        self.runs = 0
        self.execute_silent(
            f"__import__('juesuan.build._warm_kernel', fromlist=['_']).warm_up({self.cwd!r}, cache={self.cache!r})",
            timeout=self.startup_timeout)

    def _new_session(self):
        from jupyter_client.session import Session

        old = self.km.session
        return Session(key=old.key, signature_scheme=old.signature_scheme, username=old.username)

    def shutdown(self) -> None:
        kc, km = self.kc, self.km
        self.kc = self.km = None
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception:  # noqa: BLE001
                pass
        if km is not None:
            try:
                if km.has_kernel:
                    self._run(km.shutdown_kernel, now=True)
            except Exception as exc:  # noqa: BLE001
                log.warning("kernel shutdown: %s", exc)
            try:
                self._run(km.cleanup_resources)
            except Exception:  # noqa: BLE001
                pass

    def restart(self) -> None:
        self.shutdown()
        self.start()

    @property
    def alive(self) -> bool:
        return self.km is not None and self.km.has_kernel and self._run(self.km.is_alive)

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)

    # ---- talking to the kernel
    def _call(self, request, *, timeout: float, stalled: tuple[Path, float] | None = None) -> dict:
        """The reply to ``request()``; KernelDied if the kernel's process ends first, KernelTrouble after
        ``timeout``, or when ``stalled`` = (file, seconds) and the kernel has not touched the file for that long."""
        import queue

        msg_id = request()
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise KernelTrouble("内核未在限定时间内响应")
            if stalled is not None:
                try:
                    quiet = time.time() - stalled[0].stat().st_mtime
                except OSError:
                    quiet = 0.0
                if quiet > stalled[1]:
                    raise KernelTrouble(f"CellTimeoutError: 单元格运行超过 {stalled[1]:.0f} 秒，内核未能中断它")
            try:
                # In slices, so that a kernel that died is seen at once, not after the whole timeout.
                reply = self._run(self.kc.get_shell_msg, timeout=min(remaining, 1.0))
            except queue.Empty:
                if not self.alive:
                    raise KernelDied("Kernel died") from None
                continue
            except Exception as exc:  # noqa: BLE001
                raise KernelTrouble(f"内核没有响应：{exc!r}") from None
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def execute_silent(self, code: str, *, timeout: float = 60, stalled: tuple[Path, float] | None = None) -> None:
        """Run `code` without a trace in the history or the execution count."""
        reply = self._call(lambda: self.kc.execute(code, silent=True, store_history=False, allow_stdin=False),
                           timeout=timeout, stalled=stalled)
        content = reply["content"]
        if content.get("status") != "ok":
            error = KernelTrouble(f"{content.get('ename')}: {first_line(content.get('evalue'))}")
            error.ename = content.get("ename")
            raise error

    def export(self, notebook_path: str, html_path: str, title: str, *, timeout: float | None) -> None:
        """juesuan.build.export.notebook_to_html of a notebook file, run in this kernel, into html_path."""
        code = (f"__import__('juesuan.build._warm_kernel', fromlist=['_']).export_html("
                f"{notebook_path!r}, {html_path!r}, {title!r})")
        try:
            self.execute_silent(code, timeout=timeout or 600)
        except KernelTrouble as exc:
            if exc.ename is None:
                self.runs = self.max_runs  # no answer: replace the kernel
            raise ExportError(str(exc)) from None

    def reset(self) -> None:
        self.execute_silent("__import__('juesuan.build._warm_kernel', fromlist=['_']).reset()", timeout=30)

    # ---- a report
    def ready(self) -> None:
        """Make sure a reset kernel is waiting: start, replace after max_runs, or reset."""
        if self.km is None or not self.alive:
            if self.km is not None:
                log.warning("the kernel died; starting a new one")
            self.restart()
        elif self.runs >= self.max_runs:
            self.restart()
        elif self.runs:
            self.reset()
        # else nothing has run since the kernel's warm-up, which ended with a reset

    def execute(self, notebook: str, output_path: str | None, parameters: dict, *,
                timeout: float | None) -> nbformat.NotebookNode:
        """papermill.execute_notebook on this kernel. Raises what papermill raises.

        The kernel runs in the folder it was started in; papermill's ``cwd``
        would only change this process's folder, which threads share. With
        ``output_path`` None nothing is written: the executed notebook is
        returned, and after a failure :attr:`last_notebook` holds it as far as it
        got, with papermill's error markers.
        """
        import papermill
        from papermill.exceptions import PapermillExecutionError

        self.last_notebook = None
        register_engine()
        self.ready()
        self.runs += 1
        # Each run's client (created by nbclient from km) gets a session, hence
        # socket identities, of its own; the previous run's may not be gone yet.
        self.km.session = self._new_session()
        running: list = []
        try:
            return self.context.run(
                papermill.execute_notebook,
                notebook, output_path, parameters=parameters, engine_name=ENGINE_NAME,
                kernel_name=self.kernel_name, km=self.km, running=running,
                progress_bar=False, request_save_on_cell_execute=False,
                execution_timeout=timeout,
            )
        except PapermillExecutionError:
            self.last_notebook = running[0] if running else None
            raise  # the notebook failed; the kernel is fine and is reset before the next run
        except BaseException:
            self.last_notebook = running[0] if running else None
            self.runs = self.max_runs  # a timeout, a dead kernel…: replace it before the next run
            raise

    def render(self, request: dict, *, deadline: float, cell_timeout: float | None = None) -> dict:
        """One report run inside the kernel (:func:`juesuan.build._in_kernel.render`), in one request.

        Returns the outcome the kernel wrote (``status``: ``ok``, ``failed``, ``export-failed`` or
        ``not-here``); the files named in ``request`` hold the notebook and the HTML. Raises KernelDied
        when the kernel's process ended, KernelTrouble when it did not answer within ``deadline`` seconds
        (a cell the kernel's own per-cell timeout could not interrupt): either way the kernel is replaced.
        """
        import json

        self.last_notebook = None
        self.ready()
        self.runs += 1
        Path(request["result"]).unlink(missing_ok=True)
        stalled = None
        if cell_timeout and request.get("progress"):
            # The kernel touches the file as each cell starts; it interrupts a cell over its timeout itself,
            # and this ends one it could not interrupt (a hang in C code), a little later.
            progress = Path(request["progress"])
            progress.touch()
            stalled = (progress, cell_timeout + min(30.0, cell_timeout))
        code = f"__import__('juesuan.build._in_kernel', fromlist=['_']).render({request!r})"
        try:
            self.execute_silent(code, timeout=deadline, stalled=stalled)
        except KernelTrouble as exc:
            if exc.ename is None:
                self.runs = self.max_runs  # dead, or no answer: replace it before the next run
            raise
        outcome = json.loads(Path(request["result"]).read_text(encoding="utf-8"))
        if outcome.get("replace"):
            self.runs = self.max_runs  # a cell was interrupted: its state is nobody's guess
        return outcome

    def memory_mb(self) -> float:
        """Peak resident memory of this process plus its kernel's, in MB."""
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        return own + _peak_rss_mb(self.pid)


def _peak_rss_mb(pid: int | None) -> float:
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except Exception:  # noqa: BLE001
        return 0.0


# --------------------------------------------------------------------------
# One department, on the worker's kernel


@dataclass(frozen=True)
class Job:
    """Everything a worker needs for one report (picklable, small)."""

    year: int
    department: str
    name: str
    data_dir: str                  # absolute, as the worker sees it
    notebook: str                  # absolute path of the report notebook, as the batch sees it
    notebook_json: str             # its content, for workers that do not have the file
    output_path: str               # where the batch keeps the executed notebook
    failed_path: str               # where it keeps a failed one
    title: str
    timeout: float | None = 600
    kernel_name: str = KERNEL_NAME
    max_runs: int = MAX_RUNS_PER_KERNEL
    cache: bool = True
    #: One of ENGINES: "warm" (the report inside the worker's kept kernel), "warm-client", "fresh".
    engine: str = "warm"
    #: Fingerprint of the library the batch runs: a kept kernel that imported
    #: another version of it is replaced.
    library: str = ""
    #: Formats made from the report's HTML besides it: "pdf", "docx" (juesuan.build.formats.EXTRA_FORMATS).
    formats: tuple[str, ...] = ()
    #: A report template folder named for the batch (absolute); None: the year's (data/<year>/year.yaml).
    template: str | None = None
    #: The reference .docx for "docx" (its bytes: a Dask worker may not have the file); None: the template's.
    reference_doc: bytes | None = None
    #: The HTML of a report built earlier and still up to date: only ``formats`` are made from it, no notebook runs.
    html: str | None = None


@dataclass
class Rendered:
    department: str
    ok: bool
    notebook_json: str | None = None   # the executed (or failed) notebook
    html: str | None = None
    #: The formats made from the HTML, by name ("pdf", "docx").
    files: dict[str, bytes] = field(default_factory=dict)
    reason: str | None = None
    seconds: float = 0.0
    #: Seconds of each step: "notebook", "html", and each format made.
    steps: dict[str, float] = field(default_factory=dict)
    worker: str = ""
    peak_mb: float = 0.0
    extra: dict = field(default_factory=dict)


_local = threading.local()


def _worker_kernel(job: Job, cwd: str) -> WarmKernel:
    """This thread's kernel (a process pool worker has one thread; a Dask worker may have several)."""
    return _kernel_for((job.kernel_name, cwd, job.cache, job.library), job.max_runs)


def _kernel_for(key: tuple[str, str, bool, str], max_runs: int) -> WarmKernel:
    kernels = getattr(_local, "kernels", None)
    if kernels is None:
        kernels = _local.kernels = {}
        _register_shutdown(kernels)
    kernel = kernels.get(key)
    if kernel is None:
        for stale in [k for k in kernels if k[:3] == key[:3]]:
            kernels.pop(stale).close()  # warmed up on an older library
        kernel_name, cwd, cache, _ = key
        kernel = kernels[key] = WarmKernel(kernel_name, cwd, max_runs=max_runs, cache=cache)
    kernel.max_runs = max_runs
    return kernel


def warm_worker_kernel(notebook: str, library: str, *, kernel_name: str = KERNEL_NAME,
                       max_runs: int = MAX_RUNS_PER_KERNEL, cache: bool = True) -> WarmKernel:
    """Start and warm up the kernel this thread's reports of ``notebook`` will run on, before they come.

    The same kernel :func:`render_department` takes for a job of that notebook (on this machine, run in
    the notebook's folder) and ``library`` (:func:`juesuan.build.manifest.library_fingerprint`): the
    batch's workers call this as they start (:class:`juesuan.build.batch.WorkerPool`), while the batch's
    own process is still listing and checking the year. A kernel that cannot start is started again
    by the first report, which then says why.
    """
    kernel = _kernel_for((kernel_name, str(Path(notebook).parent), cache, library), max_runs)
    if kernel.km is None:
        kernel.start()
    return kernel


_all_kernels: list[dict] = []
_all_lock = threading.Lock()


def _register_shutdown(kernels: dict) -> None:
    with _all_lock:
        _all_kernels.append(kernels)
        if len(_all_kernels) == 1:
            import atexit
            from multiprocessing import util

            atexit.register(shutdown_worker_kernels)
            # Pool workers leave through os._exit, which skips atexit; Finalize runs.
            util.Finalize(None, shutdown_worker_kernels, exitpriority=100)


def shutdown_worker_kernels() -> None:
    """Stop every kernel this process started for the batch."""
    with _all_lock:
        for kernels in _all_kernels:
            for kernel in kernels.values():
                kernel.close()
            kernels.clear()


#: Cells the batch does not run: the analyst's aids (the list of the year's departments, which reads the
#: whole year), which the HTML leaves out anyway (juesuan.build.export.REMOVED_CELL_TAGS).
BATCH_SKIPPED_TAGS = frozenset({"analyst"})


def batch_notebook_json(notebook_json: str) -> str | None:
    """The notebook as the batch runs it, without its code cells tagged ``analyst``; None if it has none.

    Every engine runs this same notebook (papermill's fresh kernel too), so that their kept notebooks can
    be compared byte for byte. The markdown cells stay: they cost nothing to run.
    """
    import json

    try:
        nb = json.loads(notebook_json)
        cells = nb["cells"]
    except (ValueError, KeyError, TypeError):
        return None  # let papermill say what is wrong with it
    kept = [c for c in cells if not (c.get("cell_type") == "code"
                                     and BATCH_SKIPPED_TAGS & set(c.get("metadata", {}).get("tags", [])))]
    if len(kept) == len(cells):
        return None
    nb["cells"] = kept
    return json.dumps(nb, ensure_ascii=False, indent=1) + "\n"


def _notebook_source(job: Job, scratch: Path) -> tuple[str, str]:
    """(path to run, folder to run in): the batch's notebook file, or a copy of its content.

    A copy when the worker does not have the file (a Dask worker elsewhere: it runs in its scratch
    folder), or when the batch runs the notebook without its analyst cells (:func:`batch_notebook_json`:
    it still runs in the notebook's own folder).
    """
    path = Path(job.notebook)
    digest = hashlib.sha256(job.notebook_json.encode("utf-8")).hexdigest()
    here = path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == digest
    batch_json = batch_notebook_json(job.notebook_json)
    if here and batch_json is None:
        return str(path), str(path.parent)
    copy = scratch / f"notebook-{digest[:16]}" / path.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    if not copy.exists():
        tmp = copy.with_name(copy.name + ".tmp")
        tmp.write_text(batch_json or job.notebook_json, encoding="utf-8")
        tmp.replace(copy)
    return str(copy), str(path.parent) if here else str(scratch)


def render_department(job: Job) -> Rendered:
    """Run `job` on this worker's warm kernel, export it and make its formats; never raises for a failed report."""
    if job.html is not None:
        return _formats_only(job)
    skip_uri_syntax_grammar()  # before nbformat is first imported (juesuan.build.lean_imports)
    from juesuan.build.kept_notebook import fix_output_metadata, reason_for

    # nbformat only where the notebook comes back to this process (the kernel path, papermill's fresh
    # kernel): a report made inside the kernel comes back as text.

    started = time.perf_counter()
    scratch = _scratch()
    source_ids = _cell_ids(job.notebook_json)
    source, cwd = _notebook_source(job, scratch)
    if job.engine not in ENGINES:
        raise ValueError(f"unknown engine {job.engine!r}: one of {', '.join(ENGINES)}")
    kernel = _worker_kernel(job, cwd) if job.engine != "fresh" else None
    tmp_output = scratch / f"{job.department}.ipynb"
    parameters = {"department": job.department, "year": job.year, "data_dir": job.data_dir}
    if job.template is not None:
        parameters["template"] = job.template
    result = Rendered(department=job.department, ok=False, worker=f"{os.uname().nodename}:{os.getpid()}")
    tmp_html = scratch / f"{job.department}.html"
    try:
        step = time.perf_counter()
        if job.engine == "warm":
            done = _render_in_kernel(job, kernel, source, parameters, source_ids, scratch, result)
            if done:
                result.extra["engine"] = "in-kernel"
                _timed(result, "notebook", step)
                _make_formats(job, result)
                result.ok = True
                return _finished(result, started, kernel)
        import nbformat

        if kernel is not None:
            nb = kernel.execute(source, None, parameters, timeout=job.timeout)
        else:
            _execute_fresh(job, source, cwd, str(tmp_output), parameters)
            nb = nbformat.read(tmp_output, as_version=4)
        fix_output_metadata(nb, final_path=job.output_path, input_path=job.notebook, source_ids=source_ids)
        result.notebook_json = nbformat.writes(nb)
        step = _timed(result, "notebook", step)
        if kernel is not None:
            tmp_output.write_text(result.notebook_json, encoding="utf-8")
            kernel.export(str(tmp_output), str(tmp_html), job.title, timeout=job.timeout)
            result.html = tmp_html.read_text(encoding="utf-8")
        else:
            from juesuan.build.export import notebook_to_html

            result.html = notebook_to_html(nb, title=job.title)
        _timed(result, "html", step)
        _make_formats(job, result)
        result.ok = True
    except Exception as exc:  # noqa: BLE001 -- one department must not stop the batch
        result.html = None
        result.files = {}
        kept_notebook = result.notebook_json
        result.notebook_json = None
        result.reason = str(exc) if isinstance(exc, (ExportError, FormatError, ReportFailed)) else reason_for(exc)
        if isinstance(exc, ReportFailed):  # the kernel kept the failed notebook itself
            result.notebook_json = kept_notebook
            kept_notebook = None
            return _finished(result, started, kernel)
        try:
            import nbformat

            failed = None
            if kept_notebook is None and kernel is not None and kernel.last_notebook is not None:
                failed = kernel.last_notebook  # as far as it got, with papermill's error markers
            elif tmp_output.exists():  # papermill's fresh kernel wrote it so
                failed = nbformat.read(tmp_output, as_version=4)
            if failed is not None:
                fix_output_metadata(failed, final_path=job.failed_path, input_path=job.notebook,
                                    source_ids=source_ids)
                result.notebook_json = nbformat.writes(failed)
            elif kept_notebook is not None:  # it ran; a format of it failed
                result.notebook_json = kept_notebook
        except Exception as keep_exc:  # noqa: BLE001
            log.warning("could not keep the failed notebook of %s: %s", job.department, keep_exc)
    finally:
        tmp_output.unlink(missing_ok=True)
        tmp_html.unlink(missing_ok=True)
    return _finished(result, started, kernel)


def _finished(result: Rendered, started: float, kernel: WarmKernel | None) -> Rendered:
    result.seconds = time.perf_counter() - started
    if kernel is not None:
        result.peak_mb = kernel.memory_mb()
        result.extra.update(kernel_starts=kernel.starts, kernel_pid=kernel.pid)
    result.extra.setdefault("engine", "fresh" if kernel is None else "kernel")
    return result


class ReportFailed(RuntimeError):
    """The report's notebook failed in the kernel; str() is the department's reason (already one line)."""


def _render_in_kernel(job: Job, kernel: WarmKernel, source: str, parameters: dict, source_ids: set[str],
                      scratch: Path, result: Rendered) -> bool:
    """The report run inside the kernel, in one request (:mod:`juesuan.build._in_kernel`).

    True when it is done (``result`` holds the notebook and the HTML); False when the kernel path must
    run it instead: what the in-kernel engine does not reproduce, or a kernel that died (the usual path
    then gives papermill's own account of it, and the notebook as far as it got). A failed cell, an
    interrupted one and a failed export raise, with ``result.notebook_json`` set where there is one.
    """
    stem = scratch / f"{job.department}.in-kernel"
    files = {"notebook_out": f"{stem}.ipynb", "html_out": f"{stem}.html", "result": f"{stem}.json",
             "progress": f"{stem}.progress"}
    request = {
        "notebook": source, "parameters": parameters, "timeout": job.timeout, "kernel_name": job.kernel_name,
        "final_path": job.output_path, "failed_path": job.failed_path, "input_path": job.notebook,
        "source_ids": sorted(source_ids), "title": job.title, **files,
    }
    # A backstop for a cell the kernel's own per-cell alarm cannot interrupt (a hang in C code): no new
    # cell for the timeout and half a minute, or all cells' timeouts over.
    deadline = (job.timeout or 600) * (_code_cells(job.notebook_json) + 1) + 60
    try:
        try:
            outcome = kernel.render(request, deadline=deadline, cell_timeout=job.timeout)
        except KernelDied:
            log.warning("the kernel died running %s; running it again the usual way", job.department)
            return False
        status = outcome["status"]
        if status == "not-here":
            log.info("%s: %s; run on the kernel the usual way", job.department, outcome.get("reason"))
            return False
        if status == "ok" or outcome.get("notebook"):
            result.notebook_json = Path(files["notebook_out"]).read_text(encoding="utf-8")
        if status == "ok":
            result.html = Path(files["html_out"]).read_text(encoding="utf-8")
            return True
        if status == "export-failed":
            raise ExportError(outcome["reason"])
        raise ReportFailed(outcome["reason"])
    finally:
        for path in files.values():
            Path(path).unlink(missing_ok=True)


def _code_cells(notebook_json: str) -> int:
    import json

    try:
        return sum(1 for c in json.loads(notebook_json).get("cells", []) if c.get("cell_type") == "code")
    except (ValueError, AttributeError, TypeError):
        return 50


class FormatError(RuntimeError):
    """A format could not be made from the report's HTML; str() says which and why, in one line."""


#: What each format is called in a failure's reason.
FORMAT_NAMES = {"pdf": "PDF", "docx": "Word（.docx）"}


def _timed(result: Rendered, step: str, since: float) -> float:
    now = time.perf_counter()
    result.steps[step] = result.steps.get(step, 0.0) + now - since
    return now


def _make_formats(job: Job, result: Rendered) -> None:
    """The PDF and Word document of ``result.html``, as the job asks; a failure is a FormatError."""
    for name in job.formats:
        step = time.perf_counter()
        try:
            if name == "pdf":
                from juesuan.build.pdf import html_to_pdf

                result.files[name] = html_to_pdf(result.html)
            elif name == "docx":
                from juesuan.build.word import html_to_docx

                result.files[name] = html_to_docx(result.html, job.reference_doc)
            else:
                raise ValueError(f"unknown format {name!r}")
        except Exception as exc:  # noqa: BLE001 -- said in the department's reason
            message = first_line(exc) or type(exc).__name__
            if not isinstance(exc, RuntimeError):
                message = f"{type(exc).__name__}: {message}"
            raise FormatError(f"生成 {FORMAT_NAMES.get(name, name)} 失败：{message}") from None
        _timed(result, name, step)


def _formats_only(job: Job) -> Rendered:
    """The formats a built report lacks, from its HTML: no kernel, no notebook."""
    started = time.perf_counter()
    result = Rendered(department=job.department, ok=False, worker=f"{os.uname().nodename}:{os.getpid()}",
                      html=job.html)
    try:
        _make_formats(job, result)
        result.ok = True
    except FormatError as exc:
        result.reason = str(exc)
        result.files = {}
    result.seconds = time.perf_counter() - started
    return result


def _cell_ids(notebook_json: str) -> set[str]:
    """The cell ids the input notebook itself carries (upgrading an older notebook would invent random ones)."""
    import json

    try:
        return {c["id"] for c in json.loads(notebook_json).get("cells", []) if isinstance(c.get("id"), str)}
    except (ValueError, AttributeError, TypeError):
        return set()


def _execute_fresh(job: Job, source: str, cwd: str, output_path: str, parameters: dict) -> None:
    """papermill as it comes: a new kernel for this report, shut down after it."""
    import papermill
    import zmq
    from traitlets.config import Config

    # ipykernel >= 7.4 warns on every start that TCP traffic is not encrypted;
    # with CurveZMQ the kernel manager can provision keys instead.
    config = Config({"KernelManager": {"transport_encryption": "auto"}}) if zmq.has("curve") else Config()
    # The kernel on this interpreter, as the warm kernels (juesuan.build.kernel).
    config.NotebookClient.kernel_manager_class = "juesuan.build.kernel.KernelManager"
    papermill.execute_notebook(
        source, output_path, parameters=parameters, kernel_name=job.kernel_name, cwd=cwd,
        progress_bar=False, execution_timeout=job.timeout, config=config,
    )


def _scratch() -> Path:
    """A private scratch folder for this process, removed when it exits."""
    folder = getattr(_local, "scratch", None)
    if folder is None or not folder.is_dir():
        folder = Path(tempfile.mkdtemp(prefix="juesuan-worker-"))
        _local.scratch = folder
        import atexit
        import shutil
        from multiprocessing import util

        def remove(path=folder):
            shutil.rmtree(path, ignore_errors=True)

        atexit.register(remove)
        util.Finalize(None, remove, exitpriority=50)
    return folder
