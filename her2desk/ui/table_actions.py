"""File ▸ Copy table / Print…: the current page's table (and figure) to the clipboard or printer.

Every tab takes part: a results page gives its :class:`ShownTable` (title, numbers, footnotes);
a data page (Data, Validation, Eligibility) its filtered rows, titled by the tab.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence

from ..report.shown_table import ShownTable
from .clipboard import copy_table

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu

    from .main_window import MainWindow
    from .panels.base import Panel


def shown_table_of(panel: "Panel") -> ShownTable | None:
    """The table ``panel`` shows, as Ctrl+E, Copy and Print see it (None: nothing shown yet)."""
    shown = panel.shown_table()
    if shown is not None:
        return shown
    frame = panel.export_frame()
    if frame is None:
        return None
    return ShownTable.from_rows(panel.title, [str(c) for c in frame.columns],
                                frame.itertuples(index=False, name=None))


def copy_current_table(window: "MainWindow") -> bool:
    """Copy the current tab's table (HTML + TSV); False, with a banner, when there is none."""
    table = shown_table_of(window.current_panel())
    if table is None:
        window.show_banner(QCoreApplication.translate("table_actions", "This page has no table to copy yet."), "info")
        return False
    copy_table(table)
    window.show_banner(QCoreApplication.translate("table_actions", "Copied {0} ({1} rows): paste it into Word or Excel.").format(table.title or 'the table', len(table.rows)), "info")
    return True


def install_table_actions(window: "MainWindow", menu: "QMenu", before: QAction | None = None) -> None:
    """Add Copy table (Ctrl+Shift+C) to ``menu`` (before ``before``), as ``window.copy_table_action``."""
    action = QAction(QCoreApplication.translate("table_actions", "&Copy table"), window)
    action.setShortcut(QKeySequence("Ctrl+Shift+C"))
    action.setStatusTip(QCoreApplication.translate("table_actions", "Copy the table of this page, with its title and footnotes, to paste "
                        "into Word (as a table) or Excel"))
    action.triggered.connect(lambda _checked=False: copy_current_table(window))
    window.addAction(action)
    menu.insertAction(before, action) if before is not None else menu.addAction(action)
    window.copy_table_action = action
