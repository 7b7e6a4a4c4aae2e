"""The Makefile's front door behaves for someone who is not root."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_without_chromium_a_non_root_user_is_told_what_to_install(tmp_path):
    # A PATH holding no chromium and an `id` that says uid 1000: the machine of a user who is not root.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").write_text("#!/bin/sh\necho 1000\n")
    (bin_dir / "id").chmod(0o755)
    make = shutil.which("make")
    done = subprocess.run([make, "-s", "browser"], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": str(bin_dir), "LANG": "C.UTF-8"})
    assert done.returncode != 0
    said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert said[0] == ("make: the tests and PDF reports need Chromium; install the Debian packages as root: "
                       "apt-get install chromium chromium-driver")
    assert not any("apt-get:" in line or "Permission denied" in line for line in said), said
