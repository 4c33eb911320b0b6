"""A study's parsed and derived form kept on disk, so reopening it skips reading and validating.

Reading the sample workbook, checking every cell and deriving the cohort take seconds; the
result (:class:`~her2desk.cohort.loading.LoadedStudy`) unpickles in tens of milliseconds.
An entry is trusted only when everything that could change the result is the same:

* the file's bytes (SHA-256 of its content, not its name or modification time);
* the settings and the column mapping it was read with;
* her2desk's version *and* its code (from a source checkout, the size and modification time
  of every module, since the version number does not change between commits; a frozen
  bundle's code cannot change under it, so there the version alone);
* Python, pandas and numpy versions (a pickle is only readable by compatible libraries).

File format: a magic line, one JSON header line (the key, the payload's length and SHA-256),
then the pickled payload. The header is compared with the expected key and the payload's
digest checked *before* anything is unpickled, so a stale, truncated or foreign file is
never unpickled; it is ignored and the study rebuilt (and the entry rewritten). Entries are
written atomically (:mod:`her2desk.crf.atomic`), so a crash leaves the old entry or none.

Why a pickle is acceptable here: entries live only in the user's own cache folder (or, for
the sample, inside the installed bundle, as trusted as the code itself), keyed by the hash of
the study file. Whoever can write there can already change the user's programs; the digest
guards against corruption, not against such a person. Nothing from a study folder, a
download or another user is ever unpickled.

The cache folder is computed here without Qt, as platformdirs would (QStandardPaths'
CacheLocation is the same folder on each system): ``%LOCALAPPDATA%\\her2desk\\Cache`` on
Windows, ``~/Library/Caches/her2desk`` on macOS, ``$XDG_CACHE_HOME/her2desk`` (default
``~/.cache/her2desk``) elsewhere. ``HER2DESK_CACHE_DIR`` overrides it; an empty value turns
the cache off.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import pickle
import platform
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..crf.source import file_sha256 as file_digest

if TYPE_CHECKING:  # loading imports this module; the types are for readers and checkers
    from .loading import LoadedStudy
    from .settings import StudySettings

MAGIC = b"HER2DESK-STUDY-CACHE 1\n"
SUFFIX = ".h2cache"
#: Entries kept per folder (each is about the size of the study's tables in memory).
MAX_ENTRIES = 6
#: Larger entries are not written (a study of several hundred thousand patients): the folder
#: stays within MAX_ENTRIES x this, and such a study is read from its file each time.
MAX_ENTRY_BYTES = 768 * 1024 * 1024
ENV_DIR = "HER2DESK_CACHE_DIR"
#: The sample's entry installed in the bundle's resources (written by the packaging step).
SHIPPED_SAMPLE = "sample_study.h2cache"
#: ... and its analyses with the default settings.
SHIPPED_SAMPLE_RESULTS = "sample_study.results.h2cache"
_HERE = Path(__file__).resolve().parent.parent          # the her2desk package


def user_cache_dir() -> Path | None:
    """The user's cache folder for her2desk (not created); None when turned off."""
    override = os.environ.get(ENV_DIR)
    if override is not None:
        return Path(override) if override.strip() else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "her2desk" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "her2desk"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "her2desk"


def code_fingerprint(*, frozen: bool | None = None) -> str:
    """her2desk's version, and from a checkout its modules' sizes and modification times.

    ``frozen=True`` gives the fingerprint a bundle built from this checkout will have.
    """
    from .. import __version__

    if getattr(sys, "frozen", False) if frozen is None else frozen:
        return f"{__version__} frozen"
    h = hashlib.sha256()
    for module in sorted(_HERE.rglob("*.py")):
        with contextlib.suppress(OSError):
            st = module.stat()
            h.update(f"{module.relative_to(_HERE)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return f"{__version__} {h.hexdigest()[:24]}"


def _libraries() -> str:
    import numpy
    import pandas

    return f"python {platform.python_version()} pandas {pandas.__version__} numpy {numpy.__version__}"


def study_key(path: Path | str, kind: str, parts: dict[str, Any], *,
              frozen: bool | None = None) -> dict[str, Any]:
    """What an entry of ``kind`` for ``path`` depends on; ``parts`` must be JSON-able."""
    return {"kind": kind, "file_sha256": file_digest(path), "code": code_fingerprint(frozen=frozen),
            "libraries": _libraries(), **json.loads(json.dumps(parts, sort_keys=True, default=str))}


def _entry_name(key: dict[str, Any]) -> str:
    text = json.dumps(key, sort_keys=True).encode()
    return hashlib.sha256(text).hexdigest()[:32] + SUFFIX


def read_entry(file: Path, key: dict[str, Any]) -> Any | None:
    """The payload of ``file`` when its header carries exactly ``key``; None otherwise."""
    try:
        with open(file, "rb") as handle:
            if handle.read(len(MAGIC)) != MAGIC:
                return None
            header = json.loads(handle.readline(1 << 16).decode("utf-8"))
            if not isinstance(header, dict) or header.get("key") != key:
                return None
            size = int(header["size"])
            payload = handle.read(size + 1)
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    if len(payload) != size or hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # noqa: BLE001 - an unreadable entry is only a cache miss
        return None


def write_entry(file: Path, key: dict[str, Any], value: Any) -> bool:
    """Write ``value`` under ``key`` atomically; False (cache left as it was) on any failure."""
    from ..crf.atomic import atomic_path

    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        if len(payload) > MAX_ENTRY_BYTES:
            return False
        header = json.dumps({"key": key, "size": len(payload),
                             "sha256": hashlib.sha256(payload).hexdigest()}).encode()
        file.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(file) as tmp:
            with open(tmp, "wb") as handle:
                handle.write(MAGIC + header + b"\n")
                handle.write(payload)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
        return False
    _prune(file.parent)
    return True


def _prune(folder: Path) -> None:
    with contextlib.suppress(OSError):
        entries = sorted(folder.glob("*" + SUFFIX), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[MAX_ENTRIES:]:
            old.unlink()


def cached(key: dict[str, Any], build: Callable[[], Any], *, folder: Path | None,
           shipped: Path | None = None, valid: Callable[[Any], bool] | None = None
           ) -> tuple[Any, bool]:
    """``(value, hit)``: the entry stored under ``key`` or ``build()``'s result (then stored).

    ``shipped`` is a read-only entry that came with the installation (the sample's), tried
    first; ``folder`` (None: no cache) is where entries are looked up and written.
    ``valid(value)`` can refuse an entry whose key matches (e.g. one that depended on the day).
    """
    candidates = [c for c in (shipped, folder / _entry_name(key) if folder else None) if c]
    for candidate in candidates:
        value = read_entry(candidate, key)
        if value is not None and (valid is None or valid(value)):
            with contextlib.suppress(OSError):
                if candidate.parent == folder:
                    os.utime(candidate)                   # most recently used: pruned last
            return value, True
    value = build()
    if folder is not None:
        write_entry(folder / _entry_name(key), key, value)
    return value, False


def loaded_key_parts(settings: StudySettings, mapping: dict[str, str]) -> dict[str, Any]:
    """The parts of a loaded study's key besides the file: settings and mapping."""
    return {"settings": settings.to_dict(), "mapping": dict(sorted(mapping.items()))}


def results_key(loaded_key: dict[str, Any], settings: StudySettings) -> dict[str, Any]:
    """The key of a study's analyses: the loaded study's key and the analysis settings."""
    return {**loaded_key, "kind": "results",
            "analysis_settings": json.loads(json.dumps(settings.to_dict(), sort_keys=True,
                                                       default=str))}


def with_path(loaded: LoadedStudy, path: Path) -> LoadedStudy:
    """A cached study re-pointed at ``path`` (the same bytes may sit elsewhere now)."""
    crf = loaded.crf
    with contextlib.suppress(AttributeError, TypeError):
        crf = dataclasses.replace(crf, source=path)
    return dataclasses.replace(loaded, path=path, crf=crf)


def build_shipped_sample(out: Path, *, for_bundle: bool = True) -> Path:
    """Write the bundled sample's entry to ``out``: the packaging step, run from the checkout
    the bundle is frozen from, keys it as that bundle will look it up (``for_bundle``)."""
    from ..resources import sample_study_path
    from .loading import load_study
    from .settings import StudySettings

    sample = sample_study_path()
    settings = StudySettings()
    key = shipped_sample_key(for_bundle=for_bundle)
    import datetime as _dt

    loaded = load_study(sample, settings, mapping={})
    if not write_entry(Path(out), key, (_dt.date.today().isoformat(), loaded)):
        raise OSError(f"could not write {out}")
    return Path(out)


def shipped_sample_key(*, for_bundle: bool = True) -> dict[str, Any]:
    """The key the bundled sample is loaded under (default settings, no mapping)."""
    from ..resources import sample_study_path
    from .settings import StudySettings

    return study_key(sample_study_path(), "loaded", loaded_key_parts(StudySettings(), {}),
                     frozen=for_bundle or None)


__all__ = ["cached", "user_cache_dir", "study_key", "read_entry", "write_entry", "file_digest",
           "code_fingerprint", "loaded_key_parts", "results_key", "with_path", "build_shipped_sample"]
