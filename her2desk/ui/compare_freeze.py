"""File ▸ Compare with another version…: the open study against another freeze, in a tab.

Why here and this small: the comparison itself is Qt-free (analysis/freeze_diff.py) and
its tables are the ones ``her2desk diff`` writes (report/diff_report.py); this module
only picks the other file, runs both analyses off the GUI thread with progress, and
shows the tables. The other file is taken as the earlier freeze and the open study as
the later one; both are analysed with the open study's settings.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QMenu, QPushButton, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from ..analysis.freeze_diff import FreezeDiff
from ..i18n import N_
from ..report.diff_report import diff_summary, diff_tables

if TYPE_CHECKING:
    from .main_window import MainWindow

__all__ = ["FreezeComparePanel", "install_compare_action", "compare_with", "TAB_TITLE"]

TAB_TITLE = "Changes"


class FreezeComparePanel(QWidget):
    """One comparison: a summary line per kind of change, then one table per kind."""

    title = "Changes between freezes"

    def __init__(self, diff: FreezeDiff, parent: QWidget | None = None):
        super().__init__(parent)
        self.diff = diff
        self.tables: dict[str, QTableWidget] = {}
        layout = QVBoxLayout(self)
        lines = [f"{label}: {value}" for label, value in diff_summary(diff)]
        self.summary = QLabel("<br>".join(lines))
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        self.save_button = QPushButton(self.tr("Save as Excel…"))
        self.save_button.setToolTip(self.tr("Save these tables as an .xlsx workbook (as her2desk diff --out)"))
        top.addWidget(self.save_button)
        layout.addLayout(top)
        self.pages = QTabWidget()
        for name, (headers, rows) in diff_tables(diff).items():
            table = QTableWidget(len(rows), len(headers))
            table.setHorizontalHeaderLabels(list(headers))
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    table.setItem(i, j, QTableWidgetItem(_shown(value)))
            table.resizeColumnsToContents()
            self.tables[name] = table
            self.pages.addTab(table, self.tr("{0} ({1})").format(name, len(rows)))
        layout.addWidget(self.pages, 1)

    # The window's Ctrl+E / Copy table ask every page for these.
    def export_frame(self) -> pd.DataFrame | None:
        name = list(self.tables)[self.pages.currentIndex()]
        headers, rows = diff_tables(self.diff)[name]
        return pd.DataFrame(rows, columns=list(headers))

    def shown_table(self) -> None:
        return None


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}" if not value.is_integer() else f"{value:.0f}"
    return str(value)


def install_compare_action(window: "MainWindow", menu: QMenu, before: QAction) -> QAction:
    action = QAction(QCoreApplication.translate("compare_freeze", "Compare wit&h another version…"), window)
    action.setToolTip(QCoreApplication.translate("compare_freeze", "What changed between this study and another freeze of it"))
    action.triggered.connect(lambda: choose_and_compare(window))
    menu.insertAction(before, action)
    return action


def choose_and_compare(window: "MainWindow") -> None:
    from ..crf.source import CRF_EXTENSIONS

    if window.loaded is None or window.study_path is None:
        window.show_banner(QCoreApplication.translate("compare_freeze", "Open a study first, then compare it with another version."), "info")
        return
    path, _ = QFileDialog.getOpenFileName(
        window, QCoreApplication.translate("compare_freeze", "Compare with another version"), str(window.study_path.parent),
        "CRF files (" + " ".join(f"*{s}" for s in CRF_EXTENSIONS) + ");;All files (*)")
    if path:
        compare_with(window, Path(path))


def compare_with(window: "MainWindow", other: Path, dictionary: Path | None = None) -> bool:
    """Compare ``other`` (the earlier freeze) with the open study in the background; the
    result opens in the Changes tab. False (with a sentence in the banner) if refused."""
    from ..crf.source import check_crf_path, check_dictionary_path
    from ..errors import CRFReadError
    from .redcap_open import dictionary_for

    current = window.loaded
    if current is None:
        window.show_banner(QCoreApplication.translate("compare_freeze", "Open a study first, then compare it with another version."), "info")
        return False
    try:
        check_crf_path(other)
        dictionary = dictionary or dictionary_for(window, other)
        if dictionary is not None:
            dictionary = check_dictionary_path(dictionary)
    except CRFReadError as exc:
        window.show_banner(str(exc), "error")
        return False
    settings = current.settings
    # The open study's analyses, when the window has them for this study and these settings
    # (cleared on every load and settings change), are not computed a second time.
    current_results = window.results

    def work(progress, cancelled) -> FreezeDiff:
        from ..analysis.freeze_diff import compare_freezes
        from ..analysis.study import run_study
        from ..cohort.loading import load_study
        from ..cohort.saved_state import open_saved_state

        mapping = open_saved_state(other).mapping
        old = load_study(other, settings, mapping=mapping, dictionary=dictionary,
                         progress=lambda f, t: progress(0.3 * f, t), cancelled=cancelled)
        share = 0.7 if current_results is not None else 0.35
        progress(0.3, N_(f"Analysing {other.name}"))
        old_results = run_study(old.cohort, settings, flowchart=old.flowchart,
                                progress=lambda f, t: progress(0.3 + share * f, t),
                                cancelled=cancelled)
        new_results = current_results
        if new_results is None:
            progress(0.65, N_("Analysing the open study"))
            new_results = run_study(current.cohort, settings, flowchart=current.flowchart,
                                    progress=lambda f, t: progress(0.65 + 0.35 * f, t),
                                    cancelled=cancelled)
        return compare_freezes(old, current, old_results, new_results)

    window.runner.start("compare", work, on_finished=lambda diff: show_diff(window, diff),
                        on_failed=lambda msg: window.show_banner(msg, "error"))
    window.statusBar().showMessage(QCoreApplication.translate("compare_freeze", "Comparing with {0}…").format(other.name))
    return True


def show_diff(window: "MainWindow", diff: FreezeDiff) -> FreezeComparePanel:
    """Put ``diff`` in the Changes tab (replacing an earlier comparison) and show it."""
    panel = FreezeComparePanel(diff)
    panel.save_button.clicked.connect(lambda _checked=False: save_diff(window, panel))
    old = getattr(window, "compare_panel", None)
    if old is not None:
        index = window.tabs.indexOf(old)
        if index >= 0:
            window.tabs.removeTab(index)
        old.deleteLater()
    window.compare_panel = panel
    index = window.tabs.addTab(panel, TAB_TITLE)
    window.tabs.setTabToolTip(index, f"{diff.old_name} → {diff.new_name}")
    window.tabs.setCurrentIndex(index)
    window.statusBar().showMessage(QCoreApplication.translate("compare_freeze", "Compared {0} with {1}").format(diff.old_name, diff.new_name), 5000)
    return panel


def save_diff(window: "MainWindow", panel: FreezeComparePanel, path: str | None = None) -> None:
    """Write the comparison as diff.xlsx off the GUI thread (atomic, as the command line)."""
    if path is None:
        start = str((window.study_path.parent if window.study_path else Path.home()) / "diff.xlsx")
        path, _ = QFileDialog.getSaveFileName(window, QCoreApplication.translate("compare_freeze", "Save comparison"), start,
                                              "Excel workbook (*.xlsx)")
        if not path:
            return
    target = Path(path)
    if target.suffix.casefold() != ".xlsx":
        target = target.with_suffix(".xlsx")

    def work(progress, cancelled) -> Any:
        from ..report.diff_report import write_diff_workbook

        progress(0.1, f"Writing {target.name}")
        return write_diff_workbook(panel.diff, target)

    window.runner.start("export", work,
                        on_finished=lambda p: window.show_banner(QCoreApplication.translate("compare_freeze", "Comparison saved as {0}.").format(p), "info"),
                        on_failed=lambda m: window.show_banner(m, "error"))
