"""Edit ▸ Undo / Redo for settings, the column mapping and the analysis choices.

One ``QUndoStack`` per window. Every command re-applies through the door a user change
takes, so an undo recomputes exactly what the change recomputed:

* settings: :meth:`MainWindow.apply_settings` (saved next to the study; only the stage the
  setting touches is re-run);
* column mapping: written with :func:`her2desk.crf.headers.save_mapping`, then the study is
  opened again, as after File ▸ Map columns…;
* a page's choices: :meth:`ChoiceTracker.apply_page`, the pages' public methods;
* a figure's options: :func:`her2desk.ui.figure_styles.save_figure_style`, as the Figure
  options… dialog saves them (with the study, every figure it concerns redrawn).

The history belongs to one study: opening another clears it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QKeySequence, QUndoCommand, QUndoStack

from .choices import Choice, ChoiceTracker

if TYPE_CHECKING:
    from ..cohort.settings import StudySettings
    from .main_window import MainWindow

PAGE_NAMES = {"survival": "survival", "cox": "Cox model", "baseline": "baseline grouping",
              "neoadjuvant": "neoadjuvant analysis"}


def settings_text(old: "StudySettings", new: "StudySettings") -> str:
    """ "Change the data cutoff and time unit": the settings' own labels."""
    import dataclasses

    labels = [f.metadata["label"] for f in dataclasses.fields(new) if getattr(old, f.name) != getattr(new, f.name)]
    if not labels:
        return "Change settings"
    return "Change the " + (labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1])


def choice_text(page: str, old: Choice, new: Choice) -> str:
    """ "Change survival: grouping": the page and the keys that changed."""
    keys = [k.replace("_", " ") for k in new if (old or {}).get(k) != new.get(k)]
    return f"Change {PAGE_NAMES.get(page, page)}" + (f": {', '.join(keys)}" if keys else "")


class SettingsCommand(QUndoCommand):
    def __init__(self, window: "MainWindow", old: "StudySettings", new: "StudySettings"):
        super().__init__(settings_text(old, new))
        self.window, self.old, self.new = window, old, new

    def redo(self) -> None:
        self.window.apply_settings(self.new)

    def undo(self) -> None:
        self.window.apply_settings(self.old)


class MappingCommand(QUndoCommand):
    def __init__(self, window: "MainWindow", old: dict[str, str], new: dict[str, str]):
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        shown = ", ".join(k.split("!", 1)[-1] for k in changed[:2]) + ("…" if len(changed) > 2 else "")
        super().__init__(f"Map columns{': ' + shown if shown else ''}")
        self.window, self.old, self.new = window, dict(old), dict(new)

    def _apply(self, mapping: dict[str, str]) -> None:
        from ..crf.headers import save_mapping
        from ..crf.side_file import SideFileError

        study = self.window.study_path
        if study is None:
            return
        try:
            save_mapping(study, mapping)
        except SideFileError as exc:
            self.window.show_banner(QCoreApplication.translate("MappingCommand", "The column mapping could not be saved next to {0}. {1}").format(study.name, exc), "error")
            return
        self.window.open_study(study)

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)


class ChoiceCommand(QUndoCommand):
    """A choice the user already made on a page: the first redo does nothing."""

    def __init__(self, tracker: ChoiceTracker, page: str, old: Choice, new: Choice):
        super().__init__(choice_text(page, old, new))
        self.tracker, self.page, self.old, self.new = tracker, page, old, new
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.tracker.apply_page(self.page, self.new)

    def undo(self) -> None:
        self.tracker.apply_page(self.page, self.old)


class FigureStyleCommand(QUndoCommand):
    """Figure options… for ``key`` (a figure kind or paper item); ``old`` is what was saved."""

    def __init__(self, widget: Any, key: str, old: Any, new: Any):
        super().__init__(f"Figure options: {key}")
        self.widget, self.key, self.old, self.new = widget, key, old, new

    def redo(self) -> None:
        from .figure_styles import save_figure_style

        save_figure_style(self.widget, self.key, self.new)

    def undo(self) -> None:
        from .figure_styles import save_figure_style

        save_figure_style(self.widget, self.key, self.old)


class UndoHistory(QObject):
    """The window's undo stack and its Edit-menu actions (``undo_action``, ``redo_action``)."""

    def __init__(self, window: "MainWindow", tracker: ChoiceTracker):
        super().__init__(window)
        self.window = window
        self.stack = QUndoStack(self)
        self.undo_action = self.stack.createUndoAction(window, "&Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = self.stack.createRedoAction(window, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        # A change since the study file was saved marks the title ("trial.her2desk*").
        self.stack.cleanChanged.connect(self._clean_changed)
        tracker.changed.connect(lambda page, old, new: self.stack.push(ChoiceCommand(tracker, page, old, new)))
        self._study: Any = None
        window.study_loaded.connect(self._on_loaded)

    def change_settings(self, new: "StudySettings") -> None:
        """Apply ``new`` settings as an undoable step (nothing when they are the same)."""
        old = self.window.study_settings
        if old is None or old == new:
            self.window.apply_settings(new)
            return
        self.stack.push(SettingsCommand(self.window, old, new))

    def change_mapping(self, old: dict[str, str], new: dict[str, str]) -> None:
        """The mapping ``new`` replaces ``old`` (both whole) as an undoable step."""
        if old == new:
            self.window.open_study(self.window.study_path)
            return
        self.stack.push(MappingCommand(self.window, old, new))

    def change_figure_style(self, widget: Any, key: str, style: Any) -> None:
        """Save ``style`` for figures of ``key`` as an undoable step (undo gives back the saved one)."""
        from ..report.figure_style import FigureStyle, load_styles

        study = self.window.study_path
        if study is not None:
            old = load_styles(study).get(key) or FigureStyle()
        else:                                    # no study: the style lives on the figure only
            old = widget.figure_style or FigureStyle()
        if old == style:
            return
        self.stack.push(FigureStyleCommand(widget, key, old, style))

    def _clean_changed(self, clean: bool) -> None:
        if getattr(self.window.session, "path", None) is not None:   # a study file's title has the mark
            self.window.setWindowModified(not clean)

    def _on_loaded(self, loaded: Any) -> None:
        path = getattr(loaded, "path", None)
        if self._study is not None and path != self._study:
            self.stack.clear()
        self._study = path
