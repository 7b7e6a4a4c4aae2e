"""Kernel-side half of the batch's in-kernel engine: a whole report run inside the warm kernel, in one request.

nbclient drives a kernel one cell at a time: an ``execute_request`` per cell,
every output (about half a megabyte of PNG and HTML per report) serialised,
signed, sent over ZMQ to the worker, received, checked and deserialised there,
then the notebook written, read back and exported. Here the worker sends one
request per report (:meth:`juesuan.build.engine.WarmKernel.render`) and the kernel
does the rest itself:

* ``papermill.execute_notebook`` runs in the kernel, with the papermill engine
  :class:`InKernelEngine` (``juesuan-in-kernel``): parameters, the injected
  cell, ``metadata.papermill`` and the error markers of a failed run are
  papermill's own;
* each code cell goes through what the kernel itself runs for an
  ``execute_request`` (:class:`_KernelCell`): the ``execute_input`` message, the
  kernel's own ``do_execute`` (the same IPython shell, display publisher,
  display hook, output streams, traceback formatting and post-execute hooks),
  the streams flushed, the reply built as ipykernel builds it;
* what the kernel would have published on IOPub is taken at the IOPub thread
  (the very frames it would send, :class:`_IOPubCapture`), read back with a
  ``jupyter_client`` session as a client reads them, and given to nbclient's own
  ``process_message`` (papermill's client) for the cell, as nbclient does for
  the messages of a cell; an error reply raises nbclient's ``CellExecutionError``;
* the notebook is made a function of its inputs (``fix_output_metadata``),
  written and exported to HTML here, and the worker reads both files.

What this cannot reproduce it does not attempt (:class:`NotHere`): a cell that
needs an asynchronous run (top-level ``await``), or one that talks over comms
(widgets); the worker then runs the report on the kernel the usual way. A cell
running longer than the timeout is interrupted here (``SIGALRM``) and fails
its department with nbclient's ``CellTimeoutError``; a cell that kills the
process, or one that the signal cannot interrupt, is the worker's to handle
(it waits with a deadline and watches the kernel's process).
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
from pathlib import Path

__all__ = ["ENGINE_NAME", "NotHere", "render"]

ENGINE_NAME = "juesuan-in-kernel"


class NotHere(Exception):
    """The report needs something this engine does not reproduce: run it on the kernel the usual way."""


class _CellTimeout(BaseException):
    """Raised in a cell by SIGALRM (a BaseException: ``except Exception`` in a cell does not swallow it)."""


class _IOPubCapture:
    """Takes the frames the kernel publishes on IOPub while :attr:`on` is set, instead of sending them."""

    def __init__(self, kernel):
        from jupyter_client.session import Session

        self.thread = kernel.iopub_thread
        self.original = self.thread.send_multipart
        self.frames: list = []
        self.lock = threading.Lock()
        self.on = False
        # Read as a client reads them: the kernel's key, its unpacker.
        own = kernel.session
        self.session = Session(key=own.key, signature_scheme=own.signature_scheme, unpack=own.unpack)
        self.thread.send_multipart = self._send_multipart

    def _send_multipart(self, msg, *args, **kwargs):
        if self.on:
            with self.lock:
                self.frames.append([bytes(frame) for frame in msg])
            return None
        return self.original(msg, *args, **kwargs)

    def take(self) -> list[dict]:
        """The messages captured so far, as a client would receive them (content deserialised)."""
        with self.lock:
            frames, self.frames = self.frames, []
        messages = []
        for frame_list in frames:
            _, msg_list = self.session.feed_identities(frame_list, copy=True)
            messages.append(self.session.deserialize(msg_list, content=True, copy=True))
        return messages


_capture: _IOPubCapture | None = None


def _no_stale_stream_timers(stream) -> None:
    """Make an ipykernel OutStream's timed flush a no-op once the stream has been flushed since it was set,
    and an explicit flush of an empty stream free.

    A write schedules a flush 0.2 s later; an explicit flush (before a display, at the end of a cell)
    sends the text at once but leaves that timer set. Between the requests of a kernel driven by a
    client, it usually fires while the kernel waits for the next request; here the next cell starts at
    once, and the stale timer could cut a later print in two. A timer set before the last explicit flush
    is ignored; one set since behaves as in any kernel (a cell that prints, works a while and prints
    again still gives two outputs).
    """
    if getattr(stream, "_juesuan_generation", None) is not None:
        return
    if not all(hasattr(stream, name) for name in ("_schedule_flush", "_flush", "_io_loop", "flush_interval",
                                                  "_buffers", "_buffer_lock", "_flush_pending")):
        return  # another ipykernel: leave it as it is
    stream._juesuan_generation = 0
    plain_flush = stream.flush
    in_flight = threading.Lock()  # held while a timed flush sends what it took from the buffers

    def flush():
        stream._juesuan_generation += 1
        # A flush with nothing written since the last one sends nothing: skip the round trip to the IO
        # thread (a kernel flushes both streams before every display, five times a cell). A timed flush
        # already under way is waited for, so that its text still comes before what follows.
        with in_flight, stream._buffer_lock:
            empty = all(buffer.tell() == 0 for buffer in stream._buffers.values())
        if empty:
            return None
        return plain_flush()

    def schedule_flush():
        if stream._flush_pending:
            return
        stream._flush_pending = True
        generation = stream._juesuan_generation

        def timed_flush():
            if stream._juesuan_generation == generation:
                with in_flight:
                    stream._flush()

        def schedule_in_thread():
            stream._io_loop.call_later(stream.flush_interval, timed_flush)

        stream.pub_thread.schedule(schedule_in_thread)

    stream.flush = flush
    stream._schedule_flush = schedule_flush


def _kernel():
    ip = get_ipython()  # noqa: F821 -- defined inside an IPython kernel
    kernel = getattr(ip, "kernel", None)
    if kernel is None or not hasattr(kernel, "iopub_thread"):
        raise NotHere("not inside an ipykernel kernel")
    return ip, kernel


class _KernelCell:
    """One cell run as the kernel runs an execute_request (ipykernel's execute_request and do_execute)."""

    def __init__(self):
        global _capture
        self.shell, self.kernel = _kernel()
        if _capture is None or _capture.thread is not self.kernel.iopub_thread:
            _capture = _IOPubCapture(self.kernel)
        self.capture = _capture
        for stream in (sys.stdout, sys.stderr):
            _no_stale_stream_timers(stream)

    def check(self, cells) -> None:
        """Refuse before anything runs what would not run synchronously in a kernel."""
        shell = self.shell
        for cell in cells:
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            try:
                transformed = shell.transform_cell(cell.source)
                exc_tuple = None
            except Exception:  # noqa: BLE001 -- the kernel would run it to report the error
                transformed, exc_tuple = cell.source, sys.exc_info()
            if shell.should_run_async(cell.source, transformed_cell=transformed, preprocessing_exc_tuple=exc_tuple):
                raise NotHere("a cell needs an asynchronous run (top-level await)")

    def run(self, code: str, timeout: float | None) -> tuple[list[dict], dict]:
        """(the IOPub messages of the run, the execute_reply content)."""
        import inspect

        from ipykernel.jsonutil import json_clean

        kernel = self.kernel
        parent = kernel.get_parent("shell") if hasattr(kernel, "get_parent") else {}
        self.capture.take()  # nothing of before
        self.capture.on = True
        alarm = _Alarm(timeout)
        reply = None
        try:
            kernel._publish_execute_input(code, parent, kernel.execution_count)
            arguments = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                         "allow_stdin": False}
            accepted = getattr(kernel, "_do_exec_accepted_params", {}) or {}
            if accepted.get("cell_meta"):
                arguments["cell_meta"] = {}
            if accepted.get("cell_id"):
                arguments["cell_id"] = None
            with alarm:
                coroutine = kernel.do_execute(**arguments)
                if inspect.isawaitable(coroutine):
                    try:
                        coroutine.send(None)
                    except StopIteration as stop:
                        reply = stop.value
                    else:  # it awaited something: the asynchronous path, checked for beforehand
                        coroutine.close()
                        raise NotHere("the kernel ran the cell asynchronously")
                else:
                    reply = coroutine
            if sys.stdout is not None:
                sys.stdout.flush()
            if sys.stderr is not None:
                sys.stderr.flush()
        finally:
            self.capture.on = False
        messages = self.capture.take()
        if alarm.fired:  # in the cell, or in the shell around it (then there is no reply)
            raise _TimedOut(messages)
        # As the client receives it: json_clean'ed by the kernel, through JSON.
        return messages, json.loads(json.dumps(json_clean(reply), default=str))


class _TimedOut(Exception):
    def __init__(self, messages):
        super().__init__("timed out")
        self.messages = messages


class _Alarm:
    """SIGALRM after ``timeout`` seconds, raising :class:`_CellTimeout` in the cell (main thread only)."""

    def __init__(self, timeout: float | None):
        self.timeout = timeout
        self.fired = False
        self.usable = bool(timeout) and threading.current_thread() is threading.main_thread() \
            and hasattr(signal, "setitimer")

    def _handler(self, signum, frame):
        self.fired = True
        raise _CellTimeout()

    def __enter__(self):
        if self.usable:
            self.previous = signal.signal(signal.SIGALRM, self._handler)
            signal.setitimer(signal.ITIMER_REAL, self.timeout)
        return self

    def __exit__(self, *exc):
        if self.usable:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        if exc[0] is _CellTimeout:
            self.fired = True
            return True
        return False


_registered = False


def register_engine():
    """Define :class:`InKernelEngine` and register it with papermill as ``juesuan-in-kernel`` (once)."""
    global _registered, InKernelEngine
    if _registered:
        return InKernelEngine
    import logging

    from nbclient.exceptions import CellExecutionError, CellTimeoutError
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import Engine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class InKernelEngine(Engine):
        """Runs the notebook's cells in this kernel (see the module's doc)."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            running = kwargs.pop("running", None)
            if running is not None:
                running.append(nb_man.nb)
            progress = kwargs.pop("progress", None)
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                        kernel_name=kernel_name, log=logging.getLogger("papermill"),
                                        log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            # papermill's client, for what nbclient does with a cell's messages; it never starts a kernel.
            client = PapermillNotebookClient(nb_man, km=None, **final_kwargs)
            client.reset_execution_trackers()
            runner = _KernelCell()
            runner.check(nb_man.nb.cells)
            # PapermillNotebookClient.papermill_execute_cells, with execute_cell run here.
            for index, cell in enumerate(nb_man.nb.cells):
                try:
                    nb_man.cell_start(cell, index)
                    if progress:  # the worker's watch: a cell that outlives its timeout here is ended there
                        os.utime(progress)
                    cls.execute_cell(client, runner, cell, index, CellExecutionError, CellTimeoutError)
                except CellExecutionError as ex:
                    nb_man.cell_exception(nb_man.nb.cells[index], cell_index=index, exception=ex)
                    break
                finally:
                    nb_man.cell_complete(nb_man.nb.cells[index], cell_index=index)
            # What PapermillNotebookClient.execute takes from the kernel_info reply.
            info = json.loads(json.dumps(runner.kernel.kernel_info["language_info"]))
            nb_man.nb.metadata["language_info"] = info
            client.set_widgets_metadata()
            return nb_man.nb

        @staticmethod
        def execute_cell(client, runner, cell, index, CellExecutionError, CellTimeoutError):
            """nbclient's async_execute_cell, the kernel round trip replaced by runner.run."""
            if cell.cell_type != "code" or not cell.source.strip():
                return cell
            if client.skip_cells_with_tag in cell.metadata.get("tags", []):
                return cell
            if client.record_timing:
                cell["metadata"]["execution"] = {}
            client.code_cells_executed += 1
            timeout = client._get_timeout(cell)
            cell.outputs = []
            client.clear_before_next_output = False
            try:
                messages, reply = runner.run(cell.source, timeout)
            except _TimedOut as timed_out:
                # nbclient keeps what arrived before the timeout; the interruption's own traceback is ours, not
                # the notebook's.
                for msg in timed_out.messages:
                    if msg["msg_type"] != "error":
                        client.process_message(msg, cell, index)
                raise CellTimeoutError.error_from_timeout_and_cell(
                    "Cell execution timed out", timeout, cell) from None
            for msg in messages:
                if msg["msg_type"].startswith("comm"):
                    raise NotHere("a cell uses comms (widgets)")
                client.process_message(msg, cell, index)
            if reply["status"] == "error":
                allowed = (not client.force_raise_errors) and (
                    client.allow_errors or reply.get("ename") in client.allow_error_names
                    or "raises-exception" in cell.metadata.get("tags", []))
                if not allowed:
                    raise CellExecutionError.from_cell_and_msg(cell, reply)
            return cell

    papermill_engines.register(ENGINE_NAME, InKernelEngine)
    _registered = True
    return InKernelEngine


InKernelEngine = None  # defined by register_engine()


def render(request: dict) -> None:
    """One report, here: execute, keep, export; the outcome written as JSON to ``request["result"]``.

    ``request``: ``notebook`` (the path to run), ``parameters``, ``timeout``, ``final_path``,
    ``failed_path``, ``input_path`` and ``source_ids`` (for ``fix_output_metadata``), ``title``, and the
    files to write: ``notebook_out``, ``html_out``, ``result``.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    import nbformat

    from juesuan.build.export import notebook_to_html
    from juesuan.build.kept_notebook import fix_output_metadata, reason_for

    register_engine()
    outcome: dict = {"status": "ok"}
    running: list = []
    nb = None
    try:
        nb = papermill.execute_notebook(
            request["notebook"], None, parameters=request["parameters"], engine_name=ENGINE_NAME,
            kernel_name=request["kernel_name"], running=running, progress=request.get("progress"),
            progress_bar=False,
            request_save_on_cell_execute=False, execution_timeout=request["timeout"])
    except NotHere as exc:
        outcome = {"status": "not-here", "reason": str(exc)}
    except PapermillExecutionError as exc:
        outcome = {"status": "failed", "reason": reason_for(exc), "replace": False}
    except Exception as exc:  # noqa: BLE001 -- a timeout: the kernel is replaced after it
        outcome = {"status": "failed", "reason": reason_for(exc), "replace": True}
    if outcome["status"] == "ok":
        fix_output_metadata(nb, final_path=request["final_path"], input_path=request["input_path"],
                            source_ids=request["source_ids"])
        text = nbformat.writes(nb)
        Path(request["notebook_out"]).write_text(text, encoding="utf-8")
        try:
            html = notebook_to_html(nb, title=request["title"])
        except Exception as exc:  # noqa: BLE001 -- the notebook ran; its export failed
            outcome = {"status": "export-failed", "reason": f"{type(exc).__name__}: {exc}".splitlines()[0]}
        else:
            Path(request["html_out"]).write_text(html, encoding="utf-8")
    elif outcome["status"] == "failed" and running:
        failed = running[0]
        fix_output_metadata(failed, final_path=request["failed_path"], input_path=request["input_path"],
                            source_ids=request["source_ids"])
        Path(request["notebook_out"]).write_text(nbformat.writes(failed), encoding="utf-8")
        outcome["notebook"] = True
    Path(request["result"]).write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
