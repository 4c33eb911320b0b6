"""Replace a report's files as one: a reader sees the old report or the new one, never a mix.

Why: report.xlsx and results.json describe the same run. Written one after the other,
a kill in between (or a ``results.json`` that is a folder) left a new workbook beside
old numbers. Here every file is first written completely into a fresh staging folder
inside the target folder; only then are they moved into place:

* a target folder that does not exist yet is created by renaming the staged folder
  onto it (one atomic step);
* otherwise the files are renamed over the old ones back to back with SIGINT and
  SIGTERM held, so no signal can fall between them.

Every target is checked before anything is written (a folder named ``results.json``
is a sentence, and nothing is replaced). The staging folder is removed on every exit
path: success, error, KeyboardInterrupt and the SIGTERM that the command line turns
into one (see :func:`terminate_as_interrupt`).
"""
from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import threading
from pathlib import Path
from typing import Callable, Iterator, Mapping

from ..crf.atomic import AtomicWriteError

__all__ = ["replace_as_one", "terminate_as_interrupt", "STAGING_PREFIX"]

STAGING_PREFIX = ".her2desk-report-"
Writer = Callable[[Path], object]


def _read_umask() -> int:
    # os.umask can only be read by setting it; once, at import (not from worker threads).
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def _check_targets(folder: Path, names: list[str]) -> None:
    if folder.exists() and not folder.is_dir():
        raise AtomicWriteError(f"Cannot save the report in {folder}: it is a file, not a folder.",
                               folder)
    for name in names:
        target = folder / name
        if target.is_dir():
            raise AtomicWriteError(f"Cannot save {name}: {target} is a folder, not a file; rename "
                                   f"or remove that folder and save again (nothing was replaced).",
                                   target)
    parent = folder if folder.exists() else _existing_parent(folder)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise AtomicWriteError(f"Cannot save the report in {folder}: the folder {parent} cannot be "
                               f"written to; choose another folder (nothing was replaced).", folder)


def _existing_parent(folder: Path) -> Path:
    p = folder.absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


#: Depth of the critical sections in progress, and whether a stop arrived during one.
_held = {"depth": 0, "pending": False}


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Defer SIGINT/SIGTERM over a few system calls.

    Blocking the signals with pthread_sigmask is not enough: the kernel may deliver them to
    another thread (numpy's BLAS threads), and Python then runs the handler in the main thread
    at the next bytecode — inside the section. So the handlers installed by
    :func:`terminate_as_interrupt` only note a stop while a section is open, and the stop is
    raised here once it closes.
    """
    can = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}) if can else None
    _held["depth"] += 1
    try:
        yield
    finally:
        _held["depth"] -= 1
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        if _held["depth"] == 0 and _held["pending"]:
            _held["pending"] = False
            raise Terminated()


def replace_as_one(folder: str | os.PathLike, writers: Mapping[str, Writer], *,
                   stale: tuple[str, ...] = ()) -> list[Path]:
    """Write ``{name: writer(path)}`` into ``folder`` so that all files change together;
    files named in ``stale`` (an earlier run's output this run does not write) go in the same step.

    Raises :class:`~her2desk.crf.atomic.AtomicWriteError` (a sentence) when the folder or a
    target cannot be written; then no file in ``folder`` has changed.
    """
    folder = Path(folder)
    names = list(writers)
    _check_targets(folder, names)
    fresh = not folder.exists()
    if fresh:
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AtomicWriteError(f"Cannot create the folder {folder.parent} "
                                   f"({exc.strerror or exc}).", folder) from exc
    base = folder.parent if fresh else folder
    stage: Path | None = None
    try:
        try:
            # named before it exists, so a stop at any moment finds it in ``finally``
            stage = base / f"{STAGING_PREFIX}{secrets.token_hex(6)}"
            stage.mkdir(mode=0o700)
        except OSError as exc:
            raise AtomicWriteError(f"Cannot save the report in {folder}: the folder cannot be "
                                   f"written to ({exc.strerror or exc}).", folder) from exc
        for name, writer in writers.items():
            writer(stage / name)
            if not (stage / name).is_file():
                raise AtomicWriteError(f"Saving {name} failed: the writer produced no file.")
            with open(stage / name, "rb+") as fh:
                os.fsync(fh.fileno())
        mode = 0o666 & ~_UMASK
        for name in names:
            target = folder / name
            with contextlib.suppress(OSError):
                os.chmod(stage / name, target.stat().st_mode & 0o777 if target.exists() else mode)
        if fresh:
            os.chmod(stage, 0o777 & ~_UMASK)
            try:
                os.rename(stage, folder)          # the whole folder appears at once
            except OSError:                       # someone created it meanwhile: fall through
                fresh = False
            else:
                return [folder / name for name in names]
        with _signals_held():
            for name in names:
                os.replace(stage / name, folder / name)
            for name in stale:
                if (folder / name).is_file():
                    os.unlink(folder / name)
        return [folder / name for name in names]
    except PermissionError as exc:
        raise AtomicWriteError(f"Cannot replace the report in {folder}: a file may be open in "
                               f"another program such as Excel, or is read-only; close it and "
                               f"try again ({exc.strerror or exc}).", folder) from exc
    except AtomicWriteError:
        raise
    except OSError as exc:
        raise AtomicWriteError(f"Cannot save the report in {folder} ({exc.strerror or exc}).",
                               folder) from exc
    finally:
        if stage is not None and stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl+C so every ``finally`` (temporary files) runs."""


def terminate_as_interrupt() -> None:
    """Make SIGTERM unwind the main thread like Ctrl+C (command line only)."""
    def handler(signum, frame):
        if _held["depth"]:
            _held["pending"] = True          # raised when the critical section closes
            return
        raise Terminated()

    with contextlib.suppress(ValueError, OSError, AttributeError):
        signal.signal(signal.SIGTERM, handler)
