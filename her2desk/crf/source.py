"""Open a study's source file safely: regular files only, read once, with a time limit.

Why: a path the user picks or types can be a folder, a FIFO (reading it waits for
a writer forever), a device, a symlink loop or a name the system refuses. Each is
refused here with one sentence (:class:`~her2desk.crf.model.CRFReadError`) before
any byte is read, and the read itself runs against a deadline so a stalled
network share gives a sentence instead of a hang. The file is opened read-only
and never written.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
import threading
from pathlib import Path

from ..errors import CRFReadError
from ..i18n import N_
from .escape import printable

__all__ = ["read_source_bytes", "check_regular_file", "check_crf_path", "check_dictionary_path", "is_crf_name", "CRF_EXTENSIONS",
           "EXCEL_EXTENSIONS", "CSV_EXTENSIONS", "READ_TIMEOUT_S", "MAX_SOURCE_BYTES"]

#: Seconds allowed for reading the whole file (a local 100 MB CRF takes well under one).
READ_TIMEOUT_S = 60.0
#: Largest source file read (a 100,000-patient CRF is some 30 MB as .xlsx, 60 MB as CSV).
MAX_SOURCE_BYTES = 1 << 30


def _shown(p: Path) -> str:
    name = p.name or str(p)
    return printable(name if len(name) <= 80 else name[:60] + "…" + name[-15:])


def check_regular_file(path: str | os.PathLike, extensions: tuple[str, ...]) -> Path:
    """``path`` as a Path when it is a regular file with one of ``extensions``; else CRFReadError."""
    p = Path(path)
    name = _shown(p)
    try:
        st = os.stat(p)                     # follows symlinks: a loop raises ELOOP
    except FileNotFoundError:
        if os.path.islink(p):
            raise CRFReadError(N_(f"'{name}' is a shortcut (link) to a file that no longer exists; "
                               f"choose the CRF file itself.")) from None
        raise CRFReadError(N_(f"There is no file at {printable(str(p))}; it may have been moved or "
                           f"renamed.")) from None
    except OSError as exc:
        raise CRFReadError(_os_sentence(name, exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise CRFReadError(N_(f"'{name}' is a folder, not a file; choose the CRF workbook inside it."))
    if not stat.S_ISREG(st.st_mode):
        kind = (N_("a pipe") if stat.S_ISFIFO(st.st_mode) else N_("a device") if
                stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
                N_("a socket") if stat.S_ISSOCK(st.st_mode) else N_("not a regular file"))
        raise CRFReadError(N_(f"'{name}' is {kind}, not a saved file; choose the CRF workbook "
                           f"(.xlsx) or CSV file itself."))
    ext = p.suffix.casefold()
    if ext not in extensions:
        shown = N_(f"'{_shown(Path(p.suffix))}' files") if p.suffix else N_("Files without an extension")
        raise CRFReadError(N_(f"{shown} cannot be read; her2desk opens Excel workbooks (.xlsx, .xlsm, "
                           f".xls) and CSV files (.csv, .tsv), so save the CRF as one of those."))
    if st.st_size > MAX_SOURCE_BYTES:
        raise CRFReadError(N_(f"'{name}' is {st.st_size / (1 << 30):.1f} GB, more than this program "
                           f"reads (1 GB, far above a 100,000-patient CRF); delete unused sheets "
                           f"or split it into several files."))
    return p


def _os_sentence(name: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return (f"'{name}' is a shortcut (link) that points to itself in a loop; choose the CRF "
                f"file itself.")
    if exc.errno == errno.ENAMETOOLONG:
        return (f"The name or folder path of '{name}' is longer than the system allows; move the "
                f"file to a shorter path or give it a shorter name.")
    if isinstance(exc, PermissionError):
        return (f"'{name}' could not be opened because access was refused; close it in other "
                f"programs or check its permissions.")
    reason = (exc.strerror or "system error").lower()
    return f"'{name}' could not be opened ({reason}); check that the file is still there and readable."


def read_source_bytes(path: str | os.PathLike, extensions: tuple[str, ...],
                      timeout_s: float = READ_TIMEOUT_S) -> bytes:
    """All bytes of the regular file at ``path`` (see :func:`check_regular_file`), read-only.

    Opened with ``O_NONBLOCK`` so that a file swapped for a FIFO after the check cannot
    block the open; the read runs in a helper thread and is abandoned after ``timeout_s``.
    """
    p = check_regular_file(path, extensions)
    name = _shown(p)
    result: dict[str, object] = {}

    def work() -> None:
        try:
            fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    raise CRFReadError(f"'{name}' is not a regular file; choose the CRF workbook "
                                       f"(.xlsx) or CSV file itself.")
                chunks = []
                while True:
                    chunk = os.read(fd, 8 << 20)
                    if not chunk:
                        break
                    chunks.append(chunk)
                result["data"] = b"".join(chunks)
            finally:
                os.close(fd)
        except BaseException as exc:     # handed to the caller's thread below
            result["error"] = exc

    thread = threading.Thread(target=work, name="her2desk-read-source", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        raise CRFReadError(N_(f"Reading '{name}' took more than {timeout_s:.0f} seconds (a network "
                           f"drive may be slow or disconnected); copy the file to this computer "
                           f"and open the copy."))
    error = result.get("error")
    if isinstance(error, CRFReadError):
        raise error
    if isinstance(error, OSError):
        raise CRFReadError(_os_sentence(name, error)) from None
    if error is not None:
        raise error  # type: ignore[misc]
    return result["data"]  # type: ignore[return-value]


#: Every format a CRF can come in, for every door (command line, Open dialog, drag and drop).
EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls")
CSV_EXTENSIONS = (".csv", ".tsv")
CRF_EXTENSIONS = EXCEL_EXTENSIONS + CSV_EXTENSIONS


def check_crf_path(path: str | os.PathLike) -> Path:
    """The one front door: ``path`` if it can be a CRF (a regular file of a CRF format), else
    :class:`CRFReadError` with the sentence every door shows. Cheap (no byte is read)."""
    return check_regular_file(path, CRF_EXTENSIONS)


def check_dictionary_path(path: str | os.PathLike) -> Path:
    """``path`` if it can be a REDCap data dictionary (a regular CSV file), else the sentence."""
    p = Path(path)
    if p.suffix.casefold() not in CSV_EXTENSIONS and p.exists() and not p.is_dir():
        raise CRFReadError(f"The REDCap data dictionary is a CSV file; '{_shown(p)}' is not one "
                           f"(download it from REDCap's Data Dictionary page).")
    return check_regular_file(p, CSV_EXTENSIONS)


def is_crf_name(path: str | os.PathLike) -> bool:
    """Whether the name has a CRF extension (for drag-and-drop feedback before any check)."""
    return Path(path).suffix.casefold() in CRF_EXTENSIONS


def file_sha256(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's bytes, as hex, read in 1 MiB blocks: the one digest by which the
    study file, the parsed-study cache and the report name a data file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
