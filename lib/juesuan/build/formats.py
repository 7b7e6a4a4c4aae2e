"""The formats a report is written in: HTML always, and from it a PDF to publish and a Word document.

``juesuan report --formats html,pdf,docx`` names them. The HTML is the
report (the notebook's export); the PDF (:mod:`juesuan.build.pdf`) and the .docx
(:mod:`juesuan.build.word`) are made from that HTML by the same worker, so the three
say the same thing whatever the report template writes.

Each PDF or Word file is recorded in the report's manifest with a key of what
it was made from: the report's own inputs, and for the PDF the Chromium and
the packages that print it, for the .docx the reference document and the
packages that write it (:func:`made_with`). Another reference .docx remakes
the Word files from the kept HTML, without running a notebook.
"""
from __future__ import annotations

import functools
import hashlib
import io
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Iterable

__all__ = ["EXTRA_FORMATS", "FORMATS", "check_pdf_engine", "extra_formats", "made_with", "parse_formats",
           "reference_bytes"]

HTML = "html"
#: Made from the HTML, in this order.
EXTRA_FORMATS = ("pdf", "docx")
FORMATS = (HTML, *EXTRA_FORMATS)
#: Packages whose version can change a PDF's or a Word file's bytes.
FORMAT_PACKAGES = {"pdf": ("playwright", "pypdf", "fonttools", "lxml"), "docx": ("python-docx", "lxml")}


def parse_formats(text: str) -> tuple[str, ...]:
    """``"html,pdf,docx"`` as a tuple of formats, HTML first whether named or not (the others are made from it)."""
    names = [part.strip().lower() for part in str(text).split(",") if part.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise ValueError(f"格式应为 {', '.join(FORMATS)} 中的一个或几个，以逗号分隔（如 html,pdf,docx），"
                         f"实为 {text!r}")
    return (HTML, *[f for f in EXTRA_FORMATS if f in names])


def extra_formats(formats: Iterable[str] | str) -> tuple[str, ...]:
    """The formats besides HTML, in their order; ValueError for a name that is none."""
    return parse_formats(formats if isinstance(formats, str) else ",".join(str(f) for f in formats))[1:]


def reference_bytes(path: Path | str | None) -> bytes:
    """The reference .docx's bytes (default: the report template's), checked to open as a Word document."""
    from juesuan.build.word import REFERENCE_DOCX

    path = Path(path) if path is not None else REFERENCE_DOCX
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"无法读取参考文档 {path}：{exc.strerror or exc}") from None
    try:
        import docx

        docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 -- not a .docx, or a broken one
        raise ValueError(f"参考文档 {path} 不是可以打开的 Word 文档（.docx）：{type(exc).__name__}: {exc}") from None
    return data


def check_pdf_engine() -> None:
    """RuntimeError, saying what to install, when Chromium is not on this machine."""
    from juesuan.build.pdf import PdfError, chromium_path

    try:
        chromium_path()
    except PdfError as exc:
        raise RuntimeError(str(exc)) from None


@functools.lru_cache(maxsize=4)
def _chromium_version(path: str) -> str:
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
        return done.stdout.strip() or done.stderr.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"unknown ({type(exc).__name__})"


def made_with(extra: Iterable[str], reference: bytes | None, *, local: bool = True) -> dict[str, str]:
    """For each format, what besides the report makes its bytes: packages, Chromium (when it runs here), reference."""
    out = {}
    for fmt in extra:
        parts = []
        for package in FORMAT_PACKAGES[fmt]:
            try:
                parts.append(f"{package}=={metadata.version(package)}")
            except metadata.PackageNotFoundError:
                parts.append(f"{package} absent")
        if fmt == "pdf" and local:
            import shutil

            chromium = shutil.which("chromium")
            parts.append(_chromium_version(chromium) if chromium else "no chromium")
        if fmt == "docx":
            parts.append("reference " + hashlib.sha256(reference or b"").hexdigest())
        out[fmt] = "; ".join(parts)
    return out
