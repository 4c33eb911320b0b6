"""The study file ``<name>.her2desk``: everything needed to come back to a study.

A coordinator reruns the same analysis on every data freeze and hands it to a
colleague; the side file next to the workbook (:mod:`her2desk.crf.side_file`) only
remembers the settings and the column mapping of *that* workbook. The study file is
a small JSON document that can live anywhere and names:

* ``data``: the CRF file(s) with their SHA-256, so that reopening says when the data
  changed since the study was saved;
* ``dictionary``: a REDCap data dictionary (or null);
* ``settings`` (:class:`~her2desk.cohort.settings.StudySettings`) and
  ``column_mapping`` (``{"<sheet>!<header>": field}``);
* ``choices``: every analysis choice made in the app, by page (a survival grouping,
  the Cox covariates, ...), as the pages describe them;
* ``figure_styles``: whatever the figure-style module stores under its side-file key,
  carried verbatim (this module does not interpret it);
* ``results_sha256``: the hash of the results the study gave when it was saved.

Paths are written relative to the study file's folder when they can be, so a folder
holding the study file and its data can be moved or shared as a whole; they are
resolved against that folder when read. The writer is atomic (:mod:`her2desk.crf.atomic`).
A file that is not a study file (corrupt, foreign, from a newer version) raises
:class:`StudyFileError` with one sentence; a settings value or mapping entry that is
refused is replaced by its default and said in :attr:`StudyFile.notices`, through the
same checks the side file uses.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..crf.atomic import AtomicWriteError, atomic_write
from ..crf.headers import mapping_from_side
from ..crf.side_file import MAPPING_KEY, SETTINGS_KEY, SideFile
from ..crf.source import file_sha256
from .settings import StudySettings, settings_from_saved

SUFFIX = ".her2desk"
FORMAT = "her2desk-study"
VERSION = 1
#: The side-file key the figure-style module saves under; carried as the study's
#: ``figure_styles`` section.
FIGURE_STYLES_KEY = "figure_styles"
#: A study file names a few files and choices: far below this.
MAX_BYTES = 5 * 1024 * 1024

JSONObject = dict[str, Any]


class StudyFileError(ValueError):
    """The study file cannot be read or written; ``str(error)`` is one sentence."""


@dataclass(frozen=True)
class DataFile:
    """One file the study reads: its absolute path and the SHA-256 it had when saved."""

    path: Path
    sha256: str = ""

    def changed(self) -> str | None:
        """A sentence when the file is missing or differs from the saved hash, else None."""
        if not self.path.is_file():
            return f"{self.path.name} is not where the study file says ({self.path})."
        if self.sha256 and file_sha256(self.path) != self.sha256:
            return (f"{self.path.name} has changed since the study was saved (its contents differ), "
                    "so the numbers may differ from those saved.")
        return None


@dataclass(frozen=True)
class StudyFile:
    """What a study file holds, already checked (see the module docstring for the keys)."""

    data: tuple[DataFile, ...]
    settings: StudySettings = field(default_factory=StudySettings)
    column_mapping: dict[str, str] = field(default_factory=dict)
    dictionary: DataFile | None = None
    choices: dict[str, JSONObject] = field(default_factory=dict)
    figure_styles: Any = None
    results_sha256: str = ""
    #: Sentences about values that were refused and replaced by defaults.
    notices: tuple[str, ...] = ()

    @property
    def primary(self) -> Path:
        """The CRF file the study opens (the first data file)."""
        return self.data[0].path

    def files(self) -> list[DataFile]:
        """The data files and the dictionary (when there is one)."""
        return [*self.data, *([self.dictionary] if self.dictionary else [])]

    def data_changes(self) -> list[str]:
        """One sentence per data file (or dictionary) that is missing or changed."""
        return [s for s in (f.changed() for f in self.files()) if s]

    def missing_files(self) -> list[str]:
        """One sentence per data file (or dictionary) that is not where the study file says."""
        return [s for s in (f.changed() for f in self.files() if not f.path.is_file()) if s]


def study_file_path(path: str | os.PathLike) -> Path:
    """``path`` with the ``.her2desk`` suffix added when it has none."""
    p = Path(path)
    return p if p.suffix.casefold() == SUFFIX else p.with_name(p.name + SUFFIX)


def is_study_file(path: str | os.PathLike) -> bool:
    return Path(path).suffix.casefold() == SUFFIX


def json_sha256(payload: Any) -> str:
    """The SHA-256 of a JSON value written canonically (sorted keys, no spaces)."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _relative(path: Path, folder: Path) -> str:
    """``path`` relative to ``folder`` when both are on one drive, else absolute; '/' always."""
    try:
        return Path(os.path.relpath(path.resolve(), folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return path.resolve().as_posix()


def _resolve(text: str, folder: Path) -> Path:
    p = Path(text)
    return p if p.is_absolute() else (folder / p)


def data_file(path: str | os.PathLike) -> DataFile:
    """A :class:`DataFile` for ``path`` with its current hash (the file must exist)."""
    p = Path(path).resolve()
    return DataFile(p, file_sha256(p))


def study_to_dict(study: StudyFile, where: str | os.PathLike, *, saved_by: str = "") -> JSONObject:
    """The JSON object for ``study`` written at ``where`` (paths relative to its folder)."""
    folder = Path(where).resolve().parent

    def entry(f: DataFile) -> JSONObject:
        return {"path": _relative(f.path, folder), "sha256": f.sha256}

    return {
        "format": FORMAT,
        "version": VERSION,
        "saved_by": saved_by,
        "data": [entry(f) for f in study.data],
        "dictionary": entry(study.dictionary) if study.dictionary else None,
        SETTINGS_KEY: study.settings.to_dict(),
        MAPPING_KEY: dict(study.column_mapping),
        "choices": {str(k): dict(v) for k, v in study.choices.items()},
        FIGURE_STYLES_KEY: study.figure_styles,
        "results_sha256": study.results_sha256,
    }


def write_study_file(path: str | os.PathLike, study: StudyFile, *, saved_by: str = "") -> Path:
    """Write ``study`` to ``path`` atomically; the old file stays whole if anything fails.

    Raises :class:`StudyFileError` (one sentence) when it cannot be written.
    """
    target = Path(path)
    problems = study.settings.validate()
    if problems:
        raise StudyFileError(f"The study was not saved: {problems[0]}")
    if not study.data:
        raise StudyFileError("The study was not saved: no data file is open.")
    text = json.dumps(study_to_dict(study, target, saved_by=saved_by), ensure_ascii=False, indent=2) + "\n"
    try:
        atomic_write(target, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    except AtomicWriteError as exc:
        raise StudyFileError(exc.message) from exc
    except OSError as exc:
        raise StudyFileError(f"Cannot save {target.name} ({exc.strerror or exc}).") from exc
    return target


def _load_json(path: Path) -> JSONObject:
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise StudyFileError(f"The study file {name} does not exist ({path}).") from None
    except OSError as exc:
        raise StudyFileError(f"The study file {name} could not be read ({exc.strerror or exc}).") from exc
    if path.is_dir():
        raise StudyFileError(f"{name} is a folder, not a her2desk study file.")
    if size > MAX_BYTES:
        raise StudyFileError(f"{name} is {size // (1024 * 1024)} MB, far larger than any her2desk study file, "
                             "so it was not opened.")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StudyFileError(f"The study file {name} could not be read ({exc.strerror or exc}).") from exc
    if not raw.strip():
        raise StudyFileError(f"The study file {name} is empty.")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise StudyFileError(f"{name} is not a her2desk study file: it is not valid JSON text (it may "
                             "have been cut short or edited by hand).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StudyFileError(f"{name} is not a her2desk study file (it does not say \"format\": "
                             f"\"{FORMAT}\").")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StudyFileError(f"{name} has no valid study-file version, so it was not opened.")
    if version > VERSION:
        raise StudyFileError(f"{name} was saved by a newer her2desk (study-file version {version}; this "
                             f"version reads up to {VERSION}); update her2desk to open it.")
    return data


def _file_entry(value: Any, folder: Path, what: str, name: str) -> DataFile:
    if isinstance(value, str):
        value = {"path": value}
    if not isinstance(value, Mapping) or not isinstance(value.get("path"), str) or not value["path"].strip():
        raise StudyFileError(f"{name} does not name its {what} file properly (a path is missing).")
    sha = value.get("sha256") or ""
    return DataFile(_resolve(value["path"], folder), sha if isinstance(sha, str) else "")


def read_study_file(path: str | os.PathLike) -> StudyFile:
    """Read and check a study file. Raises :class:`StudyFileError` (one sentence) for a
    file that is not a usable study; refused settings or mapping entries become notices."""
    target = Path(path)
    data = _load_json(target)
    name, folder = target.name, target.resolve().parent
    entries = data.get("data")
    if not isinstance(entries, list) or not entries:
        raise StudyFileError(f"{name} names no data file, so there is no study to open.")
    files = tuple(_file_entry(e, folder, "data", name) for e in entries)
    dictionary = data.get("dictionary")
    dictionary = _file_entry(dictionary, folder, "dictionary", name) if dictionary else None
    # The same checks, defaults and sentences as the side file.
    side = SideFile(target, {k: data[k] for k in (SETTINGS_KEY, MAPPING_KEY) if k in data})
    settings, setting_notes = settings_from_saved(side) if SETTINGS_KEY in data else (StudySettings(), ())
    mapping, mapping_notes = mapping_from_side(side)
    notices = [*setting_notes, *mapping_notes]
    raw_choices = data.get("choices") or {}
    choices: dict[str, JSONObject] = {}
    if isinstance(raw_choices, dict):
        choices = {str(k): dict(v) for k, v in raw_choices.items() if isinstance(v, dict)}
        if len(choices) != len(raw_choices):
            notices.append(f"Some analysis choices in {name} could not be read; those pages open as usual.")
    else:
        notices.append(f"The analysis choices in {name} could not be read; the pages open as usual.")
    results = data.get("results_sha256")
    return StudyFile(files, settings, mapping, dictionary, choices, data.get(FIGURE_STYLES_KEY),
                     results if isinstance(results, str) else "", tuple(notices))
