"""Write a file so that it is either fully there or not touched at all.

Everything the app saves (template, validation report, study report) goes to a
temporary file in the target's own folder and is moved over the target with
``os.replace`` only when the writer finished. An interrupted or failing write
leaves the old file as it was and no half-written file behind; an existing
file that cannot be replaced (open in Excel on Windows, read-only folder) gives
one plain sentence in :class:`AtomicWriteError`.

Two ways to use it::

    with atomic_path("report.xlsx") as tmp:      # tmp has the same suffix
        workbook.save(tmp)

    atomic_write("report.xlsx", workbook.save)     # writer(tmp_path)
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from ..errors import WriteError


class AtomicWriteError(WriteError, OSError):
    """The target could not be written; ``str(error)`` is a sentence for the user."""

    def __init__(self, message: str, path: Path | str | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None

    def __str__(self) -> str:  # OSError would otherwise format its args tuple
        return self.message


def _current_umask() -> int:
    # os.umask can only be read by setting it; do it once, at import.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it onto ``path`` on success.

    The temporary file keeps the target's suffix (writers such as pandas pick
    the format from it). On any exception in the block the temporary file is
    removed and the exception propagates; the target is untouched.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise AtomicWriteError(f"Cannot save to {target}: it is a folder, not a file.", target)
    if not folder.is_dir():
        raise AtomicWriteError(f"Cannot save {target.name}: the folder {folder} does not exist.",
                               target)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}",
                                        dir=folder)
    except OSError as exc:
        raise AtomicWriteError(
            f"Cannot save {target.name}: the folder {folder} cannot be written to "
            f"({_reason(exc)}).", target) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        _finish(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _finish(tmp: Path, target: Path) -> None:
    if not tmp.exists():
        raise AtomicWriteError(f"Saving {target.name} failed: the writer produced no file.", target)
    # mkstemp makes the file private (0600); give it the mode a normal save would.
    try:
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_UMASK
        os.chmod(tmp, mode)
    except OSError:
        pass
    try:
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
    except OSError:
        pass
    try:
        os.replace(tmp, target)
    except PermissionError as exc:
        raise AtomicWriteError(
            f"Cannot replace {target.name}: it may be open in another program such as Excel, "
            f"or the file is read-only. Close it and try again ({_reason(exc)}).", target) from exc
    except OSError as exc:
        raise AtomicWriteError(f"Cannot save {target.name} ({_reason(exc)}).", target) from exc


def atomic_write(path: str | os.PathLike, writer: Callable[[Path], object]) -> Path:
    """Call ``writer(tmp_path)`` and move the result onto ``path``; return ``path``."""
    with atomic_path(path) as tmp:
        writer(tmp)
    return Path(path)
