"""Small pieces several result panels share: the "Save figure" menu and where figures go."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMenu, QToolButton, QWidget

from ..plots import export


def save_menu_button(entries: Sequence[tuple[str, Callable[[], Any]]], parent: QWidget | None = None
                     ) -> QToolButton:
    """A "Save figure ▾" button whose menu offers one entry per figure of the page."""
    button = QToolButton(parent)
    button.setText("Save figure ▾")
    button.setAccessibleName("Save a figure")
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    for text, slot in entries:
        menu.addAction(text, slot)
    button.setMenu(menu)
    return button


def save_figure_to(panel: QWidget, write: Callable[[str], Any], path: str | None = None, *,
                   caption: str = "Save figure", start: str = "") -> str | None:
    """Ask for a file when ``path`` is None, then ``write(path)``.

    In the window, failures and success are reported in its banner (``run_export``);
    a panel used on its own lets the ExportError reach the caller. Returns the path
    written to, or None when the user cancelled.
    """
    if path is None:
        path, _ = QFileDialog.getSaveFileName(panel, caption, start, export.FIGURE_FILTER)
        if not path:
            return None
    path = str(path)
    window = panel.window()
    if hasattr(window, "run_export"):
        window.run_export(lambda: write(path), path)
    else:
        write(path)
    return path
