"""Where the commands write: every output path is checked before any work starts (its parent is created, the same
for every command, and it must be writable), and every file is written atomically (a temporary file in the same
directory, then os.replace), so an interrupted or failed write never leaves half a report (issue 17, "Never lose
work"). Hand-written: the standard library's tempfile and os.replace do the work; this only names the errors."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from theory.errors import UserInputError


def prepare_output(path: str | Path, what: str) -> Path:
    """`path` as a file to be written: its parent directory created if missing, and refused in one line (naming
    `what` and the path) if it is a directory or cannot be written."""
    path = Path(path)
    if path.is_dir():
        raise UserInputError(f"{what} {path}: is a directory; give a file name")
    _writable_directory(path.parent, f"{what} {path}")
    if path.exists() and not os.access(path, os.W_OK):
        raise UserInputError(f"{what} {path}: the file exists and is not writable")
    return path


def prepare_directory(path: str | Path, what: str) -> Path:
    """`path` as a directory to write into: created if missing, refused in one line if it cannot be written."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UserInputError(f"{what} {path}: exists and is not a directory")
    _writable_directory(path, f"{what} {path}")
    return path


def _writable_directory(directory: Path, label: str) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserInputError(f"{label}: cannot create {directory} ({error.strerror or error})") from None
    # a probe file, not os.access: /proc and read-only mounts say "accessible" and still refuse the write
    try:
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".escape-probe-"):
            pass
    except OSError as error:
        raise UserInputError(f"{label}: cannot write in {directory} ({error.strerror or error})") from None


def write_text_atomic(path: str | Path, text: str, mode: int = 0o644) -> Path:
    """Write `text` to `path` through a temporary file in the same directory and os.replace (atomic on POSIX), with
    the given permissions (tempfile's default 0600 would hide a report from the user's group)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
