"""File ▸ Save study / Open study / Recent studies: the window and a ``.her2desk`` file.

The file itself (what it holds, how it is checked) is :mod:`her2desk.cohort.study_file`;
this module only gathers what the window shows into a :class:`StudyFile` and puts a
study file back into the window through the doors a user takes: the settings and the
column mapping go into the data's side file (the app's one place for them, so Map
columns…, Study settings… and the command line all see the same), the CRF is opened
with :meth:`MainWindow.open_study`, and the analysis choices are set on the pages with
their public methods once the results are in (:mod:`.choices`).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from ..cohort.study_file import (
    FIGURE_STYLES_KEY,
    SUFFIX,
    StudyFile,
    StudyFileError,
    data_file,
    json_sha256,
    read_study_file,
    study_file_path,
    write_study_file,
)
from .choices import ChoiceTracker
from .panels.common import FIGURE_DPI, FIGURE_WIDTH_MM

EXPORT_KEYS = {"width_mm": FIGURE_WIDTH_MM, "dpi": FIGURE_DPI}

if TYPE_CHECKING:  # the window imports this module
    from .main_window import MainWindow

FILTER = "her2desk study (*" + SUFFIX + ")"
#: The study file's section for the journal-export figure size (kept in QSettings by the pages).
EXPORT_PAGE = "figure_export"


def results_sha256(results: object) -> str:
    """The hash of the results as results.json writes them (empty when there are none)."""
    if results is None:
        return ""
    from ..report.results_json import results_to_dict

    return json_sha256(results_to_dict(results))


class StudySession(QObject):
    """Save/open the window's study as a study file; owns the File-menu entries for it.

    ``confirm(sentence) -> bool`` is asked before opening a study whose data changed
    (a question box by default; tests pass their own).
    """

    def __init__(self, window: "MainWindow", confirm: Callable[[str], bool] | None = None):
        super().__init__(window)
        self.window = window
        self.path: Path | None = None           # the study file open, if any
        self.confirm = confirm or self._ask
        self.choices = ChoiceTracker(window)
        self._expected_results = ""              # results hash of the study file being opened
        self.save_action = self._action("Sa&ve study", self.save, QKeySequence.StandardKey.Save,
                                         ("Save the data files, settings and analysis choices as a study"))
        self.save_as_action = self._action("Save study &as…", self.save_as,
                                           QKeySequence.StandardKey.SaveAs,
                                           ("Save the study under another name"))
        self.open_action = self._action("Open st&udy…", self.choose_and_open, "Ctrl+Shift+O",
                                        ("Open a saved her2desk study (.her2desk)"))
        self._data: Path | None = None           # the CRF that study file opens
        self._notes: list[str] = []              # sentences for the banner once the CRF is read
        self._leaving = False                    # the user already answered "Save changes?"
        window.results_ready.connect(self._check_results)
        window.study_loaded.connect(self._on_loaded)

    def _action(self, text: str, slot: Callable[[], object], shortcut: object = None, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.triggered.connect(lambda checked=False: slot())
        return action

    def install(self, menu: QMenu, before: QAction) -> None:
        """Put the study entries into ``menu`` above ``before``."""
        for action in (self.open_action, self.save_action, self.save_as_action):
            menu.insertAction(before, action)
        menu.insertSeparator(before)

    # -- saving ----------------------------------------------------------------------
    def current_study(self) -> StudyFile:
        """What the window shows now, as a study file (raises StudyFileError without data)."""
        from ..cohort.settings import StudySettings
        from ..crf.side_file import read_side_file

        w = self.window
        if w.study_path is None or not w.study_path.is_file():
            raise StudyFileError("Open a CRF before saving a study: there is no data to save.")
        try:
            files = (data_file(w.study_path),)
        except OSError as exc:
            raise StudyFileError(f"{w.study_path.name} could not be read to save the study "
                                 f"({exc.strerror or exc}).") from exc
        dictionary = getattr(w, "study_dictionary", None)      # a REDCap export's data dictionary
        styles = read_side_file(w.study_path, set_aside=False).part(FIGURE_STYLES_KEY)
        return StudyFile(data=files, settings=w.study_settings or StudySettings(),
                         column_mapping=dict(w.column_mapping()),
                         dictionary=data_file(dictionary) if dictionary and Path(dictionary).is_file() else None,
                         choices={**self.choices.capture(), **self._export_choices()}, figure_styles=styles,
                         results_sha256=results_sha256(w.results))

    def _export_choices(self) -> dict[str, dict[str, float]]:
        """The figure size chosen for journal exports (width in mm, DPI), when one was chosen."""
        store = self.window.store
        chosen = {}
        for name, key in EXPORT_KEYS.items():
            value = store.value(key)
            try:
                chosen[name] = float(value) if value is not None else None
            except (TypeError, ValueError):
                continue
        chosen = {k: v for k, v in chosen.items() if v is not None}
        return {EXPORT_PAGE: chosen} if chosen else {}

    def _restore_export_choices(self, chosen: object) -> None:
        if not isinstance(chosen, dict):
            return
        for name, key in EXPORT_KEYS.items():
            value = chosen.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                self.window.store.setValue(key, value)

    def save(self, path: str | os.PathLike | None = None) -> Path | None:
        """Save to ``path``, else to the study file open, else ask for a name."""
        if path is None and self.path is None:
            return self.save_as()
        return self._write(Path(path) if path is not None else self.path)

    def save_as(self, path: str | os.PathLike | None = None) -> Path | None:
        w = self.window
        if path is None:
            start = self.path or (w.study_path.with_suffix(SUFFIX) if w.study_path else Path.home() / "study.her2desk")
            path, _ = QFileDialog.getSaveFileName(w, (self.tr("Save study")), str(start), FILTER)
            if not path:
                return None
        return self._write(study_file_path(path))

    def _write(self, target: Path) -> Path | None:
        from .main_window import her2desk_version

        try:
            written = write_study_file(target, self.current_study(), saved_by=f"her2desk {her2desk_version()}")
        except StudyFileError as exc:
            self.window.show_banner(str(exc), "error")
            return None
        self.path, self._data = written, self.window.study_path.resolve()
        history = getattr(self.window, "history", None)
        if history is not None:
            history.stack.setClean()
        self._add_recent(written)
        self._title()
        self.window.statusBar().showMessage("Study saved as {0}.".format(written.name), 5000)
        return written

    # -- leaving the study -------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        """A study file is open and something changed since it was saved (the title's "*")."""
        history = getattr(self.window, "history", None)
        return self.path is not None and history is not None and not history.stack.isClean()

    def may_leave(self, opening: str | os.PathLike | None = None) -> bool:
        """Ask "Save changes to the study?" before the study is left; False means stay.

        Called when the window closes and before another study or CRF is opened
        (``opening``: that CRF; reopening the CRF that is open, as a changed setting or
        mapping does, leaves nothing and asks nothing). Save writes the study file (and
        stays if that fails or its name is not given), Discard goes on, Cancel stays.
        """
        w = self.window
        if self._leaving or not self.has_unsaved_changes():
            return True
        if opening is not None and w.study_path is not None \
                and Path(opening).resolve() == w.study_path.resolve():
            return True
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            w, self.tr("Unsaved changes"),
            self.tr("Save changes to the study?") + "\n\n"
            + self.tr("{0} has changes that are not saved in the study file.").format(self.path.name),
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
        if answer == buttons.Save:
            return self.save() is not None
        return answer == buttons.Discard

    # -- opening ---------------------------------------------------------------------
    def choose_and_open(self) -> None:
        w = self.window
        start = str(self.path.parent if self.path else (w.study_path.parent if w.study_path else Path.home()))
        path, _ = QFileDialog.getOpenFileName(w, (self.tr("Open study")), start, FILTER + ";;All files (*)")
        if path:
            self.open(path)

    def _ask(self, sentence: str) -> bool:
        answer = QMessageBox.question(self.window, (self.tr("The data changed")),
                                      sentence + "\n\n" + ("Open the study with the data as they are now?"))
        return answer == QMessageBox.StandardButton.Yes

    def open(self, path: str | os.PathLike) -> bool:
        """Open a study file: its data, settings and mapping now, its choices with the results."""
        from ..crf.side_file import MAPPING_KEY, SETTINGS_KEY, SideFileError, update_side_file

        w = self.window
        target = Path(path)
        try:
            study = read_study_file(target)
        except StudyFileError as exc:
            w.show_banner(str(exc), "error")
            if not target.is_file():
                self._forget_recent(target)
            return False
        missing = study.missing_files()
        if missing:
            w.show_banner(self.tr("{0} cannot be opened: {1}").format(target.name, missing[0]), "error")
            return False
        if not self.may_leave():
            return False
        changes = study.data_changes()
        if changes and not self.confirm(" ".join(changes)):
            return False
        parts = {SETTINGS_KEY: study.settings.to_dict(), MAPPING_KEY: dict(study.column_mapping)}
        if study.figure_styles is not None:
            parts[FIGURE_STYLES_KEY] = study.figure_styles
        notes = list(study.notices) + changes
        try:
            update_side_file(study.primary, **parts)
        except SideFileError as exc:
            notes.append(f"The study's settings and column mapping could not be stored next to the data, so "
                         f"the mapping is not used and the settings last until her2desk is closed. {exc}")
        self._restore_export_choices(study.choices.get(EXPORT_PAGE))
        self.choices.restore_after_results(study.choices)
        self._expected_results = study.results_sha256 if not changes else ""
        dictionary = study.dictionary.path if study.dictionary is not None else None
        self._leaving = True                      # asked above: opening its CRF asks no more
        try:
            opened = w.open_study(study.primary, study.settings, dictionary=dictionary)
        finally:
            self._leaving = False
        if not opened:
            self.choices.restore_after_results(None)
            return False
        self.path, self._data = target, study.primary.resolve()
        self._notes = notes                       # shown with the window's own, once loaded
        self._add_recent(target)
        self._title()
        return True

    def _check_results(self, results: object) -> None:
        """Once, after a study file opened on unchanged data: say if its results moved."""
        expected, self._expected_results = self._expected_results, ""
        if expected and results_sha256(results) != expected:
            self.window.show_banner(
                (self.tr("The data are those the study was saved with, but the results differ from the saved ones "
                        "(another her2desk version or different analysis code).")), "warning")

    def _on_loaded(self, loaded: object) -> None:
        """Another CRF opened on its own: Save study no longer writes the old study file."""
        path = getattr(loaded, "path", None)
        if self.path is not None and (path is None or Path(path).resolve() != self._data):
            self.path = self._data = None
        self._title()
        notes, self._notes = self._notes, []
        if notes:
            w = self.window
            shown = [w.banner.text()] if w.banner.isVisible() and w.banner.text() else []
            w.show_banner("<br>".join([*notes, *shown]), "warning")

    def _title(self) -> None:
        w = self.window
        if self.path is not None and w.study_path is not None:
            # "[*]": Qt shows "*" there while the study has changes not saved in the file.
            w.setWindowTitle(self.tr("{0} ({1}) — her2desk").format(self.path.name + "[*]", w.study_path.name))
            history = getattr(w, "history", None)
            w.setWindowModified(history is not None and not history.stack.isClean())

    # -- recent studies: the window's one bounded list, CRFs and study files alike -------
    def _add_recent(self, path: Path) -> None:
        self.window._add_recent(path)

    def _forget_recent(self, path: Path) -> None:
        self.window._forget_recent(path)
