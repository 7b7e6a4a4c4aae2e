"""Writing a file so that a reader only ever sees the old content or the new, never half of it.

Reports, indexes, manifests and imported data are all written this way: a run that is killed, or one bad
department, leaves every file already produced as it was.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path



def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Read once at import time: os.umask can only be read by setting it, which is
# not thread-safe to do on every write.
_FILE_MODE = 0o666 & ~_current_umask()


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path.

    The content goes to a temporary file in the same folder, is flushed to
    disk, and then renamed over ``path`` with :func:`os.replace`. A run that
    is killed leaves either the previous file or the new one, never half a
    file; on an error the temporary file is removed. ``str`` is written as
    UTF-8. The folder must exist.
    """
    path = Path(path)
    if isinstance(data, str):
        payload = data.encode("utf-8")
    elif isinstance(data, (bytes, bytearray, memoryview)):
        payload = bytes(data)
    else:
        raise TypeError(f"write_atomic needs str or bytes, not {type(data).__name__}")

    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(payload)
            tmp.flush()
            os.fsync(tmp.fileno())
        # mkstemp creates the file 0600; give it the mode a plain open() would.
        os.chmod(tmp_name, _FILE_MODE)
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)
    return path


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where unsupported."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
