"""The repository reads nothing outside itself: a clone with no folder beside it works.

A path that climbs out of the clone (``../shared``, ``Path(__file__).parents[n]`` past
the repository's root, an absolute path of some machine) works on the machine where it
was written and nowhere else.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Files a newcomer's commands run or read: code, notebooks, the Makefile, CI, the READMEs.
SCANNED_SUFFIXES = {".py", ".ipynb", ".j2", ".yml", ".yaml", ".toml", ".cfg", ".md", ".json", ".sh", ""}
OUTSIDE = re.compile(
    r"\.\./shared|/shared/seeds|/shared/samples"   # the workplace's folder beside the clone
    r"|/work/(?:main|wt-)"                         # this machine's checkouts
    r"|/root/|/home/\w+/")                         # someone's home folder
FILE_PARENTS = re.compile(r"__file__\)?(?:\.resolve\(\))?\.parents\[(\d+)\]")
FILE_PARENT_CHAIN = re.compile(r"__file__\)?(?:\.resolve\(\))?((?:\.parent(?!s))+)")


def tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    paths = [ROOT / name for name in listed.decode("utf-8").split("\0") if name]
    return [p for p in paths if p.suffix in SCANNED_SUFFIXES and p.is_file()
            and not p.is_relative_to(ROOT / "data" / "2022" / "published")
            and p != Path(__file__).resolve()]  # this file spells the patterns out; the first test checks them


def levels_up(path: Path, text: str) -> list[int]:
    """How many folders above the file each `__file__`-relative path climbs (parents[0] is its folder)."""
    ups = [int(n) + 1 for n in FILE_PARENTS.findall(text)]
    ups += [chain.count(".parent") for chain in FILE_PARENT_CHAIN.findall(text)]
    return ups


def test_the_scan_sees_what_it_looks_for():
    """The patterns catch the forms that broke fresh clones (so a clean scan means something)."""
    assert OUTSIDE.search('SEED = ROOT / "../shared/seeds/000.txt"')
    assert levels_up(ROOT / "tests" / "x.py", 'Path(__file__).resolve().parents[2] / "shared"') == [3]
    assert levels_up(ROOT / "tests" / "x.py", "Path(__file__).parent.parent.parent") == [3]


def test_no_path_leaves_the_repository():
    offences = []
    for path in tracked_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        name = path.relative_to(ROOT)
        offences += [f"{name}: names {m.group(0)!r}" for m in OUTSIDE.finditer(text)]
        depth = len(name.parts)  # parents[depth - 1] is the root
        offences += [f"{name}: climbs {up} folders from itself" for up in levels_up(path, text) if up > depth]
    assert len(tracked_files()) > 100  # the scan reads the repository, not an empty list
    assert not offences, "paths outside the repository:\n" + "\n".join(offences)
