"""`make lab`: JupyterLab starts from the project's venv with the project's kernel, and the notebook names it."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "department_report.ipynb"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_notebook_names_the_project_kernel():
    kernelspec = nbformat.read(NOTEBOOK, as_version=4).metadata.kernelspec
    assert kernelspec["name"] == "juesuan"
    assert kernelspec["display_name"] == "Python (juesuan)"


def test_makefile_lab_target_opens_the_report_notebook():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "lab: setup\n\t$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/department_report.ipynb" in makefile


def test_jupyterlab_serves_the_notebook_with_the_juesuan_kernel(tmp_path):
    port, token = free_port(), "juesuan-test"
    jupyter = Path(sys.executable).with_name("jupyter")
    server = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", *(["--allow-root"] if os.geteuid() == 0 else []), "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/kernelspecs?token={token}", timeout=5) as response:
                    specs = json.load(response)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        assert "juesuan" in specs["kernelspecs"]
        assert specs["kernelspecs"]["juesuan"]["spec"]["display_name"] == "Python (juesuan)"
        with urllib.request.urlopen(f"{base}/lab/tree/notebooks/department_report.ipynb?token={token}", timeout=10) as r:
            assert r.status == 200
        url = f"{base}/api/contents/notebooks/department_report.ipynb?token={token}"
        with urllib.request.urlopen(url, timeout=10) as r:
            assert json.load(r)["content"]["metadata"]["kernelspec"]["name"] == "juesuan"
    finally:
        server.terminate()
        server.wait(timeout=30)
