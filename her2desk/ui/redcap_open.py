"""The window's door for REDCap exports: which dropped file is the dictionary, and
offering the dictionary REDCap saved beside the records.

Why a module of its own: the main window only asks two questions — "of these dropped
files, which are records and which is the dictionary?" and "does this records file come
with a dictionary?" — and the answers (file names, first lines) come from the Qt-free
crf/redcap.py, so the command line and the window recognise the same files.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from ..crf.redcap import dictionary_beside, is_dictionary_name, sniff_dictionary
from ..crf.source import CSV_EXTENSIONS

__all__ = ["split_dropped", "dictionary_for", "ask_use_dictionary"]


def _is_csv(path: Path) -> bool:
    return path.suffix.casefold() in CSV_EXTENSIONS


def is_dictionary(path: str | os.PathLike) -> bool:
    """A REDCap data dictionary, by REDCap's file name or by its header."""
    p = Path(path)
    return _is_csv(p) and (is_dictionary_name(p) or sniff_dictionary(p))


def split_dropped(paths: list[Path]) -> tuple[Path, Path] | None:
    """(records, dictionary) when the dropped files are a REDCap records CSV and its
    dictionary (in either order); None for anything else."""
    csvs = [p for p in paths if _is_csv(p)]
    if len(csvs) != 2:
        return None
    dictionaries = [p for p in csvs if is_dictionary(p)]
    if len(dictionaries) != 1:
        return None
    records = next(p for p in csvs if p != dictionaries[0])
    return records, dictionaries[0]


def ask_use_dictionary(parent: QWidget, records: Path, dictionary: Path) -> bool:
    """Ask whether to read ``records`` with the dictionary found beside it."""
    # English until the catalogue is extended (issue 11), as the other new strings of issue 14.
    answer = QMessageBox.question(
        parent, QCoreApplication.translate("redcap_open", "REDCap data dictionary"),
        QCoreApplication.translate("redcap_open", "{0} looks like a REDCap export, and its data dictionary {1} is in the same folder. Read the records with this dictionary?").format(records.name, dictionary.name))
    return answer == QMessageBox.StandardButton.Yes


def dictionary_for(parent: QWidget, records: str | os.PathLike) -> Path | None:
    """The dictionary to read ``records`` with: the one REDCap named beside it, if the user
    accepts it; None otherwise (an ordinary CSV is read as before)."""
    p = Path(records)
    if not _is_csv(p):
        return None
    found = dictionary_beside(p)
    if found is None or found == p:
        return None
    return found if ask_use_dictionary(parent, p, found) else None
