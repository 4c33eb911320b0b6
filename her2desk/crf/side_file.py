"""The study's side file ``<study>.her2desk.json``: one reader and one writer for every key.

The file sits next to the workbook and holds what the user chose for that study:
``"settings"`` (:class:`~her2desk.cohort.settings.StudySettings` as a dict) and
``"column_mapping"`` (``{"<sheet>!<header>": field}``). Other keys, written by
later versions or by hand, are kept untouched.

Two rules make it state that is never lost and never locks a study:

* **Writes merge.** :func:`update_side_file` reads the file, replaces only the keys
  it is given and writes the whole object back atomically (:mod:`.atomic`), so
  saving the settings keeps the mapping and the other way round.
* **A file that cannot be read is set aside, not obeyed and not deleted.** An empty,
  truncated, binary or non-JSON file (or JSON that is not an object) is renamed to
  ``<name>.corrupt-YYYYMMDD-HHMMSS`` and the study opens on defaults;
  :class:`SideFile` carries the sentence that says so, for the window's banner and
  the command line's stderr.

This module knows the file, not the meaning of its parts: the settings are checked
by the cohort layer and the mapping by :mod:`.headers`.
"""
from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .atomic import AtomicWriteError, atomic_write

SUFFIX = ".her2desk.json"
SETTINGS_KEY = "settings"
MAPPING_KEY = "column_mapping"
#: Far above any real mapping (a few hundred columns take a few kB).
MAX_BYTES = 5 * 1024 * 1024


class SideFileError(AtomicWriteError):
    """The side file could not be written; ``str(error)`` is one sentence for the user."""


def side_file_path(study: str | os.PathLike) -> Path:
    """``study.xlsx`` -> ``study.her2desk.json``, in the study's folder (a side file's own
    path is returned as it is)."""
    p = Path(study)
    return p if p.name.endswith(SUFFIX) else p.with_name(p.stem + SUFFIX)


@dataclass(frozen=True)
class SideFile:
    """What was read from a study's side file.

    ``data`` is the JSON object (empty when there is no file or it was set aside);
    ``set_aside`` is where an unreadable file was moved; ``problems`` holds the
    sentences the user must be shown (empty when all was well).
    """

    path: Path
    data: dict[str, Any] = field(default_factory=dict)
    set_aside: Path | None = None
    problems: tuple[str, ...] = ()

    def part(self, key: str) -> Any:
        """One key's value, None when absent."""
        return self.data.get(key)


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _aside_name(path: Path) -> Path:
    base = path.with_name(f"{path.name}.corrupt-{_stamp()}")
    candidate, n = base, 1
    while candidate.exists():
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    return candidate


def _why_unreadable(raw: bytes) -> str | None:
    """Why ``raw`` is not a side file (None when it is a JSON object)."""
    if not raw.strip():
        return "it is empty"
    if b"\x00" in raw:
        return "it is not a text file"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "it is not a text file"
    try:
        data = json.loads(text)
    except ValueError:
        return "it is not valid JSON (it may have been cut short or edited by hand)"
    if not isinstance(data, dict):
        return "it does not hold an object of named settings"
    return None


def read_side_file(study: str | os.PathLike, *, set_aside: bool = True) -> SideFile:
    """Read the side file of ``study``; never raises for a bad file.

    With ``set_aside`` (the default, used when a study is opened) an unreadable file
    is renamed with a ``.corrupt-<time>`` suffix so that the next save starts clean
    and nothing the user wrote is lost; without it the file is only reported.
    """
    path = side_file_path(study)
    try:
        info = path.lstat()
    except FileNotFoundError:
        return SideFile(path)
    except OSError as exc:
        return SideFile(path, problems=(f"The saved settings {path.name} could not be read "
                                        f"({exc.strerror or exc}); the paper's defaults are used.",))
    if stat.S_ISLNK(info.st_mode):
        try:
            info = path.stat()
        except OSError:
            return SideFile(path, problems=(f"The saved settings {path.name} is a link to nothing; "
                                            "the paper's defaults are used.",))
    if not stat.S_ISREG(info.st_mode):
        return SideFile(path, problems=(f"The saved settings {path.name} is not a regular file; "
                                        "the paper's defaults are used.",))
    if info.st_size > MAX_BYTES:
        why: str | None = f"it is {info.st_size // (1024 * 1024)} MB, far larger than any settings file"
    else:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            return SideFile(path, problems=(f"The saved settings {path.name} could not be read "
                                            f"({exc.strerror or exc}); the paper's defaults are used.",))
        why = _why_unreadable(raw)
        if why is None:
            return SideFile(path, json.loads(raw.decode("utf-8-sig")))
    if not set_aside:
        return SideFile(path, problems=(f"The saved settings {path.name} cannot be used because "
                                        f"{why}; the paper's defaults are used.",))
    aside = _aside_name(path)
    try:
        os.replace(path, aside)
    except OSError as exc:
        return SideFile(path, problems=(
            f"The saved settings {path.name} cannot be used because {why}, and it could not be "
            f"set aside ({exc.strerror or exc}); the study opens on the paper's defaults.",))
    return SideFile(path, set_aside=aside, problems=(
        f"The saved settings {path.name} could not be used because {why}; it was kept as "
        f"{aside.name} and the study opens on the paper's defaults (settings and column "
        "mapping).",))


def update_side_file(study: str | os.PathLike, **parts: Any) -> Path:
    """Replace the given keys of the side file and keep every other one; atomic.

    ``update_side_file(study, settings={...})`` keeps ``column_mapping`` and any key
    this version does not know. A file that cannot be read is set aside first (see
    :func:`read_side_file`), never overwritten. Raises :class:`SideFileError` with
    one sentence when the folder or file cannot be written.
    """
    current = read_side_file(study)
    data = dict(current.data)
    data.update(parts)
    path = current.path
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    try:
        atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    except AtomicWriteError as exc:
        raise SideFileError(exc.message, path) from exc
    except OSError as exc:
        raise SideFileError(f"Cannot save {path.name} ({exc.strerror or exc}).", path) from exc
    return path
