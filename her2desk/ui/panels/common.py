"""Small pieces several result panels share: the "Save figure" menu and where figures go,
the yellow box of model warnings, and the figures-over-table page layout."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QSplitter, QToolButton, QVBoxLayout, QWidget

from ..language import set_shown
from ..plots import export
from ..plots.journal import JOURNAL_FILTER


WARNING_BOX_STYLE = ("background: #fff4d6; color: #8a5a00; border: 1px solid #e0b050; "
                     "border-radius: 3px; padding: 4px 8px;")

#: Notes that say the same thing in other words: only the first of each family is shown.
_SAME_MEANING = ("did not converge",)


def distinct_notes(notes: Sequence[str | None]) -> list[str]:
    """``notes`` without blanks and repeats, in their order.

    A repeat is the same text (ignoring case and spacing) or a second note of one
    family in ``_SAME_MEANING`` (the panel's "did not converge: tick fewer
    covariates" and the model's own "did not converge in 30 iterations").
    """
    out: list[str] = []
    seen: set[str] = set()
    for note in notes:
        text = " ".join(str(note or "").split())
        if not text:
            continue
        low = text.casefold()
        key = next((family for family in _SAME_MEANING if family in low), low)
        if key in seen:
            continue
        seen.add(key)
        out.append(text)
    return out


def warning_box(name: str, parent: QWidget | None = None) -> QLabel:
    """A hidden, word-wrapped yellow label for model warnings (fill it with ``show_notes``)."""
    label = QLabel(parent)
    label.setAccessibleName(name)
    label.setWordWrap(True)
    label.setStyleSheet(WARNING_BOX_STYLE)
    label.hide()
    return label


def show_notes(label: QLabel, notes: Sequence[str | None]) -> list[str]:
    """One "⚠ note" line per distinct note; the label is hidden when there is none."""
    shown = distinct_notes(notes)
    set_shown(label, "\n".join(f"⚠ {n}" for n in shown))
    label.setVisible(bool(shown))
    return shown


def save_menu_button(entries: Sequence[tuple[str, Callable[[], Any]]], parent: QWidget | None = None
                     ) -> QToolButton:
    """A "Save figure ▾" button whose menu offers one entry per figure of the page."""
    button = QToolButton(parent)
    button.setText(QCoreApplication.translate("common", "Save figure ▾"))
    button.setAccessibleName("Save a figure")
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    for text, slot in entries:
        # An explicit QAction owned by the menu: the (text, callable) overload of addAction
        # was seen resolving to a stale wrapper under load in PySide6 6.11.
        action = QAction(text, menu)
        action.triggered.connect(lambda _checked=False, run=slot: run())
        menu.addAction(action)
    button.setMenu(menu)
    return button


LAST_FIGURE_FOLDER = "export/last_figure_folder"
FIGURE_WIDTH_MM = "export/figure_width_mm"
FIGURE_DPI = "export/figure_dpi"


def journal_writer(panel: QWidget, figure: Any) -> Callable[[str], Any]:
    """``write(path)`` for a figure widget: the journal export at the width and DPI last chosen
    (85 mm, 600 dpi unless set), drawn from a fresh widget so the window's size never matters."""
    store = getattr(panel.window(), "store", None)

    def number(key: str, default: float) -> float:
        try:
            return float(store.value(key, default)) if store is not None else default
        except (TypeError, ValueError):
            return default

    def write(path: str) -> Any:
        return figure.export_journal(path, width_mm=number(FIGURE_WIDTH_MM, 85.0),
                                     dpi=int(number(FIGURE_DPI, 600)))
    return write


def proposed_path(store: Any, start: str = "") -> str:
    """The file name ``start`` proposes (default figure.png), in the folder a figure was last saved to."""
    name = Path(start).name if start else "figure.png"
    folder = store.value(LAST_FIGURE_FOLDER, "") if store is not None else ""
    if folder and Path(str(folder)).is_dir():
        return str(Path(str(folder)) / name)
    return str(Path(start).parent / name) if start and Path(start).parent != Path(".") else str(Path.home() / name)


def save_figure_to(panel: QWidget, write: Callable[[str], Any], path: str | None = None, *,
                   caption: str = "Save figure", start: str = "") -> str | None:
    """Ask for a file when ``path`` is None, then ``write(path)``.

    In the window, failures and success are reported in its banner (``run_export``);
    a panel used on its own lets the ExportError reach the caller. Returns the path
    written to, or None when the user cancelled.
    """
    window = panel.window()
    store = getattr(window, "store", None)
    if path is None:
        path, _ = QFileDialog.getSaveFileName(panel, caption, proposed_path(store, start),
                                              JOURNAL_FILTER)
        if not path:
            return None
        if store is not None:
            store.setValue(LAST_FIGURE_FOLDER, str(Path(path).parent))
    path = str(path)
    if hasattr(window, "run_export"):
        window.run_export(lambda: write(path), path)
    else:
        write(path)
    return path


def figures_over_table(upper: QWidget, lower: Sequence[QWidget], *, stretch: tuple[int, int],
                       sizes: tuple[int, int]) -> QSplitter:
    """A page split top/bottom: figures above, a table with its notes below; the user can drag
    the divider."""
    below = QWidget()
    column = QVBoxLayout(below)
    column.setContentsMargins(0, 0, 0, 0)
    for i, widget in enumerate(lower):
        column.addWidget(widget, 1 if i == 0 else 0)
    split = QSplitter(Qt.Orientation.Vertical)
    split.addWidget(upper)
    split.addWidget(below)
    split.setStretchFactor(0, stretch[0])
    split.setStretchFactor(1, stretch[1])
    split.setSizes(list(sizes))
    return split
